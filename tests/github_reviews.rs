//! `--approvals github`'s source against a local stand-in for the GitHub API (wiremock on
//! 127.0.0.1): every page of a pull request's reviews, a deleted account's review skipped,
//! team members, GitHub's refusals, the page bound and the deadline. Each test checks the
//! exact requests GitHub would have received (path and query, Authorization).

// Test code: a failed expectation should stop the test loudly.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;
use std::time::Duration;

use aicost_policy::model::{ApprovalsInput, Review, ReviewUser};
use aicost_policy::publish::{
    fetch_approvals_input, GitHubTarget, Limits, PublishError, RetryPolicy,
};
use miette::Diagnostic;
use serde_json::{json, Value};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Distinctive, so a leak into any message would be found.
const TOKEN: &str = "ghs_FAKE9tokenQz7Xw3Lp0Vn5";
const REVIEWS: &str = "/repos/octo/app/pulls/5/reviews";
const FINOPS: &str = "/orgs/acme/teams/finops/members";

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

async fn fetch(
    target: GitHubTarget,
    teams: &[&str],
    limits: Limits,
) -> Result<ApprovalsInput, PublishError> {
    let teams: Vec<String> = teams.iter().map(|t| t.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        fetch_approvals_input(&target, TOKEN, &teams, &limits, &fast())
    })
    .await
    .unwrap()
}

/// A review as GitHub lists it, with fields we do not read.
fn review_json(id: u64, login: Option<&str>, state: &str, commit: &str) -> Value {
    let user = login.map_or(
        Value::Null,
        |login| json!({ "login": login, "id": id * 10, "type": "User" }),
    );
    json!({
        "id": id,
        "node_id": format!("PRR_{id}"),
        "user": user,
        "body": "",
        "state": state,
        "html_url": format!("https://github.com/octo/app/pull/5#pullrequestreview-{id}"),
        "commit_id": commit,
        "submitted_at": format!("2026-12-01T10:{id:02}:00Z"),
        "author_association": "MEMBER",
    })
}

fn review(id: u64, login: &str, state: &str, commit: &str) -> Review {
    Review {
        user: ReviewUser {
            login: login.to_string(),
        },
        state: state.to_string(),
        commit_id: Some(commit.to_string()),
        submitted_at: Some(format!("2026-12-01T10:{id:02}:00Z")),
    }
}

fn member(login: &str) -> Value {
    json!({ "login": login, "id": 1, "type": "User", "site_admin": false })
}

/// `page` of `path_`, answering `body`, with a `Link` to `next` when given (as GitHub
/// writes it: an absolute URL).
async fn mock_page(
    server: &MockServer,
    path_: &str,
    page: Option<&str>,
    next: Option<&str>,
    body: Value,
) {
    let mut answer = ResponseTemplate::new(200).set_body_json(body);
    if let Some(next) = next {
        answer = answer.insert_header(
            "link",
            format!(
                "<{}{path_}?per_page=100&page={next}>; rel=\"next\", <{}{path_}?per_page=100&page=9>; rel=\"last\"",
                server.uri(),
                server.uri()
            ),
        );
    }
    let mut mock = Mock::given(method("GET"))
        .and(path(path_))
        .and(query_param("per_page", "100"));
    if let Some(page) = page {
        mock = mock.and(query_param("page", page));
    }
    mock.respond_with(answer).mount(server).await;
}

/// Every request received, as "METHOD path?query", after checking each carried our token.
async fn received(server: &MockServer) -> Vec<String> {
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
            match r.url.query() {
                Some(q) => format!("{} {}?{q}", r.method, r.url.path()),
                None => format!("{} {}", r.method, r.url.path()),
            }
        })
        .collect()
}

/// The error's message and help, after checking neither (nor Debug) holds the token.
fn texts(error: &PublishError) -> (String, String) {
    let display = error.to_string();
    let debug = format!("{error:?}");
    let help = error.help().map(|h| h.to_string()).unwrap_or_default();
    for text in [&display, &debug, &help] {
        assert!(!text.contains("FAKE9token"), "token leaked: {text}");
    }
    (display, help)
}

#[tokio::test(flavor = "multi_thread")]
async fn every_page_of_reviews_and_each_teams_members_are_read() {
    let server = MockServer::start().await;
    // Page 1 is asked for without `page`; later pages by the Link GitHub gives.
    Mock::given(method("GET"))
        .and(path(REVIEWS))
        .and(query_param("per_page", "100"))
        .and(wiremock::matchers::query_param_is_missing("page"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!([
                    review_json(1, Some("alice"), "APPROVED", "c1"),
                    review_json(2, None, "APPROVED", "c2"),
                ]))
                .insert_header(
                    "link",
                    format!(
                        "<{}{REVIEWS}?per_page=100&page=2>; rel=\"next\"",
                        server.uri()
                    ),
                ),
        )
        .mount(&server)
        .await;
    mock_page(
        &server,
        REVIEWS,
        Some("2"),
        None,
        json!([
            review_json(3, Some("bob"), "CHANGES_REQUESTED", "c2"),
            review_json(4, Some("carol"), "APPROVED", "c2"),
        ]),
    )
    .await;
    mock_page(
        &server,
        FINOPS,
        None,
        None,
        json!([member("dave"), member("Carol"), member("dave")]),
    )
    .await;
    mock_page(
        &server,
        "/orgs/acme/teams/sre/members",
        None,
        None,
        json!([]),
    )
    .await;

    let input = fetch(
        target(&server, ""),
        &["@acme/finops", "@acme/sre", "@acme/finops"],
        Limits::default(),
    )
    .await
    .unwrap();

    assert_eq!(
        input,
        ApprovalsInput {
            reviews: vec![
                review(1, "alice", "APPROVED", "c1"),
                review(3, "bob", "CHANGES_REQUESTED", "c2"),
                review(4, "carol", "APPROVED", "c2"),
            ],
            team_members: BTreeMap::from([
                (
                    "@acme/finops".to_string(),
                    vec!["Carol".to_string(), "dave".to_string()]
                ),
                ("@acme/sre".to_string(), vec![]),
            ]),
        }
    );
    assert_eq!(
        received(&server).await,
        [
            "GET /repos/octo/app/pulls/5/reviews?per_page=100",
            "GET /repos/octo/app/pulls/5/reviews?per_page=100&page=2",
            "GET /orgs/acme/teams/finops/members?per_page=100",
            "GET /orgs/acme/teams/sre/members?per_page=100",
        ]
    );
}

/// GitHub Enterprise Server: every path under `/api/v3`, pagination links included.
#[tokio::test(flavor = "multi_thread")]
async fn ghes_paths_keep_their_prefix() {
    let server = MockServer::start().await;
    let reviews = format!("/api/v3{REVIEWS}");
    let finops = format!("/api/v3{FINOPS}");
    mock_page(&server, &reviews, Some("2"), None, json!([])).await;
    Mock::given(method("GET"))
        .and(path(reviews.as_str()))
        .and(wiremock::matchers::query_param_is_missing("page"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!([]))
                .insert_header(
                    "link",
                    format!(
                        "<{}{reviews}?per_page=100&page=2>; rel=\"next\"",
                        server.uri()
                    ),
                ),
        )
        .mount(&server)
        .await;
    mock_page(&server, &finops, None, None, json!([member("erin")])).await;

    let input = fetch(
        target(&server, "/api/v3"),
        &["@acme/finops"],
        Limits::default(),
    )
    .await
    .unwrap();

    assert_eq!(input.reviews, vec![]);
    assert_eq!(
        input.team_members,
        BTreeMap::from([("@acme/finops".to_string(), vec!["erin".to_string()])])
    );
    assert_eq!(
        received(&server).await,
        [
            "GET /api/v3/repos/octo/app/pulls/5/reviews?per_page=100",
            "GET /api/v3/repos/octo/app/pulls/5/reviews?per_page=100&page=2",
            "GET /api/v3/orgs/acme/teams/finops/members?per_page=100",
        ]
    );
}

/// 404 (a secret team, or a token without `read:org`) and 403 both say what to do.
#[tokio::test(flavor = "multi_thread")]
async fn a_team_the_token_cannot_read_says_so_and_what_to_do() {
    for (status, message) in [
        (404, "Not Found"),
        (403, "Must have admin rights to Repository."),
    ] {
        let server = MockServer::start().await;
        mock_page(&server, REVIEWS, None, None, json!([])).await;
        Mock::given(method("GET"))
            .and(path(FINOPS))
            .respond_with(
                ResponseTemplate::new(status).set_body_json(json!({ "message": message })),
            )
            .mount(&server)
            .await;

        let error = fetch(target(&server, ""), &["@acme/finops"], Limits::default())
            .await
            .unwrap_err();

        assert!(
            matches!(error, PublishError::TeamUnreadable { .. }),
            "{error:?}"
        );
        assert_eq!(
            texts(&error),
            (
                format!(
                    "cannot read the members of team @acme/finops (HTTP {status}): the token may \
                     not read the team's membership, or there is no such team: {message}"
                ),
                "give a token that may read the organization's teams: a personal token with the \
                 `read:org` scope, or a GitHub App's with the organization permission \"Members: \
                 read\" (the GITHUB_TOKEN of GitHub Actions cannot read teams); or list the \
                 group's users in [approvals.groups] instead of the team"
                    .to_string()
            )
        );
        // Not retried: a refusal is an answer.
        assert_eq!(
            received(&server).await,
            [
                "GET /repos/octo/app/pulls/5/reviews?per_page=100",
                "GET /orgs/acme/teams/finops/members?per_page=100",
            ]
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_token_is_a_bad_credential_not_a_missing_permission() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(REVIEWS))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(json!({ "message": "Bad credentials" })),
        )
        .mount(&server)
        .await;

    let error = fetch(target(&server, ""), &["@acme/finops"], Limits::default())
        .await
        .unwrap_err();

    assert!(
        matches!(error, PublishError::Unauthorized { .. }),
        "{error:?}"
    );
    assert_eq!(
        texts(&error).0,
        "the token was refused (401) when trying to list the reviews of octo/app#5: Bad credentials"
    );
    assert_eq!(
        received(&server).await,
        ["GET /repos/octo/app/pulls/5/reviews?per_page=100"]
    );
}

/// A token that may not read the pull request is told it needs read access, not write.
#[tokio::test(flavor = "multi_thread")]
async fn reviews_the_token_may_not_read_ask_for_read_access() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(REVIEWS))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_json(json!({ "message": "Resource not accessible by integration" })),
        )
        .mount(&server)
        .await;

    let error = fetch(target(&server, ""), &[], Limits::default())
        .await
        .unwrap_err();

    assert_eq!(
        texts(&error),
        (
            "GitHub refused to list the reviews of octo/app#5 (HTTP 403): Resource not \
             accessible by integration"
                .to_string(),
            "the token needs read access to pull requests: in GitHub Actions give the job \
             `permissions: pull-requests: read`"
                .to_string()
        )
    );
}

/// A page always linking to another: reading stops at the bound with an error, never
/// with part of the reviews.
#[tokio::test(flavor = "multi_thread")]
async fn reviews_stop_at_the_page_bound() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(REVIEWS))
        .respond_with(move |request: &wiremock::Request| {
            let page: u64 = request
                .url
                .query_pairs()
                .find(|(k, _)| k == "page")
                .map_or(1, |(_, v)| v.parse().unwrap());
            ResponseTemplate::new(200)
                .set_body_json(json!([review_json(page, Some("alice"), "APPROVED", "c1")]))
                .insert_header(
                    "link",
                    format!("<{REVIEWS}?per_page=100&page={}>; rel=\"next\"", page + 1),
                )
        })
        .mount(&server)
        .await;
    let limits = Limits {
        max_pages: 3,
        ..Limits::default()
    };

    let error = fetch(target(&server, ""), &["@acme/finops"], limits)
        .await
        .unwrap_err();

    assert_eq!(
        texts(&error).0,
        "stopped listing the reviews of octo/app#5 after 3 pages (100 a page): there are more, \
         or the pages link back to each other"
    );
    assert_eq!(
        received(&server).await,
        [
            "GET /repos/octo/app/pulls/5/reviews?per_page=100",
            "GET /repos/octo/app/pulls/5/reviews?per_page=100&page=2",
            "GET /repos/octo/app/pulls/5/reviews?per_page=100&page=3",
        ]
    );
}

/// Pages linking back to one already read: stopped at once, not read until the bound.
#[tokio::test(flavor = "multi_thread")]
async fn team_pages_linking_back_stop_at_once() {
    let server = MockServer::start().await;
    mock_page(&server, REVIEWS, None, None, json!([])).await;
    // The page-2 mock first: the first mounted of several matching answers.
    mock_page(&server, FINOPS, Some("2"), Some("2"), json!([member("b")])).await;
    mock_page(&server, FINOPS, None, Some("2"), json!([member("a")])).await;

    let error = fetch(target(&server, ""), &["@acme/finops"], Limits::default())
        .await
        .unwrap_err();

    assert_eq!(
        texts(&error).0,
        "stopped listing the members of team @acme/finops after 2 pages (100 a page): there \
         are more, or the pages link back to each other"
    );
    assert_eq!(received(&server).await.len(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_whole_read_stops_at_the_deadline() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(REVIEWS))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!([]))
                .set_delay(Duration::from_secs(5)),
        )
        .mount(&server)
        .await;
    let limits = Limits {
        deadline: Duration::from_millis(300),
        ..Limits::default()
    };

    let start = std::time::Instant::now();
    let error = fetch(target(&server, ""), &[], limits).await.unwrap_err();

    assert_eq!(
        texts(&error).0,
        "gave up reading the reviews and team members after 300ms: GitHub had not finished \
         answering"
    );
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
}

/// A team that could leave its path is refused before anything is sent.
#[tokio::test(flavor = "multi_thread")]
async fn teams_are_checked_before_any_request() {
    let server = MockServer::start().await;
    for (team, reason) in [
        ("@acme/../../user", "the team contains '/'"),
        ("acme/finops", "it does not start with @"),
        ("@acme/fin%2e%2e", "the team contains '%'"),
        ("@../finops", "the organization is \"..\""),
    ] {
        let error = fetch(target(&server, ""), &["@acme/sre", team], Limits::default())
            .await
            .unwrap_err();
        assert_eq!(texts(&error).0, format!("invalid team {team:?}: {reason}"));
    }
    assert_eq!(received(&server).await, Vec::<String>::new());
}
