//! The four behaviours, pagination and the GitHub Enterprise Server url shape.

use super::*;

#[tokio::test(flavor = "multi_thread")]
async fn update_creates_a_comment_when_none_is_ours() {
    let server = MockServer::start().await;
    mock_list(
        &server,
        json!([
            comment(1, "LGTM", "2026-01-01T10:00:00Z"),
            ours(2, "non-prod", "non-prod costs", "2026-01-01T11:00:00Z"),
            ours(3, "prod2", "prod2 costs", "2026-01-01T12:00:00Z"),
            comment(
                4,
                &format!("> {}\nquoted", marker("prod")),
                "2026-01-01T13:00:00Z"
            ),
        ]),
    )
    .await;
    mock_create(&server, "", 9).await;

    let posted = post(
        target(&server, ""),
        "prod",
        "## Cost\n$10",
        Behavior::Update,
        fast(),
    )
    .await;

    assert_eq!(
        posted.unwrap(),
        Posted::Created {
            url: url(9),
            hidden: 0,
            deleted: 0
        }
    );
    // The other tags' comments are untouched: no PATCH, no DELETE.
    assert_eq!(
        received(&server).await,
        vec![list_req(), create_req("prod", "## Cost\n$10")]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn update_edits_the_newest_of_ours() {
    let server = MockServer::start().await;
    mock_list(
        &server,
        json!([
            ours(30, "prod", "older, higher id", "2026-01-02T09:00:00Z"),
            ours(20, "prod", "newest", "2026-01-03T09:00:00Z"),
            ours(10, "prod", "oldest", "2026-01-01T09:00:00Z"),
            ours(40, "non-prod", "other tag, newer", "2026-01-04T09:00:00Z"),
        ]),
    )
    .await;
    Mock::given(method("PATCH"))
        .and(path("/repos/octo/app/issues/comments/20"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({ "id": 20, "html_url": url(20) })),
        )
        .mount(&server)
        .await;

    let posted = post(
        target(&server, ""),
        "prod",
        "new text",
        Behavior::Update,
        fast(),
    )
    .await;

    assert_eq!(posted.unwrap(), Posted::Updated { url: url(20) });
    assert_eq!(
        received(&server).await,
        vec![
            list_req(),
            req(
                "PATCH",
                "/repos/octo/app/issues/comments/20",
                json!({ "body": full("prod", "new text") })
            ),
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn update_with_identical_text_writes_nothing() {
    let server = MockServer::start().await;
    mock_list(
        &server,
        json!([
            ours(7, "prod", "old text", "2026-01-01T09:00:00Z"),
            ours(8, "prod", "same text", "2026-01-02T09:00:00Z"),
        ]),
    )
    .await;

    let posted = post(
        target(&server, ""),
        "prod",
        "same text",
        Behavior::Update,
        fast(),
    )
    .await;

    assert_eq!(posted.unwrap(), Posted::Unchanged { url: url(8) });
    assert_eq!(received(&server).await, vec![list_req()]);
}

#[tokio::test(flavor = "multi_thread")]
async fn update_follows_pagination_past_100_comments() {
    let server = MockServer::start().await;
    let page1: Vec<Value> = (1..=100)
        .map(|id| comment(id, &format!("comment {id}"), "2026-01-01T09:00:00Z"))
        .collect();
    let mut page2: Vec<Value> = (101..=150)
        .map(|id| comment(id, &format!("comment {id}"), "2026-01-02T09:00:00Z"))
        .collect();
    page2[20] = ours(121, "prod", "old", "2026-01-02T09:00:00Z");
    // GitHub's next link is absolute and names the repository by id.
    let next = format!(
        "{}/repositories/99/issues/5/comments?per_page=100&page=2",
        server.uri()
    );
    Mock::given(method("GET"))
        .and(path(LIST))
        .and(query_param_is_missing("page"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(Value::Array(page1))
                .insert_header(
                    "link",
                    format!("<{next}>; rel=\"next\", <{next}>; rel=\"last\"").as_str(),
                ),
        )
        .mount(&server)
        .await;
    let first = format!(
        "{}/repositories/99/issues/5/comments?per_page=100&page=1",
        server.uri()
    );
    Mock::given(method("GET"))
        .and(path("/repositories/99/issues/5/comments"))
        .and(query_param("page", "2"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(Value::Array(page2))
                .insert_header(
                    "link",
                    format!("<{first}>; rel=\"prev\", <{first}>; rel=\"first\"").as_str(),
                ),
        )
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/repos/octo/app/issues/comments/121"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({ "id": 121, "html_url": url(121) })),
        )
        .mount(&server)
        .await;

    let posted = post(target(&server, ""), "prod", "new", Behavior::Update, fast()).await;

    assert_eq!(posted.unwrap(), Posted::Updated { url: url(121) });
    assert_eq!(
        received(&server).await,
        vec![
            list_req(),
            req(
                "GET",
                "/repositories/99/issues/5/comments?per_page=100&page=2",
                Value::Null
            ),
            req(
                "PATCH",
                "/repos/octo/app/issues/comments/121",
                json!({ "body": full("prod", "new") })
            ),
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn new_always_creates_without_listing() {
    let server = MockServer::start().await;
    mock_list(
        &server,
        json!([ours(1, "prod", "text", "2026-01-01T09:00:00Z")]),
    )
    .await;
    mock_create(&server, "", 2).await;

    let posted = post(target(&server, ""), "prod", "text", Behavior::New, fast()).await;

    assert_eq!(
        posted.unwrap(),
        Posted::Created {
            url: url(2),
            hidden: 0,
            deleted: 0
        }
    );
    assert_eq!(received(&server).await, vec![create_req("prod", "text")]);
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_and_new_deletes_every_one_of_ours() {
    let server = MockServer::start().await;
    mock_list(
        &server,
        json!([
            ours(11, "prod", "a", "2026-01-02T09:00:00Z"),
            comment(12, "human comment", "2026-01-02T10:00:00Z"),
            ours(13, "non-prod", "b", "2026-01-02T11:00:00Z"),
            ours(14, "prod", "c", "2026-01-01T09:00:00Z"),
        ]),
    )
    .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    mock_create(&server, "", 15).await;

    let posted = post(
        target(&server, ""),
        "prod",
        "d",
        Behavior::DeleteAndNew,
        fast(),
    )
    .await;

    assert_eq!(
        posted.unwrap(),
        Posted::Created {
            url: url(15),
            hidden: 0,
            deleted: 2
        }
    );
    assert_eq!(
        received(&server).await,
        vec![
            list_req(),
            req("DELETE", "/repos/octo/app/issues/comments/14", Value::Null),
            req("DELETE", "/repos/octo/app/issues/comments/11", Value::Null),
            create_req("prod", "d"),
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn hide_and_new_minimizes_every_one_of_ours_not_hidden_yet() {
    let server = MockServer::start().await;
    mock_list(
        &server,
        json!([
            ours(21, "prod", "a", "2026-01-01T09:00:00Z"),
            ours(22, "staging", "b", "2026-01-01T10:00:00Z"),
            ours(23, "prod", "c", "2026-01-01T11:00:00Z"),
            ours(
                25,
                "prod",
                "hidden by an earlier run",
                "2026-01-01T08:00:00Z"
            ),
        ]),
    )
    .await;
    mock_graphql(
        &server,
        "/graphql",
        json!([
            { "id": "IC_kwDO25", "isMinimized": true },
            { "id": "IC_kwDO21", "isMinimized": false },
            { "id": "IC_kwDO23", "isMinimized": false },
        ]),
    )
    .await;
    mock_create(&server, "", 24).await;

    let posted = post(
        target(&server, ""),
        "prod",
        "e",
        Behavior::HideAndNew,
        fast(),
    )
    .await;

    assert_eq!(
        posted.unwrap(),
        Posted::Created {
            url: url(24),
            hidden: 2,
            deleted: 0
        }
    );
    assert_eq!(
        received(&server).await,
        vec![
            list_req(),
            hidden_query("/graphql", &["IC_kwDO25", "IC_kwDO21", "IC_kwDO23"]),
            minimize("/graphql", "IC_kwDO21"),
            minimize("/graphql", "IC_kwDO23"),
            create_req("prod", "e"),
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn graphql_errors_in_a_200_answer_are_failures() {
    let server = MockServer::start().await;
    mock_list(
        &server,
        json!([ours(21, "prod", "a", "2026-01-01T09:00:00Z")]),
    )
    .await;
    Mock::given(method("POST"))
        .and(path("/graphql"))
        .and(body_partial_json(json!({ "query": HIDDEN })))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({ "data": { "nodes": [{ "id": "IC_kwDO21", "isMinimized": false }] } }),
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/graphql"))
        .and(body_partial_json(json!({ "query": MINIMIZE })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": { "minimizeComment": null },
            "errors": [{
                "type": "FORBIDDEN",
                "path": ["minimizeComment"],
                "message": "Resource not accessible by integration"
            }]
        })))
        .mount(&server)
        .await;
    mock_create(&server, "", 24).await;

    let error = post(
        target(&server, ""),
        "prod",
        "e",
        Behavior::HideAndNew,
        fast(),
    )
    .await
    .unwrap_err();

    assert_eq!(
        texts(&error).0,
        "GitHub refused to hide comment 21 on octo/app#5 (HTTP 200): Resource not accessible by integration"
    );
    assert!(matches!(
        error,
        PublishError::NoPermission { status: 200, .. }
    ));
    // Nothing was created after the failure.
    assert_eq!(
        received(&server).await,
        vec![
            list_req(),
            hidden_query("/graphql", &["IC_kwDO21"]),
            minimize("/graphql", "IC_kwDO21"),
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn github_enterprise_server_paths() {
    let server = MockServer::start().await;
    let next = format!(
        "{}/api/v3/repositories/7/issues/5/comments?per_page=100&page=2",
        server.uri()
    );
    Mock::given(method("GET"))
        .and(path(format!("/api/v3{LIST}")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!([ours(31, "prod", "a", "2026-01-01T09:00:00Z")]))
                .insert_header("link", format!("<{next}>; rel=\"next\"").as_str()),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v3/repositories/7/issues/5/comments"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([ours(
            32,
            "prod",
            "b",
            "2026-01-02T09:00:00Z"
        )])))
        .mount(&server)
        .await;
    mock_graphql(
        &server,
        "/api/graphql",
        json!([
            { "id": "IC_kwDO31", "isMinimized": false },
            { "id": "IC_kwDO32", "isMinimized": false },
        ]),
    )
    .await;
    mock_create(&server, "/api/v3", 33).await;

    let posted = post(
        target(&server, "/api/v3"),
        "prod",
        "c",
        Behavior::HideAndNew,
        fast(),
    )
    .await;

    assert_eq!(
        posted.unwrap(),
        Posted::Created {
            url: url(33),
            hidden: 2,
            deleted: 0
        }
    );
    assert_eq!(
        received(&server).await,
        vec![
            req(
                "GET",
                "/api/v3/repos/octo/app/issues/5/comments?per_page=100",
                Value::Null
            ),
            req(
                "GET",
                "/api/v3/repositories/7/issues/5/comments?per_page=100&page=2",
                Value::Null
            ),
            hidden_query("/api/graphql", &["IC_kwDO31", "IC_kwDO32"]),
            minimize("/api/graphql", "IC_kwDO31"),
            minimize("/api/graphql", "IC_kwDO32"),
            req(
                "POST",
                "/api/v3/repos/octo/app/issues/5/comments",
                json!({ "body": full("prod", "c") })
            ),
        ]
    );
}

/// Another run deleted comment 11 between our listing and our DELETE: not an error.
#[tokio::test(flavor = "multi_thread")]
async fn delete_and_new_skips_a_comment_already_gone() {
    let server = MockServer::start().await;
    mock_list(
        &server,
        json!([
            ours(11, "prod", "a", "2026-01-01T09:00:00Z"),
            ours(12, "prod", "b", "2026-01-02T09:00:00Z"),
        ]),
    )
    .await;
    Mock::given(method("DELETE"))
        .and(path("/repos/octo/app/issues/comments/11"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({ "message": "Not Found" })))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/repos/octo/app/issues/comments/12"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    mock_create(&server, "", 13).await;

    let posted = post(
        target(&server, ""),
        "prod",
        "c",
        Behavior::DeleteAndNew,
        fast(),
    )
    .await;

    assert_eq!(
        posted.unwrap(),
        Posted::Created {
            url: url(13),
            hidden: 0,
            deleted: 1
        }
    );
    assert_eq!(
        received(&server).await,
        vec![
            list_req(),
            req("DELETE", "/repos/octo/app/issues/comments/11", Value::Null),
            req("DELETE", "/repos/octo/app/issues/comments/12", Value::Null),
            create_req("prod", "c"),
        ]
    );
}
