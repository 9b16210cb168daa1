//! Strict waivers (`[waiver_rules]`): inline waivers refused with `allow_inline = false`;
//! waivers without an expiry, with one too far ahead, or without an owner refused, each an
//! input error at the waiver that suppresses nothing, whether written in `[[waivers]]`, a
//! Terraform comment or a Kubernetes annotation; expired waivers reported as
//! `AIC-WAIVER-001`; the owner shown with the suppression in every report.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use crate::common;

use std::path::Path;

use serde_json::{json, Value};

use common::run::aicost;

const TODAY: &str = "2026-11-28";

fn run(dir: &str, format: &str) -> (i32, String) {
    let run = aicost(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["check", dir, "--today", TODAY, "--format", format],
        &[],
    );
    (run.code, run.stdout)
}

fn json_report(dir: &str) -> (i32, Value) {
    let (code, stdout) = run(dir, "json");
    (code, serde_json::from_str(&stdout).unwrap())
}

/// Each error as (file, line, message).
fn errors(report: &Value) -> Vec<Value> {
    report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| json!([e["file"], e["line"], e["message"]]))
        .collect()
}

/// Each finding as (policy, status, resource, line, owner of its suppression).
fn findings(report: &Value) -> Vec<Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            json!([
                f["policy_id"],
                f["status"],
                f["resource"],
                f["line"],
                f["suppression"]["owner"]
            ])
        })
        .collect()
}

#[test]
fn inline_waivers_are_input_errors_when_the_configuration_does_not_allow_them() {
    let dir = "testdata/waivers_strict/inline_denied";
    let (code, report) = json_report(dir);
    assert_eq!(code, 2);
    let refused = "inline waivers are not allowed by [waiver_rules] allow_inline = false in \
                   testdata/waivers_strict/inline_denied/aicost-policy.toml: move it to \
                   [[waivers]] in the configuration";
    assert_eq!(
        errors(&report),
        vec![
            json!([format!("{dir}/loadgen.yaml"), 11, refused]),
            json!([format!("{dir}/main.tf"), 15, refused]),
        ]
    );
    // The refused waivers suppress nothing; the `[[waivers]]` entry still applies.
    assert_eq!(
        findings(&report),
        vec![
            json!(["AIC-K8S-004", "fail", "Deployment/perf/loadgen", 13, null]),
            json!(["AIC-GPU-003", "fail", "aws_eks_node_group.bench", 21, null]),
            // No waiver of AIC-GPU-003 in force on `bench`: its spot advice is given.
            json!(["AIC-SAVE-001", "fail", "aws_eks_node_group.bench", 21, null]),
            json!([
                "AIC-GPU-003",
                "suppressed",
                "aws_eks_node_group.reviewed",
                36,
                "carol"
            ]),
        ]
    );
}

#[test]
fn waivers_without_expiry_or_owner_or_expiring_too_late_are_input_errors() {
    let dir = "testdata/waivers_strict/rules";
    let (code, report) = json_report(dir);
    assert_eq!(code, 2);
    let config = format!("{dir}/aicost-policy.toml");
    let no_expiry = |id: &str| {
        format!(
            "the waiver of {id} has no expiry date, which [waiver_rules] require_expiry = true \
             in {config} requires; it does not apply"
        )
    };
    let too_late = |id: &str, date: &str| {
        format!(
            "the waiver of {id} expires on {date}, more than 90 days from today, which \
             [waiver_rules] max_days = 90 in {config} does not allow; it does not apply"
        )
    };
    let no_owner = |id: &str| {
        format!(
            "the waiver of {id} names no owner, which [waiver_rules] require_owner = true in \
             {config} requires; it does not apply"
        )
    };
    let yaml = format!("{dir}/loadgen.yaml");
    let tf = format!("{dir}/main.tf");
    assert_eq!(
        errors(&report),
        vec![
            json!([config, 6, no_expiry("AIC-GPU-003")]),
            json!([config, 12, too_late("AIC-GPU-003", "2028-01-31")]),
            json!([config, 19, no_owner("AIC-GPU-003")]),
            json!([yaml, 11, no_expiry("AIC-K8S-004")]),
            json!([yaml, 34, no_owner("AIC-K8S-004")]),
            json!([yaml, 57, too_late("AIC-K8S-004", "2027-12-31")]),
            json!([tf, 14, no_expiry("AIC-GPU-003")]),
            json!([tf, 29, too_late("AIC-GPU-003", "2027-12-31")]),
            json!([tf, 44, no_owner("AIC-GPU-003")]),
        ]
    );
    assert_eq!(
        findings(&report),
        vec![
            json!(["AIC-K8S-004", "fail", "Deployment/perf/no-expiry", 13, null]),
            json!(["AIC-K8S-004", "fail", "Deployment/perf/no-owner", 36, null]),
            json!([
                "AIC-K8S-004",
                "fail",
                "Deployment/perf/far-expiry",
                59,
                null
            ]),
            json!([
                "AIC-K8S-004",
                "suppressed",
                "Deployment/perf/complete",
                82,
                "bob"
            ]),
            json!([
                "AIC-GPU-003",
                "fail",
                "aws_eks_node_group.no_expiry",
                20,
                null
            ]),
            json!([
                "AIC-SAVE-001",
                "fail",
                "aws_eks_node_group.no_expiry",
                20,
                null
            ]),
            json!([
                "AIC-GPU-003",
                "fail",
                "aws_eks_node_group.far_expiry",
                35,
                null
            ]),
            json!([
                "AIC-SAVE-001",
                "fail",
                "aws_eks_node_group.far_expiry",
                35,
                null
            ]),
            json!([
                "AIC-GPU-003",
                "fail",
                "aws_eks_node_group.no_owner",
                50,
                null
            ]),
            json!([
                "AIC-SAVE-001",
                "fail",
                "aws_eks_node_group.no_owner",
                50,
                null
            ]),
            json!([
                "AIC-GPU-003",
                "suppressed",
                "aws_eks_node_group.complete",
                65,
                "alice"
            ]),
            json!([
                "AIC-GPU-003",
                "suppressed",
                "aws_eks_node_group.configured",
                80,
                "carol"
            ]),
        ]
    );
    // Each error says what to do, for its kind of waiver.
    let helps: Vec<&str> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["help"].as_str().unwrap())
        .collect();
    assert_eq!(
        helps,
        vec![
            "add `expires = \"YYYY-MM-DD\"` to the [[waivers]] entry",
            "choose an expiry on or before 2027-02-26",
            "add `owner = \"NAME\"` to the [[waivers]] entry: who answers for the waiver",
            "add `expires=YYYY-MM-DD` before the reason",
            "add `owner=NAME` before the reason: who answers for the waiver",
            "choose an expiry on or before 2027-02-26",
            "add `expires=YYYY-MM-DD` before the reason",
            "choose an expiry on or before 2027-02-26",
            "add `owner=NAME` before the reason: who answers for the waiver",
        ]
    );
}

#[test]
fn an_expired_waiver_is_its_own_finding_where_it_would_have_applied() {
    let dir = "testdata/waivers_strict/expired";
    let (code, report) = json_report(dir);
    assert_eq!(code, 1);
    assert_eq!(report["errors"], json!([]));
    let expired: Vec<Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["policy_id"] == "AIC-WAIVER-001")
        .map(|f| {
            json!([
                f["severity"],
                f["status"],
                f["resource"],
                f["file"],
                f["line"],
                f["message"],
                f["help"]
            ])
        })
        .collect();
    let help = "renew it with a new expiry date and reason, or remove it";
    // None for `aws_eks_node_group.removed`: that waiver matches no finding.
    assert_eq!(
        expired,
        vec![
            json!([
                "medium",
                "fail",
                "aws_eks_node_group.config_expired",
                format!("{dir}/aicost-policy.toml"),
                1,
                "the waiver of AIC-GPU-003 for aws_eks_node_group.config_expired expired on 2026-06-30",
                help
            ]),
            json!([
                "medium",
                "fail",
                "Deployment/perf/loadgen",
                format!("{dir}/loadgen.yaml"),
                11,
                "the waiver of AIC-K8S-004 for Deployment/perf/loadgen expired on 2026-10-31",
                help
            ]),
            json!([
                "medium",
                "fail",
                "aws_eks_node_group.inline_expired",
                format!("{dir}/main.tf"),
                14,
                "the waiver of AIC-GPU-003 for aws_eks_node_group.inline_expired expired on 2026-03-31",
                help
            ]),
        ]
    );
    // The waived findings are back as failures.
    let others: Vec<Value> = findings(&report)
        .into_iter()
        .filter(|f| f[0] != "AIC-WAIVER-001")
        .collect();
    assert_eq!(
        others,
        vec![
            json!(["AIC-K8S-004", "fail", "Deployment/perf/loadgen", 13, null]),
            json!([
                "AIC-GPU-003",
                "fail",
                "aws_eks_node_group.inline_expired",
                20,
                null
            ]),
            json!([
                "AIC-SAVE-001",
                "fail",
                "aws_eks_node_group.inline_expired",
                20,
                null
            ]),
            json!([
                "AIC-GPU-003",
                "fail",
                "aws_eks_node_group.config_expired",
                35,
                null
            ]),
            json!([
                "AIC-SAVE-001",
                "fail",
                "aws_eks_node_group.config_expired",
                35,
                null
            ]),
        ]
    );
}

#[test]
fn the_expired_waiver_finding_has_a_sarif_rule() {
    let (_, sarif) = run("testdata/waivers_strict/expired", "sarif");
    let sarif: Value = serde_json::from_str(&sarif).unwrap();
    let rule = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "AIC-WAIVER-001")
        .cloned();
    assert_eq!(
        rule.map(|r| json!([r["shortDescription"]["text"], r["properties"]["severity"]])),
        Some(json!(["Expired waiver", "medium"]))
    );
}

#[test]
fn the_owner_is_shown_with_the_suppression_in_json_sarif_markdown_and_text() {
    let dir = "testdata/waivers_strict/rules";
    let (_, report) = json_report(dir);
    let complete = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["resource"] == "aws_eks_node_group.complete")
        .map(|f| f["suppression"].clone());
    assert_eq!(
        complete,
        Some(json!({
            "reason": "load tests need on-demand capacity",
            "expires": "2027-01-31",
            "owner": "alice",
            "file": format!("{dir}/main.tf"),
            "line": 59
        }))
    );

    let (_, sarif) = run(dir, "sarif");
    let sarif: Value = serde_json::from_str(&sarif).unwrap();
    let properties: Vec<Value> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r.get("suppressions"))
        .map(|s| s[0]["properties"].clone())
        .collect();
    assert_eq!(
        properties,
        vec![
            json!({"expires": "2027-01-31", "owner": "bob"}),
            json!({"expires": "2027-01-31", "owner": "alice"}),
            json!({"expires": "2027-01-31", "owner": "carol"}),
        ]
    );

    let (_, markdown) = run(dir, "markdown");
    let start = markdown.find("<details><summary>🔕").unwrap();
    let end = start + markdown[start..].find("</details>").unwrap();
    assert_eq!(
        &markdown[start..end],
        format!(
            "<details><summary>🔕 3 waived findings</summary>\n\n\
             - **AIC-K8S-004** `Deployment/perf/complete`: waived by bob until 2027-01-31 (`{dir}/loadgen.yaml:80`): load tests need 60 replicas\n\
             - **AIC-GPU-003** `aws_eks_node_group.complete`: waived by alice until 2027-01-31 (`{dir}/main.tf:59`): load tests need on-demand capacity\n\
             - **AIC-GPU-003** `aws_eks_node_group.configured`: waived by carol until 2027-01-31 (`{dir}/aicost-policy.toml:25`): capacity review approved on-demand until January\n\n"
        )
    );

    let run = aicost(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &[
            "check",
            dir,
            "--today",
            TODAY,
            "--verbose",
            "--color",
            "never",
        ],
        &[],
    );
    let waived: Vec<&str> = run
        .stdout
        .lines()
        .filter_map(|l| l.split_once("╰── waived").map(|(_, rest)| rest))
        .collect();
    assert_eq!(
        waived,
        vec![
            " by bob until 2027-01-31: load tests need 60 replicas",
            " by alice until 2027-01-31: load tests need on-demand capacity",
            " by carol until 2027-01-31: capacity review approved on-demand until January",
        ]
    );
}
