//! No silent guesses (issue 20): a pod that requests GPUs without naming their model has
//! an incomplete estimate with the catalog's range, unless `[kubernetes] default_gpu` makes
//! the model an assumption, and every assumption that changes an amount is shown in each
//! report format. Runs the real binary on `testdata/unnamed_gpu/`.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod common;

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
const UNNAMED_MISSING: &str = "no node selector names the GPU model: add a nodeSelector or node affinity on nvidia.com/gpu.product, cloud.google.com/gke-accelerator or karpenter.k8s.aws/instance-gpu-name, or an instance type, or set default_gpu under [kubernetes]; at the catalog's GPU rates its 11680 GPU-hours a month cost $4,088.00 (T4) to $131,715.36 (B200)";

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
