//! Approvals authorized by Cedar (issue 19, section 3): a change's failure whose policy
//! names approvers is `pending_approval` until a permitted reviewer approves the head
//! commit, then `approved`. The change is tests/guardrails.rs's: it adds $4,140.56 a month,
//! over a $1,000 guardrail; `finops` (alice, bob) owns the gate.
#![allow(clippy::panic, clippy::unwrap_used, clippy::indexing_slicing)]

use crate::common;

use std::path::Path;

use serde_json::{json, Value};

use common::git_repo::{copy_dir, GitRepo};
use common::run::aicost;

const CRATE_DIR: &str = env!("CARGO_MANIFEST_DIR");

const RULES: &str = r#"
[guardrails]
max_monthly_increase = 1000

[approvals]
owners = "finops"

[approvals.groups]
finops = ["alice", "bob"]
cfo = ["dana"]
"#;

/// The guardrails change with `extra` appended to the configuration on both sides, and
/// `policies` (file name, text) in `policies/` of both sides.
fn change(extra: &str, policies: &[(&str, &str)]) -> GitRepo {
    let repo = GitRepo::new();
    let data = Path::new(CRATE_DIR).join("testdata/guardrails");
    for side in ["base", "head"] {
        let scratch = tempfile::tempdir().unwrap();
        copy_dir(&data.join(side), scratch.path());
        let config = scratch.path().join("aicost-policy.toml");
        let mut text = std::fs::read_to_string(&config).unwrap();
        if !policies.is_empty() {
            text = text.replace(
                "required_tags = [\"team\"]",
                "required_tags = [\"team\"]\npolicy_dirs = [\"policies\"]",
            );
            std::fs::create_dir(scratch.path().join("policies")).unwrap();
            for (name, body) in policies {
                std::fs::write(scratch.path().join("policies").join(name), body).unwrap();
            }
        }
        std::fs::write(&config, text + extra).unwrap();
        repo.commit_tree(scratch.path(), side);
    }
    repo
}

fn head(repo: &GitRepo) -> String {
    repo.git(&["rev-parse", "HEAD"]).trim().to_string()
}

fn review(user: &str, state: &str, commit: &str, at: &str) -> Value {
    json!({"id": 1, "user": {"login": user, "type": "User"}, "state": state,
           "commit_id": commit, "submitted_at": at, "body": ""})
}

/// A file holding `reviews` as GitHub lists them.
fn reviews_file(reviews: &[Value]) -> tempfile::NamedTempFile {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), Value::Array(reviews.to_vec()).to_string()).unwrap();
    file
}

/// `diff --format json` with `reviews` as the approvals file, by carol unless `extra`
/// names another author.
fn diff(repo: &GitRepo, reviews: &[Value], extra: &[&str]) -> (i32, Value) {
    let file = reviews_file(reviews);
    let path = file.path().to_str().unwrap().to_string();
    let mut args = vec![
        "diff",
        ".",
        "--base",
        "HEAD~1",
        "--format",
        "json",
        "--approvals",
        &path,
    ];
    if !extra.contains(&"--author") {
        args.extend(["--author", "carol"]);
    }
    args.extend_from_slice(extra);
    let run = aicost(&repo.path(), &args, &[]);
    let report = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", run.stdout, run.stderr));
    (run.code, report)
}

/// The one finding of `policy`.
fn finding<'a>(report: &'a Value, policy: &str) -> &'a Value {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["policy_id"] == policy)
        .unwrap_or_else(|| panic!("no {policy}: {report}"))
}

#[test]
fn without_approvals_a_guardrail_failure_is_pending_and_fails_the_run() {
    let repo = change(RULES, &[]);
    let (code, report) = diff(&repo, &[], &[]);
    assert_eq!(code, 1, "{report}");
    let f = finding(&report, "AIC-CHANGE-001");
    assert_eq!(f["status"], "pending_approval");
    assert_eq!(
        f["approval"],
        json!({"approvers": "finops", "required": 1, "approvals": [], "not_counted": []})
    );
    assert_eq!(report["summary"]["findings"]["pending_approval"], 1);
    assert_eq!(report["summary"]["findings"]["new_failed"], 0);
}

#[test]
fn an_approval_by_a_member_on_the_head_commit_clears_it() {
    let repo = change(RULES, &[]);
    let sha = head(&repo);
    let (code, report) = diff(
        &repo,
        &[review("bob", "APPROVED", &sha, "2026-12-01T10:00:00Z")],
        &[],
    );
    assert_eq!(code, 0, "{report}");
    let f = finding(&report, "AIC-CHANGE-001");
    assert_eq!(f["status"], "approved");
    assert_eq!(
        f["approval"]["approvals"],
        json!([{"user": "bob", "commit": sha, "submitted_at": "2026-12-01T10:00:00Z"}])
    );
    assert_eq!(report["summary"]["findings"]["approved"], 1);
}

#[test]
fn a_non_member_the_author_a_stale_approval_and_changes_requested_do_not_count() {
    let repo = change(RULES, &[]);
    let sha = head(&repo);
    let base = repo.git(&["rev-parse", "HEAD~1"]).trim().to_string();
    let reviews = [
        // Not in finops.
        review("erin", "APPROVED", &sha, "2026-12-01T10:00:00Z"),
        // A member, but on the commit before the last push.
        review("alice", "APPROVED", &base, "2026-12-01T09:00:00Z"),
        // A member who approved, then asked for changes.
        review("bob", "APPROVED", &sha, "2026-12-01T10:00:00Z"),
        review("bob", "CHANGES_REQUESTED", &sha, "2026-12-01T11:00:00Z"),
        // A comment after that neither gives nor takes an approval.
        review("bob", "COMMENTED", &sha, "2026-12-01T12:00:00Z"),
    ];
    let (code, report) = diff(&repo, &reviews, &[]);
    assert_eq!(code, 1, "{report}");
    let f = finding(&report, "AIC-CHANGE-001");
    assert_eq!(f["status"], "pending_approval");
    assert_eq!(
        f["approval"]["not_counted"],
        json!([
            format!(
                "alice approved {}, not the change's head commit",
                &base[..12]
            ),
            "bob requested changes",
            "erin may not approve it: no approval policy permits it (not in `finops`)",
        ])
    );

    // The author is a member, but no one approves their own change.
    let (code, report) = diff(
        &repo,
        &[review("alice", "APPROVED", &sha, "2026-12-01T10:00:00Z")],
        &["--author", "alice"],
    );
    assert_eq!(code, 1, "{report}");
    let f = finding(&report, "AIC-CHANGE-001");
    assert_eq!(f["status"], "pending_approval");
    assert_eq!(
        f["approval"]["not_counted"],
        json!(["alice may not approve it: forbidden by AIC-APPROVE-002"])
    );
}

#[test]
fn required_approvals_are_counted() {
    let repo = change(
        &RULES.replace("owners = \"finops\"", "owners = \"finops\"\nrequired = 2"),
        &[],
    );
    let sha = head(&repo);
    let one = [review("alice", "APPROVED", &sha, "2026-12-01T10:00:00Z")];
    let (code, report) = diff(&repo, &one, &[]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(
        finding(&report, "AIC-CHANGE-001")["status"],
        "pending_approval"
    );
    let two = [
        one[0].clone(),
        review("bob", "APPROVED", &sha, "2026-12-01T10:30:00Z"),
    ];
    let (code, report) = diff(&repo, &two, &[]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(finding(&report, "AIC-CHANGE-001")["status"], "approved");
}

#[test]
fn a_user_approval_policy_changes_who_counts() {
    // Team leads (erin) may approve increases under $5,000; above $4,000 a month, finops
    // alone is not enough: the CFO's group must approve.
    let lead = r#"
@id("ACME-APPROVE-LEAD")
permit (principal == User::"erin", action == Action::"approve", resource)
when { resource.delta_monthly.lessThan(decimal("5000.0")) };
"#;
    let repo = change(RULES, &[("approve.cedar", lead)]);
    let sha = head(&repo);
    let (code, report) = diff(
        &repo,
        &[review("erin", "APPROVED", &sha, "2026-12-01T10:00:00Z")],
        &[],
    );
    assert_eq!(code, 0, "{report}");
    assert_eq!(finding(&report, "AIC-CHANGE-001")["status"], "approved");

    let cfo = r#"
@id("ACME-APPROVE-CFO")
forbid (principal, action == Action::"approve", resource)
when { resource.delta_monthly.greaterThan(decimal("4000.0")) && !(principal in Group::"cfo") };
"#;
    let repo = change(RULES, &[("approve.cedar", cfo)]);
    let sha = head(&repo);
    let (code, report) = diff(
        &repo,
        &[review("bob", "APPROVED", &sha, "2026-12-01T10:00:00Z")],
        &[],
    );
    assert_eq!(code, 1, "{report}");
    let f = finding(&report, "AIC-CHANGE-001");
    assert_eq!(
        f["approval"]["not_counted"],
        json!(["bob may not approve it: forbidden by ACME-APPROVE-CFO"])
    );
}

#[test]
fn a_policy_names_its_own_approvers() {
    let policy = r#"
@id("ACME-CHANGE-2")
@severity("high")
@message("the change adds {accelerators_added} accelerators")
@approvers("cfo")
forbid (principal, action == Action::"change", resource)
when { resource.accelerators_added > 2 };
"#;
    let repo = change(RULES, &[("accelerators.cedar", policy)]);
    let sha = head(&repo);
    let (code, report) = diff(
        &repo,
        &[
            review("bob", "APPROVED", &sha, "2026-12-01T10:00:00Z"),
            review("dana", "APPROVED", &sha, "2026-12-01T10:00:00Z"),
        ],
        &[],
    );
    // Bob (finops) clears the built-in guardrail; only dana (cfo) clears ACME-CHANGE-2.
    assert_eq!(code, 0, "{report}");
    let own = finding(&report, "ACME-CHANGE-2");
    assert_eq!(own["status"], "approved");
    assert_eq!(own["approval"]["approvers"], "cfo");
    assert_eq!(own["approval"]["approvals"][0]["user"], "dana");
    assert_eq!(
        finding(&report, "AIC-CHANGE-001")["approval"]["approvals"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["user"].as_str().unwrap())
            .collect::<Vec<_>>(),
        vec!["bob"]
    );
}

#[test]
fn an_edit_to_the_gate_needs_the_owners_approval() {
    let repo = GitRepo::new();
    let data = Path::new(CRATE_DIR).join("testdata/guardrails");
    let base = tempfile::tempdir().unwrap();
    copy_dir(&data.join("base"), base.path());
    let config = base.path().join("aicost-policy.toml");
    let text = std::fs::read_to_string(&config).unwrap() + RULES;
    std::fs::write(&config, &text).unwrap();
    repo.commit_tree(base.path(), "base");
    // The head only raises its own guardrail.
    std::fs::write(
        repo.path().join("aicost-policy.toml"),
        text.replace(
            "max_monthly_increase = 1000",
            "max_monthly_increase = 100000",
        ),
    )
    .unwrap();
    repo.git(&["commit", "-q", "-a", "-m", "raise the guardrail"]);
    let sha = head(&repo);
    let (code, report) = diff(&repo, &[], &[]);
    assert_eq!(code, 1, "{report}");
    let f = finding(&report, "AIC-GOV-001");
    assert_eq!(f["status"], "pending_approval");
    assert_eq!(f["approval"]["approvers"], "finops");
    let (code, report) = diff(
        &repo,
        &[review("alice", "APPROVED", &sha, "2026-12-01T10:00:00Z")],
        &[],
    );
    assert_eq!(code, 0, "{report}");
    assert_eq!(finding(&report, "AIC-GOV-001")["status"], "approved");
}

#[test]
fn the_text_and_markdown_reports_say_what_needs_whom() {
    let repo = change(RULES, &[]);
    let run = aicost(
        &repo.path(),
        &[
            "diff", ".", "--base", "HEAD~1", "--color", "never", "--author", "carol",
        ],
        &[],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("AIC-CHANGE-001 [high, pending approval]\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("╰── needs 1 approval of the head commit from finops\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.ends_with(
            "  0 changed, 2 added, 0 removed, 1 unchanged, 0 new failures (0 existing), 0 new unknowns (0 existing), 1 pending approval\n"
        ),
        "{}",
        run.stdout
    );
    let run = aicost(
        &repo.path(),
        &[
            "diff", ".", "--base", "HEAD~1", "--format", "markdown", "--author", "carol",
        ],
        &[],
    );
    assert!(
        run.stdout.contains(
            "#### 🔏 Approvals\n\n- **AIC-CHANGE-001** at `main.tf:17`: ⏳ needs 1 approval of the head commit from `finops` — the change raises the monthly cost by $4,140.56 (467.99% of the base), more than the guardrail of $1,000.00 a month; largest: aws_instance.embeddings (+$4,140.56)\n"
        ),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("introduces no policy failures"),
        "{}",
        run.stdout
    );

    // Approved: who approved, at which commit.
    let sha = head(&repo);
    let file = reviews_file(&[review("bob", "APPROVED", &sha, "2026-12-01T10:00:00Z")]);
    let run = aicost(
        &repo.path(),
        &[
            "diff",
            ".",
            "--base",
            "HEAD~1",
            "--format",
            "markdown",
            "--author",
            "carol",
            "--approvals",
            file.path().to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains(&format!(
            "- **AIC-CHANGE-001** at `main.tf:17`: ✅ approved by `bob` at `{}` — the change",
            &sha[..12]
        )),
        "{}",
        run.stdout
    );
}

#[test]
fn a_reviews_file_that_is_not_a_review_list_is_an_error() {
    let repo = change(RULES, &[]);
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), r#"{"message": "Not Found"}"#).unwrap();
    let run = aicost(
        &repo.path(),
        &[
            "diff",
            ".",
            "--base",
            "HEAD~1",
            "--approvals",
            file.path().to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "expected a JSON array of reviews as `gh api repos/O/R/pulls/N/reviews` prints it"
        ),
        "{}",
        run.stderr
    );
}

/// `--approvals github` in a pull-request run: the reviews and the members of the team a
/// group names come from a local stand-in for the GitHub API; logins compare in lower case.
#[tokio::test(flavor = "multi_thread")]
async fn approvals_are_read_from_github_with_the_members_of_a_team() {
    use wiremock::matchers::{header, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let server = MockServer::start().await;
    let rules = RULES.replace(
        "finops = [\"alice\", \"bob\"]",
        "finops = [\"alice\", \"@Acme/finops\"]",
    );
    let repo = change(&rules, &[]);
    let sha = head(&repo);
    Mock::given(method("GET"))
        .and(path("/repos/octo/app/pulls/5/reviews"))
        .and(header("authorization", "Bearer ghs_test_token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            review("Bob", "APPROVED", &sha, "2026-12-01T10:00:00Z"),
            review("erin", "APPROVED", &sha, "2026-12-01T10:01:00Z"),
        ])))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/orgs/acme/teams/finops/members"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{"login": "bob", "id": 2}])))
        .expect(1)
        .mount(&server)
        .await;
    let event = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        event.path(),
        json!({"pull_request": {"number": 5, "user": {"login": "carol"}, "head": {"sha": sha}}})
            .to_string(),
    )
    .unwrap();
    let (dir, event_path, uri) = (
        repo.path(),
        event.path().to_str().unwrap().to_string(),
        server.uri(),
    );
    let run = tokio::task::spawn_blocking(move || {
        aicost(
            &dir,
            &[
                "diff",
                ".",
                "--base",
                "HEAD~1",
                "--format",
                "json",
                "--approvals",
                "github",
            ],
            &[
                ("GITHUB_EVENT_PATH", event_path.as_str()),
                ("GITHUB_REPOSITORY", "octo/app"),
                ("GITHUB_API_URL", uri.as_str()),
                ("GITHUB_TOKEN", "ghs_test_token"),
            ],
        )
    })
    .await
    .unwrap();
    let report: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", run.stdout, run.stderr));
    assert_eq!(run.code, 0, "{report}\n{}", run.stderr);
    let f = finding(&report, "AIC-CHANGE-001");
    assert_eq!(f["status"], "approved");
    assert_eq!(
        f["approval"]["approvals"],
        json!([{"user": "bob", "commit": sha, "submitted_at": "2026-12-01T10:00:00Z"}])
    );
    assert!(!run.stderr.contains("ghs_test_token"), "{}", run.stderr);
}

#[test]
fn approvals_from_github_outside_a_pull_request_run_say_what_is_missing() {
    let repo = change(RULES, &[]);
    let run = aicost(
        &repo.path(),
        &[
            "diff",
            ".",
            "--base",
            "HEAD~1",
            "--approvals",
            "github",
            "--repo",
            "octo/app",
        ],
        &[],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "error: no pull request number\n  help: give --pr N (in GitHub Actions it is read from the pull_request event)\n"
    );
}

#[test]
fn sarif_and_junit_show_the_approval_state() {
    let repo = change(RULES, &[]);
    let sha = head(&repo);
    let file = reviews_file(&[review("bob", "APPROVED", &sha, "2026-12-01T10:00:00Z")]);
    let reviews = file.path().to_str().unwrap();
    let run = |format: &str, with_reviews: bool| {
        let mut args = vec![
            "diff", ".", "--base", "HEAD~1", "--format", format, "--author", "carol",
        ];
        if with_reviews {
            args.extend(["--approvals", reviews]);
        }
        aicost(&repo.path(), &args, &[])
    };
    let sarif: Value = serde_json::from_str(&run("sarif", true).stdout).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["properties"]["status"], "approved");
    assert_eq!(
        result["suppressions"],
        json!([{"kind": "external", "status": "accepted",
                "justification": format!("approved by bob at {}", &sha[..12])}])
    );
    let sarif: Value = serde_json::from_str(&run("sarif", false).stdout).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["properties"]["status"], "pending_approval");
    assert_eq!(result["properties"]["approvers"], "finops");
    assert_eq!(result.get("suppressions"), None);

    let junit = run("junit", true).stdout;
    assert!(
        junit.contains(&format!(
            "<skipped message=\"approved: approved by bob at {}\"/>",
            &sha[..12]
        )),
        "{junit}"
    );
    let junit = run("junit", false).stdout;
    assert!(junit.contains("type=\"pending approval\""), "{junit}");
}
