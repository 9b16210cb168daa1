//! `aicost-policy comment gitlab` end to end: the real binary on the two-commit repository of
//! tests/cli_diff.rs, with GitLab CI's variables, posting to a local stand-in for the GitLab
//! REST API v4 (wiremock on 127.0.0.1). The behaviours themselves are tested on the publish
//! stage in tests/comment_gitlab.rs.

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
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TODAY: &str = "2026-11-28";
const CRATE_DIR: &str = env!("CARGO_MANIFEST_DIR");
const TOKEN: &str = "glpat-CLI4fakeTokenRt8Yu2";
const MR: &str = "/api/v4/projects/4242/merge_requests/7";
const WEB: &str = "https://gitlab.example.com/acme/ml-infra/-/merge_requests/7";

fn repository() -> GitRepo {
    let repo = GitRepo::new();
    let data = Path::new(CRATE_DIR).join("testdata/diff");
    repo.commit_tree(&data.join("base"), "base");
    repo.commit_tree(&data.join("head"), "head");
    repo
}

fn expected_markdown(dir: &Path) -> String {
    let run = aicost(
        dir,
        &[
            "diff", "infra", "--base", "HEAD~1", "--today", TODAY, "--format", "markdown",
        ],
        &[],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    run.stdout
}

/// A GitLab with no notes on merge request 7 of project 4242 that accepts a new one.
fn gitlab() -> (tokio::runtime::Runtime, MockServer) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(MockServer::start());
    let mount = |mock: Mock| runtime.block_on(mock.mount(&server));
    mount(
        Mock::given(method("GET"))
            .and(path(MR))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "web_url": WEB }))),
    );
    mount(
        Mock::given(method("GET"))
            .and(path("/api/v4/user"))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(json!({ "id": 9, "username": "bot" })),
            ),
    );
    mount(
        Mock::given(method("GET"))
            .and(path(format!("{MR}/notes")))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!([]))),
    );
    mount(
        Mock::given(method("POST"))
            .and(path(format!("{MR}/notes")))
            .respond_with(ResponseTemplate::new(201).set_body_json(json!({ "id": 300 }))),
    );
    (runtime, server)
}

fn ci_env(server: &MockServer) -> Vec<(&'static str, String)> {
    vec![
        ("CI_API_V4_URL", format!("{}/api/v4", server.uri())),
        ("CI_PROJECT_ID", "4242".to_string()),
        ("CI_MERGE_REQUEST_IID", "7".to_string()),
    ]
}

const ARGS: [&str; 9] = [
    "comment", "gitlab", "infra", "--base", "HEAD~1", "--today", TODAY, "--tag", "prod",
];

#[test]
fn the_note_is_the_diff_markdown_under_our_marker_posted_where_gitlab_ci_says() {
    let repo = repository();
    let dir = repo.path();
    let (runtime, server) = gitlab();
    let mut env = ci_env(&server);
    env.push(("GITLAB_TOKEN", TOKEN.to_string()));
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();

    let run = aicost(&dir, &ARGS, &env);

    assert_eq!(run.code, 1, "{}", run.stderr);
    // The text report goes to standard output as with `diff`, before the note is posted.
    assert!(run.stdout.contains("\nCost changes:\n"), "{}", run.stdout);
    assert_eq!(
        run.stderr,
        format!("posted the cost comment: {WEB}#note_300\n")
    );
    let requests = runtime.block_on(server.received_requests()).unwrap();
    let seen: Vec<String> = requests
        .iter()
        .map(|r| {
            assert_eq!(
                r.headers.get("private-token").unwrap().to_str().unwrap(),
                TOKEN
            );
            format!("{} {}", r.method, r.url.path())
        })
        .collect();
    assert_eq!(
        seen,
        [
            format!("GET {MR}"),
            "GET /api/v4/user".to_string(),
            format!("GET {MR}/notes"),
            format!("POST {MR}/notes"),
        ]
    );
    let body: Value = serde_json::from_slice(&requests[3].body).unwrap();
    assert_eq!(
        body,
        json!({ "body": format!("<!-- aicost-policy:comment tag=prod -->\n{}", expected_markdown(&dir)) })
    );
    assert!(!run.stderr.contains(TOKEN));
}

#[test]
fn a_job_token_needs_a_named_author_and_nothing_is_sent_without_one() {
    let repo = repository();
    let dir = repo.path();
    let (runtime, server) = gitlab();
    let mut env = ci_env(&server);
    env.push(("CI_JOB_TOKEN", TOKEN.to_string()));
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();

    let run = aicost(&dir, &ARGS, &env);

    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: GITLAB_TOKEN is not set, and with the CI job token GitLab does not say whose token it is, so earlier notes cannot be told apart\n  help: set GITLAB_TOKEN to a project access token with the `api` scope (recommended), or name the account that posts with --comment-author USERNAME\n"
    );
    assert!(runtime
        .block_on(server.received_requests())
        .unwrap()
        .is_empty());
}

#[test]
fn hide_and_new_is_refused_before_anything_runs() {
    let repo = repository();
    let run = aicost(
        &repo.path(),
        &[&ARGS[..], &["--behavior", "hide-and-new"]].concat(),
        &[],
    );
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: GitLab cannot hide a merge request note\n  help: use --behavior update, new or delete-and-new\n"
    );
}
