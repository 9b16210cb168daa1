//! The human diff report: the findings the change introduced (as `check` shows them), each
//! resource whose cost changed with before → after, then the totals.

use super::diff::{signed, DiffReport, ResourceDelta};
use super::escape::controls;
use super::text::{self, TextOptions};
use super::{plural, Report};
use crate::model::Usd;

/// Renders a diff; `all_findings` shows existing findings too (`--fail-on all`).
pub fn render(head: &Report, report: &DiffReport, options: TextOptions) -> String {
    let mut out = text::render_body(head, options);
    let changed: Vec<&ResourceDelta> = report
        .resources
        .iter()
        .filter(|r| r.change != "unchanged")
        .collect();
    if !changed.is_empty() {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str("Cost changes:\n");
        for r in changed {
            out.push_str(&resource_lines(r));
        }
    }
    let s = &report.summary;
    if !out.is_empty() {
        out.push('\n');
    }
    let percent = s.percent.map(|p| {
        if p.is_sign_positive() && !p.is_zero() {
            format!(", +{p}%")
        } else {
            format!(", {p}%")
        }
    });
    if let Some(plan) = &report.base.plan {
        out.push_str(&format!(
            "  before: the prior state recorded in {}\n",
            controls(plan)
        ));
    }
    // A side with a partial estimate costs at least its total.
    let at_least = |incomplete: usize| super::cost::at_least(incomplete > 0);
    out.push_str(&format!(
        "  monthly cost {}{} → {}{} ({}{}), ceiling {}{} → {}{} ({})\n",
        at_least(s.incomplete_before),
        Usd(s.before.baseline),
        at_least(s.incomplete_after),
        Usd(s.after.baseline),
        signed(s.delta.baseline),
        percent.unwrap_or_default(),
        at_least(s.incomplete_before),
        Usd(s.before.ceiling),
        at_least(s.incomplete_after),
        Usd(s.after.ceiling),
        signed(s.delta.ceiling)
    ));
    let r = &s.resources;
    let f = &s.findings;
    let mut parts = vec![
        format!("{} changed", r.changed),
        format!("{} added", r.added),
        format!("{} removed", r.removed),
        format!("{} unchanged", r.unchanged),
    ];
    parts.push(format!(
        "{} ({} existing)",
        plural(f.new_failed, "new failure", "new failures"),
        f.existing_failed
    ));
    parts.push(format!(
        "{} ({} existing)",
        plural(f.new_unknown, "new unknown", "new unknowns"),
        f.existing_unknown
    ));
    if f.notices > 0 {
        parts.push(plural(f.notices, "notice", "notices"));
    }
    if f.pending_approval > 0 {
        parts.push(plural(
            f.pending_approval,
            "pending approval",
            "pending approvals",
        ));
    }
    if f.approved > 0 {
        parts.push(format!("{} approved", f.approved));
    }
    if f.resolved > 0 {
        parts.push(format!("{} fixed", f.resolved));
    }
    if s.input_errors > 0 {
        parts.push(plural(s.input_errors, "input error", "input errors"));
    }
    out.push_str(&format!("  {}\n", parts.join(", ")));
    if let Some(line) = text::gate_line(head, options.gate) {
        out.push_str(&line);
    }
    out
}

/// `~ aws_instance.gpu (infra/main.tf:12)` and the amounts under it.
fn resource_lines(r: &ResourceDelta) -> String {
    let sign = match r.change.as_str() {
        "added" => '+',
        "removed" => '-',
        _ => '~',
    };
    let mut out = format!(
        "{sign} {} ({}:{})",
        controls(&r.address),
        controls(&r.file),
        r.line
    );
    if let (Some(file), Some(line)) = (&r.base_file, r.base_line) {
        if r.change != "removed" {
            out.push_str(&format!(", was {}:{line}", controls(file)));
        }
    }
    out.push('\n');
    let money = |c: Option<&super::diff::SideCost>, ceiling: bool| {
        c.map_or("-".to_string(), |c| {
            let amount = Usd(if ceiling { c.ceiling } else { c.baseline });
            if c.complete {
                amount.to_string()
            } else {
                format!("at least {amount}")
            }
        })
    };
    match (r.before.as_ref(), r.after.as_ref()) {
        (None, None) => out.push_str("    not priced\n"),
        (before, after) => {
            out.push_str(&format!(
                "    {}/month ({} → {}), ceiling {} → {}\n",
                signed(r.delta.baseline),
                money(before, false),
                money(after, false),
                money(before, true),
                money(after, true)
            ));
        }
    }
    if let Some(pool) = r.after.as_ref().and_then(|c| c.counted_in.as_ref()) {
        out.push_str(&format!(
            "    counted in {} (not added to the totals)\n",
            controls(pool)
        ));
    }
    for a in r.after.iter().flat_map(|c| &c.assumptions) {
        out.push_str(&format!("    assumed: {}\n", controls(a)));
    }
    out
}
