//! "Could save" in the pull-request comment: the largest savings advice on what the change
//! adds or changes (docs/pricing.md, "Savings advice").

use rust_decimal::Decimal;

use super::escape::{code, text};
use super::fit::Section;
use super::{place, ASSUMED};
use crate::model::Usd;
use crate::report::diff::{Links, SavingEntry};
use crate::report::plural;

/// How many pieces of savings advice the comment lists.
const TOP_SAVINGS: usize = 5;

/// "Could save": the largest savings advice on what the change adds or changes, with the
/// total of every resource's largest saving (two pieces of advice for one resource do
/// not add up).
pub(super) fn could_save(savings: &[SavingEntry], links: Option<&Links>) -> Section {
    let mut best: std::collections::BTreeMap<(&str, &str), Decimal> =
        std::collections::BTreeMap::new();
    for s in savings {
        let slot = best
            .entry((s.root.as_str(), s.resource.as_str()))
            .or_insert(Decimal::ZERO);
        *slot = (*slot).max(s.saving);
    }
    let total = best
        .values()
        .try_fold(Decimal::ZERO, |acc, v| acc.checked_add(*v));
    let items: Vec<String> = savings
        .iter()
        .take(TOP_SAVINGS)
        .map(|s| {
            // A saving that rests on an estimated price says so, as amounts do.
            let assumed = if s.assumed.is_empty() {
                String::new()
            } else {
                format!(" {ASSUMED} assumed: {}", text(&s.assumed.join("; ")))
            };
            format!(
                "- {} at {}: {} ({}) saves **{}**/month ({} → {}){assumed}\n",
                code(&s.resource),
                place(&s.file, s.line, links),
                text(&s.change),
                text(&s.policy_id),
                Usd(s.saving),
                Usd(s.monthly),
                Usd(s.suggested)
            )
        })
        .collect();
    let more = savings.len().saturating_sub(TOP_SAVINGS);
    let head = match total {
        Some(t) => format!(
            "\n#### 💡 Could save up to {}/month\n\n_Advice on what this change adds or changes; each resource's largest saving counts once in the total._\n\n",
            Usd(t)
        ),
        None => "\n#### 💡 Could save\n\n".to_string(),
    };
    let tail = if more > 0 {
        format!(
            "\n_{} more in the notices of `aicost-policy check`._\n",
            plural(more, "suggestion", "suggestions")
        )
    } else {
        String::new()
    };
    if items.is_empty() {
        return Section::fixed(String::new());
    }
    Section::new(head, items, tail, "suggestions")
}
