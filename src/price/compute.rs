//! Machines: EC2 instances, autoscaling groups, EKS node groups, SageMaker endpoints and
//! notebooks, GCE instances and GKE node pools (with separately billed GPUs), Azure VMs,
//! AKS pools and Azure ML clusters. Hours per month × units at the baseline and ceiling.

use rust_decimal::Decimal;

use super::line::{component, PriceResult, Rate, Units};
use super::settings::{In, PricingSettings};
use super::usage::UsageValues;
use crate::catalog;
use crate::load::terraform::facts::{
    arg, contains_string, default_zones_note, is_zone, GKE_DEFAULT_ZONES,
};
use crate::model::{Capacity, CostComponent, Fact, Resource, Usd, Value, HOURS_PER_MONTH};

/// The provider name the catalog knows (`google-beta` is priced as `google`).
pub(super) fn catalog_provider(provider: &str) -> &str {
    match provider {
        "google-beta" => "google",
        p => p,
    }
}

/// The region to price in: the resource's when known; otherwise "" (the catalog's reference
/// region), with the assumption said.
pub(super) fn pricing_region(r: &Resource, assumptions: &mut Vec<String>) -> String {
    match &r.region {
        Some(Fact::Known(region)) => region.clone(),
        Some(Fact::Unknown(u)) => {
            let reference = catalog::Provider::parse(catalog_provider(&r.provider.name))
                .map_or("the catalog's reference region", |p| p.fallback_region());
            assumptions.push(format!(
                "the region is unknown ({}); priced at {reference} rates",
                u.origin
            ));
            String::new()
        }
        None => String::new(),
    }
}

/// A catalog price as a rate, with its source in the notes. A price listed for another
/// region than the one asked is not this region's price: it is unknown (the reference
/// rate named), unless `[pricing] region_fallback` allows it as an assumption. When the
/// region itself is not known, the caller has already said what is assumed.
pub(super) fn catalog_rate(
    price: &catalog::Price,
    asked_region: &str,
    mut notes: Vec<String>,
    s: &PricingSettings,
) -> PriceResult {
    let mut assumptions: Vec<String> = price.estimate.iter().cloned().collect();
    if !price.exact_region {
        let table = price.table.name;
        let listed = format!("${}/{}", Usd(price.usd).exact_string(), price.unit);
        if asked_region.is_empty() {
            notes.push(format!("priced at the {} rate", price.region));
        } else if s.region_fallback {
            assumptions.push(format!(
                "priced at the {} rate ({listed}): the catalog's {table} table has no price in {asked_region} ([pricing] region_fallback)",
                price.region
            ));
        } else {
            return Err(format!(
                "price unknown: the catalog's {table} table has no price in {asked_region} (in {} it is {listed}); set region_fallback = true under [pricing] to use that rate as an assumption",
                price.region
            ));
        }
    }
    notes.push(format!(
        "{} (as of {})",
        price.table.name, price.table.as_of
    ));
    Ok(Rate {
        usd: price.usd,
        notes,
        assumptions,
        net: false,
    })
}

pub(super) fn components(
    r: &Resource,
    s: &PricingSettings,
    usage: &UsageValues,
    notes: &mut Vec<String>,
    assumptions: &mut Vec<String>,
) -> Option<Vec<CostComponent>> {
    let c = r.compute.as_ref()?;
    // A launch template launches nothing; the groups that use it are priced.
    if r.resource_type == "aws_launch_template" {
        return None;
    }
    let provider = catalog_provider(&r.provider.name);
    let region = pricing_region(r, assumptions);
    let hours = usage.monthly_hours().unwrap_or(HOURS_PER_MONTH);
    if r.resource_type == "aws_sagemaker_endpoint_configuration" {
        return Some(sagemaker_variants(r, s, &region, hours));
    }
    if usage.monthly_hours().is_some() {
        notes.push(super::usage::hours_note(hours));
    }
    // The defaults the compute facts rest on (GKE's three zones for a regional pool).
    assumptions.extend(c.notes.iter().cloned());
    let units = Units::from_counts(&c.count);
    if let Fact::Known(types) = &c.instance_types {
        if types.len() > 1 {
            if let Some(first) = types.first() {
                assumptions.push(format!(
                    "priced as {first}, the first of {} allowed instance types",
                    types.len()
                ));
            }
        }
    }
    let capacity_word = match &c.capacity {
        Fact::Known(cap) => cap.as_str(),
        Fact::Unknown(_) => "unknown capacity",
    };
    let type_word = c
        .instance_type
        .known()
        .map_or("unknown type", String::as_str);
    let discount = sustained_use(provider, &c.instance_type, &c.capacity, hours, s);
    let mut out = vec![component(
        format!("Instance usage ({capacity_word}, {type_word})"),
        "hours",
        with_sustained_use(
            machine_price(provider, &c.instance_type, &c.capacity, &region, s),
            discount,
            "",
        ),
        Ok(hours),
        &units,
    )];
    if provider == "google" {
        out.extend(attached_gpus(
            r,
            c.instance_type.known().map(String::as_str),
            &c.capacity,
            (&region, s),
            hours,
            &units,
        ));
    }
    Some(out)
}

/// The hourly price of one unit of `instance_type` bought as `capacity`.
pub(super) fn machine_price(
    provider: &str,
    instance_type: &Fact<String>,
    capacity: &Fact<Capacity>,
    region: &str,
    s: &PricingSettings,
) -> PriceResult {
    let instance_type = match instance_type {
        Fact::Known(t) => t,
        Fact::Unknown(u) => return Err(format!("instance_type is unknown: {}", u.origin)),
    };
    let capacity = match capacity {
        Fact::Known(c) => *c,
        Fact::Unknown(u) => return Err(format!("capacity_type is unknown: {}", u.origin)),
    };
    if let Some(rate) = configured_rate(
        provider,
        instance_type,
        capacity == Capacity::Spot,
        region,
        s,
    ) {
        return Ok(rate);
    }
    match capacity {
        Capacity::Spot => match s.spot_factors.get(provider) {
            Some(factor) => {
                let (on_demand, notes) = catalog::machine_price(provider, instance_type, region)
                    .map_err(|e| unknown_machine(provider, instance_type, e))?;
                let mut rate = catalog_rate(&on_demand, region, notes, s)?;
                rate.notes.push(format!(
                    "spot priced at {} × on-demand (configured factor)",
                    factor.normalize()
                ));
                rate.usd = rate
                    .usd
                    .checked_mul(*factor)
                    .ok_or_else(|| "the spot price is too large to compute".to_string())?;
                Ok(rate)
            }
            None => {
                let (price, notes) = catalog::spot_price(provider, instance_type, region)
                    .map_err(|e| unknown_machine(provider, instance_type, e))?;
                catalog_rate(&price, region, notes, s)
            }
        },
        Capacity::OnDemand | Capacity::Reserved | Capacity::CapacityBlock => {
            let (price, notes) = catalog::machine_price(provider, instance_type, region)
                .map_err(|e| unknown_machine(provider, instance_type, e))?;
            let mut rate = catalog_rate(&price, region, notes, s)?;
            match capacity {
                Capacity::Reserved => rate
                    .notes
                    .push("reserved capacity, priced at the on-demand list price".to_string()),
                Capacity::CapacityBlock => rate
                    .notes
                    .push("capacity block, priced at the on-demand list price".to_string()),
                Capacity::OnDemand | Capacity::Spot => {}
            }
            Ok(rate)
        }
    }
}

/// The hourly price of `item` from `[[pricing.overrides]]` or the installed overlay, when
/// either has one: the same for spot capacity, unless `[pricing] spot_factors` has a factor
/// for the provider.
fn configured_rate(
    provider: &str,
    item: &str,
    spot: bool,
    region: &str,
    s: &PricingSettings,
) -> Option<Rate> {
    let region_opt = (!region.is_empty()).then_some(region);
    let (price, from) = s.override_for(provider, item, region_opt)?;
    let mut notes = vec![format!("{item} priced from {from}")];
    let price = match s.spot_factors.get(provider) {
        Some(f) if spot => {
            notes.push(format!(
                "spot priced at {} × the configured price",
                f.normalize()
            ));
            price.checked_mul(*f).unwrap_or(price)
        }
        _ => price,
    };
    Some(Rate {
        net: true,
        ..Rate::new(price, notes)
    })
}

/// The default node pool of a GKE cluster, which exists unless `remove_default_node_pool`
/// is set: `initial_node_count` nodes per zone of `node_config.machine_type` (GKE's default
/// e2-medium) with their boot disks. The defaults it assumes go to `assumptions`.
pub(super) fn gke_default_pool(
    r: &Resource,
    s: &PricingSettings,
    assumptions: &mut Vec<String>,
) -> Vec<CostComponent> {
    let attrs = &r.attributes;
    if matches!(
        arg(attrs, "remove_default_node_pool"),
        Some(Value::Bool(true))
    ) {
        return Vec::new();
    }
    let per_zone: Fact<i64> = match arg(attrs, "initial_node_count") {
        Some(Value::Unknown(u)) => Fact::Unknown(u.clone()),
        Some(v) => match crate::load::terraform::convert::to_integer(v) {
            Ok(Some(n)) => Fact::Known(n),
            _ => Fact::Unknown(crate::model::Unknown::new(
                "initial_node_count is not a whole number",
            )),
        },
        None => {
            assumptions.push(
                "initial_node_count is not set; the default pool is priced with one node per zone"
                    .to_string(),
            );
            Fact::Known(1)
        }
    };
    let zones: Fact<i64> = match arg(attrs, "node_locations") {
        Some(list @ (Value::List(items) | Value::Set(items))) => {
            let listed = i64::try_from(items.len()).unwrap_or(i64::MAX);
            // A zonal cluster's node_locations leave out its own zone.
            let own_zone = match arg(attrs, "location") {
                Some(Value::String(l)) if is_zone(l) && !contains_string(list, l) => 1,
                _ => 0,
            };
            Fact::Known(listed.saturating_add(own_zone))
        }
        Some(Value::Unknown(u)) => Fact::Unknown(u.clone()),
        _ => match arg(attrs, "location") {
            Some(Value::String(l)) if is_zone(l) => Fact::Known(1),
            Some(Value::String(l)) => {
                assumptions.push(default_zones_note("the default pool", l));
                Fact::Known(GKE_DEFAULT_ZONES)
            }
            Some(Value::Unknown(u)) => Fact::Unknown(u.clone()),
            _ => Fact::Unknown(crate::model::Unknown::new(
                "the cluster's location is not set",
            )),
        },
    };
    let nodes = match (&per_zone, &zones) {
        (Fact::Known(n), Fact::Known(z)) => Fact::Known(n.saturating_mul(*z)),
        (Fact::Unknown(u), _) | (_, Fact::Unknown(u)) => Fact::Unknown(u.clone()),
    };
    let units = Units {
        baseline: nodes.clone(),
        ceiling: nodes,
    };
    let machine_type = match arg(attrs, "node_config.machine_type") {
        Some(Value::String(t)) => Fact::Known(t.clone()),
        Some(Value::Unknown(u)) => Fact::Unknown(u.clone()),
        _ => Fact::Known("e2-medium".to_string()),
    };
    let spot = matches!(arg(attrs, "node_config.spot"), Some(Value::Bool(true)))
        || matches!(
            arg(attrs, "node_config.preemptible"),
            Some(Value::Bool(true))
        );
    let capacity = Fact::Known(if spot {
        Capacity::Spot
    } else {
        Capacity::OnDemand
    });
    let region = pricing_region(r, assumptions);
    let type_word = machine_type
        .known()
        .map_or("unknown type", String::as_str)
        .to_string();
    let discount = sustained_use("google", &machine_type, &capacity, HOURS_PER_MONTH, s);
    let mut out = vec![component(
        format!(
            "Default node pool ({}, {type_word})",
            capacity.known().map_or("", |c| c.as_str())
        ),
        "hours",
        with_sustained_use(
            machine_price("google", &machine_type, &capacity, &region, s),
            discount,
            "",
        ),
        Ok(HOURS_PER_MONTH),
        &units,
    )];
    let disk_size = match arg(attrs, "node_config.disk_size_gb") {
        Some(Value::Number(n)) => Decimal::try_from(*n)
            .map_err(|_| "node_config.disk_size_gb is not a usable number".to_string()),
        Some(Value::Unknown(u)) => {
            Err(format!("node_config.disk_size_gb is unknown: {}", u.origin))
        }
        _ => Ok(Decimal::from(100)),
    };
    let disk_type = match arg(attrs, "node_config.disk_type") {
        Some(Value::String(t)) => t.clone(),
        _ => "pd-balanced".to_string(),
    };
    out.extend(super::storage::node_disks(
        "google",
        &disk_type,
        disk_size,
        (&region, s),
        &units,
    ));
    out
}

/// Every production variant of a SageMaker endpoint: its instances, from the initial count
/// (baseline) to the managed scaling maximum (ceiling). Serverless variants have none.
fn sagemaker_variants(
    r: &Resource,
    s: &PricingSettings,
    region: &str,
    hours: Decimal,
) -> Vec<CostComponent> {
    let mut out = Vec::new();
    for variant in crate::load::terraform::facts::blocks(&r.attributes, "production_variants") {
        let Value::Map(v) = variant else {
            continue;
        };
        let text = |name: &str| -> Option<Fact<String>> {
            match v.entries.get(name) {
                Some(Value::String(t)) => Some(Fact::Known(t.clone())),
                Some(Value::Unknown(u)) => Some(Fact::Unknown(u.clone())),
                _ => None,
            }
        };
        let Some(instance_type) = text("instance_type") else {
            continue;
        };
        let int = |m: &crate::model::Map, name: &str| -> Option<Fact<i64>> {
            m.entries.get(name).map(|x| match x {
                Value::Unknown(u) => Fact::Unknown(u.clone()),
                other => crate::load::terraform::convert::to_integer(other)
                    .ok()
                    .flatten()
                    .map_or_else(
                        || {
                            Fact::Unknown(crate::model::Unknown::new(format!(
                                "{name} is not a whole number"
                            )))
                        },
                        Fact::Known,
                    ),
            })
        };
        let initial = int(v, "initial_instance_count").unwrap_or(Fact::Known(1));
        let scaling = match v.entries.get("managed_instance_scaling") {
            Some(Value::List(items)) => match items.first() {
                Some(Value::Map(m)) => int(m, "max_instance_count"),
                _ => None,
            },
            Some(Value::Map(m)) => int(m, "max_instance_count"),
            _ => None,
        };
        let units = Units {
            ceiling: scaling.unwrap_or_else(|| initial.clone()),
            baseline: initial,
        };
        let name = text("variant_name")
            .and_then(|n| n.known().cloned())
            .unwrap_or_default();
        let type_word = instance_type
            .known()
            .map_or("unknown type", String::as_str)
            .to_string();
        out.push(component(
            format!("Instance usage (on-demand, {type_word}, variant {name})"),
            "hours",
            machine_price(
                "aws",
                &instance_type,
                &Fact::Known(Capacity::OnDemand),
                region,
                s,
            ),
            Ok(hours),
            &units,
        ));
    }
    out
}

pub(super) fn unknown_price(reason: String) -> String {
    format!("price unknown: {reason}")
}

/// `price unknown: REASON` for a machine type, with the catalog's types one edit away
/// when it is not listed (`pricing show` suggests the same way).
fn unknown_machine(provider: &str, machine_type: &str, reason: String) -> String {
    let near = catalog::similar_machine_types(provider, machine_type);
    if near.is_empty() {
        unknown_price(reason)
    } else {
        format!(
            "price unknown: {reason} (did you mean {}?)",
            near.join(", ")
        )
    }
}

/// Google's sustained-use discount at its full-month rate, per machine series: the
/// percentage off the vCPUs and memory of a machine that runs the whole month (Compute
/// Engine documentation, "Sustained use discounts"). 30% for N1 (and GPUs attached to it:
/// each quarter of the month is billed at 100%, 80%, 60% and 40% of the base price), M1,
/// M2 and the f1-micro and g1-small shared-core types; 20% for N2, N2D and C2. Other series
/// (E2, A2, A3, G2, C2D, C3, N4, T2D, ...) get none. `custom-*` machine types are N1.
const SUSTAINED_USE: [(&str, Decimal); 9] = [
    ("n1", Decimal::from_parts(30, 0, 0, false, 0)),
    ("m1", Decimal::from_parts(30, 0, 0, false, 0)),
    ("m2", Decimal::from_parts(30, 0, 0, false, 0)),
    ("f1", Decimal::from_parts(30, 0, 0, false, 0)),
    ("g1", Decimal::from_parts(30, 0, 0, false, 0)),
    ("n2", Decimal::from_parts(20, 0, 0, false, 0)),
    ("n2d", Decimal::from_parts(20, 0, 0, false, 0)),
    ("c2", Decimal::from_parts(20, 0, 0, false, 0)),
    ("custom", Decimal::from_parts(30, 0, 0, false, 0)),
];

/// The full-month sustained-use discount of a GCE machine type's series, as (percent,
/// series): `n1-standard-16` → (30, "n1"), `n2d-standard-8` → (20, "n2d").
pub fn sustained_use_percent(machine_type: &str) -> Option<(Decimal, &'static str)> {
    let series = machine_type.trim().split('-').next()?.to_ascii_lowercase();
    SUSTAINED_USE
        .iter()
        .find(|(s, _)| *s == series)
        .map(|(s, p)| (*p, if *s == "custom" { "n1" } else { s }))
}

/// The sustained-use discount a machine gets, as (percent, series): a Google machine of an
/// eligible series, on demand, billed the whole month (730 hours, not fewer hours from the
/// usage file), unless `[pricing] sustained_use_discounts = false`. Only its catalog list
/// price is discounted ([`with_sustained_use`] leaves a configured, net price alone).
pub(super) fn sustained_use(
    provider: &str,
    machine_type: &Fact<String>,
    capacity: &Fact<Capacity>,
    hours: Decimal,
    s: &PricingSettings,
) -> Option<(Decimal, &'static str)> {
    let Fact::Known(machine_type) = machine_type else {
        return None;
    };
    (provider == "google" && whole_month_on_demand(capacity, hours, s))
        .then(|| sustained_use_percent(machine_type))
        .flatten()
}

/// Billed the whole month on demand, with sustained-use discounts on.
fn whole_month_on_demand(capacity: &Fact<Capacity>, hours: Decimal, s: &PricingSettings) -> bool {
    s.sustained_use_discounts
        && hours == HOURS_PER_MONTH
        && matches!(capacity, Fact::Known(Capacity::OnDemand))
}

/// `price` less the sustained-use discount, noted on the line (`what` names what it is on
/// besides the machine: "GPUs on "). A configured price is net and stays as it is.
pub(super) fn with_sustained_use(
    price: PriceResult,
    discount: Option<(Decimal, &str)>,
    what: &str,
) -> PriceResult {
    let Some((percent, series)) = discount else {
        return price;
    };
    price.and_then(|mut rate| {
        if rate.net {
            return Ok(rate);
        }
        let factor = (Decimal::ONE_HUNDRED - percent) / Decimal::ONE_HUNDRED;
        rate.usd = rate
            .usd
            .checked_mul(factor)
            .ok_or_else(|| "the discounted price is too large to compute".to_string())?;
        rate.notes.push(format!(
            "sustained-use discount {percent}% ({what}{series}, full month)"
        ));
        Ok(rate)
    })
}

/// GPUs a GCE machine bills separately (n1 with `guest_accelerator`); a2, a3 and g2
/// machine types include theirs.
fn attached_gpus(
    r: &Resource,
    machine_type: Option<&str>,
    capacity: &Fact<Capacity>,
    (region, s): In<'_>,
    hours: Decimal,
    units: &Units,
) -> Vec<CostComponent> {
    if machine_type.is_some_and(|m| catalog::gpus_included("google", m)) {
        return Vec::new();
    }
    let path = if r.resource_type == "google_container_node_pool" {
        "node_config.guest_accelerator"
    } else {
        "guest_accelerator"
    };
    let Some(block) = arg(&r.attributes, path) else {
        return Vec::new();
    };
    let first = match block {
        Value::List(items) => items.first(),
        other => Some(other),
    };
    let Some(Value::Map(m)) = first else {
        return Vec::new();
    };
    let gpu_type = m.entries.get("type").and_then(Value::as_str).unwrap_or("");
    let count = m.entries.get("count").and_then(|v| match v {
        Value::Number(n) => Decimal::try_from(*n).ok(),
        _ => None,
    });
    let spot = matches!(capacity, Fact::Known(Capacity::Spot));
    let price = if gpu_type.is_empty() {
        Err("guest_accelerator.type is unknown".to_string())
    } else if let Some(rate) = configured_rate("google", gpu_type, spot, region, s) {
        Ok(rate)
    } else {
        catalog::attached_gpu_price("google", gpu_type, region, spot)
            .map_err(unknown_price)
            .and_then(|(p, notes)| catalog_rate(&p, region, notes, s))
    };
    // GPUs attached to an N1 machine get the N1 rate, off their catalog list price.
    let discount = machine_type
        .and_then(sustained_use_percent)
        .filter(|(_, series)| *series == "n1" && whole_month_on_demand(capacity, hours, s));
    let price = with_sustained_use(price, discount, "GPUs on ");
    let per_unit = match count {
        Some(n) => hours
            .checked_mul(n)
            .ok_or_else(|| "the GPU quantity is too large to price".to_string()),
        None => Err("guest_accelerator.count is unknown".to_string()),
    };
    let name = format!(
        "GPU usage ({}, {gpu_type})",
        if spot { "spot" } else { "on-demand" }
    );
    vec![component(name, "GPU-hours", price, per_unit, units)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn sustained_use_rates_follow_the_machine_series() {
        let percent = |t: &str| sustained_use_percent(t).map(|(p, s)| (p.to_string(), s));
        let p = |n: &str, s: &'static str| Some((n.to_string(), s));
        assert_eq!(percent("n1-standard-16"), p("30", "n1"));
        assert_eq!(percent("custom-4-15360"), p("30", "n1"));
        assert_eq!(percent("m1-ultramem-40"), p("30", "m1"));
        assert_eq!(percent("m2-ultramem-208"), p("30", "m2"));
        assert_eq!(percent("f1-micro"), p("30", "f1"));
        assert_eq!(percent("g1-small"), p("30", "g1"));
        assert_eq!(percent("n2-standard-8"), p("20", "n2"));
        assert_eq!(percent("N2D-standard-8"), p("20", "n2d"));
        assert_eq!(percent("c2-standard-8"), p("20", "c2"));
        for none in [
            "e2-standard-8",
            "a2-highgpu-1g",
            "a3-highgpu-8g",
            "g2-standard-8",
            "c2d-standard-8",
            "c3-standard-8",
            "n4-standard-8",
            "t2d-standard-8",
        ] {
            assert_eq!(percent(none), None, "{none}");
        }
    }

    #[test]
    fn only_whole_month_on_demand_catalog_prices_are_discounted() {
        let s = PricingSettings::default();
        let n1 = Fact::Known("n1-standard-16".to_string());
        let on_demand = Fact::Known(Capacity::OnDemand);
        let hours = HOURS_PER_MONTH;
        assert!(sustained_use("google", &n1, &on_demand, hours, &s).is_some());
        assert!(sustained_use("aws", &n1, &on_demand, hours, &s).is_none());
        let spot = Fact::Known(Capacity::Spot);
        assert!(sustained_use("google", &n1, &spot, hours, &s).is_none());
        let part = Decimal::from_str("729").unwrap();
        assert!(sustained_use("google", &n1, &on_demand, part, &s).is_none());
        let off = PricingSettings {
            sustained_use_discounts: false,
            ..PricingSettings::default()
        };
        assert!(sustained_use("google", &n1, &on_demand, hours, &off).is_none());
        // A configured price is net: the discount leaves it as it is.
        let discount = sustained_use("google", &n1, &on_demand, hours, &s);
        let list = with_sustained_use(Ok(Rate::plain(Decimal::ONE)), discount, "");
        assert_eq!(list.map(|r| r.usd), Ok(Decimal::from_str("0.7").unwrap()));
        let configured = Rate {
            net: true,
            ..Rate::plain(Decimal::ONE)
        };
        let kept = with_sustained_use(Ok(configured.clone()), discount, "");
        assert_eq!(kept, Ok(configured));
    }
}
