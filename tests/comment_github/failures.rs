//! Retries, GitHub's refusals, and that the token never shows in an error.

use super::*;

// ---------------------------------------------------------------------------------------
// Retries
// ---------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn a_server_error_is_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(LIST))
        .respond_with(
            ResponseTemplate::new(500).set_body_json(json!({ "message": "Server Error" })),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    mock_list(&server, json!([])).await;
    mock_create(&server, "", 3).await;

    let posted = post(target(&server, ""), "prod", "x", Behavior::Update, fast()).await;

    assert_eq!(
        posted.unwrap(),
        Posted::Created {
            url: url(3),
            hidden: 0,
            deleted: 0
        }
    );
    assert_eq!(
        received(&server).await,
        vec![list_req(), list_req(), create_req("prod", "x")]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn retry_after_is_waited_for() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(LIST))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "1")
                .set_body_json(json!({ "message": "Too Many Requests" })),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    mock_create(&server, "", 4).await;

    let start = Instant::now();
    let posted = post(target(&server, ""), "prod", "x", Behavior::New, fast()).await;
    let waited = start.elapsed();

    assert_eq!(
        posted.unwrap(),
        Posted::Created {
            url: url(4),
            hidden: 0,
            deleted: 0
        }
    );
    assert_eq!(
        received(&server).await,
        vec![create_req("prod", "x"), create_req("prod", "x")]
    );
    // The policy alone would have waited 10 ms.
    assert!(waited >= Duration::from_secs(1), "{waited:?}");
    assert!(waited < Duration::from_secs(5), "{waited:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_secondary_rate_limit_is_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(LIST))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({
            "message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
        })))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    mock_create(&server, "", 5).await;

    let posted = post(target(&server, ""), "prod", "x", Behavior::New, fast()).await;

    assert_eq!(
        posted.unwrap(),
        Posted::Created {
            url: url(5),
            hidden: 0,
            deleted: 0
        }
    );
    assert_eq!(
        received(&server).await,
        vec![create_req("prod", "x"), create_req("prod", "x")]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn server_errors_give_up_after_the_last_try() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(LIST))
        .respond_with(ResponseTemplate::new(502).set_body_string("<html>Bad Gateway</html>"))
        .mount(&server)
        .await;

    let error = post(target(&server, ""), "prod", "x", Behavior::Update, fast())
        .await
        .unwrap_err();

    assert_eq!(
        texts(&error).0,
        "GitHub failed to list the comments of octo/app#5 (HTTP 502): <html>Bad Gateway</html> (gave up after 3 tries)"
    );
    assert_eq!(
        received(&server).await,
        vec![list_req(), list_req(), list_req()]
    );
}

// ---------------------------------------------------------------------------------------
// Refusals
// ---------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn a_read_only_token_is_no_permission_and_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(LIST))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({
            "message": "Resource not accessible by integration",
            "documentation_url": "https://docs.github.com/rest/issues/comments#create-an-issue-comment",
            "status": "403"
        })))
        .mount(&server)
        .await;

    let error = post(target(&server, ""), "prod", "x", Behavior::New, fast())
        .await
        .unwrap_err();

    let (display, help) = texts(&error);
    assert_eq!(
        display,
        "GitHub refused to comment on octo/app#5 (HTTP 403): Resource not accessible by integration"
    );
    assert_eq!(
        help,
        "the token needs write access to pull requests: in GitHub Actions give the job \
         `permissions: pull-requests: write`. A pull request from a fork always gets a \
         read-only GITHUB_TOKEN (GitHub answers \"Resource not accessible by integration\"); \
         post the comment from a `workflow_run` workflow instead"
    );
    assert_eq!(received(&server).await, vec![create_req("prod", "x")]);
}

/// A bad, expired or revoked token is a broken credential, not a read-only token: it must
/// not become the "may not write" of exit code 3.
#[tokio::test(flavor = "multi_thread")]
async fn bad_credentials_are_unauthorized_not_no_permission() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(json!({ "message": "Bad credentials" })),
        )
        .mount(&server)
        .await;

    let error = post(target(&server, ""), "prod", "x", Behavior::Update, fast())
        .await
        .unwrap_err();

    let (display, help) = texts(&error);
    assert_eq!(
        display,
        "the token was refused (401) when trying to list the comments of octo/app#5: Bad credentials"
    );
    assert_eq!(
        help,
        "check GITHUB_TOKEN / --token-env: the token may be expired, revoked or mistyped, or \
         meant for another GitHub host (--github-api-url)"
    );
    assert!(matches!(error, PublishError::Unauthorized { .. }));
    assert_eq!(received(&server).await, vec![list_req()]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_pull_request_is_not_found() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({ "message": "Not Found" })))
        .mount(&server)
        .await;

    let error = post(target(&server, ""), "prod", "x", Behavior::Update, fast())
        .await
        .unwrap_err();

    assert_eq!(
        texts(&error).0,
        "GitHub found nothing to list the comments of octo/app#5 (HTTP 404): Not Found"
    );
    assert_eq!(received(&server).await, vec![list_req()]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_body_github_finds_too_long_is_body_too_long() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(LIST))
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({
            "message": "Validation Failed",
            "errors": [{
                "resource": "IssueComment",
                "code": "custom",
                "field": "body",
                "message": "body is too long (maximum is 65536 characters)"
            }]
        })))
        .mount(&server)
        .await;
    // Short enough for our own check (65 536 characters), too long for this GitHub.
    let text = "é".repeat(60_000);

    let error = post(target(&server, ""), "prod", &text, Behavior::New, fast())
        .await
        .unwrap_err();

    assert_eq!(
        texts(&error).0,
        "the comment is too long for GitHub: 60040 characters, the limit is 65536 \
         (Validation Failed; body is too long (maximum is 65536 characters))"
    );
    assert!(matches!(
        error,
        PublishError::BodyTooLong {
            chars: 60_040,
            limit: 65_536,
            ..
        }
    ));
    assert_eq!(received(&server).await, vec![create_req("prod", &text)]);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_token_never_shows_in_errors() {
    // GitHub echoing the token back: blanked out.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_json(json!({ "message": format!("token {TOKEN} is malformed") })),
        )
        .mount(&server)
        .await;
    let error = post(target(&server, ""), "prod", "x", Behavior::Update, fast())
        .await
        .unwrap_err();
    assert_eq!(
        texts(&error).0,
        "GitHub failed to list the comments of octo/app#5 (HTTP 400): token [token] is malformed"
    );

    // Nobody listening: a network error after the retries.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let nowhere = GitHubTarget {
        api_url: format!("http://127.0.0.1:{port}"),
        owner: "octo".to_string(),
        repo: "app".to_string(),
        pull_request: 5,
    };
    let error = post(nowhere, "prod", "x", Behavior::Update, fast())
        .await
        .unwrap_err();
    let (display, _) = texts(&error);
    let expected_start = format!(
        "could not reach GitHub: could not list the comments of octo/app#5 \
         (GET http://127.0.0.1:{port}/repos/octo/app/issues/5/comments?per_page=100) after 3 tries: "
    );
    assert!(display.starts_with(&expected_start), "{display}");
    assert!(matches!(error, PublishError::Network { .. }));
}

/// Octocrab picks rustls' ring provider itself when none is installed (this test process
/// installs none): an https url gives a network error, not a panic.
#[tokio::test(flavor = "multi_thread")]
async fn an_https_url_needs_no_installed_crypto_provider() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let nowhere = GitHubTarget {
        api_url: format!("https://127.0.0.1:{port}/api/v3"),
        owner: "octo".to_string(),
        repo: "app".to_string(),
        pull_request: 5,
    };
    let retry = RetryPolicy {
        attempts: 1,
        ..fast()
    };
    let error = post(nowhere, "prod", "x", Behavior::New, retry)
        .await
        .unwrap_err();
    let (display, _) = texts(&error);
    let expected_start = format!(
        "could not reach GitHub: could not comment on octo/app#5 \
         (POST https://127.0.0.1:{port}/api/v3/repos/octo/app/issues/5/comments) after 1 try: "
    );
    assert!(display.starts_with(&expected_start), "{display}");
}
