//! `aicost-policy comment azure-devops` end to end: the real binary on the two-commit
//! repository of tests/cli_diff.rs, with Azure Pipelines' variables, posting to a local
//! stand-in for the Azure DevOps Git REST API (wiremock on 127.0.0.1). The behaviours
//! themselves are tested on the publish stage in tests/comment_azure.rs.

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
const TOKEN: &str = "azdoCLI7fakeTokenMn3Bx8";
const PR: &str =
    "/acme/ml/_apis/git/repositories/5e1f0c2a-7d3b-4f6e-9a8c-1b2d3e4f5a6b/pullRequests/7";
const BOT: &str = "4f5a2d1c-0b7e-4e3a-9c1d-2a6b8e0f1d3c";

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

/// An Azure DevOps with no threads on pull request 7 that accepts a new one.
fn azure() -> (tokio::runtime::Runtime, MockServer) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(MockServer::start());
    let mount = |mock: Mock| runtime.block_on(mock.mount(&server));
    mount(Mock::given(method("GET")).and(path(PR)).respond_with(
        ResponseTemplate::new(200).set_body_json(
            json!({ "repository": { "name": "infra", "project": { "name": "ml" } } }),
        ),
    ));
    mount(
        Mock::given(method("GET"))
            .and(path("/acme/_apis/connectionData"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({ "authenticatedUser": { "id": BOT } })),
            ),
    );
    mount(
        Mock::given(method("GET"))
            .and(path(format!("{PR}/threads")))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "value": [] }))),
    );
    mount(
        Mock::given(method("POST"))
            .and(path(format!("{PR}/threads")))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "id": 300 }))),
    );
    (runtime, server)
}

/// The variables an Azure Pipelines run of a pull request's build validation sets.
fn pipeline_env(server: &MockServer) -> Vec<(&'static str, String)> {
    vec![
        ("SYSTEM_COLLECTIONURI", format!("{}/acme/", server.uri())),
        ("SYSTEM_TEAMPROJECT", "ml".to_string()),
        (
            "BUILD_REPOSITORY_ID",
            "5e1f0c2a-7d3b-4f6e-9a8c-1b2d3e4f5a6b".to_string(),
        ),
        ("SYSTEM_PULLREQUEST_PULLREQUESTID", "7".to_string()),
    ]
}

const ARGS: [&str; 9] = [
    "comment",
    "azure-devops",
    "infra",
    "--base",
    "HEAD~1",
    "--today",
    TODAY,
    "--tag",
    "prod",
];

#[test]
fn the_thread_is_the_diff_markdown_under_our_marker_posted_where_the_pipeline_says() {
    let repo = repository();
    let dir = repo.path();
    let (runtime, server) = azure();
    let mut env = pipeline_env(&server);
    env.push(("SYSTEM_ACCESSTOKEN", TOKEN.to_string()));
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();

    let run = aicost(&dir, &ARGS, &env);

    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.contains("\nCost changes:\n"), "{}", run.stdout);
    assert_eq!(
        run.stderr,
        format!(
            "posted the cost comment: {}/acme/ml/_git/infra/pullrequest/7?discussionId=300\n",
            server.uri()
        )
    );
    let requests = runtime.block_on(server.received_requests()).unwrap();
    let seen: Vec<String> = requests
        .iter()
        .map(|r| {
            assert_eq!(
                r.headers.get("authorization").unwrap().to_str().unwrap(),
                format!("Bearer {TOKEN}")
            );
            let query = r.url.query().map(|q| format!("?{q}")).unwrap_or_default();
            format!("{} {}{query}", r.method, r.url.path())
        })
        .collect();
    assert_eq!(
        seen,
        [
            format!("GET {PR}?api-version=7.1"),
            "GET /acme/_apis/connectionData".to_string(),
            format!("GET {PR}/threads?api-version=7.1"),
            format!("POST {PR}/threads?api-version=7.1"),
        ]
    );
    let body: Value = serde_json::from_slice(&requests[3].body).unwrap();
    let content = format!(
        "<!-- aicost-policy:comment tag=prod -->\n{}",
        expected_markdown(&dir)
    );
    assert_eq!(
        body,
        json!({
            "comments": [{ "parentCommentId": 0, "content": content, "commentType": 1 }],
            "status": 1,
        })
    );
    assert!(!run.stderr.contains(TOKEN));
}

#[test]
fn an_unmapped_token_and_a_wrong_author_are_refused_before_anything_is_sent() {
    let repo = repository();
    let dir = repo.path();
    let (runtime, server) = azure();
    let env = pipeline_env(&server);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();

    let run = aicost(&dir, &ARGS, &env);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: the environment variable SYSTEM_ACCESSTOKEN holds no token\n  help: map the pipeline's token into the step (env: SYSTEM_ACCESSTOKEN: $(System.AccessToken)): secrets are not in the environment unless mapped; or name another variable with --token-env\n"
    );

    let run = aicost(
        &dir,
        &[&ARGS[..], &["--comment-author", "Build Service"]].concat(),
        &env,
    );
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: invalid comment author \"Build Service\": it is not an identity id (a GUID of 32 hexadecimal digits in groups of 8-4-4-4-12)\n  help: give the id (a GUID) of the identity that posts the comment, e.g. the build service's: it is the author id of a comment it wrote\n"
    );
    assert!(runtime
        .block_on(server.received_requests())
        .unwrap()
        .is_empty());
}
