//! The publish stage against a local stand-in for the GitHub API (wiremock on 127.0.0.1):
//! every comment behaviour, pagination, retries, GitHub's refusals, the GitHub Enterprise
//! Server url shape, and that the token never shows in an error. Each test checks the exact
//! requests GitHub would have received (method, path and query, JSON body, Authorization).
//! The tests are in `comment_github/`: `behaviours.rs` (update, new, delete-and-new,
//! hide-and-new, pagination, GHES), `ownership.rs` (only the token's own comments are ours),
//! `failures.rs` (retries and refusals) and `bounds.rs` (timeouts, size cap, page bound,
//! deadline).

// Test code: a failed expectation should stop the test loudly.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::time::{Duration, Instant};

use aicost_policy::publish::{
    marker, post_comment, Behavior, GitHubTarget, Limits, Options, Posted, PublishError,
    RetryPolicy,
};
use miette::Diagnostic;
use serde_json::{json, Value};
use wiremock::matchers::{body_partial_json, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Distinctive, so a leak into any message would be found.
const TOKEN: &str = "ghs_FAKE9tokenQz7Xw3Lp0Vn5";
const LIST: &str = "/repos/octo/app/issues/5/comments";
const HIDDEN: &str =
    "query($ids: [ID!]!) { nodes(ids: $ids) { ... on IssueComment { id isMinimized } } }";
const MINIMIZE: &str = "mutation($id: ID!) { minimizeComment(input: {subjectId: $id, classifier: OUTDATED}) { minimizedComment { isMinimized } } }";

/// Who writes our comments in these tests: the GITHUB_TOKEN of GitHub Actions.
const BOT: &str = "github-actions[bot]";

#[path = "comment_github/behaviours.rs"]
mod behaviours;
#[path = "comment_github/bounds.rs"]
mod bounds;
#[path = "comment_github/failures.rs"]
mod failures;
#[path = "comment_github/ownership.rs"]
mod ownership;

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

fn target(server: &MockServer, prefix: &str) -> GitHubTarget {
    GitHubTarget {
        api_url: format!("{}{prefix}", server.uri()),
        owner: "octo".to_string(),
        repo: "app".to_string(),
        pull_request: 5,
    }
}

/// Retries without the real waits.
fn fast() -> RetryPolicy {
    RetryPolicy {
        attempts: 3,
        first_delay: Duration::from_millis(10),
        max_delay: Duration::from_secs(5),
    }
}

/// Posts as `--comment-author github-actions[bot]` would (no question of whose the token
/// is; `ownership.rs` asks it).
async fn post(
    target: GitHubTarget,
    tag: &str,
    body: &str,
    behavior: Behavior,
    retry: RetryPolicy,
) -> Result<Posted, PublishError> {
    let options = Options {
        behavior,
        retry,
        limits: Limits::default(),
        author: Some(BOT.to_string()),
    };
    post_with(target, tag, body, options).await
}

async fn post_with(
    target: GitHubTarget,
    tag: &str,
    body: &str,
    options: Options,
) -> Result<Posted, PublishError> {
    let tag = tag.to_string();
    let body = body.to_string();
    tokio::task::spawn_blocking(move || post_comment(&target, TOKEN, &tag, &body, &options))
        .await
        .unwrap()
}

fn url(id: u64) -> String {
    format!("https://github.com/octo/app/pull/5#issuecomment-{id}")
}

/// A comment by GitHub Actions' bot as the REST API lists it.
fn comment(id: u64, body: &str, created_at: &str) -> Value {
    comment_by(BOT, "Bot", id, body, created_at)
}

/// A comment by `login` (`kind` is GitHub's `User` or `Bot`).
fn comment_by(login: &str, kind: &str, id: u64, body: &str, created_at: &str) -> Value {
    json!({
        "id": id,
        "node_id": format!("IC_kwDO{id}"),
        "body": body,
        "created_at": created_at,
        "html_url": url(id),
        "user": { "login": login, "id": 41898282, "type": kind },
    })
}

/// Our comment for `tag` with `text` under the marker.
fn ours(id: u64, tag: &str, text: &str, created_at: &str) -> Value {
    comment(id, &format!("{}\n{text}", marker(tag)), created_at)
}

fn full(tag: &str, text: &str) -> String {
    format!("{}\n{text}", marker(tag))
}

async fn mock_list(server: &MockServer, comments: Value) {
    Mock::given(method("GET"))
        .and(path(LIST))
        .and(query_param("per_page", "100"))
        .respond_with(ResponseTemplate::new(200).set_body_json(comments))
        .mount(server)
        .await;
}

async fn mock_create(server: &MockServer, prefix: &str, id: u64) {
    Mock::given(method("POST"))
        .and(path(format!("{prefix}{LIST}")))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(json!({ "id": id, "html_url": url(id) })),
        )
        .mount(server)
        .await;
}

/// Every request received, as (method, path and query, JSON body or Null), after checking
/// each carried our token.
async fn received(server: &MockServer) -> Vec<(String, String, Value)> {
    let requests = server.received_requests().await.unwrap();
    requests
        .iter()
        .map(|r| {
            let auth = r
                .headers
                .get("authorization")
                .map(|v| v.to_str().unwrap().to_string());
            assert_eq!(
                auth.as_deref(),
                Some(format!("Bearer {TOKEN}").as_str()),
                "{} {}",
                r.method,
                r.url
            );
            let path_and_query = match r.url.query() {
                Some(q) => format!("{}?{q}", r.url.path()),
                None => r.url.path().to_string(),
            };
            let body = if r.body.is_empty() {
                Value::Null
            } else {
                serde_json::from_slice(&r.body).unwrap()
            };
            (r.method.to_string(), path_and_query, body)
        })
        .collect()
}

fn req(m: &str, p: &str, body: Value) -> (String, String, Value) {
    (m.to_string(), p.to_string(), body)
}

fn list_req() -> (String, String, Value) {
    req(
        "GET",
        "/repos/octo/app/issues/5/comments?per_page=100",
        Value::Null,
    )
}

fn create_req(tag: &str, text: &str) -> (String, String, Value) {
    req("POST", LIST, json!({ "body": full(tag, text) }))
}

/// The error's message, Debug form and help, after checking none holds the token.
fn texts(error: &PublishError) -> (String, String) {
    let display = error.to_string();
    let debug = format!("{error:?}");
    let help = error.help().map(|h| h.to_string()).unwrap_or_default();
    for text in [&display, &debug, &help] {
        assert!(!text.contains(TOKEN), "token leaked: {text}");
        assert!(!text.contains("FAKE9token"), "token leaked: {text}");
    }
    (display, help)
}

/// GraphQL at `graphql`: the hidden-state query answers `nodes`, minimizing succeeds.
async fn mock_graphql(server: &MockServer, graphql: &str, nodes: Value) {
    Mock::given(method("POST"))
        .and(path(graphql))
        .and(body_partial_json(json!({ "query": HIDDEN })))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({ "data": { "nodes": nodes } })),
        )
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path(graphql))
        .and(body_partial_json(json!({ "query": MINIMIZE })))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({ "data": { "minimizeComment": { "minimizedComment": { "isMinimized": true } } } }),
        ))
        .mount(server)
        .await;
}

fn hidden_query(graphql: &str, ids: &[&str]) -> (String, String, Value) {
    req(
        "POST",
        graphql,
        json!({ "query": HIDDEN, "variables": { "ids": ids } }),
    )
}

fn minimize(graphql: &str, id: &str) -> (String, String, Value) {
    req(
        "POST",
        graphql,
        json!({ "query": MINIMIZE, "variables": { "id": id } }),
    )
}
