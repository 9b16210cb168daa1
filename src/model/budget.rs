//! A budget cap and what the resources in its scope are projected to cost.

use rust_decimal::Decimal;

use super::{Location, Usd};

/// One `[[budget]]` with its projection.
#[derive(Clone, Debug, PartialEq)]
pub struct Budget {
    pub name: String,
    /// Monthly limit.
    pub limit: Usd,
    /// Share of the limit above which the budget warns (0.8 = 80%).
    pub warn_ratio: Decimal,
    /// `limit × warn_ratio`.
    pub warn_at: Usd,
    /// Where the budget is written.
    pub location: Location,
    /// Resources in scope, as `root:address`.
    pub members: Vec<String>,
    /// Resources that may be in scope but whose tags are not known, with the reason.
    pub maybe_members: Vec<(String, String)>,
    /// Sum of the members' baseline estimates.
    pub monthly_cost: Usd,
    /// Sum of the members' ceilings.
    pub ceiling: Usd,
    /// Whether every member's estimate is complete and membership is certain.
    pub complete: bool,
    /// Why the projection is not complete.
    pub missing: Vec<String>,
}

impl Budget {
    /// `used / limit` as a percentage rounded to a whole number.
    pub fn percent_used(&self) -> Option<Decimal> {
        if self.limit.0.is_zero() {
            return None;
        }
        self.monthly_cost
            .0
            .checked_mul(Decimal::ONE_HUNDRED)
            .and_then(|x| x.checked_div(self.limit.0))
            .map(|p| p.round())
    }
}
