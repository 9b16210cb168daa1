//! The facts of a change as a whole ([`ChangeFacts`]), read from a [`Diff`] for the
//! guardrail policies: the monthly delta (unknown, not guessed, when an estimate it rests
//! on is incomplete), the accelerators added, the model-serving endpoints added.

use std::cmp::Reverse;

use rust_decimal::Decimal;

use super::{difference, Change, Cost, Diff, ResourceChange};
use crate::model::{ChangeFacts, Contribution, Endpoint, Fact, Location, Resource};
use crate::report::cost::Totals;

/// The facts of `diff`, with the gate's files the change edits and its author.
pub fn facts(diff: &Diff, governance_files: Vec<Location>, author: Option<String>) -> ChangeFacts {
    let total = |resources: &[Resource]| {
        let t = Totals::of(resources.iter());
        (t.incomplete == 0).then_some(t.baseline.0)
    };
    let base_monthly = total(&diff.base.resources);
    let mut facts = ChangeFacts {
        base_monthly,
        head_monthly: total(&diff.head.resources),
        base_is_zero: base_monthly.is_some_and(|b| b.is_zero()),
        governance_files,
        author,
        ..ChangeFacts::default()
    };
    let (mut delta, mut delta_ceiling) = (Decimal::ZERO, Decimal::ZERO);
    let (mut base_incomplete, mut head_incomplete) = (false, false);
    let mut accelerators: Option<i64> = Some(0);
    for rc in diff
        .resources
        .iter()
        .filter(|r| r.change != Change::Unchanged)
    {
        let id = id(rc);
        // Pods counted in a node pool are in the pool's amounts, as in the run totals.
        let side = |c: &Option<Cost>| c.clone().filter(|c| c.counted_in.is_none());
        let (before, after) = (side(&rc.before), side(&rc.after));
        if before.as_ref().is_some_and(|c| !c.complete) {
            base_incomplete = true;
            facts.cost_missing.push(format!("{id} (base)"));
        }
        if after.as_ref().is_some_and(|c| !c.complete) {
            head_incomplete = true;
            facts.cost_missing.push(id.clone());
        }
        let amount = |c: &Option<Cost>| {
            c.as_ref().map_or((Decimal::ZERO, Decimal::ZERO), |c| {
                (c.baseline.0, c.ceiling.0)
            })
        };
        let ((b0, c0), (b1, c1)) = (amount(&before), amount(&after));
        let (d, dc) = (difference(b0, b1), difference(c0, c1));
        delta = delta.checked_add(d).unwrap_or(delta);
        delta_ceiling = delta_ceiling.checked_add(dc).unwrap_or(delta_ceiling);
        if d > Decimal::ZERO {
            facts.cost_increases.push(Contribution {
                id: id.clone(),
                location: rc.location.clone(),
                amount: d,
            });
        }
        let base = rc.base_index.and_then(|i| diff.base.resources.get(i));
        let head = rc.head_index.and_then(|i| diff.head.resources.get(i));
        match (accelerators_of(base), accelerators_of(head)) {
            (Some(b), Some(h)) => {
                let added = h.saturating_sub(b);
                accelerators = accelerators.map(|a| a.saturating_add(added));
                if added > 0 {
                    facts.accelerator_increases.push(Contribution {
                        id: id.clone(),
                        location: rc.location.clone(),
                        amount: Decimal::from(added),
                    });
                }
            }
            _ => {
                accelerators = None;
                facts.accelerators_missing.push(id.clone());
            }
        }
        if rc.change == Change::Added {
            if let Some(h) = head.filter(|h| h.serves_models()) {
                facts.endpoints_added.push(Endpoint {
                    id: id.clone(),
                    location: rc.location.clone(),
                    environment: h.environment.clone(),
                });
            }
            facts.resources_added.push(id);
        }
    }
    let known = !base_incomplete && !head_incomplete;
    facts.delta_monthly = known.then_some(delta);
    facts.delta_ceiling = known.then_some(delta_ceiling);
    facts.delta_monthly_at_least = (!base_incomplete).then_some(delta);
    facts.accelerators_added = accelerators;
    facts
        .cost_increases
        .sort_by(|a, b| (Reverse(a.amount), &a.id).cmp(&(Reverse(b.amount), &b.id)));
    facts
        .accelerator_increases
        .sort_by(|a, b| (Reverse(a.amount), &a.id).cmp(&(Reverse(b.amount), &b.id)));
    facts.endpoints_added.sort_by(|a, b| a.id.cmp(&b.id));
    facts.resources_added.sort();
    facts.cost_missing.sort();
    facts.accelerators_missing.sort();
    facts
}

/// Accelerators at maximum scale on one side: 0 where the resource is absent, is not a
/// compute resource, or is counted in a node pool (the pool's count holds its nodes);
/// `None` when unknown.
fn accelerators_of(r: Option<&Resource>) -> Option<i64> {
    let Some(r) = r else { return Some(0) };
    if r.cost.as_ref().is_some_and(|c| c.counted_in.is_some()) {
        return Some(0);
    }
    match crate::policy::accelerators_at_max_scale(r) {
        None => Some(0),
        Some(Fact::Known(n)) => Some(n),
        Some(Fact::Unknown(_)) => None,
    }
}

fn id(rc: &ResourceChange) -> String {
    crate::model::resource_id(&rc.root, &rc.address)
}
