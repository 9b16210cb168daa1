//! Approvals of a change's failures. A failure whose policy names approvers (`@approvers`,
//! or `[approvals] owners` for the built-in pack) is `pending_approval` until enough valid
//! approvals exist, then `approved`. Whether one reviewer's approval counts is a Cedar
//! authorization request: `User::"alice"` (in the groups that list her) →
//! `Action::"approve"` → the `Change`, with the group and the policy in the context.

use std::collections::{BTreeMap, HashSet};

use cedar_policy::{
    Authorizer, Context, Decision, Entities, Entity, EntityUid, Request, RestrictedExpression,
};

use super::change::entity as change_entity;
use super::{Policies, Settings};
use crate::model::{Approval, ApprovalNeed, ChangeFacts, Finding, Review, Status};

/// The reviews of the change and what decides which count.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reviews {
    pub reviews: Vec<Review>,
    /// The commit the change is at: an approval counts for that commit only.
    pub head_commit: Option<String>,
    /// `@org/team` → its members' logins, where they could be read.
    pub team_members: BTreeMap<String, Vec<String>>,
}

/// Sets the approval state of every failure on the change whose policy names approvers.
pub(crate) fn apply(
    p: &Policies,
    findings: &mut [Finding],
    c: &ChangeFacts,
    settings: &Settings,
    reviews: &Reviews,
) {
    let latest = latest_reviews(&reviews.reviews);
    // One change for every request.
    let change = change_entity(p, c, settings);
    for f in findings.iter_mut().filter(|f| f.status == Status::Fail) {
        let Some(rule) = p.rule(&f.policy_id) else {
            continue;
        };
        let group = rule.approvers.clone().or_else(|| {
            rule.builtin
                .then(|| settings.approvals.owners.clone())
                .flatten()
        });
        let Some(group) = group else { continue };
        let mut need = ApprovalNeed {
            group: group.clone(),
            required: settings.approvals.required,
            approvals: Vec::new(),
            not_counted: Vec::new(),
        };
        if !settings.approvals.groups.contains_key(&group) {
            need.not_counted.push(format!(
                "the policy names the group `{group}`, which [approvals.groups] does not list"
            ));
        }
        for (user, review) in &latest {
            match review.state.as_str() {
                "CHANGES_REQUESTED" => need.not_counted.push(format!("{user} requested changes")),
                "DISMISSED" => need
                    .not_counted
                    .push(format!("{user}'s review was dismissed")),
                _ => {
                    let commit = review.commit_id.clone().unwrap_or_default();
                    if reviews.head_commit.as_deref() != Some(commit.as_str()) {
                        need.not_counted.push(format!(
                            "{user} approved {}, not the change's head commit",
                            short(&commit)
                        ));
                        continue;
                    }
                    match authorize(p, &change, settings, reviews, user, &group, &f.policy_id) {
                        Ok(()) => need.approvals.push(Approval {
                            user: user.clone(),
                            commit,
                            submitted_at: review.submitted_at.clone().unwrap_or_default(),
                        }),
                        Err(why) => need.not_counted.push(format!("{user} {why}")),
                    }
                }
            }
        }
        let enough = u32::try_from(need.approvals.len()).unwrap_or(u32::MAX) >= need.required;
        f.status = if enough {
            Status::Approved
        } else {
            Status::PendingApproval
        };
        f.approval = Some(need);
    }
}

/// Each reviewer's last review that decides (approved, changes requested, dismissed), by
/// login. Comments neither give nor take an approval, as on GitHub.
fn latest_reviews(reviews: &[Review]) -> BTreeMap<String, &Review> {
    let mut deciding: Vec<&Review> = reviews
        .iter()
        .filter(|r| {
            matches!(
                r.state.as_str(),
                "APPROVED" | "CHANGES_REQUESTED" | "DISMISSED"
            )
        })
        .collect();
    // RFC 3339 times in one zone sort as text; the stable sort keeps the listed order.
    deciding.sort_by(|a, b| a.submitted_at.cmp(&b.submitted_at));
    deciding
        .into_iter()
        .map(|r| (r.user.login.clone(), r))
        .collect()
}

/// Whether `user`'s approval of `policy`'s finding is permitted; `Err` says why not.
fn authorize(
    p: &Policies,
    change: &Result<Entity, String>,
    settings: &Settings,
    reviews: &Reviews,
    user: &str,
    group: &str,
    policy: &str,
) -> Result<(), String> {
    let groups: HashSet<EntityUid> = settings
        .approvals
        .groups
        .iter()
        .filter(|(_, members)| {
            members.iter().any(|m| {
                m == user
                    || reviews
                        .team_members
                        .get(m)
                        .is_some_and(|team| team.iter().any(|t| t == user))
            })
        })
        .map(|(name, _)| p.uids.group(name))
        .collect();
    let principal = Entity::new(p.uids.user(user), Default::default(), groups)
        .map_err(|e| format!("cannot be checked: {e}"))?;
    let change = change.clone()?;
    let entities = Entities::from_entities([principal, change], None)
        .map_err(|e| format!("cannot be checked: {e}"))?;
    let context = Context::from_pairs([
        (
            "group".to_string(),
            RestrictedExpression::new_entity_uid(p.uids.group(group)),
        ),
        (
            "policy".to_string(),
            RestrictedExpression::new_string(policy.to_string()),
        ),
    ])
    .map_err(|e| format!("cannot be checked: {e}"))?;
    let request = Request::new(
        p.uids.user(user),
        p.uids.approve_action.clone(),
        p.uids.change.clone(),
        context,
        None,
    )
    .map_err(|e| format!("cannot be checked: {e}"))?;
    let response = Authorizer::new().is_authorized(&request, &p.by_action.approve, &entities);
    if response.decision() == Decision::Allow {
        return Ok(());
    }
    let forbidden: Vec<String> = response
        .diagnostics()
        .reason()
        .map(ToString::to_string)
        .collect();
    if forbidden.is_empty() {
        Err(format!(
            "may not approve it: no approval policy permits it (not in `{group}`)"
        ))
    } else {
        Err(format!(
            "may not approve it: forbidden by {}",
            forbidden.join(", ")
        ))
    }
}

/// The first 12 characters of a commit id.
fn short(commit: &str) -> &str {
    if commit.is_empty() {
        "no commit"
    } else {
        crate::model::short_commit(commit)
    }
}
