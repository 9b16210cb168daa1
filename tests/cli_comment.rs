//! `aicost-policy comment github` end to end: the real binary on the two-commit repository
//! of tests/cli_diff.rs, posting to a local stand-in for the GitHub API (wiremock on
//! 127.0.0.1). The behaviours, retries and refusals themselves are tested on the publish
//! stage in tests/comment_github.rs; here: what the command posts, where its settings come
//! from, that reports are written before posting, and its exit codes.

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
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TODAY: &str = "2026-11-28";
const CRATE_DIR: &str = env!("CARGO_MANIFEST_DIR");
const TOKEN: &str = "ghs_CLI9fakeTokenXq2Wm8";
const LIST: &str = "/repos/acme/ml-infra/issues/7/comments";

fn repository() -> GitRepo {
    let repo = GitRepo::new();
    let data = Path::new(CRATE_DIR).join("testdata/diff");
    repo.commit_tree(&data.join("base"), "base");
    repo.commit_tree(&data.join("head"), "head");
    repo
}

/// The Markdown `diff` prints for the same change: what the comment must carry.
fn expected_markdown(dir: &Path) -> String {
    let run = aicost(
        dir,
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
        &[],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    run.stdout
}

struct Github {
    runtime: tokio::runtime::Runtime,
    server: MockServer,
}

impl Github {
    /// A server with no comments on pull request 7 that accepts a new one.
    fn empty() -> Github {
        Github::with_comments(json!([]))
    }

    /// A server listing `comments` on pull request 7, for the GITHUB_TOKEN of GitHub
    /// Actions: `GET /user` refused, GraphQL's viewer `github-actions[bot]`.
    fn with_comments(comments: Value) -> Github {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let server = runtime.block_on(MockServer::start());
        runtime.block_on(
            Mock::given(method("GET"))
                .and(path(LIST))
                .respond_with(ResponseTemplate::new(200).set_body_json(comments))
                .mount(&server),
        );
        runtime.block_on(
            Mock::given(method("GET"))
                .and(path("/user"))
                .respond_with(ResponseTemplate::new(403).set_body_json(json!({
                    "message": "Resource not accessible by integration"
                })))
                .mount(&server),
        );
        runtime.block_on(
            Mock::given(method("POST"))
                .and(path("/graphql"))
                .and(body_partial_json(
                    json!({ "query": "query { viewer { login } }" }),
                ))
                .respond_with(ResponseTemplate::new(200).set_body_json(
                    json!({ "data": { "viewer": { "login": "github-actions[bot]" } } }),
                ))
                .mount(&server),
        );
        Github { runtime, server }
    }

    fn accept_create(&self) {
        self.runtime.block_on(
            Mock::given(method("POST"))
                .and(path(LIST))
                .respond_with(ResponseTemplate::new(201).set_body_json(json!({
                    "id": 901,
                    "node_id": "IC_901",
                    "html_url": "https://github.com/acme/ml-infra/pull/7#issuecomment-901",
                    "body": "",
                    "created_at": "2026-11-28T10:00:00Z",
                })))
                .mount(&self.server),
        );
    }

    fn refuse_create(&self) {
        self.runtime.block_on(
            Mock::given(method("POST"))
                .and(path(LIST))
                .respond_with(ResponseTemplate::new(403).set_body_json(json!({
                    "message": "Resource not accessible by integration",
                    "documentation_url": "https://docs.github.com/rest/issues/comments#create-an-issue-comment",
                })))
                .mount(&self.server),
        );
    }

    /// The bodies of the comments posted.
    fn posted(&self) -> Vec<String> {
        let requests = self
            .runtime
            .block_on(self.server.received_requests())
            .unwrap();
        requests
            .iter()
            .filter(|r| r.method.as_str() == "POST" && r.url.path() == LIST)
            .map(|r| {
                assert_eq!(
                    r.headers.get("authorization").unwrap().to_str().unwrap(),
                    format!("Bearer {TOKEN}")
                );
                let body: Value = serde_json::from_slice(&r.body).unwrap();
                body["body"].as_str().unwrap().to_string()
            })
            .collect()
    }

    /// Every request, as `METHOD /path`.
    fn requests(&self) -> Vec<String> {
        let requests = self
            .runtime
            .block_on(self.server.received_requests())
            .unwrap();
        requests
            .iter()
            .map(|r| format!("{} {}", r.method, r.url.path()))
            .collect()
    }

    fn uri(&self) -> String {
        self.server.uri()
    }
}

/// `comment github` on the repository's last commit with --soft-fail, posting to `github`.
fn comment(dir: &Path, github: &Github, extra: &[&str], env: &[(&str, &str)]) -> common::run::Run {
    let mut args = vec![
        "comment",
        "github",
        "infra",
        "--base",
        "HEAD~1",
        "--today",
        TODAY,
        "--repo",
        "acme/ml-infra",
        "--pr",
        "7",
        "--soft-fail",
    ];
    let uri = github.uri();
    args.extend(["--github-api-url", uri.as_str()]);
    args.extend(extra);
    aicost(dir, &args, env)
}

#[test]
fn the_comment_is_the_diff_markdown_under_our_marker() {
    let repo = repository();
    let dir = repo.path();
    let github = Github::empty();
    github.accept_create();
    let report = dir.join("diff.json");
    let run = aicost(
        &dir,
        &[
            "comment",
            "github",
            "infra",
            "--base",
            "HEAD~1",
            "--today",
            TODAY,
            "--repo",
            "acme/ml-infra",
            "--pr",
            "7",
            "--tag",
            "prod",
            "--github-api-url",
            &github.uri(),
            "--format",
            "json",
            "--output",
            report.to_str().unwrap(),
        ],
        &[("GITHUB_TOKEN", TOKEN)],
    );
    // The new failure fails the run; the comment is posted first.
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "posted the cost comment: https://github.com/acme/ml-infra/pull/7#issuecomment-901\n"
    );
    assert_eq!(
        github.posted(),
        vec![format!(
            "<!-- aicost-policy:comment tag=prod -->\n{}",
            expected_markdown(&dir)
        )]
    );
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(written["summary"]["delta"]["baseline"], "-347.60");
}

#[test]
fn settings_come_from_the_github_actions_environment() {
    let repo = repository();
    let dir = repo.path();
    let github = Github::empty();
    github.accept_create();
    let event = dir.join("event.json");
    std::fs::write(
        &event,
        r#"{"action": "synchronize", "pull_request": {"number": 7}}"#,
    )
    .unwrap();
    // The base branch is origin/<GITHUB_BASE_REF>: make it exist.
    repo.git(&["update-ref", "refs/remotes/origin/main", "HEAD~1"]);
    let run = aicost(
        &dir,
        &[
            "comment",
            "github",
            "infra",
            "--today",
            TODAY,
            "--soft-fail",
        ],
        &[
            ("GITHUB_TOKEN", TOKEN),
            ("GITHUB_REPOSITORY", "acme/ml-infra"),
            ("GITHUB_EVENT_PATH", event.to_str().unwrap()),
            ("GITHUB_BASE_REF", "main"),
            ("GITHUB_API_URL", &github.uri()),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let posted = github.posted();
    assert_eq!(posted.len(), 1);
    assert_eq!(
        posted[0],
        format!(
            "<!-- aicost-policy:comment tag=default -->\n{}",
            expected_markdown(&dir)
        )
    );
}

#[test]
fn a_read_only_token_is_exit_code_3_and_the_reports_are_still_written() {
    let repo = repository();
    let dir = repo.path();
    let github = Github::empty();
    github.refuse_create();
    let sarif = dir.join("out.sarif");
    let args = [
        "comment",
        "github",
        "infra",
        "--base",
        "HEAD~1",
        "--today",
        TODAY,
        "--repo",
        "acme/ml-infra",
        "--pr",
        "7",
        "--github-api-url",
        &github.uri(),
        "--format",
        "sarif",
        "--output",
        sarif.to_str().unwrap(),
        "--soft-fail",
    ];
    let run = aicost(&dir, &args, &[("GITHUB_TOKEN", TOKEN)]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(sarif.is_file());
    assert_eq!(
        run.stderr,
        "warning: the pull-request comment was not posted: GitHub refused to comment on acme/ml-infra#7 (HTTP 403): Resource not accessible by integration\n  help: the token needs write access to pull requests: in GitHub Actions give the job `permissions: pull-requests: write`. A pull request from a fork always gets a read-only GITHUB_TOKEN (GitHub answers \"Resource not accessible by integration\"); post the comment from a `workflow_run` workflow instead\n"
    );
    // A policy failure outranks the comment that could not be posted.
    let without_soft_fail: Vec<&str> = args
        .iter()
        .copied()
        .filter(|a| *a != "--soft-fail")
        .collect();
    let run = aicost(&dir, &without_soft_fail, &[("GITHUB_TOKEN", TOKEN)]);
    assert_eq!(run.code, 1);
}

#[test]
fn a_saved_report_is_posted_as_diff_would_render_it() {
    let repo = repository();
    let dir = repo.path();
    let saved = dir.join("saved.json");
    let run = aicost(
        &dir,
        &[
            "diff",
            "infra",
            "--base",
            "HEAD~1",
            "--today",
            TODAY,
            "--repo",
            "acme/ml-infra",
            "--format",
            "json",
            "--output",
            saved.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(run.code, 1);
    let github = Github::empty();
    github.accept_create();
    let run = aicost(
        &dir,
        &[
            "comment",
            "github",
            "--report",
            saved.to_str().unwrap(),
            "--repo",
            "acme/ml-infra",
            "--pr",
            "7",
            "--github-api-url",
            &github.uri(),
        ],
        &[("GITHUB_TOKEN", TOKEN)],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        github.posted(),
        vec![format!(
            "<!-- aicost-policy:comment tag=default -->\n{}",
            expected_markdown(&dir)
        )]
    );
    // --fail-on all also counts the existing failure; --soft-fail never fails.
    let run = aicost(
        &dir,
        &[
            "comment",
            "github",
            "--report",
            saved.to_str().unwrap(),
            "--dry-run",
            "--soft-fail",
        ],
        &[],
    );
    assert_eq!(run.code, 0);
    assert_eq!(run.stdout, expected_markdown(&dir));
}

/// Arguments, environment, and the exact standard error.
type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);

#[test]
fn missing_settings_are_usage_errors_before_any_analysis() {
    let repo = repository();
    let dir = repo.path();
    let cases: [Case; 5] = [
        (
            &["comment", "github", "infra", "--base", "HEAD~1", "--pr", "7"],
            &[("GITHUB_TOKEN", TOKEN)],
            "error: no repository to comment on\n  help: give --repo OWNER/REPO (GitHub Actions sets GITHUB_REPOSITORY)\n",
        ),
        (
            &["comment", "github", "infra", "--base", "HEAD~1", "--repo", "acme", "--pr", "7"],
            &[("GITHUB_TOKEN", TOKEN)],
            "error: `acme` is not OWNER/REPO\n  help: write the repository as OWNER/REPO, e.g. acme/infra\n",
        ),
        (
            &["comment", "github", "infra", "--base", "HEAD~1", "--repo", "acme/ml-infra"],
            &[("GITHUB_TOKEN", TOKEN)],
            "error: no pull request number\n  help: give --pr N (in GitHub Actions it is read from the pull_request event)\n",
        ),
        (
            &["comment", "github", "infra", "--base", "HEAD~1", "--repo", "acme/ml-infra", "--pr", "7"],
            &[],
            "error: the environment variable GITHUB_TOKEN holds no token\n  help: set it to a token that may write pull-request comments (in a workflow: env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}), or name another variable with --token-env\n",
        ),
        (
            &["comment", "github", "infra", "--base", "HEAD~1", "--tag", "non prod"],
            &[],
            "error: invalid comment tag \"non prod\": it contains ' '\n  help: a tag is 1 to 64 letters, digits, `.`, `_` or `-`, e.g. `prod` or `eu-west-1`\n",
        ),
    ];
    for (args, env, stderr) in cases {
        let run = aicost(&dir, args, env);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert_eq!(run.stdout, "", "{args:?}");
        assert_eq!(run.stderr, stderr, "{args:?}");
    }
}

/// A bad or expired token is a broken credential: exit 2 with what to check, never the
/// "may not write" exit 3 the Action turns into a warning.
#[test]
fn a_refused_token_is_exit_code_2() {
    let repo = repository();
    let dir = repo.path();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(MockServer::start());
    runtime.block_on(
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(401).set_body_json(json!({ "message": "Bad credentials" })),
            )
            .mount(&server),
    );
    let github = Github { runtime, server };
    let run = comment(
        &dir,
        &github,
        &["--token-env", "CI_TOKEN"],
        &[("CI_TOKEN", TOKEN)],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "error: the pull-request comment was not posted: the token was refused (401) when trying to find out whose token this is: Bad credentials\n  help: check the token in CI_TOKEN (--token-env names the variable): it may be expired, revoked or mistyped, or meant for another GitHub host (--github-api-url)\n"
    );
    assert_eq!(github.requests(), vec!["GET /user"]);
}

/// A participant wrote our marker on their own comment: it is not edited; ours is created.
#[test]
fn a_comment_someone_else_marked_is_left_alone() {
    let repo = repository();
    let dir = repo.path();
    let github = Github::with_comments(json!([{
        "id": 55,
        "node_id": "IC_55",
        "body": "<!-- aicost-policy:comment tag=default -->\nplease overwrite me",
        "created_at": "2026-11-28T09:00:00Z",
        "html_url": "https://github.com/acme/ml-infra/pull/7#issuecomment-55",
        "user": { "login": "mallory", "type": "User" },
    }]));
    github.accept_create();
    let run = comment(&dir, &github, &[], &[("GITHUB_TOKEN", TOKEN)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        github.requests(),
        vec![
            "GET /user",
            "POST /graphql",
            format!("GET {LIST}").as_str(),
            format!("POST {LIST}").as_str(),
        ]
    );
    // With --comment-author, GitHub is not asked whose the token is.
    let github = Github::empty();
    github.accept_create();
    let run = comment(
        &dir,
        &github,
        &["--comment-author", "github-actions[bot]"],
        &[("GITHUB_TOKEN", TOKEN)],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        github.requests(),
        vec![format!("GET {LIST}"), format!("POST {LIST}")]
    );
}

#[test]
fn publishing_stops_at_the_deadline_with_exit_code_2() {
    let repo = repository();
    let dir = repo.path();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(MockServer::start());
    runtime.block_on(
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!([]))
                    .set_delay(std::time::Duration::from_secs(30)),
            )
            .mount(&server),
    );
    let github = Github { runtime, server };
    let start = std::time::Instant::now();
    let run = comment(
        &dir,
        &github,
        &[
            "--comment-author",
            "github-actions[bot]",
            "--deadline",
            "1500ms",
            "--request-timeout",
            "20s",
        ],
        &[("GITHUB_TOKEN", TOKEN)],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "error: the pull-request comment was not posted: gave up after 1.5s (--deadline): GitHub had not finished answering; the comment may be missing or out of date\n  help: GitHub may be slow or unavailable: run the job again, or give a longer --deadline\n"
    );
    assert!(start.elapsed() < std::time::Duration::from_secs(15));
}

#[test]
fn bad_bounds_and_authors_are_usage_errors() {
    let repo = repository();
    let dir = repo.path();
    let github = Github::empty();
    let run = comment(
        &dir,
        &github,
        &["--comment-author", "mallory <x>"],
        &[("GITHUB_TOKEN", TOKEN)],
    );
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: invalid comment author \"mallory <x>\": it contains ' '\n  help: give a GitHub login (letters, digits and `-`, at most 39), with `[bot]` after an app's name: e.g. octocat or github-actions[bot]\n"
    );
    let run = comment(
        &dir,
        &github,
        &["--deadline", "0s"],
        &[("GITHUB_TOKEN", TOKEN)],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("`0s` is out of range: give more than zero and at most a day"),
        "{}",
        run.stderr
    );
    assert!(github.requests().is_empty());
}

#[test]
fn a_refused_api_url_is_not_echoed_with_its_credentials() {
    let repo = repository();
    let dir = repo.path();
    let saved = dir.join("saved.json");
    let run = aicost(
        &dir,
        &[
            "diff",
            "infra",
            "--base",
            "HEAD~1",
            "--today",
            TODAY,
            "--format",
            "json",
            "--output",
            saved.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let cases = [
        (
            "http://x:ghp_UrlSecret1@ghe.example.com/api/v3",
            "error: the pull-request comment was not posted: invalid GitHub API url \"http://ghe.example.com/api/v3\": credentials in the url are not allowed; pass the token on its own\n",
        ),
        (
            "https://ghe.example.com/api/v3?token=ghp_UrlSecret1",
            "error: the pull-request comment was not posted: invalid GitHub API url \"https://ghe.example.com/api/v3\": a query or fragment is not allowed\n",
        ),
        (
            "https://x:ghp_UrlSecret1@ghe example.com/api?access_token=ghp_UrlSecret1",
            "error: the pull-request comment was not posted: invalid GitHub API url \"https://ghe example.com/api\": a query or fragment is not allowed\n",
        ),
    ];
    for (url, stderr) in cases {
        let run = aicost(
            &dir,
            &[
                "comment",
                "github",
                "--report",
                saved.to_str().unwrap(),
                "--repo",
                "acme/ml-infra",
                "--pr",
                "7",
                "--github-api-url",
                url,
            ],
            &[("GITHUB_TOKEN", TOKEN)],
        );
        assert_eq!(run.code, 2, "{url}");
        assert_eq!(run.stdout, "", "{url}");
        let help = "  help: give the REST API root: https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server\n";
        assert_eq!(run.stderr, format!("{stderr}{help}"), "{url}");
        assert!(!run.stderr.contains("UrlSecret"), "{url}");
    }
}
