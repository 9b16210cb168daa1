//! What the `cost` report names under its table: resources that were read but have no
//! price, each with why (a type that costs nothing by itself, see `price::no_charge`, or a
//! type aicost-policy has no price model for), and the same list for JSON.

use std::collections::BTreeMap;

use serde_json::{json, Value as Json};

use super::super::escape::controls;
use super::super::{plural, Report};
use crate::model::Resource;
use crate::price::no_charge;

/// Addresses named on one line of the text before "and N more".
const NAMED_PER_LINE: usize = 3;

/// Resources without an estimate, in report order.
fn unpriced(report: &Report) -> impl Iterator<Item = &Resource> {
    report.resources.iter().filter(|r| r.cost.is_none())
}

/// Why a resource without an estimate has none.
pub fn reason(r: &Resource) -> String {
    if no_charge(&r.resource_type) {
        "no charge".to_string()
    } else {
        no_model(&r.resource_type)
    }
}

/// The reason of a type aicost-policy has no price model for.
fn no_model(resource_type: &str) -> String {
    format!("not priced by aicost-policy (no price model for {resource_type})")
}

/// `a, b, c and 2 more`.
fn named(addresses: &[&str]) -> String {
    let shown: Vec<String> = addresses
        .iter()
        .take(NAMED_PER_LINE)
        .map(|a| controls(a).into_owned())
        .collect();
    let mut out = shown.join(", ");
    if addresses.len() > NAMED_PER_LINE {
        out.push_str(&format!(" and {} more", addresses.len() - NAMED_PER_LINE));
    }
    out
}

/// The `Not priced:` section, empty when every resource is priced. Types without a price
/// model get a line each, naming their resources; resources with no charge share one line,
/// naming them when they are few and counting them by type otherwise.
pub fn render_text(report: &Report) -> String {
    let mut free: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut unmodelled: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for r in unpriced(report) {
        let by_type = if no_charge(&r.resource_type) {
            &mut free
        } else {
            &mut unmodelled
        };
        by_type
            .entry(r.resource_type.as_str())
            .or_default()
            .push(r.address.as_str());
    }
    if free.is_empty() && unmodelled.is_empty() {
        return String::new();
    }
    let mut out = "\nNot priced:\n".to_string();
    for (t, addresses) in &unmodelled {
        out.push_str(&format!(
            "  {}: {}\n",
            named(addresses),
            no_model(&controls(t))
        ));
    }
    let free_count: usize = free.values().map(Vec::len).sum();
    if free_count > 0 && free_count <= NAMED_PER_LINE {
        let all: Vec<&str> = free.values().flatten().copied().collect();
        out.push_str(&format!("  {}: no charge\n", named(&all)));
    } else if free_count > 0 {
        let types: Vec<String> = free
            .iter()
            .map(|(t, a)| match a.len() {
                1 => controls(t).into_owned(),
                n => format!("{} ({n})", controls(t)),
            })
            .collect();
        out.push_str(&format!(
            "  {} with no charge: {}\n",
            plural(free_count, "resource", "resources"),
            types.join(", ")
        ));
    }
    out
}

/// `not_priced` of the JSON report: every resource without an estimate, in report order.
pub fn render_json(report: &Report) -> Vec<Json> {
    unpriced(report)
        .map(|r| {
            json!({
                "address": r.address,
                "root": r.root.as_ref(),
                "type": r.resource_type,
                "file": r.location.file.as_ref(),
                "line": r.location.line,
                "no_charge": no_charge(&r.resource_type),
                "reason": reason(r),
            })
        })
        .collect()
}
