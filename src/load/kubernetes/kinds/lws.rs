//! LeaderWorkerSet (`leaderworkerset.x-k8s.io/v1`): `spec.replicas` groups (default 1),
//! each of `leaderWorkerTemplate.size` pods (default 1): one leader and `size - 1` workers.
//! Two records, `/leader` (one pod per group, from `leaderTemplate`, else the worker
//! template, as LeaderWorkerSet does) and `/worker` (`size - 1` per group), the latter
//! only when groups have workers. An HPA scales the groups (see `hpa.rs`).

use super::super::yaml::Node;
use super::convert::join;
use super::podspec::{self, PodShape, Replicas, Traits};
use super::record::{Cx, Object};
use super::Extracted;
use crate::model::{Fact, UnitCounts};

/// Where the group size is written, for the HPA pairing as well.
pub const SIZE_PATH: &str = "spec.leaderWorkerTemplate.size";

pub fn handles(group: &str, kind: &str) -> bool {
    group == "leaderworkerset.x-k8s.io" && kind == "LeaderWorkerSet"
}

pub fn extract(cx: &Cx, obj: &Object, out: &mut Extracted) {
    let spec = obj.node.get("spec");
    let template = spec.and_then(|s| s.get("leaderWorkerTemplate"));
    let (groups, groups_at) = match podspec::read_count(cx, spec, "replicas", "spec.replicas") {
        Some((n, at)) => (n, Some(at)),
        None => (Fact::Known(1), None),
    };
    let (size, size_at) = match podspec::read_count(cx, template, "size", SIZE_PATH) {
        Some((n, at)) => (n, Some(at)),
        None => (Fact::Known(1), None),
    };
    let worker = template.and_then(|t| t.get("workerTemplate"));
    let (leader, leader_key) = match template.and_then(|t| t.get("leaderTemplate")) {
        Some(l) => (Some(l), "leaderTemplate"),
        None => (worker, "workerTemplate"),
    };
    let location = |key: &str| {
        template
            .and_then(|t| cx.entry_loc(t, key))
            .unwrap_or_else(|| cx.doc_location())
    };

    let part = podspec::pod_part(
        cx,
        &shape(leader, leader_key),
        Replicas::fixed(groups.clone(), groups_at.clone()),
        Traits::default(),
    );
    out.resources
        .push(obj.pods(cx, Some("leader".to_string()), location(leader_key), part));

    if size == Fact::Known(1) {
        return;
    }
    let per_group = match &size {
        Fact::Known(n) => Fact::Known(n.saturating_sub(1).max(0)),
        unknown => unknown.clone(),
    };
    let pods = podspec::times(&groups, &per_group);
    let replicas = Replicas {
        counts: UnitCounts {
            min: pods.clone(),
            desired: pods.clone(),
            max: pods,
        },
        min_at: size_at.clone().or(groups_at.clone()),
        desired_at: size_at.clone().or(groups_at.clone()),
        max_at: size_at.or(groups_at),
    };
    let part = podspec::pod_part(
        cx,
        &shape(worker, "workerTemplate"),
        replicas,
        Traits::default(),
    );
    out.resources.push(obj.pods(
        cx,
        Some("worker".to_string()),
        location("workerTemplate"),
        part,
    ));
}

/// The pod spec of a template (`leaderTemplate` or `workerTemplate`) under
/// `spec.leaderWorkerTemplate`.
fn shape<'a>(template: Option<&'a Node>, key: &str) -> PodShape<'a> {
    let path = join(&join("spec.leaderWorkerTemplate", key), "spec");
    PodShape::of(template.and_then(|n| n.get("spec")), &path)
}
