//! GPU workload kinds end to end through the real binary, on `testdata/k8s_gpu_kinds/`:
//! every kind is priced to the cent (arithmetic in the comments, from
//! `catalog/kubernetes.csv` and `catalog/aws_ec2_ondemand.csv`), a GPU job that does not
//! say how long it runs is an incomplete estimate that `AIC-COST-001` reports (never a
//! complete $0), and `--verbose` names every document that was skipped, with its kind.

#![allow(clippy::panic, clippy::unwrap_used, clippy::indexing_slicing)]

use crate::common;

use std::path::Path;

use common::run::{aicost, Run};
use serde_json::Value;

const ROOT: &str = "testdata/k8s_gpu_kinds/";

fn check(args: &[&str]) -> Run {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    aicost(Path::new(env!("CARGO_MANIFEST_DIR")), &all, &[])
}

fn json_of(r: &Run) -> Value {
    serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", r.stdout, r.stderr))
}

/// (address, baseline, ceiling, complete) of every resource.
fn costs(report: &Value) -> Vec<(String, String, String, bool)> {
    report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let c = &r["monthly_cost"];
            (
                r["address"].as_str().unwrap().to_string(),
                c["baseline"].as_str().unwrap().to_string(),
                c["ceiling"].as_str().unwrap().to_string(),
                c["complete"].as_bool().unwrap(),
            )
        })
        .collect()
}

fn c(
    address: &str,
    baseline: &str,
    ceiling: &str,
    complete: bool,
) -> (String, String, String, bool) {
    (address.into(), baseline.into(), ceiling.into(), complete)
}

/// (resource, file:line, message) of every finding of `policy`.
fn findings_of(report: &Value, policy: &str) -> Vec<(String, String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["policy_id"] == policy)
        .map(|f| {
            assert_eq!(f["status"], "fail");
            (
                f["resource"].as_str().unwrap().to_string(),
                format!(
                    "{}:{}",
                    f["file"].as_str().unwrap().trim_start_matches(ROOT),
                    f["line"]
                ),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn f(resource: &str, at: &str, message: &str) -> (String, String, String) {
    (resource.into(), at.into(), message.into())
}

#[test]
fn every_gpu_kind_is_priced_to_the_cent() {
    let r = check(&["testdata/k8s_gpu_kinds", "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let report = json_of(&r);
    // Unit rates: $0.031611 a vCPU-hour, $0.004237 a GiB-hour, $0.56004 an L4-hour,
    // $9.79655 an H100-hour, $0.95 for a model without a rate. Nodes: p5.48xlarge $55.04,
    // p4d.24xlarge $21.957642, g5.12xlarge $5.672, g5.2xlarge $1.212, g4dn.xlarge $0.526.
    assert_eq!(
        costs(&report),
        vec![
            // No deadline: billed by use. GPU jobs are incomplete, the CPU ones are not.
            c("Job/research/embed-backfill", "0.00", "0.00", false),
            c("Job/research/reindex", "0.00", "0.00", true),
            c("RayJob/research/tune-sweep/head", "0.00", "0.00", true),
            c(
                "RayJob/research/tune-sweep/worker:a10g",
                "0.00",
                "0.00",
                false
            ),
            // 1 pod x 10 h x (2 x 0.031611 + 8 x 0.004237) = 0.97118.
            c(
                "JobSet/training/llama-pretrain/job:coordinator",
                "0.97",
                "0.97",
                true
            ),
            // 2 x 4 pods x 10 h x 21.957642 = 1756.61136.
            c(
                "JobSet/training/llama-pretrain/job:workers",
                "1756.61",
                "1756.61",
                true
            ),
            // Suspended: runs nothing.
            c("JobSet/training/paused-eval/job:eval", "0.00", "0.00", true),
            c("JobSet/training/tpu-sweep/job:slice", "0.00", "0.00", false),
            // 2 groups: 2 leaders and 6 workers on whole p5.48xlarge nodes, 730 h:
            // 2 x 730 x 55.04 = 80358.40; 6 x 730 x 55.04 = 241075.20.
            c(
                "LeaderWorkerSet/inference/llama-405b/leader",
                "80358.40",
                "80358.40",
                true
            ),
            c(
                "LeaderWorkerSet/inference/llama-405b/worker",
                "241075.20",
                "241075.20",
                true
            ),
            // 1 to 3 groups of a leader and a worker, each 40 vCPU, 300 GiB, 4 L4:
            // 730 x (1.26444 + 1.2711 + 2.24016) = 3486.261; x 3 = 10458.783.
            c(
                "LeaderWorkerSet/inference/sglang-70b/leader",
                "3486.26",
                "10458.78",
                true
            ),
            c(
                "LeaderWorkerSet/inference/sglang-70b/worker",
                "3486.26",
                "10458.78",
                true
            ),
            c(
                "ProvisioningRequest/training/a100-burst/a100-trainer",
                "0.00",
                "0.00",
                false
            ),
            // 4 pods x 24 h of the PodTemplate's 200 vCPU, 1800 GiB, 8 H100:
            // 96 x (6.3222 + 7.6266 + 78.3724) = 8862.8352.
            c(
                "ProvisioningRequest/training/h100-burst/h100-trainer",
                "8862.84",
                "8862.84",
                true
            ),
            c(
                "ScheduledSparkApplication/data/nightly-aggregates/driver",
                "0.00",
                "0.00",
                true
            ),
            c(
                "ScheduledSparkApplication/data/nightly-aggregates/executor",
                "0.00",
                "0.00",
                true
            ),
            c(
                "SparkApplication/data/feature-extract/driver",
                "0.00",
                "0.00",
                true
            ),
            c(
                "SparkApplication/data/feature-extract/executor",
                "0.00",
                "0.00",
                false
            ),
            c(
                "MPIJob/benchmarks/nccl-allreduce/launcher",
                "0.00",
                "0.00",
                true
            ),
            c(
                "MPIJob/benchmarks/nccl-allreduce/worker",
                "0.00",
                "0.00",
                false
            ),
            // 2 h on all 4 GPUs of a g5.12xlarge: 1 x 2 x 5.672 = 11.344; workers 3 (to 6):
            // 34.032 (68.064).
            c(
                "PyTorchJob/training/mistral-finetune/master",
                "11.34",
                "11.34",
                true
            ),
            c(
                "PyTorchJob/training/mistral-finetune/worker",
                "34.03",
                "68.06",
                true
            ),
            // 5 h: 5 x (4 x 0.031611 + 16 x 0.004237) = 0.97118; 2 x 5 x 0.526 = 5.26.
            c("TFJob/training/ranker/chief", "0.97", "0.97", true),
            c("TFJob/training/ranker/worker", "5.26", "5.26", true),
            // 4 nodes x 24 h x 55.04 = 5283.84.
            c(
                "TrainJob/training/llama-sft/trainer",
                "5283.84",
                "5283.84",
                true
            ),
            c(
                "TrainJob/training/quickstart/trainer",
                "0.00",
                "0.00",
                false
            ),
            // 1 h: 4 x 0.031611 + 16 x 0.004237 = 0.194236; two workers 0.388472.
            c(
                "XGBoostJob/training/churn-model/master",
                "0.19",
                "0.19",
                true
            ),
            c(
                "XGBoostJob/training/churn-model/worker",
                "0.39",
                "0.39",
                true
            ),
            c("Job/research/mpi-resnet", "0.00", "0.00", false),
            c("Workflow/research/embed-corpus-*", "0.00", "0.00", false),
        ]
    );
}

#[test]
fn gpu_work_whose_cost_is_not_known_fails_the_cost_estimate_policy() {
    let r = check(&["testdata/k8s_gpu_kinds", "--format", "json"]);
    let report = json_of(&r);
    let unbounded = |kind: &str, origin: &str, rate: &str| {
        format!(
            "how long the {kind} runs is unknown ({origin}); while it runs it costs {rate} an hour: give monthly_hours in the usage file"
        )
    };
    let no_deadline =
        |path: &str| format!("{path} is not set, so how long a run lasts is not in the manifest");
    let msg = |address: &str, why: &str| format!("{address} has no complete cost estimate: {why}");
    let not_modelled = |kind: &str, api: &str| {
        format!("kind {kind} ({api}) is not modelled, so how many pods it runs and what each requests are not known")
    };
    assert_eq!(
        findings_of(&report, "AIC-COST-001"),
        vec![
            // 2 pods x (8 x 0.031611 + 32 x 0.004237 + 0.56004) = 1.897024 an hour.
            f(
                "Job/research/embed-backfill",
                "jobs/batch.yaml:14",
                &msg(
                    "Job/research/embed-backfill",
                    &unbounded("Job", &no_deadline("spec.activeDeadlineSeconds"), "$1.90"),
                ),
            ),
            // 2 workers on whole g5.2xlarge nodes: 2 x 1.212 = 2.424 an hour.
            f(
                "RayJob/research/tune-sweep/worker:a10g",
                "jobs/batch.yaml:86",
                &msg(
                    "RayJob/research/tune-sweep/worker:a10g",
                    &unbounded("RayJob", &no_deadline("spec.activeDeadlineSeconds"), "$2.42"),
                ),
            ),
            // 8 pods x (100 x 0.031611 + 200 x 0.004237 + 4 x 0.95) = 62.468 an hour.
            f(
                "JobSet/training/tpu-sweep/job:slice",
                "jobset/pretrain.yaml:65",
                &msg(
                    "JobSet/training/tpu-sweep/job:slice",
                    &unbounded(
                        "JobSet",
                        &no_deadline("spec.replicatedJobs[0].template.spec.activeDeadlineSeconds"),
                        "$62.47",
                    ),
                ),
            ),
            f(
                "ProvisioningRequest/training/a100-burst/a100-trainer",
                "provisioning/dws.yaml:50",
                &msg(
                    "ProvisioningRequest/training/a100-burst/a100-trainer",
                    "the PodTemplate a100-trainer in namespace training is not among the files scanned with this ProvisioningRequest",
                ),
            ),
            // 4 executors x (4 x 0.031611 + 18 x 0.004237 + 0.56004) = 3.051 an hour.
            f(
                "SparkApplication/data/feature-extract/executor",
                "spark/spark.yaml:24",
                &msg(
                    "SparkApplication/data/feature-extract/executor",
                    &unbounded(
                        "SparkApplication",
                        "a Spark application runs until its job ends, which the manifest does not say",
                        "$3.05",
                    ),
                ),
            ),
            // 2 workers on whole p5.48xlarge nodes: 2 x 55.04 = 110.08 an hour.
            f(
                "MPIJob/benchmarks/nccl-allreduce/worker",
                "training/mpijob.yaml:32",
                &msg(
                    "MPIJob/benchmarks/nccl-allreduce/worker",
                    &unbounded(
                        "MPIJob",
                        &no_deadline("spec.runPolicy.activeDeadlineSeconds"),
                        "$110.08",
                    ),
                ),
            ),
            f(
                "TrainJob/training/quickstart/trainer",
                "training/trainjob.yaml:42",
                &msg(
                    "TrainJob/training/quickstart/trainer",
                    "spec.trainer.resourcesPerNode is not set, so the training runtime torch-distributed decides what each node requests",
                ),
            ),
            f(
                "Job/research/mpi-resnet",
                "unmodelled/others.yaml:4",
                &msg(
                    "Job/research/mpi-resnet",
                    &not_modelled("Job", "batch.volcano.sh/v1alpha1"),
                ),
            ),
            f(
                "Workflow/research/embed-corpus-*",
                "unmodelled/others.yaml:38",
                &msg(
                    "Workflow/research/embed-corpus-*",
                    &not_modelled("Workflow", "argoproj.io/v1alpha1"),
                ),
            ),
        ]
    );
}

#[test]
fn a_gpu_job_billed_by_use_reads_its_hours_from_the_usage_file() {
    let r = check(&["testdata/k8s_gpu_kinds/jobs"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    // The text says what it is: billed by use, not $0.
    assert!(
        r.stdout
            .contains("2 pods, 1 × L4 each, on-demand, cost depends on usage"),
        "{}",
        r.stdout
    );

    let r = check(&[
        "testdata/k8s_gpu_kinds/jobs",
        "--usage-file",
        "testdata/k8s_gpu_kinds/jobs-usage.yml",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report = json_of(&r);
    assert_eq!(
        costs(&report),
        vec![
            // 120 h x 1.897024 = 227.64288.
            c("Job/research/embed-backfill", "227.64", "227.64", true),
            c("Job/research/reindex", "0.00", "0.00", true),
            c("RayJob/research/tune-sweep/head", "0.00", "0.00", true),
            // 40 h x 2.424 = 96.96.
            c(
                "RayJob/research/tune-sweep/worker:a10g",
                "96.96",
                "96.96",
                true
            ),
        ]
    );
    // Nothing fails; both jobs get spot advice (notices), priced from the same usage:
    // embed-backfill on spot, 1,920 vCPU-h x $0.006655 + 7,680 GiB-h x $0.000892 (the spot
    // unit rates of kubernetes.csv) + 240 GPU-h x the L4 spot rate = $73.17 against $227.64;
    // the a10g workers' share of a spot g5.2xlarge, 80 h x $1.212 x 0.4 = $38.784 against
    // $96.96.
    let advice: Vec<(&str, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["policy_id"].as_str().unwrap(),
                f["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        advice,
        [
            ("AIC-SAVE-001", "Job/research/embed-backfill in environment dev could save $154.47/month on spot capacity ($227.64/month → $73.17/month)"),
            ("AIC-SAVE-001", "RayJob/research/tune-sweep/worker:a10g in environment dev could save $58.18/month on spot capacity ($96.96/month → $38.78/month); assumed: spot price estimated as the on-demand price x 0.4, the documented aws spot factor (spot_factors.csv); no spot price is listed for g5.2xlarge"),
        ]
    );
}

#[test]
fn verbose_names_every_skipped_document_with_its_kind() {
    let r = check(&["testdata/k8s_gpu_kinds", "--verbose"]);
    let notes: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.starts_with("note: "))
        .collect();
    assert_eq!(
        notes,
        vec![
            "note: testdata/k8s_gpu_kinds/jobs-usage.yml:2: YAML document skipped: an aicost-policy usage file",
            "note: testdata/k8s_gpu_kinds/lws/vllm-multinode.yaml:46: kind Service (v1) is not priced or checked",
            "note: testdata/k8s_gpu_kinds/provisioning/dws.yaml:3: kind PodTemplate: h100-trainer is priced through the ProvisioningRequests that name it",
            "note: testdata/k8s_gpu_kinds/provisioning/dws.yaml:26: ProvisioningRequest h100-burst books capacity for pods declared elsewhere; if they are among the files scanned, both are priced",
            "note: testdata/k8s_gpu_kinds/provisioning/dws.yaml:42: ProvisioningRequest a100-burst books capacity for pods declared elsewhere; if they are among the files scanned, both are priced",
            "note: testdata/k8s_gpu_kinds/provisioning/dws.yaml:54: ProvisioningRequest capacity-check only checks that capacity exists (check-capacity.autoscaling.x-k8s.io) and books none, so it costs nothing by itself",
            "note: testdata/k8s_gpu_kinds/unmodelled/others.yaml:4: kind Job (batch.volcano.sh/v1alpha1) is not modelled; it requests nvidia.com/gpu at line 34, so its cost is unknown",
            "note: testdata/k8s_gpu_kinds/unmodelled/others.yaml:38: kind Workflow (argoproj.io/v1alpha1) is not modelled; it requests habana.ai/gaudi at line 51, so its cost is unknown",
            "note: testdata/k8s_gpu_kinds/unmodelled/others.yaml:53: kind ServingRuntime (serving.kserve.io/v1alpha1) is a template, priced through the InferenceServices that use it",
            "note: testdata/k8s_gpu_kinds/unmodelled/others.yaml:68: kind Certificate (cert-manager.io/v1) is not priced or checked",
        ]
    );
}
