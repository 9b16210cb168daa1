//! Dates where a user writes them: `--today`, a configuration waiver's `expires`, an inline
//! waiver's `expires=` in Terraform and in a Kubernetes annotation. Each must be a day of
//! the calendar (the old checks let `2026-02-30` through) and a mistake is one error at
//! the place it is written, saying what is wrong and what to write.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use crate::common;

use std::path::Path;

use serde_json::{json, Value};

use common::run::{aicost, Run};

/// A directory holding `files`, each `(name, text)`.
fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(tmp.path().join(name), text).unwrap();
    }
    tmp
}

fn run(dir: &Path, args: &[&str]) -> Run {
    aicost(dir, args, &[])
}

/// Whitespace collapsed, so a diagnostic wrapped at the terminal width reads as one line.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

const BUCKET: &str = "resource \"aws_s3_bucket\" \"a\" {}\n";

#[test]
fn today_must_be_a_day_of_the_calendar() {
    let tmp = dir_with(&[("main.tf", BUCKET)]);
    let r = run(tmp.path(), &["check", ".", "--today", "2026-02-30"]);
    assert_eq!(r.code, 2);
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr,
        "error: invalid value `2026-02-30` for --today: there is no day 30 in February 2026, \
         which has 28 days\n  help: write the date as YYYY-MM-DD, such as 2026-02-28\n"
    );
    let r = run(tmp.path(), &["check", ".", "--today", "2026-13-01"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "error: invalid value `2026-13-01` for --today: there is no month 13: months are 01 \
         to 12\n  help: write the date as YYYY-MM-DD, such as 2026-12-01\n"
    );
}

#[test]
fn a_config_waiver_expiring_on_a_day_that_does_not_exist_is_an_error_at_its_value() {
    // The same text earlier in the file (line 4) is not where the error is.
    let config = "[[waivers]]\npolicy = \"AIC-TAG-001\"\nresource = \"*\"\n\
                  reason = \"until 2026-02-30\"\nexpires = \"2026-02-30\"\n";
    let tmp = dir_with(&[("main.tf", BUCKET), ("bad.toml", config)]);
    let r = run(
        tmp.path(),
        &[
            "check",
            ".",
            "--today",
            "2026-01-10",
            "--config",
            "bad.toml",
        ],
    );
    assert_eq!(r.code, 2);
    assert_eq!(r.stdout, "");
    let err = flat(&r.stderr);
    assert!(err.contains("× invalid expiry date `2026-02-30`"), "{err}");
    assert!(err.contains("╭─[bad.toml:5:11]"), "{err}");
    assert!(
        err.contains(
            "help: there is no day 30 in February 2026, which has 28 days; write the date as \
             YYYY-MM-DD, such as 2026-02-28"
        ),
        "{err}"
    );
}

#[test]
fn a_config_waiver_applies_through_its_expiry_day() {
    let config = "[[waivers]]\npolicy = \"AIC-TAG-001\"\nresource = \"*\"\n\
                  reason = \"r\"\nexpires = \"2024-02-29\"\n";
    let tmp = dir_with(&[("main.tf", BUCKET), ("c.toml", config)]);
    let status = |today: &str| {
        let r = run(
            tmp.path(),
            &[
                "check", ".", "--today", today, "--config", "c.toml", "--format", "json",
            ],
        );
        let report: Value = serde_json::from_str(&r.stdout).unwrap();
        report["findings"][0]["status"].clone()
    };
    assert_eq!(status("2024-02-29"), json!("suppressed"));
    assert_eq!(status("2024-03-01"), json!("fail"));
}

fn errors(dir: &Path) -> Value {
    let r = run(
        dir,
        &["check", ".", "--today", "2026-01-10", "--format", "json"],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    let report: Value = serde_json::from_str(&r.stdout).unwrap();
    report["errors"].clone()
}

#[test]
fn an_inline_terraform_waiver_expiring_on_a_day_that_does_not_exist_is_an_error_at_its_line() {
    let main = "resource \"aws_s3_bucket\" \"a\" {\n  \
                # aicost-policy:waive AIC-TAG-001 expires=2026-02-29 -- not a leap year\n}\n";
    let tmp = dir_with(&[("main.tf", main)]);
    assert_eq!(
        errors(tmp.path()),
        json!([{
            "file": "main.tf",
            "line": 2,
            "column": 5,
            "message": "invalid waiver expiry date `2026-02-29`: there is no day 29 in February 2026, which has 28 days",
            "help": "write `# aicost-policy:waive POLICY-ID [expires=YYYY-MM-DD] -- reason`"
        }])
    );
}

#[test]
fn a_kubernetes_waiver_expiring_on_a_day_that_does_not_exist_is_an_error_at_its_line() {
    let manifest = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  \
                    annotations:\n    aicost-policy.io/ignore: AIC-K8S-001 expires=2026-06-31 -- x\n\
                    spec:\n  replicas: 1\n";
    let tmp = dir_with(&[("deploy.yaml", manifest)]);
    let errors = errors(tmp.path());
    assert_eq!(
        (
            &errors[0]["file"],
            &errors[0]["line"],
            &errors[0]["message"],
            errors.as_array().map(Vec::len)
        ),
        (
            &json!("deploy.yaml"),
            &json!(6),
            &json!("invalid waiver expiry date `2026-06-31`: there is no day 31 in June 2026, which has 30 days"),
            Some(1)
        )
    );
}
