//! The rules of a diff come from the base (issue 19, part 1): a pull request that raises
//! its own limits is still checked by the base's, and the edit of the configuration is
//! named. `--config-from head` checks the change with its own rules. `check --config-from
//! REV` reads the rules from a git revision the same way.
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

/// The finding of a change that edits the gate's `files`.
fn gate(files: &str) -> (String, String, String) {
    (
        "AIC-GOV-001".to_string(),
        "new".to_string(),
        format!("the change edits the gate: {files}; the base's rules were applied, and the edits apply once they are merged"),
    )
}

#[test]
fn a_change_that_raises_its_own_limit_is_checked_by_the_base_s_limit() {
    let repo = repository();
    let (code, report) = diff(&repo, &[]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(
        findings(&report),
        vec![
            (
                "AIC-COST-002".to_string(),
                "new".to_string(),
                "aws_instance.inference can cost $16,029.08 a month at maximum scale, more than the limit of $10,000.00".to_string()
            ),
            gate("aicost-policy.toml"),
        ]
    );
    // The edit is the finding, at the file it names; not a warning as well.
    let finding = &report["findings"][1];
    assert_eq!(
        (&finding["file"], &finding["line"]),
        (&json!("aicost-policy.toml"), &json!(1))
    );
    assert_eq!(
        finding["help"],
        "have the change to the gate reviewed; to check the change with its own rules, run diff with --config-from head"
    );
    assert_eq!(report["warnings"], json!([]));
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
        vec![
            (
                "ORG-GPU-020".to_string(),
                "new".to_string(),
                "aws_instance.inference uses p4d.24xlarge; p4d machines belong to the training cluster"
                    .to_string()
            ),
            gate("policies/no_p4d.cedar"),
        ]
    );
    assert_eq!(report["warnings"], json!([]));
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

    // The head deletes aicost-policy.toml: the base's is still found and applied.
    let repo = GitRepo::new();
    repo.commit_tree(&data.join("base"), "base");
    std::fs::copy(data.join("head/main.tf"), repo.path().join("main.tf")).unwrap();
    repo.git(&["rm", "-q", "aicost-policy.toml"]);
    repo.git(&["commit", "-q", "-a", "-m", "no configuration"]);
    let (code, report) = diff(&repo, &[]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(
        findings(&report),
        vec![expensive, gate("aicost-policy.toml")]
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
        vec![
            (
                "ORG-GPU-020".to_string(),
                "new".to_string(),
                "aws_instance.inference uses p4d.24xlarge; p4d machines belong to the training cluster"
                    .to_string()
            ),
            gate("aicost-policy.toml, policies/no_p4d.cedar"),
        ]
    );
}

/// `check ARGS --format json` in the repository: the exit code, the report and stderr.
fn check(repo: &GitRepo, extra: &[&str]) -> (i32, Value, String) {
    let mut args = vec!["check", ".", "--format", "json"];
    args.extend_from_slice(extra);
    let run = aicost(&repo.path(), &args, &[]);
    let report = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", run.stdout, run.stderr));
    (run.code, report, run.stderr)
}

/// Policy id and message of each finding of a check report.
fn check_findings(report: &Value) -> Vec<(String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["policy_id"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The warning of `check --config-from REV` for a rule file the working tree edits.
fn check_edit(file: &str, what: &str, rev: &str) -> Value {
    json!({
        "file": file, "line": 1, "column": 1,
        "message": format!("the working tree edits {file}, {what} of this check: the rules applied are those of {rev} (--config-from), and the edits apply once they are merged there"),
        "help": "review it as a change to the gate; to check with the working tree's rules, run check without --config-from",
    })
}

fn p4d_forbidden() -> (String, String) {
    (
        "ORG-GPU-020".to_string(),
        "aws_instance.inference uses p4d.24xlarge; p4d machines belong to the training cluster"
            .to_string(),
    )
}

#[test]
fn check_config_from_applies_the_revision_s_limit_to_a_tree_that_raises_its_own() {
    let repo = GitRepo::new();
    let data = Path::new(CRATE_DIR).join("testdata/governance");
    let base = repo.commit_tree(&data.join("base"), "base");
    repo.commit_tree(&data.join("head"), "raise the limit and the instance");
    // Its own rules: $16,029.08 is under the raised $50,000.
    let (code, report, _) = check(&repo, &[]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(check_findings(&report), vec![]);
    assert_eq!(report["warnings"], json!([]));
    // The base commit's rules: its $10,000 ceiling, and the raise is named.
    let (code, report, stderr) = check(&repo, &["--config-from", &base]);
    assert_eq!(code, 1, "{report}{stderr}");
    assert_eq!(
        check_findings(&report),
        vec![(
            "AIC-COST-002".to_string(),
            "aws_instance.inference can cost $16,029.08 a month at maximum scale, more than the limit of $10,000.00".to_string()
        )]
    );
    assert_eq!(
        report["warnings"],
        json!([check_edit("aicost-policy.toml", "the configuration", &base)])
    );
}

#[test]
fn check_config_from_still_applies_a_policy_the_working_tree_deletes() {
    let repo = GitRepo::new();
    let data = Path::new(CRATE_DIR).join("testdata/governance");
    repo.commit_tree(&data.join("policy_base"), "base");
    repo.commit_tree(&data.join("policy_head"), "p4d, and no rule against it");
    let (code, report, _) = check(&repo, &[]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(check_findings(&report), vec![]);
    let (code, report, stderr) = check(&repo, &["--config-from", "HEAD~1"]);
    assert_eq!(code, 1, "{report}{stderr}");
    assert_eq!(check_findings(&report), vec![p4d_forbidden()]);
    assert_eq!(
        report["warnings"],
        json!([check_edit("policies/no_p4d.cedar", "a policy", "HEAD~1")])
    );
}

#[test]
fn check_config_from_reads_a_policy_dir_the_working_tree_deletes_from_the_revision() {
    // The policy directory is named on the command line, not in the configuration, and
    // the working tree removes it whole.
    let repo = GitRepo::new();
    let data = Path::new(CRATE_DIR).join("testdata/governance");
    repo.commit_tree(&data.join("policy_base"), "base");
    let config = repo.path().join("aicost-policy.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, text.replace("policy_dirs = [\"policies\"]\n", "")).unwrap();
    repo.git(&[
        "commit",
        "-q",
        "-a",
        "-m",
        "the workflow names the policies",
    ]);
    std::fs::copy(
        data.join("policy_head/main.tf"),
        repo.path().join("main.tf"),
    )
    .unwrap();
    repo.git(&["rm", "-q", "-r", "policies"]);
    repo.git(&["commit", "-q", "-a", "-m", "p4d, and no policies"]);
    let (code, report, stderr) = check(
        &repo,
        &["--policy-dir", "policies", "--config-from", "HEAD~1"],
    );
    assert_eq!(code, 1, "{report}{stderr}");
    assert_eq!(check_findings(&report), vec![p4d_forbidden()]);
    assert_eq!(
        report["warnings"],
        json!([check_edit("policies/no_p4d.cedar", "a policy", "HEAD~1")])
    );
}

#[test]
fn check_config_from_a_revision_git_does_not_know_says_to_fetch_it() {
    let repo = repository();
    let run = aicost(
        &repo.path(),
        &["check", ".", "--config-from", "origin/main"],
        &[],
    );
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        format!(
            "error: `origin/main` given with --config-from is not a commit in {}\n  help: give a branch, tag or commit of that repository; in CI, fetch it first, e.g. `git fetch --no-tags --depth=1 origin main`, and pass --config-from origin/main\n",
            repo.path().display()
        )
    );
}

#[test]
fn check_config_from_outside_git_or_with_config_is_a_usage_error() {
    let repo = repository();
    let run = aicost(
        &repo.path(),
        &[
            "check",
            ".",
            "--config",
            "aicost-policy.toml",
            "--config-from",
            "HEAD~1",
        ],
        &[],
    );
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "error: --config FILE and --config-from REV both say where the configuration comes from\n  help: leave out --config to apply the configuration REV has, or --config-from to apply FILE from the working tree\n"
    );

    let plain = tempfile::tempdir().unwrap();
    let data = Path::new(CRATE_DIR).join("testdata/governance/head");
    common::git_repo::copy_dir(&data, plain.path());
    let dir = plain.path().canonicalize().unwrap();
    let run = aicost(&dir, &["check", ".", "--config-from", "main"], &[]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert_eq!(
        run.stderr,
        format!(
            "error: {} is not inside a git repository, and --config-from reads the rules from git\n  help: run in a clone, or leave out --config-from to apply the working tree's rules\n",
            dir.display()
        )
    );
}

#[test]
fn check_config_from_keeps_the_working_tree_s_usage_file() {
    // The usage file describes the change: the working tree runs the notebook all month,
    // the revision 160 hours.
    let repo = GitRepo::new();
    repo.commit_tree(
        &Path::new(CRATE_DIR).join("testdata/terraform/cost_usage"),
        "base",
    );
    let usage = repo.path().join("aicost-usage.yml");
    let text = std::fs::read_to_string(&usage).unwrap();
    std::fs::write(
        &usage,
        text.replace("monthly_hours: 160", "monthly_hours: 730"),
    )
    .unwrap();
    repo.git(&["commit", "-q", "-a", "-m", "the notebook runs all month"]);
    let (code, report, stderr) = check(&repo, &["--config-from", "HEAD~1"]);
    assert_eq!(code, 0, "{report}{stderr}");
    let research = report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == "aws_sagemaker_notebook_instance.research")
        .unwrap();
    assert_eq!(research["monthly_cost"]["baseline"], "1028.13");
    assert_eq!(
        research["monthly_cost"]["notes"][0],
        "730 hours a month, from the usage file"
    );
    // Not a rule file: no warning.
    assert_eq!(report["warnings"], json!([]));
}
