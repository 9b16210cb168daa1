//! Savings advice as `cost --suggest` shows it: a table after the cost table, largest
//! saving first, and a total that counts each resource once (its largest saving, since two
//! pieces of advice for one resource do not add up).

use std::collections::BTreeMap;

use super::escape::controls;
use crate::model::{Suggestion, Usd};

/// The total of the largest saving of each resource; `None` on overflow.
pub fn total(suggestions: &[Suggestion]) -> Option<Usd> {
    let mut best: BTreeMap<(&str, &str), Usd> = BTreeMap::new();
    for s in suggestions {
        let slot = best
            .entry((s.root.as_ref(), s.address.as_str()))
            .or_insert(Usd::ZERO);
        *slot = (*slot).max(s.saving);
    }
    Usd::sum(best.values())
}

/// The suggestions table; a line saying there is none when there is none.
pub fn render_text(suggestions: &[Suggestion]) -> String {
    if suggestions.is_empty() {
        return "\nNo savings advice.\n".to_string();
    }
    let head = [
        "SUGGESTION",
        "KIND",
        "CHANGE",
        "MONTHLY",
        "SUGGESTED",
        "SAVING",
    ];
    let rows: Vec<[String; 6]> = suggestions
        .iter()
        .map(|s| {
            // Names come from the input: never printed live.
            [
                controls(&s.address).into_owned(),
                s.kind.as_str().to_string(),
                controls(&s.change).into_owned(),
                s.current.to_string(),
                s.suggested.to_string(),
                s.saving.to_string(),
            ]
        })
        .collect();
    let mut widths = head.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: [&str; 6]| -> String {
        let mut out = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            let pad = w.saturating_sub(cell.chars().count());
            if i > 0 {
                out.push_str("  ");
            }
            if i < 3 {
                out.push_str(cell);
                out.push_str(&" ".repeat(pad));
            } else {
                out.push_str(&" ".repeat(pad));
                out.push_str(cell);
            }
        }
        out.trim_end().to_string() + "\n"
    };
    let mut out = String::from("\n");
    out.push_str(&line(head));
    for (row, s) in rows.iter().zip(suggestions) {
        out.push_str(&line(row.each_ref().map(String::as_str)));
        // As the cost table: what the suggested amount assumes, under its row.
        for a in &s.assumed {
            out.push_str(&format!("    assumed: {}\n", controls(a)));
        }
    }
    let resources = {
        let mut r: Vec<(&str, &str)> = suggestions
            .iter()
            .map(|s| (s.root.as_ref(), s.address.as_str()))
            .collect();
        r.sort_unstable();
        r.dedup();
        r.len()
    };
    match total(suggestions) {
        Some(t) => out.push_str(&format!(
            "\n  could save {t} a month on {resources} {} (the largest saving of each)\n",
            if resources == 1 {
                "resource"
            } else {
                "resources"
            }
        )),
        None => out.push_str("\n  the total saving is too large to compute\n"),
    }
    out
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use rust_decimal::Decimal;

    use super::*;
    use crate::model::{Location, SavingKind};

    #[test]
    fn names_from_the_input_are_escaped_and_assumptions_follow_their_row() {
        let s = Suggestion {
            kind: SavingKind::Spot,
            root: Arc::from("infra"),
            address: "aws_eks_node_group.\u{1b}[31mgpu".to_string(),
            resource_type: "aws_eks_node_group".to_string(),
            environment: Some("dev".to_string()),
            location: Location::file_start(Arc::from("infra/main.tf")),
            current: Usd(Decimal::new(100000, 2)),
            suggested: Usd(Decimal::new(40000, 2)),
            saving: Usd(Decimal::new(60000, 2)),
            change: "spot capacity".to_string(),
            help: String::new(),
            assumed: vec!["spot price estimated for g5.\u{7}xlarge".to_string()],
        };
        assert_eq!(
            render_text(&[s]),
            "\nSUGGESTION                        KIND  CHANGE           MONTHLY  SUGGESTED   SAVING\n\
             aws_eks_node_group.\\u{1b}[31mgpu  spot  spot capacity  $1,000.00    $400.00  $600.00\n    \
             assumed: spot price estimated for g5.\\u{7}xlarge\n\
             \n  could save $600.00 a month on 1 resource (the largest saving of each)\n"
        );
    }
}
