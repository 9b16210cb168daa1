//! Machine sizes: vCPUs and memory per instance type, so a pod on a named node can be
//! priced as its CPU and memory share of that node (AWS only: the sources we have list
//! sizes for EC2).

use std::collections::HashMap;
use std::sync::OnceLock;

use rust_decimal::Decimal;

#[cfg(test)]
use super::table::Counts;
use super::table::{load, price, Loaded, TableInfo};

const AWS_SIZES_CSV: &str = include_str!("../../catalog/aws_instance_sizes.csv");

/// The vCPUs and memory of one machine type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MachineSize {
    pub vcpus: Decimal,
    pub memory_gib: Decimal,
}

struct Sizes {
    table: Loaded<(String, MachineSize)>,
    by_type: HashMap<String, usize>,
}

fn aws() -> &'static Sizes {
    static T: OnceLock<Sizes> = OnceLock::new();
    T.get_or_init(|| {
        let table = load(
            "aws_instance_sizes",
            AWS_SIZES_CSV,
            &["instance_type", "vcpus", "memory_gib"],
            |f| match f {
                [t, vcpus, memory] => Some((
                    t.clone(),
                    MachineSize {
                        vcpus: price(vcpus)?,
                        memory_gib: price(memory)?,
                    },
                )),
                _ => None,
            },
        );
        let by_type = table
            .items
            .iter()
            .enumerate()
            .map(|(i, (t, _))| (t.clone(), i))
            .collect();
        Sizes { table, by_type }
    })
}

/// The size of `machine_type` of `provider`, when the catalog lists it.
pub fn machine_size(provider: &str, machine_type: &str) -> Option<&'static MachineSize> {
    if provider != "aws" {
        return None;
    }
    let t = aws();
    let i = t.by_type.get(machine_type.trim())?;
    t.table.items.get(*i).map(|(_, s)| s)
}

pub(super) fn table() -> &'static TableInfo {
    &aws().table.info
}

#[cfg(test)]
pub(super) fn row_count() -> (&'static TableInfo, Counts) {
    let t = aws();
    (&t.table.info, t.table.counts())
}
