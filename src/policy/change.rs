//! The change of a diff as a Cedar entity: one `Change` entity and one `Action::"change"`
//! request, whose context is `[guardrails]`, so guardrails on a change are policies like
//! any other. An amount that is not known is a Cedar unknown: the finding is unknown, not
//! a guess.

use std::sync::Arc;

use cedar_policy::{Authorizer, Context, Entities, Entity, Request, RestrictedExpression};
use rust_decimal::Decimal;

use super::entities::{decimal as cedar_decimal, fits_cedar, string_set as strings};
use super::evaluate::{outcomes_of, Outcome};
use super::message::{Placeholder, NONE, UNKNOWN};
use super::settings::Guardrails;
use super::{Policies, Settings};
use crate::model::{ChangeFacts, Fact, Finding, Location, Status, UnknownInput, Usd};

/// `amount` as a Cedar decimal, or the unknown `name` when it is unknown or too large.
fn decimal(amount: Option<Decimal>, name: &str) -> RestrictedExpression {
    match amount.filter(|a| fits_cedar(*a)) {
        Some(a) => cedar_decimal(Usd(a).to_cedar_decimal()),
        None => RestrictedExpression::new_unknown(name),
    }
}

/// The environments of the endpoints the change adds, or an unknown when one of them has
/// an unknown environment and the known ones do not already meet the guardrail.
fn endpoint_environments(c: &ChangeFacts, settings: &Settings) -> RestrictedExpression {
    let known: Vec<&str> = c
        .endpoints_added
        .iter()
        .filter_map(|e| e.environment.as_ref()?.known().map(String::as_str))
        .collect();
    let open = c
        .endpoints_added
        .iter()
        .any(|e| matches!(e.environment, Some(Fact::Unknown(_))));
    let listed = settings
        .guardrails
        .new_endpoint_environments
        .as_deref()
        .unwrap_or_default();
    let decided = known.iter().any(|k| listed.iter().any(|l| l == k));
    if open && !decided {
        RestrictedExpression::new_unknown("endpoint_environments_added")
    } else {
        strings(known)
    }
}

pub(crate) fn entity(p: &Policies, c: &ChangeFacts, settings: &Settings) -> Result<Entity, String> {
    let mut attrs = vec![
        ("base_monthly", decimal(c.base_monthly, "base_monthly")),
        ("head_monthly", decimal(c.head_monthly, "head_monthly")),
        ("delta_monthly", decimal(c.delta_monthly, "delta_monthly")),
        ("delta_ceiling", decimal(c.delta_ceiling, "delta_ceiling")),
        (
            "accelerators_added",
            match c.accelerators_added {
                Some(n) => RestrictedExpression::new_long(n),
                None => RestrictedExpression::new_unknown("accelerators_added"),
            },
        ),
        (
            "endpoints_added",
            strings(c.endpoints_added.iter().map(|e| e.id.as_str())),
        ),
        (
            "endpoint_environments_added",
            endpoint_environments(c, settings),
        ),
        (
            "resources_added",
            strings(c.resources_added.iter().map(String::as_str)),
        ),
        (
            "governance_files",
            strings(c.governance_files.iter().map(|l| l.file.as_ref())),
        ),
    ];
    if let Some(floor) = c.delta_monthly_at_least.filter(|a| fits_cedar(*a)) {
        attrs.push((
            "delta_monthly_at_least",
            cedar_decimal(Usd(floor).to_cedar_decimal()),
        ));
    }
    if !c.base_is_zero {
        attrs.push(("delta_percent", decimal(c.delta_percent(), "delta_percent")));
    }
    if let Some(author) = &c.author {
        attrs.push((
            "author",
            RestrictedExpression::new_entity_uid(p.uids.user(author)),
        ));
    }
    Entity::new(
        p.uids.change.clone(),
        attrs.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        Default::default(),
    )
    .map_err(|e| format!("cannot build the change: {e}"))
}

/// The request context: `[guardrails]`, each key present only when set.
fn context(settings: &Settings) -> Result<Context, String> {
    let g = &settings.guardrails;
    let mut pairs = Vec::new();
    if let Some(limit) = g.max_monthly_increase {
        pairs.push((
            "max_monthly_increase".to_string(),
            cedar_decimal(limit.to_cedar_decimal()),
        ));
    }
    if let Some(limit) = g.max_increase_percent {
        pairs.push((
            "max_increase_percent".to_string(),
            cedar_decimal(Usd(limit).to_cedar_decimal()),
        ));
    }
    if let Some(limit) = g.max_accelerators_added {
        pairs.push((
            "max_accelerators_added".to_string(),
            RestrictedExpression::new_long(limit),
        ));
    }
    if let Some(envs) = &g.new_endpoint_environments {
        pairs.push((
            "new_endpoint_environments".to_string(),
            strings(envs.iter().map(String::as_str)),
        ));
    }
    Context::from_pairs(pairs).map_err(|e| e.to_string())
}

/// Evaluates every policy on the change; returns its findings (passes are not counted).
/// `fallback` is where a finding points when the change has nothing to point at.
pub(crate) fn evaluate(
    p: &Policies,
    c: &ChangeFacts,
    settings: &Settings,
    fallback: &Location,
) -> Vec<Finding> {
    let outcomes = match entity(p, c, settings).and_then(|e| {
        let entities = Entities::from_entities([e], None).map_err(|e| e.to_string())?;
        let request = Request::new(
            p.uids.scanner.clone(),
            p.uids.change_action.clone(),
            p.uids.change.clone(),
            context(settings)?,
            None,
        )
        .map_err(|e| e.to_string())?;
        Ok(outcomes_of(
            p,
            &Authorizer::new().is_authorized_partial(&request, &p.by_action.change, &entities),
        ))
    }) {
        Ok(o) => o,
        Err(m) => vec![Outcome::Error(m); p.rules.len()],
    };
    let mut findings = Vec::new();
    for (rule, outcome) in p.rules.iter().zip(outcomes) {
        if !rule.applies_to("change") {
            continue;
        }
        let (status, unknowns, message) = match outcome {
            Outcome::Pass => continue,
            Outcome::Fail => (
                Status::Fail,
                Vec::new(),
                rule.message_template.render_change(c, &settings.guardrails),
            ),
            Outcome::Unknown(names) => (
                Status::Unknown,
                names
                    .into_iter()
                    .map(|fact| UnknownInput {
                        origin: unknown_origin(&fact, c),
                        fact,
                    })
                    .collect(),
                format!(
                    "cannot decide {} for the change: a value it rests on is unknown",
                    rule.id
                ),
            ),
            Outcome::Error(m) => (
                Status::Error,
                Vec::new(),
                format!(
                    "policy `{}` could not be evaluated for the change: {m}",
                    rule.id
                ),
            ),
        };
        // A change has no inline waivers, only the base configuration's.
        let suppression = settings
            .config_waiver(&rule.id, "", ADDRESS)
            .filter(|_| status != Status::Error);
        findings.push(Finding {
            policy_id: rule.id.clone(),
            severity: rule.severity,
            status: if suppression.is_some() {
                Status::Suppressed
            } else {
                status
            },
            root: Arc::from(""),
            address: ADDRESS.to_string(),
            resource_type: ADDRESS.to_string(),
            location: location(rule.location.as_deref(), c, settings, fallback),
            message,
            help: rule
                .help_template
                .as_ref()
                .map(|t| t.render_change(c, &settings.guardrails)),
            unknowns,
            suppression,
            approval: None,
        });
    }
    findings.sort();
    findings
}

/// Why the change's fact `fact` is unknown.
fn unknown_origin(fact: &str, c: &ChangeFacts) -> String {
    let list = |what: &str, items: &[String]| format!("{what}: {}", items.join(", "));
    match fact {
        "accelerators_added" => list(
            "accelerators at maximum scale unknown for",
            &c.accelerators_missing,
        ),
        "endpoint_environments_added" => list(
            "environment unknown for",
            &c.endpoints_added
                .iter()
                .filter(|e| matches!(e.environment, Some(Fact::Unknown(_))))
                .map(|e| e.id.clone())
                .collect::<Vec<_>>(),
        ),
        _ => list("incomplete cost estimates", &c.cost_missing),
    }
}

/// The address and type of change findings.
pub const ADDRESS: &str = "change";

/// Where a change finding points: the first of the rule's `@location` facts that has a
/// place (the largest cost increase, the largest accelerator increase, the first new
/// endpoint in a listed environment, the first edited file of the gate), else the largest
/// cost increase, else an edited file, else `fallback`.
fn location(
    wanted: Option<&[String]>,
    c: &ChangeFacts,
    settings: &Settings,
    fallback: &Location,
) -> Location {
    let listed = settings
        .guardrails
        .new_endpoint_environments
        .as_deref()
        .unwrap_or_default();
    let place = |fact: &str| -> Option<&Location> {
        match fact {
            "delta_monthly" => c.cost_increases.first().map(|i| &i.location),
            "accelerators_added" => c.accelerator_increases.first().map(|i| &i.location),
            "endpoints_added" => c
                .endpoints_added
                .iter()
                .find(|e| {
                    e.environment
                        .as_ref()
                        .and_then(|f| f.known())
                        .is_some_and(|env| listed.contains(env))
                })
                .or(c.endpoints_added.first())
                .map(|e| &e.location),
            "governance_files" => c.governance_files.first(),
            _ => None,
        }
    };
    wanted
        .unwrap_or_default()
        .iter()
        .find_map(|f| place(f))
        .or_else(|| place("delta_monthly"))
        .or_else(|| place("governance_files"))
        .unwrap_or(fallback)
        .clone()
}

/// How many resources a message names before "and N more".
const NAMED: usize = 3;

/// The text of a placeholder in a change finding's message.
pub(crate) fn message_value(p: Placeholder, c: &ChangeFacts, g: &Guardrails) -> String {
    let money = |a: Option<Decimal>| a.map_or(UNKNOWN.to_string(), |a| Usd(a).to_string());
    match p {
        Placeholder::Address | Placeholder::Type => ADDRESS.to_string(),
        Placeholder::BaseMonthly => money(c.base_monthly),
        Placeholder::HeadMonthly => money(c.head_monthly),
        Placeholder::DeltaMonthly => match (c.delta_monthly, c.delta_monthly_at_least) {
            (Some(d), _) => Usd(d).to_string(),
            (None, Some(floor)) => format!("at least {}", Usd(floor)),
            (None, None) => UNKNOWN.to_string(),
        },
        Placeholder::DeltaPercent => match c.delta_percent() {
            _ if c.base_is_zero => "the base costs $0.00".to_string(),
            Some(pct) => format!("{}% of the base", pct.normalize()),
            None => "percentage unknown".to_string(),
        },
        Placeholder::IncreaseLimit => {
            let limits: Vec<String> = [
                g.max_monthly_increase.map(|l| format!("{l} a month")),
                g.max_increase_percent
                    .map(|l| format!("{}%", l.normalize())),
            ]
            .into_iter()
            .flatten()
            .collect();
            if limits.is_empty() {
                NONE.to_string()
            } else {
                limits.join(" or ")
            }
        }
        Placeholder::LargestIncreases => named(
            c.cost_increases
                .iter()
                .map(|i| format!("{} (+{})", i.id, Usd(i.amount))),
        ),
        Placeholder::AcceleratorsAdded => c
            .accelerators_added
            .map_or(UNKNOWN.to_string(), |n| n.to_string()),
        Placeholder::MaxAcceleratorsAdded => g
            .max_accelerators_added
            .map_or(NONE.to_string(), |n| n.to_string()),
        Placeholder::LargestAccelerators => named(
            c.accelerator_increases
                .iter()
                .map(|i| format!("{} (+{})", i.id, i.amount)),
        ),
        Placeholder::EndpointsAdded => {
            let listed = g.new_endpoint_environments.as_deref().unwrap_or_default();
            let shown = c.endpoints_added.iter().filter(|e| {
                listed.is_empty()
                    || e.environment
                        .as_ref()
                        .and_then(|f| f.known())
                        .is_some_and(|env| listed.contains(env))
            });
            named(
                shown.map(|e| match e.environment.as_ref().and_then(|f| f.known()) {
                    Some(env) => format!("{} (environment {env})", e.id),
                    None => e.id.clone(),
                }),
            )
        }
        Placeholder::NewEndpointEnvironments => match &g.new_endpoint_environments {
            Some(envs) if !envs.is_empty() => envs.join(", "),
            _ => NONE.to_string(),
        },
        Placeholder::GovernanceFiles => {
            if c.governance_files.is_empty() {
                NONE.to_string()
            } else {
                c.governance_files
                    .iter()
                    .map(|l| l.file.as_ref())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        }
        _ => NONE.to_string(),
    }
}

/// The first [`NAMED`] items, then how many more.
fn named(items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    if items.is_empty() {
        return NONE.to_string();
    }
    let mut text = items
        .iter()
        .take(NAMED)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > NAMED {
        text.push_str(&format!(" and {} more", items.len() - NAMED));
    }
    text
}
