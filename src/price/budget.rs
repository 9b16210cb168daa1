//! Budget projections: which resources each `[[budget]]` covers (by tags and paths) and
//! what they are projected to cost. A resource whose tags cannot be resolved may or may
//! not be in scope; it makes the projection incomplete rather than being guessed.

use globset::GlobMatcher;
use rust_decimal::Decimal;

use crate::config::BudgetConfig;
use crate::environment::glob;
use crate::model::{Budget, Fact, Location, Resource, Usd};

/// Whether a resource is in a budget's scope.
#[derive(Debug, PartialEq, Eq)]
enum Membership {
    In,
    Out,
    /// Depends on a tag that could not be resolved.
    Maybe(String),
}

struct Scope<'a> {
    config: &'a BudgetConfig,
    paths: Vec<GlobMatcher>,
}

impl Scope<'_> {
    fn membership(&self, r: &Resource) -> Membership {
        if !self.paths.is_empty() {
            let root = format!("{}/", r.root);
            if !self
                .paths
                .iter()
                .any(|g| g.is_match(&root) || g.is_match(r.location.file.as_ref()))
            {
                return Membership::Out;
            }
        }
        let mut maybe = None;
        for (key, wanted) in &self.config.tags {
            match r.tags.entries.get(key) {
                Some(Fact::Known(v)) if v == wanted => {}
                Some(Fact::Known(_)) => return Membership::Out,
                Some(Fact::Unknown(u)) => {
                    maybe.get_or_insert(format!("tag {key} is unknown: {}", u.origin));
                }
                None => match &r.tags.more {
                    Some(u) => {
                        maybe.get_or_insert(format!("tag {key} may be set: {}", u.origin));
                    }
                    None => return Membership::Out,
                },
            }
        }
        match maybe {
            Some(why) => Membership::Maybe(why),
            None => Membership::In,
        }
    }
}

/// Projects every budget. `locations` gives where each budget is written, in order.
pub fn project(
    resources: &[Resource],
    budgets: &[BudgetConfig],
    locations: &[Location],
) -> Result<Vec<Budget>, String> {
    let mut out = Vec::new();
    for (i, config) in budgets.iter().enumerate() {
        let paths = config
            .paths
            .iter()
            .map(|p| {
                glob(p).map_err(|e| {
                    format!(
                        "budget `{}`: invalid path pattern `{p}`: {}",
                        config.name,
                        e.kind()
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let scope = Scope { config, paths };
        let mut budget = Budget {
            name: config.name.clone(),
            limit: Usd(config.monthly_limit),
            warn_ratio: config.warn_ratio,
            warn_at: Usd(config
                .monthly_limit
                .checked_mul(config.warn_ratio)
                .unwrap_or(config.monthly_limit)),
            location: locations
                .get(i)
                .cloned()
                .unwrap_or_else(|| Location::file_start("aicost-policy.toml".into())),
            members: Vec::new(),
            maybe_members: Vec::new(),
            monthly_cost: Usd::ZERO,
            ceiling: Usd::ZERO,
            complete: true,
            missing: Vec::new(),
        };
        for r in resources {
            let id = if r.root.as_ref() == "." {
                r.address.clone()
            } else {
                format!("{}:{}", r.root, r.address)
            };
            match scope.membership(r) {
                Membership::Out => continue,
                Membership::Maybe(why) => {
                    budget.complete = false;
                    budget.missing.push(format!("{id} may be in scope ({why})"));
                    budget.maybe_members.push((id, why));
                }
                Membership::In => {
                    // Pods counted in their node pool are paid there (see `attribution`).
                    if let Some(cost) = r.cost.as_ref().filter(|c| c.counted_in.is_none()) {
                        budget.monthly_cost = budget
                            .monthly_cost
                            .checked_add(cost.baseline)
                            .unwrap_or(budget.monthly_cost);
                        budget.ceiling = budget
                            .ceiling
                            .checked_add(cost.ceiling)
                            .unwrap_or(budget.ceiling);
                        if !cost.complete {
                            budget.complete = false;
                            budget
                                .missing
                                .push(format!("{id}: {}", cost.missing.join("; ")));
                        }
                    }
                    budget.members.push(id);
                }
            }
        }
        out.push(budget);
    }
    Ok(out)
}

/// A share of a limit, for messages: `0.8` → `80%`.
pub fn percent(ratio: Decimal) -> String {
    format!("{}%", (ratio * Decimal::ONE_HUNDRED).normalize())
}
