//! End-to-end tests of `aicost-policy diff`: a real git repository with two commits built
//! from testdata/diff/base and testdata/diff/head. The change resizes a node group (count),
//! changes an instance type, adds an untagged instance (a new failure), removes a failing
//! one (resolved), renames serving.tf to inference.tf, and keeps an untagged notebook (an
//! existing failure). Amounts are computed by hand in the comments from the catalog prices:
//! g5.2xlarge $1.212/h, g5.12xlarge $5.672/h, p4d.24xlarge $21.957642/h, EKS $0.10/h,
//! EKS node disks 20 GB gp2 at $0.10/GB-month; 730 hours a month.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use crate::common;

use std::path::Path;

use common::git_repo::GitRepo;
use common::run::aicost;
use serde_json::{json, Value};

const TODAY: &str = "2026-11-28";
const CRATE_DIR: &str = env!("CARGO_MANIFEST_DIR");

/// The repository with the base commit, then the head commit; returns (repo, base sha,
/// head sha).
fn two_commits() -> (GitRepo, String, String) {
    let repo = GitRepo::new();
    let data = Path::new(CRATE_DIR).join("testdata/diff");
    let base = repo.commit_tree(&data.join("base"), "base");
    let head = repo.commit_tree(&data.join("head"), "head");
    (repo, base, head)
}

fn diff_json(dir: &Path, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["diff", "--today", TODAY, "--format", "json"];
    args.extend_from_slice(extra);
    let run = aicost(dir, &args, &[]);
    assert!(run.stderr.is_empty(), "unexpected stderr: {}", run.stderr);
    (run.code, serde_json::from_str(&run.stdout).unwrap())
}

fn resource<'a>(report: &'a Value, address: &str) -> &'a Value {
    report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == address)
        .unwrap_or_else(|| panic!("no resource {address}"))
}

#[test]
fn every_kind_of_change_is_reported_with_exact_costs() {
    let (repo, base_sha, head_sha) = two_commits();
    let (code, report) = diff_json(&repo.path(), &["infra", "--base", "HEAD~1"]);
    // A new failure (aws_instance.eval has no cost-center) fails the run.
    assert_eq!(code, 1);
    assert_eq!(report["kind"], "diff");
    assert_eq!(
        report["base"],
        json!({"ref": "HEAD~1", "commit": base_sha, "path": null, "plan": null})
    );
    assert_eq!(
        report["head"],
        json!({"ref": null, "commit": head_sha, "path": null, "plan": null})
    );
    let changes: Vec<(String, String)> = report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["address"].as_str().unwrap().to_string(),
                r["change"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = [
        ("aws_eks_cluster.ml", "unchanged"),
        ("aws_eks_node_group.train", "changed"),
        ("aws_instance.eval", "added"),
        ("aws_instance.inference", "unchanged"),
        ("aws_instance.legacy", "removed"),
        ("aws_instance.notebook", "unchanged"),
        ("aws_instance.trainer", "changed"),
    ]
    .iter()
    .map(|(a, c)| (a.to_string(), c.to_string()))
    .collect();
    assert_eq!(changes, expected);

    // Count 2 -> 4 (max 4 -> 6): 5.672 x 730 x 2 + 2 x 20 x 0.10 = 8,285.12 before,
    // twice that after; ceiling 6 nodes = 24,843.36 + 12.00.
    assert_eq!(
        resource(&report, "aws_eks_node_group.train"),
        &json!({
            "change": "changed",
            "address": "aws_eks_node_group.train",
            "root": "infra",
            "type": "aws_eks_node_group",
            "file": "infra/training.tf",
            "line": 14,
            "base_file": null,
            "base_line": null,
            "before": {"baseline": "8285.12", "ceiling": "16570.24", "complete": true},
            "after": {"baseline": "16570.24", "ceiling": "24855.36", "complete": true},
            "delta": {"baseline": "8285.12", "ceiling": "8285.12"},
        })
    );
    // g5.2xlarge -> g5.12xlarge: 884.76 -> 4,140.56.
    assert_eq!(
        resource(&report, "aws_instance.trainer")["delta"],
        json!({"baseline": "3255.80", "ceiling": "3255.80"})
    );
    assert_eq!(
        resource(&report, "aws_instance.eval")["after"],
        json!({"baseline": "4140.56", "ceiling": "4140.56", "complete": true})
    );
    assert_eq!(
        resource(&report, "aws_instance.eval")["before"],
        Value::Null
    );
    // 21.957642 x 730 = 16,029.08 gone.
    let legacy = resource(&report, "aws_instance.legacy");
    assert_eq!(legacy["file"], "infra/legacy.tf");
    assert_eq!(legacy["after"], Value::Null);
    assert_eq!(
        legacy["delta"],
        json!({"baseline": "-16029.08", "ceiling": "-16029.08"})
    );
    // The renamed file: the same resource, unchanged, with where it was.
    let inference = resource(&report, "aws_instance.inference");
    assert_eq!(inference["change"], "unchanged");
    assert_eq!(inference["file"], "infra/inference.tf");
    assert_eq!(inference["base_file"], "infra/serving.tf");
    assert_eq!(
        inference["delta"],
        json!({"baseline": "0.00", "ceiling": "0.00"})
    );

    // Before: 73.00 + 8,285.12 + 3 x 884.76 + 16,029.08 = 27,041.48 (ceiling 35,326.60).
    // After: 73.00 + 16,570.24 + 2 x 4,140.56 + 2 x 884.76 = 26,693.88 (ceiling 34,979.00).
    assert_eq!(
        report["summary"],
        json!({
            "before": {"baseline": "27041.48", "ceiling": "35326.60"},
            "after": {"baseline": "26693.88", "ceiling": "34979.00"},
            "delta": {"baseline": "-347.60", "ceiling": "-347.60"},
            "percent": "-1.3",
            "ceiling_percent": "-1.0",
            "incomplete_before": 0,
            "incomplete_after": 0,
            "resources": {"added": 1, "removed": 1, "changed": 2, "unchanged": 3},
            "findings": {
                "new_failed": 1,
                // The budget warning (AIC-BUDGET-002, info) is a notice.
                "existing_failed": 1,
                "new_unknown": 0,
                "existing_unknown": 0,
                "suppressed": 0,
                "errors": 0,
                "resolved": 1,
                "pending_approval": 0,
                "approved": 0,
                "notices": 1,
            },
            "policies": 18,
            "input_errors": 0,
            "base_input_errors": 0,
        })
    );

    let findings: Vec<(&str, &str, &str, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["change"].as_str().unwrap(),
                f["policy_id"].as_str().unwrap(),
                f["resource"].as_str().unwrap(),
                f["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        findings,
        vec![
            (
                "existing",
                "AIC-BUDGET-002",
                "budget.ml-platform",
                "budget ml-platform is projected to cost $26,693.88 a month, 89% of its limit of $30,000.00 (warning above $24,000.00)"
            ),
            (
                "new",
                "AIC-TAG-001",
                "aws_instance.eval",
                "aws_instance.eval is missing required tags: cost-center"
            ),
            (
                "existing",
                "AIC-TAG-001",
                "aws_instance.notebook",
                "aws_instance.notebook is missing required tags: cost-center"
            ),
        ]
    );
    let resolved: Vec<(&str, &str)> = report["resolved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["policy_id"].as_str().unwrap(),
                f["resource"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(resolved, vec![("AIC-TAG-001", "aws_instance.legacy")]);
    // Budgets: the base's projection beside the head's (90% -> 89% of $30,000).
    assert_eq!(
        report["budgets"],
        json!([{
            "name": "ml-platform",
            "before": "27041.48",
            "monthly_cost": "26693.88",
            "ceiling": "34979.00",
            "limit": "30000.00",
            "percent_used": "89",
            "complete": true,
            "file": "aicost-policy.toml",
            "line": 4,
        }])
    );
}

#[test]
fn fail_on_new_ignores_failures_the_base_already_had() {
    let (repo, _, _) = two_commits();
    let dir = repo.path();
    // Against itself, nothing is new: only the existing notebook failure remains.
    let (code, report) = diff_json(&dir, &["infra", "--base", "HEAD"]);
    assert_eq!(code, 0);
    assert_eq!(report["summary"]["findings"]["new_failed"], 0);
    // The notebook failures on both sides; the budget warning (AIC-BUDGET-002, info) is a
    // notice, counted apart.
    assert_eq!(report["summary"]["findings"]["existing_failed"], 2);
    assert_eq!(report["summary"]["findings"]["notices"], 1);
    assert_eq!(
        report["summary"]["delta"],
        json!({"baseline": "0.00", "ceiling": "0.00"})
    );
    let (code, _) = diff_json(&dir, &["infra", "--base", "HEAD", "--fail-on", "all"]);
    assert_eq!(code, 1);
    let (code, _) = diff_json(&dir, &["infra", "--base", "HEAD~1", "--soft-fail"]);
    assert_eq!(code, 0);
}

#[test]
fn a_directory_as_the_base_gives_the_same_comparison() {
    let (repo, _, _) = two_commits();
    let base = tempfile::tempdir().unwrap();
    common::git_repo::copy_dir(
        &Path::new(CRATE_DIR).join("testdata/diff/base"),
        base.path(),
    );
    let base_arg = base.path().to_str().unwrap().to_string();
    let (code, by_path) = diff_json(&repo.path(), &["infra", "--base-path", &base_arg]);
    let (_, by_git) = diff_json(&repo.path(), &["infra", "--base", "HEAD~1"]);
    assert_eq!(code, 1);
    assert_eq!(by_path["resources"], by_git["resources"]);
    assert_eq!(by_path["findings"], by_git["findings"]);
    assert_eq!(by_path["summary"], by_git["summary"]);
    assert_eq!(by_path["base"]["path"], base_arg.as_str());
}

#[test]
fn the_base_is_read_from_a_shallow_ci_clone_once_fetched() {
    let (origin, base_sha, _) = two_commits();
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", origin.path().display());
    let status = std::process::Command::new("git")
        .args(["clone", "-q", "--depth", "1", &url])
        .arg(clone.path().join("repo"))
        .status()
        .unwrap();
    assert!(status.success());
    let dir = clone.path().join("repo");
    // Not fetched yet: a clear error saying what to do.
    let run = aicost(
        &dir,
        &["diff", "infra", "--base", &base_sha, "--today", TODAY],
        &[],
    );
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        format!(
            "error: the base `{base_sha}` is not a commit in {}\n  help: fetch it first, e.g. `git fetch --no-tags --depth=1 origin main` in CI, and pass --base origin/main\n",
            dir.canonicalize().unwrap().display()
        )
    );
    let status = std::process::Command::new("git")
        .current_dir(&dir)
        .args(["fetch", "-q", "--no-tags", "--depth=1", "origin", &base_sha])
        .status()
        .unwrap();
    assert!(status.success());
    let (code, report) = diff_json(&dir, &["infra", "--base", "FETCH_HEAD"]);
    assert_eq!(code, 1);
    assert_eq!(report["base"]["commit"], base_sha.as_str());
    assert_eq!(report["summary"]["delta"]["baseline"], "-347.60");
}

#[test]
fn text_output_lists_new_findings_and_cost_changes() {
    let (repo, _, _) = two_commits();
    let run = aicost(
        &repo.path(),
        &[
            "diff", "infra", "--base", "HEAD~1", "--today", TODAY, "--color", "never",
        ],
        &[],
    );
    assert_eq!(run.code, 1);
    let tail = run.stdout.split("Cost changes:\n").nth(1).unwrap();
    assert_eq!(
        tail,
        "\
~ aws_eks_node_group.train (infra/training.tf:14)
    +$8,285.12/month ($8,285.12 → $16,570.24), ceiling $16,570.24 → $24,855.36
+ aws_instance.eval (infra/eval.tf:2)
    +$4,140.56/month (- → $4,140.56), ceiling - → $4,140.56
- aws_instance.legacy (infra/legacy.tf:2)
    -$16,029.08/month ($16,029.08 → -), ceiling $16,029.08 → -
~ aws_instance.trainer (infra/training.tf:34)
    +$3,255.80/month ($884.76 → $4,140.56), ceiling $884.76 → $4,140.56

  monthly cost $27,041.48 → $26,693.88 (-$347.60, -1.3%), ceiling $35,326.60 → $34,979.00 (-$347.60)
  2 changed, 1 added, 1 removed, 3 unchanged, 1 new failure (1 existing), 0 new unknowns (0 existing), 1 notice, 1 fixed
"
    );
    // Only the new failure is shown in full; the existing one is counted.
    assert!(run
        .stdout
        .contains("aws_instance.eval is missing required tags: cost-center"));
    assert!(!run.stdout.contains("aws_instance.notebook is missing"));
}

#[test]
fn markdown_links_to_the_head_commit_and_the_job_summary_gets_it_too() {
    let (repo, _, head_sha) = two_commits();
    let summary = tempfile::NamedTempFile::new().unwrap();
    let summary_path = summary.path().to_str().unwrap().to_string();
    let run = aicost(
        &repo.path(),
        &[
            "diff",
            "infra",
            "--base",
            "HEAD~1",
            "--today",
            TODAY,
            "--format",
            "markdown",
            "--repo",
            "acme/ml-infra",
        ],
        &[("GITHUB_STEP_SUMMARY", &summary_path)],
    );
    assert_eq!(run.code, 1);
    let blob = format!("https://github.com/acme/ml-infra/blob/{head_sha}");
    let expected = format!(
        "\
### 💰 aicost-policy: -$348 / month (-1%)

Monthly cost **$27,041.48 → $26,693.88**; ceiling $35,326.60 → $34,979.00 (-$347.60). 2 changed, 1 added, 1 removed, 3 unchanged.

| Resource | Change | Monthly before → after | Ceiling before → after |
|:--|--:|--:|--:|
| `aws_instance.legacy` (removed) | -$16,029.08 | $16,029.08 → – | $16,029.08 → – |
| [`aws_eks_node_group.train`]({blob}/infra/training.tf#L14) | +$8,285.12 | $8,285.12 → $16,570.24 | $16,570.24 → $24,855.36 |
| [`aws_instance.eval`]({blob}/infra/eval.tf#L2) (added) | +$4,140.56 | – → $4,140.56 | – → $4,140.56 |
| [`aws_instance.trainer`]({blob}/infra/training.tf#L34) | +$3,255.80 | $884.76 → $4,140.56 | $884.76 → $4,140.56 |

#### ❌ 1 policy failure introduced by this change

- **AIC-TAG-001** (high) `aws_instance.eval` at [`infra/eval.tf:2`]({blob}/infra/eval.tf#L2): aws_instance.eval is missing required tags: cost-center

#### Budgets

| Budget | Used / limit | Before | |
|:--|--:|--:|:--|
| [`ml-platform`]({blob}/aicost-policy.toml#L4) | $26,693.88 / $30,000.00 (89%) | $27,041.48 | \u{26a0}\u{fe0f} near |

#### \u{2139}\u{fe0f} 1 notice

- **AIC-BUDGET-002** (info) `budget.ml-platform` at [`aicost-policy.toml:4`]({blob}/aicost-policy.toml#L4): budget ml-platform is projected to cost $26,693.88 a month, 89% of its limit of $30,000.00 (warning above $24,000.00)

<details><summary>1 finding already on the base branch</summary>

- **AIC-TAG-001** (high) `aws_instance.notebook` at [`infra/training.tf:44`]({blob}/infra/training.tf#L44): aws_instance.notebook is missing required tags: cost-center

</details>

<details><summary>✅ 1 finding fixed by this change</summary>

- **AIC-TAG-001** (high) `aws_instance.legacy` at `infra/legacy.tf:2`: aws_instance.legacy is missing required tags: cost-center

</details>

<sub>List prices in USD from the aicost-policy catalog as of {}; 730 hours a month. \\* partial estimate. aicost-policy {}.</sub>
",
        catalog_date(),
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(run.stdout, expected);
    assert_eq!(std::fs::read_to_string(summary.path()).unwrap(), expected);
}

/// The newest as_of date of the catalog, from `pricing show` (the footer names it).
fn catalog_date() -> String {
    aicost_policy::report::diff::catalog_as_of()
}

#[test]
fn usage_errors_say_what_to_do() {
    let (repo, _, _) = two_commits();
    let run = aicost(&repo.path(), &["diff", "infra"], &[]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: no base to compare with\n  help: give --base REF (a branch, tag or commit) or --base-path DIR\n"
    );
    let run = aicost(
        &repo.path(),
        &["diff", "infra", "--base", "no-such-branch"],
        &[],
    );
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        format!(
            "error: the base `no-such-branch` is not a commit in {}\n  help: fetch it first, e.g. `git fetch --no-tags --depth=1 origin main` in CI, and pass --base origin/main\n",
            repo.path().display()
        )
    );
    let run = aicost(&repo.path(), &["diff", "-", "--base", "HEAD"], &[]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: diff reads both sides from files; `-` (standard input) cannot be compared\n  help: give the files or directories to compare\n"
    );
    // In a GitHub Actions pull-request run the base branch comes from GITHUB_BASE_REF.
    let run = aicost(
        &repo.path(),
        &["diff", "infra", "--today", TODAY, "--format", "json"],
        &[("GITHUB_BASE_REF", "main")],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .starts_with("error: the base `origin/main` is not a commit in "),
        "{}",
        run.stderr
    );
}

#[test]
fn output_is_byte_identical_across_runs() {
    let (repo, _, _) = two_commits();
    let args = [
        "diff", "infra", "--base", "HEAD~1", "--today", TODAY, "--format", "json",
    ];
    let first = aicost(&repo.path(), &args, &[]);
    let second = aicost(&repo.path(), &args, &[]);
    assert_eq!(first.stdout, second.stdout);
}

#[test]
fn a_change_of_5000_resources_fits_in_one_comment() {
    let repo = GitRepo::new();
    let dir = repo.path();
    let tree = tempfile::tempdir().unwrap();
    let infra = tree.path().join("infra");
    std::fs::create_dir_all(&infra).unwrap();
    std::fs::write(
        infra.join("providers.tf"),
        "provider \"aws\" {\n  region = \"us-east-1\"\n}\n",
    )
    .unwrap();
    repo.commit_tree(tree.path(), "base");
    std::fs::write(
        infra.join("fleet.tf"),
        "resource \"aws_instance\" \"fleet\" {\n  count         = 5000\n  ami           = \"ami-0c55b159cbfafe1f0\"\n  instance_type = \"g5.2xlarge\"\n}\n",
    )
    .unwrap();
    repo.commit_tree(tree.path(), "head");
    let run = aicost(
        &dir,
        &[
            "diff", "infra", "--base", "HEAD~1", "--today", TODAY, "--format", "markdown",
        ],
        &[],
    );
    assert_eq!(run.code, 1);
    let markdown = run.stdout;
    assert!(
        markdown.chars().count() <= 65_536,
        "{}",
        markdown.chars().count()
    );
    // 5,000 x 884.76 = 4,423,800.00 a month, all of it new.
    assert!(markdown.starts_with(
        "### 💰 aicost-policy: +$4,423,800 / month\n\nMonthly cost **$0.00 → $4,423,800.00**; ceiling $0.00 → $4,423,800.00 (+$4,423,800.00). 0 changed, 5000 added, 0 removed, 0 unchanged.\n"
    ));
    // The ten largest rows stay; the collapsed rest goes first, then failures are cut,
    // each with a note; the footer is always there.
    let rows = markdown
        .lines()
        .filter(|l| l.starts_with("| `aws_instance.fleet["))
        .count();
    assert_eq!(rows, 10);
    assert!(!markdown.contains("<details><summary>4990 more changed resources"));
    let listed = markdown
        .lines()
        .filter(|l| l.starts_with("- **AIC-TAG-001**"))
        .count();
    assert!(listed > 100, "{listed}");
    let note = format!(
        "_… {} more failures not shown: the comment is limited to 65,536 characters. The full list is in the job output (`aicost-policy diff`)._",
        5000 - listed
    );
    assert!(markdown.contains(&note), "{note}");
    assert!(markdown.contains("#### ❌ 5000 policy failures introduced by this change\n"));
    assert!(markdown.ends_with(&format!(
        "aicost-policy {}.</sub>\n",
        env!("CARGO_PKG_VERSION")
    )));
}

#[test]
fn a_renamed_directory_keeps_its_resources() {
    let repo = GitRepo::new();
    let data = Path::new(CRATE_DIR).join("testdata/diff/base");
    repo.commit_tree(&data, "base");
    repo.git(&["mv", "infra", "platform"]);
    repo.git(&["commit", "-q", "-m", "rename"]);
    let (code, report) = diff_json(&repo.path(), &[".", "--base", "HEAD~1"]);
    // Nothing new: the two failures are the same ones, in their new place.
    assert_eq!(code, 0);
    let rows: Vec<(&str, &str, &str, &str)> = report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["address"].as_str().unwrap(),
                r["change"].as_str().unwrap(),
                r["file"].as_str().unwrap(),
                r["base_file"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            (
                "aws_eks_cluster.ml",
                "unchanged",
                "platform/training.tf",
                "infra/training.tf"
            ),
            (
                "aws_eks_node_group.train",
                "unchanged",
                "platform/training.tf",
                "infra/training.tf"
            ),
            (
                "aws_instance.inference",
                "unchanged",
                "platform/serving.tf",
                "infra/serving.tf"
            ),
            (
                "aws_instance.legacy",
                "unchanged",
                "platform/legacy.tf",
                "infra/legacy.tf"
            ),
            (
                "aws_instance.notebook",
                "unchanged",
                "platform/training.tf",
                "infra/training.tf"
            ),
            (
                "aws_instance.trainer",
                "unchanged",
                "platform/training.tf",
                "infra/training.tf"
            ),
        ]
    );
    assert_eq!(report["summary"]["findings"]["new_failed"], 0);
    // The budget warning (info) is a notice, not one of the failures.
    assert_eq!(report["summary"]["findings"]["existing_failed"], 2);
    assert_eq!(report["summary"]["findings"]["notices"], 1);
}

/// A node group that scales from zero changes instance type (p4d.24xlarge → p5.48xlarge):
/// the baseline stays $0.00 and only the ceiling moves, so the Markdown table shows the
/// ceiling before → after too. At max_size 4, with a 20 GB gp2 disk ($2.00/month) per
/// node: 4 × ($21.957642 × 730 + $2.00) = $64,124.31 before, 4 × ($55.04 × 730 + $2.00) =
/// $160,724.80 after.
#[test]
fn markdown_shows_the_ceiling_before_and_after_when_only_the_ceiling_moves() {
    let repo = GitRepo::new();
    let data = Path::new(CRATE_DIR).join("testdata/diff_ceiling");
    repo.commit_tree(&data.join("base"), "base");
    repo.commit_tree(&data.join("head"), "head");
    let run = aicost(
        &repo.path(),
        &[
            "diff", "infra", "--base", "HEAD~1", "--today", TODAY, "--format", "markdown",
        ],
        &[],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.contains(
            "| Resource | Change | Monthly before → after | Ceiling before → after |\n\
             |:--|--:|--:|--:|\n\
             | `aws_eks_node_group.train` | $0.00 | $0.00 → $0.00 | $64,124.31 → $160,724.80 |\n"
        ),
        "{}",
        run.stdout
    );
}
