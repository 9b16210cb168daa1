//! `run.sh`: which command runs with which arguments, the outputs, and the exit code.

use std::path::{Path, PathBuf};

use super::{read, write_executable, Job, Run, BIN, CRATE_DIR};

/// The inputs as action.yml passes them with their defaults.
const DEFAULT_INPUTS: [(&str, &str); 8] = [
    ("INPUT_PATH", "."),
    ("INPUT_CONFIG", ""),
    ("INPUT_POLICY_DIR", ""),
    ("INPUT_COMMENT_BEHAVIOR", "update"),
    ("INPUT_COMMENT_TAG", "default"),
    ("INPUT_FAIL_ON", "new"),
    ("INPUT_SOFT_FAIL", "false"),
    ("INPUT_SARIF_FILE", "aicost-policy.sarif"),
];

fn with_inputs<'a>(overrides: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut env: Vec<(&str, &str)> = DEFAULT_INPUTS
        .iter()
        .filter(|(name, _)| !overrides.iter().any(|(n, _)| n == name))
        .copied()
        .collect();
    env.extend_from_slice(overrides);
    env
}

/// A report of `diff` / `comment github` in the shape their `--format json` documents.
const DIFF_REPORT: &str = r#"{
  "version": 1,
  "summary": {
    "before": {"baseline": "1034.25", "ceiling": "2000.00"},
    "after": {"baseline": "1234.50", "ceiling": "2400.00"},
    "delta": {"baseline": "200.25", "ceiling": "400.00"},
    "percent": "19.4",
    "findings": {"new_failed": 2, "existing_failed": 3, "new_unknown": 1}
  }
}
"#;

/// A stand-in for `diff` and `comment github`: records its arguments one per line, writes
/// DIFF_REPORT where `--format json` goes and `{}` where `--format sarif` goes, prints an
/// annotation and exits with STUB_EXIT.
const STUB: &str = r#"#!/usr/bin/env bash
printf '%s\n' "$@" >"$STUB_ARGS"
format=""
previous=""
for arg in "$@"; do
    if [ "$previous" = --format ]; then format="$arg"; fi
    if [ "$previous" = --output ] && [ "$format" = json ] && [ -n "$STUB_REPORT" ]; then
        printf '%s' "$STUB_REPORT" >"$arg"
    fi
    if [ "$previous" = --output ] && [ "$format" = sarif ]; then echo '{}' >"$arg"; fi
    previous="$arg"
done
echo "::error file=infra/main.tf,line=3::stand-in"
exit "$STUB_EXIT"
"#;

struct Stub {
    bin: PathBuf,
    args: PathBuf,
}

impl Stub {
    fn new(job: &Job) -> Stub {
        let bin = job.runner_temp.join("stub/aicost-policy");
        write_executable(&bin, STUB);
        Stub {
            bin,
            args: job.runner_temp.join("stub/args"),
        }
    }

    fn args(&self) -> Vec<String> {
        read(&self.args).lines().map(String::from).collect()
    }

    /// Runs run.sh with this stand-in exiting with `exit` after writing `report`.
    fn run(&self, job: &Job, exit: &str, report: &str, env: &[(&str, &str)]) -> Run {
        let bin = self.bin.display().to_string();
        let args = self.args.display().to_string();
        let mut all = vec![
            ("AICOST_BIN", bin.as_str()),
            ("STUB_ARGS", args.as_str()),
            ("STUB_EXIT", exit),
            ("STUB_REPORT", report),
        ];
        all.extend_from_slice(env);
        job.run("run.sh", &job.workspace, &all)
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn run_comments_on_a_pull_request_with_every_input() {
    let job = Job::new();
    let stub = Stub::new(&job);
    let env = with_inputs(&[
        ("GITHUB_EVENT_NAME", "pull_request"),
        ("AICOST_BASE", "origin/main"),
        ("INPUT_PATH", "infra\n  k8s apps \n\n"),
        ("INPUT_CONFIG", "ci/aicost policy.toml"),
        ("INPUT_POLICY_DIR", "policies/org\r\npolicies/team one\r\n"),
        ("INPUT_COMMENT_BEHAVIOR", "hide-and-new"),
        ("INPUT_COMMENT_TAG", "infra"),
        ("INPUT_FAIL_ON", "all"),
        ("INPUT_SOFT_FAIL", "True"),
        ("INPUT_SARIF_FILE", "out/scan.sarif"),
    ]);
    let run = stub.run(&job, "0", DIFF_REPORT, &env);
    let report = job.report();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        stub.args(),
        strings(&[
            "comment",
            "github",
            "--base",
            "origin/main",
            "--fail-on",
            "all",
            "--behavior",
            "hide-and-new",
            "--tag",
            "infra",
            "infra",
            "k8s apps",
            "--config",
            "ci/aicost policy.toml",
            "--policy-dir",
            "policies/org",
            "--policy-dir",
            "policies/team one",
            "--soft-fail",
            "--format",
            "github",
            "--format",
            "json",
            "--output",
            &report,
            "--format",
            "sarif",
            "--output",
            "out/scan.sarif",
        ])
    );
    assert_eq!(
        read(&job.output),
        format!("monthly-cost=1234.50\ncost-delta=200.25\nfailures=5\nreport-file={report}\n")
    );
    assert_eq!(read(&job.workspace.join("out/scan.sarif")), "{}\n");
    assert_eq!(
        run.stdout,
        format!(
            "aicost-policy comment github --base origin/main --fail-on all --behavior hide-and-new \
             --tag infra infra k8s\\ apps --config ci/aicost\\ policy.toml --policy-dir policies/org \
             --policy-dir policies/team\\ one --soft-fail --format github --format json --output \
             {} --format sarif --output out/scan.sarif\n\
             ::error file=infra/main.tf,line=3::stand-in\n",
            report.replace(' ', "\\ ")
        )
    );
}

/// Exit code 3: the comment could not be posted (a fork's read-only token). The job goes on.
#[test]
fn run_turns_a_comment_without_write_access_into_a_warning() {
    let job = Job::new();
    let stub = Stub::new(&job);
    let env = with_inputs(&[
        ("GITHUB_EVENT_NAME", "pull_request_target"),
        ("AICOST_BASE", "origin/main"),
    ]);
    let run = stub.run(&job, "3", DIFF_REPORT, &env);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout.lines().last().unwrap(),
        "::warning title=aicost-policy::the pull request comment was not posted: the token \
         cannot write to this repository, as for a pull request from a fork. The findings are \
         in the annotations and the SARIF report."
    );
    assert_eq!(
        read(&job.output),
        format!(
            "monthly-cost=1234.50\ncost-delta=200.25\nfailures=2\nreport-file={}\n",
            job.report()
        )
    );
}

/// Outside pull requests, with a base, the action compares with `diff` and keeps its exit
/// code: 1 for policy failures fails the job.
#[test]
fn run_diffs_outside_pull_requests_and_keeps_policy_failures() {
    let job = Job::new();
    let stub = Stub::new(&job);
    let env = with_inputs(&[("GITHUB_EVENT_NAME", "push"), ("AICOST_BASE", "v1.2.0")]);
    let run = stub.run(&job, "1", DIFF_REPORT, &env);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        stub.args(),
        strings(&[
            "diff",
            "--base",
            "v1.2.0",
            "--fail-on",
            "new",
            ".",
            "--format",
            "github",
            "--format",
            "json",
            "--output",
            &job.report(),
            "--format",
            "sarif",
            "--output",
            "aicost-policy.sarif",
        ])
    );
    assert_eq!(
        read(&job.output),
        format!(
            "monthly-cost=1234.50\ncost-delta=200.25\nfailures=2\nreport-file={}\n",
            job.report()
        )
    );
}

/// An error (2) fails the job even with soft-fail, and a run that wrote no report sets no
/// outputs; an empty sarif-file writes no SARIF.
#[test]
fn run_keeps_errors_and_sets_no_outputs_without_a_report() {
    let job = Job::new();
    let stub = Stub::new(&job);
    let env = with_inputs(&[
        ("GITHUB_EVENT_NAME", "pull_request"),
        ("AICOST_BASE", "origin/main"),
        ("INPUT_SOFT_FAIL", "true"),
        ("INPUT_SARIF_FILE", ""),
    ]);
    let run = stub.run(&job, "2", "", &env);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(
        stub.args(),
        strings(&[
            "comment",
            "github",
            "--base",
            "origin/main",
            "--fail-on",
            "new",
            "--behavior",
            "update",
            "--tag",
            "default",
            ".",
            "--soft-fail",
            "--format",
            "github",
            "--format",
            "json",
            "--output",
            &job.report(),
        ])
    );
    assert_eq!(read(&job.output), "");
    assert_eq!(
        run.stdout.lines().last().unwrap(),
        "::error file=infra/main.tf,line=3::stand-in"
    );
}

#[test]
fn run_rejects_invalid_inputs_before_running_the_tool() {
    for (input, value, message) in [
        (
            "INPUT_FAIL_ON",
            "some",
            "fail-on must be `new` or `all`, not `some`",
        ),
        (
            "INPUT_SOFT_FAIL",
            "yes",
            "soft-fail must be `true` or `false`, not `yes`",
        ),
    ] {
        let job = Job::new();
        let stub = Stub::new(&job);
        let env = with_inputs(&[("GITHUB_EVENT_NAME", "pull_request"), (input, value)]);
        let run = stub.run(&job, "0", DIFF_REPORT, &env);
        assert_eq!(run.code, 2);
        assert_eq!(
            run.stdout,
            format!("::error title=aicost-policy::{message}\n")
        );
        assert!(!stub.args.exists(), "the tool ran");
    }
}

/// Without a base (a push with no base-ref) the action runs `check`, the command of this
/// crate, and reads the outputs from its report: every failure counts, there is no delta.
#[test]
fn run_checks_without_a_base() {
    let job = Job::new();
    let sarif = job.runner_temp.join("scan.sarif").display().to_string();
    let env = with_inputs(&[
        ("GITHUB_EVENT_NAME", "push"),
        ("AICOST_BIN", BIN),
        ("AICOST_BASE", ""),
        ("INPUT_PATH", "testdata/action/infra"),
        ("INPUT_SARIF_FILE", &sarif),
    ]);
    let run = job.run("run.sh", Path::new(CRATE_DIR), &env);
    let report = job.report();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stdout.lines().next().unwrap(),
        format!(
            "aicost-policy check testdata/action/infra --format github --format json --output {} \
             --format sarif --output {}",
            report.replace(' ', "\\ "),
            sarif.replace(' ', "\\ ")
        )
    );
    assert_eq!(
        read(&job.output),
        format!("monthly-cost=16029.08\ncost-delta=\nfailures=1\nreport-file={report}\n")
    );
    assert!(Path::new(&sarif).is_file());
}

/// On a push with a base, the action runs the real `diff` on a two-commit repository and
/// takes its outputs from the real report (tests/cli_diff.rs has the amounts by hand).
#[test]
fn run_diffs_with_the_real_binary() {
    let job = Job::new();
    let repo = super::git_repo::GitRepo::new();
    let data = Path::new(CRATE_DIR).join("testdata/diff");
    repo.commit_tree(&data.join("base"), "base");
    repo.commit_tree(&data.join("head"), "head");
    let sarif = job.runner_temp.join("scan.sarif").display().to_string();
    let env = with_inputs(&[
        ("GITHUB_EVENT_NAME", "push"),
        ("AICOST_BIN", BIN),
        ("AICOST_BASE", "HEAD~1"),
        ("INPUT_PATH", "infra"),
        ("INPUT_SARIF_FILE", &sarif),
    ]);
    let run = job.run("run.sh", &repo.path(), &env);
    // The untagged instance the change adds is a new failure.
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        read(&job.output),
        format!(
            "monthly-cost=26693.88\ncost-delta=-347.60\nfailures=1\nreport-file={}\n",
            job.report()
        )
    );
    // The annotation of the new failure, as --format github writes it.
    assert!(
        run.stdout.contains("::error file=infra/eval.tf,line=2,"),
        "{}",
        run.stdout
    );
    assert!(Path::new(&sarif).is_file());
}

/// A review re-runs the check: `pull_request_review` is a pull-request event, and the
/// `approvals` input reaches the tool.
#[test]
fn run_reads_approvals_on_a_review() {
    let job = Job::new();
    let stub = Stub::new(&job);
    let env = with_inputs(&[
        ("GITHUB_EVENT_NAME", "pull_request_review"),
        ("AICOST_BASE", "origin/main"),
        ("INPUT_APPROVALS", "github"),
        ("INPUT_SARIF_FILE", ""),
    ]);
    let run = stub.run(&job, "0", DIFF_REPORT, &env);
    let report = job.report();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        stub.args(),
        strings(&[
            "comment",
            "github",
            "--base",
            "origin/main",
            "--fail-on",
            "new",
            "--behavior",
            "update",
            "--tag",
            "default",
            ".",
            "--approvals",
            "github",
            "--format",
            "github",
            "--format",
            "json",
            "--output",
            &report,
        ])
    );
}
