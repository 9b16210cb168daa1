//! Kubeflow training jobs.
//!
//! Training Operator (`kubeflow.org/v1`): PyTorchJob, TFJob, XGBoostJob, PaddleJob, JAXJob,
//! MXJob and MPIJob (also `v2beta1`). One record per replica type (`/master`, `/worker`,
//! `/launcher`, `/chief`, `/ps`...) of `replicas` pods (default 1), for
//! `runPolicy.activeDeadlineSeconds`; a PyTorchJob's `elasticPolicy` ranges its workers
//! from `minReplicas` to `maxReplicas`.
//!
//! Kubeflow Trainer (`trainer.kubeflow.org/v1alpha1`): a TrainJob runs `trainer.numNodes`
//! nodes, each requesting `trainer.resourcesPerNode` (`/trainer`), for
//! `activeDeadlineSeconds`. What the TrainJob leaves to its training runtime (a separate
//! object) is unknown and says so; node selectors and tolerations are read from the
//! `runtimePatches` (or older `podTemplateOverrides`) of the `node` job.

use super::super::yaml::Node;
use super::convert::{self, join};
use super::podspec::{self, PodShape, Replicas, Traits};
use super::record::{Cx, Object};
use super::Extracted;
use crate::model::{Fact, Location, Unknown};
use rust_decimal::Decimal;

/// Each Training Operator kind and the field holding its replica specs.
const REPLICA_SPECS: &[(&str, &str)] = &[
    ("PyTorchJob", "pytorchReplicaSpecs"),
    ("TFJob", "tfReplicaSpecs"),
    ("XGBoostJob", "xgbReplicaSpecs"),
    ("PaddleJob", "paddleReplicaSpecs"),
    ("JAXJob", "jaxReplicaSpecs"),
    ("MXJob", "mxReplicaSpecs"),
    ("MPIJob", "mpiReplicaSpecs"),
];

/// The TrainJob's training job in its runtime, which `runtimePatches` address by name.
const TRAINER_JOB: &str = "node";

pub fn handles(group: &str, kind: &str) -> bool {
    (group == "kubeflow.org" && REPLICA_SPECS.iter().any(|(k, _)| *k == kind))
        || (group == "trainer.kubeflow.org" && kind == "TrainJob")
}

pub fn extract(cx: &Cx, obj: &Object, out: &mut Extracted) {
    if obj.kind == "TrainJob" {
        train_job(cx, obj, out);
        return;
    }
    let Some((_, field)) = REPLICA_SPECS.iter().find(|(k, _)| *k == obj.kind) else {
        return;
    };
    let spec = obj.node.get("spec");
    let (run_hours, run_hours_at) =
        job_hours(cx, spec.and_then(|s| s.get("runPolicy")), "spec.runPolicy");
    let elastic = spec
        .and_then(|s| s.get("elasticPolicy"))
        .filter(|_| obj.kind == "PyTorchJob");
    let specs = spec.and_then(|s| s.get(field));
    for (role, rs) in specs.map_or(&[][..], Node::entries) {
        let path = format!("spec.{field}.{role}");
        let (n, at) = match podspec::read_count(cx, Some(rs), "replicas", &join(&path, "replicas"))
        {
            Some((n, at)) => (n, Some(at)),
            // The operator's default.
            None => (Fact::Known(1), None),
        };
        let mut replicas = Replicas::fixed(n, at);
        if let (Some(e), true) = (elastic, role == "Worker") {
            let bound =
                |key: &str| podspec::read_count(cx, Some(e), key, &join("spec.elasticPolicy", key));
            if let Some((min, at)) = bound("minReplicas") {
                replicas.counts.min = min;
                replicas.min_at = Some(at);
            }
            if let Some((max, at)) = bound("maxReplicas") {
                replicas.counts.max = max;
                replicas.max_at = Some(at);
            }
        }
        let traits = Traits {
            run_hours: Some(run_hours.clone()),
            run_hours_at: run_hours_at.clone(),
            ..Traits::default()
        };
        let pod_path = join(&path, "template.spec");
        let shape = PodShape::of(rs.path("template.spec"), &pod_path);
        let part = podspec::pod_part(cx, &shape, replicas, traits);
        out.resources.push(obj.pods(
            cx,
            Some(role.to_ascii_lowercase()),
            cx.key_loc(role, rs),
            part,
        ));
    }
}

/// Hours one run lasts, from `activeDeadlineSeconds` under `parent`; none when suspended.
fn job_hours(cx: &Cx, parent: Option<&Node>, path: &str) -> (Fact<Decimal>, Option<Location>) {
    match podspec::suspended(cx, parent, path) {
        Some(at) => (Fact::Known(Decimal::ZERO), Some(at)),
        None => podspec::deadline_hours(cx, parent, path),
    }
}

fn train_job(cx: &Cx, obj: &Object, out: &mut Extracted) {
    let spec = obj.node.get("spec");
    let trainer = spec.and_then(|s| convert::present(s.get("trainer")));
    let runtime = spec
        .and_then(|s| s.path("runtimeRef.name"))
        .and_then(|n| convert::text(Some(n)))
        .map_or_else(
            || "its training runtime".to_string(),
            |n| format!("the training runtime {n}"),
        );
    let (nodes, nodes_at) =
        match podspec::read_count(cx, trainer, "numNodes", "spec.trainer.numNodes") {
            Some((n, at)) => (n, Some(at)),
            None => (
                Fact::Unknown(Unknown::new(format!(
                    "spec.trainer.numNodes is not set, so {runtime} decides how many nodes run"
                ))),
                None,
            ),
        };
    let (run_hours, run_hours_at) = job_hours(cx, spec, "spec");
    let traits = Traits {
        run_hours: Some(run_hours),
        run_hours_at,
        ..Traits::default()
    };
    let mut shape = PodShape::of(None, "spec.trainer");
    let per_node = trainer.and_then(|t| convert::present(t.get("resourcesPerNode")));
    if let (Some(t), Some(_)) = (trainer, per_node) {
        shape.add_resources(t, "spec.trainer", "resourcesPerNode");
    }
    shape.scheduling = node_job_pod(spec);
    let mut part = podspec::pod_part(cx, &shape, Replicas::fixed(nodes, nodes_at), traits);
    if per_node.is_none() {
        let why = Unknown::new(format!(
            "spec.trainer.resourcesPerNode is not set, so {runtime} decides what each node requests"
        ));
        part.group.cpu_cores = Fact::Unknown(why.clone());
        part.group.memory_gib = Fact::Unknown(why.clone());
        part.group.accelerators = Fact::Unknown(why);
    }
    let location = spec
        .and_then(|s| cx.entry_loc(s, "trainer"))
        .unwrap_or_else(|| cx.doc_location());
    out.resources
        .push(obj.pods(cx, Some("trainer".to_string()), location, part));
}

/// The pod spec a TrainJob's patches give the runtime's `node` job, for its scheduling:
/// `runtimePatches[].trainingRuntimeSpec.template.spec.replicatedJobs[name=node]`, or the
/// older `podTemplateOverrides[]` whose `targetJobs` name it.
fn node_job_pod(spec: Option<&Node>) -> Option<(String, &Node)> {
    let spec = spec?;
    for (i, patch) in spec
        .get("runtimePatches")
        .map_or(&[][..], Node::items)
        .iter()
        .enumerate()
    {
        let jobs = patch
            .path("trainingRuntimeSpec.template.spec.replicatedJobs")
            .map_or(&[][..], Node::items);
        for (j, job) in jobs.iter().enumerate() {
            if convert::text(job.get("name")) != Some(TRAINER_JOB) {
                continue;
            }
            if let Some(pod) = job.path("template.spec.template.spec") {
                let path = format!(
                    "spec.runtimePatches[{i}].trainingRuntimeSpec.template.spec.replicatedJobs[{j}].template.spec.template.spec"
                );
                return Some((path, pod));
            }
        }
    }
    for (i, o) in spec
        .get("podTemplateOverrides")
        .map_or(&[][..], Node::items)
        .iter()
        .enumerate()
    {
        let targets_node = o
            .get("targetJobs")
            .map_or(&[][..], Node::items)
            .iter()
            .any(|t| convert::text(t.get("name")) == Some(TRAINER_JOB));
        if let (true, Some(pod)) = (targets_node, o.get("spec")) {
            return Some((format!("spec.podTemplateOverrides[{i}].spec"), pod));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_groups() {
        assert!(handles("kubeflow.org", "PyTorchJob"));
        assert!(handles("kubeflow.org", "MPIJob"));
        assert!(handles("trainer.kubeflow.org", "TrainJob"));
        assert!(!handles("kubeflow.org", "TrainJob"));
        assert!(!handles("kubeflow.org", "Notebook"));
    }
}
