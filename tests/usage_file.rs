//! The usage file: every value changes an estimate or is rejected at its line, never
//! accepted and ignored; and `aicost-usage.yml` beside the scanned root is found without a
//! configuration file.
//!
//! Prices (us-east-1): m5.large $0.096 an hour; S3 STANDARD $0.023 a GB-month.

#![allow(clippy::panic, clippy::unwrap_used, clippy::indexing_slicing)]

use crate::common;

use std::path::Path;

use serde_json::Value;

const MAIN_TF: &str = r#"
provider "aws" {
  region = "us-east-1"
}

resource "aws_instance" "dev" {
  ami           = "ami-12345678"
  instance_type = "m5.large"
}

resource "aws_s3_bucket" "data" {
  bucket = "data"
}
"#;

/// `cost ARGS --format json` in `dir`: the exit code, the report and standard error.
fn cost(dir: &Path, args: &[&str]) -> (i32, Value, String) {
    let mut all = vec!["cost"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json", "--today", "2026-11-28"]);
    let run = common::run::aicost(dir, &all, &[]);
    let report = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", run.stdout, run.stderr));
    (run.code, report, run.stderr)
}

fn baseline(report: &Value, address: &str) -> String {
    report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == address)
        .map(|r| r["monthly_cost"]["baseline"].as_str().unwrap().to_string())
        .unwrap_or_else(|| panic!("no {address}"))
}

/// (file, line, message, help) of each input error.
fn errors(report: &Value) -> Vec<(String, u64, String, String)> {
    report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["file"].as_str().unwrap().to_string(),
                e["line"].as_u64().unwrap(),
                e["message"].as_str().unwrap().to_string(),
                e["help"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn root(usage: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), MAIN_TF).unwrap();
    std::fs::write(dir.path().join("aicost-usage.yml"), usage).unwrap();
    dir
}

#[test]
fn a_value_the_estimate_does_not_read_is_an_input_error_at_its_line() {
    let dir = root(
        "version: 1
resources:
  aws_instance.dev:
    monthly_hours: 100
    storage_gb: 20
  aws_s3_bucket.data:
    storage_gb: 1000
    monthly_hours: 5
",
    );
    let (code, report, _) = cost(dir.path(), &["."]);
    assert_eq!(code, 2);
    assert_eq!(
        errors(&report),
        vec![
            (
                "aicost-usage.yml".to_string(),
                5,
                "`storage_gb` is not used: the estimate of aws_instance.dev (aws_instance) reads only monthly_hours".to_string(),
                "remove it: storage_gb is read for S3 and Cloud Storage buckets".to_string()
            ),
            (
                "aicost-usage.yml".to_string(),
                8,
                "`monthly_hours` is not used: the estimate of aws_s3_bucket.data (aws_s3_bucket) reads only storage_gb".to_string(),
                "remove it: monthly_hours is read for machines (instances, node groups and pools, VMs, endpoints, notebooks) and pods".to_string()
            ),
        ]
    );
    // The values that are read still change the estimates: 100 h x $0.096; 1,000 GB x
    // $0.023.
    assert_eq!(baseline(&report, "aws_instance.dev"), "9.60");
    assert_eq!(baseline(&report, "aws_s3_bucket.data"), "23.00");
}

#[test]
fn a_type_default_nothing_reads_is_rejected_and_one_that_is_read_is_not() {
    let dir = root(
        "version: 1
resource_type_defaults:
  aws_s3_bucket:
    storage_gb: 10
    monthly_input_tokens: 5
",
    );
    let (code, report, _) = cost(dir.path(), &["."]);
    assert_eq!(code, 2);
    let errors = errors(&report);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].1, 5);
    assert_eq!(
        errors[0].2,
        "`monthly_input_tokens` is not used: the estimate of aws_s3_bucket.data (aws_s3_bucket) reads only storage_gb"
    );
    // 10 GB x $0.023.
    assert_eq!(baseline(&report, "aws_s3_bucket.data"), "0.23");
}

#[test]
fn monthly_requests_is_rejected_because_requests_are_not_priced() {
    let dir = root(
        "version: 1
resources:
  aws_s3_bucket.data:
    storage_gb: 1000
    monthly_requests: 5000000
",
    );
    let (code, report, _) = cost(dir.path(), &["."]);
    assert_eq!(code, 2);
    let errors = errors(&report);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].1, 5);
    assert_eq!(
        errors[0].2,
        "`monthly_requests` is not used: request charges (S3 GET and PUT requests, API calls) are not priced; the catalog has no per-request prices"
    );
}

#[test]
fn a_value_for_a_resource_outside_the_scan_is_not_judged() {
    // The usage file may describe more roots than one run scans.
    let dir = root(
        "version: 1
resources:
  aws_instance.elsewhere:
    storage_gb: 20
  aws_instance.dev:
    monthly_hours: 100
",
    );
    let (code, report, _) = cost(dir.path(), &["."]);
    assert_eq!(code, 0, "{:?}", errors(&report));
    assert_eq!(baseline(&report, "aws_instance.dev"), "9.60");
}

#[test]
fn the_usage_file_beside_the_scanned_root_is_found_without_a_configuration() {
    let repo = tempfile::tempdir().unwrap();
    std::fs::create_dir(repo.path().join(".git")).unwrap();
    let infra = repo.path().join("infra");
    std::fs::create_dir(&infra).unwrap();
    std::fs::write(infra.join("main.tf"), MAIN_TF).unwrap();
    std::fs::write(
        infra.join("aicost-usage.yml"),
        "version: 1\nresources:\n  aws_instance.dev:\n    monthly_hours: 100\n",
    )
    .unwrap();
    // No aicost-policy.toml anywhere: 100 h x $0.096 = $9.60 (not 730 h, $70.08).
    let (code, report, _) = cost(repo.path(), &["infra"]);
    assert_eq!(code, 0);
    assert_eq!(baseline(&report, "aws_instance.dev"), "9.60");
    // --verbose names it.
    let run = common::run::aicost(repo.path(), &["cost", "infra", "--verbose"], &[]);
    assert!(
        run.stderr
            .contains("note: usage file: infra/aicost-usage.yml\n"),
        "{}",
        run.stderr
    );
    // A configuration at the root without a usage file beside it: still found.
    std::fs::write(
        repo.path().join("aicost-policy.toml"),
        "required_tags = []\n",
    )
    .unwrap();
    let (_, report, _) = cost(repo.path(), &["infra"]);
    assert_eq!(baseline(&report, "aws_instance.dev"), "9.60");
    // One beside the configuration wins, as before: 200 h x $0.096.
    std::fs::write(
        repo.path().join("aicost-usage.yml"),
        "version: 1\nresources:\n  aws_instance.dev:\n    monthly_hours: 200\n",
    )
    .unwrap();
    let (_, report, _) = cost(repo.path(), &["infra"]);
    assert_eq!(baseline(&report, "aws_instance.dev"), "19.20");
}

#[test]
fn values_written_on_one_line_are_judged_one_by_one() {
    let dir = root(
        "version: 1
resources:
  aws_instance.dev: {monthly_hours: 100, storage_gb: 20}
",
    );
    let (code, report, _) = cost(dir.path(), &["."]);
    assert_eq!(code, 2);
    let errors = errors(&report);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].1, 3);
    assert!(errors[0].2.starts_with("`storage_gb` is not used"));
    // 100 h x $0.096.
    assert_eq!(baseline(&report, "aws_instance.dev"), "9.60");
}
