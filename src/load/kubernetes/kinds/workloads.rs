//! The built-in workload kinds: Deployment, StatefulSet, ReplicaSet, ReplicationController
//! (and Argo Rollout, which has the same shape), DaemonSet, Job, CronJob and Pod. Each is
//! one pod group; replicas default to 1, a DaemonSet's count depends on the cluster, and
//! jobs run for `activeDeadlineSeconds` per run.

use rust_decimal::Decimal;

use super::convert;
use super::cron;
use super::podspec::{self, PodShape, Replicas, Traits};
use super::record::{Cx, Object};
use super::Extracted;
use crate::model::{Fact, UnitCounts, Unknown, HOURS_PER_MONTH};

/// Whether `(group, kind)` is a workload this file reads.
pub fn handles(group: &str, kind: &str) -> bool {
    match kind {
        "Deployment" | "StatefulSet" | "ReplicaSet" | "DaemonSet" => {
            matches!(group, "apps" | "extensions")
        }
        "Job" | "CronJob" => group == "batch",
        "Pod" | "ReplicationController" => group.is_empty(),
        "Rollout" => group == "argoproj.io",
        _ => false,
    }
}

pub fn extract(cx: &Cx, obj: &Object, out: &mut Extracted) {
    let spec = obj.node.get("spec");
    let (shape, replicas, traits) = match obj.kind.as_str() {
        "DaemonSet" => {
            let unknown = Fact::Unknown(Unknown::new(
                "a DaemonSet runs one pod per node and the manifest does not say how many nodes there are; set daemonset_nodes under [kubernetes]",
            ));
            (
                template(spec, "spec.template.spec"),
                Replicas {
                    counts: UnitCounts {
                        min: unknown.clone(),
                        desired: unknown.clone(),
                        max: unknown,
                    },
                    min_at: None,
                    desired_at: None,
                    max_at: None,
                },
                Traits::default(),
            )
        }
        "Job" => {
            let (run_hours, run_hours_at) = podspec::deadline_hours(cx, spec, "spec");
            (
                template(spec, "spec.template.spec"),
                job_replicas(cx, spec, "spec"),
                Traits {
                    run_hours: Some(run_hours),
                    run_hours_at,
                    ..Traits::default()
                },
            )
        }
        "CronJob" => {
            let job = spec.and_then(|s| s.path("jobTemplate.spec"));
            (
                template(job, "spec.jobTemplate.spec.template.spec"),
                job_replicas(cx, job, "spec.jobTemplate.spec"),
                cron_traits(cx, spec, job),
            )
        }
        "Pod" => (
            PodShape::of(spec, "spec"),
            Replicas::fixed(Fact::Known(1), None),
            Traits::default(),
        ),
        _ => {
            let replicas = match podspec::read_count(cx, spec, "replicas", "spec.replicas") {
                Some((n, at)) => Replicas::fixed(n, Some(at)),
                // Kubernetes' default.
                None => Replicas::fixed(Fact::Known(1), None),
            };
            (
                template(spec, "spec.template.spec"),
                replicas,
                Traits::default(),
            )
        }
    };
    let part = podspec::pod_part(cx, &shape, replicas, traits);
    out.resources
        .push(obj.pods(cx, None, cx.doc_location(), part));
}

fn template<'a>(parent: Option<&'a super::super::yaml::Node>, path: &str) -> PodShape<'a> {
    PodShape::of(parent.and_then(|p| p.path("template.spec")), path)
}

/// Pods a job runs at once: `parallelism` (default 1), no more than `completions`.
pub fn job_replicas(cx: &Cx, spec: Option<&super::super::yaml::Node>, path: &str) -> Replicas {
    let parallelism =
        podspec::read_count(cx, spec, "parallelism", &convert::join(path, "parallelism"));
    let completions =
        podspec::read_count(cx, spec, "completions", &convert::join(path, "completions"));
    match (parallelism, completions) {
        (Some((Fact::Known(p), _)), Some((Fact::Known(c), at))) if c < p => {
            Replicas::fixed(Fact::Known(c), Some(at))
        }
        (Some((p, at)), _) => Replicas::fixed(p, Some(at)),
        (None, _) => Replicas::fixed(Fact::Known(1), None),
    }
}

/// A CronJob's hours a month: runs a month (from a schedule simple enough to count) times
/// the hours one run may last; no more than a month when runs cannot overlap.
fn cron_traits(
    cx: &Cx,
    spec: Option<&super::super::yaml::Node>,
    job: Option<&super::super::yaml::Node>,
) -> Traits {
    let (per_run, deadline_at) = podspec::deadline_hours(cx, job, "spec.jobTemplate.spec");
    let schedule_node = spec.and_then(|s| s.get("schedule"));
    let schedule_at = spec.and_then(|s| cx.entry_loc(s, "schedule"));
    if let Some(Fact::Known(true)) =
        convert::flag(spec.and_then(|s| s.get("suspend")), "spec.suspend")
    {
        return Traits {
            run_hours: Some(Fact::Known(Decimal::ZERO)),
            run_hours_at: spec.and_then(|s| cx.entry_loc(s, "suspend")),
            ..Traits::default()
        };
    }
    let runs = match convert::string(schedule_node, "spec.schedule") {
        Some(Fact::Known(s)) => cron::runs_per_month(&s)
            .map_err(|why| Unknown::new(format!("{why}, so the runs a month are not known"))),
        Some(Fact::Unknown(u)) => Err(u),
        None => Err(Unknown::new("spec.schedule is not set")),
    };
    let overlap_allowed = !matches!(
        convert::text(spec.and_then(|s| s.get("concurrencyPolicy"))),
        Some("Forbid" | "Replace")
    );
    let run_hours = match (runs, per_run) {
        (Err(u), _) => Fact::Unknown(u),
        (_, Fact::Unknown(u)) => Fact::Unknown(u),
        (Ok(runs), Fact::Known(hours)) => match runs.checked_mul(hours) {
            Some(h) if !overlap_allowed && h > HOURS_PER_MONTH => Fact::Known(HOURS_PER_MONTH),
            Some(h) => Fact::Known(h.normalize()),
            None => Fact::Unknown(Unknown::new("the CronJob's hours a month are too large")),
        },
    };
    Traits {
        run_hours: Some(run_hours),
        run_hours_at: deadline_at.or(schedule_at),
        ..Traits::default()
    }
}
