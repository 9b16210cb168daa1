//! Block and object storage: per GB-month by class (EBS, S3, GCS, persistent disks), the
//! provisioned IOPS and throughput extras of a volume class with their free allowance, and
//! Azure managed disks, which are billed per size tier (P10 = 128 GiB, ...).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use rust_decimal::Decimal;

use super::table::{
    find, fold_exact, not_in, optional_price, pick_region, price, regional_with, unit, Counts,
    Price, Regional, TableInfo, DISK_MONTH, GB_MONTH, IOPS_MONTH, MBPS_MONTH,
};
use super::Provider;

const STORAGE_CSV: &str = include_str!("../../catalog/storage.csv");
const AZURE_DISKS_CSV: &str = include_str!("../../catalog/azure_managed_disks.csv");

/// One storage price: per `unit`, with `free` units included per volume.
struct Rate {
    usd: Decimal,
    unit: &'static str,
    free: u64,
}

/// Keyed by `provider|class|unit` (class as Terraform writes it, case-sensitive: EBS
/// `standard` and S3 `STANDARD` are different classes), then region.
fn storage() -> &'static Regional<Rate> {
    static T: OnceLock<Regional<Rate>> = OnceLock::new();
    T.get_or_init(|| {
        regional_with(
            fold_exact,
            "storage",
            STORAGE_CSV,
            &[
                "provider",
                "service",
                "class",
                "region",
                "unit",
                "usd_per_unit",
                "free_units",
                "note",
            ],
            |f| match f {
                [provider, _service, class, region, unit_text, usd, free, _note] => {
                    let unit = unit(unit_text)?;
                    let free = if free.is_empty() {
                        0
                    } else {
                        free.parse().ok()?
                    };
                    Some((
                        region.clone(),
                        storage_key(provider, class, unit),
                        Rate {
                            usd: price(usd)?,
                            unit,
                            free,
                        },
                    ))
                }
                _ => None,
            },
        )
    })
}

fn storage_key(provider: &str, class: &str, unit: &str) -> String {
    format!("{provider}|{class}|{unit}")
}

fn find_rate(
    provider: Provider,
    class: &str,
    unit: &'static str,
    region: &str,
) -> Option<(Price, u64)> {
    let key = storage_key(provider.key(), class.trim(), unit);
    let f = find(
        storage(),
        "storage",
        &key,
        region,
        provider.fallback_region(),
    )
    .ok()?;
    Some((f.price(f.row.usd, f.row.unit), f.row.free))
}

/// Block and object storage per GB-month, by class as Terraform writes it (`gp3`, `io2`,
/// `STANDARD`, `STANDARD_IA`, `pd-balanced`, ...). Azure managed disks are billed per size
/// tier: see [`azure_disk_price`].
pub fn storage_price(provider: &str, class: &str, region: &str) -> Result<Price, String> {
    let p = Provider::parse(provider)?;
    if p == Provider::Azure {
        return Err(format!(
            "azure managed disks are billed per size tier, not per GB-month: {class} needs the disk size"
        ));
    }
    find_rate(p, class, GB_MONTH, region)
        .map(|(price, _)| price)
        .ok_or_else(|| not_in(class, &format!("{} storage", p.key()), &storage().info))
}

/// Extras of a volume class: provisioned IOPS and throughput prices, each with the amount
/// included free per volume (gp3: 3000 IOPS, 125 MBps; io1/io2: no free IOPS).
#[derive(Clone, Debug, PartialEq)]
pub struct VolumeExtras {
    pub iops: Option<(Price, u64)>,
    pub throughput_mbps: Option<(Price, u64)>,
}

/// The provisioned IOPS and throughput prices of a volume class, where it has them.
pub fn volume_extras(provider: &str, class: &str, region: &str) -> VolumeExtras {
    match Provider::parse(provider) {
        Ok(p) => VolumeExtras {
            iops: find_rate(p, class, IOPS_MONTH, region),
            throughput_mbps: find_rate(p, class, MBPS_MONTH, region),
        },
        Err(_) => VolumeExtras {
            iops: None,
            throughput_mbps: None,
        },
    }
}

/// One Azure disk tier: its name, provisioned size and monthly price where the catalog has
/// one.
struct Tier {
    name: String,
    size_gib: u64,
    usd: Option<Decimal>,
}

/// Storage account type (lowercase) → region → tiers, smallest first.
struct AzureDisks {
    info: TableInfo,
    by_type: BTreeMap<String, BTreeMap<String, Vec<Tier>>>,
    /// Read by the test that checks every row parses.
    #[cfg_attr(not(test), allow(dead_code))]
    counts: Counts,
}

fn azure_disks() -> &'static AzureDisks {
    static T: OnceLock<AzureDisks> = OnceLock::new();
    T.get_or_init(|| {
        let loaded = super::table::load(
            "azure_managed_disks",
            AZURE_DISKS_CSV,
            &[
                "region",
                "storage_account_type",
                "tier",
                "size_gib",
                "usd_per_month",
                "source",
            ],
            |f| match f {
                [region, account, tier, size, usd, _source] => Some((
                    account.to_ascii_lowercase(),
                    region.to_ascii_lowercase(),
                    Tier {
                        name: tier.clone(),
                        size_gib: size.parse().ok()?,
                        usd: optional_price(usd)?,
                    },
                )),
                _ => None,
            },
        );
        let counts = loaded.counts();
        let mut by_type: BTreeMap<String, BTreeMap<String, Vec<Tier>>> = BTreeMap::new();
        for (account, region, tier) in loaded.items {
            by_type
                .entry(account)
                .or_default()
                .entry(region)
                .or_default()
                .push(tier);
        }
        for tiers in by_type.values_mut().flat_map(BTreeMap::values_mut) {
            tiers.sort_by_key(|t| t.size_gib);
        }
        AzureDisks {
            info: loaded.info,
            by_type,
            counts,
        }
    })
}

/// Azure managed disks (`Premium_LRS`, `StandardSSD_LRS`, `Standard_LRS`): the monthly price
/// of the tier a disk of `size_gb` falls in (the smallest tier at least that large) and the
/// tier's name. A tier whose price the catalog lacks is an `Err`, never a guess.
pub fn azure_disk_price(
    storage_account_type: &str,
    size_gb: u64,
    region: &str,
) -> Result<(Price, String), String> {
    let disks = azure_disks();
    let title = "Azure managed disk";
    let regions = disks
        .by_type
        .get(&storage_account_type.trim().to_ascii_lowercase())
        .ok_or_else(|| not_in(storage_account_type, title, &disks.info))?;
    let (listed_region, tiers, exact) =
        pick_region(regions, region, Provider::Azure.fallback_region())
            .ok_or_else(|| not_in(storage_account_type, title, &disks.info))?;
    let tier = tiers.iter().find(|t| t.size_gib >= size_gb).ok_or_else(|| {
        let largest = tiers.last().map_or(0, |t| t.size_gib);
        format!(
            "a {size_gb} GiB {storage_account_type} disk is larger than the largest tier ({largest} GiB)"
        )
    })?;
    let usd = tier.usd.ok_or_else(|| {
        format!(
            "azure managed disk tier {} ({storage_account_type}, up to {} GiB) has no price in the {title} price table (as of {})",
            tier.name, tier.size_gib, disks.info.as_of
        )
    })?;
    Ok((
        Price {
            usd,
            unit: DISK_MONTH,
            region: listed_region.to_string(),
            exact_region: exact,
            table: &disks.info,
            estimate: None,
        },
        tier.name.clone(),
    ))
}

pub(super) fn tables() -> Vec<&'static TableInfo> {
    vec![&storage().info, &azure_disks().info]
}

#[cfg(test)]
pub(super) fn row_counts() -> Vec<(&'static TableInfo, Counts)> {
    let (s, a) = (storage(), azure_disks());
    vec![(&s.info, s.counts), (&a.info, a.counts)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn classes_are_case_sensitive_per_service() {
        // EBS magnetic `standard` and S3 `STANDARD` are different classes.
        assert_eq!(
            storage_price("aws", "standard", "us-east-1").unwrap().usd,
            d("0.05")
        );
        assert_eq!(
            storage_price("aws", "STANDARD", "us-east-1").unwrap().usd,
            d("0.023")
        );
        assert_eq!(
            storage_price("aws", "STANDARD_IA", "us-east-1")
                .unwrap()
                .usd,
            d("0.0125")
        );
        assert_eq!(
            storage_price("aws", "gp9", "us-east-1").unwrap_err(),
            "gp9 is not in the aws storage price table (as of 2026-11-28)"
        );
    }

    #[test]
    fn regions_fall_back() {
        let p = storage_price("aws", "gp3", "eu-west-1").unwrap();
        assert_eq!((p.region.as_str(), p.exact_region), ("us-east-1", false));
        let p = storage_price("google", "pd-ssd", "us-central1").unwrap();
        assert_eq!((p.usd, p.exact_region), (d("0.17"), true));
        // GCS Standard is listed for the US multi-region only.
        let p = storage_price("google", "STANDARD", "us-central1").unwrap();
        assert_eq!((p.region.as_str(), p.exact_region), ("us", false));
    }

    #[test]
    fn extras() {
        let e = volume_extras("aws", "gp3", "us-east-1");
        let (iops, free) = e.iops.unwrap();
        assert_eq!(
            (iops.usd, iops.unit, free),
            (d("0.005"), "IOPS-month", 3000)
        );
        let (mbps, free) = e.throughput_mbps.unwrap();
        assert_eq!((mbps.usd, mbps.unit, free), (d("0.04"), "MBps-month", 125));
        let e = volume_extras("aws", "io2", "us-east-1");
        assert_eq!(e.iops.map(|(p, f)| (p.usd, f)), Some((d("0.065"), 0)));
        assert!(e.throughput_mbps.is_none());
        assert_eq!(
            volume_extras("aws", "gp2", "us-east-1"),
            VolumeExtras {
                iops: None,
                throughput_mbps: None
            }
        );
    }

    #[test]
    fn azure_disk_tiers() {
        let (p, tier) = azure_disk_price("Premium_LRS", 100, "eastus").unwrap();
        assert_eq!(
            (p.usd, p.unit, tier.as_str()),
            (d("19.71"), "disk-month", "P10")
        );
        let (_, tier) = azure_disk_price("Premium_LRS", 128, "eastus").unwrap();
        assert_eq!(tier, "P10");
        let (p, tier) = azure_disk_price("standard_lrs", 0, "westeurope").unwrap();
        assert_eq!((tier.as_str(), p.exact_region), ("S4", false));
        let err = azure_disk_price("Premium_LRS", 129, "eastus").unwrap_err();
        assert!(
            err.starts_with("azure managed disk tier P15 (Premium_LRS, up to 256 GiB)"),
            "{err}"
        );
        assert!(azure_disk_price("Premium_LRS", 40_000, "eastus").is_err());
        assert!(azure_disk_price("UltraSSD_LRS", 100, "eastus").is_err());
        assert!(storage_price("azurerm", "Premium_LRS", "eastus").is_err());
    }
}
