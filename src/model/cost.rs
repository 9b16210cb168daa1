//! Money and cost estimates. Amounts are exact decimals in US dollars; arithmetic is
//! checked, so an absurd quantity gives "too large to price" instead of a panic.

use std::fmt;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

/// Hours in a month, as AWS, Azure and Infracost count them.
pub const HOURS_PER_MONTH: Decimal = Decimal::from_parts(730, 0, 0, false, 0);

/// An amount of US dollars.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Usd(pub Decimal);

impl Usd {
    pub const ZERO: Usd = Usd(Decimal::ZERO);

    pub fn checked_add(self, other: Usd) -> Option<Usd> {
        self.0.checked_add(other.0).map(Usd)
    }

    pub fn checked_mul(self, factor: Decimal) -> Option<Usd> {
        self.0.checked_mul(factor).map(Usd)
    }

    /// Sums amounts; `None` on overflow.
    pub fn sum<'a>(amounts: impl IntoIterator<Item = &'a Usd>) -> Option<Usd> {
        amounts
            .into_iter()
            .try_fold(Usd::ZERO, |acc, a| acc.checked_add(*a))
    }

    /// Rounded to cents, half away from zero.
    pub fn cents(self) -> Decimal {
        self.0
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
    }

    /// `12345.60` — for JSON, where amounts are strings with two decimals.
    pub fn to_json_string(self) -> String {
        format!("{:.2}", self.cents())
    }

    /// The exact amount, trailing zeros removed (`0.0000025`) — for unit prices.
    pub fn exact_string(self) -> String {
        let n = self.0.normalize();
        if n.scale() == 0 {
            format!("{n}.00")
        } else if n.scale() == 1 {
            format!("{n}0")
        } else {
            n.to_string()
        }
    }

    /// The amount as a Cedar `decimal` literal: a `.` and at most four fraction digits.
    pub fn to_cedar_decimal(self) -> String {
        format!(
            "{:.4}",
            self.0
                .round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero)
        )
    }

    /// For sorting and thresholds where a float is enough.
    pub fn as_f64(self) -> f64 {
        self.0.to_f64().unwrap_or(f64::MAX)
    }
}

impl fmt::Display for Usd {
    /// `$160,716.80`, `-$12.00`: thousands separators and cents.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cents = self.cents();
        let negative = cents.is_sign_negative() && !cents.is_zero();
        let text = format!("{:.2}", cents.abs());
        let (whole, fraction) = text.split_once('.').unwrap_or((&text, "00"));
        write!(
            f,
            "{}${}.{fraction}",
            if negative { "-" } else { "" },
            group_digits(whole)
        )
    }
}

/// `1234567` → `1,234,567`: a comma between groups of three digits.
fn group_digits(whole: &str) -> String {
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    grouped
}

/// A quantity as amounts are shown: thousands separators, the exact fraction without
/// trailing zeros (`11,680`, `1,234.5`, `0.25`, `-2,000`).
pub fn grouped(n: Decimal) -> String {
    let text = n.abs().normalize().to_string();
    let (whole, fraction) = match text.split_once('.') {
        Some((w, f)) => (w, format!(".{f}")),
        None => (text.as_str(), String::new()),
    };
    let sign = if n.is_sign_negative() && !n.is_zero() {
        "-"
    } else {
        ""
    };
    format!("{sign}{}{fraction}", group_digits(whole))
}

/// One line of an estimate: a thing that is billed, its unit, quantity and price.
#[derive(Clone, Debug, PartialEq)]
pub struct CostComponent {
    /// `Instance usage (on-demand, p5.48xlarge)`.
    pub name: String,
    /// `hours`, `GB-months`, `1M input tokens`.
    pub unit: String,
    /// Price per unit; `None` when the catalog has no price (the reason is in `missing`).
    pub unit_price: Option<Usd>,
    /// Monthly quantity at the baseline and at the ceiling (already times the unit count);
    /// `None` when unknown or, for usage-based components, not given.
    pub quantity: Option<Decimal>,
    pub ceiling_quantity: Option<Decimal>,
    pub monthly: Option<Usd>,
    pub ceiling_monthly: Option<Usd>,
    /// Billed by usage (tokens, stored GB): without a usage value it "depends on usage" and
    /// does not make the estimate incomplete.
    pub usage_based: bool,
    /// Why the component has no amount, when it has none.
    pub missing: Option<String>,
    /// Where the price came from (`GCE per-GPU price`, the source table).
    pub notes: Vec<String>,
    /// What was assumed that changes the amount (a default GPU model, a fallback rate):
    /// shown under the amount wherever it is read.
    pub assumptions: Vec<String>,
}

/// The estimated monthly cost of one resource.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct CostEstimate {
    pub components: Vec<CostComponent>,
    /// Sum of the components' baseline amounts (desired / min / 1 units).
    pub baseline: Usd,
    /// Sum of the components' ceiling amounts (maximum scale).
    pub ceiling: Usd,
    /// Whether every fixed component has an amount. Usage-based components without usage
    /// do not count: they are shown as "depends on usage" (but a GPU job that does not say
    /// how long it runs is incomplete all the same; the price stage adds it to `missing`).
    pub complete: bool,
    /// What keeps the estimate from being complete (`price unknown: ...`, `instance_type is
    /// unknown: var.instance_type has no default`).
    pub missing: Vec<String>,
    /// Where prices came from and other information, for the reader.
    pub notes: Vec<String>,
    /// What was assumed that changes the amount (its components' assumptions and the
    /// resource's own), distinct from `notes`: reports show these beside the amount.
    pub assumptions: Vec<String>,
    /// Pods that run on a node group or pool in the same scan: that pool's id (`address`,
    /// or `root:address` outside the root `.`). Its nodes are counted there, so run totals
    /// and budgets leave this estimate out (see `price::attribution`).
    pub counted_in: Option<String>,
}

impl CostEstimate {
    /// Builds the totals from components.
    pub fn from_components(components: Vec<CostComponent>, mut notes: Vec<String>) -> CostEstimate {
        let mut missing: Vec<String> = components
            .iter()
            .filter(|c| !c.usage_based || c.quantity.is_some())
            .filter_map(|c| c.missing.clone())
            .collect();
        let baseline = Usd::sum(components.iter().filter_map(|c| c.monthly.as_ref()));
        let ceiling = Usd::sum(components.iter().filter_map(|c| c.ceiling_monthly.as_ref()));
        let (baseline, ceiling) = match (baseline, ceiling) {
            // Maximum scale costs at least the baseline, also when a part of the ceiling
            // is unknown and only the known parts are summed.
            (Some(b), Some(c)) => (b, c.max(b)),
            _ => {
                missing.push("the total is too large to compute".to_string());
                (Usd::ZERO, Usd::ZERO)
            }
        };
        let mut assumptions: Vec<String> = Vec::new();
        for c in &components {
            for n in &c.notes {
                if !notes.contains(n) {
                    notes.push(n.clone());
                }
            }
            for a in &c.assumptions {
                if !assumptions.contains(a) {
                    assumptions.push(a.clone());
                }
            }
        }
        missing.dedup();
        CostEstimate {
            complete: missing.is_empty(),
            components,
            baseline,
            ceiling,
            missing,
            notes,
            assumptions,
            counted_in: None,
        }
    }

    /// Adds an assumption of the whole resource (once).
    pub fn assume(&mut self, assumption: String) {
        if !self.assumptions.contains(&assumption) {
            self.assumptions.push(assumption);
        }
    }

    /// An incomplete estimate of which no component has an amount: its cost is unknown,
    /// not "at least $0" — unless it is billed by use (a GPU job that does not say how long
    /// it runs is incomplete, yet has its hourly prices). Reports do not count it as priced.
    pub fn is_unknown(&self) -> bool {
        !self.complete
            && !self.depends_on_usage()
            && self
                .components
                .iter()
                .all(|k| k.monthly.is_none() && k.ceiling_monthly.is_none())
    }

    /// Whether any component is billed by usage that was not given.
    pub fn depends_on_usage(&self) -> bool {
        self.components
            .iter()
            .any(|c| c.usage_based && c.quantity.is_none())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn usd(s: &str) -> Usd {
        Usd(Decimal::from_str(s).unwrap())
    }

    #[test]
    fn money_is_shown_with_separators_and_cents() {
        assert_eq!(usd("160716.8").to_string(), "$160,716.80");
        assert_eq!(usd("0.004").to_string(), "$0.00");
        assert_eq!(usd("-1234567.895").to_string(), "-$1,234,567.90");
        assert_eq!(usd("999.999").to_string(), "$1,000.00");
    }

    #[test]
    fn money_has_exact_and_cedar_forms() {
        assert_eq!(usd("0.0000025").exact_string(), "0.0000025");
        assert_eq!(usd("55.04").exact_string(), "55.04");
        assert_eq!(usd("73").exact_string(), "73.00");
        assert_eq!(usd("40179.2").to_cedar_decimal(), "40179.2000");
        assert_eq!(usd("1.23456").to_cedar_decimal(), "1.2346");
        assert_eq!(usd("40179.2").to_json_string(), "40179.20");
    }

    #[test]
    fn quantities_are_grouped_like_amounts() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        assert_eq!(grouped(d("11680")), "11,680");
        assert_eq!(grouped(d("11680.00")), "11,680");
        assert_eq!(grouped(d("1234.50")), "1,234.5");
        assert_eq!(grouped(d("999")), "999");
        assert_eq!(grouped(d("0.25")), "0.25");
        assert_eq!(grouped(d("-2000")), "-2,000");
        assert_eq!(grouped(d("1000000")), "1,000,000");
        assert_eq!(grouped(Decimal::ZERO), "0");
    }

    #[test]
    fn hours_per_month_is_730() {
        assert_eq!(HOURS_PER_MONTH, Decimal::from(730));
    }

    #[test]
    fn overflow_is_none_not_a_panic() {
        let big = Usd(Decimal::MAX);
        assert_eq!(big.checked_add(usd("1")), None);
        assert_eq!(big.checked_mul(Decimal::from(2)), None);
    }
}
