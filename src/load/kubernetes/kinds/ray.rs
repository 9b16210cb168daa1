//! KubeRay (`ray.io/v1`): RayCluster, RayService (its `rayClusterConfig`) and RayJob (its
//! `rayClusterSpec`). One record for the head and one per worker group
//! (`worker:<groupName>`). A group's pods are replicas × `numOfHosts`; replicas are kept
//! within `minReplicas` (default 0) and `maxReplicas` (default 2147483647) as KubeRay does,
//! and with in-tree autoscaling the group ranges from its minimum to its maximum.

use rust_decimal::Decimal;

use super::super::yaml::Node;
use super::convert::{self, join};
use super::podspec::{self, PodShape, Replicas, Traits};
use super::record::{Cx, Object};
use super::Extracted;
use crate::model::{Fact, Location, Note, UnitCounts, Unknown};

pub fn handles(group: &str, kind: &str) -> bool {
    group == "ray.io" && matches!(kind, "RayCluster" | "RayService" | "RayJob")
}

pub fn extract(cx: &Cx, obj: &Object, out: &mut Extracted) {
    let spec = obj.node.get("spec");
    match obj.kind.as_str() {
        "RayService" => {
            let path = "spec.rayClusterConfig";
            cluster(
                cx,
                obj,
                out,
                spec.and_then(|s| s.get("rayClusterConfig")),
                path,
                true,
                None,
            );
        }
        "RayJob" => {
            let Some(cluster_spec) = spec.and_then(|s| convert::present(s.get("rayClusterSpec")))
            else {
                out.notes.push(Note {
                    location: Some(cx.doc_location().first_line()),
                    message: format!(
                        "RayJob {} runs on an existing cluster (spec.clusterSelector), which is priced where it is declared",
                        obj.name
                    ),
                });
                return;
            };
            let hours = podspec::deadline_hours(cx, spec, "spec");
            cluster(
                cx,
                obj,
                out,
                Some(cluster_spec),
                "spec.rayClusterSpec",
                false,
                Some(hours),
            );
        }
        _ => cluster(cx, obj, out, spec, "spec", false, None),
    }
}

fn cluster(
    cx: &Cx,
    obj: &Object,
    out: &mut Extracted,
    spec: Option<&Node>,
    path: &str,
    inference: bool,
    run_hours: Option<(Fact<Decimal>, Option<Location>)>,
) {
    let autoscaling = convert::flag(
        spec.and_then(|s| s.get("enableInTreeAutoscaling")),
        &join(path, "enableInTreeAutoscaling"),
    ) == Some(Fact::Known(true));
    let traits = |scale_to_zero: Option<bool>, at: Option<Location>| Traits {
        scale_to_zero,
        scale_to_zero_at: at,
        inference,
        run_hours: run_hours.as_ref().map(|(h, _)| h.clone()),
        run_hours_at: run_hours.as_ref().and_then(|(_, at)| at.clone()),
    };

    let head_path = join(path, "headGroupSpec.template.spec");
    let head = PodShape::of(
        spec.and_then(|s| s.path("headGroupSpec.template.spec")),
        &head_path,
    );
    let part = podspec::pod_part(
        cx,
        &head,
        Replicas::fixed(Fact::Known(1), None),
        traits(None, None),
    );
    let head_at = spec
        .and_then(|s| cx.entry_loc(s, "headGroupSpec"))
        .unwrap_or_else(|| cx.doc_location());
    push(cx, obj, out, "head".to_string(), head_at, part);

    let groups = spec
        .and_then(|s| s.get("workerGroupSpecs"))
        .map_or(&[][..], Node::items);
    for (i, g) in groups.iter().enumerate() {
        let gpath = format!("{}[{i}]", join(path, "workerGroupSpecs"));
        let name =
            convert::text(g.get("groupName")).map_or_else(|| format!("group{i}"), str::to_string);
        let read = |key: &str| podspec::read_count(cx, Some(g), key, &join(&gpath, key));
        let hosts = read("numOfHosts").map_or(Fact::Known(1), |(f, _)| f);
        let replicas = read("replicas");
        let min = read("minReplicas");
        let max = read("maxReplicas");
        let (min_value, min_at) = min.map_or((Fact::Known(0), None), |(f, at)| (f, Some(at)));
        let (max_value, max_at) = match max {
            Some((f, at)) => (f, Some(at)),
            None => (
                Fact::Unknown(Unknown::new(format!(
                    "{gpath}.maxReplicas is not set, and KubeRay's default (2147483647) is no real bound"
                ))),
                None,
            ),
        };
        let (requested, replicas_at) = replicas.map_or((None, None), |(f, at)| (Some(f), Some(at)));
        let suspended =
            convert::flag(g.get("suspend"), &join(&gpath, "suspend")) == Some(Fact::Known(true));
        let desired = if suspended {
            Fact::Known(0)
        } else {
            clamp(requested, &min_value, &max_value)
        };
        let (counts, scale_to_zero, stz_at) = if autoscaling {
            (
                UnitCounts {
                    min: podspec::times(&min_value, &hosts),
                    desired: podspec::times(&desired, &hosts),
                    max: podspec::times(&max_value, &hosts),
                },
                Some(min_value == Fact::Known(0)),
                min_at.clone(),
            )
        } else {
            let n = podspec::times(&desired, &hosts);
            (
                UnitCounts {
                    min: n.clone(),
                    desired: n.clone(),
                    max: n,
                },
                Some(false),
                replicas_at.clone(),
            )
        };
        let (min_loc, max_loc) = if autoscaling {
            (min_at, max_at)
        } else {
            (replicas_at.clone(), replicas_at.clone())
        };
        let replicas = Replicas {
            counts,
            min_at: min_loc,
            desired_at: replicas_at,
            max_at: max_loc,
        };
        let tpath = join(&gpath, "template.spec");
        let shape = PodShape::of(g.path("template.spec"), &tpath);
        let part = podspec::pod_part(cx, &shape, replicas, traits(scale_to_zero, stz_at));
        push(cx, obj, out, format!("worker:{name}"), cx.loc(g), part);
    }
}

/// KubeRay's desired replicas: `replicas` (default the minimum) kept within min and max.
fn clamp(replicas: Option<Fact<i64>>, min: &Fact<i64>, max: &Fact<i64>) -> Fact<i64> {
    let replicas = replicas.unwrap_or_else(|| min.clone());
    match (&replicas, min, max) {
        (Fact::Known(r), Fact::Known(lo), _) if r < lo => Fact::Known(*lo),
        (Fact::Known(r), _, Fact::Known(hi)) if r > hi => Fact::Known(*hi),
        _ => replicas,
    }
}

fn push(
    cx: &Cx,
    obj: &Object,
    out: &mut Extracted,
    component: String,
    location: Location,
    part: podspec::PodPart,
) {
    out.resources
        .push(obj.pods(cx, Some(component), location, part));
}
