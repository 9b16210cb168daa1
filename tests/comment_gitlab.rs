//! The GitLab merge request note against a local stand-in for the GitLab REST API v4
//! (wiremock on 127.0.0.1): update, new and delete-and-new, pagination by `x-next-page`,
//! ownership (the token's own user from `GET /user`, or `--comment-author` with a CI job
//! token), the token header, retries, refusals and the body limit. Each test checks the exact
//! requests GitLab would have received: method, path and query, JSON body, token header.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::time::Duration;

use aicost_policy::publish::{
    marker, post_gitlab_note, Behavior, GitLabTarget, GitLabToken, Host, Limits, Options, Posted,
    PublishError, RetryPolicy,
};
use serde_json::{json, Value};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Distinctive, so a leak into any message would be found.
const TOKEN: &str = "glpat-FAKE7tokenWq3Zx9Lm";
const MR: &str = "/api/v4/projects/group%2Fml-infra/merge_requests/7";
const WEB: &str = "https://gitlab.example.com/group/ml-infra/-/merge_requests/7";
/// Our bot user (a project access token's) and someone else.
const BOT: (u64, &str) = (501, "project_9_bot_ab12");
const ALICE: (u64, &str) = (77, "alice");

fn target(server: &MockServer) -> GitLabTarget {
    GitLabTarget {
        api_url: format!("{}/api/v4", server.uri()),
        project: "group/ml-infra".to_string(),
        merge_request: 7,
    }
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

async fn post(
    server: &MockServer,
    kind: GitLabToken,
    body: &str,
    options: Options,
) -> Result<Posted, PublishError> {
    let target = target(server);
    let body = body.to_string();
    tokio::task::spawn_blocking(move || {
        post_gitlab_note(&target, TOKEN, kind, "prod", &body, &options)
    })
    .await
    .unwrap()
}

fn note(id: u64, by: (u64, &str), body: &str, created_at: &str) -> Value {
    json!({
        "id": id,
        "body": body,
        "system": false,
        "created_at": created_at,
        "author": { "id": by.0, "username": by.1 },
    })
}

fn ours(id: u64, body: &str, created_at: &str) -> Value {
    note(id, BOT, &format!("{}\n{body}", marker("prod")), created_at)
}

async fn mock_mr(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path(MR))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "iid": 7, "web_url": WEB })))
        .mount(server)
        .await;
}

async fn mock_user(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/api/v4/user"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({ "id": BOT.0, "username": BOT.1 })),
        )
        .mount(server)
        .await;
}

/// Notes in two pages, page 2 announced by `x-next-page` only.
async fn mock_notes(server: &MockServer, page1: Value, page2: Value) {
    Mock::given(method("GET"))
        .and(path(format!("{MR}/notes")))
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page2))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{MR}/notes")))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-next-page", "2")
                .set_body_json(page1),
        )
        .mount(server)
        .await;
}

async fn mock_create(server: &MockServer, id: u64) {
    Mock::given(method("POST"))
        .and(path(format!("{MR}/notes")))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({ "id": id })))
        .mount(server)
        .await;
}

const LIST: &str = "/notes?sort=asc&order_by=created_at&per_page=100";

/// Every request received: `METHOD path?query [body]`, each checked to carry the token in
/// `header` and no other credential.
async fn received(server: &MockServer, header: &str) -> Vec<String> {
    let requests = server.received_requests().await.unwrap();
    requests
        .iter()
        .map(|r| {
            let sent = r
                .headers
                .get(header)
                .map(|v| v.to_str().unwrap().to_string());
            assert_eq!(sent.as_deref(), Some(TOKEN), "{} {}", r.method, r.url);
            assert!(r.headers.get("authorization").is_none());
            let other = if header == "private-token" {
                "job-token"
            } else {
                "private-token"
            };
            assert!(r.headers.get(other).is_none());
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

fn with_marker(body: &str) -> String {
    json!({ "body": format!("{}\n{body}", marker("prod")) }).to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn update_edits_our_newest_note_found_on_the_second_page() {
    let server = MockServer::start().await;
    mock_mr(&server).await;
    mock_user(&server).await;
    let marked = format!("{}\nforged", marker("prod"));
    mock_notes(
        &server,
        json!([
            ours(11, "older", "2026-01-01T09:00:00.000Z"),
            note(12, ALICE, &marked, "2026-01-05T09:00:00.000Z"),
        ]),
        json!([
            ours(13, "newest", "2026-01-03T09:00:00.000Z"),
            { "id": 14, "body": marked, "system": true, "created_at": "2026-01-06T09:00:00.000Z",
              "author": { "id": BOT.0, "username": BOT.1 } },
            note(15, BOT, &format!("{}\nother tag", marker("prod2")), "2026-01-07T09:00:00.000Z"),
        ]),
    )
    .await;
    Mock::given(method("PUT"))
        .and(path(format!("{MR}/notes/13")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "id": 13 })))
        .mount(&server)
        .await;

    let posted = post(
        &server,
        GitLabToken::Private,
        "## Cost\n$10",
        options(Behavior::Update, None),
    )
    .await;

    assert_eq!(
        posted.unwrap(),
        Posted::Updated {
            url: format!("{WEB}#note_13")
        }
    );
    assert_eq!(
        received(&server, "private-token").await,
        vec![
            format!("GET {MR}"),
            "GET /api/v4/user".to_string(),
            format!("GET {MR}{LIST}"),
            format!("GET {MR}{LIST}&page=2"),
            format!("PUT {MR}/notes/13 {}", with_marker("## Cost\n$10")),
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn update_leaves_an_unchanged_note_alone_and_creates_when_none_is_ours() {
    let server = MockServer::start().await;
    mock_mr(&server).await;
    mock_user(&server).await;
    mock_notes(
        &server,
        json!([ours(21, "same", "2026-01-01T09:00:00.000Z")]),
        json!([]),
    )
    .await;
    let posted = post(
        &server,
        GitLabToken::Private,
        "same",
        options(Behavior::Update, None),
    )
    .await;
    assert_eq!(
        posted.unwrap(),
        Posted::Unchanged {
            url: format!("{WEB}#note_21")
        }
    );

    let server = MockServer::start().await;
    mock_mr(&server).await;
    mock_user(&server).await;
    let marked = format!("{}\nforged", marker("prod"));
    mock_notes(
        &server,
        json!([note(31, ALICE, &marked, "2026-01-01T09:00:00.000Z")]),
        json!([]),
    )
    .await;
    mock_create(&server, 32).await;
    let posted = post(
        &server,
        GitLabToken::Private,
        "fresh",
        options(Behavior::Update, None),
    )
    .await;
    assert_eq!(
        posted.unwrap(),
        Posted::Created {
            url: format!("{WEB}#note_32"),
            hidden: 0,
            deleted: 0
        }
    );
    assert_eq!(
        received(&server, "private-token").await.last().unwrap(),
        &format!("POST {MR}/notes {}", with_marker("fresh"))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn new_posts_without_reading_the_notes() {
    let server = MockServer::start().await;
    mock_mr(&server).await;
    mock_create(&server, 40).await;
    let posted = post(
        &server,
        GitLabToken::Private,
        "x",
        options(Behavior::New, None),
    )
    .await;
    assert_eq!(
        posted.unwrap(),
        Posted::Created {
            url: format!("{WEB}#note_40"),
            hidden: 0,
            deleted: 0
        }
    );
    assert_eq!(
        received(&server, "private-token").await,
        vec![
            format!("GET {MR}"),
            format!("POST {MR}/notes {}", with_marker("x"))
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_and_new_deletes_only_ours_with_a_job_token_and_a_named_author() {
    let server = MockServer::start().await;
    mock_mr(&server).await;
    let marked = format!("{}\nforged", marker("prod"));
    mock_notes(
        &server,
        json!([
            ours(51, "a", "2026-01-01T09:00:00.000Z"),
            note(52, ALICE, &marked, "2026-01-02T09:00:00.000Z"),
        ]),
        json!([ours(53, "b", "2026-01-03T09:00:00.000Z")]),
    )
    .await;
    Mock::given(method("DELETE"))
        .and(path(format!("{MR}/notes/51")))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    // Already deleted by a concurrent run: not an error, not counted.
    Mock::given(method("DELETE"))
        .and(path(format!("{MR}/notes/53")))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(json!({ "message": "404 Not found" })),
        )
        .mount(&server)
        .await;
    mock_create(&server, 54).await;

    let posted = post(
        &server,
        GitLabToken::Job,
        "x",
        options(Behavior::DeleteAndNew, Some(BOT.1)),
    )
    .await;

    assert_eq!(
        posted.unwrap(),
        Posted::Created {
            url: format!("{WEB}#note_54"),
            hidden: 0,
            deleted: 1
        }
    );
    // No GET /user: a job token may not ask it.
    assert_eq!(
        received(&server, "job-token").await,
        vec![
            format!("GET {MR}"),
            format!("GET {MR}{LIST}"),
            format!("GET {MR}{LIST}&page=2"),
            format!("DELETE {MR}/notes/51"),
            format!("DELETE {MR}/notes/53"),
            format!("POST {MR}/notes {}", with_marker("x")),
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn refused_before_any_request() {
    let server = MockServer::start().await;
    let message = |r: Result<Posted, PublishError>| r.unwrap_err().to_string();
    assert_eq!(
        message(post(&server, GitLabToken::Job, "x", options(Behavior::Update, None)).await),
        "with the CI job token GitLab does not say whose token it is, so our earlier notes cannot be told from anyone else's"
    );
    assert_eq!(
        message(
            post(
                &server,
                GitLabToken::Private,
                "x",
                options(Behavior::HideAndNew, None)
            )
            .await
        ),
        "GitLab cannot hide a merge request note (hide-and-new)"
    );
    let limit = Host::GitLab.body_limit();
    assert_eq!(limit, 1_000_000);
    let long = "x".repeat(limit);
    assert_eq!(
        message(
            post(
                &server,
                GitLabToken::Private,
                &long,
                options(Behavior::New, None)
            )
            .await
        ),
        "the comment is too long for GitLab: 1000040 characters, the limit is 1000000"
    );
    assert_eq!(
        message(
            post(
                &server,
                GitLabToken::Private,
                "x",
                options(Behavior::New, Some("al ice"))
            )
            .await
        ),
        "invalid comment author \"al ice\": it contains ' '"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn server_errors_are_retried_and_a_refused_token_never_shows() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(MR))
        .respond_with(ResponseTemplate::new(502))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    mock_mr(&server).await;
    mock_create(&server, 60).await;
    let posted = post(
        &server,
        GitLabToken::Private,
        "x",
        options(Behavior::New, None),
    )
    .await;
    assert_eq!(posted.unwrap().url(), format!("{WEB}#note_60"));
    assert_eq!(received(&server, "private-token").await.len(), 3);

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(MR))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({ "message": format!("401 Unauthorized {TOKEN}") })),
        )
        .mount(&server)
        .await;
    let error = post(
        &server,
        GitLabToken::Private,
        "x",
        options(Behavior::New, None),
    )
    .await
    .unwrap_err();
    assert!(matches!(
        error,
        PublishError::Unauthorized {
            host: Host::GitLab,
            ..
        }
    ));
    assert_eq!(
        error.to_string(),
        "the token was refused (401) when trying to read merge request group/ml-infra!7: 401 Unauthorized [token]"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn pages_that_never_end_stop_at_the_bound() {
    let server = MockServer::start().await;
    mock_mr(&server).await;
    mock_user(&server).await;
    Mock::given(method("GET"))
        .and(path(format!("{MR}/notes")))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-next-page", "2")
                .set_body_json(json!([])),
        )
        .mount(&server)
        .await;
    let error = post(
        &server,
        GitLabToken::Private,
        "x",
        options(Behavior::Update, None),
    )
    .await
    .unwrap_err();
    // Page 2 links to page 2 again: the loop is seen at once.
    assert_eq!(
        error.to_string(),
        "stopped listing the comments of group/ml-infra!7 after 2 pages (100 comments a page): there are more, or the pages link back to each other"
    );
}
