//! What the user can change about prices: explicit overrides, percentage discounts,
//! spot factors per provider, and usage values. Filled from `[pricing]` in the
//! configuration and the usage file.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::usage::Usage;
use crate::model::{CostComponent, Date, Usd};

/// Where a catalog price is asked for: the region, with the settings that decide whether
/// another region's price may stand in for it (`[pricing] region_fallback`).
pub(super) type In<'a> = (&'a str, &'a PricingSettings);

/// A price given in the configuration, replacing (or adding to) the catalog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PriceOverride {
    /// `aws`, `google`, `azurerm`.
    pub provider: String,
    /// Machine type, VM size, or model id (`anthropic.claude-v2` for Bedrock).
    pub item: String,
    /// Only in this region; every region when `None`.
    pub region: Option<String>,
    pub usd_per_hour: Decimal,
}

/// A percentage off list prices (an enterprise agreement, a savings plan).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Discount {
    /// Only for this provider; every provider when `None`.
    pub provider: Option<String>,
    /// `12.5` means 12.5% off.
    pub percent: Decimal,
    /// Shown in notes: `enterprise agreement`.
    pub name: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PricingSettings {
    /// Prices from `[[pricing.overrides]]`: they win over everything else.
    pub overrides: Vec<PriceOverride>,
    /// Prices from the installed overlay (`pricing update`): they win over the catalog.
    pub overlay: Vec<PriceOverride>,
    pub discounts: Vec<Discount>,
    /// Spot price = on-demand × factor, per provider, replacing the catalog's factor.
    pub spot_factors: BTreeMap<String, Decimal>,
    pub usage: Usage,
    /// The GPU model assumed for pods that do not name theirs (`[kubernetes] default_gpu`);
    /// without it such pods have no price.
    pub default_gpu: Option<String>,
    /// `[pricing] region_fallback`: a region without catalog prices is priced at the
    /// provider's reference region, as an assumption; otherwise the price is unknown.
    pub region_fallback: bool,
    /// The date prices are for (`--today`, else today in UTC): it decides whether an EKS
    /// cluster's version is past standard support. `None`: not known, and such a cluster is
    /// priced at the standard rate as an assumption.
    pub today: Option<Date>,
    /// `[pricing] sustained_use_discounts` (on by default): a Google machine of an eligible
    /// series billed the whole month on demand at its catalog list price gets Google's
    /// full-month sustained-use discount.
    pub sustained_use_discounts: bool,
}

impl Default for PricingSettings {
    fn default() -> Self {
        PricingSettings {
            overrides: Vec::new(),
            overlay: Vec::new(),
            discounts: Vec::new(),
            spot_factors: BTreeMap::new(),
            usage: Usage::default(),
            default_gpu: None,
            region_fallback: false,
            today: None,
            sustained_use_discounts: true,
        }
    }
}

impl PricingSettings {
    /// The configured hourly price of `item`, the region-specific one first.
    /// The hourly price of `item` from the configuration, else from the overlay; a
    /// region-specific price first in each.
    /// Returns the price and where it came from, for notes.
    pub fn override_for(
        &self,
        provider: &str,
        item: &str,
        region: Option<&str>,
    ) -> Option<(Decimal, &'static str)> {
        find_price(&self.overrides, provider, item, region)
            .map(|p| (p, "the configuration"))
            .or_else(|| {
                find_price(&self.overlay, provider, item, region)
                    .map(|p| (p, "the installed price overlay"))
            })
    }

    /// Applies every discount that covers `provider` to every amount, noting each.
    pub(super) fn apply_discounts(
        &self,
        provider: &str,
        components: &mut [CostComponent],
        notes: &mut Vec<String>,
    ) {
        for d in &self.discounts {
            if d.provider.as_deref().is_some_and(|p| p != provider) {
                continue;
            }
            let Some(factor) = (Decimal::ONE_HUNDRED - d.percent).checked_div(Decimal::ONE_HUNDRED)
            else {
                continue;
            };
            let scale = |amount: &mut Option<Usd>| {
                *amount = amount.and_then(|a| a.checked_mul(factor));
            };
            for c in components.iter_mut() {
                scale(&mut c.monthly);
                scale(&mut c.ceiling_monthly);
                c.unit_price = c.unit_price.and_then(|p| p.checked_mul(factor));
            }
            notes.push(format!(
                "{}% {} discount applied",
                d.percent.normalize(),
                d.name
            ));
        }
    }
}

fn find_price(
    list: &[PriceOverride],
    provider: &str,
    item: &str,
    region: Option<&str>,
) -> Option<Decimal> {
    let matching = || {
        list.iter()
            .filter(|o| o.provider == provider && o.item == item)
    };
    matching()
        .find(|o| o.region.is_some() && o.region.as_deref() == region)
        .or_else(|| matching().find(|o| o.region.is_none()))
        .map(|o| o.usd_per_hour)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn region_specific_overrides_win() {
        let s = PricingSettings {
            overrides: vec![
                PriceOverride {
                    provider: "aws".into(),
                    item: "p5.48xlarge".into(),
                    region: None,
                    usd_per_hour: d("40"),
                },
                PriceOverride {
                    provider: "aws".into(),
                    item: "p5.48xlarge".into(),
                    region: Some("eu-west-1".into()),
                    usd_per_hour: d("45"),
                },
            ],
            ..PricingSettings::default()
        };
        assert_eq!(
            s.override_for("aws", "p5.48xlarge", Some("eu-west-1")),
            Some((d("45"), "the configuration"))
        );
        assert_eq!(
            s.override_for("aws", "p5.48xlarge", Some("us-east-1")),
            Some((d("40"), "the configuration"))
        );
        assert_eq!(s.override_for("google", "p5.48xlarge", None), None);
    }
}
