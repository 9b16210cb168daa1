//! Seldon Core v2 (`mlops.seldon.io/v1alpha1`): a Server is a StatefulSet of model server
//! pods, and is where the cost lives; its `podSpec` overrides the ServerConfig's pod. A
//! Model owns no pods (it is loaded onto a Server), so it is noted, not priced.
//!
//! Replicas: `replicas` (default 1); `minReplicas` and `maxReplicas` turn on server
//! autoscaling and bound it. Servers are not treated as able to scale to zero: they host
//! the models that are scheduled onto them.

use super::convert;
use super::podspec::{self, PodShape, Replicas, Traits};
use super::record::{Cx, Object};
use super::Extracted;
use crate::model::{Fact, Note, UnitCounts, Unknown};

pub fn handles(group: &str, kind: &str) -> bool {
    group == "mlops.seldon.io" && matches!(kind, "Server" | "Model")
}

pub fn extract(cx: &Cx, obj: &Object, out: &mut Extracted) {
    let spec = obj.node.get("spec");
    if obj.kind == "Model" {
        let server = convert::text(spec.and_then(|s| s.get("server")))
            .map_or_else(|| "a Server".to_string(), |s| format!("Server {s}"));
        out.notes.push(Note {
            location: Some(cx.doc_location().first_line()),
            message: format!(
                "Seldon Model {} is loaded onto {server}'s pods, which are priced with the Server",
                obj.name
            ),
        });
        return;
    }
    let read = |key: &str| podspec::read_count(cx, spec, key, &format!("spec.{key}"));
    let (replicas, replicas_at) =
        read("replicas").map_or((Fact::Known(1), None), |(f, at)| (f, Some(at)));
    let (min, min_at) = read("minReplicas")
        .map_or((replicas.clone(), replicas_at.clone()), |(f, at)| {
            (f, Some(at))
        });
    let (max, max_at) = read("maxReplicas")
        .map_or((replicas.clone(), replicas_at.clone()), |(f, at)| {
            (f, Some(at))
        });
    let counts = UnitCounts {
        min,
        desired: replicas,
        max,
    };
    let shape = PodShape::of(spec.and_then(|s| s.get("podSpec")), "spec.podSpec");
    let traits = Traits {
        inference: true,
        ..Traits::default()
    };
    let mut part = podspec::pod_part(
        cx,
        &shape,
        Replicas {
            counts,
            min_at,
            desired_at: replicas_at,
            max_at,
        },
        traits,
    );
    // Without overrides the ServerConfig's pod decides cpu and memory.
    let config = convert::text(spec.and_then(|s| s.get("serverConfig"))).unwrap_or("(not set)");
    let from_config = |what: &str| {
        Unknown::new(format!(
            "spec.podSpec of Server {} sets no {what}; ServerConfig {config} decides it",
            obj.name
        ))
    };
    if matches!(part.group.cpu_cores, Fact::Unknown(_)) && !mentions(&shape, "cpu") {
        part.group.cpu_cores = Fact::Unknown(from_config("cpu"));
    }
    if matches!(part.group.memory_gib, Fact::Unknown(_)) && !mentions(&shape, "memory") {
        part.group.memory_gib = Fact::Unknown(from_config("memory"));
    }
    out.resources
        .push(obj.pods(cx, None, cx.doc_location(), part));
}

/// Whether any container of the pod writes `name` in its resources.
fn mentions(shape: &PodShape, name: &str) -> bool {
    shape.containers.iter().chain(&shape.init).any(|c| {
        let r = c.node.get("resources");
        ["requests", "limits"]
            .iter()
            .any(|k| r.and_then(|r| r.get(k)).and_then(|m| m.get(name)).is_some())
    })
}
