//! Only comments the token's own account wrote are ours. Anyone taking part in a pull
//! request can write our marker on the first line of a comment; such a comment must never
//! be edited, deleted or hidden by us.

use super::*;

const USER: &str = "/user";

/// Options without `--comment-author`: GitHub is asked whose the token is.
fn asking(behavior: Behavior) -> Options {
    Options {
        behavior,
        retry: fast(),
        limits: Limits::default(),
        author: None,
    }
}

/// An installation token (the GITHUB_TOKEN of Actions, a GitHub App's): `GET /user` is
/// refused, GraphQL's viewer is the app's bot.
async fn mock_installation_token(server: &MockServer, bot: &str) {
    Mock::given(method("GET"))
        .and(path(USER))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({
            "message": "Resource not accessible by integration",
            "documentation_url": "https://docs.github.com/rest/users/users#get-the-authenticated-user",
            "status": "403"
        })))
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/graphql"))
        .and(body_partial_json(json!({ "query": VIEWER })))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({ "data": { "viewer": { "login": bot } } })),
        )
        .mount(server)
        .await;
}

const VIEWER: &str = "query { viewer { login } }";

fn user_req() -> (String, String, Value) {
    req("GET", USER, Value::Null)
}

fn viewer_req() -> (String, String, Value) {
    req(
        "POST",
        "/graphql",
        json!({ "query": VIEWER, "variables": {} }),
    )
}

fn marked(tag: &str, text: &str) -> String {
    format!("{}\n{text}", marker(tag))
}

#[tokio::test(flavor = "multi_thread")]
async fn update_edits_the_bots_comment_not_a_newer_one_someone_else_marked() {
    let server = MockServer::start().await;
    mock_installation_token(&server, BOT).await;
    mock_list(
        &server,
        json!([
            ours(10, "prod", "old costs", "2026-01-01T09:00:00Z"),
            // A participant copies the marker into their own comment, newer than ours.
            comment_by(
                "mallory",
                "User",
                20,
                &marked("prod", "please edit me"),
                "2026-01-02T09:00:00Z"
            ),
            // A user whose name looks like the bot's is not the bot.
            comment_by(
                "github-actions",
                "User",
                30,
                &marked("prod", "nor me"),
                "2026-01-03T09:00:00Z"
            ),
        ]),
    )
    .await;
    Mock::given(method("PATCH"))
        .and(path("/repos/octo/app/issues/comments/10"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({ "id": 10, "html_url": url(10) })),
        )
        .mount(&server)
        .await;

    let posted = post_with(
        target(&server, ""),
        "prod",
        "new costs",
        asking(Behavior::Update),
    )
    .await;

    assert_eq!(posted.unwrap(), Posted::Updated { url: url(10) });
    assert_eq!(
        received(&server).await,
        vec![
            user_req(),
            viewer_req(),
            list_req(),
            req(
                "PATCH",
                "/repos/octo/app/issues/comments/10",
                json!({ "body": full("prod", "new costs") })
            ),
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn update_creates_a_comment_when_only_others_carry_the_marker() {
    let server = MockServer::start().await;
    mock_installation_token(&server, BOT).await;
    mock_list(
        &server,
        json!([comment_by(
            "mallory",
            "User",
            20,
            &marked("prod", "a human's comment"),
            "2026-01-02T09:00:00Z"
        )]),
    )
    .await;
    mock_create(&server, "", 21).await;

    let posted = post_with(target(&server, ""), "prod", "x", asking(Behavior::Update)).await;

    assert_eq!(
        posted.unwrap(),
        Posted::Created {
            url: url(21),
            hidden: 0,
            deleted: 0
        }
    );
    assert_eq!(
        received(&server).await,
        vec![
            user_req(),
            viewer_req(),
            list_req(),
            create_req("prod", "x")
        ]
    );
}

/// A personal token is a user: `GET /user` names it, and only that user's marked comments
/// are deleted, not the Actions bot's, not another person's.
#[tokio::test(flavor = "multi_thread")]
async fn delete_and_new_deletes_only_the_token_owners_comments() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(USER))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({ "login": "Cost-Reporter", "id": 7, "type": "User" })),
        )
        .mount(&server)
        .await;
    mock_list(
        &server,
        json!([
            comment_by(
                "cost-reporter",
                "User",
                11,
                &marked("prod", "a"),
                "2026-01-01T09:00:00Z"
            ),
            comment_by(
                "mallory",
                "User",
                12,
                &marked("prod", "b"),
                "2026-01-01T10:00:00Z"
            ),
            ours(13, "prod", "by the bot", "2026-01-01T11:00:00Z"),
        ]),
    )
    .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    mock_create(&server, "", 14).await;

    let posted = post_with(
        target(&server, ""),
        "prod",
        "c",
        asking(Behavior::DeleteAndNew),
    )
    .await;

    assert_eq!(
        posted.unwrap(),
        Posted::Created {
            url: url(14),
            hidden: 0,
            deleted: 1
        }
    );
    assert_eq!(
        received(&server).await,
        vec![
            user_req(),
            list_req(),
            req("DELETE", "/repos/octo/app/issues/comments/11", Value::Null),
            create_req("prod", "c"),
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn hide_and_new_hides_only_the_apps_comments() {
    let server = MockServer::start().await;
    // A GitHub App's installation token: its bot is `SLUG[bot]`.
    mock_installation_token(&server, "cost-app[bot]").await;
    mock_list(
        &server,
        json!([
            comment_by(
                "cost-app[bot]",
                "Bot",
                21,
                &marked("prod", "a"),
                "2026-01-01T09:00:00Z"
            ),
            ours(22, "prod", "the Actions bot's", "2026-01-01T10:00:00Z"),
            comment_by(
                "mallory",
                "User",
                23,
                &marked("prod", "c"),
                "2026-01-01T11:00:00Z"
            ),
        ]),
    )
    .await;
    mock_graphql(
        &server,
        "/graphql",
        json!([{ "id": "IC_kwDO21", "isMinimized": false }]),
    )
    .await;
    mock_create(&server, "", 24).await;

    let posted = post_with(
        target(&server, ""),
        "prod",
        "e",
        asking(Behavior::HideAndNew),
    )
    .await;

    assert_eq!(
        posted.unwrap(),
        Posted::Created {
            url: url(24),
            hidden: 1,
            deleted: 0
        }
    );
    assert_eq!(
        received(&server).await,
        vec![
            user_req(),
            viewer_req(),
            list_req(),
            hidden_query("/graphql", &["IC_kwDO21"]),
            minimize("/graphql", "IC_kwDO21"),
            create_req("prod", "e"),
        ]
    );
}

/// `--comment-author` names the account: GitHub is not asked, and an app's bot is not a
/// user who took the same name.
#[tokio::test(flavor = "multi_thread")]
async fn a_given_author_is_used_without_asking() {
    let server = MockServer::start().await;
    mock_list(
        &server,
        json!([
            comment_by(
                "cost-app[bot]",
                "Bot",
                31,
                &marked("prod", "a"),
                "2026-01-01T09:00:00Z"
            ),
            comment_by(
                "cost-app",
                "User",
                32,
                &marked("prod", "b"),
                "2026-01-02T09:00:00Z"
            ),
        ]),
    )
    .await;
    Mock::given(method("PATCH"))
        .and(path("/repos/octo/app/issues/comments/31"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({ "id": 31, "html_url": url(31) })),
        )
        .mount(&server)
        .await;
    let options = Options {
        author: Some("cost-app[bot]".to_string()),
        ..asking(Behavior::Update)
    };

    let posted = post_with(target(&server, ""), "prod", "x", options).await;

    assert_eq!(posted.unwrap(), Posted::Updated { url: url(31) });
    assert_eq!(
        received(&server).await,
        vec![
            list_req(),
            req(
                "PATCH",
                "/repos/octo/app/issues/comments/31",
                json!({ "body": full("prod", "x") })
            ),
        ]
    );
}

/// When neither API says whose the token is, nothing is listed or written: guessing could
/// touch someone else's comment.
#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_author_stops_before_anything_is_written() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(USER))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_json(json!({ "message": "Resource not accessible by integration" })),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/graphql"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": null,
            "errors": [{ "type": "FORBIDDEN", "message": "Resource not accessible by integration" }]
        })))
        .mount(&server)
        .await;

    let error = post_with(target(&server, ""), "prod", "x", asking(Behavior::Update))
        .await
        .unwrap_err();

    let (display, help) = texts(&error);
    assert_eq!(
        display,
        "cannot find out whose token this is: GitHub refused to find out whose token this is \
         (HTTP 403): Resource not accessible by integration; GitHub refused to find out whose \
         token this is (HTTP 200): Resource not accessible by integration"
    );
    assert_eq!(
        help,
        "name the account that posts the comment with --comment-author LOGIN: \
         github-actions[bot] for the GITHUB_TOKEN of GitHub Actions, APP-SLUG[bot] for a \
         GitHub App's token, your login for a personal token"
    );
    assert_eq!(received(&server).await, vec![user_req(), viewer_req()]);
}
