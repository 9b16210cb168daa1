//! No silent guesses (issue 20): a pod that requests GPUs without naming their model has
//! an incomplete estimate with the catalog's range, unless `[kubernetes] default_gpu` makes
//! the model an assumption, and every assumption that changes an amount is shown in each
//! report format. Runs the real binary on `testdata/unnamed_gpu/`.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use crate::common;

use std::path::Path;

use common::run::{aicost, Run};
use serde_json::{json, Value};

const CRATE_DIR: &str = env!("CARGO_MANIFEST_DIR");
const UNNAMED: &str = "testdata/unnamed_gpu/deployment.yaml";
const ASSUMED: &str = "testdata/unnamed_gpu/assumed";

fn run(args: &[&str]) -> Run {
    aicost(Path::new(CRATE_DIR), args, &[])
}

fn json_of(r: &Run) -> Value {
    serde_json::from_str(&r.stdout).unwrap()
}

/// The AIC-COST-001 message of the unnamed model: what to add, and the range at the
/// catalog's cheapest (T4, $0.35) and dearest (B200, $11.277) GPU rates for 8 replicas x 2
/// GPUs x 730 hours = 11680 GPU-hours.
const UNNAMED_MISSING: &str = "no node selector names the GPU model: add a nodeSelector or node affinity on nvidia.com/gpu.product, cloud.google.com/gke-accelerator or karpenter.k8s.aws/instance-gpu-name, or an instance type, or set default_gpu under [kubernetes]; at the catalog's GPU rates its 11,680 GPU-hours a month cost $4,088.00 (T4) to $131,715.36 (B200)";

#[test]
fn an_unnamed_gpu_model_is_an_incomplete_estimate_that_says_what_to_add() {
    let r = run(&[
        "check",
        UNNAMED,
        "--format",
        "json",
        "--today",
        "2026-11-28",
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let report = json_of(&r);
    let cost = &report["resources"][0]["monthly_cost"];
    // 8 x 730 x (8 x $0.031611 + 64 x $0.004237): only the CPU and memory are priced.
    assert_eq!(cost["baseline"], "3060.49");
    assert_eq!(cost["complete"], false);
    assert_eq!(cost["missing"], json!([UNNAMED_MISSING]));
    assert_eq!(cost["assumptions"], json!([]));
    let findings: Vec<(String, String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["policy_id"].as_str().unwrap().to_string(),
                f["status"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .filter(|f| f.0.starts_with("AIC-COST"))
        .collect();
    assert_eq!(
        findings,
        vec![
            (
                "AIC-COST-001".to_string(),
                "fail".to_string(),
                format!("Deployment/inference/tgi-mixtral has no complete cost estimate: {UNNAMED_MISSING}")
            ),
            // The ceiling policy cannot pass a cost that may be $131,715.36 a month.
            (
                "AIC-COST-002".to_string(),
                "unknown".to_string(),
                "cannot decide AIC-COST-002 for Deployment/inference/tgi-mixtral: monthly_cost_ceiling is unknown".to_string()
            ),
        ]
    );
}

#[test]
fn a_configured_default_gpu_prices_the_model_as_an_assumption() {
    let r = run(&[
        "check",
        ASSUMED,
        "--format",
        "json",
        "--today",
        "2026-11-28",
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let report = json_of(&r);
    let cost = &report["resources"][0]["monthly_cost"];
    // $3,060.49 for CPU and memory + 11680 GPU-hours x $0.56004 (L4) = $6,541.27.
    assert_eq!(cost["baseline"], "9601.75");
    assert_eq!(cost["complete"], true);
    assert_eq!(
        cost["assumptions"],
        json!(["GPU model L4 ([kubernetes] default_gpu): no node selector names the model"])
    );
    assert_eq!(cost["components"][2]["name"], "GPU (L4 assumed, on-demand)");
}

#[test]
fn a_default_gpu_without_a_catalog_rate_is_a_configuration_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("aicost-policy.toml"),
        "[kubernetes]\ndefault_gpu = \"A10G\"\n",
    )
    .unwrap();
    std::fs::copy(
        Path::new(CRATE_DIR).join(UNNAMED),
        dir.path().join("deployment.yaml"),
    )
    .unwrap();
    let r = aicost(dir.path(), &["check", "."], &[]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        r.stderr
            .contains("default_gpu `A10G` has no rate in the catalog"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("aicost-policy.toml:2:1]")
            && r.stderr
                .contains("help: write a GPU model the catalog prices: A100, A100-80GB, B200"),
        "{}",
        r.stderr
    );
}

/// Markdown without its last line, the footer (catalog date and tool version), which must
/// still be there.
fn without_footer(markdown: &str) -> &str {
    let body = markdown.trim_end_matches('\n');
    let (body, footer) = body.rsplit_once('\n').unwrap();
    assert!(footer.starts_with("<sub>List prices in USD"), "{markdown}");
    &markdown[..body.len() + 1]
}

/// The text report shows the assumption without --verbose, with the amount it changes.
#[test]
fn text_output_shows_the_assumption_under_the_findings() {
    let r = run(&["check", ASSUMED, "--today", "2026-11-28"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.stdout, CHECK_TEXT);
}

const CHECK_TEXT: &str = r#"AIC-K8S-001 [high]

  × Deployment/inference/tgi-mixtral is missing required labels: env
   ╭─[testdata/unnamed_gpu/assumed/deployment.yaml:8:3]
 7 │   namespace: inference
 8 │   labels:
   ·   ───┬───
   ·      ╰── 8 pods, 2 GPUs each, on-demand, $9,601.75/month
 9 │     app: tgi-mixtral
   ╰────
  help: add the labels under metadata.labels (for example with kustomize's `labels` or a Helm
        chart's common labels; servingEngineSpec.labels for vLLM values); to accept the gap, add
        the annotation `aicost-policy.io/ignore: AIC-K8S-001 <reason>`

assumed: Deployment/inference/tgi-mixtral ($9,601.75/month): GPU model L4 ([kubernetes] default_gpu): no node selector names the model

  1 resource, 18 policies, 1 failed finding (1 policy), 0 unknown, $9,601.75/month (ceiling $9,601.75)
"#;

/// `cost` shows the assumption under its row, the GPU rate that dominates the amount,
/// what a partial estimate lacks, and "at least" in the total when an estimate is partial.
#[test]
fn the_cost_table_shows_assumptions_under_the_row_and_at_least_when_partial() {
    let r = run(&["cost", ASSUMED]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, COST_ASSUMED);
    let r = run(&["cost", UNNAMED]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, COST_UNNAMED);
}

const COST_ASSUMED: &str = r#"RESOURCE                          TYPE        QUANTITY  UNIT PRICE               MONTHLY    CEILING
Deployment/inference/tgi-mixtral  Deployment  8         $0.56004 per GPU-hour  $9,601.75  $9,601.75
    assumed: GPU model L4 ([kubernetes] default_gpu): no node selector names the model

  1 priced resource: $9,601.75 a month (ceiling $9,601.75); 0 not priced
"#;

const COST_UNNAMED: &str = r#"RESOURCE                          TYPE        QUANTITY  UNIT PRICE                 MONTHLY     CEILING
Deployment/inference/tgi-mixtral  Deployment  8         $0.004237 per GiB-hour  ≥$3,060.49  ≥$3,060.49
    missing: no node selector names the GPU model: add a nodeSelector or node affinity on nvidia.com/gpu.product, cloud.google.com/gke-accelerator or karpenter.k8s.aws/instance-gpu-name, or an instance type, or set default_gpu under [kubernetes]; at the catalog's GPU rates its 11,680 GPU-hours a month cost $4,088.00 (T4) to $131,715.36 (B200)

  1 priced resource: at least $3,060.49 a month (ceiling at least $3,060.49), 1 with an incomplete estimate (≥); 0 not priced
"#;

/// The Markdown report lists assumptions, and its title and summary say "at least" when
/// an estimate is partial.
#[test]
fn markdown_lists_assumptions_and_says_at_least_when_partial() {
    let r = run(&[
        "check",
        ASSUMED,
        "--today",
        "2026-11-28",
        "--format",
        "markdown",
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(without_footer(&r.stdout), MARKDOWN_ASSUMED);
    let r = run(&[
        "check",
        UNNAMED,
        "--today",
        "2026-11-28",
        "--format",
        "markdown",
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(without_footer(&r.stdout), MARKDOWN_UNNAMED);
}

const MARKDOWN_ASSUMED: &str = r#"### 💰 aicost-policy: $9,602 / month

1 resource, $9,601.75 / month (ceiling $9,601.75); 18 policies: 1 failed finding (1 policy), 0 unknown, 0 suppressed.

#### ❌ 1 policy failure

- **AIC-K8S-001** (high) `Deployment/inference/tgi-mixtral` at `testdata/unnamed_gpu/assumed/deployment.yaml:8`: Deployment/inference/tgi-mixtral is missing required labels: env

#### 📌 1 assumption

_These amounts rest on what was assumed, not on what the files say._

- `Deployment/inference/tgi-mixtral` ($9,601.75/month): GPU model L4 (\[kubernetes\] default_gpu): no node selector names the model

"#;

const MARKDOWN_UNNAMED: &str = r#"### 💰 aicost-policy: at least $3,060 / month

1 resource, at least $3,060.49 / month (ceiling at least $3,060.49); 18 policies: 2 failed findings (2 policies), 1 unknown, 0 suppressed.

#### ❌ 2 policy failures

- **AIC-K8S-001** (high) `Deployment/inference/tgi-mixtral` at `testdata/unnamed_gpu/deployment.yaml:8`: Deployment/inference/tgi-mixtral is missing required labels: env
- **AIC-COST-001** (medium) `Deployment/inference/tgi-mixtral` at `testdata/unnamed_gpu/deployment.yaml:13`: Deployment/inference/tgi-mixtral has no complete cost estimate: no node selector names the GPU model: add a nodeSelector or node affinity on nvidia.com/gpu.product, cloud.google.com/gke-accelerator or karpenter.k8s.aws/instance-gpu-name, or an instance type, or set default_gpu under \[kubernetes\]; at the catalog's GPU rates its 11,680 GPU-hours a month cost $4,088.00 (T4) to $131,715.36 (B200)

#### ❔ 1 unknown result

_The answer depends on a value that could not be resolved._

- **AIC-COST-002** (high) `Deployment/inference/tgi-mixtral` at `testdata/unnamed_gpu/deployment.yaml:13`: cannot decide AIC-COST-002 for Deployment/inference/tgi-mixtral: monthly_cost_ceiling is unknown — depends on no node selector names the GPU model: add a nodeSelector or node affinity on nvidia.com/gpu.product, cloud.google.com/gke-accelerator or karpenter.k8s.aws/instance-gpu-name, or an instance type, or set default_gpu under \[kubernetes\]; at the catalog's GPU rates its 11,680 GPU-hours a month cost $4,088.00 (T4) to $131,715.36 (B200)

"#;

/// The pull-request comment marks an amount that rests on an assumption with a footnote
/// and lists the assumption under the table; a partial side is "at least".
#[test]
fn the_pull_request_comment_marks_assumed_amounts_with_a_footnote() {
    let empty = tempfile::tempdir().unwrap();
    let base = empty.path().to_str().unwrap();
    let args = |path| {
        [
            "diff",
            path,
            "--base-path",
            base,
            "--today",
            "2026-11-28",
            "--format",
            "markdown",
            // The empty base has no configuration: the head's sets default_gpu.
            "--config-from",
            "head",
        ]
    };
    let r = run(&args(ASSUMED));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(without_footer(&r.stdout), DIFF_ASSUMED);
    let r = run(&args(UNNAMED));
    assert_eq!(
        r.stdout.lines().nth(2).unwrap(),
        "Monthly cost **$0.00 → at least $3,060.49**; ceiling $0.00 → at least $3,060.49 (+$3,060.49). 0 changed, 1 added, 0 removed, 0 unchanged. 1 of the estimates is partial (a price or value is unknown)."
    );
}

const DIFF_ASSUMED: &str = r#"### 💰 aicost-policy: +$9,602 / month

Monthly cost **$0.00 → $9,601.75**; ceiling $0.00 → $9,601.75 (+$9,601.75). 0 changed, 1 added, 0 removed, 0 unchanged.

| Resource | Change | Monthly before → after | Ceiling before → after |
|:--|--:|--:|--:|
| `Deployment/inference/tgi-mixtral` (added) | +$9,601.75 | – → $9,601.75† | – → $9,601.75† |

† assumed, not read from the files:

- † `Deployment/inference/tgi-mixtral`: GPU model L4 (\[kubernetes\] default_gpu): no node selector names the model

#### ❌ 1 policy failure introduced by this change

- **AIC-K8S-001** (high) `Deployment/inference/tgi-mixtral` at `testdata/unnamed_gpu/assumed/deployment.yaml:8`: Deployment/inference/tgi-mixtral is missing required labels: env

"#;

/// An InferenceService without the deployment-mode annotation is read in KServe's default
/// mode (Knative: it scales to zero, so its baseline is $0). That decides the amount, so it
/// is an assumption beside it, not only a `-v` note; one that says its mode assumes nothing.
#[test]
fn kserve_s_default_deployment_mode_is_a_shown_assumption() {
    const MODE: &str = "read in Knative (Serverless) mode, KServe's shipped default (set [kubernetes] kserve_default_deployment_mode if the cluster's differs): no serving.kserve.io/deploymentMode annotation";
    let r = run(&[
        "check",
        "testdata/kubernetes/kserve",
        "--format",
        "json",
        "--today",
        "2026-11-28",
    ]);
    let report = json_of(&r);
    let assumed: Vec<(&str, &Value)> = report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["address"].as_str().unwrap(),
                &x["monthly_cost"]["assumptions"],
            )
        })
        .collect();
    assert_eq!(
        assumed,
        vec![
            (
                "InferenceService/ml-serving/fraud-xgb/predictor",
                &json!([MODE])
            ),
            (
                "InferenceService/ml-serving/llama3-8b/predictor",
                &json!([])
            ),
            (
                "InferenceService/ml-serving/llama3-8b/transformer",
                &json!([])
            ),
            ("LLMInferenceService/ml-serving/qwen3-coder", &json!([])),
            (
                "LLMInferenceService/ml-serving/qwen3-coder/prefill",
                &json!([])
            ),
        ]
    );
    let text = run(&[
        "check",
        "testdata/kubernetes/kserve",
        "--color",
        "never",
        "--today",
        "2026-11-28",
    ]);
    assert!(
        text.stdout.contains(&format!(
            "\nassumed: InferenceService/ml-serving/fraud-xgb/predictor ($0.00/month (ceiling $87.79)): {MODE}\n"
        )),
        "{}",
        text.stdout
    );
}
