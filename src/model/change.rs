//! The change a `diff` compares, as a whole: what it does to the monthly cost, the
//! accelerators and model-serving endpoints it adds, the files of the gate it edits. The
//! guardrail policies (`Action::"change"`) read it; `crate::diff::guardrails` computes it.

use rust_decimal::Decimal;

use super::{Fact, Location};

/// One resource's part in an amount of the change: what it adds (or removes, negative).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contribution {
    /// `address`, or `root:address` outside the root `.`.
    pub id: String,
    pub location: Location,
    pub amount: Decimal,
}

/// A model-serving resource the change adds.
#[derive(Clone, Debug, PartialEq)]
pub struct Endpoint {
    pub id: String,
    pub location: Location,
    /// `None` when the resource belongs to no environment.
    pub environment: Option<Fact<String>>,
}

/// The facts of a change. An amount is `None` when it is unknown; `missing` says why.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChangeFacts {
    /// Run totals at the baseline.
    pub base_monthly: Option<Decimal>,
    pub head_monthly: Option<Decimal>,
    /// head - base at the baseline and at maximum scale.
    pub delta_monthly: Option<Decimal>,
    pub delta_ceiling: Option<Decimal>,
    /// The known floor of `delta_monthly` (equal to it when known); `None` when a base
    /// estimate it rests on is incomplete.
    pub delta_monthly_at_least: Option<Decimal>,
    /// Whether the base costs $0 (then there is no percentage).
    pub base_is_zero: bool,
    /// Net accelerators added at maximum scale.
    pub accelerators_added: Option<i64>,
    /// Resources whose baseline rises, largest first (then by id).
    pub cost_increases: Vec<Contribution>,
    /// Resources that add accelerators at maximum scale, most first.
    pub accelerator_increases: Vec<Contribution>,
    /// Model-serving resources the change adds, by id.
    pub endpoints_added: Vec<Endpoint>,
    /// Every resource the change adds, by id.
    pub resources_added: Vec<String>,
    /// Files of the gate the change edits (configuration, policies), each at its start.
    pub governance_files: Vec<Location>,
    /// Who opened the change (`--author`).
    pub author: Option<String>,
    /// The resources whose cost estimates are incomplete (`root:address`, with ` (base)`
    /// for a base estimate): why an amount is unknown.
    pub cost_missing: Vec<String>,
    /// The resources whose accelerators at maximum scale are unknown.
    pub accelerators_missing: Vec<String>,
}

impl ChangeFacts {
    /// `delta_monthly / base_monthly` in percent, two decimals; `None` when the base is
    /// $0 or either amount is unknown.
    pub fn delta_percent(&self) -> Option<Decimal> {
        let (delta, base) = (self.delta_monthly?, self.base_monthly?);
        if base.is_zero() {
            return None;
        }
        delta
            .checked_mul(Decimal::ONE_HUNDRED)?
            .checked_div(base)
            .map(|p| p.round_dp(2))
    }
}
