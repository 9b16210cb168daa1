//! Whose comments are ours: those written by the account the token belongs to. The marker
//! alone proves nothing, since anyone taking part in the pull request can write it.
//!
//! A personal or OAuth token is a user: `GET /user` names it. An installation token (a
//! GitHub App's, or the `GITHUB_TOKEN` of GitHub Actions) gets 403 there, and `GET /app`
//! wants the app's JWT, but GraphQL's `viewer` answers for both kinds: `APP-SLUG[bot]`,
//! `github-actions[bot]` for Actions. `--comment-author` skips the question.

use serde::Deserialize;
use serde_json::{json, Value};

use super::client::{Client, Method, Request};
use crate::publish::{Host, PublishError};

/// The longest GitHub login (39) and `[bot]`.
const MAX_LOGIN_LEN: usize = 44;

const VIEWER: &str = "query { viewer { login } }";

/// The account whose comments are ours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Author {
    login: String,
}

/// The author of a comment, as the REST API lists it.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct User {
    #[serde(default)]
    pub login: String,
    #[serde(default, rename = "type")]
    pub kind: String,
}

impl Author {
    pub(crate) fn new(login: &str) -> Author {
        Author {
            login: login.to_string(),
        }
    }

    /// Whether `user` is this account. Logins are case-insensitive. An app is `slug[bot]`
    /// in REST answers; a `Bot` named without the suffix (as some GraphQL fields name it)
    /// is matched with it, never a `User` of that name.
    pub(crate) fn wrote(&self, user: &User) -> bool {
        let login = self.login.as_str();
        user.login.eq_ignore_ascii_case(login)
            || (user.kind == "Bot"
                && !login.ends_with("[bot]")
                && user
                    .login
                    .strip_suffix("[bot]")
                    .is_some_and(|name| name.eq_ignore_ascii_case(login)))
    }
}

/// Checks `login` is a GitHub login, or an app's `slug[bot]`.
pub(crate) fn check_login(login: &str) -> Result<(), PublishError> {
    let name = login.strip_suffix("[bot]").unwrap_or(login);
    let reason = if name.is_empty() {
        "it is empty".to_string()
    } else if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
    {
        format!("it contains {bad:?}")
    } else if login.len() > MAX_LOGIN_LEN {
        format!("it is {} characters long", login.len())
    } else {
        return Ok(());
    };
    Err(PublishError::InvalidAuthor {
        host: Host::GitHub,
        login: login.to_string(),
        reason,
    })
}

/// Asks GitHub who the token belongs to: `GET /user`, else GraphQL's `viewer`.
pub(crate) async fn whoami(client: &Client) -> Result<Author, PublishError> {
    let action = "find out whose token this is";
    let req = Request {
        method: Method::Get,
        path: client.rest("/user"),
        json: None,
        action,
        idempotent: true,
    };
    let rest_refusal = match client.send(&req).await {
        Ok(reply) => {
            return match serde_json::from_str::<User>(&reply.body) {
                Ok(user) if check_login(&user.login).is_ok() => Ok(Author::new(&user.login)),
                _ => Err(PublishError::UnknownAuthor {
                    message: "GET /user answered without a login".to_string(),
                }),
            };
        }
        // An installation token: 403 "Resource not accessible by integration" (some GitHub
        // Enterprise Server versions say 404).
        Err(e @ (PublishError::NoPermission { .. } | PublishError::NotFound { .. })) => e,
        Err(e) => return Err(e),
    };
    match client.graphql(VIEWER, json!({}), action).await {
        Ok(data) => {
            let login = data
                .pointer("/viewer/login")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if check_login(login).is_ok() {
                Ok(Author::new(login))
            } else {
                Err(PublishError::UnknownAuthor {
                    message: format!("{rest_refusal}; GraphQL's viewer has no login"),
                })
            }
        }
        Err(
            e @ (PublishError::NoPermission { .. }
            | PublishError::NotFound { .. }
            | PublishError::Api { .. }),
        ) => Err(PublishError::UnknownAuthor {
            message: format!("{rest_refusal}; {e}"),
        }),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(login: &str, kind: &str) -> User {
        User {
            login: login.to_string(),
            kind: kind.to_string(),
        }
    }

    #[test]
    fn the_author_is_matched_by_login_and_bots_by_their_suffix() {
        let actions = Author::new("github-actions[bot]");
        assert!(actions.wrote(&user("github-actions[bot]", "Bot")));
        assert!(actions.wrote(&user("GitHub-Actions[bot]", "Bot")));
        assert!(!actions.wrote(&user("github-actions", "User")));
        assert!(!actions.wrote(&user("mallory", "User")));

        let app = Author::new("cost-bot");
        assert!(app.wrote(&user("cost-bot[bot]", "Bot")));
        assert!(app.wrote(&user("cost-bot", "User")));
        // A user who names themselves like the app's bot is not the bot.
        assert!(!app.wrote(&user("cost-bot[bot]", "User")));
        assert!(!app.wrote(&user("cost-bot2[bot]", "Bot")));

        let alice = Author::new("alice");
        assert!(alice.wrote(&user("Alice", "User")));
        assert!(!alice.wrote(&user("", "")));
    }

    #[test]
    fn logins_are_checked() {
        for ok in ["octocat", "github-actions[bot]", "a-1", &"a".repeat(39)] {
            assert!(check_login(ok).is_ok(), "{ok}");
        }
        let reason = |login: &str| match check_login(login) {
            Err(PublishError::InvalidAuthor { reason, .. }) => reason,
            other => format!("unexpected {other:?}"),
        };
        assert_eq!(reason(""), "it is empty");
        assert_eq!(reason("[bot]"), "it is empty");
        assert_eq!(reason("al ice"), "it contains ' '");
        assert_eq!(reason("a[bot][bot]"), "it contains '['");
        assert_eq!(reason(&"a".repeat(45)), "it is 45 characters long");
    }
}
