//! Reading reviews in the shape of GitHub's "list reviews for a pull request" answer, from a
//! file (`--approvals FILE`) or a page of the API, and what a fetch from GitHub gives the
//! approval logic.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::approval::{Review, ReviewUser};

/// What approvals are decided from: the reviews and the members of the teams named.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ApprovalsInput {
    /// Every review, in GitHub's order (oldest first); reviews by deleted accounts are left
    /// out.
    pub reviews: Vec<Review>,
    /// The logins of each team's members, keyed by the team as it was asked for
    /// (`@acme/finops`), sorted, each once, as GitHub spells them.
    pub team_members: BTreeMap<String, Vec<String>>,
}

/// A review as listed, before a deleted account's (`"user": null`) is dropped.
#[derive(Deserialize)]
struct Listed {
    user: Option<ReviewUser>,
    state: String,
    #[serde(default)]
    commit_id: Option<String>,
    #[serde(default)]
    submitted_at: Option<String>,
}

impl Listed {
    fn review(self) -> Option<Review> {
        Some(Review {
            user: self.user?,
            state: self.state,
            commit_id: self.commit_id,
            submitted_at: self.submitted_at,
        })
    }
}

/// Reads reviews as `gh api repos/O/R/pulls/N/reviews` prints them: a JSON array, or several
/// one after another as `gh api --paginate` prints them (one array a page). Reviews of
/// deleted accounts (`"user": null`) are skipped; fields not used are ignored.
pub fn parse_reviews(text: &str) -> Result<Vec<Review>, String> {
    let wrong = |detail: String| {
        format!(
            "expected a JSON array of reviews as `gh api repos/O/R/pulls/N/reviews` prints it: \
             {detail}"
        )
    };
    let mut reviews = Vec::new();
    let mut arrays = 0usize;
    for page in serde_json::Deserializer::from_str(text).into_iter::<Vec<Listed>>() {
        let page = page.map_err(|e| wrong(e.to_string()))?;
        arrays += 1;
        reviews.extend(page.into_iter().filter_map(Listed::review));
    }
    if arrays == 0 {
        return Err(wrong("the text is empty".to_string()));
    }
    Ok(reviews)
}

/// One page of the API's answer: a single JSON array, deleted accounts' reviews skipped.
pub(crate) fn review_page(text: &str) -> Result<Vec<Review>, serde_json::Error> {
    let page: Vec<Listed> = serde_json::from_str(text)?;
    Ok(page.into_iter().filter_map(Listed::review).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn review(login: &str, state: &str, commit: Option<&str>, at: Option<&str>) -> Review {
        Review {
            user: ReviewUser {
                login: login.to_string(),
            },
            state: state.to_string(),
            commit_id: commit.map(str::to_string),
            submitted_at: at.map(str::to_string),
        }
    }

    #[test]
    fn reads_reviews_skipping_deleted_accounts_and_unused_fields() {
        let text = r#"[
          {"id": 80, "node_id": "PRR_1", "user": {"login": "alice", "id": 1, "type": "User"},
           "body": "LGTM", "state": "APPROVED", "html_url": "https://github.com/o/r/pull/5",
           "commit_id": "abc123", "submitted_at": "2026-12-01T10:00:00Z",
           "author_association": "MEMBER", "_links": {"html": {"href": "x"}}},
          {"id": 81, "user": null, "state": "APPROVED", "commit_id": "abc123",
           "submitted_at": "2026-12-01T11:00:00Z"},
          {"id": 82, "user": {"login": "bob"}, "state": "PENDING"}
        ]"#;
        assert_eq!(
            parse_reviews(text),
            Ok(vec![
                review(
                    "alice",
                    "APPROVED",
                    Some("abc123"),
                    Some("2026-12-01T10:00:00Z")
                ),
                review("bob", "PENDING", None, None),
            ])
        );
        assert_eq!(parse_reviews("[]"), Ok(vec![]));
    }

    #[test]
    fn reads_the_arrays_gh_api_paginate_prints_one_after_another() {
        let text = "[{\"user\":{\"login\":\"a\"},\"state\":\"APPROVED\"}]\n\
                    [{\"user\":null,\"state\":\"APPROVED\"},{\"user\":{\"login\":\"b\"},\"state\":\"COMMENTED\"}]\n";
        assert_eq!(
            parse_reviews(text),
            Ok(vec![
                review("a", "APPROVED", None, None),
                review("b", "COMMENTED", None, None),
            ])
        );
    }

    #[test]
    fn anything_else_is_refused_with_the_expected_shape() {
        let prefix = "expected a JSON array of reviews as `gh api repos/O/R/pulls/N/reviews` \
                      prints it: ";
        let error = |text: &str| {
            parse_reviews(text)
                .unwrap_err()
                .strip_prefix(prefix)
                .map(str::to_string)
        };
        assert_eq!(
            error(r#"{"message": "Not Found"}"#).as_deref(),
            Some("invalid type: map, expected a sequence at line 1 column 0")
        );
        assert_eq!(error("  \n").as_deref(), Some("the text is empty"));
        assert_eq!(
            error(r#"[{"user": {"login": "a"}}]"#).as_deref(),
            Some("missing field `state` at line 1 column 25")
        );
        assert_eq!(
            error(r#"[{"user": "alice", "state": "APPROVED"}]"#).as_deref(),
            Some("invalid type: string \"alice\", expected struct ReviewUser at line 1 column 17")
        );
        assert_eq!(
            error("[] trailing").as_deref(),
            Some("expected ident at line 1 column 6")
        );
    }

    #[test]
    fn an_api_page_is_one_array() {
        let page = r#"[{"user": null, "state": "APPROVED"}, {"user": {"login": "c"}, "state": "DISMISSED"}]"#;
        assert_eq!(
            review_page(page).unwrap(),
            vec![review("c", "DISMISSED", None, None)]
        );
        assert!(review_page("[][]").is_err());
    }
}
