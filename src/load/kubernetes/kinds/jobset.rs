//! JobSet (`jobset.x-k8s.io/v1alpha2`): one record per replicated job
//! (`/job:<name>`), whose pods are its `replicas` (default 1) × the pods each Job runs at
//! once (`parallelism`, no more than `completions`), for the Job template's
//! `activeDeadlineSeconds`. A suspended JobSet runs nothing.

use super::convert::{self, join};
use super::podspec::{self, PodShape, Replicas, Traits};
use super::record::{Cx, Object};
use super::workloads::job_replicas;
use super::Extracted;
use crate::model::{Fact, UnitCounts};
use rust_decimal::Decimal;

pub fn handles(group: &str, kind: &str) -> bool {
    group == "jobset.x-k8s.io" && kind == "JobSet"
}

pub fn extract(cx: &Cx, obj: &Object, out: &mut Extracted) {
    let spec = obj.node.get("spec");
    let suspended = podspec::suspended(cx, spec, "spec");
    let jobs = spec
        .and_then(|s| s.get("replicatedJobs"))
        .map_or(&[][..], super::super::yaml::Node::items);
    for (i, job) in jobs.iter().enumerate() {
        let path = format!("spec.replicatedJobs[{i}]");
        let name = convert::text(job.get("name")).map_or_else(|| format!("job{i}"), str::to_string);
        let (copies, copies_at) =
            match podspec::read_count(cx, Some(job), "replicas", &join(&path, "replicas")) {
                Some((n, at)) => (n, Some(at)),
                None => (Fact::Known(1), None),
            };
        let job_spec_path = join(&path, "template.spec");
        let job_spec = job.path("template.spec");
        let per_job = job_replicas(cx, job_spec, &job_spec_path);
        let pods = podspec::times(&copies, &per_job.counts.desired);
        let at = per_job.desired_at.or(copies_at);
        let replicas = Replicas {
            counts: UnitCounts {
                min: pods.clone(),
                desired: pods.clone(),
                max: pods,
            },
            min_at: at.clone(),
            desired_at: at.clone(),
            max_at: at,
        };
        let (run_hours, run_hours_at) = match &suspended {
            Some(at) => (Fact::Known(Decimal::ZERO), Some(at.clone())),
            None => podspec::deadline_hours(cx, job_spec, &job_spec_path),
        };
        let traits = Traits {
            run_hours: Some(run_hours),
            run_hours_at,
            ..Traits::default()
        };
        let pod_path = join(&job_spec_path, "template.spec");
        let shape = PodShape::of(job_spec.and_then(|s| s.path("template.spec")), &pod_path);
        let part = podspec::pod_part(cx, &shape, replicas, traits);
        out.resources
            .push(obj.pods(cx, Some(format!("job:{name}")), cx.loc(job), part));
    }
}
