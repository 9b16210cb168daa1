//! `--format gitlab-codequality`: GitLab Code Quality JSON with one issue per open finding
//! and per input error, GitLab's severities, SARIF's fingerprints, nothing waived.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use crate::common;

use std::path::Path;

use serde_json::{json, Value};

use common::run::aicost;

fn run(format: &str) -> (i32, Value) {
    let run = aicost(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &[
            "check",
            "testdata/codequality",
            "--today",
            "2026-12-01",
            "--format",
            format,
        ],
        &[],
    );
    (run.code, serde_json::from_str(&run.stdout).unwrap())
}

#[test]
fn open_findings_and_input_errors_are_issues_with_sarif_s_fingerprints() {
    let (code, issues) = run("gitlab-codequality");
    // An input error (broken/main.tf) makes the run exit 2, as in every format.
    assert_eq!(code, 2);
    // The fingerprints are SARIF's (policy, root, address): the same finding keeps its
    // identity in GitLab's widget and in code scanning.
    let (_, sarif) = run("sarif");
    let sarif_fingerprint = |address: &str| -> Value {
        let results = sarif["runs"][0]["results"].as_array().unwrap();
        let found = results
            .iter()
            .find(|r| r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == address)
            .unwrap();
        found["partialFingerprints"]["aicostPolicyFinding/v1"].clone()
    };
    let input_fingerprint = issues[2]["fingerprint"].clone();
    assert_eq!(
        issues,
        json!([
            {
                // AIC-TAG-001 is high: GitLab's `critical` (info, minor, major, critical,
                // blocker stand for info, low, medium, high, critical).
                "description": "aws_instance.trainer is missing required tags: cost-center",
                "check_name": "AIC-TAG-001",
                "fingerprint": sarif_fingerprint("aws_instance.trainer"),
                "severity": "critical",
                "location": {"path": "testdata/codequality/main.tf", "lines": {"begin": 15}},
            },
            // aws_instance.lab is waived: not an issue.
            {
                "description": "unknown: cannot decide AIC-TAG-001 for aws_instance.serving: tags is unknown (depends on tags: var.serving_tags has no default)",
                "check_name": "AIC-TAG-001",
                "fingerprint": sarif_fingerprint("aws_instance.serving"),
                "severity": "info",
                "location": {"path": "testdata/codequality/main.tf", "lines": {"begin": 31}},
            },
            {
                "description": "syntax error: invalid expression; expected `\"`, `[`, `{`, `-`, `!`, `(`, `_`, `<`, letter or digit",
                "check_name": "aicost-policy/input-error",
                "fingerprint": input_fingerprint,
                "severity": "blocker",
                "location": {"path": "testdata/codequality/broken/main.tf", "lines": {"begin": 2}},
            },
        ])
    );
    let fingerprints: std::collections::BTreeSet<&str> = issues
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(fingerprints.len(), 3);
    assert!(fingerprints.iter().all(|f| f.len() == 32));
}
