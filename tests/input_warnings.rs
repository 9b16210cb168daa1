//! Input warnings (a value for a variable no module declares) in every report format:
//! SARIF tool notifications, GitHub `::warning` annotations, a Markdown list, JUnit skipped
//! cases. The real binary on testdata/mistakes/undeclared_vars, whose terraform.tfvars sets
//! `instance_typ` (one warning); `--var-file extra.tfvars` adds `region` (a second one).
//! Warnings never change the exit code.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use crate::common;

use std::path::Path;

use serde_json::{json, Value};

use common::git_repo::GitRepo;
use common::run::{aicost, Run};

const VARS: &str = "testdata/mistakes/undeclared_vars";
const TFVARS: &str = "testdata/mistakes/undeclared_vars/terraform.tfvars";
const MESSAGE: &str = "value for undeclared variable `instance_typ`: the root module `testdata/mistakes/undeclared_vars` does not declare it, so the value is ignored";
const SUMMARY: &str = "1 resource, 18 policies, 0 failed findings, 0 unknown, 1 warning, $70.08/month (ceiling $70.08)\n";

fn check(args: &[&str]) -> Run {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--today", "2026-11-28"]);
    let run = aicost(Path::new(env!("CARGO_MANIFEST_DIR")), &all, &[]);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    // Every policy passes; a warning does not change the exit code.
    assert_eq!(run.code, 0, "{}", run.stdout);
    run
}

#[test]
fn github_annotates_a_warning_at_its_line() {
    let run = check(&[VARS, "--format", "github"]);
    assert_eq!(
        run.stdout,
        format!(
            "::warning file={TFVARS},line=4,endLine=4,col=1,title=aicost-policy%3A input warning::{MESSAGE}%0Adid you mean `instance_type`?\n{SUMMARY}"
        )
    );
}

#[test]
fn github_annotates_every_warning_with_its_help() {
    let run = check(&[
        VARS,
        "--var-file",
        "testdata/mistakes/undeclared_vars/extra.tfvars",
        "--format",
        "github",
    ]);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "::warning file=testdata/mistakes/undeclared_vars/extra.tfvars,line=2,endLine=2,col=1,title=aicost-policy%3A input warning::value for undeclared variable `region`: no checked root module declares it, so the value is ignored%0Adeclare it with a `variable \"region\"` block to use the value, or remove the entry",
            &format!("::warning file={TFVARS},line=4,endLine=4,col=1,title=aicost-policy%3A input warning::{MESSAGE}%0Adid you mean `instance_type`?"),
            "1 resource, 18 policies, 0 failed findings, 0 unknown, 2 warnings, $70.08/month (ceiling $70.08)",
        ]
    );
}

#[test]
fn sarif_gives_a_warning_as_a_tool_notification_like_an_input_error() {
    let run = check(&[VARS, "--format", "sarif"]);
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(common::sarif::errors(&doc), Vec::<String>::new());
    let sarif_run = &doc["runs"][0];
    assert_eq!(
        sarif_run["invocations"],
        json!([{
            "executionSuccessful": true,
            "toolExecutionNotifications": [{
                "level": "warning",
                "message": {"text": format!("{MESSAGE}\ndid you mean `instance_type`?")},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": TFVARS, "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": 4, "startColumn": 1, "endLine": 4},
                    }
                }],
            }],
        }])
    );
    // Not a finding of any policy.
    assert_eq!(sarif_run["results"], json!([]));
}

#[test]
fn markdown_lists_the_warning_with_its_help() {
    let run = check(&[VARS, "--format", "markdown"]);
    assert_eq!(
        run.stdout,
        "### 💰 aicost-policy: $70 / month\n\
         \n\
         1 resource, $70.08 / month (ceiling $70.08); 18 policies: 0 failed findings, 0 unknown, 0 suppressed.\n\
         \n\
         #### 📌 1 assumption\n\
         \n\
         _These amounts rest on what was assumed, not on what the files say._\n\
         \n\
         - `aws_instance.batch` ($70.08/month): the region is unknown (provider \"aws\" sets no region (it comes from AWS_REGION when Terraform runs)); priced at us-east-1 rates\n\
         \n\
         #### ⚠️ 1 warning\n\
         \n\
         - `testdata/mistakes/undeclared_vars/terraform.tfvars:4`: value for undeclared variable \\`instance_typ\\`: the root module \\`testdata/mistakes/undeclared_vars\\` does not declare it, so the value is ignored — did you mean \\`instance_type\\`?\n\
         \n\
         <sub>List prices in USD from the aicost-policy catalog as of 2026-11-28; 730 hours a month. \\* partial estimate. aicost-policy 0.1.0.</sub>\n"
    );
}

const COMMENT_WARNINGS: &str = "\n#### ⚠️ 1 warning\n\n- `terraform.tfvars:4`: value for undeclared variable \\`instance_typ\\`: the root module \\`.\\` does not declare it, so the value is ignored — did you mean \\`instance_type\\`?\n\n<sub>";

/// `diff . --base HEAD` in a repository whose only commit is the undeclared_vars root.
fn diff(repo: &GitRepo, format: &str) -> Run {
    let run = aicost(
        &repo.path(),
        &[
            "diff",
            ".",
            "--base",
            "HEAD",
            "--today",
            "2026-11-28",
            "--format",
            format,
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    run
}

/// `comment github --report FILE --dry-run`: the comment a saved diff report posts.
fn comment(repo: &GitRepo, saved: &Value) -> Run {
    let file = repo.path().join("diff.json");
    std::fs::write(&file, saved.to_string()).unwrap();
    let run = aicost(
        &repo.path(),
        &[
            "comment",
            "github",
            "--report",
            file.to_str().unwrap(),
            "--dry-run",
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    run
}

#[test]
fn the_pull_request_comment_lists_the_head_warnings() {
    let repo = GitRepo::new();
    repo.commit_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join(VARS), "base");
    let markdown = diff(&repo, "markdown").stdout;
    assert!(markdown.contains(COMMENT_WARNINGS), "{markdown}");

    let mut saved: Value = serde_json::from_str(&diff(&repo, "json").stdout).unwrap();
    assert_eq!(
        saved["warnings"],
        json!([{
            "file": "terraform.tfvars",
            "line": 4,
            "message": "value for undeclared variable `instance_typ`: the root module `.` does not declare it, so the value is ignored",
            "help": "did you mean `instance_type`?",
        }])
    );
    // The saved report posts the same comment.
    assert_eq!(comment(&repo, &saved).stdout, markdown);
    // A report saved by an older version, without `warnings`, still reads: none are shown.
    saved.as_object_mut().unwrap().remove("warnings");
    let older = comment(&repo, &saved).stdout;
    assert!(!older.contains("warning"), "{older}");
    assert_eq!(
        older,
        markdown.replace(COMMENT_WARNINGS.strip_suffix("\n<sub>").unwrap(), "")
    );
}

#[test]
fn junit_gives_a_warning_as_a_skipped_case_of_the_input_suite() {
    let run = check(&[VARS, "--format", "junit"]);
    assert!(
        run.stdout.contains(
            "<testsuites name=\"aicost-policy\" tests=\"19\" failures=\"0\" errors=\"0\" skipped=\"1\">\n"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.ends_with(&format!(
            "  <testsuite name=\"input\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"1\">\n\
             \x20   <testcase name=\"{TFVARS}:4\" classname=\"input\" file=\"{TFVARS}\" line=\"4\">\n\
             \x20     <skipped message=\"warning: {MESSAGE}\">{TFVARS}:4: {MESSAGE}\nhelp: did you mean `instance_type`?</skipped>\n\
             \x20   </testcase>\n\
             \x20 </testsuite>\n\
             </testsuites>\n"
        )),
        "{}",
        run.stdout
    );
}
