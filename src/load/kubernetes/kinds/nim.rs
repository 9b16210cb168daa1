//! NVIDIA NIM Operator NIMService (`apps.nvidia.com/v1alpha1`): one container whose
//! `resources`, `nodeSelector`, `affinity` and `tolerations` sit directly under `spec`.
//! Replicas: `replicas` (default 1), or `scale.hpa` bounds when `scale.enabled`. Multi-node
//! services run `multiNode.parallelism.pipeline` pods per replica, each with
//! `parallelism.tensor` GPUs when `resources` name none.

use super::convert;
use super::podspec::{self, PodShape, Replicas, Traits};
use super::record::{Cx, Object};
use super::Extracted;
use crate::model::{Fact, UnitCounts, Unknown};

pub fn handles(group: &str, kind: &str) -> bool {
    group == "apps.nvidia.com" && kind == "NIMService"
}

pub fn extract(cx: &Cx, obj: &Object, out: &mut Extracted) {
    let spec = obj.node.get("spec");
    let scale = spec.and_then(|s| s.get("scale"));
    let hpa = scale.and_then(|s| s.get("hpa"));
    let autoscaled = convert::flag(scale.and_then(|s| s.get("enabled")), "spec.scale.enabled")
        == Some(Fact::Known(true));
    let replicas = if autoscaled {
        let (min, min_at) =
            podspec::read_count(cx, hpa, "minReplicas", "spec.scale.hpa.minReplicas")
                .map_or((Fact::Known(1), None), |(f, at)| (f, Some(at)));
        let (max, max_at) =
            podspec::read_count(cx, hpa, "maxReplicas", "spec.scale.hpa.maxReplicas").map_or_else(
                || {
                    (
                        Fact::Unknown(Unknown::new("spec.scale.hpa.maxReplicas is not set")),
                        None,
                    )
                },
                |(f, at)| (f, Some(at)),
            );
        Replicas {
            counts: UnitCounts {
                min: min.clone(),
                desired: min,
                max,
            },
            min_at: min_at.clone(),
            desired_at: min_at,
            max_at,
        }
    } else {
        match podspec::read_count(cx, spec, "replicas", "spec.replicas") {
            Some((n, at)) => Replicas::fixed(n, Some(at)),
            None => Replicas::fixed(Fact::Known(1), None),
        }
    };
    let parallelism = spec.and_then(|s| s.path("multiNode.parallelism"));
    let pipeline = podspec::read_count(
        cx,
        parallelism,
        "pipeline",
        "spec.multiNode.parallelism.pipeline",
    );
    let tensor = podspec::read_count(
        cx,
        parallelism,
        "tensor",
        "spec.multiNode.parallelism.tensor",
    );
    let replicas = match &pipeline {
        Some((per, at)) => Replicas {
            counts: UnitCounts {
                min: podspec::times(&replicas.counts.min, per),
                desired: podspec::times(&replicas.counts.desired, per),
                max: podspec::times(&replicas.counts.max, per),
            },
            min_at: replicas.min_at.or_else(|| Some(at.clone())),
            desired_at: replicas.desired_at.or_else(|| Some(at.clone())),
            max_at: replicas.max_at.or_else(|| Some(at.clone())),
        },
        None => replicas,
    };
    let mut shape = PodShape {
        path: "spec".to_string(),
        containers: Vec::new(),
        init: Vec::new(),
        scheduling: spec.map(|s| ("spec".to_string(), s)),
    };
    if let Some(s) = spec {
        shape.add_container(s, "spec");
    }
    let traits = Traits {
        inference: true,
        ..Traits::default()
    };
    let mut part = podspec::pod_part(cx, &shape, replicas, traits);
    // The operator adds no cpu or memory of its own: without them the pod requests none.
    for (what, fact) in [
        ("cpu", &mut part.group.cpu_cores),
        ("memory", &mut part.group.memory_gib),
    ] {
        if matches!(fact, Fact::Unknown(_)) && !part.fact_locations.contains_key(what) {
            *fact = Fact::Unknown(Unknown::new(format!(
                "spec.resources of NIMService {} sets no {what} requests or limits",
                obj.name
            )));
        }
    }
    if let (Some((tps, at)), Fact::Known(0)) = (&tensor, &part.group.accelerators) {
        part.group.accelerators = tps.clone();
        part.group.accelerator_resource = Some("nvidia.com/gpu".to_string());
        for f in ["gpu_count", "accelerator_count"] {
            part.fact_locations.insert(f.to_string(), at.clone());
        }
    }
    out.resources
        .push(obj.pods(cx, None, cx.doc_location(), part));
}
