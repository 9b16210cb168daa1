//! Budgets as Cedar entities: one `Budget` entity and one `Action::"budget"` request per
//! `[[budget]]`, so budget rules are policies like any other. A projection that is
//! incomplete has unknown costs, unless what is known already exceeds the limit (costs
//! only add up, so the budget is over whatever the rest turns out to be).

use cedar_policy::{Authorizer, Context, Entities, Entity, Request, RestrictedExpression};

use super::evaluate::{outcomes_of, Outcome};
use super::{Policies, Settings};
use crate::model::{Budget, Finding, Status, UnknownInput, Usd};

/// Whether the amount has a Cedar decimal value.
fn fits(amount: Usd) -> bool {
    super::entities::fits_cedar(amount.0)
}

fn entity(p: &Policies, b: &Budget) -> Result<Entity, String> {
    let decimal = |u: Usd| super::entities::decimal(u.to_cedar_decimal());
    let known_cost = (b.complete || b.monthly_cost > b.limit) && fits(b.monthly_cost);
    let monthly = if known_cost {
        decimal(b.monthly_cost)
    } else {
        RestrictedExpression::new_unknown("monthly_cost")
    };
    let ceiling = if (b.complete || b.ceiling > b.limit) && fits(b.ceiling) {
        decimal(b.ceiling)
    } else {
        RestrictedExpression::new_unknown("monthly_cost_ceiling")
    };
    let attrs = [
        (
            "name".to_string(),
            RestrictedExpression::new_string(b.name.clone()),
        ),
        ("monthly_cost".to_string(), monthly),
        ("monthly_cost_ceiling".to_string(), ceiling),
        ("limit".to_string(), decimal(b.limit)),
        ("warn_at".to_string(), decimal(b.warn_at)),
        (
            "cost_known".to_string(),
            RestrictedExpression::new_bool(b.complete),
        ),
        (
            "resources".to_string(),
            RestrictedExpression::new_long(i64::try_from(b.members.len()).unwrap_or(i64::MAX)),
        ),
    ];
    Entity::new(
        p.uids.budget(&b.name),
        attrs.into_iter().collect(),
        Default::default(),
    )
    .map_err(|e| format!("cannot build budget `{}`: {e}", b.name))
}

/// Evaluates every policy on every budget; returns findings (passes are not counted).
pub(crate) fn evaluate(p: &Policies, budgets: &[Budget], settings: &Settings) -> Vec<Finding> {
    let mut findings = Vec::new();
    for b in budgets {
        let outcomes = match entity(p, b).and_then(|e| {
            let entities = Entities::from_entities([e], None).map_err(|e| e.to_string())?;
            let request = Request::new(
                p.uids.scanner.clone(),
                p.uids.budget_action.clone(),
                p.uids.budget(&b.name),
                Context::empty(),
                None,
            )
            .map_err(|e| e.to_string())?;
            Ok(outcomes_of(
                p,
                &Authorizer::new().is_authorized_partial(&request, &p.by_action.budget, &entities),
            ))
        }) {
            Ok(o) => o,
            Err(m) => vec![Outcome::Error(m); p.rules.len()],
        };
        for (rule, outcome) in p.rules.iter().zip(outcomes) {
            if !rule.applies_to("budget") {
                continue;
            }
            let (status, unknowns, message) = match outcome {
                Outcome::Pass => continue,
                Outcome::Fail => (
                    Status::Fail,
                    Vec::new(),
                    rule.message_template.render_budget(b),
                ),
                Outcome::Unknown(names) => (
                    Status::Unknown,
                    names
                        .into_iter()
                        .map(|fact| UnknownInput {
                            fact,
                            origin: b.missing.join("; "),
                        })
                        .collect(),
                    format!(
                        "cannot decide {} for budget {}: its projection is incomplete",
                        rule.id, b.name
                    ),
                ),
                Outcome::Error(m) => (
                    Status::Error,
                    Vec::new(),
                    format!(
                        "policy `{}` could not be evaluated for budget {}: {m}",
                        rule.id, b.name
                    ),
                ),
            };
            let address = format!("budget.{}", b.name);
            // Budgets have no inline waivers, only the configuration's.
            let suppression = settings
                .config_waiver(&rule.id, "", &address)
                .filter(|_| status != Status::Error);
            findings.push(Finding {
                policy_id: rule.id.clone(),
                severity: rule.severity,
                status: if suppression.is_some() {
                    Status::Suppressed
                } else {
                    status
                },
                root: "".into(),
                address,
                resource_type: "budget".to_string(),
                location: b.location.clone(),
                message,
                help: rule.help_template.as_ref().map(|t| t.render_budget(b)),
                unknowns,
                suppression,
                approval: None,
            });
        }
    }
    findings.sort();
    findings
}
