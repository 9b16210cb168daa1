//! Where a diff's approvals come from: `--approvals FILE`, the reviews of the pull request
//! in the shape `gh api repos/O/R/pulls/N/reviews` prints them. Which of them count is
//! decided by the policies (`crate::policy::Reviews`).

use std::path::Path;

use super::exit;
use crate::load::source::{read_source, DEFAULT_MAX_FILE_SIZE};
use crate::model::Review;
use crate::policy::Reviews;

/// The reviews of the change and the commit approvals must be given on: the pull
/// request's head in a GitHub Actions run (its checkout is a merge commit), else `head`.
pub(super) fn reviews(file: Option<&Path>, head: Option<String>) -> Result<Reviews, u8> {
    let head_commit = super::comment::github_event()
        .and_then(|e| Some(e.pointer("/pull_request/head/sha")?.as_str()?.to_string()))
        .or(head);
    let reviews = match file {
        Some(path) => read(path)?,
        None => Vec::new(),
    };
    Ok(Reviews {
        reviews,
        head_commit,
        team_members: Default::default(),
    })
}

fn read(path: &Path) -> Result<Vec<Review>, u8> {
    let help = "write it with `gh api repos/OWNER/REPO/pulls/N/reviews > reviews.json`";
    let file = read_source(
        path,
        path.display().to_string().into(),
        DEFAULT_MAX_FILE_SIZE,
    )
    .map_err(|e| {
        eprintln!(
            "error: cannot read the approvals {}: {}\n  help: {help}",
            path.display(),
            e.message
        );
        exit::ERROR
    })?;
    crate::model::parse_reviews(&file.text).map_err(|message| {
        eprintln!("error: {}: {message}\n  help: {help}", path.display());
        exit::ERROR
    })
}
