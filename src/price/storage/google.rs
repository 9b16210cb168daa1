//! Google persistent disks and local SSDs: `google_compute_disk`, `google_compute_region_disk`,
//! an instance's `scratch_disk` blocks and a GKE node pool's local SSD count.

use rust_decimal::Decimal;

use super::{disk, number, string_or, Disk};
use crate::load::terraform::facts::{arg, blocks};
use crate::model::{Capacity, Fact, Resource, Value};

/// A local SSD partition is 375 GB (Google bills local SSD per GB-month of what is attached).
const LOCAL_SSD_GB: i64 = 375;

/// A zonal or regional persistent disk. A regional disk keeps a copy in each of its two
/// zones and is billed at twice the zonal rate per GB, which the estimate says.
pub(super) fn persistent_disk(r: &Resource, assumptions: &mut Vec<String>) -> Disk {
    let class = string_or(&r.attributes, "type", "pd-standard");
    let size = match number(&r.attributes, "size") {
        Some(s) => s,
        None if arg(&r.attributes, "image").is_some()
            || arg(&r.attributes, "snapshot").is_some() =>
        {
            Err("size is not set: the disk takes the size of its image or snapshot".to_string())
        }
        None => {
            Err("size is not set: Google Cloud gives the disk its type's default size".to_string())
        }
    };
    if r.resource_type == "google_compute_region_disk" {
        assumptions.push(format!(
            "a regional disk is replicated in two zones: billed as twice its size at the zonal {class} rate"
        ));
        return disk("Regional disk", &class, size.map(|gb| gb * Decimal::TWO));
    }
    disk("Disk", &class, size)
}

/// The local SSDs of an instance: each `scratch_disk` block (375 GB unless it says).
pub(super) fn scratch_disks(r: &Resource) -> Vec<Disk> {
    blocks(&r.attributes, "scratch_disk")
        .into_iter()
        .map(|block| {
            let size = match block {
                Value::Map(m) => number(m, "size").unwrap_or(Ok(Decimal::from(LOCAL_SSD_GB))),
                Value::Unknown(u) => Err(format!("scratch_disk is unknown: {}", u.origin)),
                _ => Ok(Decimal::from(LOCAL_SSD_GB)),
            };
            local_ssd(r, size)
        })
        .collect()
}

/// The local SSDs on each node of a GKE pool: `local_ssd_count` and the counts of the
/// ephemeral-storage and raw-block configurations, 375 GB each.
pub(super) fn node_local_ssds(r: &Resource) -> Vec<Disk> {
    let mut out = Vec::new();
    for path in [
        "node_config.local_ssd_count",
        "node_config.ephemeral_storage_local_ssd_config.local_ssd_count",
        "node_config.local_nvme_ssd_block_config.local_ssd_count",
    ] {
        let Some(count) = number(&r.attributes, path) else {
            continue;
        };
        if count.as_ref().is_ok_and(Decimal::is_zero) {
            continue;
        }
        out.push(local_ssd(r, count.map(|n| n * Decimal::from(LOCAL_SSD_GB))));
    }
    out
}

/// Local SSD of `size` GB. On spot capacity it has a spot rate the catalog does not list,
/// so the amount is unknown rather than the on-demand one.
fn local_ssd(r: &Resource, size: Result<Decimal, String>) -> Disk {
    let spot = matches!(
        r.compute.as_ref().map(|c| &c.capacity),
        Some(Fact::Known(Capacity::Spot))
    );
    let size = if spot {
        Err("local SSD on spot capacity has a spot price the catalog does not list".to_string())
    } else {
        size
    };
    disk("Local SSD", "local-ssd", size)
}
