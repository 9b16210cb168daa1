//! `aicost-policy comment bitbucket` end to end: the real binary with Bitbucket Pipelines'
//! variables, posting to a local stand-in for the Bitbucket Cloud REST API 2.0 (wiremock on
//! 127.0.0.1). The behaviours themselves are tested on the publish stage in
//! tests/comment_bitbucket.rs.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use crate::common;

use std::path::{Path, PathBuf};

use common::git_repo::GitRepo;
use common::run::aicost;
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TODAY: &str = "2026-11-28";
const CRATE_DIR: &str = env!("CARGO_MANIFEST_DIR");
const TOKEN: &str = "ATCTTcliFAKE8tokenRw2Kp";
const PR: &str = "/2.0/repositories/acme/infra/pullrequests/7";
const WEB: &str = "https://bitbucket.org/acme/infra/pull-requests/7";
const BOT: &str = "{4f5a2d1c-0b7e-4e3a-9c1d-2a6b8e0f1d3c}";
const MARKER: &str = "<!-- aicost-policy:comment tag=prod -->";

fn repository() -> GitRepo {
    let repo = GitRepo::new();
    let data = Path::new(CRATE_DIR).join("testdata/diff");
    repo.commit_tree(&data.join("base"), "base");
    repo.commit_tree(&data.join("head"), "head");
    repo
}

/// A Bitbucket with no comments on pull request 7 that accepts a new one.
fn bitbucket() -> (tokio::runtime::Runtime, MockServer) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(MockServer::start());
    let mount = |mock: Mock| runtime.block_on(mock.mount(&server));
    mount(
        Mock::given(method("GET")).and(path(PR)).respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({ "id": 7, "links": { "html": { "href": WEB } } })),
        ),
    );
    mount(
        Mock::given(method("GET"))
            .and(path(format!("{PR}/comments")))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "values": [] }))),
    );
    mount(
        Mock::given(method("POST"))
            .and(path(format!("{PR}/comments")))
            .respond_with(ResponseTemplate::new(201).set_body_json(json!({ "id": 300 }))),
    );
    (runtime, server)
}

/// The variables a Bitbucket Pipelines run of a pull request sets, and the token.
fn pipeline_env(token: bool) -> Vec<(&'static str, &'static str)> {
    let mut env = vec![
        ("BITBUCKET_WORKSPACE", "acme"),
        ("BITBUCKET_REPO_SLUG", "infra"),
        ("BITBUCKET_PR_ID", "7"),
    ];
    if token {
        env.push(("BITBUCKET_TOKEN", TOKEN));
    }
    env
}

fn args<'a>(server: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "comment",
        "bitbucket",
        "infra",
        "--tag",
        "prod",
        "--bitbucket-api-url",
        server,
    ];
    args.extend_from_slice(rest);
    args
}

/// The requests received, each checked for the Bearer token; and the posted comment's text.
fn requests(runtime: &tokio::runtime::Runtime, server: &MockServer) -> (Vec<String>, String) {
    let requests = runtime.block_on(server.received_requests()).unwrap();
    let mut posted = String::new();
    let seen = requests
        .iter()
        .map(|r| {
            assert_eq!(
                r.headers.get("authorization").unwrap().to_str().unwrap(),
                format!("Bearer {TOKEN}")
            );
            if r.method.as_str() == "POST" {
                let body: Value = serde_json::from_slice(&r.body).unwrap();
                assert_eq!(body.as_object().unwrap().len(), 1, "{body}");
                posted = body["content"]["raw"].as_str().unwrap().to_string();
            }
            let query = r.url.query().map(|q| format!("?{q}")).unwrap_or_default();
            format!("{} {}{query}", r.method, r.url.path())
        })
        .collect();
    (seen, posted)
}

#[test]
fn the_comment_is_the_diff_markdown_under_our_marker_posted_where_the_pipeline_says() {
    let repo = repository();
    let dir = repo.path();
    let (runtime, server) = bitbucket();
    let uri = server.uri();
    let markdown = aicost(
        &dir,
        &[
            "diff", "infra", "--base", "HEAD~1", "--today", TODAY, "--format", "markdown",
        ],
        &[],
    );
    assert_eq!(markdown.code, 1, "{}", markdown.stderr);

    let run = aicost(
        &dir,
        &args(
            &uri,
            &[
                "--base",
                "HEAD~1",
                "--today",
                TODAY,
                "--comment-author",
                BOT,
            ],
        ),
        &pipeline_env(true),
    );

    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.contains("\nCost changes:\n"), "{}", run.stdout);
    assert_eq!(
        run.stderr,
        format!("posted the cost comment: {WEB}#comment-300\n")
    );
    let (seen, posted) = requests(&runtime, &server);
    assert_eq!(
        seen,
        [
            format!("GET {PR}"),
            format!("GET {PR}/comments?pagelen=100"),
            format!("POST {PR}/comments"),
        ]
    );
    assert_eq!(posted, format!("{MARKER}\n{}", markdown.stdout));
    assert!(!run.stderr.contains(TOKEN));
}

#[test]
fn a_long_report_is_cut_to_bitbuckets_limit_with_a_note() {
    let repo = GitRepo::new();
    let dir = repo.path();
    let tree = tempfile::tempdir().unwrap();
    let infra = tree.path().join("infra");
    std::fs::create_dir(&infra).unwrap();
    std::fs::write(
        infra.join("providers.tf"),
        "provider \"aws\" {\n  region = \"us-east-1\"\n}\n",
    )
    .unwrap();
    repo.commit_tree(tree.path(), "base");
    std::fs::write(
        infra.join("fleet.tf"),
        "resource \"aws_instance\" \"fleet\" {\n  count         = 1000\n  ami           = \"ami-0c55b159cbfafe1f0\"\n  instance_type = \"g5.2xlarge\"\n}\n",
    )
    .unwrap();
    repo.commit_tree(tree.path(), "head");
    let (runtime, server) = bitbucket();
    let uri = server.uri();

    let run = aicost(
        &dir,
        &args(
            &uri,
            &["--base", "HEAD~1", "--today", TODAY, "--behavior", "new"],
        ),
        &pipeline_env(true),
    );

    assert_eq!(run.code, 1, "{}", run.stderr);
    let (seen, posted) = requests(&runtime, &server);
    assert_eq!(seen, [format!("GET {PR}"), format!("POST {PR}/comments")]);
    let chars = posted.chars().count();
    assert!(chars <= 32_767, "{chars}");
    assert!(chars > 30_000, "{chars}");
    assert!(posted.starts_with(&format!("{MARKER}\n### 💰 aicost-policy: ")));
    assert!(
        posted.contains(" more failures not shown: the comment is limited to 32,767 characters. The full list is in the job output (`aicost-policy diff`)._"),
        "{posted}"
    );
}

#[test]
fn mentions_and_references_from_the_input_stay_broken() {
    let head: PathBuf = Path::new(CRATE_DIR).join("testdata/markdown_injection/head");
    let (runtime, server) = bitbucket();
    let uri = server.uri();

    let run = aicost(
        &head,
        &args(&uri, &["--base-path", "../base", "--behavior", "new"]),
        &pipeline_env(true),
    );

    assert!(
        run.stderr.starts_with("posted the cost comment: "),
        "{}",
        run.stderr
    );
    let (_, posted) = requests(&runtime, &server);
    assert!(
        posted.contains("@\u{200B}octocat @\u{200B}acme/platform #\u{200B}1"),
        "{posted}"
    );
    // Outside the ``code spans`` (inert: the name as written), nothing is live.
    let prose: String = posted.split("``").step_by(2).collect();
    assert!(prose.len() < posted.len());
    for live in ["@octocat", "@acme", "#1 ", "](https://evil", ":tada:"] {
        assert!(!prose.contains(live), "{live}");
    }
}

#[test]
fn what_cannot_work_is_refused_before_anything_is_sent() {
    let repo = repository();
    let dir = repo.path();
    let (runtime, server) = bitbucket();
    let uri = server.uri();
    let base = ["--base", "HEAD~1", "--today", TODAY];

    let run = aicost(&dir, &args(&uri, &base), &pipeline_env(true));
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: Bitbucket access tokens may not ask whose they are, so earlier comments cannot be told apart\n  help: name the account that posts with --comment-author UUID (the access token's bot user: the user.uuid of a comment it wrote), or use --behavior new\n"
    );

    let run = aicost(
        &dir,
        &args(&uri, &[&base[..], &["--comment-author", BOT]].concat()),
        &pipeline_env(false),
    );
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: the environment variable BITBUCKET_TOKEN holds no token\n  help: set it to a repository or workspace access token with the pullrequest:write scope (a secured repository variable), or name another variable with --token-env\n"
    );

    let run = aicost(
        &dir,
        &args(&uri, &[&base[..], &["--comment-author", "alice"]].concat()),
        &pipeline_env(true),
    );
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: invalid comment author \"alice\": it is not an account UUID ({8-4-4-4-12 hexadecimal digits}, braces optional)\n  help: give the UUID of the account that posts, {xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx} (braces optional): an access token's bot user is the `user.uuid` of a comment it wrote\n"
    );

    let run = aicost(
        &dir,
        &args(&uri, &[&base[..], &["--behavior", "hide-and-new"]].concat()),
        &pipeline_env(true),
    );
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: Bitbucket cannot hide a pull request comment\n  help: use --behavior update, new or delete-and-new\n"
    );

    let run = aicost(
        &dir,
        &args(&uri, &["--base", "HEAD~1", "--behavior", "new"]),
        &[("BITBUCKET_WORKSPACE", "acme"), ("BITBUCKET_TOKEN", TOKEN)],
    );
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: no repository to comment in\n  help: give --repo-slug SLUG (Bitbucket Pipelines sets BITBUCKET_REPO_SLUG)\n"
    );
    assert!(runtime
        .block_on(server.received_requests())
        .unwrap()
        .is_empty());
}
