//! The cost report (`aicost-policy cost`): a table of priced resources with quantity, unit
//! price, baseline and ceiling, optional subtotals by a tag or another key, totals, and
//! the resources that are not priced with why (`table.rs`, `unpriced.rs`); or the same as
//! JSON.

mod table;
mod unpriced;

use std::collections::BTreeMap;

use serde_json::{json, Value as Json};

use super::json::resource_json;
use super::{Report, JSON_FORMAT_VERSION};
use crate::model::{CostEstimate, Fact, Resource, Usd};

pub use table::render_text;

/// What rows are grouped by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Grouping {
    Tag(String),
    File,
    Root,
    Provider,
    Type,
}

/// Baseline and ceiling totals over priced resources, and how many estimates are partial
/// or unknown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub baseline: Usd,
    pub ceiling: Usd,
    /// Resources with an amount, complete or partial; not those whose cost is unknown.
    pub priced: usize,
    /// Estimates that are not complete, the unknown ones included: when above 0 the totals
    /// are lower bounds.
    pub incomplete: usize,
    /// Estimates without any amount ([`CostEstimate::is_unknown`]).
    pub unknown: usize,
    pub depends_on_usage: usize,
    /// Estimates left out because their pods are counted in a node pool of the scan.
    pub counted_in_pools: usize,
}

impl Totals {
    pub fn of<'a>(resources: impl IntoIterator<Item = &'a Resource>) -> Totals {
        let mut t = Totals::default();
        for r in resources {
            let Some(c) = &r.cost else { continue };
            if c.counted_in.is_some() {
                t.counted_in_pools += 1;
                continue;
            }
            if !c.complete {
                t.incomplete += 1;
            }
            if c.is_unknown() {
                t.unknown += 1;
                continue;
            }
            t.priced += 1;
            t.baseline = t.baseline.checked_add(c.baseline).unwrap_or(t.baseline);
            t.ceiling = t.ceiling.checked_add(c.ceiling).unwrap_or(t.ceiling);
            if c.depends_on_usage() {
                t.depends_on_usage += 1;
            }
        }
        t
    }

    /// Priced resources whose estimate is partial (`≥` in the table).
    pub fn partial(&self) -> usize {
        self.incomplete.saturating_sub(self.unknown)
    }

    /// `$1.00 a month (ceiling $2.00)`; both `at least` when an estimate is partial or
    /// unknown, since then neither is a bound from above.
    pub fn amounts(&self, month: &str) -> String {
        let at_least = at_least(self.incomplete > 0);
        let mut out = format!(
            "{at_least}{}{month} (ceiling {at_least}{})",
            self.baseline, self.ceiling
        );
        match self.counted_in_pools {
            0 => {}
            1 => out.push_str(", 1 workload counted in its node pool"),
            n => out.push_str(&format!(", {n} workloads counted in their node pools")),
        }
        out
    }
}

/// `at least ` when an amount leaves something out.
pub fn at_least(partial: bool) -> &'static str {
    if partial {
        "at least "
    } else {
        ""
    }
}

fn group_key(r: &Resource, g: &Grouping) -> String {
    match g {
        Grouping::Tag(key) => match r.tags.entries.get(key) {
            Some(Fact::Known(v)) => v.clone(),
            Some(Fact::Unknown(_)) => "(unknown)".to_string(),
            None => "(none)".to_string(),
        },
        Grouping::File => r.location.file.to_string(),
        Grouping::Root => r.root.to_string(),
        Grouping::Provider => r.provider.name.clone(),
        Grouping::Type => r.resource_type.clone(),
    }
}

fn groups<'a>(report: &'a Report, g: &Grouping) -> BTreeMap<String, Vec<&'a Resource>> {
    let mut out: BTreeMap<String, Vec<&Resource>> = BTreeMap::new();
    for r in report.resources.iter().filter(|r| r.cost.is_some()) {
        out.entry(group_key(r, g)).or_default().push(r);
    }
    out
}

/// `$160,716.80/month (ceiling $642,867.20)`, `at least ...` for both when incomplete,
/// `cost unknown` when nothing has an amount, and `+ usage` or `depends on usage` for what
/// is billed by use.
pub fn describe(c: &CostEstimate) -> String {
    if c.is_unknown() {
        return "cost unknown".to_string();
    }
    let fixed = c
        .components
        .iter()
        .any(|k| !k.usage_based || k.quantity.is_some());
    if !fixed && c.depends_on_usage() {
        return "cost depends on usage".to_string();
    }
    let at_least = at_least(!c.complete);
    let mut out = if c.ceiling != c.baseline {
        format!(
            "{at_least}{}/month (ceiling {at_least}{})",
            c.baseline, c.ceiling
        )
    } else {
        format!("{at_least}{}/month", c.baseline)
    };
    if c.depends_on_usage() {
        out.push_str(" + usage");
    }
    if let Some(pool) = &c.counted_in {
        out.push_str(&format!(", counted in {pool}"));
    }
    out
}

/// Totals as JSON, for the cost report (`with_usage`: how many depend on usage) and for the
/// check report's summary; `counted_in_pools` only when some are, so other reports read as
/// before.
pub(super) fn totals_json(t: &Totals, with_usage: bool) -> Json {
    let mut out = json!({
        "baseline": t.baseline.to_json_string(),
        "ceiling": t.ceiling.to_json_string(),
        "priced": t.priced,
        "incomplete": t.incomplete,
        "unknown": t.unknown,
    });
    if let Some(o) = out.as_object_mut() {
        if with_usage {
            o.insert("depends_on_usage".to_string(), json!(t.depends_on_usage));
        }
        if t.counted_in_pools > 0 {
            o.insert("counted_in_pools".to_string(), json!(t.counted_in_pools));
        }
    }
    out
}

/// The cost report as JSON.
pub fn render_json(report: &Report, grouping: Option<&Grouping>) -> String {
    let priced: Vec<Json> = report
        .resources
        .iter()
        .filter(|r| r.cost.is_some())
        .map(resource_json)
        .collect();
    let groups_json: Vec<Json> = match grouping {
        Some(g) => groups(report, g)
            .into_iter()
            .map(|(key, members)| {
                json!({
                    "key": key,
                    "resources": members.iter().map(|r| r.address.clone()).collect::<Vec<_>>(),
                    "monthly_cost": totals_json(&Totals::of(members.iter().copied()), true),
                })
            })
            .collect(),
        None => Vec::new(),
    };
    let doc = json!({
        "version": JSON_FORMAT_VERSION,
        "tool": {"name": "aicost-policy", "version": env!("CARGO_PKG_VERSION")},
        "resources": priced,
        "groups": groups_json,
        "not_priced": unpriced::render_json(report),
        "errors": report.errors.iter().map(super::json::error_json).collect::<Vec<_>>(),
        "warnings": report.warnings.iter().map(super::json::error_json).collect::<Vec<_>>(),
        "summary": {
            "resources": report.resources.len(),
            "monthly_cost": totals_json(&Totals::of(report.resources.iter()), true),
        },
    });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".to_string());
    out.push('\n');
    out
}
