//! Building one cost component from a price, a quantity per unit, and how many units run
//! at the baseline and at the ceiling. Whatever is unknown is named in `missing`.

use rust_decimal::Decimal;

use crate::model::{CostComponent, Fact, UnitCounts, Usd};

/// A price per unit with the notes that explain it, or the whole sentence saying why there
/// is none (`price unknown: ...`, `instance_type is unknown: ...`).
pub(super) type PriceResult = Result<Rate, String>;

/// A price per unit, the notes that explain it, and what was assumed to get it (shown
/// beside the amount, unlike notes).
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Rate {
    pub usd: Decimal,
    pub notes: Vec<String>,
    pub assumptions: Vec<String>,
    /// A price the user configured (`[[pricing.overrides]]` or the installed overlay): taken
    /// as net, so list-price discounts such as Google's sustained use do not apply to it.
    pub net: bool,
}

impl Rate {
    pub fn new(usd: Decimal, notes: Vec<String>) -> Rate {
        Rate {
            usd,
            notes,
            assumptions: Vec::new(),
            net: false,
        }
    }

    /// A list price that needs no explanation.
    pub fn plain(usd: Decimal) -> Rate {
        Rate::new(usd, Vec::new())
    }
}

/// How many units (instances, nodes) are billed at the baseline and at the ceiling.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Units {
    pub baseline: Fact<i64>,
    pub ceiling: Fact<i64>,
}

impl Units {
    pub fn one() -> Units {
        Units {
            baseline: Fact::Known(1),
            ceiling: Fact::Known(1),
        }
    }

    /// Desired (else min, else 1, as the model already decided) and max.
    pub fn from_counts(counts: &UnitCounts) -> Units {
        Units {
            baseline: counts.desired.clone(),
            ceiling: counts.max.clone(),
        }
    }
}

fn times(per_unit: Decimal, units: &Fact<i64>, what: &str) -> Result<Decimal, String> {
    match units {
        Fact::Known(n) => per_unit
            .checked_mul(Decimal::from(*n))
            .ok_or_else(|| "the quantity is too large to price".to_string()),
        Fact::Unknown(u) => Err(format!("the {what} is unknown: {}", u.origin)),
    }
}

/// A component billed per unit: `per_unit` of `unit` (e.g. 730 hours) for each unit.
pub(super) fn component(
    name: String,
    unit: &str,
    price: PriceResult,
    per_unit: Result<Decimal, String>,
    units: &Units,
) -> CostComponent {
    let mut missing: Option<String> = None;
    let mut notes = Vec::new();
    let mut assumptions = Vec::new();
    let unit_price = match price {
        Ok(rate) => {
            notes = rate.notes;
            assumptions = rate.assumptions;
            Some(Usd(rate.usd))
        }
        Err(e) => {
            missing = Some(e);
            None
        }
    };
    let (quantity, ceiling_quantity) = match per_unit {
        Ok(q) => {
            let baseline = times(q, &units.baseline, "number of units");
            let ceiling = times(q, &units.ceiling, "maximum number of units");
            if let Err(e) = &baseline {
                missing.get_or_insert(e.clone());
            }
            if let Err(e) = &ceiling {
                missing.get_or_insert(e.clone());
            }
            (baseline.ok(), ceiling.ok())
        }
        Err(e) => {
            missing.get_or_insert(e);
            (None, None)
        }
    };
    let amount = |q: Option<Decimal>| unit_price.zip(q).and_then(|(p, q)| p.checked_mul(q));
    let monthly = amount(quantity);
    let ceiling_monthly = amount(ceiling_quantity);
    let overflowed = (quantity.is_some() && monthly.is_none())
        || (ceiling_quantity.is_some() && ceiling_monthly.is_none());
    if overflowed && unit_price.is_some() {
        missing.get_or_insert("the amount is too large to compute".to_string());
    }
    CostComponent {
        name,
        unit: unit.to_string(),
        unit_price,
        quantity,
        ceiling_quantity,
        monthly,
        ceiling_monthly,
        usage_based: false,
        missing,
        notes,
        assumptions,
    }
}

/// A component billed by usage (tokens, stored GB): `quantity` is the monthly usage from
/// the usage file, `None` when none was given ("depends on usage").
pub(super) fn usage_component(
    name: String,
    unit: &str,
    price: PriceResult,
    quantity: Option<Decimal>,
) -> CostComponent {
    let mut c = component(
        name,
        unit,
        price,
        quantity.ok_or_else(String::new),
        &Units::one(),
    );
    c.usage_based = true;
    if quantity.is_none() {
        // Not missing: it depends on usage, shown with the unit price.
        c.missing = if c.unit_price.is_none() {
            c.missing.filter(|m| !m.is_empty())
        } else {
            None
        };
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Unknown;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn baseline_and_ceiling_are_priced_per_unit() {
        let units = Units {
            baseline: Fact::Known(4),
            ceiling: Fact::Known(16),
        };
        let c = component(
            "Instance usage".into(),
            "hours",
            Ok(Rate::plain(d("55.04"))),
            Ok(d("730")),
            &units,
        );
        assert_eq!(c.quantity, Some(d("2920")));
        assert_eq!(c.monthly, Some(Usd(d("160716.80"))));
        assert_eq!(c.ceiling_monthly, Some(Usd(d("642867.20"))));
        assert_eq!(c.missing, None);
    }

    #[test]
    fn unknown_counts_and_prices_are_named() {
        let units = Units {
            baseline: Fact::Known(1),
            ceiling: Fact::Unknown(Unknown::new("var.max has no default")),
        };
        let c = component(
            "x".into(),
            "hours",
            Ok(Rate::plain(d("1"))),
            Ok(d("730")),
            &units,
        );
        assert_eq!(c.monthly, Some(Usd(d("730"))));
        assert_eq!(c.ceiling_monthly, None);
        assert_eq!(
            c.missing.as_deref(),
            Some("the maximum number of units is unknown: var.max has no default")
        );
        let c = component(
            "x".into(),
            "hours",
            Err("price unknown: p9.huge is not in the table".into()),
            Ok(d("730")),
            &Units::one(),
        );
        assert_eq!(
            c.missing.as_deref(),
            Some("price unknown: p9.huge is not in the table")
        );
    }

    #[test]
    fn usage_components_without_usage_are_not_missing() {
        let c = usage_component(
            "Storage".into(),
            "GB-months",
            Ok(Rate::plain(d("0.023"))),
            None,
        );
        assert!(c.usage_based);
        assert_eq!(c.missing, None);
        assert_eq!(c.monthly, None);
        let c = usage_component(
            "Storage".into(),
            "GB-months",
            Ok(Rate::plain(d("0.023"))),
            Some(d("1000")),
        );
        assert_eq!(c.monthly, Some(Usd(d("23.000"))));
    }
}
