//! `fetch-base.sh`: the base of the comparison in a shallow checkout, fetched from a local
//! repository standing in for GitHub.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{read, which, Job};

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
