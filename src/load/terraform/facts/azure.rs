//! Compute facts of Azure resources: Linux and Windows VMs, AKS node pools (including a
//! cluster's default pool) and Azure ML compute clusters.

use std::collections::BTreeMap;

use super::super::instance::EvaluatedResource;
use super::{bool_arg, int_arg, note_location, scaled_counts, single_type_compute, string_arg};
use crate::model::{Capacity, Compute, Fact, Location, UnitCounts, Unknown};

type Locations = BTreeMap<String, Location>;

/// The region is the resource's `location`; resources without one have no region.
pub fn region(r: &EvaluatedResource, locations: &mut Locations) -> Option<Fact<String>> {
    let f = string_arg(r, "location")?;
    note_location(r, locations, "region", "location");
    // Azure accepts display names ("East US") and ARM names ("eastus") alike.
    Some(f.map(|l| l.to_lowercase().replace(' ', "")))
}

pub fn compute(r: &EvaluatedResource, locations: &mut Locations) -> Option<Compute> {
    match r.resource_type.as_str() {
        "azurerm_linux_virtual_machine" | "azurerm_windows_virtual_machine" => {
            Some(virtual_machine(r, locations))
        }
        "azurerm_kubernetes_cluster_node_pool" => Some(node_pool(r, "", locations)),
        "azurerm_kubernetes_cluster" => Some(node_pool(r, "default_node_pool.", locations)),
        "azurerm_machine_learning_compute_cluster" => Some(ml_cluster(r, locations)),
        _ => None,
    }
}

fn spot_if(value: Option<Fact<String>>, spot: &str) -> Fact<Capacity> {
    match value {
        None => Fact::Known(Capacity::OnDemand),
        Some(f) => f.map(|p| {
            if p == spot {
                Capacity::Spot
            } else {
                Capacity::OnDemand
            }
        }),
    }
}

fn virtual_machine(r: &EvaluatedResource, locations: &mut Locations) -> Compute {
    note_location(r, locations, "instance_type", "size");
    note_location(r, locations, "capacity_type", "priority");
    let size =
        string_arg(r, "size").unwrap_or_else(|| Fact::Unknown(Unknown::new("size is not set")));
    single_type_compute(
        "azurerm",
        size,
        UnitCounts::fixed(1),
        spot_if(string_arg(r, "priority"), "Spot"),
        false,
    )
}

/// An AKS pool; `prefix` is `default_node_pool.` for the pool inside a cluster.
fn node_pool(r: &EvaluatedResource, prefix: &str, locations: &mut Locations) -> Compute {
    let p = |name: &str| format!("{prefix}{name}");
    note_location(r, locations, "instance_type", &p("vm_size"));
    note_location(r, locations, "capacity_type", &p("priority"));
    for (fact, path) in [
        ("count_min", "min_count"),
        ("count_max", "max_count"),
        ("count_desired", "node_count"),
    ] {
        note_location(r, locations, fact, &p(path));
    }
    let size = string_arg(r, &p("vm_size"))
        .unwrap_or_else(|| Fact::Unknown(Unknown::new("vm_size is not set")));
    // azurerm 4 names it auto_scaling_enabled, azurerm 3 enable_auto_scaling.
    let autoscaling =
        bool_arg(r, &p("auto_scaling_enabled")).or_else(|| bool_arg(r, &p("enable_auto_scaling")));
    let count = match autoscaling {
        Some(Fact::Known(true)) => scaled_counts(
            int_arg(r, &p("min_count")),
            int_arg(r, &p("node_count")),
            int_arg(r, &p("max_count")),
        ),
        Some(Fact::Unknown(u)) => UnitCounts {
            min: Fact::Unknown(u.clone()),
            desired: int_arg(r, &p("node_count")).unwrap_or(Fact::Unknown(u.clone())),
            max: Fact::Unknown(u),
        },
        _ => scaled_counts(None, int_arg(r, &p("node_count")), None),
    };
    single_type_compute(
        "azurerm",
        size,
        count,
        spot_if(string_arg(r, &p("priority")), "Spot"),
        true,
    )
}

fn ml_cluster(r: &EvaluatedResource, locations: &mut Locations) -> Compute {
    note_location(r, locations, "instance_type", "vm_size");
    note_location(r, locations, "capacity_type", "vm_priority");
    note_location(r, locations, "count_min", "scale_settings.min_node_count");
    note_location(r, locations, "count_max", "scale_settings.max_node_count");
    let size = string_arg(r, "vm_size")
        .unwrap_or_else(|| Fact::Unknown(Unknown::new("vm_size is not set")));
    let count = scaled_counts(
        int_arg(r, "scale_settings.min_node_count"),
        None,
        int_arg(r, "scale_settings.max_node_count"),
    );
    single_type_compute(
        "azurerm",
        size,
        count,
        spot_if(string_arg(r, "vm_priority"), "LowPriority"),
        true,
    )
}
