//! Autoscalers: HorizontalPodAutoscaler (`autoscaling/v1`, `v2`) and KEDA ScaledObject.
//! Each is paired with its target (same namespace, kind and name) after every document is
//! read, and replaces the target's replica count the way the controller does: the baseline
//! is the autoscaler's minimum (HPA default 1, KEDA default 0), the ceiling its maximum.

use std::collections::BTreeMap;

use super::convert;
use super::podspec;
use super::record::{Cx, Object};
use super::{Extracted, Hpa};
use crate::model::{Fact, Map, Resource, UnitCounts, Unknown, Value, WorkloadDetail};

/// Whether `(group, kind)` is an autoscaler.
pub fn handles(group: &str, kind: &str) -> bool {
    (group == "autoscaling" && kind == "HorizontalPodAutoscaler")
        || (group == "keda.sh" && kind == "ScaledObject")
}

pub fn extract(cx: &Cx, obj: &Object, out: &mut Extracted) {
    let spec = obj.node.get("spec");
    let keda = obj.kind == "ScaledObject";
    let target = spec.and_then(|s| s.get("scaleTargetRef"));
    let target_kind = convert::text(target.and_then(|t| t.get("kind")))
        .or(keda.then_some("Deployment"))
        .map(str::to_string);
    let target_name = convert::text(target.and_then(|t| t.get("name"))).map(str::to_string);
    let (Some(target_kind), Some(target_name)) = (target_kind, target_name) else {
        out.notes.push(crate::model::Note {
            location: Some(cx.doc_location().first_line()),
            message: format!(
                "{} {} names no target in spec.scaleTargetRef, so it scales nothing this tool can see",
                obj.kind, obj.name
            ),
        });
        return;
    };
    let (min_key, max_key) = if keda {
        ("minReplicaCount", "maxReplicaCount")
    } else {
        ("minReplicas", "maxReplicas")
    };
    let path = |k: &str| format!("spec.{k}");
    let mut min = podspec::read_count(cx, spec, min_key, &path(min_key));
    if keda {
        // An idle count of 0 lets KEDA scale the target to zero when no events arrive.
        if let Some(idle) =
            podspec::read_count(cx, spec, "idleReplicaCount", "spec.idleReplicaCount")
        {
            min = Some(idle);
        }
    }
    let max = podspec::read_count(cx, spec, max_key, &path(max_key));
    let (min, min_location) = match min {
        Some((n, at)) => (n, Some(at)),
        None => (Fact::Known(if keda { 0 } else { 1 }), None),
    };
    let (max, max_location) = match max {
        Some((n, at)) => (n, Some(at)),
        None if keda => (Fact::Known(100), None),
        None => (
            Fact::Unknown(Unknown::new(format!(
                "spec.maxReplicas of {} is not set",
                obj.name
            ))),
            None,
        ),
    };
    out.hpas.push(Hpa {
        namespace: obj
            .namespace
            .clone()
            .unwrap_or_else(|| "default".to_string()),
        target_kind,
        target_name,
        min,
        max,
        name: obj.name.clone(),
        kind: obj.kind.clone(),
        location: cx.doc_location(),
        min_location,
        max_location,
    });
}

/// Applies each autoscaler to the records of its target, in place.
pub fn link(resources: &mut [Resource], hpas: &[Hpa]) {
    for hpa in hpas {
        for r in resources.iter_mut() {
            if !targets(r, hpa) {
                continue;
            }
            // A LeaderWorkerSet's HPA scales its groups: workers come `size - 1` a group.
            let per = pods_per_replica(r);
            let counts = UnitCounts {
                min: podspec::times(&hpa.min, &per),
                desired: podspec::times(&hpa.min, &per),
                max: podspec::times(&hpa.max, &per),
            };
            if let Some(w) = r.workload.as_mut() {
                if let WorkloadDetail::Pods(group) = &mut w.detail {
                    group.replicas = counts.clone();
                    if hpa.min == Fact::Known(0) {
                        group.scale_to_zero = Some(true);
                    } else if hpa.kind == "ScaledObject" {
                        group.scale_to_zero = Some(false);
                    }
                }
            }
            let min_at = hpa
                .min_location
                .clone()
                .unwrap_or_else(|| hpa.location.clone());
            let max_at = hpa
                .max_location
                .clone()
                .unwrap_or_else(|| hpa.location.clone());
            for fact in [
                "replicas_min",
                "count_min",
                "replicas_desired",
                "count_desired",
            ] {
                r.fact_locations.insert(fact.to_string(), min_at.clone());
            }
            for fact in ["replicas_max", "count_max"] {
                r.fact_locations.insert(fact.to_string(), max_at.clone());
            }
            if hpa.min == Fact::Known(0) || hpa.kind == "ScaledObject" {
                r.fact_locations
                    .insert("scale_to_zero".to_string(), min_at.clone());
            }
            r.attributes.insert("autoscaler", autoscaler_value(hpa));
        }
    }
}

/// Whether `r` is the whole object `hpa` scales (or, for a LeaderWorkerSet, its leaders
/// or workers).
fn targets(r: &Resource, hpa: &Hpa) -> bool {
    let Some(w) = &r.workload else {
        return false;
    };
    if (w.component.is_some() && w.kind != "LeaderWorkerSet")
        || w.kind != hpa.target_kind
        || w.namespace.as_deref() != Some(hpa.namespace.as_str())
    {
        return false;
    }
    let name = r.address.splitn(3, '/').nth(2);
    let name = match (&w.component, name) {
        (Some(c), Some(n)) => n.strip_suffix(c.as_str()).and_then(|n| n.strip_suffix('/')),
        (None, n) => n,
        (Some(_), None) => None,
    };
    name == Some(hpa.target_name.as_str())
}

/// Pods per replica the autoscaler counts: `size - 1` for a LeaderWorkerSet's workers,
/// read from the object as written (`spec.leaderWorkerTemplate.size`), else 1.
fn pods_per_replica(r: &Resource) -> Fact<i64> {
    let Some(w) = &r.workload else {
        return Fact::Known(1);
    };
    if w.kind != "LeaderWorkerSet" || w.component.as_deref() != Some("worker") {
        return Fact::Known(1);
    }
    let size = r
        .attributes
        .get("spec")
        .and_then(Value::as_map)
        .and_then(|s| s.get("leaderWorkerTemplate"))
        .and_then(Value::as_map)
        .and_then(|t| t.get("size"));
    match size {
        None => Fact::Known(0),
        Some(Value::Number(n)) if n.fract() == 0.0 && *n >= 1.0 && *n <= 1e9 => {
            Fact::Known((*n as i64).saturating_sub(1))
        }
        Some(Value::Unknown(u)) => Fact::Unknown(u.clone()),
        Some(_) => Fact::Unknown(Unknown::new(format!(
            "{} is not a whole number",
            super::lws::SIZE_PATH
        ))),
    }
}

/// The autoscaler as policies see it beside the target's own fields.
fn autoscaler_value(hpa: &Hpa) -> Value {
    let number = |f: &Fact<i64>| match f {
        Fact::Known(n) => Value::Number(*n as f64),
        Fact::Unknown(u) => Value::Unknown(u.clone()),
    };
    let mut m = BTreeMap::new();
    m.insert("kind".to_string(), Value::string(hpa.kind.clone()));
    m.insert("name".to_string(), Value::string(hpa.name.clone()));
    m.insert("minReplicas".to_string(), number(&hpa.min));
    m.insert("maxReplicas".to_string(), number(&hpa.max));
    Value::Map(Map::from_entries(m))
}
