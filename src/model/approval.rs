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

/// The first 12 characters of a commit id, as reviews show it.
pub fn short_commit(commit: &str) -> &str {
    commit.get(..12).unwrap_or(commit)
}

/// An approval that counts: who, on which commit, when.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Approval {
    pub user: String,
    pub commit: String,
    pub submitted_at: String,
}
