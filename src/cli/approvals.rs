//! Where a diff's approvals come from: `--approvals FILE`, the reviews of the pull request
//! in the shape `gh api repos/O/R/pulls/N/reviews` prints them, or `--approvals github`,
//! read from GitHub in a pull-request run with the members of the teams the approval
//! groups name. Which of them count is decided by the policies (`crate::policy::Reviews`).

use std::path::Path;

use super::exit;
use crate::load::source::{read_source, DEFAULT_MAX_FILE_SIZE};
use crate::model::ApprovalsInput;
use crate::policy::{Reviews, Settings};
use crate::publish::{self, Limits, RetryPolicy};
use crate::report::escape::controls;

/// `--approvals github`: read the reviews from GitHub.
pub(super) const FROM_GITHUB: &str = "github";

/// The reviews of the change and the commit approvals must be given on: the pull
/// request's head in a GitHub Actions run (its checkout is a merge commit), else `head`.
/// Logins are compared in lower case, as GitHub compares them.
pub(super) fn reviews(
    source: Option<&Path>,
    repo: Option<&str>,
    settings: &Settings,
    head: Option<String>,
) -> Result<Reviews, u8> {
    let head_commit = super::comment::github_event()
        .and_then(|e| Some(e.pointer("/pull_request/head/sha")?.as_str()?.to_string()))
        .or(head);
    let input = match source {
        None => ApprovalsInput::default(),
        Some(path) if path.as_os_str() == FROM_GITHUB => from_github(repo, settings)?,
        Some(path) => ApprovalsInput {
            reviews: read(path)?,
            team_members: Default::default(),
        },
    };
    let mut reviews = input.reviews;
    for r in &mut reviews {
        r.user.login = r.user.login.to_lowercase();
    }
    Ok(Reviews {
        reviews,
        head_commit,
        team_members: input
            .team_members
            .into_iter()
            .map(|(team, members)| {
                let members = members.iter().map(|m| m.to_lowercase()).collect();
                (team.to_lowercase(), members)
            })
            .collect(),
    })
}

fn read(path: &Path) -> Result<Vec<crate::model::Review>, u8> {
    let help = "write it with `gh api repos/OWNER/REPO/pulls/N/reviews > reviews.json`, or read the reviews from GitHub with --approvals github";
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
        eprintln!(
            "error: {}: {}\n  help: {help}",
            path.display(),
            controls(&message)
        );
        exit::ERROR
    })
}

/// The reviews of the run's pull request, and the members of every team a group lists.
fn from_github(repo: Option<&str>, settings: &Settings) -> Result<ApprovalsInput, u8> {
    let target = super::comment::target(
        "to read the reviews of",
        repo.map(str::to_string),
        None,
        None,
    )?;
    let Some(token) = std::env::var("GITHUB_TOKEN").ok().filter(|t| !t.is_empty()) else {
        eprintln!("error: --approvals github reads the reviews with the token in GITHUB_TOKEN, which is empty\n  help: set it (in a workflow: env: GITHUB_TOKEN: ${{{{ secrets.GITHUB_TOKEN }}}}), or give the reviews as a file: --approvals FILE");
        return Err(exit::ERROR);
    };
    let mut teams: Vec<String> = settings
        .approvals
        .groups
        .values()
        .flatten()
        .filter(|m| m.starts_with('@'))
        .cloned()
        .collect();
    teams.sort();
    teams.dedup();
    publish::fetch_approvals_input(
        &target,
        &token,
        &teams,
        &Limits::default(),
        &RetryPolicy::default(),
    )
    .map_err(|e| {
        let help = miette::Diagnostic::help(&e)
            .map(|h| format!("\n  help: {h}"))
            .unwrap_or_default();
        eprintln!(
            "error: cannot read the approvals from GitHub: {}{}",
            controls(&e.to_string()),
            controls(&help)
        );
        exit::ERROR
    })
}
