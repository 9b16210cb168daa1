//! What can go wrong posting a comment. Messages carry GitHub's own `message` and the HTTP
//! status, and say what we were doing; they never carry the token.

use miette::Diagnostic;

/// The most characters GitHub accepts in a comment body.
pub const MAX_BODY_CHARS: usize = 65_536;

/// Why a comment could not be posted.
#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum PublishError {
    /// The token may not do this: 401, or a 403 / 404 that is about access.
    #[error("GitHub refused to {action} (HTTP {status}): {message}")]
    #[diagnostic(
        code(aicost_policy::publish::no_permission),
        help(
            "the token needs write access to pull requests: in GitHub Actions give the job \
             `permissions: pull-requests: write`. A pull request from a fork always gets a \
             read-only GITHUB_TOKEN (GitHub answers \"Resource not accessible by integration\"); \
             post the comment from a `workflow_run` workflow instead. HTTP 401 means the token \
             is wrong or expired"
        )
    )]
    NoPermission {
        action: String,
        status: u16,
        message: String,
    },

    /// The body is over GitHub's limit.
    #[error(
        "the comment is too long for GitHub: {chars} characters, the limit is {limit}{}",
        detail(message)
    )]
    #[diagnostic(
        code(aicost_policy::publish::body_too_long),
        help("shorten the report, e.g. show failures only or fewer resources")
    )]
    BodyTooLong {
        chars: usize,
        limit: usize,
        /// GitHub's words when it refused the body (empty when we refused it first).
        message: String,
    },

    /// 404: the repository, pull request or comment does not exist, or the token cannot see it.
    #[error("GitHub found nothing to {action} (HTTP 404): {message}")]
    #[diagnostic(
        code(aicost_policy::publish::not_found),
        help(
            "check the repository (owner/name) and the pull request number; a private \
             repository also answers 404 to a token that may not read it"
        )
    )]
    NotFound { action: String, message: String },

    /// Any other refusal or failure reported by GitHub.
    #[error("GitHub failed to {action} (HTTP {status}): {message}")]
    #[diagnostic(code(aicost_policy::publish::api))]
    Api {
        action: String,
        status: u16,
        message: String,
    },

    /// No answer from GitHub: connection, TLS or timeout.
    #[error("could not reach GitHub: {message}")]
    #[diagnostic(
        code(aicost_policy::publish::network),
        help("check the network and the GitHub API url")
    )]
    Network { message: String },

    /// The comment tag is not 1 to 64 of `A-Z a-z 0-9 . _ -`.
    #[error("invalid comment tag {tag:?}: {reason}")]
    #[diagnostic(
        code(aicost_policy::publish::invalid_tag),
        help("a tag is 1 to 64 letters, digits, `.`, `_` or `-`, e.g. `prod` or `eu-west-1`")
    )]
    InvalidTag { tag: String, reason: String },

    /// The API url is not an http(s) URL we can use.
    #[error("invalid GitHub API url {url:?}: {reason}")]
    #[diagnostic(
        code(aicost_policy::publish::invalid_url),
        help(
            "give the REST API root: https://api.github.com, or https://HOST/api/v3 for GitHub \
             Enterprise Server"
        )
    )]
    InvalidUrl { url: String, reason: String },

    /// The token is empty or cannot be sent in a header. The token itself is never shown.
    #[error("invalid GitHub token: {reason}")]
    #[diagnostic(
        code(aicost_policy::publish::invalid_token),
        help("pass the token exactly as GitHub issued it, e.g. the job's GITHUB_TOKEN")
    )]
    InvalidToken { reason: String },

    /// The owner, repository or pull request number cannot be part of an API path.
    #[error("invalid pull request target: {reason}")]
    #[diagnostic(
        code(aicost_policy::publish::invalid_target),
        help("the repository is OWNER/NAME as on github.com, the pull request a number from 1")
    )]
    InvalidTarget { reason: String },
}

fn detail(message: &str) -> String {
    if message.is_empty() {
        String::new()
    } else {
        format!(" ({message})")
    }
}
