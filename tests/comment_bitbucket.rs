//! The Bitbucket Cloud pull request comment against a local stand-in for the Bitbucket REST
//! API 2.0 (wiremock on 127.0.0.1): update, new and delete-and-new, pagination by the `next`
//! link in the answer (same origin only), ownership (the account named by
//! `--comment-author`; inline and deleted comments skipped), the Bearer token, retries,
//! refusals and the body limit. Each test checks the exact requests Bitbucket would have
//! received: method, path and query, JSON body, Authorization header.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::time::Duration;

use aicost_policy::publish::{
    marker, post_bitbucket_comment, Behavior, BitbucketTarget, Host, Limits, Options, Posted,
    PublishError, RetryPolicy,
};
use serde_json::{json, Value};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Distinctive, so a leak into any message would be found.
const TOKEN: &str = "ATCTT3xFfGN0bbFAKEtok9Qz";
const PR: &str = "/2.0/repositories/acme/ml-infra/pullrequests/7";
const WEB: &str = "https://bitbucket.org/acme/ml-infra/pull-requests/7";
/// The access token's bot user, as Bitbucket writes it, and as given on the command line.
const BOT: &str = "{4f5a2d1c-0b7e-4e3a-9c1d-2a6b8e0f1d3c}";
const BOT_FLAG: &str = "4F5A2D1C-0B7E-4E3A-9C1D-2A6B8E0F1D3C";
const ALICE: &str = "{0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d}";

fn target(server: &MockServer) -> BitbucketTarget {
    BitbucketTarget {
        api_url: server.uri(),
        workspace: "acme".to_string(),
        repo_slug: "ml-infra".to_string(),
        pull_request: 7,
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

async fn post_to(
    target: BitbucketTarget,
    body: &str,
    options: Options,
) -> Result<Posted, PublishError> {
    let body = body.to_string();
    tokio::task::spawn_blocking(move || {
        post_bitbucket_comment(&target, TOKEN, "prod", &body, &options)
    })
    .await
    .unwrap()
}

async fn post(server: &MockServer, body: &str, options: Options) -> Result<Posted, PublishError> {
    post_to(target(server), body, options).await
}

fn comment(id: u64, by: &str, raw: &str) -> Value {
    json!({
        "id": id,
        "content": { "raw": raw, "markup": "markdown", "html": "<p>…</p>" },
        "user": { "uuid": by, "account_id": "557058:x", "type": "user" },
        "deleted": false,
        "type": "pullrequest_comment",
    })
}

fn ours(id: u64, body: &str) -> Value {
    comment(id, BOT, &format!("{}\n{body}", marker("prod")))
}

async fn mock_pr(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path(PR))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({ "id": 7, "links": { "html": { "href": WEB } } })),
        )
        .mount(server)
        .await;
}

/// Comments in two pages, page 2 named by the `next` link of page 1.
async fn mock_comments(server: &MockServer, page1: Value, page2: Value) {
    Mock::given(method("GET"))
        .and(path(format!("{PR}/comments")))
        .and(query_param("page", "2"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({ "pagelen": 100, "page": 2, "values": page2 })),
        )
        .mount(server)
        .await;
    let next = format!("{}{PR}/comments?pagelen=100&page=2", server.uri());
    Mock::given(method("GET"))
        .and(path(format!("{PR}/comments")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({ "pagelen": 100, "page": 1, "values": page1, "next": next })),
        )
        .mount(server)
        .await;
}

async fn mock_create(server: &MockServer, id: u64) {
    Mock::given(method("POST"))
        .and(path(format!("{PR}/comments")))
        .respond_with(ResponseTemplate::new(201).set_body_json(comment(id, BOT, "x")))
        .mount(server)
        .await;
}

const LIST: &str = "/comments?pagelen=100";

/// Every request received: `METHOD path?query [body]`, each checked to carry the token as
/// `Authorization: Bearer` and no other credential.
async fn received(server: &MockServer) -> Vec<String> {
    let requests = server.received_requests().await.unwrap();
    requests
        .iter()
        .map(|r| {
            let sent = r
                .headers
                .get("authorization")
                .map(|v| v.to_str().unwrap().to_string());
            assert_eq!(
                sent,
                Some(format!("Bearer {TOKEN}")),
                "{} {}",
                r.method,
                r.url
            );
            for other in ["private-token", "job-token", "cookie", "x-api-key"] {
                assert!(r.headers.get(other).is_none());
            }
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
    json!({ "content": { "raw": format!("{}\n{body}", marker("prod")) } }).to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn update_edits_our_newest_general_comment_found_on_the_second_page() {
    let server = MockServer::start().await;
    mock_pr(&server).await;
    let marked = format!("{}\nforged", marker("prod"));
    let mut inline = ours(16, "inline");
    inline["inline"] = json!({ "path": "main.tf", "to": 3 });
    let mut deleted = ours(17, "deleted");
    deleted["deleted"] = json!(true);
    mock_comments(
        &server,
        json!([ours(11, "older"), comment(12, ALICE, &marked)]),
        json!([
            ours(13, "newest"),
            inline,
            deleted,
            comment(15, BOT, &format!("{}\nother tag", marker("prod2"))),
        ]),
    )
    .await;
    Mock::given(method("PUT"))
        .and(path(format!("{PR}/comments/13")))
        .respond_with(ResponseTemplate::new(200).set_body_json(ours(13, "## Cost")))
        .mount(&server)
        .await;

    let posted = post(
        &server,
        "## Cost\n$10",
        options(Behavior::Update, Some(BOT_FLAG)),
    )
    .await;

    assert_eq!(
        posted.unwrap(),
        Posted::Updated {
            url: format!("{WEB}#comment-13")
        }
    );
    assert_eq!(
        received(&server).await,
        vec![
            format!("GET {PR}"),
            format!("GET {PR}{LIST}"),
            format!("GET {PR}{LIST}&page=2"),
            format!("PUT {PR}/comments/13 {}", with_marker("## Cost\n$10")),
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn update_leaves_an_unchanged_comment_alone_and_creates_when_none_is_ours() {
    let server = MockServer::start().await;
    mock_pr(&server).await;
    mock_comments(&server, json!([ours(21, "same")]), json!([])).await;
    let posted = post(&server, "same", options(Behavior::Update, Some(BOT))).await;
    assert_eq!(
        posted.unwrap(),
        Posted::Unchanged {
            url: format!("{WEB}#comment-21")
        }
    );

    let server = MockServer::start().await;
    mock_pr(&server).await;
    let marked = format!("{}\nforged", marker("prod"));
    mock_comments(&server, json!([comment(31, ALICE, &marked)]), json!([])).await;
    mock_create(&server, 32).await;
    let posted = post(&server, "fresh", options(Behavior::Update, Some(BOT))).await;
    assert_eq!(
        posted.unwrap(),
        Posted::Created {
            url: format!("{WEB}#comment-32"),
            hidden: 0,
            deleted: 0
        }
    );
    assert_eq!(
        received(&server).await,
        vec![
            format!("GET {PR}"),
            format!("GET {PR}{LIST}"),
            format!("GET {PR}{LIST}&page=2"),
            format!("POST {PR}/comments {}", with_marker("fresh")),
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn new_posts_without_reading_the_comments_or_naming_an_author() {
    let server = MockServer::start().await;
    mock_pr(&server).await;
    mock_create(&server, 40).await;
    let posted = post(&server, "x", options(Behavior::New, None)).await;
    assert_eq!(
        posted.unwrap(),
        Posted::Created {
            url: format!("{WEB}#comment-40"),
            hidden: 0,
            deleted: 0
        }
    );
    assert_eq!(
        received(&server).await,
        vec![
            format!("GET {PR}"),
            format!("POST {PR}/comments {}", with_marker("x"))
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_and_new_deletes_only_ours() {
    let server = MockServer::start().await;
    mock_pr(&server).await;
    let marked = format!("{}\nforged", marker("prod"));
    mock_comments(
        &server,
        json!([ours(51, "a"), comment(52, ALICE, &marked)]),
        json!([ours(53, "b")]),
    )
    .await;
    Mock::given(method("DELETE"))
        .and(path(format!("{PR}/comments/51")))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    // Already deleted by a concurrent run: not an error, not counted.
    Mock::given(method("DELETE"))
        .and(path(format!("{PR}/comments/53")))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(
                json!({ "type": "error", "error": { "message": "No such comment" } }),
            ),
        )
        .mount(&server)
        .await;
    mock_create(&server, 54).await;

    let posted = post(&server, "x", options(Behavior::DeleteAndNew, Some(BOT))).await;

    assert_eq!(
        posted.unwrap(),
        Posted::Created {
            url: format!("{WEB}#comment-54"),
            hidden: 0,
            deleted: 1
        }
    );
    assert_eq!(
        received(&server).await,
        vec![
            format!("GET {PR}"),
            format!("GET {PR}{LIST}"),
            format!("GET {PR}{LIST}&page=2"),
            format!("DELETE {PR}/comments/51"),
            format!("DELETE {PR}/comments/53"),
            format!("POST {PR}/comments {}", with_marker("x")),
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn refused_before_any_request() {
    let server = MockServer::start().await;
    let message = |r: Result<Posted, PublishError>| r.unwrap_err().to_string();
    assert_eq!(
        message(post(&server, "x", options(Behavior::Update, None)).await),
        "Bitbucket access tokens may not ask whose they are, so our earlier comments cannot be told from anyone else's"
    );
    assert_eq!(
        message(post(&server, "x", options(Behavior::DeleteAndNew, None)).await),
        "Bitbucket access tokens may not ask whose they are, so our earlier comments cannot be told from anyone else's"
    );
    assert_eq!(
        message(post(&server, "x", options(Behavior::HideAndNew, Some(BOT))).await),
        "Bitbucket cannot hide a pull request comment (hide-and-new)"
    );
    let limit = Host::Bitbucket.body_limit();
    assert_eq!(limit, 32_767);
    let room = limit - marker("prod").chars().count() - 1;
    let long = "é".repeat(room + 1);
    assert_eq!(
        message(post(&server, &long, options(Behavior::New, None)).await),
        "the comment is too long for Bitbucket: 32768 characters, the limit is 32767"
    );
    assert_eq!(
        message(post(&server, "x", options(Behavior::New, Some("alice"))).await),
        "invalid comment author \"alice\": it is not an account UUID ({8-4-4-4-12 hexadecimal digits}, braces optional)"
    );
    let mut bad = target(&server);
    bad.repo_slug = "../admin".to_string();
    assert_eq!(
        message(post_to(bad, "x", options(Behavior::New, None)).await),
        "invalid pull request target: the repository slug \"../admin\" is not a slug (letters, digits, `.`, `_`, `-`)"
    );
    assert!(server.received_requests().await.unwrap().is_empty());

    // The longest body that fits is sent whole.
    mock_pr(&server).await;
    mock_create(&server, 70).await;
    let fits = "é".repeat(room);
    let posted = post(&server, &fits, options(Behavior::New, None)).await;
    assert_eq!(posted.unwrap().url(), format!("{WEB}#comment-70"));
}

#[tokio::test(flavor = "multi_thread")]
async fn bitbuckets_own_refusals_are_reported_in_its_words() {
    let server = MockServer::start().await;
    mock_pr(&server).await;
    Mock::given(method("POST"))
        .and(path(format!("{PR}/comments")))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "type": "error",
            "error": {
                "message": "Bad request",
                "fields": { "content.raw": ["Please enter a non-empty value less than 32768 characters"] }
            }
        })))
        .mount(&server)
        .await;
    let error = post(&server, "x", options(Behavior::New, None))
        .await
        .unwrap_err();
    assert!(matches!(
        error,
        PublishError::BodyTooLong {
            host: Host::Bitbucket,
            ..
        }
    ));
    assert_eq!(
        error.to_string(),
        "the comment is too long for Bitbucket: 41 characters, the limit is 32767 (Bad request; content.raw: Please enter a non-empty value less than 32768 characters)"
    );

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(PR))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({
            "type": "error",
            "error": { "message": "Your credentials lack one or more required privilege scopes." }
        })))
        .mount(&server)
        .await;
    let error = post(&server, "x", options(Behavior::New, None))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "Bitbucket refused to read pull request acme/ml-infra#7 (HTTP 403): Your credentials lack one or more required privilege scopes."
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn server_errors_are_retried_and_a_refused_token_never_shows() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(PR))
        .respond_with(ResponseTemplate::new(502))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    mock_pr(&server).await;
    mock_create(&server, 60).await;
    let posted = post(&server, "x", options(Behavior::New, None)).await;
    assert_eq!(posted.unwrap().url(), format!("{WEB}#comment-60"));
    assert_eq!(received(&server).await.len(), 3);

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(PR))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "type": "error",
            "error": { "message": format!("Token is invalid, expired, or not supported for this endpoint. {TOKEN}") }
        })))
        .mount(&server)
        .await;
    let error = post(&server, "x", options(Behavior::New, None))
        .await
        .unwrap_err();
    assert!(matches!(
        error,
        PublishError::Unauthorized {
            host: Host::Bitbucket,
            ..
        }
    ));
    assert_eq!(
        error.to_string(),
        "the token was refused (401) when trying to read pull request acme/ml-infra#7: Token is invalid, expired, or not supported for this endpoint. [token]"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn next_links_are_followed_only_on_the_api_origin_and_never_in_a_loop() {
    // A next link to another host would carry the token there: refused, not followed.
    let server = MockServer::start().await;
    mock_pr(&server).await;
    Mock::given(method("GET"))
        .and(path(format!("{PR}/comments")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "values": [],
            "next": format!("https://evil.example{PR}/comments?page=2"),
        })))
        .mount(&server)
        .await;
    let error = post(&server, "x", options(Behavior::Update, Some(BOT)))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "Bitbucket failed to list the comments of acme/ml-infra#7 (HTTP 200): the next page is on another host than the API; it was not followed"
    );
    assert_eq!(
        received(&server).await,
        vec![format!("GET {PR}"), format!("GET {PR}{LIST}")]
    );

    // Page 2 names page 2 again: the loop is seen at once.
    let server = MockServer::start().await;
    mock_pr(&server).await;
    let next = format!("{}{PR}/comments?pagelen=100&page=2", server.uri());
    Mock::given(method("GET"))
        .and(path(format!("{PR}/comments")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({ "values": [], "next": next })),
        )
        .mount(&server)
        .await;
    let error = post(&server, "x", options(Behavior::Update, Some(BOT)))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "stopped listing the comments of acme/ml-infra#7 after 2 pages (100 comments a page): there are more, or the pages link back to each other"
    );
}
