//! `[pricing]`, `[costs]` and `[[budget]]`: price overrides, discounts, spot factors, the
//! usage file, the per-resource cost ceiling, and budget caps.

use std::collections::BTreeMap;
use std::path::PathBuf;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer};

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PricingConfig {
    /// The usage file, relative to this file [default: `aicost-usage.yml` next to it, when
    /// present].
    #[serde(default)]
    pub usage_file: Option<PathBuf>,
    /// Spot price = on-demand × factor, per provider (`aws = 0.35`).
    #[serde(default, deserialize_with = "decimal_map")]
    pub spot_factors: BTreeMap<String, Decimal>,
    #[serde(default)]
    pub overrides: Vec<OverrideConfig>,
    #[serde(default)]
    pub discounts: Vec<DiscountConfig>,
    /// Price a region the catalog has no price for at the provider's reference region
    /// (AWS us-east-1, Google us-central1, Azure eastus), shown as an assumption; without it
    /// such an estimate is incomplete.
    #[serde(default)]
    pub region_fallback: bool,
    /// Region names accepted as real for every provider, beside aicost-policy's lists: a
    /// region newer than the list is otherwise an input error (Google and Azure check
    /// regions only when the plan is applied). Such a region has no catalog prices.
    #[serde(default)]
    pub extra_regions: Vec<String>,
    /// Google's sustained-use discount for machines billed the whole month on demand at
    /// catalog prices (30% N1, M1, M2 and GPUs on N1; 20% N2, N2D, C2) [default: true].
    #[serde(default = "super::yes")]
    pub sustained_use_discounts: bool,
}

impl Default for PricingConfig {
    fn default() -> Self {
        PricingConfig {
            usage_file: None,
            spot_factors: BTreeMap::new(),
            overrides: Vec::new(),
            discounts: Vec::new(),
            region_fallback: false,
            extra_regions: Vec::new(),
            sustained_use_discounts: true,
        }
    }
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OverrideConfig {
    pub provider: String,
    /// Machine type, VM size, or model id.
    pub item: String,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(deserialize_with = "decimal")]
    pub usd_per_hour: Decimal,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DiscountConfig {
    #[serde(default)]
    pub provider: Option<String>,
    /// `12.5` for 12.5% off.
    #[serde(deserialize_with = "decimal")]
    pub percent: Decimal,
    pub name: String,
}

/// Limits on what one resource may cost.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CostsConfig {
    /// The most a resource may cost per month at its maximum scale (AIC-COST-002).
    #[serde(
        default = "default_max_resource_ceiling",
        deserialize_with = "optional_decimal"
    )]
    pub max_resource_ceiling: Option<Decimal>,
}

impl Default for CostsConfig {
    fn default() -> Self {
        CostsConfig {
            max_resource_ceiling: default_max_resource_ceiling(),
        }
    }
}

fn default_max_resource_ceiling() -> Option<Decimal> {
    Some(Decimal::from(100_000))
}

/// Guardrails on a change as a whole (`diff` only), each off unless set.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct GuardrailsConfig {
    /// US dollars per month a change may add at the baseline (AIC-CHANGE-001).
    #[serde(default, deserialize_with = "optional_decimal")]
    pub max_monthly_increase: Option<Decimal>,
    /// Percent a change may add to the base's monthly cost (AIC-CHANGE-001).
    #[serde(default, deserialize_with = "optional_decimal")]
    pub max_increase_percent: Option<Decimal>,
    /// Accelerators a change may add at maximum scale (AIC-CHANGE-002).
    #[serde(default)]
    pub max_accelerators_added: Option<i64>,
    /// Environments where a new model-serving endpoint needs review (AIC-CHANGE-003).
    #[serde(default)]
    pub new_endpoint_environments: Option<Vec<String>>,
}

/// Who can approve a change's failures (`diff`), and how many approvals one needs.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ApprovalsConfig {
    /// The group that approves edits to the gate (AIC-GOV-001) and the built-in
    /// guardrails; a policy names another with `@approvers`.
    #[serde(default)]
    pub owners: Option<String>,
    /// Approvals a finding needs.
    #[serde(default = "one")]
    pub required: u32,
    /// Group name → members: logins (`alice`) and teams (`@acme/finops`).
    #[serde(default)]
    pub groups: BTreeMap<String, Vec<String>>,
}

impl Default for ApprovalsConfig {
    fn default() -> Self {
        ApprovalsConfig {
            owners: None,
            required: one(),
            groups: BTreeMap::new(),
        }
    }
}

fn one() -> u32 {
    1
}

/// A budget cap over a set of resources.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BudgetConfig {
    pub name: String,
    /// US dollars per month.
    #[serde(deserialize_with = "decimal")]
    pub monthly_limit: Decimal,
    /// Warn when the projected cost passes this share of the limit.
    #[serde(default = "default_warn_ratio", deserialize_with = "decimal")]
    pub warn_ratio: Decimal,
    /// Tags (or labels) every resource in scope carries with these values.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Path globs; a resource is in scope when its file or root matches one.
    #[serde(default)]
    pub paths: Vec<String>,
}

fn default_warn_ratio() -> Decimal {
    Decimal::new(8, 1)
}

/// Checks that amounts and ratios are in range: a discount of 150% would make costs
/// negative. Returns the key to point at, the message and help.
pub(super) fn validate_ranges(
    config: &super::Config,
) -> Result<(), (&'static str, String, String)> {
    let hundred = Decimal::ONE_HUNDRED;
    for d in &config.pricing.discounts {
        if d.percent < Decimal::ZERO || d.percent > hundred {
            return Err((
                "percent",
                format!("discount `{}` is {}%, outside 0 to 100", d.name, d.percent),
                "write the percentage off list prices, e.g. `percent = 12.5`".to_string(),
            ));
        }
    }
    for (provider, factor) in &config.pricing.spot_factors {
        if *factor <= Decimal::ZERO || *factor > Decimal::ONE {
            return Err((
                "spot_factors",
                format!("the spot factor for {provider} is {factor}, outside 0 (exclusive) to 1"),
                "write the share of the on-demand price spot capacity costs, e.g. `aws = 0.35`"
                    .to_string(),
            ));
        }
    }
    for o in &config.pricing.overrides {
        if o.usd_per_hour < Decimal::ZERO {
            return Err((
                "usd_per_hour",
                format!("the price of {} is negative", o.item),
                "write the price in US dollars per hour".to_string(),
            ));
        }
    }
    if config
        .costs
        .max_resource_ceiling
        .is_some_and(|c| c < Decimal::ZERO)
    {
        return Err((
            "max_resource_ceiling",
            "max_resource_ceiling is negative".to_string(),
            "write US dollars per month".to_string(),
        ));
    }
    for (key, value) in [
        (
            "max_monthly_increase",
            config.guardrails.max_monthly_increase,
        ),
        (
            "max_increase_percent",
            config.guardrails.max_increase_percent,
        ),
    ] {
        if value.is_some_and(|v| v < Decimal::ZERO) {
            return Err((
                key,
                format!("{key} is negative"),
                "write the most the change may add: US dollars per month for max_monthly_increase, a percentage for max_increase_percent".to_string(),
            ));
        }
    }
    for (key, value, help) in [
        (
            "max_accelerators_added",
            config.guardrails.max_accelerators_added,
            "write the most accelerators a change may add at maximum scale",
        ),
        (
            "max_replicas",
            config.kubernetes.max_replicas,
            "write the most replicas a workload may scale to (the default is 50)",
        ),
        (
            "daemonset_nodes",
            config.kubernetes.daemonset_nodes,
            "write how many nodes the cluster's DaemonSets run on",
        ),
    ] {
        if value.is_some_and(|n| n < 0) {
            return Err((key, format!("{key} is negative"), help.to_string()));
        }
    }
    if let Some(model) = &config.kubernetes.default_gpu {
        if crate::catalog::gpu_hour_rate(model).is_none() {
            return Err((
                "default_gpu",
                format!("default_gpu `{model}` has no rate in the catalog"),
                format!(
                    "write a GPU model the catalog prices: {}",
                    crate::catalog::gpu_rate_models().join(", ")
                ),
            ));
        }
    }
    let approvals = &config.approvals;
    if approvals.required == 0 {
        return Err((
            "required",
            "[approvals] required is 0, so every finding would be approved by nobody".to_string(),
            "write how many approvals a finding needs, at least 1".to_string(),
        ));
    }
    if let Some(owners) = approvals
        .owners
        .as_ref()
        .filter(|o| !approvals.groups.contains_key(*o))
    {
        return Err((
            "owners",
            format!("[approvals] owners names `{owners}`, which [approvals.groups] does not list"),
            "add the group under [approvals.groups], e.g. `platform = [\"alice\", \"@acme/platform\"]`".to_string(),
        ));
    }
    for (group, members) in &approvals.groups {
        if let Some(bad) = members.iter().find(|m| !crate::model::is_member_name(m)) {
            return Err((
                "groups",
                format!("group `{group}` lists `{bad}`, which is neither a login nor a team"),
                "write logins (`alice`, `renovate[bot]`) and teams as `@org/team`".to_string(),
            ));
        }
    }
    for b in &config.budget {
        if b.monthly_limit <= Decimal::ZERO {
            return Err((
                "monthly_limit",
                format!(
                    "budget `{}` has a monthly_limit of {}, which must be above 0",
                    b.name, b.monthly_limit
                ),
                "write US dollars per month".to_string(),
            ));
        }
        if b.warn_ratio <= Decimal::ZERO || b.warn_ratio > Decimal::ONE {
            return Err((
                "warn_ratio",
                format!(
                    "budget `{}` has a warn_ratio of {}, outside 0 (exclusive) to 1",
                    b.name, b.warn_ratio
                ),
                "write the share of the limit to warn at, e.g. `warn_ratio = 0.8`".to_string(),
            ));
        }
    }
    Ok(())
}

/// TOML numbers (and numeric strings) as exact decimals: `0.1` is 0.1, not the nearest
/// binary fraction.
pub(super) fn decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Number {
        Int(i64),
        Float(f64),
        Text(String),
    }
    let text = match Number::deserialize(d)? {
        Number::Int(i) => i.to_string(),
        Number::Float(f) => f.to_string(),
        Number::Text(s) => s,
    };
    text.parse::<Decimal>()
        .map_err(|_| serde::de::Error::custom(format!("`{text}` is not a decimal number")))
}

fn optional_decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    decimal(d).map(Some)
}

fn decimal_map<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, Decimal>, D::Error> {
    #[derive(Deserialize)]
    struct Wrapped(#[serde(deserialize_with = "decimal")] Decimal);
    let raw: BTreeMap<String, Wrapped> = BTreeMap::deserialize(d)?;
    Ok(raw.into_iter().map(|(k, Wrapped(v))| (k, v)).collect())
}
