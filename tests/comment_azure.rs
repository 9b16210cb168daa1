//! The Azure DevOps pull request thread against a local stand-in for the Azure DevOps Git
//! REST API (wiremock on 127.0.0.1): update, new, delete-and-new and hide-and-new (closing
//! our threads), pagination by `x-ms-continuationtoken`, ownership (the token's identity
//! from `_apis/connectionData`, or `--comment-author`), the Bearer and PAT credentials,
//! retries, refusals and the body limit. Each test checks the exact requests Azure DevOps
//! would have received: method, path and query (api-version), JSON body, credentials.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::time::Duration;

use aicost_policy::publish::{
    marker, post_azure_thread, AzureTarget, AzureToken, Behavior, Host, Limits, Options, Posted,
    PublishError, RetryPolicy,
};
use serde_json::{json, Value};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Distinctive, so a leak into any message would be found.
const TOKEN: &str = "azdoFAKE9tokenQp4Lk7Vw";
/// Base64 of `:` and the token: the Basic credentials of a PAT.
const PAT_BASIC: &str = "Basic OmF6ZG9GQUtFOXRva2VuUXA0TGs3Vnc=";
const PR: &str = "/acme/Cost%20Lab/_apis/git/repositories/ml-infra/pullRequests/7";
const V: &str = "?api-version=7.1";
/// The build service (our identity) and someone else.
const BOT: &str = "4f5a2d1c-0b7e-4e3a-9c1d-2a6b8e0f1d3c";
const ALICE: &str = "9d0e1f2a-3b4c-4d5e-8f60-718293a4b5c6";

fn target(server: &MockServer) -> AzureTarget {
    AzureTarget {
        collection_url: format!("{}/acme/", server.uri()),
        project: "Cost Lab".to_string(),
        repository: "ml-infra".to_string(),
        pull_request: 7,
    }
}

fn web(server: &MockServer, thread: u64) -> String {
    format!(
        "{}/acme/Cost%20Lab/_git/ml-infra/pullrequest/7?discussionId={thread}",
        server.uri()
    )
}

fn options(behavior: Behavior, author: Option<&str>) -> Options {
    Options {
        behavior,
        retry: RetryPolicy {
            attempts: 3,
            first_delay: Duration::from_millis(10),
            max_delay: Duration::from_secs(5),
        },
        limits: Limits::default(),
        author: author.map(str::to_string),
    }
}

async fn post_as(
    server: &MockServer,
    kind: AzureToken,
    body: &str,
    options: Options,
) -> Result<Posted, PublishError> {
    let target = target(server);
    let body = body.to_string();
    tokio::task::spawn_blocking(move || {
        post_azure_thread(&target, TOKEN, kind, "prod", &body, &options)
    })
    .await
    .unwrap()
}

async fn post(server: &MockServer, body: &str, options: Options) -> Result<Posted, PublishError> {
    post_as(server, AzureToken::Bearer, body, options).await
}

/// A thread whose first comment `by` wrote `content`.
fn thread(id: u64, by: &str, content: &str, status: &str) -> Value {
    json!({
        "id": id,
        "status": status,
        "isDeleted": false,
        "comments": [
            { "id": 2, "content": "a reply", "commentType": "text", "author": { "id": ALICE } },
            { "id": 1, "content": content, "commentType": "text", "author": { "id": by } },
        ],
    })
}

fn ours(id: u64, body: &str) -> Value {
    thread(id, BOT, &format!("{}\n{body}", marker("prod")), "active")
}

async fn mock_pr(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path(PR))
        .and(query_param("api-version", "7.1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "pullRequestId": 7,
            "repository": { "id": "ml-infra", "name": "ml-infra", "project": { "name": "Cost Lab" } },
        })))
        .mount(server)
        .await;
}

async fn mock_whoami(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/acme/_apis/connectionData"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "authenticatedUser": { "id": BOT, "providerDisplayName": "Project Collection Build Service (acme)" },
        })))
        .mount(server)
        .await;
}

/// Threads in two pages, page 2 announced by `x-ms-continuationtoken` only.
async fn mock_threads(server: &MockServer, page1: Value, page2: Value) {
    Mock::given(method("GET"))
        .and(path(format!("{PR}/threads")))
        .and(query_param("continuationToken", "c2/=x"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "value": page2 })))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{PR}/threads")))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-ms-continuationtoken", "c2/=x")
                .set_body_json(json!({ "value": page1, "count": 1 })),
        )
        .mount(server)
        .await;
}

async fn mock_create(server: &MockServer, id: u64) {
    Mock::given(method("POST"))
        .and(path(format!("{PR}/threads")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "id": id })))
        .mount(server)
        .await;
}

const LIST: &str = "/threads?api-version=7.1";
const PAGE2: &str = "/threads?api-version=7.1&continuationToken=c2%2F%3Dx";

/// Every request received: `METHOD path?query [body]`, each checked to carry exactly
/// `credentials` in its Authorization header.
async fn received_with(server: &MockServer, credentials: &str) -> Vec<String> {
    let requests = server.received_requests().await.unwrap();
    requests
        .iter()
        .map(|r| {
            let sent = r.headers.get("authorization").map(|v| v.to_str().unwrap());
            assert_eq!(sent, Some(credentials), "{} {}", r.method, r.url);
            let query = r.url.query().map(|q| format!("?{q}")).unwrap_or_default();
            let body = if r.body.is_empty() {
                String::new()
            } else {
                let json: Value = serde_json::from_slice(&r.body).unwrap();
                format!(" {json}")
            };
            format!("{} {}{query}{body}", r.method, r.url.path())
        })
        .collect()
}

async fn received(server: &MockServer) -> Vec<String> {
    received_with(server, &format!("Bearer {TOKEN}")).await
}

fn marked(body: &str) -> String {
    format!("{}\n{body}", marker("prod"))
}

fn new_thread(body: &str) -> String {
    json!({
        "comments": [{ "parentCommentId": 0, "content": marked(body), "commentType": 1 }],
        "status": 1,
    })
    .to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn update_edits_the_first_comment_of_our_newest_thread_found_on_the_second_page() {
    let server = MockServer::start().await;
    mock_pr(&server).await;
    mock_whoami(&server).await;
    let forged = marked("forged");
    mock_threads(
        &server,
        json!([
            ours(11, "older"),
            thread(30, ALICE, &forged, "active"),
            // Our marker in a reply, not the first comment: not ours.
            {
                "id": 31, "status": "active",
                "comments": [
                    { "id": 1, "content": "question", "commentType": "text", "author": { "id": ALICE } },
                    { "id": 2, "content": forged, "commentType": "text", "author": { "id": BOT } },
                ],
            },
        ]),
        json!([
            ours(13, "newest"),
            // A deleted thread, a deleted first comment, a system comment, another tag.
            { "id": 40, "isDeleted": true, "status": "active",
              "comments": [{ "id": 1, "content": forged, "commentType": "text", "author": { "id": BOT } }] },
            { "id": 41, "status": "active",
              "comments": [{ "id": 1, "content": forged, "isDeleted": true, "commentType": "text", "author": { "id": BOT } }] },
            { "id": 42, "status": "active",
              "comments": [{ "id": 1, "content": forged, "commentType": "system", "author": { "id": BOT } }] },
            thread(43, BOT, &format!("{}\nother", marker("prod2")), "active"),
            { "id": 44, "status": "active", "comments": [] },
        ]),
    )
    .await;
    Mock::given(method("PATCH"))
        .and(path(format!("{PR}/threads/13/comments/1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "id": 1 })))
        .mount(&server)
        .await;

    let posted = post(&server, "## Cost\n$10", options(Behavior::Update, None)).await;

    assert_eq!(
        posted.unwrap(),
        Posted::Updated {
            url: web(&server, 13)
        }
    );
    assert_eq!(
        received(&server).await,
        vec![
            format!("GET {PR}{V}"),
            "GET /acme/_apis/connectionData".to_string(),
            format!("GET {PR}{LIST}"),
            format!("GET {PR}{PAGE2}"),
            format!(
                "PATCH {PR}/threads/13/comments/1{V} {}",
                json!({ "content": marked("## Cost\n$10") })
            ),
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn update_leaves_an_unchanged_comment_alone_and_starts_a_thread_when_none_is_ours() {
    let server = MockServer::start().await;
    mock_pr(&server).await;
    mock_whoami(&server).await;
    mock_threads(&server, json!([ours(21, "same")]), json!([])).await;
    let posted = post(&server, "same", options(Behavior::Update, None)).await;
    assert_eq!(
        posted.unwrap(),
        Posted::Unchanged {
            url: web(&server, 21)
        }
    );
    assert_eq!(received(&server).await.len(), 4);

    let server = MockServer::start().await;
    mock_pr(&server).await;
    mock_whoami(&server).await;
    // Ours but for another identity (upper case: ids compare without case).
    mock_threads(
        &server,
        json!([thread(31, ALICE, &marked("forged"), "active")]),
        json!([thread(32, &BOT.to_uppercase(), &marked("x"), "active")]),
    )
    .await;
    Mock::given(method("PATCH"))
        .and(path(format!("{PR}/threads/32/comments/1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "id": 1 })))
        .mount(&server)
        .await;
    let posted = post(&server, "fresh", options(Behavior::Update, None)).await;
    // The upper-case id is the same identity: its comment is updated, not a new thread.
    assert_eq!(
        posted.unwrap(),
        Posted::Updated {
            url: web(&server, 32)
        }
    );

    let server = MockServer::start().await;
    mock_pr(&server).await;
    mock_whoami(&server).await;
    mock_threads(
        &server,
        json!([thread(31, ALICE, &marked("forged"), "active")]),
        json!([]),
    )
    .await;
    mock_create(&server, 33).await;
    let posted = post(&server, "fresh", options(Behavior::Update, None)).await;
    assert_eq!(
        posted.unwrap(),
        Posted::Created {
            url: web(&server, 33),
            hidden: 0,
            deleted: 0
        }
    );
    assert_eq!(
        received(&server).await.last().unwrap(),
        &format!("POST {PR}{LIST} {}", new_thread("fresh"))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn new_starts_a_thread_without_reading_the_others_with_a_pat() {
    let server = MockServer::start().await;
    mock_pr(&server).await;
    mock_create(&server, 40).await;
    let posted = post_as(&server, AzureToken::Pat, "x", options(Behavior::New, None)).await;
    assert_eq!(
        posted.unwrap(),
        Posted::Created {
            url: web(&server, 40),
            hidden: 0,
            deleted: 0
        }
    );
    assert_eq!(
        received_with(&server, PAT_BASIC).await,
        vec![
            format!("GET {PR}{V}"),
            format!("POST {PR}{LIST} {}", new_thread("x")),
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_and_new_deletes_only_our_first_comments_for_a_named_identity() {
    let server = MockServer::start().await;
    mock_pr(&server).await;
    mock_threads(
        &server,
        json!([
            ours(51, "a"),
            thread(52, ALICE, &marked("forged"), "active")
        ]),
        json!([ours(53, "b")]),
    )
    .await;
    Mock::given(method("DELETE"))
        .and(path(format!("{PR}/threads/51/comments/1")))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    // Already deleted by a concurrent run: not an error, not counted.
    Mock::given(method("DELETE"))
        .and(path(format!("{PR}/threads/53/comments/1")))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({ "message": "gone" })))
        .mount(&server)
        .await;
    mock_create(&server, 54).await;

    let posted = post(&server, "x", options(Behavior::DeleteAndNew, Some(BOT))).await;

    assert_eq!(
        posted.unwrap(),
        Posted::Created {
            url: web(&server, 54),
            hidden: 0,
            deleted: 1
        }
    );
    // No connectionData: the identity was named.
    assert_eq!(
        received(&server).await,
        vec![
            format!("GET {PR}{V}"),
            format!("GET {PR}{LIST}"),
            format!("GET {PR}{PAGE2}"),
            format!("DELETE {PR}/threads/51/comments/1{V}"),
            format!("DELETE {PR}/threads/53/comments/1{V}"),
            format!("POST {PR}{LIST} {}", new_thread("x")),
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn hide_and_new_closes_our_open_threads() {
    let server = MockServer::start().await;
    mock_pr(&server).await;
    mock_whoami(&server).await;
    mock_threads(
        &server,
        json!([
            ours(61, "a"),
            thread(62, BOT, &marked("closed already"), "closed"),
            thread(63, ALICE, &marked("forged"), "active"),
        ]),
        json!([ours(64, "b")]),
    )
    .await;
    Mock::given(method("PATCH"))
        .and(path(format!("{PR}/threads/61")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "id": 61 })))
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(format!("{PR}/threads/64")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "id": 64 })))
        .mount(&server)
        .await;
    mock_create(&server, 65).await;

    let posted = post(&server, "x", options(Behavior::HideAndNew, None)).await;

    assert_eq!(
        posted.unwrap(),
        Posted::Created {
            url: web(&server, 65),
            hidden: 2,
            deleted: 0
        }
    );
    let closed = json!({ "status": 4 });
    assert_eq!(
        received(&server).await,
        vec![
            format!("GET {PR}{V}"),
            "GET /acme/_apis/connectionData".to_string(),
            format!("GET {PR}{LIST}"),
            format!("GET {PR}{PAGE2}"),
            format!("PATCH {PR}/threads/61{V} {closed}"),
            format!("PATCH {PR}/threads/64{V} {closed}"),
            format!("POST {PR}{LIST} {}", new_thread("x")),
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn refused_before_any_request() {
    let server = MockServer::start().await;
    let message = |r: Result<Posted, PublishError>| r.unwrap_err().to_string();
    let limit = Host::AzureDevOps.body_limit();
    assert_eq!(limit, 150_000);
    let long = "x".repeat(limit);
    assert_eq!(
        message(post(&server, &long, options(Behavior::New, None)).await),
        "the comment is too long for Azure DevOps: 150040 characters, the limit is 150000"
    );
    assert_eq!(
        message(post(&server, "x", options(Behavior::New, Some("build-service"))).await),
        "invalid comment author \"build-service\": it is not an identity id (a GUID of 32 hexadecimal digits in groups of 8-4-4-4-12)"
    );
    let mut bad = target(&server);
    bad.pull_request = 0;
    let options = options(Behavior::New, None);
    let refused = tokio::task::spawn_blocking(move || {
        let zero = post_azure_thread(&bad, TOKEN, AzureToken::Bearer, "prod", "x", &options);
        bad.pull_request = 7;
        bad.project = "..".to_string();
        let dots = post_azure_thread(&bad, TOKEN, AzureToken::Bearer, "prod", "x", &options);
        bad.project = "p".to_string();
        let token = post_azure_thread(&bad, " ", AzureToken::Bearer, "prod", "x", &options);
        [zero, dots, token].map(|r| r.unwrap_err().to_string())
    })
    .await
    .unwrap();
    assert_eq!(
        refused,
        [
            "invalid pull request target: the pull request id is 0; ids start at 1",
            "invalid pull request target: the project \"..\" is not a name or id",
            "invalid Azure DevOps token: it is empty",
        ]
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn server_errors_are_retried_and_a_refused_token_never_shows() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(PR))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    mock_pr(&server).await;
    mock_create(&server, 70).await;
    let posted = post(&server, "x", options(Behavior::New, None)).await;
    assert_eq!(posted.unwrap().url(), web(&server, 70));
    assert_eq!(
        received(&server).await,
        vec![
            format!("GET {PR}{V}"),
            format!("GET {PR}{V}"),
            format!("POST {PR}{LIST} {}", new_thread("x")),
        ]
    );

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(PR))
        .respond_with(ResponseTemplate::new(401).set_body_json(
            json!({ "$id": "1", "message": format!("TF400813: the user is not authorized ({TOKEN})") }),
        ))
        .mount(&server)
        .await;
    let error = post(&server, "x", options(Behavior::New, None))
        .await
        .unwrap_err();
    assert!(matches!(
        error,
        PublishError::Unauthorized {
            host: Host::AzureDevOps,
            ..
        }
    ));
    assert_eq!(
        error.to_string(),
        "the token was refused (401) when trying to read pull request 7 of Cost Lab/ml-infra: TF400813: the user is not authorized ([token])"
    );

    // A PAT Azure DevOps does not accept: 203 and a sign-in page.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(PR))
        .respond_with(ResponseTemplate::new(203).set_body_string("<html>Sign in</html>"))
        .mount(&server)
        .await;
    let error = post_as(&server, AzureToken::Pat, "x", options(Behavior::New, None))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "the token was refused (401) when trying to read pull request 7 of Cost Lab/ml-infra: Azure DevOps answered with a sign-in page (HTTP 203)"
    );
    assert_eq!(received_with(&server, PAT_BASIC).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn pages_that_never_end_stop_at_the_bound() {
    let server = MockServer::start().await;
    mock_pr(&server).await;
    mock_whoami(&server).await;
    Mock::given(method("GET"))
        .and(path(format!("{PR}/threads")))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-ms-continuationtoken", "again")
                .set_body_json(json!({ "value": [] })),
        )
        .mount(&server)
        .await;
    let error = post(&server, "x", options(Behavior::Update, None))
        .await
        .unwrap_err();
    // The second page names itself again: the loop is seen at once.
    assert_eq!(
        error.to_string(),
        "stopped listing the comments of pull request 7 of Cost Lab/ml-infra after 2 pages: there are more, or the pages link back to each other"
    );
}
