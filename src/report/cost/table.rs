//! The text form of the cost report: one row per priced resource (quantity, the unit price
//! of the component that costs most, baseline and ceiling), what each row assumes and what
//! its estimate lacks under it, subtotals, the totals line and the resources not priced.

use std::collections::BTreeMap;

use super::super::escape::controls;
use super::super::{plural, Report};
use super::{groups, unpriced, Grouping, Totals};
use crate::model::{CostComponent, Fact, Resource, Usd, WorkloadDetail};

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

/// The component whose rate decides the amount: the one with the largest ceiling (else
/// baseline) amount, then the largest baseline; the first of equals. When no component
/// has an amount (billed by use, or unknown), the first.
pub(super) fn dominant(components: &[CostComponent]) -> Option<&CostComponent> {
    let key = |k: &CostComponent| (k.ceiling_monthly.or(k.monthly), k.monthly);
    let mut best = components.first()?;
    for k in components.iter().skip(1) {
        if key(k) > key(best) {
            best = k;
        }
    }
    Some(best)
}

/// The dominant component's unit price: `$55.04 per hour`, `$3.06 per GPU-hour`.
fn unit_price(r: &Resource) -> String {
    let Some(k) = r.cost.as_ref().and_then(|c| dominant(&c.components)) else {
        return String::new();
    };
    match k.unit_price {
        // Units are the price stage's own words, never input.
        Some(p) => format!("${} per {}", p.exact_string(), singular(&k.unit)),
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

/// The lines under a row: what its amounts assume, and what its estimate lacks (the first
/// reason and how many more).
fn under(r: &Resource) -> Vec<String> {
    let Some(c) = &r.cost else {
        return Vec::new();
    };
    let mut out: Vec<String> = c
        .assumptions
        .iter()
        .map(|a| format!("    assumed: {}", controls(a)))
        .collect();
    for note in c
        .notes
        .iter()
        .filter(|n| n.starts_with(crate::price::attribution::LAUNCHED_FOR))
    {
        out.push(format!("    {}", controls(note)));
    }
    if let Some(pool) = &c.counted_in {
        out.push(format!(
            "    counted in {} (not added to the totals)",
            controls(pool)
        ));
    }
    if let (false, Some(first)) = (c.complete, c.missing.first()) {
        let more = match c.missing.len().saturating_sub(1) {
            0 => String::new(),
            n => format!(" (and {n} more)"),
        };
        out.push(format!("    missing: {}{more}", controls(first)));
    }
    out
}

/// `12 priced resources: ... a month (ceiling ...), 1 with an incomplete estimate (≥), 2
/// depending on usage; 1 with cost unknown; 3 not priced`.
fn totals_line(report: &Report) -> String {
    let all = Totals::of(report.resources.iter());
    let mut out = format!(
        "  {}: {}",
        plural(all.priced, "priced resource", "priced resources"),
        all.amounts(" a month")
    );
    if all.partial() > 0 {
        out.push_str(&format!(
            ", {} (≥)",
            plural(
                all.partial(),
                "with an incomplete estimate",
                "with incomplete estimates"
            )
        ));
    }
    if all.depends_on_usage > 0 {
        out.push_str(&format!(", {} depending on usage", all.depends_on_usage));
    }
    if all.unknown > 0 {
        out.push_str(&format!("; {} with cost unknown", all.unknown));
    }
    let unpriced = report.resources.iter().filter(|r| r.cost.is_none()).count();
    out.push_str(&format!("; {unpriced} not priced\n"));
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
    // Two roots may hold the same address (a Deployment in a base and in an overlay):
    // those rows say their root, as `root:address`.
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &report.resources {
        *seen.entry(r.address.as_str()).or_default() += 1;
    }
    let name = |r: &Resource| -> String {
        if seen.get(r.address.as_str()).is_some_and(|n| *n > 1) {
            crate::price::attribution::id(r)
        } else {
            r.address.clone()
        }
    };
    let row = |r: &Resource| -> [String; 6] {
        let (baseline, ceiling) = match &r.cost {
            Some(c) if c.is_unknown() => ("unknown".to_string(), "unknown".to_string()),
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
            controls(&name(r)).into_owned(),
            controls(&r.resource_type).into_owned(),
            quantity(r),
            unit_price(r),
            baseline,
            ceiling,
        ]
    };
    // Each row with the lines shown under it.
    let with_under = |r: &Resource| -> ([String; 6], Vec<String>) { (row(r), under(r)) };
    type Rows = Vec<([String; 6], Vec<String>)>;
    let mut sections: Vec<(Option<String>, Rows, Totals)> = Vec::new();
    match grouping {
        Some(g) => {
            for (key, members) in groups(report, g) {
                let rows = members.iter().map(|r| with_under(r)).collect();
                sections.push((Some(key), rows, Totals::of(members.iter().copied())));
            }
        }
        None => {
            let priced: Vec<&Resource> = report
                .resources
                .iter()
                .filter(|r| r.cost.is_some())
                .collect();
            let rows = priced.iter().map(|r| with_under(r)).collect();
            sections.push((None, rows, Totals::of(priced.iter().copied())));
        }
    }
    let mut widths = header.map(|h| h.chars().count());
    for (_, rows, _) in &sections {
        for (r, _) in rows {
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
        for (r, below) in rows {
            out.push_str(&line(r));
            for l in below {
                out.push_str(l);
                out.push('\n');
            }
        }
        if key.is_some() {
            out.push_str(&format!("  subtotal {}\n", totals.amounts(" a month")));
        }
    }
    out.push('\n');
    out.push_str(&totals_line(report));
    out.push_str(&unpriced::render_text(report));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    fn component(
        unit: &str,
        price: i64,
        monthly: Option<i64>,
        ceiling: Option<i64>,
    ) -> CostComponent {
        let usd = |n: i64| Usd(Decimal::from(n));
        CostComponent {
            name: unit.to_string(),
            unit: unit.to_string(),
            unit_price: Some(usd(price)),
            quantity: None,
            ceiling_quantity: None,
            monthly: monthly.map(usd),
            ceiling_monthly: ceiling.map(usd),
            usage_based: false,
            missing: None,
            notes: Vec::new(),
            assumptions: Vec::new(),
        }
    }

    #[test]
    fn the_component_that_costs_most_gives_the_rate() {
        let cs = [
            component("vCPU-hours", 1, Some(10), Some(10)),
            component("GPU-hours", 3, Some(900), Some(900)),
            component("GiB-hours", 2, Some(20), Some(20)),
        ];
        assert_eq!(dominant(&cs).map(|k| k.unit.as_str()), Some("GPU-hours"));
    }

    #[test]
    fn the_ceiling_decides_before_the_baseline_and_the_first_of_equals_wins() {
        // A node pool: $0 at the baseline, its nodes at the ceiling.
        let cs = [
            component("hours", 1, Some(50), Some(50)),
            component("node-hours", 2, Some(0), Some(5000)),
        ];
        assert_eq!(dominant(&cs).map(|k| k.unit.as_str()), Some("node-hours"));
        let tie = [
            component("a-hours", 1, Some(7), Some(7)),
            component("b-hours", 1, Some(7), Some(7)),
        ];
        assert_eq!(dominant(&tie).map(|k| k.unit.as_str()), Some("a-hours"));
        let baseline_decides = [
            component("a-hours", 1, Some(1), Some(7)),
            component("b-hours", 1, Some(5), Some(7)),
        ];
        assert_eq!(
            dominant(&baseline_decides).map(|k| k.unit.as_str()),
            Some("b-hours")
        );
    }

    #[test]
    fn without_amounts_the_first_component_is_shown() {
        let cs = [
            component("1M input tokens", 3, None, None),
            component("1M output tokens", 15, None, None),
        ];
        assert_eq!(
            dominant(&cs).map(|k| k.unit.as_str()),
            Some("1M input tokens")
        );
        assert!(dominant(&[]).is_none());
    }
}
