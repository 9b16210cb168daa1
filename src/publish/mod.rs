//! The publish stage: posts a rendered report as one sticky comment on a pull request.
//!
//! The comment's first line is a hidden marker naming a tag ([`marker`]), so later runs find
//! their own comment again ([`is_ours`]) and update it, replace it or hide it, while
//! comments of other tags, other tools and other people are left alone: a comment is ours
//! only when the token's own account wrote it. The hosts: GitHub (`github.rs`), GitLab
//! (`gitlab.rs`), Azure DevOps (`azure.rs`) and Bitbucket Cloud (`bitbucket.rs`); the
//! network is used nowhere else in the
//! pipeline. Every request, every
//! answer and the whole run are bounded ([`Limits`]).

mod azure;
mod bitbucket;
mod common;
mod error;
mod github;
mod gitlab;
mod host;
mod http;
mod link;
mod marker;
mod retry;
mod reviews;

use std::time::Duration;

pub use azure::{check_identity, post_azure_thread, AzureTarget, AzureToken};
pub use bitbucket::{check_account_uuid, post_bitbucket_comment, BitbucketTarget};
pub use error::{PublishError, MAX_BODY_CHARS};
pub use gitlab::{check_username, post_gitlab_note, GitLabTarget, GitLabToken};
pub use host::Host;
pub use marker::{check_tag, is_ours, marker, MAX_TAG_LEN};
pub use retry::RetryPolicy;
pub use reviews::fetch_approvals_input;

/// Checks a `--comment-author` login: a GitHub login, or an app's `slug[bot]`.
pub fn check_author(login: &str) -> Result<(), PublishError> {
    github::check_login(login)
}

/// How long and how much publishing may take, so a slow or hostile server cannot hold a CI
/// job or fill its memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// One HTTP try, from connecting to the last byte of the answer.
    pub request_timeout: Duration,
    /// The whole of [`post_comment`] or [`fetch_approvals_input`]: every request, retry and
    /// wait.
    pub deadline: Duration,
    /// The largest answer read, in bytes; a longer one is an error, not read further.
    pub max_response_bytes: usize,
    /// Pages of any one list (comments, reviews, a team's members; 100 a page) read before
    /// giving up.
    pub max_pages: usize,
}

impl Default for Limits {
    /// 60 s a request, 10 minutes in all, 10 MiB an answer, 100 pages.
    fn default() -> Self {
        Limits {
            request_timeout: Duration::from_secs(60),
            deadline: Duration::from_secs(600),
            max_response_bytes: 10 * 1024 * 1024,
            max_pages: 100,
        }
    }
}

/// How to post: what to do with earlier comments, whose comments they are, and the bounds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    pub behavior: Behavior,
    pub retry: RetryPolicy,
    pub limits: Limits,
    /// The login whose comments are ours (`--comment-author`); `None` asks GitHub whose
    /// the token is.
    pub author: Option<String>,
}

/// `10m`, `90s`, `1.5s`, `250ms`: how durations are written in messages.
pub fn duration_text(d: Duration) -> String {
    let ms = d.as_millis();
    if ms >= 60_000 && ms.is_multiple_of(60_000) {
        format!("{}m", ms / 60_000)
    } else if ms >= 1000 && ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else if ms >= 1000 {
        let fraction = format!("{:03}", ms % 1000);
        format!("{}.{}s", ms / 1000, fraction.trim_end_matches('0'))
    } else {
        format!("{ms}ms")
    }
}

/// The pull request to comment on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitHubTarget {
    /// The REST API root: `https://api.github.com`, or `https://HOST/api/v3` for GitHub
    /// Enterprise Server (GitHub Actions gives it as `GITHUB_API_URL`).
    pub api_url: String,
    pub owner: String,
    pub repo: String,
    pub pull_request: u64,
}

/// What to do with the comments a previous run left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Behavior {
    /// Edit our newest comment in place (none: create one; same text: leave it).
    #[default]
    Update,
    /// Always add a new comment; older ones stay.
    New,
    /// Delete all of ours, then add a new comment.
    DeleteAndNew,
    /// Hide (minimize as outdated) all of ours, then add a new comment.
    HideAndNew,
}

impl Behavior {
    /// Every behaviour, in the order the help lists them.
    pub const ALL: [Behavior; 4] = [
        Behavior::Update,
        Behavior::New,
        Behavior::DeleteAndNew,
        Behavior::HideAndNew,
    ];

    /// The behaviour named `update`, `new`, `delete-and-new` or `hide-and-new`.
    pub fn parse(name: &str) -> Option<Behavior> {
        Behavior::ALL.into_iter().find(|b| b.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Behavior::Update => "update",
            Behavior::New => "new",
            Behavior::DeleteAndNew => "delete-and-new",
            Behavior::HideAndNew => "hide-and-new",
        }
    }
}

/// What [`post_comment`] did. `url` is the comment's page on GitHub.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Posted {
    /// A new comment, after hiding or deleting that many of ours (`hide-and-new`,
    /// `delete-and-new`; both 0 otherwise).
    Created {
        url: String,
        hidden: usize,
        deleted: usize,
    },
    /// Our newest comment now has the new text.
    Updated { url: String },
    /// Our newest comment already had exactly this text; nothing was written.
    Unchanged { url: String },
}

impl Posted {
    pub fn url(&self) -> &str {
        match self {
            Posted::Created { url, .. } | Posted::Updated { url } | Posted::Unchanged { url } => {
                url
            }
        }
    }
}

/// Posts `body` on the pull request as the comment tagged `tag`, as `options` say.
///
/// The comment is the marker line, a line break, then `body`. Blocking: the HTTP calls run
/// on a current-thread tokio runtime of a thread of their own, so this may be called from
/// anywhere, an async runtime included. Input is checked before any request: the tag, the
/// author, the body length, the API url, the target and the token. Errors never contain
/// the token. Past `options.limits.deadline` it stops with [`PublishError::Deadline`].
pub fn post_comment(
    target: &GitHubTarget,
    token: &str,
    tag: &str,
    body: &str,
    options: &Options,
) -> Result<Posted, PublishError> {
    marker::check_tag(tag)?;
    if let Some(author) = &options.author {
        check_author(author)?;
    }
    let full = format!("{}\n{body}", marker(tag));
    let chars = full.chars().count();
    if chars > Host::GitHub.body_limit() {
        return Err(PublishError::BodyTooLong {
            host: Host::GitHub,
            chars,
            limit: Host::GitHub.body_limit(),
            message: String::new(),
        });
    }
    let url = github::ApiUrl::parse(&target.api_url)?;
    github::check_target(target)?;
    common::check_token(token, Host::GitHub)?;
    on_own_thread(
        options.limits.deadline,
        || PublishError::Deadline {
            host: Host::GitHub,
            after: duration_text(options.limits.deadline),
        },
        "the HTTP client stopped unexpectedly; the comment may or may not have been posted",
        || async {
            let client = github::Client::new(url, token, &options.retry, &options.limits)?;
            let author = options.author.as_deref();
            github::publish(&client, target, tag, &full, options.behavior, author).await
        },
    )
}

/// Runs the future `make` gives on a current-thread tokio runtime of a thread of its own,
/// so the caller may be anywhere, an async runtime included; past `deadline` it stops with
/// `late()`. `stopped` is the error message should the thread die.
fn on_own_thread<T, Fut>(
    deadline: Duration,
    late: impl FnOnce() -> PublishError,
    stopped: &str,
    make: impl FnOnce() -> Fut + Send,
) -> Result<T, PublishError>
where
    T: Send,
    Fut: std::future::Future<Output = Result<T, PublishError>>,
{
    let answer = std::thread::scope(|scope| {
        let worker = scope.spawn(|| {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| PublishError::Network {
                    host: Host::GitHub,
                    message: format!("cannot start the HTTP runtime: {e}"),
                })?;
            runtime.block_on(async { Ok(tokio::time::timeout(deadline, make()).await.ok()) })
        });
        worker.join().unwrap_or_else(|_| {
            Err(PublishError::Network {
                host: Host::GitHub,
                message: stopped.to_string(),
            })
        })
    })?;
    answer.unwrap_or_else(|| Err(late()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaviours_round_trip_their_names() {
        let names: Vec<&str> = Behavior::ALL.iter().map(|b| b.as_str()).collect();
        assert_eq!(names, ["update", "new", "delete-and-new", "hide-and-new"]);
        for b in Behavior::ALL {
            assert_eq!(Behavior::parse(b.as_str()), Some(b));
        }
        assert_eq!(Behavior::parse("Update"), None);
        assert_eq!(Behavior::parse("hide"), None);
        assert_eq!(Behavior::default(), Behavior::Update);
    }

    fn target(api_url: &str, owner: &str, repo: &str, pull_request: u64) -> GitHubTarget {
        GitHubTarget {
            api_url: api_url.to_string(),
            owner: owner.to_string(),
            repo: repo.to_string(),
            pull_request,
        }
    }

    /// Refusals that need no network: nothing listens on the url given.
    #[test]
    fn input_is_checked_before_any_request() {
        let ok = target("http://127.0.0.1:9/", "octo", "app", 5);
        let post = |t: &GitHubTarget, token: &str, tag: &str, body: &str| {
            post_comment(t, token, tag, body, &Options::default())
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            post(&ok, "t0ken-t0ken", "prod -->", "x"),
            "invalid comment tag \"prod -->\": it contains ' '"
        );
        let long = "x".repeat(MAX_BODY_CHARS);
        assert_eq!(
            post(&ok, "t0ken-t0ken", "prod", &long),
            "the comment is too long for GitHub: 65576 characters, the limit is 65536"
        );
        assert_eq!(
            post(
                &target("api.github.com", "o", "r", 1),
                "t0ken-t0ken",
                "prod",
                "x"
            ),
            "invalid GitHub API url \"api.github.com\": it does not start with https:// or http://"
        );
        assert_eq!(
            post(&target("https://api.github.com", "o", "../r", 1), "t0ken-t0ken", "prod", "x"),
            "invalid pull request target: the repository \"../r\" is not a GitHub name (letters, digits, `.`, `_`, `-`)"
        );
        assert_eq!(
            post(
                &target("https://api.github.com", "o", "r", 0),
                "t0ken-t0ken",
                "prod",
                "x"
            ),
            "invalid pull request target: the pull request number is 0; numbers start at 1"
        );
        assert_eq!(
            post(&ok, "secret token\n", "prod", "x"),
            "invalid GitHub token: it contains a space, a control character or a non-ASCII character"
        );
        assert_eq!(
            post(&ok, " \n", "prod", "x"),
            "invalid GitHub token: it is empty"
        );
        let options = Options {
            author: Some("al ice".to_string()),
            ..Options::default()
        };
        assert_eq!(
            post_comment(&ok, "t0ken-t0ken", "prod", "x", &options)
                .unwrap_err()
                .to_string(),
            "invalid comment author \"al ice\": it contains ' '"
        );
    }

    #[test]
    fn durations_read_as_written_on_the_command_line() {
        let text = |ms: u64| duration_text(Duration::from_millis(ms));
        assert_eq!(text(600_000), "10m");
        assert_eq!(text(90_000), "90s");
        assert_eq!(text(1_500), "1.5s");
        assert_eq!(text(250), "250ms");
    }
}
