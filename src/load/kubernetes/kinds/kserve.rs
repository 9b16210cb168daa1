//! KServe: InferenceService (`serving.kserve.io/v1beta1`; one record per predictor,
//! transformer and explainer, plus multi-node predictor workers) and LLMInferenceService
//! (`v1alpha1`/`v1alpha2`; the main workload, prefill and their worker pods).
//!
//! Replicas follow KServe: `minReplicas` defaults to 1. In Knative (serverless) mode
//! `minReplicas: 0` scales to zero and an unset (or 0) `maxReplicas` means no upper bound;
//! in Standard (raw deployment) mode the HPA keeps at least one pod and the ceiling defaults
//! to the minimum. Without the mode annotation (or with one KServe does not know) the
//! cluster's default applies: Knative, as KServe ships it, unless `[kubernetes]
//! kserve_default_deployment_mode` says otherwise; a note names the assumption.

use super::super::yaml::Node;
use super::convert::{self, join};
use super::podspec::{self, PodPart, PodShape, Replicas, Traits};
use super::record::{Cx, Object};
use super::Extracted;
use crate::config::KserveDeploymentMode;
use crate::model::{Fact, Location, Note, UnitCounts, Unknown};

const MODE_ANNOTATION: &str = "serving.kserve.io/deploymentMode";

/// Predictor fields that hold the model server container.
const PREDICTOR_CONTAINERS: &[&str] = &[
    "model",
    "sklearn",
    "xgboost",
    "tensorflow",
    "pytorch",
    "triton",
    "onnx",
    "pmml",
    "lightgbm",
    "paddle",
    "huggingface",
];
const EXPLAINER_CONTAINERS: &[&str] = &["art", "alibi"];

pub fn handles(group: &str, kind: &str) -> bool {
    group == "serving.kserve.io" && matches!(kind, "InferenceService" | "LLMInferenceService")
}

pub fn extract(cx: &Cx, obj: &Object, out: &mut Extracted) {
    if obj.kind == "LLMInferenceService" {
        llm_inference_service(cx, obj, out);
    } else {
        inference_service(cx, obj, out);
    }
}

fn inference_service(cx: &Cx, obj: &Object, out: &mut Extracted) {
    let mode_node = obj
        .node
        .path("metadata.annotations")
        .and_then(|a| a.get(MODE_ANNOTATION));
    let mode_at = mode_node.map(|n| cx.key_loc(MODE_ANNOTATION, n));
    let (default, whose) = match cx.options.kserve_default_mode {
        Some(mode) => (
            mode,
            "the cluster's default from [kubernetes] kserve_default_deployment_mode",
        ),
        None => (
            KserveDeploymentMode::Knative,
            "KServe's shipped default (set [kubernetes] kserve_default_deployment_mode if the cluster's differs)",
        ),
    };
    // The mode decides scale-to-zero and so the baseline: a mode the object does not say is
    // an assumption shown beside the amount, not only a note.
    let mut assumed: Option<String> = None;
    let knative = match convert::text(mode_node) {
        None => {
            assumed = Some(format!(
                "read in {} mode, {whose}: no {MODE_ANNOTATION} annotation",
                default.name()
            ));
            out.notes.push(Note {
                location: Some(cx.doc_location().first_line()),
                message: format!(
                    "InferenceService {} has no {MODE_ANNOTATION} annotation, so it is read in {whose}: {}",
                    obj.name,
                    default.name()
                ),
            });
            default == KserveDeploymentMode::Knative
        }
        Some("Standard" | "RawDeployment") => false,
        Some("Knative" | "Serverless") => true,
        Some("ModelMesh") => {
            out.notes.push(Note {
                location: mode_at,
                message: format!(
                    "InferenceService {} runs on shared ModelMesh pods, which its ServingRuntime prices; it is not priced on its own",
                    obj.name
                ),
            });
            return;
        }
        Some(other) => {
            assumed = Some(format!(
                "read in {} mode, {whose}: `{other}` is not a KServe deployment mode",
                default.name()
            ));
            out.notes.push(Note {
                location: mode_at.clone(),
                message: format!(
                    "{MODE_ANNOTATION} `{other}` is not a KServe deployment mode, so KServe uses its default; InferenceService {} is read in {whose}: {}",
                    obj.name,
                    default.name()
                ),
            });
            default == KserveDeploymentMode::Knative
        }
    };
    let spec = obj.node.get("spec");
    for component in ["predictor", "transformer", "explainer"] {
        let Some(c) = spec.and_then(|s| s.get(component)) else {
            continue;
        };
        let path = format!("spec.{component}");
        let mut shape = PodShape::of(Some(c), &path);
        let containers = match component {
            "predictor" => PREDICTOR_CONTAINERS,
            "explainer" => EXPLAINER_CONTAINERS,
            _ => &[],
        };
        for key in containers {
            if let Some(node) = convert::present(c.get(key)) {
                shape.add_container(node, &join(&path, key));
            }
        }
        let (replicas, traits) = component_scaling(cx, c, &path, knative, &mode_at, obj, out);
        let worker = (component == "predictor")
            .then(|| c.get("workerSpec"))
            .flatten();
        let tensor = worker.and_then(|w| {
            podspec::read_count(
                cx,
                Some(w),
                "tensorParallelSize",
                &join(&path, "workerSpec.tensorParallelSize"),
            )
        });
        let mut part = podspec::pod_part(cx, &shape, replicas, traits);
        default_gpus(&mut part, &tensor);
        part.group.assumptions.extend(assumed.clone());
        let counts = part.group.replicas.clone();
        push(
            cx,
            obj,
            out,
            Some(component.to_string()),
            cx.key_loc(component, c),
            part,
        );
        if let Some(w) = worker {
            let wpath = join(&path, "workerSpec");
            let per_replica = match podspec::read_count(cx, Some(w), "pipelineParallelSize", &join(&wpath, "pipelineParallelSize")) {
                // The head pod is one of the pipeline stages.
                Some((Fact::Known(n), at)) => (Fact::Known(n.saturating_sub(1).max(0)), Some(at)),
                Some((f, at)) => (f, Some(at)),
                None => (
                    Fact::Unknown(Unknown::new(format!(
                        "{wpath}.pipelineParallelSize is not set, so the ServingRuntime decides how many worker pods each replica has"
                    ))),
                    None,
                ),
            };
            let replicas = scaled(&counts, &per_replica.0, per_replica.1);
            let shape = PodShape::of(Some(w), &wpath);
            let traits = Traits {
                inference: true,
                ..Traits::default()
            };
            let mut part = podspec::pod_part(cx, &shape, replicas, traits);
            default_gpus(&mut part, &tensor);
            part.group.assumptions.extend(assumed.clone());
            push(
                cx,
                obj,
                out,
                Some("worker".to_string()),
                cx.key_loc("workerSpec", w),
                part,
            );
        }
    }
}

/// Replicas and scale-to-zero of one InferenceService component.
fn component_scaling(
    cx: &Cx,
    c: &Node,
    path: &str,
    knative: bool,
    mode_at: &Option<Location>,
    obj: &Object,
    out: &mut Extracted,
) -> (Replicas, Traits) {
    let min = podspec::read_count(cx, Some(c), "minReplicas", &join(path, "minReplicas"));
    let max = podspec::read_count(cx, Some(c), "maxReplicas", &join(path, "maxReplicas"));
    let (mut min_value, min_at) = match min {
        Some((f, at)) => (f, Some(at)),
        None => (Fact::Known(1), None),
    };
    let scale_to_zero;
    let max_value;
    if knative {
        scale_to_zero = Some(min_value == Fact::Known(0));
        max_value = match &max {
            Some((Fact::Known(0), _)) | None => Fact::Unknown(Unknown::new(format!(
                "{path}.maxReplicas is not set, and in Knative mode that means no upper bound"
            ))),
            Some((f, _)) => f.clone(),
        };
    } else {
        scale_to_zero = Some(false);
        if min_value == Fact::Known(0) {
            out.notes.push(Note {
                location: min_at.clone(),
                message: format!(
                    "{path}.minReplicas of InferenceService {} is 0, but Standard mode keeps at least one pod; counted as 1 (use the Knative mode to scale to zero)",
                    obj.name
                ),
            });
            min_value = Fact::Known(1);
        }
        // KServe raises a ceiling below the floor to the floor.
        max_value = match (&max, &min_value) {
            (Some((Fact::Known(m), _)), Fact::Known(n)) if m < n => Fact::Known(*n),
            (Some((f, _)), _) => f.clone(),
            (None, _) => min_value.clone(),
        };
    }
    let max_at = max.map(|(_, at)| at);
    let replicas = Replicas {
        counts: UnitCounts {
            min: min_value.clone(),
            desired: min_value,
            max: max_value,
        },
        min_at: min_at.clone(),
        desired_at: min_at.clone(),
        max_at,
    };
    let traits = Traits {
        scale_to_zero,
        scale_to_zero_at: min_at.or_else(|| mode_at.clone()),
        inference: true,
        ..Traits::default()
    };
    (replicas, traits)
}

/// KServe gives each multi-node pod `tensorParallelSize` GPUs when its containers ask for none.
fn default_gpus(part: &mut PodPart, tensor: &Option<(Fact<i64>, Location)>) {
    if let (Some((tps, at)), Fact::Known(0)) = (tensor, &part.group.accelerators) {
        part.group.accelerators = tps.clone();
        part.group.accelerator_resource = Some("nvidia.com/gpu".to_string());
        for f in ["gpu_count", "accelerator_count"] {
            part.fact_locations.insert(f.to_string(), at.clone());
        }
    }
}

/// Counts of `base` times `per` (pods per replica).
fn scaled(base: &UnitCounts, per: &Fact<i64>, at: Option<Location>) -> Replicas {
    Replicas {
        counts: UnitCounts {
            min: podspec::times(&base.min, per),
            desired: podspec::times(&base.desired, per),
            max: podspec::times(&base.max, per),
        },
        min_at: at.clone(),
        desired_at: at.clone(),
        max_at: at,
    }
}

fn push(
    cx: &Cx,
    obj: &Object,
    out: &mut Extracted,
    component: Option<String>,
    location: Location,
    part: PodPart,
) {
    out.resources.push(obj.pods(cx, component, location, part));
}

/// An LLMInferenceService: the main (decode) workload, the optional prefill workload, and
/// the worker pods of each when multi-node.
fn llm_inference_service(cx: &Cx, obj: &Object, out: &mut Extracted) {
    let Some(spec) = obj.node.get("spec") else {
        push_workload(cx, obj, out, None, None, "spec");
        return;
    };
    push_workload(cx, obj, out, Some(spec), None, "spec");
    if let Some(prefill) = convert::present(spec.get("prefill")) {
        push_workload(cx, obj, out, Some(prefill), Some("prefill"), "spec.prefill");
    }
}

fn push_workload(
    cx: &Cx,
    obj: &Object,
    out: &mut Extracted,
    w: Option<&Node>,
    name: Option<&str>,
    path: &str,
) {
    let scaling = w.and_then(|w| w.get("scaling"));
    let replicas = podspec::read_count(cx, w, "replicas", &join(path, "replicas"));
    let min = podspec::read_count(
        cx,
        scaling,
        "minReplicas",
        &join(path, "scaling.minReplicas"),
    );
    let max = podspec::read_count(
        cx,
        scaling,
        "maxReplicas",
        &join(path, "scaling.maxReplicas"),
    );
    let (desired, desired_at) = match (replicas, &min) {
        (Some((f, at)), _) => (f, Some(at)),
        (None, Some((f, at))) => (f.clone(), Some(at.clone())),
        (None, None) => (Fact::Known(1), None),
    };
    let (min, min_at) = min.map_or((desired.clone(), desired_at.clone()), |(f, at)| {
        (f, Some(at))
    });
    let (max, max_at) = max.map_or((desired.clone(), desired_at.clone()), |(f, at)| {
        (f, Some(at))
    });
    let counts = UnitCounts {
        min: min.clone(),
        desired,
        max,
    };
    let replicas = Replicas {
        counts: counts.clone(),
        min_at,
        desired_at,
        max_at,
    };
    let traits = Traits {
        inference: true,
        ..Traits::default()
    };
    let template_path = join(path, "template");
    let shape = PodShape::of(w.and_then(|w| w.get("template")), &template_path);
    let part = podspec::pod_part(cx, &shape, replicas, traits);
    let location = match (name, w) {
        (Some(n), Some(w)) => cx.key_loc(n, w),
        _ => cx.doc_location(),
    };
    push(cx, obj, out, name.map(str::to_string), location, part);

    if let Some(worker) = w.and_then(|w| convert::present(w.get("worker"))) {
        let per = Fact::Unknown(Unknown::new(format!(
            "the worker pods per replica of {path} depend on {path}.parallelism and how the KServe controller groups them; they are not counted"
        )));
        let replicas = scaled(&counts, &per, None);
        let shape = PodShape::of(Some(worker), &join(path, "worker"));
        let traits = Traits {
            inference: true,
            ..Traits::default()
        };
        let part = podspec::pod_part(cx, &shape, replicas, traits);
        let component = match name {
            Some(n) => format!("{n}-worker"),
            None => "worker".to_string(),
        };
        push(
            cx,
            obj,
            out,
            Some(component),
            cx.key_loc("worker", worker),
            part,
        );
    }
}
