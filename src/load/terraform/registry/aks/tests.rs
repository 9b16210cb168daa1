//! Tests of the AKS adapter: small roots evaluated in memory, the resources and facts
//! they produce compared whole.

#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use crate::load::terraform::facts::{arg, resources_of};
use crate::load::terraform::registry::adapter_for;
use crate::model::{Capacity, Fact, Resource, Unknown, Value};

fn find<'a>(resources: &'a [Resource], address: &str) -> &'a Resource {
    resources
        .iter()
        .find(|r| r.address == address)
        .unwrap_or_else(|| panic!("no {address} in {:?}", addresses(resources)))
}

fn addresses(resources: &[Resource]) -> Vec<&str> {
    resources.iter().map(|r| r.address.as_str()).collect()
}

/// Each argument written by the caller, with its line in main.tf.
fn written(r: &Resource) -> Vec<(&str, u32)> {
    r.argument_locations
        .iter()
        .map(|(k, l)| (k.as_str(), l.line))
        .collect()
}

/// [min, desired, max], each known or the reason it is not.
fn counts(r: &Resource) -> [Result<i64, String>; 3] {
    let c = &r.compute.as_ref().unwrap().count;
    [&c.min, &c.desired, &c.max].map(|f| match f {
        Fact::Known(n) => Ok(*n),
        Fact::Unknown(u) => Err(u.origin.to_string()),
    })
}

fn machine(r: &Resource) -> (Fact<String>, Fact<Capacity>) {
    let c = r.compute.as_ref().unwrap();
    (c.instance_type.clone(), c.capacity.clone())
}

fn tags(r: &Resource) -> Vec<(&str, &str)> {
    assert!(r.tags.is_complete(), "{:?}", r.tags);
    r.tags
        .entries
        .iter()
        .map(|(k, v)| (k.as_str(), v.known().unwrap().as_str()))
        .collect()
}

fn attr<'a>(r: &'a Resource, path: &str) -> Option<&'a Value> {
    arg(&r.attributes, path)
}

fn known(s: &str) -> Fact<String> {
    Fact::Known(s.to_string())
}

#[test]
fn a_call_with_only_the_required_inputs_gets_the_modules_default_pool() {
    let resources = resources_of(
        r#"
module "aks" {
  source              = "Azure/aks/azurerm"
  version             = "9.4.1"
  resource_group_name = "rg-ml"
  location            = "West Europe"
  prefix              = "ml"
}
"#,
    );
    assert_eq!(addresses(&resources), vec!["module.aks.cluster"]);
    let cluster = find(&resources, "module.aks.cluster");
    assert_eq!(cluster.resource_type, "azurerm_kubernetes_cluster");
    assert_eq!(cluster.location.line, 2);
    assert_eq!(
        machine(cluster),
        (known("Standard_D2s_v3"), Fact::Known(Capacity::OnDemand))
    );
    assert_eq!(counts(cluster), [Ok(2), Ok(2), Ok(2)]);
    assert_eq!(cluster.region, Some(known("westeurope")));
    assert_eq!(tags(cluster), vec![]);
    assert_eq!(attr(cluster, "name"), Some(&Value::string("ml-aks")));
    assert_eq!(attr(cluster, "sku_tier"), Some(&Value::string("Free")));
    assert_eq!(
        attr(cluster, "default_node_pool.name"),
        Some(&Value::string("nodepool"))
    );
    assert_eq!(
        attr(cluster, "default_node_pool.os_disk_size_gb"),
        Some(&Value::Number(50.0))
    );
    assert_eq!(
        attr(cluster, "default_node_pool.auto_scaling_enabled"),
        Some(&Value::Bool(false))
    );
    // Module defaults are not written anywhere in the caller.
    assert_eq!(
        written(cluster),
        vec![("location", 6), ("name", 7), ("resource_group_name", 5)]
    );
}

#[test]
fn agents_inputs_with_auto_scaling_make_a_scaled_default_pool() {
    let resources = resources_of(
        r#"
module "aks" {
  source               = "Azure/aks/azurerm"
  location             = "eastus"
  cluster_name         = "aks-ml-prod"
  sku_tier             = "Standard"
  tags                 = { team = "platform", env = "prod" }
  agents_size          = "Standard_D4s_v5"
  agents_pool_name     = "system"
  auto_scaling_enabled = true
  agents_count         = null
  agents_min_count     = 2
  agents_max_count     = 6
  agents_max_pods      = 110
  agents_tags          = { team = "ml", "cost-center" = "cc-42" }
  os_disk_size_gb      = 128
}
"#,
    );
    let cluster = find(&resources, "module.aks.cluster");
    assert_eq!(
        machine(cluster),
        (known("Standard_D4s_v5"), Fact::Known(Capacity::OnDemand))
    );
    // No node_count in an auto-scaled default pool: the baseline is the minimum.
    assert_eq!(counts(cluster), [Ok(2), Ok(2), Ok(6)]);
    assert_eq!(attr(cluster, "default_node_pool.node_count"), None);
    // The cluster carries var.tags; its default pool merge(var.tags, var.agents_tags).
    assert_eq!(tags(cluster), vec![("env", "prod"), ("team", "platform")]);
    assert_eq!(
        attr(cluster, "default_node_pool.tags.team"),
        Some(&Value::string("ml"))
    );
    assert_eq!(
        attr(cluster, "default_node_pool.tags.cost-center"),
        Some(&Value::string("cc-42"))
    );
    assert_eq!(
        attr(cluster, "default_node_pool.tags.env"),
        Some(&Value::string("prod"))
    );
    assert_eq!(attr(cluster, "name"), Some(&Value::string("aks-ml-prod")));
    assert_eq!(attr(cluster, "sku_tier"), Some(&Value::string("Standard")));
    assert_eq!(
        written(cluster),
        vec![
            ("default_node_pool.auto_scaling_enabled", 10),
            ("default_node_pool.max_count", 13),
            ("default_node_pool.max_pods", 14),
            ("default_node_pool.min_count", 12),
            ("default_node_pool.name", 9),
            ("default_node_pool.os_disk_size_gb", 16),
            ("default_node_pool.tags", 15),
            ("default_node_pool.vm_size", 8),
            ("location", 4),
            ("name", 5),
            ("sku_tier", 6),
            ("tags", 7),
        ]
    );
}

#[test]
fn an_unknown_auto_scaling_switch_leaves_the_pool_bounds_open() {
    let resources = resources_of(
        r#"
variable "autoscale" {
  type = bool
}
module "aks" {
  source              = "Azure/aks/azurerm"
  location            = "eastus"
  enable_auto_scaling = var.autoscale
  agents_count        = 3
  agents_max_count    = 5
}
"#,
    );
    let cluster = find(&resources, "module.aks.cluster");
    let why = "var.autoscale has no default".to_string();
    assert_eq!(counts(cluster), [Err(why.clone()), Ok(3), Err(why)]);
}

#[test]
fn each_node_pool_is_a_resource_keyed_by_its_map_key() {
    let resources = resources_of(
        r#"
module "aks" {
  source   = "Azure/aks/azurerm"
  location = "eastus"
  tags     = { team = "ml" }
  node_pools = {
a100 = {
  name                 = "a100"
  vm_size              = "Standard_NC24ads_A100_v4"
  priority             = "Spot"
  eviction_policy      = "Delete"
  spot_max_price       = -1
  auto_scaling_enabled = true
  min_count            = 0
  max_count            = 4
  node_taints          = ["kubernetes.azure.com/scalesetpriority=spot:NoSchedule"]
  tags                 = { workload = "training" }
}
cpu = {
  name    = "cpu"
  vm_size = "Standard_D4s_v5"
}
cpu = {
  name                  = "cpu"
  vm_size               = "Standard_D8s_v5"
  node_count            = 3
  create_before_destroy = false
}
  }
}
"#,
    );
    assert_eq!(
        addresses(&resources),
        vec![
            "module.aks.cluster",
            "module.aks.node_pools[\"a100\"]",
            "module.aks.node_pools[\"cpu\"]",
        ]
    );
    let a100 = find(&resources, "module.aks.node_pools[\"a100\"]");
    assert_eq!(a100.resource_type, "azurerm_kubernetes_cluster_node_pool");
    assert_eq!(a100.location.line, 7);
    assert_eq!(
        machine(a100),
        (
            known("Standard_NC24ads_A100_v4"),
            Fact::Known(Capacity::Spot)
        )
    );
    assert_eq!(counts(a100), [Ok(0), Ok(0), Ok(4)]);
    assert_eq!(a100.region, Some(known("eastus")));
    // The module gives a pool its own tags only, not var.tags.
    assert_eq!(tags(a100), vec![("workload", "training")]);
    assert_eq!(
        attr(a100, "name"),
        Some(&Value::unknown(
            "the module names the pool \"a100\" plus four random characters, known only after apply"
        ))
    );
    assert_eq!(attr(a100, "mode"), Some(&Value::string("User")));
    assert_eq!(
        written(a100),
        vec![
            ("auto_scaling_enabled", 13),
            ("eviction_policy", 11),
            ("location", 4),
            ("max_count", 15),
            ("min_count", 14),
            ("name", 8),
            ("node_taints", 16),
            ("priority", 10),
            ("spot_max_price", 12),
            ("tags", 17),
            ("vm_size", 9),
        ]
    );
    // A key written twice: the last one wins, as in Terraform.
    let cpu = find(&resources, "module.aks.node_pools[\"cpu\"]");
    assert_eq!(cpu.location.line, 23);
    assert_eq!(
        machine(cpu),
        (known("Standard_D8s_v5"), Fact::Known(Capacity::OnDemand))
    );
    assert_eq!(counts(cpu), [Ok(3), Ok(3), Ok(3)]);
    assert_eq!(tags(cpu), vec![]);
    assert_eq!(attr(cpu, "name"), Some(&Value::string("cpu")));
    assert_eq!(attr(cpu, "priority"), Some(&Value::string("Regular")));
    assert_eq!(
        written(cpu),
        vec![
            ("location", 4),
            ("name", 24),
            ("node_count", 26),
            ("vm_size", 25)
        ]
    );
}

#[test]
fn an_unknown_map_of_pools_is_one_resource_of_unknown_count() {
    let resources = resources_of(
        r#"
variable "pools" {
  type = map(any)
}
module "aks" {
  source     = "Azure/aks/azurerm"
  location   = "eastus"
  node_pools = var.pools
}
"#,
    );
    let why = "var.pools has no default".to_string();
    let pools = find(&resources, "module.aks.node_pools");
    assert_eq!(pools.location.line, 8);
    assert_eq!(
        machine(pools),
        (
            Fact::Unknown(Unknown::new(why.clone())),
            Fact::Known(Capacity::OnDemand)
        )
    );
    assert_eq!(
        counts(pools),
        [Err(why.clone()), Err(why.clone()), Err(why)]
    );
    assert_eq!(pools.region, Some(known("eastus")));
}

#[test]
fn a_map_of_pools_with_unknown_keys_keeps_its_known_pools() {
    let resources = resources_of(
        r#"
variable "extra_pools" {
  type = map(any)
}
module "aks" {
  source   = "Azure/aks/azurerm//v4"
  location = "eastus"
  # Written last, t4 cannot be overridden by the unknown map.
  node_pools = merge(var.extra_pools, {
t4 = { name = "t4", vm_size = "Standard_NC8as_T4_v3", node_count = 1 }
  })
}
"#,
    );
    assert_eq!(
        addresses(&resources),
        vec![
            "module.aks.cluster",
            "module.aks.node_pools[\"t4\"]",
            "module.aks.node_pools",
        ]
    );
    let t4 = find(&resources, "module.aks.node_pools[\"t4\"]");
    assert_eq!(counts(t4), [Ok(1), Ok(1), Ok(1)]);
    let rest = find(&resources, "module.aks.node_pools");
    let why = "var.extra_pools has no default".to_string();
    assert_eq!(counts(rest), [Err(why.clone()), Err(why.clone()), Err(why)]);
}

#[test]
fn without_a_location_the_region_is_the_resource_groups_and_unknown() {
    let resources = resources_of(
        r#"
module "aks" {
  source              = "git::https://github.com/Azure/terraform-azurerm-aks.git?ref=7.5.0"
  resource_group_name = "rg-ml"
  node_pools = {
gpu = { name = "gpu", vm_size = "Standard_NC8as_T4_v3", node_count = 1 }
  }
}
"#,
    );
    let why = Fact::Unknown(Unknown::new(
        "module.aks sets no location: the module then takes the location of resource group \"rg-ml\", read when Terraform runs (from v10 of the module `location` is required)",
    ));
    assert_eq!(
        find(&resources, "module.aks.cluster").region,
        Some(why.clone())
    );
    assert_eq!(
        find(&resources, "module.aks.node_pools[\"gpu\"]").region,
        Some(why)
    );
}

#[test]
fn the_module_and_its_v4_variant_are_recognised_by_any_source_form() {
    for source in [
        "Azure/aks/azurerm",
        "registry.terraform.io/Azure/aks/azurerm",
        "Azure/aks/azurerm//v4",
        "git::https://github.com/Azure/terraform-azurerm-aks.git?ref=10.0.1",
    ] {
        let adapter = adapter_for(source);
        assert_eq!(
            adapter.map(|a| (a.module, a.provider)),
            Some(("Azure/aks/azurerm", "azurerm")),
            "{source}"
        );
    }
    assert!(adapter_for("Azure/aks/azurerm//modules/other").is_none());
}
