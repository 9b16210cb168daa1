//! The scripts of the GitHub Action (`.github/action/`), run with bash as the runner runs
//! them: inputs in environment variables, results in the files named by `GITHUB_OUTPUT` and
//! `GITHUB_PATH`, in a clean environment. `run.sh` runs the real binary where the command
//! exists in this crate (`check`) and a stand-in that records its arguments for `diff` and
//! `comment github`; `fetch-base.sh` fetches from a local repository as if from GitHub.

// Test code: a failed expectation should stop the test loudly.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

const CRATE_DIR: &str = env!("CARGO_MANIFEST_DIR");
const BIN: &str = env!("CARGO_BIN_EXE_aicost-policy");

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// The absolute path of a program on the test's PATH, for running it with another PATH.
fn which(program: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap();
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("{program} is not on PATH"))
}

/// Runs `bash .github/action/<script>` in `dir` with only `env` (plus HOME, and PATH unless
/// `env` sets it) in its environment.
fn script(script: &str, dir: &Path, env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(which("bash"));
    cmd.arg(Path::new(CRATE_DIR).join(".github/action").join(script))
        .current_dir(dir)
        .env_clear()
        .env("HOME", std::env::var_os("HOME").unwrap())
        .env("PATH", std::env::var_os("PATH").unwrap())
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1");
    for (name, value) in env {
        cmd.env(name, value);
    }
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn write_executable(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// A job's directories: the workspace, RUNNER_TEMP and the GITHUB_OUTPUT / GITHUB_PATH files.
struct Job {
    _temp: TempDir,
    workspace: PathBuf,
    runner_temp: PathBuf,
    output: PathBuf,
    github_path: PathBuf,
}

impl Job {
    fn new() -> Job {
        let temp = tempfile::tempdir().unwrap();
        let workspace = temp.path().join("workspace");
        let runner_temp = temp.path().join("runner temp");
        std::fs::create_dir_all(&workspace).unwrap();
        std::fs::create_dir_all(&runner_temp).unwrap();
        let output = runner_temp.join("github_output");
        let github_path = runner_temp.join("github_path");
        Job {
            _temp: temp,
            workspace,
            runner_temp,
            output,
            github_path,
        }
    }

    fn report(&self) -> String {
        self.runner_temp
            .join("aicost-policy.json")
            .display()
            .to_string()
    }

    /// Runs a script with the variables the runner sets plus `env`.
    fn run(&self, name: &str, dir: &Path, env: &[(&str, &str)]) -> Run {
        let runner_temp = self.runner_temp.display().to_string();
        let output = self.output.display().to_string();
        let github_path = self.github_path.display().to_string();
        let mut all = vec![
            ("RUNNER_TEMP", runner_temp.as_str()),
            ("GITHUB_OUTPUT", output.as_str()),
            ("GITHUB_PATH", github_path.as_str()),
            ("GITHUB_ACTION_PATH", CRATE_DIR),
        ];
        all.extend_from_slice(env);
        script(name, dir, &all)
    }
}

// ---------------------------------------------------------------------------------------
// run.sh
// ---------------------------------------------------------------------------------------

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
    "delta": {"baseline": "+200.25", "ceiling": "+400.00"},
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
        format!("monthly-cost=1234.50\ncost-delta=+200.25\nfailures=5\nreport-file={report}\n")
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
            "monthly-cost=1234.50\ncost-delta=+200.25\nfailures=2\nreport-file={}\n",
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
            "monthly-cost=1234.50\ncost-delta=+200.25\nfailures=2\nreport-file={}\n",
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

// ---------------------------------------------------------------------------------------
// fetch-base.sh
// ---------------------------------------------------------------------------------------

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(which("git"))
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "test")
        .env("GIT_AUTHOR_EMAIL", "test@example.invalid")
        .env("GIT_COMMITTER_NAME", "test")
        .env("GIT_COMMITTER_EMAIL", "test@example.invalid")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .trim_end()
        .to_string()
}

/// A repository standing in for GitHub, with `main` and a pull request branch `feature`,
/// and a workspace cloned as actions/checkout does by default: the pull request's commit
/// only, one commit deep. Returns (job, origin, main's commit).
fn shallow_checkout() -> (Job, PathBuf, String) {
    let job = Job::new();
    let origin = job.runner_temp.join("origin");
    std::fs::create_dir_all(&origin).unwrap();
    git(&origin, &["init", "--quiet", "--initial-branch=main"]);
    std::fs::write(origin.join("main.tf"), "# base\n").unwrap();
    git(&origin, &["add", "."]);
    git(&origin, &["commit", "--quiet", "-m", "base"]);
    let main = git(&origin, &["rev-parse", "HEAD"]);
    git(&origin, &["checkout", "--quiet", "-b", "feature"]);
    std::fs::write(origin.join("main.tf"), "# change\n").unwrap();
    git(&origin, &["commit", "--quiet", "-am", "change"]);
    std::fs::remove_dir_all(&job.workspace).unwrap();
    let url = format!("file://{}", origin.display());
    let workspace = job.workspace.display().to_string();
    git(
        &job.runner_temp,
        &[
            "clone",
            "--quiet",
            "--depth=1",
            "--branch=feature",
            &url,
            &workspace,
        ],
    );
    (job, origin, main)
}

#[test]
fn fetch_base_fetches_the_base_branch_into_a_shallow_checkout() {
    let (job, _origin, main) = shallow_checkout();
    let ws = &job.workspace;
    let main_ref = [
        "for-each-ref",
        "--format=%(refname)",
        "refs/remotes/origin/main",
    ];
    assert_eq!(git(ws, &main_ref), "");

    let run = job.run("fetch-base.sh", ws, &[("INPUT_BASE_REF", "main")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let short = git(ws, &["rev-parse", "--short", &main]);
    assert_eq!(
        run.stdout,
        format!("aicost-policy: comparing with origin/main ({short})\n")
    );
    assert_eq!(read(&job.output), "rev=origin/main\n");
    assert_eq!(git(ws, &["rev-parse", "origin/main"]), main);
    assert_eq!(git(ws, &["rev-parse", "--is-shallow-repository"]), "true");

    // Now present: found without fetching, by branch, full ref or commit.
    for (base, rev) in [
        ("refs/heads/main", "origin/main"),
        (main.as_str(), main.as_str()),
        ("origin/main", "origin/main"),
    ] {
        std::fs::write(&job.output, "").unwrap();
        let run = job.run("fetch-base.sh", ws, &[("INPUT_BASE_REF", base)]);
        assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{base}");
        assert_eq!(read(&job.output), format!("rev={rev}\n"), "{base}");
    }
}

#[test]
fn fetch_base_fetches_a_commit_by_its_sha() {
    let (job, _origin, main) = shallow_checkout();
    let run = job.run(
        "fetch-base.sh",
        &job.workspace,
        &[("INPUT_BASE_REF", &main)],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(read(&job.output), format!("rev={main}\n"));
    assert_eq!(
        git(&job.workspace, &["rev-parse", &format!("{main}^{{tree}}")]).len(),
        40
    );
}

#[test]
fn fetch_base_reports_a_base_that_does_not_exist() {
    let (job, _origin, _main) = shallow_checkout();
    let run = job.run(
        "fetch-base.sh",
        &job.workspace,
        &[("INPUT_BASE_REF", "release")],
    );
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stdout,
        "::error title=aicost-policy::the base `release` could not be fetched from origin: set \
         the base-ref input to a branch, tag or commit of this repository\n"
    );
    assert_eq!(read(&job.output), "");
}

#[test]
fn fetch_base_without_a_base_compares_nothing() {
    let job = Job::new();
    let run = job.run("fetch-base.sh", &job.workspace, &[("INPUT_BASE_REF", "")]);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""));
    assert_eq!(read(&job.output), "rev=\n");

    // With a base, a workspace that is not a git repository is an error.
    let run = job.run(
        "fetch-base.sh",
        &job.workspace,
        &[("INPUT_BASE_REF", "main")],
    );
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stdout,
        format!(
            "::error title=aicost-policy::{} is not a git repository, so the base `main` cannot \
             be read: check out the repository with actions/checkout before this action\n",
            job.workspace.display()
        )
    );
}

// ---------------------------------------------------------------------------------------
// cache-key.sh and install.sh
// ---------------------------------------------------------------------------------------

const RUNNER: [(&str, &str); 3] = [
    ("RUNNER_OS", "Linux"),
    ("RUNNER_ARCH", "X64"),
    ("CARGO_HOME", "/opt/cargo"),
];

/// Runs cache-key.sh on the sources in `action_path` and returns its outputs.
fn cache_key(job: &Job, action_path: &Path) -> String {
    std::fs::write(&job.output, "").unwrap();
    let action_path = action_path.display().to_string();
    let mut env = RUNNER.to_vec();
    env.push(("GITHUB_ACTION_PATH", &action_path));
    let run = job.run("cache-key.sh", &job.workspace, &env);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""), "{}", run.stderr);
    read(&job.output)
}

fn key_of(outputs: &str) -> &str {
    outputs
        .lines()
        .next()
        .unwrap()
        .strip_prefix("key=")
        .unwrap()
}

#[test]
fn cache_key_names_the_build_and_the_cargo_registry() {
    let job = Job::new();
    let outputs = cache_key(&job, Path::new(CRATE_DIR));
    let key = key_of(&outputs);
    let hash = key.strip_prefix("aicost-policy-v1-Linux-X64-").unwrap();
    assert!(
        hash.len() == 32 && hash.bytes().all(|b| b.is_ascii_hexdigit()),
        "{key}"
    );
    let root = job.runner_temp.join("aicost-policy").display().to_string();
    assert_eq!(
        outputs,
        format!(
            "key={key}\nrestore-prefix=aicost-policy-v1-Linux-X64-\nroot={root}\n\
             paths<<AICOST_POLICY_PATHS_{hash}\n{root}\n/opt/cargo/registry/index\n\
             /opt/cargo/registry/cache\n/opt/cargo/git/db\nAICOST_POLICY_PATHS_{hash}\n"
        )
    );
    assert_eq!(cache_key(&job, Path::new(CRATE_DIR)), outputs);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A moving reference such as @v0 must not reuse a build of other sources: any change to a
/// file the build reads changes the key; files it does not read do not.
#[test]
fn cache_key_changes_with_the_sources() {
    let job = Job::new();
    let copy = job.runner_temp.join("action");
    for dir in ["src", "policies", "catalog"] {
        copy_dir(&Path::new(CRATE_DIR).join(dir), &copy.join(dir));
    }
    for file in ["Cargo.toml", "Cargo.lock"] {
        std::fs::copy(Path::new(CRATE_DIR).join(file), copy.join(file)).unwrap();
    }
    let original = cache_key(&job, &copy);
    assert_eq!(original, cache_key(&job, Path::new(CRATE_DIR)));

    std::fs::write(copy.join("README.md"), "not part of the build\n").unwrap();
    assert_eq!(cache_key(&job, &copy), original);

    let policy = copy.join("policies/required_tags_missing.cedar");
    let mut text = read(&policy);
    text.push('\n');
    std::fs::write(&policy, text).unwrap();
    assert_ne!(key_of(&cache_key(&job, &copy)), key_of(&original));
}

#[test]
fn cache_key_needs_cargo() {
    let job = Job::new();
    let empty = job.runner_temp.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let empty = empty.display().to_string();
    let run = job.run("cache-key.sh", &job.workspace, &[("PATH", &empty)]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stdout,
        "::error title=aicost-policy::cargo was not found: this action builds aicost-policy \
         from source and needs a Rust toolchain. GitHub-hosted runners have one; on other \
         runners add a step that installs Rust (for example dtolnay/rust-toolchain) before \
         this action.\n"
    );
}

/// A `cargo` that records how it was called and installs a stand-in binary.
const FAKE_CARGO: &str = r#"#!/usr/bin/env bash
{ pwd; printf '%s\n' "$@"; } >"$CARGO_CALLS"
root=""
previous=""
for arg in "$@"; do
    if [ "$previous" = --root ]; then root="$arg"; fi
    previous="$arg"
done
mkdir -p "$root/bin"
printf '#!/usr/bin/env bash\necho "aicost-policy 0.1.0 (new)"\n' >"$root/bin/aicost-policy"
chmod +x "$root/bin/aicost-policy"
"#;

fn install(job: &Job, key: &str) -> Run {
    let tools = job.runner_temp.join("tools");
    write_executable(&tools.join("cargo"), FAKE_CARGO);
    let path = format!("{}:{}", tools.display(), std::env::var("PATH").unwrap());
    let root = job.runner_temp.join("aicost-policy").display().to_string();
    let calls = job.runner_temp.join("cargo-calls").display().to_string();
    job.run(
        "install.sh",
        &job.workspace,
        &[
            ("PATH", &path),
            ("AICOST_ROOT", &root),
            ("AICOST_CACHE_KEY", key),
            ("CARGO_CALLS", &calls),
        ],
    )
}

#[test]
fn install_builds_unless_the_cache_holds_the_same_build() {
    let job = Job::new();
    let root = job.runner_temp.join("aicost-policy");
    let calls = job.runner_temp.join("cargo-calls");

    // A build restored by prefix: another key, so it is rebuilt.
    write_executable(
        &root.join("bin/aicost-policy"),
        "#!/usr/bin/env bash\necho 'aicost-policy 0.0.9 (old)'\n",
    );
    std::fs::write(root.join("cache-key"), "aicost-policy-v1-Linux-X64-old\n").unwrap();
    let run = install(&job, "aicost-policy-v1-Linux-X64-new");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        format!(
            "::group::Building aicost-policy from {CRATE_DIR}\n::endgroup::\naicost-policy 0.1.0 (new)\n"
        )
    );
    assert_eq!(
        read(&calls),
        format!(
            "{CRATE_DIR}\ninstall\n--locked\n--force\n--path\n{CRATE_DIR}\n--root\n{}\n",
            root.display()
        )
    );
    assert_eq!(
        read(&job.output),
        format!("built=true\nbin={}/bin/aicost-policy\n", root.display())
    );
    assert_eq!(read(&job.github_path), format!("{}/bin\n", root.display()));
    assert_eq!(
        read(&root.join("cache-key")),
        "aicost-policy-v1-Linux-X64-new\n"
    );

    // The same key again: the cached build is used and cargo is not called.
    std::fs::remove_file(&calls).unwrap();
    std::fs::write(&job.output, "").unwrap();
    let run = install(&job, "aicost-policy-v1-Linux-X64-new");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "aicost-policy: using the cached build (aicost-policy-v1-Linux-X64-new)\n\
         aicost-policy 0.1.0 (new)\n"
    );
    assert!(!calls.exists(), "cargo ran");
    assert_eq!(
        read(&job.output),
        format!("built=false\nbin={}/bin/aicost-policy\n", root.display())
    );
}
