//! Kinds no other file reads. One that requests accelerators anywhere in it
//! (`nvidia.com/gpu`, `amd.com/gpu`, `google.com/tpu`, `aws.amazon.com/neuron*`,
//! `habana.ai/gaudi`... under a `requests` or `limits` map, as a pod template writes them)
//! is a GPU workload this tool cannot count: it becomes a record whose pods are unknown,
//! with the reason "kind X is not modelled", so its cost is incomplete and the policies see
//! it, never nothing. Templates that other objects instantiate (KServe ServingRuntimes,
//! Kubeflow TrainingRuntimes) are priced through those objects; every other kind costs
//! nothing by itself. Each skipped document is a note naming its kind (`--verbose`).

use std::collections::BTreeMap;

use super::super::yaml::{Node, NodeValue};
use super::podspec::{self, Replicas, Scheduling, Traits};
use super::record::{Cx, Object};
use super::resources::{is_accelerator, PodResources};
use super::Extracted;
use crate::model::{Fact, Note, UnitCounts, Unknown};

/// Kinds whose pod templates are instantiated by other objects, which are priced.
const TEMPLATES: &[(&str, &str, &str)] = &[
    (
        "serving.kserve.io",
        "ServingRuntime",
        "the InferenceServices that use it",
    ),
    (
        "serving.kserve.io",
        "ClusterServingRuntime",
        "the InferenceServices that use it",
    ),
    (
        "serving.kserve.io",
        "LLMInferenceServiceConfig",
        "the LLMInferenceServices that use it",
    ),
    (
        "trainer.kubeflow.org",
        "TrainingRuntime",
        "the TrainJobs that use it",
    ),
    (
        "trainer.kubeflow.org",
        "ClusterTrainingRuntime",
        "the TrainJobs that use it",
    ),
    ("batch", "JobTemplate", "the Jobs made from it"),
];

/// Reads a document of a kind no other file handles.
pub fn extract(cx: &Cx, node: &Node, api_version: &str, kind: &str, out: &mut Extracted) {
    let group = api_version.split_once('/').map_or("", |(g, _)| g);
    let note = |out: &mut Extracted, message: String| {
        out.notes.push(Note {
            location: Some(cx.doc_location().first_line()),
            message,
        });
    };
    if let Some((_, _, users)) = TEMPLATES.iter().find(|(g, k, _)| *g == group && *k == kind) {
        note(
            out,
            format!("kind {kind} ({api_version}) is a template, priced through {users}"),
        );
        return;
    }
    let mut found = Found::default();
    scan(node, None, &mut found, 0);
    let Some(first) = found.first else {
        note(
            out,
            format!("kind {kind} ({api_version}) is not priced or checked"),
        );
        return;
    };
    let Some(obj) = Object::read(cx, node, api_version, kind, true, out) else {
        return;
    };
    let why = Unknown::new(format!(
        "kind {kind} ({api_version}) is not modelled, so how many pods it runs and what each requests are not known"
    ));
    let at = cx.key_loc(&first.name, first.node);
    let mut locations = BTreeMap::new();
    for fact in ["gpu_count", "accelerator_count", "has_gpu_limits"] {
        locations.insert(fact.to_string(), at.clone());
    }
    let res = PodResources {
        cpu_cores: Fact::Unknown(why.clone()),
        memory_gib: Fact::Unknown(why.clone()),
        accelerators: Fact::Unknown(why.clone()),
        accelerator_resource: Some(first.name),
        accelerators_in_limits: found.in_limits || !found.in_requests,
        locations,
    };
    let replicas = Replicas {
        counts: UnitCounts {
            min: Fact::Unknown(why.clone()),
            desired: Fact::Unknown(why.clone()),
            max: Fact::Unknown(why.clone()),
        },
        min_at: None,
        desired_at: None,
        max_at: None,
    };
    let mut part = podspec::assemble(res, &Scheduling::default(), replicas, Traits::default());
    part.group.capacity = Fact::Unknown(why);
    out.resources
        .push(obj.pods(cx, None, cx.doc_location(), part));
    note(
        out,
        format!(
            "kind {kind} ({api_version}) is not modelled; it requests {} at line {}, so its cost is unknown",
            found.names.join(", "),
            at.line
        ),
    );
}

/// Accelerator requests found in a document.
#[derive(Default)]
struct Found<'a> {
    first: Option<First<'a>>,
    /// Every accelerator resource named, sorted.
    names: Vec<String>,
    in_requests: bool,
    in_limits: bool,
}

struct First<'a> {
    name: String,
    node: &'a Node,
}

/// Walks the document for accelerator resources under `requests` or `limits` maps. The
/// tree is already bounded in depth by the YAML reader; `depth` keeps this walk bounded on
/// its own terms too.
fn scan<'a>(node: &'a Node, key: Option<&str>, found: &mut Found<'a>, depth: usize) {
    if depth > 256 {
        return;
    }
    match &node.value {
        NodeValue::Map(entries) => {
            let section = matches!(key, Some("requests" | "limits"));
            for (k, v) in entries {
                if section && is_accelerator(k) && !is_zero(v) {
                    if key == Some("limits") {
                        found.in_limits = true;
                    } else {
                        found.in_requests = true;
                    }
                    if !found.names.contains(k) {
                        found.names.push(k.clone());
                        found.names.sort();
                    }
                    if found.first.is_none() {
                        found.first = Some(First {
                            name: k.clone(),
                            node: v,
                        });
                    }
                }
                scan(v, Some(k), found, depth + 1);
            }
        }
        NodeValue::Seq(items) => {
            for item in items {
                scan(item, None, found, depth + 1);
            }
        }
        NodeValue::Scalar { .. } | NodeValue::Null => {}
    }
}

/// `0` (an explicit "no accelerators").
fn is_zero(node: &Node) -> bool {
    node.as_str().is_some_and(|t| t.trim() == "0")
}
