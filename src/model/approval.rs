//! Reviews of a pull request and the approvals they give (issue 19, section 3). A review is
//! read from a file in the shape of GitHub's "list reviews for a pull request" response or
//! fetched from GitHub; which reviews count is decided in `crate::policy` with Cedar.

use serde::Deserialize;

/// One review, as GitHub lists it. Only the fields approvals use are read.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Review {
    pub user: ReviewUser,
    /// `APPROVED`, `CHANGES_REQUESTED`, `COMMENTED`, `DISMISSED` or `PENDING`.
    pub state: String,
    /// The head commit the review was given on.
    #[serde(default)]
    pub commit_id: Option<String>,
    /// RFC 3339, `2026-12-01T10:00:00Z`.
    #[serde(default)]
    pub submitted_at: Option<String>,
}

/// The reviewer. A deleted account is listed with `user: null` by GitHub; such reviews
/// are skipped when read.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct ReviewUser {
    pub login: String,
}

/// Whether `name` is a group member as `[approvals.groups]` writes one: a login (letters,
/// digits, `-`, an app's `name[bot]`) or a team, `@org/team-slug`.
pub fn is_member_name(name: &str) -> bool {
    let word = |s: &str, extra: &[char]| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || extra.contains(&c))
    };
    match name.strip_prefix('@') {
        Some(team) => match team.split_once('/') {
            Some((org, slug)) => word(org, &[]) && word(slug, &['_', '.']),
            None => false,
        },
        None => word(name.strip_suffix("[bot]").unwrap_or(name), &[]),
    }
}

/// An approval that counts: who, on which commit, when.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Approval {
    pub user: String,
    pub commit: String,
    pub submitted_at: String,
}

/// Reads reviews in the shape of GitHub's list-reviews response: a JSON array of objects
/// with `user.login`, `state`, `commit_id` and `submitted_at` (other fields are ignored).
/// A review by a deleted account (`"user": null`) is skipped.
pub fn parse_reviews(text: &str) -> Result<Vec<Review>, String> {
    let items: Vec<serde_json::Value> = serde_json::from_str(text).map_err(|e| {
        format!(
            "expected a JSON array of reviews as `gh api repos/O/R/pulls/N/reviews` prints it: {e}"
        )
    })?;
    let mut reviews = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        if item.get("user").is_some_and(serde_json::Value::is_null) {
            continue;
        }
        let review: Review = serde_json::from_value(item)
            .map_err(|e| format!("review {} is not a review: {e}", i + 1))?;
        reviews.push(review);
    }
    Ok(reviews)
}
