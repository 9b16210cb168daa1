//! End-to-end tests of Kubernetes manifests and AI configs through the real binary:
//! `testdata/k8s_platform/` (an ML platform repository with its configuration and usage
//! file) and `testdata/kubernetes/` (every kind the loader understands). Costs were worked
//! out by hand from the catalog (comments give the arithmetic); findings follow from the
//! default policies in `docs/policies.md`.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::path::Path;

use crate::common;
use serde_json::{json, Value};

const CRATE_DIR: &str = env!("CARGO_MANIFEST_DIR");
const TODAY: &str = "2026-11-28";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str], stdin: Option<Vec<u8>>) -> Run {
    let mut cmd = common::run::command();
    cmd.current_dir(CRATE_DIR)
        .args(args)
        .args(["--today", TODAY])
        .env_remove("NO_COLOR");
    if let Some(input) = stdin {
        cmd.write_stdin(input);
    }
    let out = cmd.output().expect("the binary runs");
    Run {
        code: out.status.code().expect("the binary exits normally"),
        stdout: String::from_utf8(out.stdout).expect("UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8"),
    }
}

fn json_of(r: &Run) -> Value {
    serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", r.stdout, r.stderr))
}

/// (policy, status, resource, file:line) of every finding, `prefix` cut from the file.
fn findings(report: &Value, prefix: &str) -> Vec<(String, String, String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["policy_id"].as_str().unwrap().to_string(),
                f["status"].as_str().unwrap().to_string(),
                f["resource"].as_str().unwrap().to_string(),
                format!(
                    "{}:{}",
                    f["file"].as_str().unwrap().trim_start_matches(prefix),
                    f["line"]
                ),
            )
        })
        .collect()
}

fn f(policy: &str, status: &str, resource: &str, at: &str) -> (String, String, String, String) {
    (policy.into(), status.into(), resource.into(), at.into())
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

const PLATFORM: &str = "testdata/k8s_platform/";

fn platform() -> Value {
    let r = run(
        &["check", "testdata/k8s_platform", "--format", "json"],
        None,
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    json_of(&r)
}

#[test]
fn the_platform_repository_fails_with_every_expected_finding() {
    let report = platform();
    assert_eq!(
        findings(&report, PLATFORM),
        vec![
            // 8 g6e.24xlarge (32 GPUs / 4) at $15.06559 for 730 hours: $87,983.05 > $60,000.
            f(
                "AIC-COST-002",
                "fail",
                "NodePool/inference-l40s",
                "cluster/nodepools.yaml:18"
            ),
            f(
                "AIC-COST-001",
                "fail",
                "NodePool/research-h100",
                "cluster/nodepools.yaml:27"
            ),
            f(
                "AIC-COST-002",
                "unknown",
                "NodePool/research-h100",
                "cluster/nodepools.yaml:27"
            ),
            f(
                "AIC-K8S-005",
                "fail",
                "NodePool/research-h100",
                "cluster/nodepools.yaml:35"
            ),
            f(
                "AIC-K8S-006",
                "fail",
                "LiteLLMRoute/claude-sonnet",
                "gateway/litellm-config.yaml:15"
            ),
            f(
                "AIC-K8S-003",
                "fail",
                "InferenceService/chat-dev/chat-llama/predictor",
                "serving/chat-dev.yaml:15"
            ),
            // The same situation priced (a notice): what the idle replica costs a month.
            f(
                "AIC-SAVE-002",
                "fail",
                "InferenceService/chat-dev/chat-llama/predictor",
                "serving/chat-dev.yaml:15"
            ),
            f(
                "AIC-K8S-001",
                "fail",
                "StatefulSet/search/text-embeddings",
                "serving/embeddings.yaml:7"
            ),
            f(
                "AIC-K8S-002",
                "fail",
                "StatefulSet/search/text-embeddings",
                "serving/embeddings.yaml:31"
            ),
            // The HPA in another file sets 2 to 30 replicas and the findings point at it.
            f(
                "AIC-COST-002",
                "fail",
                "Deployment/assistants/vllm-llama-70b",
                "serving/hpa.yaml:12"
            ),
            f(
                "AIC-GPU-002",
                "fail",
                "Deployment/assistants/vllm-llama-70b",
                "serving/hpa.yaml:12"
            ),
            f(
                "AIC-K8S-004",
                "fail",
                "Deployment/assistants/vllm-llama-70b",
                "serving/hpa.yaml:12"
            ),
            f(
                "AIC-GPU-001",
                "suppressed",
                "RayCluster/research/finetune/worker:h100",
                "training/raycluster.yaml:37"
            ),
        ]
    );
    assert_eq!(
        report["summary"],
        json!({
            // 12 resource policies x 10 resources = 10 failed + 1 unknown + 1 suppressed + 108
            // passed; the notice is the savings advice on chat-dev (AIC-SAVE-002).
            "resources": 10, "files": 10, "policies": 18, "failed": 10,
            "notices": 1, "unknown": 1,
            "suppressed": 1, "errors": 0, "passed": 108, "input_errors": 0, "warnings": 0,
            "baselined": 0,
            "modules_not_loaded": 0,
            "monthly_cost": {"baseline": "35508.41", "ceiling": "365213.27", "priced": 9, "incomplete": 1, "unknown": 1}
        })
    );
}

#[test]
fn the_platform_repository_is_priced_to_the_cent() {
    assert_eq!(
        costs(&platform()),
        vec![
            // 6 nodes (config) x (0.25 vCPU x $0.031611 + 0.5 GiB x $0.004237) x 730.
            c(
                "DaemonSet/gpu-operator/dcgm-exporter",
                "43.89",
                "43.89",
                true
            ),
            // Ceiling only: 8 x g6e.24xlarge ($15.06559) beats 8 x g6e.12xlarge ($10.49264).
            c("NodePool/inference-l40s", "0.00", "87983.05", true),
            c("NodePool/research-h100", "0.00", "0.00", false),
            // 120M input x $3/M + 30M output x $15/M, from the usage file.
            c("LiteLLMRoute/claude-sonnet", "810.00", "810.00", true),
            // Priced as base_model azure/gpt-4o: 400M x $2.50/M + 60M x $10/M.
            c("LiteLLMRoute/gpt-4o", "1600.00", "1600.00", true),
            // 4 of p4d.24xlarge's 8 GPUs: 0.5 x $21.957642 x 730, 2 to 30 pods.
            c(
                "Deployment/assistants/vllm-llama-70b",
                "16029.08",
                "240436.18",
                true
            ),
            // 6 vCPU, 24 GiB, 1 L4 ($0.56004) at default rates; 1 to 3 replicas.
            c(
                "InferenceService/chat-dev/chat-llama/predictor",
                "621.52",
                "1864.55",
                true
            ),
            // 2 spot pods: 2 vCPU x $0.006655 + 8 GiB x $0.000892 + 1 T4 x $0.11.
            c(
                "StatefulSet/search/text-embeddings",
                "190.45",
                "190.45",
                true
            ),
            c(
                "RayCluster/research/finetune/head",
                "141.79",
                "141.79",
                true
            ),
            // A whole p5.48xlarge at spot (x 0.4): $22.016 x 730, 1 to 2 workers.
            c(
                "RayCluster/research/finetune/worker:h100",
                "16071.68",
                "32143.36",
                true
            ),
        ]
    );
}

#[test]
fn workloads_are_reported_with_their_pods_in_json() {
    let report = platform();
    let vllm = report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == "Deployment/assistants/vllm-llama-70b")
        .unwrap();
    assert_eq!(vllm["source"], "kubernetes");
    assert_eq!(vllm["environment"], "prod");
    assert_eq!(vllm["compute"], Value::Null);
    assert_eq!(
        vllm["workload"],
        json!({
            "kind": "Deployment",
            "api_version": "apps/v1",
            "namespace": "assistants",
            "component": null,
            "annotations": {},
            "pods": {
                // 40 + 0.1 cores, 500 GiB + 128 MiB: the sidecar counts.
                "cpu_cores": "40.1",
                "memory_gib": "500.125",
                "accelerators": 4,
                "accelerator_resource": "nvidia.com/gpu",
                "accelerators_in_limits": true,
                "accelerator_type": "A100",
                "node_instance_type": "p4d.24xlarge",
                "replicas": {"min": 2, "desired": 2, "max": 30},
                "capacity": "on-demand",
                "scale_to_zero": null,
                "inference": false,
                "run_hours": null
            }
        })
    );
}

#[test]
fn the_text_report_describes_pods_not_nodes() {
    let r = run(&["check", "testdata/k8s_platform"], None);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.contains(
            "╰── 2 pods (up to 30), 4 × A100 each on p4d.24xlarge, on-demand, $16,029.08/month (ceiling $240,436.18)\n"
        ),
        "{}",
        r.stdout
    );
    assert!(r.stdout.ends_with(
        "\n  10 resources, 18 policies, 10 failed findings (9 policies), 1 notice, 1 unknown, 1 suppressed, at least $35,508.41/month (ceiling at least $365,213.27)\n"
    ));
}

#[test]
fn verbose_lists_the_yaml_files_that_were_skipped() {
    let r = run(&["check", "testdata/k8s_platform", "--verbose"], None);
    let notes: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.starts_with("note: "))
        .collect();
    assert_eq!(
        notes,
        vec![
            "note: testdata/k8s_platform/.pre-commit-config.yaml:1: YAML document skipped: a pre-commit configuration",
            "note: testdata/k8s_platform/aicost-usage.yml:1: YAML document skipped: an aicost-policy usage file",
        ]
    );
}

#[test]
fn rendered_manifests_on_standard_input_are_checked_like_files() {
    // `kustomize build serving/ | aicost-policy check -`: the HPA still pairs with its
    // target, and findings point at lines of the stream.
    let mut stream = Vec::new();
    for file in ["serving/vllm.yaml", "serving/hpa.yaml"] {
        let text = std::fs::read(Path::new(CRATE_DIR).join(PLATFORM).join(file)).unwrap();
        if !stream.is_empty() {
            stream.extend_from_slice(b"---\n");
        }
        stream.extend(text);
    }
    let r = run(&["check", "-", "--format", "json"], Some(stream));
    assert_eq!(r.code, 1, "{}", r.stderr);
    let report = json_of(&r);
    // vllm.yaml is 39 lines, then `---`: the HPA's maxReplicas (line 12 of hpa.yaml) is
    // line 52. The platform's configuration is not read (it is not above the current
    // directory), so the default replica ceiling of 50 lets 30 pass.
    assert_eq!(
        findings(&report, ""),
        vec![
            f(
                "AIC-COST-002",
                "fail",
                "Deployment/assistants/vllm-llama-70b",
                "<stdin>:52"
            ),
            f(
                "AIC-GPU-002",
                "fail",
                "Deployment/assistants/vllm-llama-70b",
                "<stdin>:52"
            ),
        ]
    );
    assert_eq!(
        costs(&report),
        vec![c(
            "Deployment/assistants/vllm-llama-70b",
            "16029.08",
            "240436.18",
            true
        )]
    );
    assert_eq!(report["resources"][0]["root"], "<stdin>");
}

const KINDS: &str = "testdata/kubernetes/";

fn every_kind() -> Value {
    let r = run(&["check", "testdata/kubernetes", "--format", "json"], None);
    // Two input errors (a `16GB` quantity, a waiver without a reason) make it exit 2.
    assert_eq!(r.code, 2, "{}", r.stderr);
    json_of(&r)
}

#[test]
fn every_kind_gives_its_exact_findings_and_input_errors() {
    let report = every_kind();
    let expected = vec![
        f(
            "AIC-COST-001",
            "fail",
            "DaemonSet/monitoring/dcgm-exporter",
            "batch/jobs.yaml:1",
        ),
        f(
            "AIC-COST-002",
            "unknown",
            "DaemonSet/monitoring/dcgm-exporter",
            "batch/jobs.yaml:1",
        ),
        f(
            "AIC-K8S-001",
            "fail",
            "DaemonSet/monitoring/dcgm-exporter",
            "batch/jobs.yaml:6",
        ),
        f(
            "AIC-K8S-001",
            "fail",
            "CronJob/research/nightly-eval",
            "batch/jobs.yaml:29",
        ),
        f(
            "AIC-K8S-001",
            "fail",
            "CronJob/research/weekly-report",
            "batch/jobs.yaml:54",
        ),
        f(
            "AIC-K8S-001",
            "fail",
            "Job/research/embed-corpus",
            "batch/jobs.yaml:74",
        ),
        f(
            "AIC-COST-001",
            "fail",
            "Job/research/embed-corpus",
            "batch/jobs.yaml:78",
        ),
        f(
            "AIC-COST-002",
            "unknown",
            "Job/research/embed-corpus",
            "batch/jobs.yaml:78",
        ),
        f(
            "AIC-K8S-001",
            "fail",
            "Deployment/default/tgi-l4",
            "gke-spot/tgi.yaml:5",
        ),
        f(
            "AIC-K8S-001",
            "fail",
            "StatefulSet/nlp/embeddings",
            "gke-spot/tgi.yaml:33",
        ),
        f(
            "AIC-K8S-002",
            "fail",
            "StatefulSet/nlp/embeddings",
            "gke-spot/tgi.yaml:65",
        ),
        f(
            "AIC-K8S-001",
            "fail",
            "NodePool/gpu-inference",
            "karpenter/nodepools.yaml:5",
        ),
        f(
            "AIC-K8S-001",
            "fail",
            "NodePool/h100-training",
            "karpenter/nodepools.yaml:44",
        ),
        f(
            "AIC-K8S-005",
            "fail",
            "NodePool/h100-training",
            "karpenter/nodepools.yaml:46",
        ),
        f(
            "AIC-COST-001",
            "fail",
            "NodePool/h100-training",
            "karpenter/nodepools.yaml:54",
        ),
        f(
            "AIC-COST-002",
            "unknown",
            "NodePool/h100-training",
            "karpenter/nodepools.yaml:54",
        ),
        f(
            "AIC-K8S-001",
            "fail",
            "NodePool/general",
            "karpenter/nodepools.yaml:63",
        ),
        f(
            "AIC-K8S-001",
            "fail",
            "Service/audio/whisper",
            "knative-keda/services.yaml:3",
        ),
        f(
            "AIC-COST-001",
            "fail",
            "Service/audio/whisper",
            "knative-keda/services.yaml:11",
        ),
        f(
            "AIC-COST-002",
            "unknown",
            "Service/audio/whisper",
            "knative-keda/services.yaml:11",
        ),
        f(
            "AIC-K8S-001",
            "fail",
            "Deployment/audio/queue-worker",
            "knative-keda/services.yaml:23",
        ),
        f(
            "AIC-K8S-001",
            "fail",
            "InferenceService/ml-serving/llama3-8b/predictor",
            "kserve/inferenceservices.yaml:6",
        ),
        f(
            "AIC-K8S-001",
            "fail",
            "InferenceService/ml-serving/llama3-8b/transformer",
            "kserve/inferenceservices.yaml:6",
        ),
        f(
            "AIC-K8S-003",
            "fail",
            "InferenceService/ml-serving/llama3-8b/transformer",
            "kserve/inferenceservices.yaml:10",
        ),
        f(
            "AIC-COST-001",
            "fail",
            "InferenceService/ml-serving/llama3-8b/transformer",
            "kserve/inferenceservices.yaml:32",
        ),
        f(
            "AIC-COST-002",
            "unknown",
            "InferenceService/ml-serving/llama3-8b/transformer",
            "kserve/inferenceservices.yaml:32",
        ),
        f(
            "AIC-K8S-004",
            "unknown",
            "InferenceService/ml-serving/llama3-8b/transformer",
            "kserve/inferenceservices.yaml:32",
        ),
        f(
            "AIC-K8S-001",
            "fail",
            "InferenceService/ml-serving/fraud-xgb/predictor",
            "kserve/inferenceservices.yaml:46",
        ),
        f(
            "AIC-K8S-001",
            "fail",
            "LLMInferenceService/ml-serving/qwen3-coder",
            "kserve/inferenceservices.yaml:61",
        ),
        f(
            "AIC-K8S-001",
            "fail",
            "LLMInferenceService/ml-serving/qwen3-coder/prefill",
            "kserve/inferenceservices.yaml:61",
        ),
        f(
            "AIC-COST-001",
            "fail",
            "LLMInferenceService/ml-serving/qwen3-coder/prefill",
            "kserve/inferenceservices.yaml:84",
        ),
        f(
            "AIC-COST-002",
            "unknown",
            "LLMInferenceService/ml-serving/qwen3-coder/prefill",
            "kserve/inferenceservices.yaml:84",
        ),
        f(
            "AIC-K8S-001",
            "fail",
            "Deployment/inference/reranker",
            "list/list.yaml:14",
        ),
        f(
            "AIC-COST-001",
            "fail",
            "Deployment/inference/reranker",
            "list/list.yaml:18",
        ),
        f(
            "AIC-COST-002",
            "unknown",
            "Deployment/inference/reranker",
            "list/list.yaml:18",
        ),
        f(
            "AIC-K8S-006",
            "fail",
            "LiteLLMRoute/llama-local",
            "litellm-unbudgeted/litellm.yaml:4",
        ),
        f(
            "AIC-K8S-006",
            "fail",
            "LiteLLMRoute/gemini-flash",
            "litellm-unbudgeted/litellm.yaml:8",
        ),
        f(
            "AIC-K8S-006",
            "fail",
            "LiteLLMRoute/gpt-4o[1]",
            "litellm/config.yaml:16",
        ),
        f(
            "AIC-K8S-006",
            "fail",
            "LiteLLMRoute/claude-sonnet",
            "litellm/config.yaml:23",
        ),
        f(
            "AIC-K8S-001",
            "fail",
            "NIMService/nim-service/llama-3-2-1b",
            "nim/nimservice.yaml:6",
        ),
        f(
            "AIC-COST-001",
            "fail",
            "NIMService/nim-service/llama-3-2-1b",
            "nim/nimservice.yaml:37",
        ),
        f(
            "AIC-COST-002",
            "unknown",
            "NIMService/nim-service/llama-3-2-1b",
            "nim/nimservice.yaml:37",
        ),
        f(
            "AIC-K8S-001",
            "fail",
            "Pod/${NAMESPACE}/notebook",
            "placeholder/pod.yaml:6",
        ),
        f(
            "AIC-COST-001",
            "fail",
            "Pod/${NAMESPACE}/notebook",
            "placeholder/pod.yaml:11",
        ),
        f(
            "AIC-COST-002",
            "unknown",
            "Pod/${NAMESPACE}/notebook",
            "placeholder/pod.yaml:11",
        ),
        f(
            "AIC-GPU-002",
            "unknown",
            "Pod/${NAMESPACE}/notebook",
            "placeholder/pod.yaml:11",
        ),
        f(
            "AIC-K8S-001",
            "fail",
            "RayCluster/research/rl-train/head",
            "ray/raycluster.yaml:6",
        ),
        f(
            "AIC-K8S-001",
            "fail",
            "RayCluster/research/rl-train/worker:cpu-workers",
            "ray/raycluster.yaml:6",
        ),
        f(
            "AIC-K8S-001",
            "fail",
            "RayCluster/research/rl-train/worker:gpu-workers",
            "ray/raycluster.yaml:6",
        ),
        f(
            "AIC-K8S-001",
            "fail",
            "RayJob/research/finetune-llama/head",
            "ray/rayjob.yaml:3",
        ),
        f(
            "AIC-K8S-001",
            "fail",
            "RayJob/research/finetune-llama/worker:a100",
            "ray/rayjob.yaml:3",
        ),
        f(
            "AIC-K8S-001",
            "fail",
            "RayService/serving/llm-serve/head",
            "ray/rayservice.yaml:3",
        ),
        f(
            "AIC-K8S-001",
            "fail",
            "RayService/serving/llm-serve/worker:l4",
            "ray/rayservice.yaml:3",
        ),
        f(
            "AIC-COST-001",
            "fail",
            "RayService/serving/llm-serve/worker:l4",
            "ray/rayservice.yaml:25",
        ),
        f(
            "AIC-COST-002",
            "unknown",
            "RayService/serving/llm-serve/worker:l4",
            "ray/rayservice.yaml:25",
        ),
        f(
            "AIC-K8S-001",
            "fail",
            "Server/seldon-mesh/mlserver-gpu",
            "seldon/server.yaml:6",
        ),
        f(
            "AIC-K8S-001",
            "fail",
            "Deployment/inference/vllm-llama3",
            "vllm-deployment/deployment.yaml:7",
        ),
        f(
            "AIC-K8S-001",
            "fail",
            "vLLM/llama3",
            "vllm-stack/values.yaml:3",
        ),
        f(
            "AIC-K8S-001",
            "fail",
            "vLLM/mistral",
            "vllm-stack/values.yaml:3",
        ),
        f(
            "AIC-COST-001",
            "fail",
            "vLLM/mistral",
            "vllm-stack/values.yaml:32",
        ),
        f(
            "AIC-COST-002",
            "unknown",
            "vLLM/mistral",
            "vllm-stack/values.yaml:32",
        ),
        f(
            "AIC-K8S-001",
            "fail",
            "Deployment/perf/benchmark",
            "waivers/annotated.yaml:6",
        ),
        f(
            "AIC-COST-001",
            "fail",
            "Deployment/perf/benchmark",
            "waivers/annotated.yaml:11",
        ),
        f(
            "AIC-COST-002",
            "unknown",
            "Deployment/perf/benchmark",
            "waivers/annotated.yaml:11",
        ),
        f(
            "AIC-K8S-004",
            "suppressed",
            "Deployment/perf/benchmark",
            "waivers/annotated.yaml:11",
        ),
        f(
            "AIC-K8S-001",
            "fail",
            "Deployment/perf/forgotten",
            "waivers/annotated.yaml:25",
        ),
    ];
    assert_eq!(findings(&report, KINDS), expected);
    let errors: Vec<(String, u64, String)> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["file"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches(KINDS)
                    .to_string(),
                e["line"].as_u64().unwrap(),
                e["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        vec![
            (
                "list/list.yaml".to_string(),
                27,
                "spec.template.spec.containers[0].resources.requests.memory: `16GB` is not a Kubernetes quantity".to_string()
            ),
            (
                "waivers/annotated.yaml".to_string(),
                29,
                "the waiver of AIC-K8S-001 in the annotation aicost-policy.io/ignore gives no reason".to_string()
            ),
        ]
    );
}

#[test]
fn every_kind_is_priced() {
    let report = every_kind();
    let got = costs(&report);
    let find = |a: &str| got.iter().find(|x| x.0 == a).cloned().unwrap();
    assert_eq!(got.len(), 37);
    for expected in [
        // One g5.2xlarge GPU of 1 per node: the whole node, $1.212 x 730, 1 to 6 pods (HPA).
        c(
            "Deployment/inference/vllm-llama3",
            "884.76",
            "5308.56",
            true,
        ),
        // 8 H100 at default per-GPU rates and 16 vCPU, 128 GiB, 2 replicas:
        // 2 x (16 x 730 x 0.031611 + 128 x 730 x 0.004237 + 2 x 730 x 9.79655).
        c(
            "LLMInferenceService/ml-serving/qwen3-coder",
            "30136.17",
            "30136.17",
            true,
        ),
        // 60 pods x (8 vCPU, 32 GiB) x 730 hours at default rates; their GPU names no
        // model, so the estimate is incomplete rather than priced at a guess.
        c("Deployment/perf/benchmark", "17015.07", "17015.07", false),
        // No prices without the usage file: every route depends on usage.
        c("LiteLLMRoute/gpt-4o[0]", "0.00", "0.00", true),
        // KServe transformer without maxReplicas: the ceiling is at least the baseline.
        c(
            "InferenceService/ml-serving/llama3-8b/transformer",
            "14.63",
            "14.63",
            false,
        ),
        // GPU limit 16, cpu 512, memory 2048 GiB: 16 g6e.4xlarge (16 vCPU, 128 GiB, 1 L40S)
        // at $3.00424 spend the most; the memory limit stops bigger g6e sooner.
        c("NodePool/gpu-inference", "0.00", "35089.52", true),
        // A schedule whose runs a month cannot be counted (day of month and day of week
        // both restricted) is billed by use: complete, depending on usage.
        c("CronJob/research/weekly-report", "0.00", "0.00", true),
        // A DaemonSet without [kubernetes] daemonset_nodes has no estimate.
        c("DaemonSet/monitoring/dcgm-exporter", "0.00", "0.00", false),
        // No deployment-mode annotation: KServe's default, Knative, scales from 0 to 3
        // pods of 1 vCPU and 2 GiB: 3 x (730 x 0.031611 + 2 x 730 x 0.004237).
        c(
            "InferenceService/ml-serving/fraud-xgb/predictor",
            "0.00",
            "87.79",
            true,
        ),
        // c, m and r types (not spot), 1000 vCPUs: 10 r7i.metal-24xl (96 vCPUs) at
        // $6.98544 spend the most, 10 x 6.98544 x 730.
        c("NodePool/general", "0.00", "50993.71", true),
    ] {
        assert_eq!(find(&expected.0), expected);
    }
    assert_eq!(
        report["summary"]["monthly_cost"],
        // Totals are summed exactly, then rounded.
        json!({"baseline": "67419.22", "ceiling": "208840.68", "priced": 34, "incomplete": 12, "unknown": 3})
    );
}

#[test]
fn a_negative_kubernetes_setting_is_a_configuration_error_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("aicost-policy.toml"),
        "[kubernetes]\nmax_replicas = 20\ndaemonset_nodes = -4\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("ds.yaml"),
        "apiVersion: v1\nkind: ConfigMap\n",
    )
    .unwrap();
    let r = run(
        &["check", dir.path().to_str().unwrap(), "--color", "never"],
        None,
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("× daemonset_nodes is negative")
            && r.stderr.contains("aicost-policy.toml:3:1]")
            && r.stderr
                .contains("help: write how many nodes the cluster's DaemonSets run on"),
        "{}",
        r.stderr
    );
}

/// An InferenceService without the deployment-mode annotation, one L4 GPU, in a fresh
/// directory with `config` as its configuration (none when empty).
fn inference_service(config: &str) -> (tempfile::TempDir, Run) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("summarizer.yaml"),
        "apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: summarizer
  namespace: ml
  labels:
    team: docs
spec:
  predictor:
    nodeSelector:
      cloud.google.com/gke-accelerator: nvidia-l4
    model:
      modelFormat:
        name: huggingface
      resources:
        requests:
          cpu: \"4\"
          memory: 16Gi
        limits:
          nvidia.com/gpu: \"1\"
",
    )
    .unwrap();
    if !config.is_empty() {
        std::fs::write(dir.path().join("aicost-policy.toml"), config).unwrap();
    }
    let r = run(
        &["check", dir.path().to_str().unwrap(), "--format", "json"],
        None,
    );
    (dir, r)
}

fn replicas(r: &Run) -> Value {
    json_of(r)["resources"][0]["workload"]["pods"]["replicas"].clone()
}

#[test]
fn kserve_follows_its_shipped_default_mode_unless_the_configuration_names_another() {
    // KServe ships Knative (Serverless): minReplicas defaults to 1 and an unset maxReplicas
    // is no bound at all.
    let (_dir, r) = inference_service("");
    assert_eq!(
        replicas(&r),
        json!({
            "min": 1,
            "desired": 1,
            "max": {"unknown": "spec.predictor.maxReplicas is not set, and in Knative mode that means no upper bound"}
        })
    );
    // A cluster configured for raw deployments: one pod, and the ceiling is the minimum.
    let (_dir, r) =
        inference_service("[kubernetes]\nkserve_default_deployment_mode = \"RawDeployment\"\n");
    assert_eq!(replicas(&r), json!({"min": 1, "desired": 1, "max": 1}));
    // A mode KServe does not know is an error at its line.
    let (_dir, r) = inference_service("[kubernetes]\nkserve_default_deployment_mode = \"Raw\"\n");
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("unknown variant `Raw`, expected one of `Knative`, `Serverless`")
            && r.stderr.contains("aicost-policy.toml:2:34]"),
        "{}",
        r.stderr
    );
}

/// A chart's templates beside rendered manifests: an input error (exit 2) by default; with
/// `--unrendered-templates note` a note, so a CI job can run on the repository as it is and
/// still fail on what it checks.
#[test]
fn unrendered_helm_templates_are_errors_or_notes_on_request() {
    let dir = "testdata/helm-beside";
    let template = "testdata/helm-beside/chart/templates/deployment.yaml";
    let message = "a mapping key must be a scalar, not a map or a list (this looks like an unrendered Helm template)";
    // 2 pods × 1 A10G on a g5.xlarge at $1.006/hour × 730 hours = $1,468.76.
    let summary = "  1 resource, 18 policies, 0 failed findings, 0 unknown";

    let r = run(&["check", dir, "--color", "never"], None);
    assert_eq!(r.code, 2, "{}", r.stderr);
    // The message as miette wraps it at 100 columns.
    assert!(
        r.stdout.contains("  × a mapping key must be a scalar, not a map or a list (this looks like an unrendered Helm\n  │ template)\n"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains(&format!("[{template}:4:10]")),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.ends_with(&format!(
            "{summary}, 1 input error, $1,468.76/month (ceiling $1,468.76)\n"
        )),
        "{}",
        r.stdout
    );

    let r = run(
        &[
            "check",
            dir,
            "--color",
            "never",
            "--unrendered-templates",
            "note",
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(
        r.stdout,
        format!("assumed: Deployment/search/embeddings ($1,468.76/month): g5.xlarge priced at its us-east-1 rate: a manifest does not name its region\n\n{summary}, $1,468.76/month (ceiling $1,468.76)\n")
    );

    let r = run(
        &[
            "check",
            dir,
            "--color",
            "never",
            "--unrendered-templates",
            "note",
            "-v",
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(
        r.stdout.contains(&format!(
            "note: {template}:4: not checked: {message} (--unrendered-templates note)\n"
        )),
        "{}",
        r.stdout
    );
}
