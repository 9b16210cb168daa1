//! Machine prices per hour: AWS EC2 and SageMaker hosting, GCE machine types and separately
//! billed GPUs, Azure VM sizes; spot/preemptible prices (listed for GCE, otherwise the
//! on-demand price times the provider's documented factor from `spot_factors.csv`).

use std::collections::HashMap;
use std::sync::OnceLock;

use rust_decimal::Decimal;

use super::table::{
    find, load, not_in, optional_price, price, regional, Counts, Found, Price, Regional, TableInfo,
    GPU_HOUR, HOUR,
};
use super::Provider;

const EC2_CSV: &str = include_str!("../../catalog/aws_ec2_ondemand.csv");
const SAGEMAKER_CSV: &str = include_str!("../../catalog/aws_sagemaker_hosting.csv");
const GCP_MACHINES_CSV: &str = include_str!("../../catalog/gcp_machine_types.csv");
const GCP_GPUS_CSV: &str = include_str!("../../catalog/gcp_gpus.csv");
const AZURE_VMS_CSV: &str = include_str!("../../catalog/azure_vms.csv");
const SPOT_FACTORS_CSV: &str = include_str!("../../catalog/spot_factors.csv");

/// SageMaker hosting costs about 1.40 × the EC2 price of the same type (ml.g5.xlarge 1.4084
/// vs g5.xlarge 1.006; ml.g4dn.xlarge 0.7364 vs 0.526 — research ai-configs-pricing.md C.2);
/// used for `ml.` types the SageMaker table does not list.
const SAGEMAKER_EC2_MULTIPLIER: Decimal = Decimal::from_parts(140, 0, 0, false, 2);

/// One machine type's hourly price in one region.
struct Machine {
    usd: Decimal,
    /// Listed spot/preemptible price (GCE only).
    spot: Option<Decimal>,
    note: String,
}

/// One GPU type's hourly price in one region.
struct Gpu {
    usd: Decimal,
    spot: Option<Decimal>,
    /// Normally part of an accelerator-optimized machine type's price.
    bundled: bool,
    note: String,
}

fn hourly(region: &str, key: &str, usd: &str) -> Option<(String, String, Machine)> {
    Some((
        region.to_string(),
        key.to_string(),
        Machine {
            usd: price(usd)?,
            spot: None,
            note: String::new(),
        },
    ))
}

fn ec2() -> &'static Regional<Machine> {
    static T: OnceLock<Regional<Machine>> = OnceLock::new();
    T.get_or_init(|| {
        regional(
            "aws_ec2_ondemand",
            EC2_CSV,
            &["region", "instance_type", "usd_per_hour"],
            |f| match f {
                [region, key, usd] => hourly(region, key, usd),
                _ => None,
            },
        )
    })
}

fn sagemaker() -> &'static Regional<Machine> {
    static T: OnceLock<Regional<Machine>> = OnceLock::new();
    T.get_or_init(|| {
        regional(
            "aws_sagemaker_hosting",
            SAGEMAKER_CSV,
            &["region", "instance_type", "usd_per_hour"],
            |f| match f {
                [region, key, usd] => hourly(region, key, usd),
                _ => None,
            },
        )
    })
}

fn gcp_machines() -> &'static Regional<Machine> {
    static T: OnceLock<Regional<Machine>> = OnceLock::new();
    T.get_or_init(|| {
        regional(
            "gcp_machine_types",
            GCP_MACHINES_CSV,
            &[
                "region",
                "machine_type",
                "usd_per_hour",
                "usd_per_hour_spot",
                "note",
            ],
            |f| match f {
                [region, key, usd, spot, note] => Some((
                    region.clone(),
                    key.clone(),
                    Machine {
                        usd: price(usd)?,
                        spot: optional_price(spot)?,
                        note: note.clone(),
                    },
                )),
                _ => None,
            },
        )
    })
}

fn gcp_gpus() -> &'static Regional<Gpu> {
    static T: OnceLock<Regional<Gpu>> = OnceLock::new();
    T.get_or_init(|| {
        regional(
            "gcp_gpus",
            GCP_GPUS_CSV,
            &[
                "region",
                "gpu_type",
                "usd_per_hour",
                "usd_per_hour_spot",
                "billing",
                "note",
            ],
            |f| match f {
                [region, key, usd, spot, billing, note] => Some((
                    region.clone(),
                    key.clone(),
                    Gpu {
                        usd: price(usd)?,
                        spot: optional_price(spot)?,
                        bundled: match billing.as_str() {
                            "bundled" => true,
                            "attached" => false,
                            _ => return None,
                        },
                        note: note.clone(),
                    },
                )),
                _ => None,
            },
        )
    })
}

fn azure_vms() -> &'static Regional<Machine> {
    static T: OnceLock<Regional<Machine>> = OnceLock::new();
    T.get_or_init(|| {
        regional(
            "azure_vms",
            AZURE_VMS_CSV,
            &["region", "vm_size", "usd_per_hour"],
            |f| match f {
                [region, key, usd] => hourly(region, key, usd),
                _ => None,
            },
        )
    })
}

struct SpotFactors {
    info: TableInfo,
    /// (provider, family) → factor; family `*` is the provider's default.
    factors: HashMap<(String, String), Decimal>,
    /// Read by the test that checks every row parses.
    #[cfg_attr(not(test), allow(dead_code))]
    counts: Counts,
}

fn spot_factors() -> &'static SpotFactors {
    static T: OnceLock<SpotFactors> = OnceLock::new();
    T.get_or_init(|| {
        let loaded = load(
            "spot_factors",
            SPOT_FACTORS_CSV,
            &["provider", "family", "factor", "basis"],
            |f| match f {
                [provider, family, factor, _basis] => {
                    let factor = price(factor)?;
                    // A factor above 1 would make spot dearer than on-demand: a typo.
                    (factor <= Decimal::ONE).then(|| ((provider.clone(), family.clone()), factor))
                }
                _ => None,
            },
        );
        SpotFactors {
            counts: loaded.counts(),
            factors: loaded.items.into_iter().collect(),
            info: loaded.info,
        }
    })
}

/// The spot factor for a machine type: its family's, else the provider's default.
fn spot_factor(provider: Provider, family: &str) -> Option<Decimal> {
    let factors = &spot_factors().factors;
    factors
        .get(&(provider.key().to_string(), family.to_string()))
        .or_else(|| factors.get(&(provider.key().to_string(), "*".to_string())))
        .copied()
}

/// The family of a machine type: `g5` of `g5.xlarge`, `n2` of `n2-standard-8`,
/// `Standard_NC24ads_A100_v4` stays whole (Azure has no family column).
fn family(provider: Provider, machine_type: &str) -> String {
    let lower = machine_type.trim().to_ascii_lowercase();
    let cut = match provider {
        Provider::Aws => lower.split('.').next(),
        Provider::Google => lower.split('-').next(),
        Provider::Azure => None,
    };
    cut.map_or(lower.clone(), str::to_string)
}

/// On-demand hourly price of an AWS EC2 type (`p5.48xlarge`), a SageMaker type
/// (`ml.g5.xlarge`: from the SageMaker table, else the EC2 price × 1.40 with a note), a GCE
/// machine type, or an Azure VM size. `provider` is "aws", "google" or "azurerm". The exact
/// region when listed, else the provider's fallback region (AWS us-east-1, GCP us-central1,
/// Azure eastus) with `exact_region = false`. A type the catalog does not know is an `Err`.
pub fn machine_price(
    provider: &str,
    machine_type: &str,
    region: &str,
) -> Result<(Price, Vec<String>), String> {
    let p = Provider::parse(provider)?;
    let fallback = p.fallback_region();
    match p {
        Provider::Aws => {
            let lower = machine_type.trim().to_ascii_lowercase();
            match lower.strip_prefix("ml.") {
                Some(ec2_type) => sagemaker_price(machine_type, ec2_type, region),
                None => {
                    let f = find(ec2(), "AWS EC2", machine_type, region, fallback)?;
                    Ok((f.price(f.row.usd, HOUR), Vec::new()))
                }
            }
        }
        Provider::Google => {
            let f = find(
                gcp_machines(),
                "GCP machine type",
                machine_type,
                region,
                fallback,
            )?;
            Ok((f.price(f.row.usd, HOUR), row_notes(&f.row.note)))
        }
        Provider::Azure => {
            let f = find(azure_vms(), "Azure VM", machine_type, region, fallback)?;
            Ok((f.price(f.row.usd, HOUR), Vec::new()))
        }
    }
}

/// The machine types one edit away from `machine_type` that [`machine_price`] would price,
/// for "did you mean" when it is not listed: EC2 types, GCP machine types, Azure VM sizes
/// (as the table writes them, `Standard_NC24ads_A100_v4`), and for `ml.*` SageMaker types
/// both the SageMaker table's and `ml.` before the EC2 types (priced from EC2). Sorted, at
/// most three.
pub fn similar_machine_types(provider: &str, machine_type: &str) -> Vec<String> {
    let owned = |near: Vec<&str>| near.into_iter().map(str::to_string).collect();
    match Provider::parse(provider) {
        Ok(Provider::Aws) => {
            let trimmed = machine_type.trim();
            match trimmed
                .get(..3)
                .filter(|p| p.eq_ignore_ascii_case("ml."))
                .and_then(|_| trimmed.get(3..))
            {
                Some(ec2_type) => {
                    let mut near: Vec<String> =
                        owned(super::table::near_keys(sagemaker(), trimmed));
                    near.extend(
                        super::table::near_keys(ec2(), ec2_type)
                            .into_iter()
                            .map(|t| format!("ml.{t}")),
                    );
                    near.sort_unstable();
                    near.dedup();
                    near.truncate(3);
                    near
                }
                None => owned(super::table::near_keys(ec2(), machine_type)),
            }
        }
        Ok(Provider::Google) => owned(super::table::near_keys(gcp_machines(), machine_type)),
        Ok(Provider::Azure) => owned(super::table::near_keys(azure_vms(), machine_type)),
        Err(_) => Vec::new(),
    }
}

/// Every EC2 instance type the price table lists (in any region), sorted: the types a
/// Karpenter NodePool can be matched against.
pub fn ec2_instance_types() -> Vec<&'static str> {
    let mut types: Vec<&'static str> = ec2().by_key.keys().map(String::as_str).collect();
    types.sort_unstable();
    types
}

fn row_notes(note: &str) -> Vec<String> {
    if note.is_empty() {
        Vec::new()
    } else {
        vec![note.to_string()]
    }
}

fn sagemaker_price(
    machine_type: &str,
    ec2_type: &str,
    region: &str,
) -> Result<(Price, Vec<String>), String> {
    let fallback = Provider::Aws.fallback_region();
    let listed = match find(
        sagemaker(),
        "AWS SageMaker hosting",
        machine_type,
        region,
        fallback,
    ) {
        Ok(f) => {
            let mut price = f.price(f.row.usd, HOUR);
            if ec2_type.starts_with("p4d.") || ec2_type.starts_with("p5.") {
                price.estimate = Some(format!(
                    "{machine_type} is listed at its price before the June 2025 P4/P5 price cuts; likely higher than today's"
                ));
            }
            return Ok((price, Vec::new()));
        }
        Err(e) => e,
    };
    let f = find(ec2(), "AWS EC2", ec2_type, region, fallback)
        .map_err(|ec2_err| format!("{listed}, and {ec2_err}"))?;
    let usd = f
        .row
        .usd
        .checked_mul(SAGEMAKER_EC2_MULTIPLIER)
        .ok_or_else(|| format!("the SageMaker price of {machine_type} overflows"))?
        .normalize();
    let mut price = f.price(usd, HOUR);
    price.estimate = Some(format!(
        "{machine_type} is not in the SageMaker price table; estimated as the EC2 {ec2_type} price x {SAGEMAKER_EC2_MULTIPLIER}, the SageMaker/EC2 ratio observed for g5 and g4dn"
    ));
    Ok((price, Vec::new()))
}

/// Spot/preemptible hourly price: a listed price where the catalog has one (GCE), else the
/// on-demand price × the provider's documented factor (the note says so). SageMaker hosting
/// (`ml.` types) has no spot capacity and is an `Err`.
pub fn spot_price(
    provider: &str,
    machine_type: &str,
    region: &str,
) -> Result<(Price, Vec<String>), String> {
    let p = Provider::parse(provider)?;
    if p == Provider::Aws && machine_type.trim().to_ascii_lowercase().starts_with("ml.") {
        return Err(format!(
            "{machine_type} is a SageMaker hosting instance, which has no spot price"
        ));
    }
    if p == Provider::Google {
        let f = find(
            gcp_machines(),
            "GCP machine type",
            machine_type,
            region,
            p.fallback_region(),
        )?;
        if let Some(spot) = f.row.spot {
            let mut notes = row_notes(&f.row.note);
            notes.push("listed spot/preemptible price".to_string());
            return Ok((f.price(spot, HOUR), notes));
        }
    }
    let (on_demand, notes) = machine_price(provider, machine_type, region)?;
    let fam = family(p, machine_type);
    let factor = spot_factor(p, &fam).ok_or_else(|| {
        not_in(
            &format!("a {} spot factor", p.key()),
            "spot factor",
            &spot_factors().info,
        )
    })?;
    let usd = on_demand
        .usd
        .checked_mul(factor)
        .ok_or_else(|| format!("the spot price of {machine_type} overflows"))?
        .normalize();
    let estimate = format!(
        "spot price estimated as the on-demand price x {factor}, the documented {} spot factor (spot_factors.csv); no spot price is listed for {machine_type}",
        p.key()
    );
    Ok((
        Price {
            usd,
            estimate: Some(estimate),
            ..on_demand
        },
        notes,
    ))
}

/// A GPU billed separately when attached (GCE `guest_accelerator.type` names such as
/// `nvidia-tesla-t4`), per GPU-hour. Only Google bills GPUs apart from the machine type.
pub fn attached_gpu_price(
    provider: &str,
    gpu_type: &str,
    region: &str,
    spot: bool,
) -> Result<(Price, Vec<String>), String> {
    let p = Provider::parse(provider)?;
    if p != Provider::Google {
        return Err(format!(
            "{} prices GPUs as part of the machine type; {gpu_type} is not billed separately",
            p.key()
        ));
    }
    let f: Found<Gpu> = find(gcp_gpus(), "GCP GPU", gpu_type, region, p.fallback_region())?;
    let mut notes = Vec::new();
    if f.row.bundled {
        notes.push(f.row.note.clone());
    }
    let usd = if spot {
        notes.push("listed spot/preemptible price".to_string());
        f.row.spot.ok_or_else(|| {
            format!(
                "no spot price is listed for {gpu_type} in the GCP GPU price table (as of {})",
                f.info.as_of
            )
        })?
    } else {
        f.row.usd
    };
    Ok((f.price(usd, GPU_HOUR), notes))
}

/// Whether a machine type's price already includes its GPUs: every AWS and Azure type, and
/// Google's accelerator-optimized families (a2, a3, a4, g2, g4); other GCE types bill attached
/// GPUs separately.
pub fn gpus_included(provider: &str, machine_type: &str) -> bool {
    match Provider::parse(provider) {
        Ok(Provider::Aws | Provider::Azure) => true,
        Ok(Provider::Google) => matches!(
            family(Provider::Google, machine_type).as_str(),
            "a2" | "a3" | "a4" | "a4x" | "g2" | "g4"
        ),
        Err(_) => false,
    }
}

pub(super) fn tables() -> Vec<&'static TableInfo> {
    vec![
        &ec2().info,
        &sagemaker().info,
        &gcp_machines().info,
        &gcp_gpus().info,
        &azure_vms().info,
        &spot_factors().info,
    ]
}

#[cfg(test)]
pub(super) fn row_counts() -> Vec<(&'static TableInfo, Counts)> {
    let s = spot_factors();
    vec![
        (&ec2().info, ec2().counts),
        (&sagemaker().info, sagemaker().counts),
        (&gcp_machines().info, gcp_machines().counts),
        (&gcp_gpus().info, gcp_gpus().counts),
        (&azure_vms().info, azure_vms().counts),
        (&s.info, s.counts),
    ]
}

/// Every EC2 type the price table lists (lowercase).
#[cfg(test)]
pub(super) fn ec2_types() -> Vec<&'static str> {
    ec2().by_key.keys().map(String::as_str).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn aws_types_are_case_insensitive_and_regions_fall_back() {
        let (p, notes) = machine_price("aws", "P5.48XLARGE", "us-east-1").unwrap();
        assert_eq!(p.usd, d("55.04"));
        assert!(p.exact_region && notes.is_empty());
        let (p, _) = machine_price("aws", "p5.48xlarge", "").unwrap();
        assert_eq!((p.region.as_str(), p.exact_region), ("us-east-1", false));
    }

    #[test]
    fn sagemaker_listed_stale_and_estimated() {
        let (p, _) = machine_price("aws", "ml.p5.48xlarge", "us-east-1").unwrap();
        assert_eq!(p.usd, d("113.068"));
        assert!(
            p.estimate
                .as_deref()
                .is_some_and(|e| e.contains("June 2025")),
            "{p:?}"
        );
        let (p, notes) = machine_price("aws", "ml.g6e.xlarge", "us-east-1").unwrap();
        assert_eq!(p.usd, d("2.6054"));
        assert_eq!(p.table.name, "aws_ec2_ondemand");
        assert!(
            p.estimate.as_deref().is_some_and(|e| e.contains("x 1.40")),
            "{p:?}"
        );
        assert_eq!(notes, Vec::<String>::new());
        let err = machine_price("aws", "ml.zz9.huge", "us-east-1").unwrap_err();
        assert_eq!(
            err,
            "ml.zz9.huge is not in the AWS SageMaker hosting price table (as of 2025-01-26), and zz9.huge is not in the AWS EC2 price table (as of 2026-07-20)"
        );
        assert!(spot_price("aws", "ml.g5.xlarge", "us-east-1").is_err());
    }

    #[test]
    fn gcp_spot_listed_family_factor_and_default() {
        let (p, _) = spot_price("google", "n1-standard-8", "us-central1").unwrap();
        assert_eq!(p.usd, d("0.08"));
        // c3d rows list no spot price: the c3d family ratio applies.
        let (p, _) = spot_price("google", "c3d-standard-4", "us-central1").unwrap();
        assert_eq!(p.usd, d("0.1816") * d("0.400034"));
        assert!(
            p.estimate
                .as_deref()
                .is_some_and(|e| e.contains("0.400034")),
            "{p:?}"
        );
        assert_eq!(family(Provider::Google, "a3-highgpu-8g"), "a3");
        assert_eq!(family(Provider::Aws, "p6-b200.48xlarge"), "p6-b200");
    }

    #[test]
    fn gcp_a3_is_derived_and_falls_back_per_region() {
        let (p, notes) = machine_price("google", "a3-highgpu-8g", "us-central1").unwrap();
        assert_eq!(p.usd, d("87.83247"));
        assert!(notes[0].starts_with("derived"), "{notes:?}");
        // europe-west4 is not listed: estimated from us-central1.
        let (p, _) = machine_price("google", "a3-highgpu-8g", "europe-west4").unwrap();
        assert_eq!((p.region.as_str(), p.exact_region), ("us-central1", false));
        let (p, _) = machine_price("google", "a3-highgpu-8g", "us-east4").unwrap();
        assert!(p.exact_region);
    }

    #[test]
    fn attached_gpus() {
        let (p, notes) =
            attached_gpu_price("google", "nvidia-tesla-t4", "us-central1", false).unwrap();
        assert_eq!((p.usd, p.unit), (d("0.35"), "GPU-hour"));
        assert!(notes.is_empty());
        let (p, _) =
            attached_gpu_price("google", "nvidia-tesla-v100", "us-central1", true).unwrap();
        assert_eq!(p.usd, d("0.74"));
        let (p, notes) =
            attached_gpu_price("google", "nvidia-tesla-a100", "us-central1", false).unwrap();
        assert_eq!(p.usd, d("2.9339075"));
        assert!(notes[0].contains("bundled"), "{notes:?}");
        assert!(attached_gpu_price("google", "nvidia-b200", "us-central1", true).is_err());
        assert!(attached_gpu_price("aws", "nvidia-tesla-t4", "us-east-1", false).is_err());
        assert!(
            attached_gpu_price("google", "nvidia-tesla-zz", "us-central1", false)
                .unwrap_err()
                .starts_with("nvidia-tesla-zz is not in the GCP GPU price table")
        );
    }

    #[test]
    fn gpus_included_per_family() {
        assert!(gpus_included("google", "a2-highgpu-1g"));
        assert!(gpus_included("google", "g2-standard-8"));
        assert!(!gpus_included("google", "n1-standard-8"));
        assert!(gpus_included("aws", "p5.48xlarge"));
        assert!(gpus_included("azurerm", "Standard_NC6s_v3"));
        assert!(!gpus_included("oracle", "x"));
    }

    #[test]
    fn azure_sizes_ignore_case_and_fall_back_to_eastus() {
        let (p, _) = machine_price("azurerm", "standard_nc24ads_a100_v4", "EastUS").unwrap();
        assert_eq!((p.usd, p.exact_region), (d("3.673"), true));
        let (p, _) = machine_price("azurerm", "Standard_D4s_v5", "moon-1").unwrap();
        assert_eq!((p.region.as_str(), p.exact_region), ("eastus", false));
        let (p, _) = spot_price("azurerm", "Standard_D4s_v5", "eastus").unwrap();
        assert_eq!(p.usd, d("0.0384"));
        assert!(
            p.estimate.as_deref().is_some_and(|e| e.contains("x 0.20")),
            "{p:?}"
        );
    }
}
