//! The cost report (`aicost-policy cost`): a table of priced resources with quantity, unit
//! price, baseline and ceiling, optional subtotals by a tag or another key, and totals;
//! or the same as JSON.

use std::collections::BTreeMap;

use serde_json::{json, Value as Json};

use super::escape::controls;
use super::json::resource_json;
use super::{Report, JSON_FORMAT_VERSION};
use crate::model::{CostEstimate, Fact, Resource, Usd, WorkloadDetail};

/// What rows are grouped by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Grouping {
    Tag(String),
    File,
    Root,
    Provider,
    Type,
}

/// Baseline and ceiling totals over priced resources, and how many estimates are partial.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub baseline: Usd,
    pub ceiling: Usd,
    pub priced: usize,
    pub incomplete: usize,
    pub depends_on_usage: usize,
}

impl Totals {
    pub fn of<'a>(resources: impl IntoIterator<Item = &'a Resource>) -> Totals {
        let mut t = Totals::default();
        for r in resources {
            let Some(c) = &r.cost else { continue };
            t.priced += 1;
            t.baseline = t.baseline.checked_add(c.baseline).unwrap_or(t.baseline);
            t.ceiling = t.ceiling.checked_add(c.ceiling).unwrap_or(t.ceiling);
            if !c.complete {
                t.incomplete += 1;
            }
            if c.depends_on_usage() {
                t.depends_on_usage += 1;
            }
        }
        t
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

/// Units (machines, nodes, pods): `4 (max 16)`, `1`, `?`; `-` for what has no units
/// (node pool ceilings, LLM routes).
fn quantity(r: &Resource) -> String {
    let counts = match r.workload.as_ref().map(|w| &w.detail) {
        Some(WorkloadDetail::Pods(p)) => &p.replicas,
        Some(_) => return "-".to_string(),
        None => match &r.compute {
            Some(c) => &c.count,
            None => return "1".to_string(),
        },
    };
    let show = |f: &Fact<i64>| f.known().map_or("?".to_string(), i64::to_string);
    if counts.desired == counts.max {
        show(&counts.desired)
    } else {
        format!("{} (max {})", show(&counts.desired), show(&counts.max))
    }
}

/// The first component's unit price: `$55.04/hours`.
fn unit_price(r: &Resource) -> String {
    let Some(first) = r.cost.as_ref().and_then(|c| c.components.first()) else {
        return String::new();
    };
    match first.unit_price {
        Some(p) => format!("${} per {}", p.exact_string(), singular(&first.unit)),
        None => "unknown".to_string(),
    }
}

/// `hours` → `hour`, `GB-months` → `GB-month`; `1M tokens` stays.
fn singular(unit: &str) -> &str {
    if unit.ends_with("hours") || unit.ends_with("months") {
        unit.strip_suffix('s').unwrap_or(unit)
    } else {
        unit
    }
}

fn amount(a: Usd, complete: bool) -> String {
    if complete {
        a.to_string()
    } else {
        format!("≥{a}")
    }
}

/// `$160,716.80/month (ceiling $642,867.20)`, `at least ...` when incomplete, and `+ usage`
/// or `depends on usage` for what is billed by use.
/// An incomplete estimate of which no component has an amount: its cost is unknown, not
/// "at least $0" — unless it is billed by use (a GPU job that does not say how long it
/// runs is incomplete, yet has its hourly prices).
fn nothing_priced(c: &CostEstimate) -> bool {
    !c.complete
        && !c.depends_on_usage()
        && c.components
            .iter()
            .all(|k| k.monthly.is_none() && k.ceiling_monthly.is_none())
}

pub fn describe(c: &CostEstimate) -> String {
    if nothing_priced(c) {
        return "cost unknown".to_string();
    }
    let fixed = c
        .components
        .iter()
        .any(|k| !k.usage_based || k.quantity.is_some());
    if !fixed && c.depends_on_usage() {
        return "cost depends on usage".to_string();
    }
    let at_least = if c.complete { "" } else { "at least " };
    let mut out = if c.ceiling != c.baseline {
        format!("{at_least}{}/month (ceiling {})", c.baseline, c.ceiling)
    } else {
        format!("{at_least}{}/month", c.baseline)
    };
    if c.depends_on_usage() {
        out.push_str(" + usage");
    }
    out
}

/// The text table.
pub fn render_text(report: &Report, grouping: Option<&Grouping>) -> String {
    let header = [
        "RESOURCE",
        "TYPE",
        "QUANTITY",
        "UNIT PRICE",
        "MONTHLY",
        "CEILING",
    ];
    let row = |r: &Resource| -> [String; 6] {
        let (baseline, ceiling) = match &r.cost {
            Some(c) if nothing_priced(c) => ("unknown".to_string(), "unknown".to_string()),
            Some(c) if c.depends_on_usage() && c.baseline.0.is_zero() => {
                ("usage".to_string(), "usage".to_string())
            }
            Some(c) => (
                amount(c.baseline, c.complete),
                amount(c.ceiling, c.complete),
            ),
            None => (String::new(), String::new()),
        };
        // Addresses, types and group names come from the input (see super::escape).
        [
            controls(&r.address).into_owned(),
            controls(&r.resource_type).into_owned(),
            quantity(r),
            unit_price(r),
            baseline,
            ceiling,
        ]
    };
    let mut sections: Vec<(Option<String>, Vec<[String; 6]>, Totals)> = Vec::new();
    match grouping {
        Some(g) => {
            for (key, members) in groups(report, g) {
                let rows = members.iter().map(|r| row(r)).collect();
                sections.push((Some(key), rows, Totals::of(members.iter().copied())));
            }
        }
        None => {
            let priced: Vec<&Resource> = report
                .resources
                .iter()
                .filter(|r| r.cost.is_some())
                .collect();
            let rows = priced.iter().map(|r| row(r)).collect();
            sections.push((None, rows, Totals::of(priced.iter().copied())));
        }
    }
    let mut widths = header.map(|h| h.chars().count());
    for (_, rows, _) in &sections {
        for r in rows {
            for (w, cell) in widths.iter_mut().zip(r.iter()) {
                *w = (*w).max(cell.chars().count());
            }
        }
    }
    let line = |cells: &[String; 6]| -> String {
        let mut out = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths.iter()).enumerate() {
            let pad = w.saturating_sub(cell.chars().count());
            // Amounts are right-aligned, text left-aligned.
            if i >= 4 {
                out.push_str(&" ".repeat(pad));
                out.push_str(cell);
            } else {
                out.push_str(cell);
                out.push_str(&" ".repeat(pad));
            }
            out.push_str("  ");
        }
        format!("{}\n", out.trim_end())
    };
    let mut out = line(&header.map(String::from));
    for (key, rows, totals) in &sections {
        if let Some(k) = key {
            out.push_str(&format!("\n{}\n", controls(k)));
        }
        for r in rows {
            out.push_str(&line(r));
        }
        if key.is_some() {
            out.push_str(&format!(
                "  subtotal {} a month (ceiling {})\n",
                totals.baseline, totals.ceiling
            ));
        }
    }
    let all = Totals::of(report.resources.iter());
    out.push_str(&format!(
        "\n  {} priced resources: {} a month (ceiling {})",
        all.priced, all.baseline, all.ceiling
    ));
    if all.incomplete > 0 {
        out.push_str(&format!(
            ", {} with incomplete estimates (≥)",
            all.incomplete
        ));
    }
    if all.depends_on_usage > 0 {
        out.push_str(&format!(", {} depending on usage", all.depends_on_usage));
    }
    let unpriced = report.resources.len() - all.priced;
    out.push_str(&format!("; {unpriced} not priced\n"));
    out
}

fn totals_json(t: &Totals) -> Json {
    json!({
        "baseline": t.baseline.to_json_string(),
        "ceiling": t.ceiling.to_json_string(),
        "priced": t.priced,
        "incomplete": t.incomplete,
        "depends_on_usage": t.depends_on_usage,
    })
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
                    "monthly_cost": totals_json(&Totals::of(members.iter().copied())),
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
        "errors": report.errors.iter().map(super::json::error_json).collect::<Vec<_>>(),
        "summary": {
            "resources": report.resources.len(),
            "monthly_cost": totals_json(&Totals::of(report.resources.iter())),
        },
    });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".to_string());
    out.push('\n');
    out
}
