//! Savings advice as findings: one `AIC-SAVE-00n` finding per suggestion the price stage
//! made (`price::savings`), of `[savings] severity` (`info` by default: a notice, never
//! failing unless `--fail-severity info`). Like the `AIC-WAIVER-001` finding they are
//! built in Rust, not Cedar, because the saving is a price computation; waivers cover them
//! as they cover policies.

use std::collections::HashMap;

use crate::model::{Finding, Resource, Rule, SavingKind, Severity, Status, Suggestion};

use super::{Policies, Settings};

/// The findings of `suggestions` whose kinds the run selected, with waivers applied, and
/// the suggestions still open (not waived), in the same order.
pub fn findings(
    policies: &Policies,
    suggestions: &[Suggestion],
    resources: &[Resource],
    settings: &Settings,
    severity: Severity,
) -> (Vec<Finding>, Vec<Suggestion>) {
    let by_key: HashMap<(&str, &str), &Resource> = resources
        .iter()
        .map(|r| ((r.root.as_ref(), r.address.as_str()), r))
        .collect();
    let mut out = Vec::new();
    let mut open = Vec::new();
    for s in suggestions
        .iter()
        .filter(|s| policies.savings().contains(&s.kind))
    {
        let id = s.kind.id();
        let resource = by_key.get(&(s.root.as_ref(), s.address.as_str()));
        let waiver = |policy: &str| {
            resource
                .and_then(|r| {
                    r.waivers
                        .iter()
                        .find(|(w, waiver)| w == policy && settings.waiver_active(waiver.expires))
                        .map(|(_, w)| w.clone())
                })
                .or_else(|| settings.config_waiver(policy, &s.root, &s.address))
        };
        // A waiver of the policy that flags the same situation (staying on-demand, keeping
        // a replica warm) gives its reason: the advice is not given at all.
        if related(s.kind).is_some_and(|policy| waiver(policy).is_some()) {
            continue;
        }
        let suppression = waiver(id);
        if suppression.is_none() {
            open.push(s.clone());
        }
        out.push(Finding {
            policy_id: id.to_string(),
            severity,
            status: if suppression.is_some() {
                Status::Suppressed
            } else {
                Status::Fail
            },
            root: s.root.clone(),
            address: s.address.clone(),
            resource_type: s.resource_type.clone(),
            location: s.location.clone(),
            message: message(s),
            help: Some(format!("{}; or waive {id} for this resource", s.help)),
            unknowns: Vec::new(),
            suppression,
            approval: None,
        });
    }
    (out, open)
}

/// The policy that flags the situation the advice prices: `AIC-GPU-003` (an on-demand
/// accelerator pool outside production) and `AIC-K8S-003` (inference that does not scale
/// to zero). Its waivers cover the advice too.
pub fn related(kind: SavingKind) -> Option<&'static str> {
    match kind {
        SavingKind::Spot => Some("AIC-GPU-003"),
        SavingKind::ScaleToZero => Some("AIC-K8S-003"),
        SavingKind::CheaperInstance => None,
    }
}

/// `aws_eks_node_group.train in environment dev could save $1,234.00/month on spot
/// capacity ($2,000.00 → $766.00)`.
pub fn message(s: &Suggestion) -> String {
    let place = match &s.environment {
        Some(e) => format!(" in environment {e}"),
        None => String::new(),
    };
    let how = match s.kind {
        SavingKind::Spot => "on spot capacity".to_string(),
        SavingKind::ScaleToZero => "by scaling to zero when idle".to_string(),
        SavingKind::CheaperInstance => format!(
            "on {}, which has the same accelerators and at least the same vCPUs and memory",
            s.change
        ),
    };
    let upto = match s.kind {
        SavingKind::ScaleToZero => "up to ",
        SavingKind::Spot | SavingKind::CheaperInstance => "",
    };
    // A saving that rests on an estimate (a spot price from a spot factor) says so.
    let assumed = if s.assumed.is_empty() {
        String::new()
    } else {
        format!("; assumed: {}", s.assumed.join("; "))
    };
    format!(
        "{}{place} could save {upto}{}/month {how} ({}/month → {}/month){assumed}",
        s.address, s.saving, s.current, s.suggested
    )
}

/// The rules of the advice the run gives, as reports list them.
pub fn rules(policies: &Policies, severity: Severity) -> Vec<Rule> {
    policies
        .savings()
        .iter()
        .map(|k| Rule {
            id: k.id().to_string(),
            severity,
            title: k.title().to_string(),
            message: match k {
                SavingKind::Spot => "{resource} could save {saving}/month on spot capacity",
                SavingKind::ScaleToZero => {
                    "{resource} could save up to {saving}/month by scaling to zero when idle"
                }
                SavingKind::CheaperInstance => {
                    "{resource} could save {saving}/month on {instance_type}, which has the same accelerators"
                }
            }
            .to_string(),
            help: Some(
                match k {
                    SavingKind::Spot => "run it on spot capacity",
                    SavingKind::ScaleToZero => "set minReplicas: 0",
                    SavingKind::CheaperInstance => "use the cheaper instance type",
                }
                .to_string(),
            ),
            file: "builtin/savings".to_string(),
            line: 0,
            builtin: true,
        })
        .collect()
}
