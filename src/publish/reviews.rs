//! `--approvals github`: the reviews of a pull request and the members of the teams the
//! approval groups name, read from GitHub with the same client, retries and bounds as the
//! comment (see `github/reviews.rs`).

use super::{
    duration_text, github, on_own_thread, GitHubTarget, Limits, PublishError, RetryPolicy,
};
use crate::model::ApprovalsInput;

/// Reads every review of the pull request and, for each team written `@org/team-slug` in
/// `teams`, its members' logins.
///
/// Blocking, like [`super::post_comment`]: the HTTP calls run on a current-thread tokio
/// runtime of a thread of their own, the whole call within `limits.deadline`
/// ([`PublishError::ReadDeadline`]). Input is checked before any request: the API url, the
/// target, the token and every team. A list longer than `limits.max_pages` pages is an error
/// ([`PublishError::TooManyPagesToRead`]), never read in part. A team the token may not
/// read (403, or 404) is [`PublishError::TeamUnreadable`]; a refused token (401) is
/// [`PublishError::Unauthorized`]. Errors never contain the token.
pub fn fetch_approvals_input(
    target: &GitHubTarget,
    token: &str,
    teams: &[String],
    limits: &Limits,
    retry: &RetryPolicy,
) -> Result<ApprovalsInput, PublishError> {
    let url = github::ApiUrl::parse(&target.api_url)?;
    github::check_target(target)?;
    super::common::check_token(token, super::Host::GitHub)?;
    let teams = teams
        .iter()
        .map(|team| github::check_team(team))
        .collect::<Result<Vec<_>, _>>()?;
    on_own_thread(
        limits.deadline,
        || PublishError::ReadDeadline {
            after: duration_text(limits.deadline),
        },
        "the HTTP client stopped unexpectedly while reading the reviews",
        || async {
            let client = github::Client::new(url, token, retry, limits)?;
            github::approvals_input(&client, target, &teams).await
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Nothing listens on the url: each refusal comes before any request.
    #[test]
    fn input_is_checked_before_any_request() {
        let target = GitHubTarget {
            api_url: "http://127.0.0.1:9/".to_string(),
            owner: "octo".to_string(),
            repo: "app".to_string(),
            pull_request: 5,
        };
        let fetch = |target: &GitHubTarget, token: &str, teams: &[&str]| {
            let teams: Vec<String> = teams.iter().map(|t| t.to_string()).collect();
            fetch_approvals_input(
                target,
                token,
                &teams,
                &Limits::default(),
                &RetryPolicy::default(),
            )
            .unwrap_err()
            .to_string()
        };
        assert_eq!(
            fetch(
                &target,
                "t0ken-t0ken",
                &["@acme/finops", "@acme/../../user"]
            ),
            "invalid team \"@acme/../../user\": the team contains '/'"
        );
        assert_eq!(
            fetch(&target, "secret token", &["@acme/finops"]),
            "invalid GitHub token: it contains a space, a control character or a non-ASCII \
             character"
        );
        let bad_repo = GitHubTarget {
            repo: "app/../x".to_string(),
            ..target.clone()
        };
        assert_eq!(
            fetch(&bad_repo, "t0ken-t0ken", &[]),
            "invalid pull request target: the repository \"app/../x\" is not a GitHub name \
             (letters, digits, `.`, `_`, `-`)"
        );
    }
}
