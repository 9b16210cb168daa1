//! Inline waiver comments in Terraform (`# aicost-policy:waive ID [expires=DATE] -- reason`)
//! reach the findings: above a block, inside a block, above an entry of a registry
//! module's node group map; an expired one does not apply; a malformed one is an input
//! error at its line.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use crate::common;

use std::path::Path;

use serde_json::{json, Value};

use common::run::aicost;

const ROOT: &str = "testdata/terraform/inline_waivers";
const FILE: &str = "testdata/terraform/inline_waivers/main.tf";

fn report() -> (i32, Value) {
    let run = aicost(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["check", ROOT, "--today", "2026-11-28", "--format", "json"],
        &[],
    );
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    (run.code, serde_json::from_str(&run.stdout).unwrap())
}

#[test]
fn waiver_comments_suppress_the_findings_they_name() {
    let (code, report) = report();
    // The malformed waiver is an input error, so the run says not everything was checked.
    assert_eq!(code, 2);
    let findings: Vec<Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            json!([
                f["policy_id"],
                f["status"],
                f["resource"],
                f["line"],
                f["suppression"]
            ])
        })
        .collect();
    let waived = |reason: &str, expires: Value, line: u32| json!({"reason": reason, "expires": expires, "owner": null, "file": FILE, "line": line});
    assert_eq!(
        findings,
        vec![
            // The comment above the block, with an expiry in the future.
            json!([
                "AIC-GPU-003",
                "suppressed",
                "aws_eks_node_group.bench",
                21,
                waived(
                    "load tests need on-demand capacity",
                    json!("2099-12-31"),
                    15
                )
            ]),
            // Expired on 2026-01-31: the finding stands, and the waiver is reported at its
            // comment.
            json!([
                "AIC-WAIVER-001",
                "fail",
                "aws_eks_node_group.expired",
                31,
                null
            ]),
            json!([
                "AIC-GPU-003",
                "fail",
                "aws_eks_node_group.expired",
                36,
                null
            ]),
            // With no waiver in force, the spot advice is given too (a waiver of AIC-GPU-003
            // in force, as on `bench`, leaves it out).
            json!([
                "AIC-SAVE-001",
                "fail",
                "aws_eks_node_group.expired",
                36,
                null
            ]),
            // Above the `inference = {` entry of the module's node group map.
            json!([
                "AIC-GPU-003",
                "suppressed",
                "module.eks.eks_managed_node_groups[\"inference\"]",
                57,
                waived(
                    "the inference team's on-demand pool, approved in FINOPS-112",
                    Value::Null,
                    55
                )
            ]),
        ]
    );
    assert_eq!(
        report["errors"],
        json!([{
            "file": FILE,
            "line": 66,
            "column": 5,
            "message": "the waiver of AIC-TAG-001 gives no reason",
            "help": "write `# aicost-policy:waive POLICY-ID [expires=YYYY-MM-DD] -- reason`"
        }])
    );
}
