//! Reading what approvals are decided from: every review of a pull request
//! (`GET /repos/{owner}/{repo}/pulls/{n}/reviews`) and the members of the teams
//! `[approvals.groups]` names (`GET /orgs/{org}/teams/{slug}/members`). GET requests only.
//! Every list is read to its end, following `Link: rel="next"`, or not at all: approvals
//! decided from part of the reviews or part of a team could be wrong either way.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use super::client::{Client, Reply};
use super::{get, parse, PER_PAGE};
use crate::model::{review_page, ApprovalsInput, Review};
use crate::publish::{GitHubTarget, Host, PublishError};

/// A team written `@org/slug`, checked so both parts can be path segments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Team<'a> {
    /// As it was given: `@acme/finops`.
    pub name: &'a str,
    pub org: &'a str,
    pub slug: &'a str,
}

/// A member as the team members list gives it; only the login is used.
#[derive(Deserialize)]
struct Member {
    login: String,
}

/// Checks `team` is `@org/slug` with both parts made of letters, digits, `-`, `_`, `.`.
pub(crate) fn check_team(team: &str) -> Result<Team<'_>, PublishError> {
    let invalid = |reason: String| PublishError::InvalidTeam {
        team: team.to_string(),
        reason,
    };
    let rest = team
        .strip_prefix('@')
        .ok_or_else(|| invalid("it does not start with @".to_string()))?;
    let (org, slug) = rest.split_once('/').ok_or_else(|| {
        invalid("it has no `/` between the organization and the team".to_string())
    })?;
    for (what, part) in [("organization", org), ("team", slug)] {
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
        if part.is_empty() {
            return Err(invalid(format!("the {what} is empty")));
        }
        if let Some(bad) = part.chars().find(|c| !allowed(*c)) {
            return Err(invalid(format!("the {what} contains {bad:?}")));
        }
        if part == "." || part == ".." {
            return Err(invalid(format!("the {what} is {part:?}")));
        }
    }
    Ok(Team {
        name: team,
        org,
        slug,
    })
}

/// The reviews of the pull request, then each team's members (a team named twice is read
/// once).
pub(crate) async fn approvals_input(
    client: &Client,
    target: &GitHubTarget,
    teams: &[Team<'_>],
) -> Result<ApprovalsInput, PublishError> {
    let reviews = reviews(client, target).await?;
    let mut team_members = BTreeMap::new();
    for team in teams {
        if !team_members.contains_key(team.name) {
            let members = members(client, team).await?;
            team_members.insert(team.name.to_string(), members);
        }
    }
    Ok(ApprovalsInput {
        reviews,
        team_members,
    })
}

async fn reviews(client: &Client, target: &GitHubTarget) -> Result<Vec<Review>, PublishError> {
    let name = format!("{}/{}#{}", target.owner, target.repo, target.pull_request);
    let action = format!("list the reviews of {name}");
    let first = client.rest(&format!(
        "/repos/{}/{}/pulls/{}/reviews?per_page={PER_PAGE}",
        target.owner, target.repo, target.pull_request
    ));
    let mut reviews = Vec::new();
    let what = format!("the reviews of {name}");
    let read = every_page(client, first, &action, &what, |reply| {
        let page = review_page(&reply.body).map_err(|e| PublishError::Api {
            host: Host::GitHub,
            action: action.clone(),
            status: reply.status,
            message: format!("unexpected answer ({e})"),
        })?;
        reviews.extend(page);
        Ok(())
    })
    .await;
    match read {
        Ok(()) => Ok(reviews),
        // The general refusal's help is about writing comments; reading needs less.
        Err(PublishError::NoPermission {
            host: Host::GitHub,
            action,
            status,
            message,
        }) => Err(PublishError::NoReadPermission {
            action,
            status,
            message,
        }),
        Err(e) => Err(e),
    }
}

/// The logins of the team's members, sorted and each once. GitHub lists the members of
/// child teams too.
async fn members(client: &Client, team: &Team<'_>) -> Result<Vec<String>, PublishError> {
    let action = format!("list the members of team {}", team.name);
    let first = client.rest(&format!(
        "/orgs/{}/teams/{}/members?per_page={PER_PAGE}",
        team.org, team.slug
    ));
    let mut logins = BTreeSet::new();
    let what = format!("the members of team {}", team.name);
    let read = every_page(client, first, &action, &what, |reply| {
        let page: Vec<Option<Member>> = parse(reply, &action)?;
        logins.extend(page.into_iter().flatten().map(|m| m.login));
        Ok(())
    })
    .await;
    let unreadable = |status: u16, message: String| PublishError::TeamUnreadable {
        team: team.name.to_string(),
        status,
        message,
    };
    match read {
        Ok(()) => Ok(logins.into_iter().collect()),
        Err(PublishError::NoPermission {
            host: Host::GitHub,
            status,
            message,
            ..
        }) => Err(unreadable(status, message)),
        Err(PublishError::NotFound { message, .. }) => Err(unreadable(404, message)),
        Err(e) => Err(e),
    }
}

/// GETs `first` and every page after it, handing each answer to `take`. Stops with an
/// error after `max_pages` pages, or when a page links to one already read.
async fn every_page(
    client: &Client,
    first: String,
    action: &str,
    what: &str,
    mut take: impl FnMut(&Reply) -> Result<(), PublishError>,
) -> Result<(), PublishError> {
    let max_pages = client.limits().max_pages;
    let mut seen = BTreeSet::new();
    let mut path = first;
    loop {
        if seen.len() >= max_pages || !seen.insert(path.clone()) {
            return Err(PublishError::TooManyPagesToRead {
                what: what.to_string(),
                pages: seen.len(),
                per_page: PER_PAGE,
            });
        }
        let reply = client.send(&get(path, action)).await?;
        take(&reply)?;
        match reply.next {
            Some(next) => path = next,
            None => return Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn teams_are_checked_so_they_cannot_leave_their_path() {
        assert_eq!(
            check_team("@acme/fin-ops_2.x").unwrap(),
            Team {
                name: "@acme/fin-ops_2.x",
                org: "acme",
                slug: "fin-ops_2.x",
            }
        );
        let reason = |team: &str| match check_team(team) {
            Err(PublishError::InvalidTeam { reason, .. }) => reason,
            other => format!("unexpected {other:?}"),
        };
        assert_eq!(reason("acme/finops"), "it does not start with @");
        assert_eq!(
            reason("@finops"),
            "it has no `/` between the organization and the team"
        );
        assert_eq!(reason("@/finops"), "the organization is empty");
        assert_eq!(reason("@acme/"), "the team is empty");
        assert_eq!(reason("@acme/fin/ops"), "the team contains '/'");
        assert_eq!(reason("@acme/.."), "the team is \"..\"");
        assert_eq!(reason("@../finops"), "the organization is \"..\"");
        assert_eq!(reason("@acme/fin?ops"), "the team contains '?'");
        assert_eq!(reason("@acme/fin%2Fops"), "the team contains '%'");
        assert_eq!(reason("@acme/fin ops"), "the team contains ' '");
    }
}
