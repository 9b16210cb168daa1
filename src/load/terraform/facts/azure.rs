//! Compute facts of Azure resources: Linux and Windows VMs, AKS node pools (including a
//! cluster's default pool) and Azure ML compute clusters.

use std::collections::BTreeMap;

use super::super::instance::EvaluatedResource;
use super::{
    arg, bool_arg, counts_from_arguments, note_location, single_type_compute, string_arg, Index,
};
use crate::model::{Capacity, Compute, Fact, Location, UnitCounts, Unknown, Value};

type Locations = BTreeMap<String, Location>;

/// How many `location = other.location` references are followed before giving up.
const MAX_LOCATION_HOPS: usize = 8;

/// The region is the resource's `location`; an AKS node pool runs in its cluster's.
/// Resources without either have no region.
pub fn region(
    r: &EvaluatedResource,
    index: &Index<'_>,
    locations: &mut Locations,
) -> Option<Fact<String>> {
    if let Some(f) = string_arg(r, "location") {
        note_location(r, locations, "region", "location");
        return Some(normalize(follow_location(r, f, index, MAX_LOCATION_HOPS)));
    }
    // Resources that run where their parent does: the argument that refers to it.
    let (parent_id, why) = match r.resource_type.as_str() {
        "azurerm_kubernetes_cluster_node_pool" => (
            "kubernetes_cluster_id",
            "the node pool runs in its cluster's region, and the cluster is not in this configuration",
        ),
        "azurerm_machine_learning_compute_instance" => (
            "machine_learning_workspace_id",
            "the compute instance runs in its workspace's region, and the workspace is not in this configuration",
        ),
        "azurerm_cognitive_deployment" => (
            "cognitive_account_id",
            "the deployment is in its account's region, and the account is not in this configuration",
        ),
        _ => return None,
    };
    let parent = arg(&r.attributes, parent_id)
        .and_then(|id| index.referenced(r, id))
        .and_then(|c| Some((c, string_arg(c, "location")?)));
    Some(match parent {
        Some((c, f)) => normalize(follow_location(c, f, index, MAX_LOCATION_HOPS)),
        None => Fact::Unknown(Unknown::new(why)),
    })
}

/// `location = azurerm_resource_group.ml.location` is known at plan time: it is the
/// other resource's configured location, so follow the reference to it.
fn follow_location(
    r: &EvaluatedResource,
    f: Fact<String>,
    index: &Index<'_>,
    hops: usize,
) -> Fact<String> {
    let Fact::Unknown(u) = &f else {
        return f;
    };
    if hops == 0 {
        return f;
    }
    let next = index
        .referenced(r, &Value::Unknown(u.clone()))
        .and_then(|other| Some((other, string_arg(other, "location")?)));
    match next {
        Some((other, location)) => follow_location(other, location, index, hops - 1),
        None => f,
    }
}

/// Azure accepts display names ("East US") and ARM names ("eastus") alike.
fn normalize(f: Fact<String>) -> Fact<String> {
    f.map(|l| l.to_lowercase().replace(' ', ""))
}

pub fn compute(r: &EvaluatedResource, locations: &mut Locations) -> Option<Compute> {
    match r.resource_type.as_str() {
        "azurerm_linux_virtual_machine" | "azurerm_windows_virtual_machine" => {
            Some(virtual_machine(r, locations, "size", Some("priority")))
        }
        // The legacy VM resource names its size vm_size and has no spot priority.
        "azurerm_virtual_machine" => Some(virtual_machine(r, locations, "vm_size", None)),
        // An Azure ML compute instance is one VM, billed at its size's rate while it runs.
        "azurerm_machine_learning_compute_instance" => {
            Some(virtual_machine(r, locations, "virtual_machine_size", None))
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

/// A VM whose size is the argument `size` and whose spot priority, if it has one, is
/// `priority`.
fn virtual_machine(
    r: &EvaluatedResource,
    locations: &mut Locations,
    size: &str,
    priority: Option<&str>,
) -> Compute {
    note_location(r, locations, "instance_type", size);
    let capacity = match priority {
        Some(p) => {
            note_location(r, locations, "capacity_type", p);
            spot_if(string_arg(r, p), "Spot")
        }
        None => Fact::Known(Capacity::OnDemand),
    };
    let vm_size = string_arg(r, size)
        .unwrap_or_else(|| Fact::Unknown(Unknown::new(format!("{size} is not set"))));
    single_type_compute("azurerm", vm_size, UnitCounts::fixed(1), capacity, false)
}

/// An AKS pool; `prefix` is `default_node_pool.` for the pool inside a cluster.
fn node_pool(r: &EvaluatedResource, prefix: &str, locations: &mut Locations) -> Compute {
    let p = |name: &str| format!("{prefix}{name}");
    note_location(r, locations, "instance_type", &p("vm_size"));
    note_location(r, locations, "capacity_type", &p("priority"));
    let size = string_arg(r, &p("vm_size"))
        .unwrap_or_else(|| Fact::Unknown(Unknown::new("vm_size is not set")));
    // azurerm 4 names it auto_scaling_enabled, azurerm 3 enable_auto_scaling.
    let autoscaling =
        bool_arg(r, &p("auto_scaling_enabled")).or_else(|| bool_arg(r, &p("enable_auto_scaling")));
    let (min, desired, max) = (p("min_count"), p("node_count"), p("max_count"));
    let count = match autoscaling {
        Some(Fact::Known(true)) => {
            counts_from_arguments(r, locations, [Some(&min), Some(&desired), Some(&max)])
        }
        Some(Fact::Unknown(u)) => UnitCounts {
            min: Fact::Unknown(u.clone()),
            desired: counts_from_arguments(r, locations, [None, Some(&desired), None]).desired,
            max: Fact::Unknown(u),
        },
        _ => counts_from_arguments(r, locations, [None, Some(&desired), None]),
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
    let size = string_arg(r, "vm_size")
        .unwrap_or_else(|| Fact::Unknown(Unknown::new("vm_size is not set")));
    let count = counts_from_arguments(
        r,
        locations,
        [
            Some("scale_settings.min_node_count"),
            None,
            Some("scale_settings.max_node_count"),
        ],
    );
    single_type_compute(
        "azurerm",
        size,
        count,
        spot_if(string_arg(r, "vm_priority"), "LowPriority"),
        true,
    )
}

#[cfg(test)]
mod tests {
    use super::super::resources_of;
    use crate::model::{Fact, Resource, Unknown};

    fn region_of<'a>(resources: &'a [Resource], address: &str) -> Option<&'a Fact<String>> {
        resources
            .iter()
            .find(|r| r.address == address)
            .and_then(|r| r.region.as_ref())
    }

    #[test]
    fn a_location_taken_from_another_resource_is_that_resources_location() {
        let resources = resources_of(
            r#"
            resource "azurerm_resource_group" "ml" {
              name     = "rg-ml"
              location = "West Europe"
            }
            resource "azurerm_network_interface" "nic" {
              name     = "nic"
              location = azurerm_resource_group.ml.location
            }
            "#,
        );
        assert_eq!(
            region_of(&resources, "azurerm_network_interface.nic"),
            Some(&Fact::Known("westeurope".to_string()))
        );
    }

    #[test]
    fn an_aks_node_pool_runs_in_its_clusters_region() {
        let resources = resources_of(
            r#"
            resource "azurerm_resource_group" "ml" {
              name     = "rg-ml"
              location = "East US"
            }
            resource "azurerm_kubernetes_cluster" "aks" {
              name     = "aks"
              location = azurerm_resource_group.ml.location
              default_node_pool {
                name    = "system"
                vm_size = "Standard_D4s_v5"
              }
            }
            resource "azurerm_kubernetes_cluster_node_pool" "gpu" {
              name                  = "gpu"
              kubernetes_cluster_id = azurerm_kubernetes_cluster.aks.id
              vm_size               = "Standard_NC24ads_A100_v4"
            }
            resource "azurerm_kubernetes_cluster_node_pool" "elsewhere" {
              name                  = "gpu2"
              kubernetes_cluster_id = "/subscriptions/x/resourceGroups/y/providers/Microsoft.ContainerService/managedClusters/z"
              vm_size               = "Standard_NC24ads_A100_v4"
            }
            "#,
        );
        assert_eq!(
            region_of(&resources, "azurerm_kubernetes_cluster_node_pool.gpu"),
            Some(&Fact::Known("eastus".to_string()))
        );
        assert_eq!(
            region_of(&resources, "azurerm_kubernetes_cluster_node_pool.elsewhere"),
            Some(&Fact::Unknown(Unknown::new(
                "the node pool runs in its cluster's region, and the cluster is not in this configuration"
            )))
        );
    }
}
