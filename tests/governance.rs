//! The rules of a diff come from the base (issue 19, part 1): a pull request that raises
//! its own limits is still checked by the base's, and the edit of the configuration is
//! named. `--config-from head` checks the change with its own rules.
//!
//! p4d.24xlarge is $21.957642 an hour in us-east-1: 730 × 21.957642 = $16,029.08 a month,
//! over the base's $10,000 ceiling and under the head's $50,000. g5.2xlarge: $884.76.
#![allow(clippy::panic, clippy::unwrap_used, clippy::indexing_slicing)]

use crate::common;

use std::path::Path;

use serde_json::{json, Value};

use common::git_repo::GitRepo;
use common::run::aicost;

const CRATE_DIR: &str = env!("CARGO_MANIFEST_DIR");

/// A repository whose main branch is `base/` and whose last commit is `head/`.
fn repository() -> GitRepo {
    let repo = GitRepo::new();
    let data = Path::new(CRATE_DIR).join("testdata/governance");
    repo.commit_tree(&data.join("base"), "base");
    repo.commit_tree(&data.join("head"), "raise the limit and the instance");
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

fn findings(report: &Value) -> Vec<(String, String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["policy_id"].as_str().unwrap().to_string(),
                f["change"].as_str().unwrap_or("").to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_change_that_raises_its_own_limit_is_checked_by_the_base_s_limit() {
    let repo = repository();
    let (code, report) = diff(&repo, &[]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(
        findings(&report),
        vec![(
            "AIC-COST-002".to_string(),
            "new".to_string(),
            "aws_instance.inference can cost $16,029.08 a month at maximum scale, more than the limit of $10,000.00".to_string()
        )]
    );
    assert_eq!(
        report["warnings"],
        json!([{
            "file": "aicost-policy.toml", "line": 1,
            "message": "the change edits aicost-policy.toml, the configuration of this check: the rules applied are the base's (HEAD~1), and the edits apply once they are merged",
            "help": "review it as a change to the gate; to check the change with its own rules, run diff with --config-from head",
        }])
    );
}

#[test]
fn config_from_head_checks_the_change_with_its_own_rules() {
    let repo = repository();
    let (code, report) = diff(&repo, &["--config-from", "head"]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(findings(&report), vec![]);
    assert_eq!(report["warnings"], json!([]));
}

#[test]
fn an_unchanged_configuration_gives_no_warning() {
    // Only the instance changes: the base's rules are the head's, nothing to say.
    let repo = GitRepo::new();
    let data = Path::new(CRATE_DIR).join("testdata/governance");
    repo.commit_tree(&data.join("base"), "base");
    std::fs::copy(data.join("head/main.tf"), repo.path().join("main.tf")).unwrap();
    repo.git(&["commit", "-q", "-a", "-m", "bigger instance"]);
    let (code, report) = diff(&repo, &[]);
    assert_eq!(code, 1);
    assert_eq!(findings(&report).len(), 1);
    assert_eq!(report["warnings"], json!([]));
}

#[test]
fn a_change_that_deletes_a_policy_is_still_checked_by_it_and_the_deletion_is_named() {
    let repo = GitRepo::new();
    let data = Path::new(CRATE_DIR).join("testdata/governance");
    repo.commit_tree(&data.join("policy_base"), "base");
    repo.commit_tree(&data.join("policy_head"), "p4d, and no rule against it");
    let (code, report) = diff(&repo, &[]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(
        findings(&report),
        vec![(
            "ORG-GPU-020".to_string(),
            "new".to_string(),
            "aws_instance.inference uses p4d.24xlarge; p4d machines belong to the training cluster"
                .to_string()
        )]
    );
    assert_eq!(
        report["warnings"],
        json!([{
            "file": "policies/no_p4d.cedar", "line": 1,
            "message": "the change edits policies/no_p4d.cedar, a policy of this check: the rules applied are the base's (HEAD~1), and the edits apply once they are merged",
            "help": "review it as a change to the gate; to check the change with its own rules, run diff with --config-from head",
        }])
    );
    // With its own rules the change passes: the policy is gone.
    let (code, report) = diff(&repo, &["--config-from", "head"]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(findings(&report), vec![]);
}

#[test]
fn a_change_that_deletes_the_configuration_or_drops_a_policy_directory_gains_nothing() {
    let data = Path::new(CRATE_DIR).join("testdata/governance");
    let expensive = (
        "AIC-COST-002".to_string(),
        "new".to_string(),
        "aws_instance.inference can cost $16,029.08 a month at maximum scale, more than the limit of $10,000.00".to_string(),
    );
    let edits = |file: &str, what: &str| {
        format!("the change edits {file}, {what} of this check: the rules applied are the base's (HEAD~1), and the edits apply once they are merged")
    };
    let messages = |report: &Value| -> Vec<String> {
        report["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["message"].as_str().unwrap().to_string())
            .collect()
    };

    // The head deletes aicost-policy.toml: the base's is still found and applied.
    let repo = GitRepo::new();
    repo.commit_tree(&data.join("base"), "base");
    std::fs::copy(data.join("head/main.tf"), repo.path().join("main.tf")).unwrap();
    repo.git(&["rm", "-q", "aicost-policy.toml"]);
    repo.git(&["commit", "-q", "-a", "-m", "no configuration"]);
    let (code, report) = diff(&repo, &[]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(findings(&report), vec![expensive]);
    assert_eq!(
        messages(&report),
        vec![edits("aicost-policy.toml", "the configuration")]
    );

    // The head stops naming the policy directory: the base's configuration names it, and
    // it is read from the base.
    let repo = GitRepo::new();
    repo.commit_tree(&data.join("policy_base"), "base");
    std::fs::copy(
        data.join("policy_head/main.tf"),
        repo.path().join("main.tf"),
    )
    .unwrap();
    let config = repo.path().join("aicost-policy.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replace("policy_dirs = [\"policies\"]", "policy_dirs = []"),
    )
    .unwrap();
    repo.git(&["commit", "-q", "-a", "-m", "p4d, and no policy directory"]);
    let (code, report) = diff(&repo, &[]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(
        findings(&report),
        vec![(
            "ORG-GPU-020".to_string(),
            "new".to_string(),
            "aws_instance.inference uses p4d.24xlarge; p4d machines belong to the training cluster"
                .to_string()
        )]
    );
    assert_eq!(
        messages(&report),
        vec![
            edits("aicost-policy.toml", "the configuration"),
            edits("policies/no_p4d.cedar", "a policy"),
        ]
    );
}
