//! Kubernetes: managed control plane fees (EKS, GKE, AKS) per cluster-hour, and the default
//! unit rates used to price workloads that name no node type (per vCPU-hour, GiB-hour and
//! GPU-hour, by GPU model where the catalog has one), the way OpenCost does without a bill.

use std::collections::HashMap;
use std::sync::OnceLock;

use rust_decimal::Decimal;

use super::table::{
    load, not_in, optional_price, price, unit, Counts, Price, TableInfo, GIB_HOUR, GLOBAL,
    GPU_HOUR, VCPU_HOUR,
};
use super::Provider;

const KUBERNETES_CSV: &str = include_str!("../../catalog/kubernetes.csv");

struct Rate {
    unit: &'static str,
    usd: Decimal,
    spot: Option<Decimal>,
}

struct Kubernetes {
    info: TableInfo,
    /// (provider, component, variant lowercase) → rate.
    rates: HashMap<(String, String, String), Rate>,
    /// Read by the test that checks every row parses.
    #[cfg_attr(not(test), allow(dead_code))]
    counts: Counts,
}

fn kubernetes() -> &'static Kubernetes {
    static T: OnceLock<Kubernetes> = OnceLock::new();
    T.get_or_init(|| {
        let loaded = load(
            "kubernetes",
            KUBERNETES_CSV,
            &[
                "provider",
                "component",
                "variant",
                "unit",
                "usd_per_unit",
                "usd_per_unit_spot",
                "note",
            ],
            |f| match f {
                [provider, component, variant, unit_text, usd, spot, _note] => Some((
                    (
                        provider.clone(),
                        component.clone(),
                        variant.to_ascii_lowercase(),
                    ),
                    Rate {
                        unit: unit(unit_text)?,
                        usd: price(usd)?,
                        spot: optional_price(spot)?,
                    },
                )),
                _ => None,
            },
        );
        Kubernetes {
            counts: loaded.counts(),
            rates: loaded.items.into_iter().collect(),
            info: loaded.info,
        }
    })
}

fn rate(provider: &str, component: &str, variant: &str) -> Option<&'static Rate> {
    kubernetes().rates.get(&(
        provider.to_string(),
        component.to_string(),
        variant.trim().to_ascii_lowercase(),
    ))
}

fn global(usd: Decimal, unit: &'static str) -> Price {
    Price {
        usd,
        unit,
        region: GLOBAL.to_string(),
        exact_region: true,
        table: &kubernetes().info,
        estimate: None,
    }
}

/// Managed Kubernetes control plane per cluster-hour: provider "aws" (EKS: "standard",
/// "extended"), "google" (GKE: "standard", "autopilot") or "azurerm" (AKS: "free",
/// "standard", also written "paid"); `tier` "" is the provider's default (EKS and GKE
/// standard, AKS free).
pub fn control_plane_price(provider: &str, tier: &str) -> Result<Price, String> {
    let p = Provider::parse(provider)?;
    let asked = tier.trim().to_ascii_lowercase();
    let variant = match (p, asked.as_str()) {
        (Provider::Aws | Provider::Google, "") => "standard",
        (Provider::Azure, "") => "free",
        // azurerm's older name for the Standard tier.
        (Provider::Azure, "paid") => "standard",
        (_, t) => t,
    };
    let r = rate(p.key(), "control_plane", variant).ok_or_else(|| {
        not_in(
            &format!("the {} control plane tier {variant:?}", p.key()),
            "Kubernetes",
            &kubernetes().info,
        )
    })?;
    Ok(global(r.usd, r.unit))
}

/// Default Kubernetes unit rates (no cloud bill), on-demand and spot.
#[derive(Clone, Debug, PartialEq)]
pub struct UnitRates {
    pub cpu_hour: Price,
    pub gib_hour: Price,
    /// The rate of a GPU whose model has no rate of its own ([`gpu_hour_rate`]).
    pub gpu_hour_default: Price,
    pub spot_cpu_hour: Price,
    pub spot_gib_hour: Price,
}

/// OpenCost's defaults (configs/default.json), used only if the table lacked its rows; a
/// test checks that the table says the same.
const FALLBACK_CPU: (Decimal, Decimal) = (
    Decimal::from_parts(31611, 0, 0, false, 6),
    Decimal::from_parts(6655, 0, 0, false, 6),
);
const FALLBACK_GIB: (Decimal, Decimal) = (
    Decimal::from_parts(4237, 0, 0, false, 6),
    Decimal::from_parts(892, 0, 0, false, 6),
);
const FALLBACK_GPU: Decimal = Decimal::from_parts(95, 0, 0, false, 2);

/// The default unit rates: per vCPU-hour, GiB-hour and GPU-hour, on-demand and spot.
pub fn kubernetes_unit_rates() -> &'static UnitRates {
    static RATES: OnceLock<UnitRates> = OnceLock::new();
    RATES.get_or_init(|| {
        let on_demand = |component: &str, unit: &'static str, fallback: Decimal| {
            let usd = rate("kubernetes", component, "default").map_or(fallback, |r| r.usd);
            global(usd, unit)
        };
        let spot = |component: &str, unit: &'static str, fallback: Decimal| {
            let usd = rate("kubernetes", component, "default")
                .and_then(|r| r.spot)
                .unwrap_or(fallback);
            global(usd, unit)
        };
        UnitRates {
            cpu_hour: on_demand("cpu", VCPU_HOUR, FALLBACK_CPU.0),
            gib_hour: on_demand("memory", GIB_HOUR, FALLBACK_GIB.0),
            gpu_hour_default: on_demand("gpu", GPU_HOUR, FALLBACK_GPU),
            spot_cpu_hour: spot("cpu", VCPU_HOUR, FALLBACK_CPU.1),
            spot_gib_hour: spot("memory", GIB_HOUR, FALLBACK_GIB.1),
        }
    })
}

/// The on-demand hourly rate of one GPU of a canonical model ("H100", "L4", "A100",
/// "A100-80GB", ...), from the GCE per-GPU prices. `None` when the model has no rate of its
/// own: the caller then uses [`UnitRates::gpu_hour_default`] and says so.
pub fn gpu_hour_rate(model: &str) -> Option<Price> {
    if model.trim().eq_ignore_ascii_case("default") {
        return None;
    }
    rate("kubernetes", "gpu", model).map(|r| global(r.usd, r.unit))
}

/// The spot (preemptible) hourly rate of one GPU of a canonical model, where the catalog
/// lists one; `None` otherwise (the caller then uses the on-demand rate and says so).
pub fn gpu_hour_spot_rate(model: &str) -> Option<Price> {
    if model.trim().eq_ignore_ascii_case("default") {
        return None;
    }
    let r = rate("kubernetes", "gpu", model)?;
    r.spot.map(|usd| global(usd, r.unit))
}

/// The GPU models with a rate of their own, as the catalog spells them (upper case).
fn gpu_rates() -> impl Iterator<Item = (String, &'static Rate)> {
    kubernetes()
        .rates
        .iter()
        .filter(|((provider, component, variant), _)| {
            provider == "kubernetes" && component == "gpu" && variant != "default"
        })
        .map(|((_, _, variant), r)| (variant.to_ascii_uppercase(), r))
}

/// The GPU models with a rate of their own, sorted: `A100, A100-80GB, ...`.
pub fn gpu_rate_models() -> Vec<String> {
    let mut models: Vec<String> = gpu_rates().map(|(m, _)| m).collect();
    models.sort();
    models
}

/// The cheapest and the dearest GPU model the catalog has a rate for (spot rates where
/// `spot` and the model has one, else on-demand), as (model, hourly rate). Shown when a
/// pod does not name its GPU model: the range its price could fall in.
pub fn gpu_hour_rate_range(spot: bool) -> Option<((String, Decimal), (String, Decimal))> {
    let mut rates: Vec<(Decimal, String)> = gpu_rates()
        .map(|(model, r)| {
            let usd = if spot { r.spot.unwrap_or(r.usd) } else { r.usd };
            (usd, model)
        })
        .collect();
    rates.sort();
    let (low, low_model) = rates.first()?.clone();
    let (high, high_model) = rates.last()?.clone();
    Some(((low_model, low), (high_model, high)))
}

pub(super) fn table() -> &'static TableInfo {
    &kubernetes().info
}

#[cfg(test)]
pub(super) fn row_count() -> (&'static TableInfo, Counts) {
    let k = kubernetes();
    (&k.info, k.counts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn control_planes() {
        let eks = control_plane_price("aws", "").unwrap();
        assert_eq!((eks.usd, eks.unit), (d("0.10"), "hour"));
        assert_eq!(
            control_plane_price("aws", "EXTENDED").unwrap().usd,
            d("0.60")
        );
        assert_eq!(control_plane_price("google", "").unwrap().usd, d("0.10"));
        assert_eq!(
            control_plane_price("google", "autopilot").unwrap().usd,
            d("0.10")
        );
        assert_eq!(
            control_plane_price("azurerm", "").unwrap().usd,
            Decimal::ZERO
        );
        assert_eq!(
            control_plane_price("azurerm", "Free").unwrap().usd,
            Decimal::ZERO
        );
        assert_eq!(
            control_plane_price("azurerm", "Standard").unwrap().usd,
            d("0.10")
        );
        assert_eq!(
            control_plane_price("azurerm", "paid").unwrap().usd,
            d("0.10")
        );
        assert_eq!(
            control_plane_price("azurerm", "Premium").unwrap_err(),
            "the azurerm control plane tier \"premium\" is not in the Kubernetes price table (as of 2026-11-28)"
        );
    }

    #[test]
    fn unit_rates_match_opencost_defaults() {
        let r = kubernetes_unit_rates();
        assert_eq!(r.cpu_hour.usd, FALLBACK_CPU.0);
        assert_eq!(r.spot_cpu_hour.usd, FALLBACK_CPU.1);
        assert_eq!(r.gib_hour.usd, FALLBACK_GIB.0);
        assert_eq!(r.spot_gib_hour.usd, FALLBACK_GIB.1);
        assert_eq!(r.gpu_hour_default.usd, FALLBACK_GPU);
        assert_eq!(FALLBACK_CPU.0, d("0.031611"));
        assert_eq!(FALLBACK_GPU, d("0.95"));
        assert_eq!(r.cpu_hour.unit, "vCPU-hour");
        assert_eq!(r.gib_hour.unit, "GiB-hour");
    }

    #[test]
    fn gpu_models() {
        assert_eq!(gpu_hour_rate("H100").map(|p| p.usd), Some(d("9.79655")));
        assert_eq!(gpu_hour_rate("l4").map(|p| p.usd), Some(d("0.56004")));
        assert_eq!(gpu_hour_rate("A100").map(|p| p.usd), Some(d("2.9339075")));
        assert_eq!(gpu_hour_rate("A10G"), None);
        assert_eq!(gpu_hour_rate("default"), None);
        assert_eq!(
            gpu_hour_rate_range(false),
            Some((
                ("T4".to_string(), d("0.35")),
                ("B200".to_string(), d("11.277"))
            ))
        );
        assert_eq!(
            gpu_hour_rate_range(true),
            Some((
                ("K80".to_string(), d("0.0375")),
                ("B200".to_string(), d("11.277"))
            ))
        );
    }
}
