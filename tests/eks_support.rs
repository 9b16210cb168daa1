//! The EKS control plane is priced at the standard rate ($0.10 an hour) while the cluster's
//! Kubernetes version is in standard support, and at the extended-support rate ($0.60 an
//! hour, `catalog/kubernetes.csv`) from the day its standard support ends
//! (`catalog/eks_versions.csv`), on the date of the run (`--today`, pinned here). A month
//! is 730 hours: 0.10 × 730 = 73.00, 0.60 × 730 = 438.00.
//!
//! The calendar rows used: 1.24 is older than every row (1.25 to 1.36); 1.32 standard
//! support until 2026-03-23, extended until 2027-03-23; 1.33 standard until 2026-07-29;
//! 1.35 standard until 2027-03-27.

#![allow(clippy::panic, clippy::unwrap_used, clippy::indexing_slicing)]

use crate::common;

use std::path::Path;

use serde_json::{json, Value};

const TODAY: &str = "2026-11-28";

/// `cost DIR --format json --today DATE` on a root holding `main_tf`, and the report.
fn cost_on(main_tf: &str, today: &str) -> Value {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), main_tf).unwrap();
    let run = common::run::aicost(
        dir.path(),
        &["cost", ".", "--format", "json", "--today", today],
        &[],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

/// A root with one `aws_eks_cluster.c` whose body adds `extra` to name, role and subnets.
fn cluster(extra: &str) -> String {
    format!(
        r#"
provider "aws" {{
  region = "us-east-1"
}}

variable "kubernetes_version" {{
  type = string
}}

resource "aws_eks_cluster" "c" {{
  name     = "ml"
  role_arn = "arn:aws:iam::123456789012:role/eks"
{extra}
  vpc_config {{
    subnet_ids = ["subnet-1"]
  }}
}}
"#
    )
}

/// The cluster's estimate.
fn estimate(report: &Value) -> &Value {
    let r = report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["type"] == "aws_eks_cluster")
        .unwrap();
    &r["monthly_cost"]
}

/// (component name, unit price, monthly, complete).
fn line(report: &Value) -> (String, String, String, bool) {
    let e = estimate(report);
    let c = &e["components"][0];
    (
        c["name"].as_str().unwrap().to_string(),
        c["unit_price"].as_str().unwrap().to_string(),
        e["baseline"].as_str().unwrap().to_string(),
        e["complete"].as_bool().unwrap(),
    )
}

fn expect(
    name: &str,
    price: &str,
    monthly: &str,
    complete: bool,
) -> (String, String, String, bool) {
    (name.into(), price.into(), monthly.into(), complete)
}

#[test]
fn a_version_in_standard_support_pays_the_standard_rate() {
    let report = cost_on(&cluster(r#"  version  = "1.35""#), TODAY);
    // 0.10 x 730 = 73.00
    assert_eq!(
        line(&report),
        expect("EKS control plane", "0.10", "73.00", true)
    );
    assert_eq!(
        estimate(&report)["notes"][0],
        "Kubernetes 1.35: standard support until 2027-03-27 (eks_versions, as of 2026-08-22)"
    );
    assert_eq!(estimate(&report)["assumptions"], json!([]));
}

#[test]
fn a_version_past_standard_support_pays_the_extended_support_rate() {
    let report = cost_on(&cluster(r#"  version  = "1.32""#), TODAY);
    // 0.60 x 730 = 438.00
    assert_eq!(
        line(&report),
        expect(
            "EKS control plane (extended support)",
            "0.60",
            "438.00",
            true
        )
    );
    assert_eq!(
        estimate(&report)["notes"][0],
        "Kubernetes 1.32 left standard support on 2026-03-23, extended support until 2027-03-23 (eks_versions, as of 2026-08-22): priced at the extended-support rate on 2026-11-28"
    );
}

#[test]
fn the_date_of_the_run_decides_and_standard_support_ends_on_its_last_day() {
    let tf = cluster(r#"  version  = "1.33""#);
    // The day before 1.33's standard support ends: 0.10 x 730.
    assert_eq!(line(&cost_on(&tf, "2026-07-28")).2, "73.00");
    // From that day: 0.60 x 730.
    assert_eq!(line(&cost_on(&tf, "2026-07-29")).2, "438.00");
}

#[test]
fn support_type_standard_is_never_billed_extended_support() {
    let report = cost_on(
        &cluster(
            r#"  version  = "1.32"
  upgrade_policy {
    support_type = "STANDARD"
  }"#,
        ),
        TODAY,
    );
    // 0.10 x 730 = 73.00: AWS upgrades the cluster instead.
    assert_eq!(
        line(&report),
        expect("EKS control plane", "0.10", "73.00", true)
    );
    assert!(estimate(&report)["notes"][0]
        .as_str()
        .unwrap()
        .ends_with("upgrade_policy.support_type = \"STANDARD\": AWS upgrades the cluster at the end of standard support, so it never pays extended support"));
    // EXTENDED, AWS's default, written out: 0.60 x 730.
    let report = cost_on(
        &cluster(
            r#"  version  = "1.32"
  upgrade_policy {
    support_type = "EXTENDED"
  }"#,
        ),
        TODAY,
    );
    assert_eq!(line(&report).2, "438.00");
}

#[test]
fn an_unresolved_version_is_priced_at_the_standard_rate_as_a_lower_bound() {
    let report = cost_on(&cluster("  version  = var.kubernetes_version"), TODAY);
    // 0.10 x 730 = 73.00, at least: the estimate is incomplete.
    assert_eq!(
        line(&report),
        expect("EKS control plane", "0.10", "73.00", false)
    );
    assert_eq!(
        estimate(&report)["missing"],
        json!(["version is unknown: var.kubernetes_version has no default; priced at the standard rate, the lower bound: a version past standard support pays the extended-support rate"])
    );
    assert_eq!(report["summary"]["monthly_cost"]["incomplete"], 1);
}

#[test]
fn a_version_older_than_the_calendar_is_priced_as_aws_upgrades_it() {
    // 1.24 is out of support: AWS has upgraded such a cluster to the oldest version still
    // supported on the date, 1.32, in extended support: 0.60 x 730 = 438.00.
    let report = cost_on(&cluster(r#"  version  = "1.24""#), TODAY);
    assert_eq!(
        line(&report),
        expect(
            "EKS control plane (extended support)",
            "0.60",
            "438.00",
            true
        )
    );
    assert_eq!(
        estimate(&report)["assumptions"],
        json!(["Kubernetes 1.24 is older than the EKS calendar (1.25 to 1.36), out of support: by 2026-11-28 AWS has upgraded the cluster to 1.32, in extended support"])
    );
    // 1.30's extended support ended on 2026-07-23: the same upgrade, 0.60 x 730.
    let report = cost_on(&cluster(r#"  version  = "1.30""#), TODAY);
    assert_eq!(line(&report).2, "438.00");
    assert_eq!(
        estimate(&report)["assumptions"],
        json!(["Kubernetes 1.30's extended support ended on 2026-07-23: by 2026-11-28 AWS has upgraded the cluster to 1.32, in extended support"])
    );
}

#[test]
fn a_cluster_without_a_version_is_created_in_standard_support() {
    let report = cost_on(&cluster(""), TODAY);
    assert_eq!(
        line(&report),
        expect("EKS control plane", "0.10", "73.00", true)
    );
}

#[test]
fn the_eks_module_s_upgrade_policy_input_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let module = |policy: &str| {
        format!(
            r#"
provider "aws" {{
  region = "us-east-1"
}}

module "eks" {{
  source          = "terraform-aws-modules/eks/aws"
  version         = "~> 20.31"
  cluster_name    = "ml"
  cluster_version = "1.32"
  {policy}
}}
"#
        )
    };
    let monthly = |tf: String| {
        std::fs::write(dir.path().join("main.tf"), tf).unwrap();
        let run = common::run::aicost(
            dir.path(),
            &["cost", ".", "--format", "json", "--today", TODAY],
            &[],
        );
        let report: Value = serde_json::from_str(&run.stdout).unwrap();
        report["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["address"] == "module.eks.cluster")
            .map(|r| r["monthly_cost"]["baseline"].clone())
            .unwrap()
    };
    // 0.60 x 730 without a policy; 0.10 x 730 with support_type = "STANDARD".
    assert_eq!(monthly(module("")), "438.00");
    assert_eq!(
        monthly(module(
            r#"cluster_upgrade_policy = { support_type = "STANDARD" }"#
        )),
        "73.00"
    );
}

#[test]
fn an_invalid_date_for_cost_is_an_error() {
    let run = common::run::aicost(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &[
            "cost",
            "testdata/terraform/eks_gpu_training",
            "--today",
            "2026-13-01",
        ],
        &[],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .starts_with("error: invalid value `2026-13-01` for --today"),
        "{}",
        run.stderr
    );
}
