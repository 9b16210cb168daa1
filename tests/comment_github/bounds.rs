//! Bounded publishing: each try has a timeout (its answer included), answers are read up to
//! a size cap, pagination stops at a page bound, and the whole run has a deadline. Small
//! limits stand in for the defaults, so the tests take milliseconds, not minutes.

use wiremock::{Request as Received, Respond};

use super::*;

fn limited(limits: Limits, behavior: Behavior) -> Options {
    Options {
        behavior,
        retry: fast(),
        limits,
        author: Some(BOT.to_string()),
    }
}

fn timeout(ms: u64) -> Limits {
    Limits {
        request_timeout: Duration::from_millis(ms),
        ..Limits::default()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_slow_answer_times_out_each_try_and_reads_are_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(LIST))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!([]))
                .set_delay(Duration::from_secs(5)),
        )
        .mount(&server)
        .await;

    let start = Instant::now();
    let error = post_with(
        target(&server, ""),
        "prod",
        "x",
        limited(timeout(200), Behavior::Update),
    )
    .await
    .unwrap_err();

    let display = texts(&error).0;
    let port = server.address().port();
    assert_eq!(
        display,
        format!(
            "could not reach GitHub: could not list the comments of octo/app#5 \
             (GET http://127.0.0.1:{port}/repos/octo/app/issues/5/comments?per_page=100) after \
             3 tries: no complete answer within 200ms (--request-timeout)"
        )
    );
    assert_eq!(
        received(&server).await,
        vec![list_req(), list_req(), list_req()]
    );
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
}

/// A new comment whose answer never came may have been created: trying again could post
/// it twice.
#[tokio::test(flavor = "multi_thread")]
async fn creating_a_comment_is_not_tried_again_after_a_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(LIST))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({ "id": 1, "html_url": url(1) }))
                .set_delay(Duration::from_secs(5)),
        )
        .mount(&server)
        .await;

    let error = post_with(
        target(&server, ""),
        "prod",
        "x",
        limited(timeout(200), Behavior::New),
    )
    .await
    .unwrap_err();

    let port = server.address().port();
    assert_eq!(
        texts(&error).0,
        format!(
            "could not reach GitHub: could not comment on octo/app#5 \
             (POST http://127.0.0.1:{port}/repos/octo/app/issues/5/comments): no complete answer \
             within 200ms (--request-timeout); it may have been done all the same, so it was \
             not tried again"
        )
    );
    assert_eq!(received(&server).await, vec![create_req("prod", "x")]);
}

/// The default cap, 10 MiB: a longer answer is refused, not read into memory whole.
#[tokio::test(flavor = "multi_thread")]
async fn an_answer_over_10_mib_is_not_read() {
    let server = MockServer::start().await;
    let huge = format!("[{}]", " ".repeat(10 * 1024 * 1024));
    Mock::given(method("GET"))
        .and(path(LIST))
        .respond_with(ResponseTemplate::new(200).set_body_raw(huge, "application/json"))
        .mount(&server)
        .await;

    let error = post(target(&server, ""), "prod", "x", Behavior::Update, fast())
        .await
        .unwrap_err();

    assert_eq!(
        texts(&error).0,
        "GitHub failed to list the comments of octo/app#5 (HTTP 200): the answer is larger than \
         10 MiB; it was not read further"
    );
    // Not a hiccup: not tried again.
    assert_eq!(received(&server).await, vec![list_req()]);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_answer_just_under_the_cap_is_read() {
    let server = MockServer::start().await;
    let body =
        serde_json::to_string(&json!([ours(3, "prod", "same", "2026-01-01T09:00:00Z")])).unwrap();
    let limits = Limits {
        max_response_bytes: body.len(),
        ..Limits::default()
    };
    Mock::given(method("GET"))
        .and(path(LIST))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .mount(&server)
        .await;

    let posted = post_with(
        target(&server, ""),
        "prod",
        "same",
        limited(limits, Behavior::Update),
    )
    .await;

    assert_eq!(posted.unwrap(), Posted::Unchanged { url: url(3) });
}

/// Every page links to a next one on this port, each a different URL, forever.
struct EndlessPages(u16);

impl Respond for EndlessPages {
    fn respond(&self, request: &Received) -> ResponseTemplate {
        let page: u64 = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "page")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(1);
        let next = format!(
            "<http://127.0.0.1:{}{LIST}?per_page=100&page={}>; rel=\"next\"",
            self.0,
            page + 1
        );
        ResponseTemplate::new(200)
            .set_body_json(json!([]))
            .insert_header("link", next.as_str())
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn pagination_stops_after_100_pages() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(LIST))
        .respond_with(EndlessPages(server.address().port()))
        .mount(&server)
        .await;

    let error = post(target(&server, ""), "prod", "x", Behavior::Update, fast())
        .await
        .unwrap_err();

    let (display, help) = texts(&error);
    assert_eq!(
        display,
        "stopped listing the comments of octo/app#5 after 100 pages (100 comments a page): \
         there are more, or the pages link back to each other"
    );
    assert_eq!(
        help,
        "the earlier comment cannot be found among so many; use --behavior new, which posts \
         without reading the comments"
    );
    let requests = received(&server).await;
    assert_eq!(requests.len(), 100);
    assert_eq!(
        requests.last().unwrap().1,
        "/repos/octo/app/issues/5/comments?per_page=100&page=100"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_whole_run_stops_at_its_deadline() {
    let server = MockServer::start().await;
    // Each try ends in time, but GitHub keeps failing and asks to wait 2 s between them.
    Mock::given(method("GET"))
        .and(path(LIST))
        .respond_with(
            ResponseTemplate::new(503)
                .insert_header("retry-after", "2")
                .set_body_json(json!({ "message": "Service Unavailable" })),
        )
        .mount(&server)
        .await;
    let options = Options {
        retry: RetryPolicy {
            attempts: 10,
            first_delay: Duration::from_millis(10),
            max_delay: Duration::from_secs(60),
        },
        ..limited(
            Limits {
                deadline: Duration::from_millis(500),
                ..Limits::default()
            },
            Behavior::Update,
        )
    };

    let start = Instant::now();
    let error = post_with(target(&server, ""), "prod", "x", options)
        .await
        .unwrap_err();
    let elapsed = start.elapsed();

    let (display, help) = texts(&error);
    assert_eq!(
        display,
        "gave up after 500ms (--deadline): GitHub had not finished answering; the comment may \
         be missing or out of date"
    );
    assert_eq!(
        help,
        "GitHub may be slow or unavailable: run the job again, or give a longer --deadline"
    );
    assert!(matches!(error, PublishError::Deadline { .. }));
    assert_eq!(received(&server).await, vec![list_req()]);
    assert!(elapsed >= Duration::from_millis(500), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
}
