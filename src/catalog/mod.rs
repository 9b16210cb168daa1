//! The data compiled into the binary from `catalog/`: which accelerators each machine type
//! carries, and the offline price catalog (compute, storage, Kubernetes, LLM tokens).
//!
//! Every table is a CSV file embedded with `include_str!` and parsed once, on first use, into
//! typed lookups; a malformed row is skipped, never a panic. Each table records its source,
//! `as_of` date and licence ([`tables`]). A price the catalog does not have is an `Err` with
//! the reason, never a zero. `catalog/README.md` describes the tables and how to rebuild them.

mod compute;
mod ec2_labels;
mod eks;
mod kubernetes;
mod regions;
mod sizes;
mod storage;
mod table;
mod tokens;

use std::collections::HashMap;
use std::sync::OnceLock;

pub use compute::{
    attached_gpu_price, ec2_instance_types, gpus_included, machine_price, similar_machine_types,
    spot_price,
};
pub use ec2_labels::{
    accelerator_manufacturer, ec2_accelerated, ec2_label, Label, MODELLED_LABELS,
};
pub use eks::{eks_calendar, eks_release, eks_releases, kubernetes_minor, EksRelease};
pub use kubernetes::{
    control_plane_price, gpu_hour_rate, gpu_hour_rate_range, gpu_hour_spot_rate, gpu_rate_models,
    kubernetes_unit_rates, UnitRates,
};
pub use regions::{
    aws_region, aws_region_for_location, aws_region_names, aws_regions_as_of, azure_normal_form,
    azure_region, azure_region_names, azure_regions_as_of, gcp_region, gcp_region_names,
    gcp_regions_as_of, AwsRegion, NamedRegion,
};
pub use sizes::{machine_size, MachineSize};
pub use storage::{azure_disk_price, storage_price, volume_extras, VolumeExtras};
pub(crate) use table::split_line;
pub use table::{Price, TableInfo};
pub use tokens::{token_prices, TokenPrices};

use table::{load, Loaded};

const ACCELERATORS_CSV: &str = include_str!("../../catalog/accelerators.csv");
const GPU_TYPES_CSV: &str = include_str!("../../catalog/gpu_types.csv");

/// The accelerators on one machine of a given type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MachineAccelerators {
    pub model: String,
    pub count: i64,
    pub memory_gib: u32,
}

/// A GPU type name's canonical model and memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GpuType {
    pub model: String,
    pub memory_gib: u32,
}

/// A provider as the catalog names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Provider {
    Aws,
    Google,
    Azure,
}

impl Provider {
    /// `aws`, `google` (also `google-beta`, `gcp`) or `azurerm` (also `azure`).
    pub(crate) fn parse(name: &str) -> Result<Provider, String> {
        match name.trim().to_ascii_lowercase().as_str() {
            "aws" => Ok(Provider::Aws),
            "google" | "google-beta" | "gcp" => Ok(Provider::Google),
            "azurerm" | "azure" => Ok(Provider::Azure),
            _ => Err(format!(
                "unknown provider {name:?}: the catalog knows aws, google and azurerm"
            )),
        }
    }

    /// The region priced when the asked one is not listed.
    pub(crate) fn fallback_region(self) -> &'static str {
        match self {
            Provider::Aws => "us-east-1",
            Provider::Google => "us-central1",
            Provider::Azure => "eastus",
        }
    }

    /// The name used in the tables' provider columns.
    pub(crate) fn key(self) -> &'static str {
        match self {
            Provider::Aws => "aws",
            Provider::Google => "google",
            Provider::Azure => "azurerm",
        }
    }
}

struct Accelerators {
    /// (provider, machine type) → accelerators.
    machines: Loaded<((String, String), MachineAccelerators)>,
    by_machine: HashMap<(String, String), usize>,
    gpu_types: Loaded<(String, GpuType)>,
    by_gpu: HashMap<String, usize>,
}

fn accelerators() -> &'static Accelerators {
    static TABLES: OnceLock<Accelerators> = OnceLock::new();
    TABLES.get_or_init(|| {
        let machines = load(
            "accelerators",
            ACCELERATORS_CSV,
            &[
                "provider",
                "machine_type",
                "accelerator",
                "count",
                "memory_gib",
            ],
            |r| match r {
                [provider, machine, model, count, memory] => Some((
                    (provider.clone(), machine.clone()),
                    MachineAccelerators {
                        model: model.clone(),
                        count: count.parse().ok()?,
                        memory_gib: memory.parse().ok()?,
                    },
                )),
                _ => None,
            },
        );
        let gpu_types = load(
            "gpu_types",
            GPU_TYPES_CSV,
            &["name", "accelerator", "memory_gib"],
            |r| match r {
                [name, model, memory] => Some((
                    name.clone(),
                    GpuType {
                        model: model.clone(),
                        memory_gib: memory.parse().ok()?,
                    },
                )),
                _ => None,
            },
        );
        let by_machine = machines
            .items
            .iter()
            .enumerate()
            .map(|(i, (key, _))| (key.clone(), i))
            .collect();
        let by_gpu = gpu_types
            .items
            .iter()
            .enumerate()
            .map(|(i, (name, _))| (name.clone(), i))
            .collect();
        Accelerators {
            machines,
            by_machine,
            gpu_types,
            by_gpu,
        }
    })
}

/// The accelerators a machine type carries, if it carries any the catalog knows.
/// `provider` is `aws`, `google` or `azurerm`; SageMaker `ml.` types use their EC2 type.
pub fn machine_accelerators(
    provider: &str,
    machine_type: &str,
) -> Option<&'static MachineAccelerators> {
    let machine = machine_type.strip_prefix("ml.").unwrap_or(machine_type);
    let t = accelerators();
    let i = t
        .by_machine
        .get(&(provider.to_string(), machine.to_string()))?;
    t.machines.items.get(*i).map(|(_, m)| m)
}

/// Every machine type of `provider` with accelerators, in table order.
pub fn accelerator_machines(
    provider: &str,
) -> impl Iterator<Item = (&'static str, &'static MachineAccelerators)> + '_ {
    accelerators()
        .machines
        .items
        .iter()
        .filter(move |((p, _), _)| p == provider)
        .map(|((_, machine), m)| (machine.as_str(), m))
}

/// The canonical model of a GPU type name (`nvidia-tesla-t4` → T4).
pub fn gpu_type(name: &str) -> Option<&'static GpuType> {
    let t = accelerators();
    let i = t.by_gpu.get(name)?;
    t.gpu_types.items.get(*i).map(|(_, g)| g)
}

/// Every price table of the catalog, for `pricing show`, the docs and the catalog's date
/// (the region list is not a price table: see [`aws_regions_as_of`]). Parses all of them.
pub fn tables() -> Vec<&'static TableInfo> {
    let mut out = compute::tables();
    out.extend(storage::tables());
    out.push(kubernetes::table());
    out.push(tokens::table());
    out.push(sizes::table());
    let a = accelerators();
    out.push(&a.machines.info);
    out.push(&a.gpu_types.info);
    out
}

/// Every table with its row counts, for the tests.
#[cfg(test)]
fn row_counts() -> Vec<(&'static TableInfo, table::Counts)> {
    let mut out = compute::row_counts();
    out.extend(storage::row_counts());
    out.push(kubernetes::row_count());
    out.push(tokens::row_count());
    out.push(sizes::row_count());
    let a = accelerators();
    out.push((&a.machines.info, a.machines.counts()));
    out.push((&a.gpu_types.info, a.gpu_types.counts()));
    out.extend(regions::row_counts());
    out.push(eks::row_count());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalog_row_parses_and_every_table_has_metadata() {
        let counts = row_counts();
        assert_eq!(counts.len(), 17);
        for (info, c) in counts {
            assert!(c.data_rows > 0, "{} has no rows", info.name);
            assert_eq!(c.data_rows, c.parsed, "{}: {c:?}", info.name);
            assert!(!info.source.is_empty(), "{} has no source", info.name);
            assert!(!info.license.is_empty(), "{} has no license", info.name);
            assert!(
                crate::model::Date::parse(&info.as_of).is_ok(),
                "{} as_of {:?} is not YYYY-MM-DD",
                info.name,
                info.as_of
            );
        }
        let names: Vec<_> = tables().iter().map(|t| t.name).collect();
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "{names:?}");
    }

    #[test]
    fn lookups() {
        assert_eq!(
            machine_accelerators("aws", "p5.48xlarge"),
            Some(&MachineAccelerators {
                model: "H100".into(),
                count: 8,
                memory_gib: 80
            })
        );
        assert_eq!(
            machine_accelerators("aws", "ml.g5.2xlarge").map(|m| m.count),
            Some(1)
        );
        assert_eq!(machine_accelerators("aws", "m5.large"), None);
        assert_eq!(gpu_type("nvidia-l4").map(|g| g.model.as_str()), Some("L4"));
    }

    #[test]
    fn accelerated_ec2_types_have_accelerators() {
        // Every size the EC2 price table lists for these families must say what it carries.
        let families = [
            "p3", "p3dn", "p4d", "p4de", "p5", "p5e", "p5en", "p6-b200", "p6-b300", "g4dn", "g5",
            "g6", "g6e", "trn1", "trn1n", "trn2", "inf2",
        ];
        let priced = compute::ec2_types();
        let mut missing: Vec<_> = priced
            .iter()
            .filter(|t| families.contains(&t.split('.').next().unwrap_or("")))
            .filter(|t| machine_accelerators("aws", t).is_none())
            .collect();
        missing.sort();
        assert!(missing.is_empty(), "{missing:?}");
    }

    #[test]
    fn providers() {
        assert_eq!(Provider::parse("google-beta"), Ok(Provider::Google));
        assert!(Provider::parse("oracle")
            .unwrap_err()
            .contains("aws, google and azurerm"));
    }

    #[test]
    fn similar_machine_types_cover_every_machine_table() {
        let near = |provider, typed| similar_machine_types(provider, typed);
        assert_eq!(near("aws", "p5.48xlarg"), ["p5.48xlarge"]);
        // Azure names as the table writes them, whatever the case typed.
        assert_eq!(
            near("azurerm", "standard_nc24ads_a100_v3"),
            ["Standard_NC24ads_A100_v4"]
        );
        // SageMaker: the SageMaker table's types, and `ml.` before EC2's (g6e is priced
        // from EC2).
        assert_eq!(near("aws", "ml.g5.12xlarg"), ["ml.g5.12xlarge"]);
        assert_eq!(near("aws", "ML.g6e.xlarg"), ["ml.g6e.xlarge"]);
        // A listed type has none.
        assert_eq!(
            near("azurerm", "Standard_NC24ads_A100_v4"),
            Vec::<String>::new()
        );
        assert_eq!(near("aws", "ml.g5.12xlarge"), Vec::<String>::new());
    }
}
