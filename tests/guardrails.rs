//! Guardrails on the change as a whole (issue 19, section 2): the `Change` entity, the
//! built-in AIC-CHANGE-001/002/003 driven by `[guardrails]`, and a user's own policy on
//! the change.
//!
//! The head adds `aws_instance.embeddings`, a g5.12xlarge: 730 h × $5.672 = $4,140.56 a
//! month and 4 A10Gs; the base's only resource is a g5.2xlarge, 730 × $1.212 = $884.76. So
//! the change adds $4,140.56, 4,140.56 / 884.76 = 467.9868…% → 467.99% (two decimals), and
//! 4 accelerators; it also adds `aws_sagemaker_endpoint.summarizer` in `prod`.
#![allow(clippy::panic, clippy::unwrap_used, clippy::indexing_slicing)]

use crate::common;

use std::path::Path;

use serde_json::Value;

use common::git_repo::{copy_dir, GitRepo};
use common::run::aicost;

const CRATE_DIR: &str = env!("CARGO_MANIFEST_DIR");

/// A repository whose first commit is `base/` and whose second is `head/`, with `extra`
/// appended to the configuration on both sides and `head_extra` written as
/// `head_extra.tf` in the head.
fn change(extra: &str, head_extra: Option<&str>) -> GitRepo {
    let repo = GitRepo::new();
    let data = Path::new(CRATE_DIR).join("testdata/guardrails");
    for (side, message) in [("base", "base"), ("head", "head")] {
        let scratch = tempfile::tempdir().unwrap();
        copy_dir(&data.join(side), scratch.path());
        let config = scratch.path().join("aicost-policy.toml");
        let text = std::fs::read_to_string(&config).unwrap() + extra;
        std::fs::write(&config, text).unwrap();
        if let (Some(tf), "head") = (head_extra, side) {
            std::fs::write(scratch.path().join("head_extra.tf"), tf).unwrap();
        }
        repo.commit_tree(scratch.path(), message);
    }
    repo
}

fn diff(repo: &GitRepo, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["diff", ".", "--base", "HEAD~1", "--format", "json"];
    args.extend_from_slice(extra);
    let run = aicost(&repo.path(), &args, &[]);
    let report = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", run.stdout, run.stderr));
    (run.code, report)
}

/// (policy, status, file:line, message) of every finding.
fn findings(report: &Value) -> Vec<(String, String, String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["policy_id"].as_str().unwrap().to_string(),
                f["status"].as_str().unwrap().to_string(),
                format!("{}:{}", f["file"].as_str().unwrap(), f["line"]),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn finding(
    policy: &str,
    status: &str,
    at: &str,
    message: &str,
) -> (String, String, String, String) {
    (
        policy.to_string(),
        status.to_string(),
        at.to_string(),
        message.to_string(),
    )
}

#[test]
fn each_guardrail_fires_past_its_threshold_and_points_at_what_causes_it() {
    let repo = change(
        "\n[guardrails]\nmax_monthly_increase = 4140.55\nmax_accelerators_added = 3\nnew_endpoint_environments = [\"prod\"]\n",
        None,
    );
    let (code, report) = diff(&repo, &[]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(
        findings(&report),
        vec![
            finding("AIC-CHANGE-001", "fail", "main.tf:17", "the change raises the monthly cost by $4,140.56 (467.99% of the base), more than the guardrail of $4,140.55 a month; largest: aws_instance.embeddings (+$4,140.56)"),
            finding("AIC-CHANGE-002", "fail", "main.tf:17", "the change adds 4 accelerators at maximum scale, more than the guardrail of 3; largest: aws_instance.embeddings (+4)"),
            finding("AIC-CHANGE-003", "fail", "main.tf:28", "the change adds model-serving endpoints in prod: aws_sagemaker_endpoint.summarizer (environment prod)"),
        ]
    );
    let first = &report["findings"][0];
    assert_eq!(first["change"], "new");
    assert_eq!(first["resource"], "change");
    assert_eq!(first["severity"], "high");
}

#[test]
fn the_percentage_guardrail_fires_past_its_threshold_alone() {
    let repo = change("\n[guardrails]\nmax_increase_percent = 467.98\n", None);
    let (code, report) = diff(&repo, &[]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(
        findings(&report),
        vec![finding("AIC-CHANGE-001", "fail", "main.tf:17", "the change raises the monthly cost by $4,140.56 (467.99% of the base), more than the guardrail of 467.98%; largest: aws_instance.embeddings (+$4,140.56)")]
    );
}

#[test]
fn each_guardrail_is_silent_at_its_threshold() {
    let repo = change(
        "\n[guardrails]\nmax_monthly_increase = 4140.56\nmax_increase_percent = 467.99\nmax_accelerators_added = 4\nnew_endpoint_environments = [\"staging\"]\n",
        None,
    );
    let (code, report) = diff(&repo, &[]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(findings(&report), vec![]);
}

#[test]
fn without_guardrails_the_change_is_not_limited() {
    let repo = change("", None);
    let (code, report) = diff(&repo, &[]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(findings(&report), vec![]);
}

/// An instance whose type is a variable without a default: its cost and accelerators are
/// unknown, so the delta is known only as a floor ($4,140.56 from the g5.12xlarge).
const MYSTERY: &str = r#"
variable "mystery_type" {
  type = string
}

resource "aws_instance" "mystery" {
  ami           = "ami-0abcdef1234567890"
  instance_type = var.mystery_type

  tags = {
    team = "research"
  }
}
"#;

#[test]
fn an_incomplete_estimate_makes_a_guardrail_unknown_unless_what_is_known_is_already_over() {
    let repo = change(
        "\n[guardrails]\nmax_monthly_increase = 5000\nmax_accelerators_added = 8\n",
        Some(MYSTERY),
    );
    let (code, report) = diff(&repo, &[]);
    // AIC-COST-001 fails the run: the mystery instance has no complete estimate.
    assert_eq!(code, 1, "{report}");
    let unknown = |policy: &str| {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["policy_id"] == policy)
            .map(|f| (f["status"].clone(), f["unknowns"].clone()))
    };
    let (status, unknowns) = unknown("AIC-CHANGE-001").unwrap();
    assert_eq!(status, "unknown");
    assert_eq!(unknowns[0]["fact"], "delta_monthly");
    assert_eq!(
        unknowns[0]["origin"],
        "incomplete cost estimates: aws_instance.mystery"
    );
    let (status, unknowns) = unknown("AIC-CHANGE-002").unwrap();
    assert_eq!(status, "unknown");
    assert_eq!(unknowns[0]["fact"], "accelerators_added");
    assert_eq!(
        unknowns[0]["origin"],
        "accelerators at maximum scale unknown for: aws_instance.mystery"
    );

    // $4,140.56 of the delta is known: over a $4,000 guardrail whatever the rest is.
    let repo = change(
        "\n[guardrails]\nmax_monthly_increase = 4000\n",
        Some(MYSTERY),
    );
    let (code, report) = diff(&repo, &[]);
    assert_eq!(code, 1, "{report}");
    let change_findings: Vec<_> = findings(&report)
        .into_iter()
        .filter(|f| f.0.starts_with("AIC-CHANGE"))
        .collect();
    assert_eq!(
        change_findings,
        vec![finding("AIC-CHANGE-001", "fail", "main.tf:17", "the change raises the monthly cost by at least $4,140.56 (percentage unknown), more than the guardrail of $4,000.00 a month; largest: aws_instance.embeddings (+$4,140.56)")]
    );
}

#[test]
fn a_user_policy_on_the_change_reads_its_author_and_what_it_adds() {
    let policy = r#"
// Dependency bots may bump versions, not add infrastructure.
@id("ACME-CHANGE-1")
@severity("high")
@message("a change by a bot adds resources: {largest_increases}")
forbid (principal, action == Action::"change", resource)
when {
  resource has author &&
  resource.author == User::"dependabot[bot]" &&
  !resource.resources_added.isEmpty()
};
"#;
    let repo = GitRepo::new();
    let data = Path::new(CRATE_DIR).join("testdata/guardrails");
    for side in ["base", "head"] {
        let scratch = tempfile::tempdir().unwrap();
        copy_dir(&data.join(side), scratch.path());
        std::fs::create_dir(scratch.path().join("policies")).unwrap();
        std::fs::write(scratch.path().join("policies/bots.cedar"), policy).unwrap();
        let config = scratch.path().join("aicost-policy.toml");
        let text = std::fs::read_to_string(&config).unwrap() + "policy_dirs = [\"policies\"]\n";
        std::fs::write(&config, text).unwrap();
        repo.commit_tree(scratch.path(), side);
    }
    let (code, report) = diff(&repo, &["--author", "dependabot[bot]"]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(
        findings(&report),
        vec![finding(
            "ACME-CHANGE-1",
            "fail",
            "main.tf:17",
            "a change by a bot adds resources: aws_instance.embeddings (+$4,140.56)"
        )]
    );
    let (code, report) = diff(&repo, &["--author", "alice"]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(findings(&report), vec![]);

    // In a pull-request run the author is the event's.
    let event = repo.path().join("..").join(format!(
        "event-{}.json",
        repo.path().file_name().unwrap().to_string_lossy()
    ));
    std::fs::write(
        &event,
        r#"{"pull_request": {"number": 7, "user": {"login": "dependabot[bot]"}}}"#,
    )
    .unwrap();
    let run = aicost(
        &repo.path(),
        &["diff", ".", "--base", "HEAD~1", "--format", "json"],
        &[("GITHUB_EVENT_PATH", event.to_str().unwrap())],
    );
    std::fs::remove_file(&event).unwrap();
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(run.code, 1, "{report}");
    assert_eq!(report["findings"][0]["policy_id"], "ACME-CHANGE-1");
}

#[test]
fn a_negative_guardrail_is_a_configuration_error() {
    let repo = change("\n[guardrails]\nmax_monthly_increase = -1\n", None);
    let run = aicost(&repo.path(), &["diff", ".", "--base", "HEAD~1"], &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("max_monthly_increase is negative"),
        "{}",
        run.stderr
    );
}

/// `diff --plan`: the plan's prior state is the base, and the guardrails apply the same.
/// testdata/plan/adapted/resize.json grows a p5.48xlarge node group (8 × H100 a node) from
/// 2 to 4 nodes: 2 × (730 h × $55.04 + $2.00 of root volume) = $80,362.40 a month, and 16
/// accelerators (its maximum grows from 4 to 6 nodes: 2 × 8).
#[test]
fn guardrails_apply_to_a_plan_s_change() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        Path::new(CRATE_DIR).join("testdata/plan/adapted/resize.json"),
        dir.path().join("resize.json"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("aicost-policy.toml"),
        "required_tags = []\n[guardrails]\nmax_monthly_increase = 100\nmax_accelerators_added = 1\n",
    )
    .unwrap();
    let run = aicost(
        dir.path(),
        &[
            "diff",
            "--plan",
            "resize.json",
            "--today",
            "2026-11-28",
            "--format",
            "json",
        ],
        &[],
    );
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(run.code, 1, "{report}");
    let change: Vec<_> = findings(&report)
        .into_iter()
        .filter(|f| f.0.starts_with("AIC-CHANGE"))
        .map(|f| (f.0, f.3))
        .collect();
    assert_eq!(
        change,
        vec![
            ("AIC-CHANGE-001".to_string(), "the change raises the monthly cost by $80,362.40 (99.46% of the base), more than the guardrail of $100.00 a month; largest: aws_eks_node_group.gpu (+$80,362.40)".to_string()),
            ("AIC-CHANGE-002".to_string(), "the change adds 16 accelerators at maximum scale, more than the guardrail of 1; largest: aws_eks_node_group.gpu (+16)".to_string()),
        ]
    );
}
