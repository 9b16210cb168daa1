//! The data compiled into the binary from `catalog/`: which accelerators each machine type
//! carries. Tables are parsed once, on first use.

use std::collections::HashMap;
use std::sync::OnceLock;

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

struct Tables {
    /// (provider, machine type) → accelerators.
    machines: HashMap<(String, String), MachineAccelerators>,
    gpu_types: HashMap<String, GpuType>,
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| Tables {
        machines: rows(ACCELERATORS_CSV)
            .filter_map(|r| match r.as_slice() {
                [provider, machine, model, count, memory] => Some((
                    (provider.to_string(), machine.to_string()),
                    MachineAccelerators {
                        model: model.to_string(),
                        count: count.parse().ok()?,
                        memory_gib: memory.parse().ok()?,
                    },
                )),
                _ => None,
            })
            .collect(),
        gpu_types: rows(GPU_TYPES_CSV)
            .filter_map(|r| match r.as_slice() {
                [name, model, memory] => Some((
                    name.to_string(),
                    GpuType {
                        model: model.to_string(),
                        memory_gib: memory.parse().ok()?,
                    },
                )),
                _ => None,
            })
            .collect(),
    })
}

/// Data rows of a catalog CSV: comments and the header skipped, fields split on commas.
fn rows(csv: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    csv.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .skip(1)
        .map(|l| l.split(',').map(str::trim).collect())
}

/// The accelerators a machine type carries, if it carries any the catalog knows.
/// `provider` is `aws`, `google` or `azurerm`; SageMaker `ml.` types use their EC2 type.
pub fn machine_accelerators(
    provider: &str,
    machine_type: &str,
) -> Option<&'static MachineAccelerators> {
    let machine = machine_type.strip_prefix("ml.").unwrap_or(machine_type);
    tables()
        .machines
        .get(&(provider.to_string(), machine.to_string()))
}

/// The canonical model of a GPU type name (`nvidia-tesla-t4` → T4).
pub fn gpu_type(name: &str) -> Option<&'static GpuType> {
    tables().gpu_types.get(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalog_row_parses() {
        let machine_rows = rows(ACCELERATORS_CSV).count();
        assert_eq!(tables().machines.len(), machine_rows);
        assert_eq!(tables().gpu_types.len(), rows(GPU_TYPES_CSV).count());
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
}
