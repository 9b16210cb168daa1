//! Turning one YAML document into resource records, one file per family of kinds:
//! built-in workloads, autoscalers, Karpenter, KServe, KubeRay, Seldon, NIM, Knative,
//! LeaderWorkerSet, JobSet, Kubeflow training jobs, Spark, ProvisioningRequest, and the two
//! files that are not Kubernetes objects (vLLM production-stack values, LiteLLM proxy
//! config). Any other kind that requests accelerators is a record of unknown cost
//! (`unmodelled.rs`); kinds that cost nothing by themselves (Service, ConfigMap...) yield a
//! note, not a record.
//!
//! Addresses: `Kind/namespace/name` (namespace `default` when absent), `Kind/name` for
//! cluster-scoped kinds, then `/component` for the parts of an object (`predictor`, `head`,
//! `worker:<group>`); `vLLM/<model>` and `LiteLLMRoute/<model_name>` for the two configs.

mod convert;
mod cron;
mod hpa;
mod jobset;
mod karpenter;
mod knative;
mod kserve;
mod litellm;
mod lws;
mod names;
mod nim;
mod podspec;
mod provisioning;
mod quantity;
mod ray;
mod record;
mod resources;
mod scheduling;
mod seldon;
mod spark;
mod training;
mod unmodelled;
mod vllm;
mod workloads;

use std::sync::Arc;

use super::regions::Regions;
use super::yaml::{Document, Node, NodeValue};
use crate::config::KserveDeploymentMode;
use crate::load::source::SourceFile;
use crate::model::{Fact, InputError, Location, Note, Resource};
pub use provisioning::PodTemplate;
use record::{Cx, Object};
pub use scheduling::instance_gpu_model;

/// Settings that change how documents are read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// The deployment mode of an InferenceService without the mode annotation
    /// (`[kubernetes] kserve_default_deployment_mode`); `None` is KServe's shipped default.
    pub kserve_default_mode: Option<KserveDeploymentMode>,
}

/// What a document is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Classification {
    /// A Kubernetes object (`apiVersion` and `kind`); `List` objects are unpacked by the loader.
    Kubernetes { api_version: String, kind: String },
    /// A LiteLLM proxy configuration (`model_list`).
    LiteLlm,
    /// vLLM production-stack Helm values (`servingEngineSpec`).
    VllmValues,
    /// Anything else (CI files, docker-compose, Chart.yaml): skipped, with the reason.
    Other(String),
}

/// A HorizontalPodAutoscaler (or KEDA ScaledObject), to be paired with its target.
#[derive(Clone, Debug, PartialEq)]
pub struct Hpa {
    pub namespace: String,
    pub target_kind: String,
    pub target_name: String,
    pub min: Fact<i64>,
    pub max: Fact<i64>,
    /// The autoscaler's own name and kind (`HorizontalPodAutoscaler`, `ScaledObject`).
    pub name: String,
    pub kind: String,
    /// The autoscaler's document, and its min and max fields where written.
    pub location: Location,
    pub min_location: Option<Location>,
    pub max_location: Option<Location>,
}

/// What one document yielded.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Extracted {
    pub resources: Vec<Resource>,
    pub hpas: Vec<Hpa>,
    /// PodTemplates, to be paired with the ProvisioningRequests that name them.
    pub pod_templates: Vec<PodTemplate>,
    pub errors: Vec<InputError>,
    pub notes: Vec<Note>,
}

pub fn classify(doc: &Document) -> Classification {
    classify_node(&doc.root)
}

fn classify_node(root: &Node) -> Classification {
    let other = |why: &str| Classification::Other(why.to_string());
    match &root.value {
        NodeValue::Null => return other("an empty document"),
        NodeValue::Scalar { .. } | NodeValue::Seq(_) => {
            return other("not a map, so not a Kubernetes object or a known config")
        }
        NodeValue::Map(_) => {}
    }
    let api_version = convert::text(root.get("apiVersion"));
    let kind = convert::text(root.get("kind"));
    match (api_version, kind) {
        (Some(a), Some(k)) => {
            return Classification::Kubernetes {
                api_version: a.trim().to_string(),
                kind: k.trim().to_string(),
            }
        }
        (None, Some(_)) => return other("it has a kind but no apiVersion"),
        (Some(_), None) if root.get("name").is_some() && root.get("version").is_some() => {
            return other("a Helm chart description (Chart.yaml)")
        }
        (Some(_), None) => return other("it has an apiVersion but no kind"),
        (None, None) => {}
    }
    if root
        .get("model_list")
        .is_some_and(|m| matches!(m.value, NodeValue::Seq(_)))
    {
        return Classification::LiteLlm;
    }
    if let Some(engine) = root.get("servingEngineSpec") {
        return if engine.get("modelSpec").is_some() {
            Classification::VllmValues
        } else {
            other("vLLM production-stack values without servingEngineSpec.modelSpec")
        };
    }
    let compose = root.get("services").is_some_and(|s| {
        s.entries()
            .iter()
            .any(|(_, v)| v.get("image").is_some() || v.get("build").is_some())
    });
    if compose {
        return other("a docker-compose file");
    }
    if root.get("jobs").is_some() && root.get("on").is_some() {
        return other("a GitHub Actions workflow");
    }
    if root.get("resources").is_some() || root.get("resource_type_defaults").is_some() {
        return other("an aicost-policy usage file");
    }
    if root.get("repos").is_some() {
        return other("a pre-commit configuration");
    }
    other("not a Kubernetes object (no apiVersion and kind) or a known AI config")
}

/// The records of one document (already classified as not `Other`); `root` is the
/// directory of the file, repository-relative. Read with the default [`Options`].
pub fn extract(
    doc: &Document,
    class: &Classification,
    file: &SourceFile,
    root: &Arc<str>,
) -> Extracted {
    extract_with(doc, class, file, root, Options::default(), None)
}

/// [`extract`] with the given options; `regions` says where nodes merged in from other
/// files are, for a document built by kustomize.
pub fn extract_with(
    doc: &Document,
    class: &Classification,
    file: &SourceFile,
    root: &Arc<str>,
    options: Options,
    regions: Option<&Regions>,
) -> Extracted {
    let cx = Cx {
        regions,
        ..Cx::new(file, root, doc.span, options)
    };
    let mut out = Extracted::default();
    match class {
        Classification::Kubernetes { api_version, kind } => {
            object(&cx, &doc.root, api_version, kind, &mut out);
        }
        Classification::LiteLlm => litellm::extract(&cx, &doc.root, &mut out),
        Classification::VllmValues => vllm::extract(&cx, &doc.root, &mut out),
        Classification::Other(_) => {}
    }
    out.errors.append(&mut cx.errors.borrow_mut());
    out
}

/// Applies each HPA's min and max replicas to its target, in place.
pub fn link_hpas(resources: &mut [Resource], hpas: &[Hpa]) {
    hpa::link(resources, hpas);
}

/// Gives each ProvisioningRequest pod set the pods of the PodTemplate it names, in place.
pub fn link_pod_templates(resources: &mut [Resource], templates: &[PodTemplate]) {
    provisioning::link(resources, templates);
}

/// A family of kinds this module reads: which (API group, kind) pairs are its, whether its
/// objects are namespaced, and how to read one.
struct Family {
    handles: fn(&str, &str) -> bool,
    extract: fn(&Cx, &Object, &mut Extracted),
    namespaced: bool,
}

/// Every family of kinds, tried in order; a kind none handles is read by `unmodelled.rs`.
/// Adding a kind: a file with `handles` and `extract`, and a line here.
const KINDS: [Family; 13] = [
    namespaced(workloads::handles, workloads::extract),
    namespaced(hpa::handles, hpa::extract),
    cluster_scoped(karpenter::handles, karpenter::extract),
    namespaced(kserve::handles, kserve::extract),
    namespaced(ray::handles, ray::extract),
    namespaced(seldon::handles, seldon::extract),
    namespaced(nim::handles, nim::extract),
    namespaced(knative::handles, knative::extract),
    namespaced(lws::handles, lws::extract),
    namespaced(jobset::handles, jobset::extract),
    namespaced(training::handles, training::extract),
    namespaced(spark::handles, spark::extract),
    namespaced(provisioning::handles, provisioning::extract),
];

const fn namespaced(
    handles: fn(&str, &str) -> bool,
    extract: fn(&Cx, &Object, &mut Extracted),
) -> Family {
    Family {
        handles,
        extract,
        namespaced: true,
    }
}

const fn cluster_scoped(
    handles: fn(&str, &str) -> bool,
    extract: fn(&Cx, &Object, &mut Extracted),
) -> Family {
    Family {
        handles,
        extract,
        namespaced: false,
    }
}

/// The records of one Kubernetes object.
fn object(cx: &Cx, node: &Node, api_version: &str, kind: &str, out: &mut Extracted) {
    if kind == "List" || (kind.ends_with("List") && node.get("items").is_some()) {
        // Normally unpacked by the loader; read here too so nothing is lost.
        for item in node.get("items").map_or(&[][..], Node::items) {
            if let Classification::Kubernetes { api_version, kind } = classify_node(item) {
                let item_cx = cx.for_document(item.span);
                object(&item_cx, item, &api_version, &kind, out);
                out.errors.append(&mut item_cx.errors.borrow_mut());
            }
        }
        return;
    }
    let group = api_version.split_once('/').map_or("", |(g, _)| g);
    let Some(family) = KINDS.iter().find(|f| (f.handles)(group, kind)) else {
        unmodelled::extract(cx, node, api_version, kind, out);
        return;
    };
    let namespaced = family.namespaced;
    let extract = family.extract;
    if let Some(obj) = Object::read(cx, node, api_version, kind, namespaced, out) {
        extract(cx, &obj, out);
    }
}
