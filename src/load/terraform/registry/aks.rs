//! The `Azure/aks/azurerm` module read from its inputs: the cluster and its default node
//! pool (the `agents_*` inputs) become one `azurerm_kubernetes_cluster` at
//! `module.aks.cluster`, and each entry of `node_pools` one
//! `azurerm_kubernetes_cluster_node_pool` at `module.aks.node_pools["gpu"]`.
//!
//! The defaults are the module's own, from its `variables.tf` at commit 001f3cfe3f5d (the
//! v11 line: azurerm 4 names such as `auto_scaling_enabled`, `location` required). Up to
//! v10 (`main.tf` at 0002e7926b78, `extra_node_pool.tf` at c9174e55c6b5) the same inputs
//! are named `enable_auto_scaling` and a missing `location` is read from the resource
//! group; both names are read, whichever version is called. What the module does with
//! them: the default pool's tags are `merge(var.tags, var.agents_tags)`, an auto-scaled
//! default pool gets no `node_count`, and an extra pool's tags are its own `tags` only (the
//! module does not merge `var.tags` into them).

use std::collections::BTreeMap;

use super::{Adapted, Call};
use crate::load::terraform::functions;
use crate::load::terraform::instance::EvaluatedResource;
use crate::model::{InputError, Location, Map, Unknown, Value};

const CLUSTER: &str = "azurerm_kubernetes_cluster";
const NODE_POOL: &str = "azurerm_kubernetes_cluster_node_pool";

/// Both names of the auto-scaling switch: azurerm 4 (module v11, `//v4`) and azurerm 3.
const AUTOSCALING: [&str; 2] = ["auto_scaling_enabled", "enable_auto_scaling"];

/// `node_pools` attributes the module passes to the node pool resource unchanged.
const POOL_ARGUMENTS: &[&str] = &[
    "vm_size",
    "node_count",
    "min_count",
    "max_count",
    "auto_scaling_enabled",
    "enable_auto_scaling",
    "max_pods",
    "eviction_policy",
    "spot_max_price",
    "os_disk_size_gb",
    "os_sku",
    "node_labels",
    "node_taints",
    "zones",
    "gpu_instance",
    "gpu_driver",
    "kubelet_disk_type",
    "orchestrator_version",
    "ultra_ssd_enabled",
    "fips_enabled",
    "host_encryption_enabled",
    "enable_host_encryption",
    "node_public_ip_enabled",
    "enable_node_public_ip",
    "workload_runtime",
    "tags",
];

/// `node_pools` attributes with a default in the module's object type, and that default.
const POOL_DEFAULTS: &[(&str, &str)] = &[
    ("mode", "User"),
    ("os_disk_type", "Managed"),
    ("os_type", "Linux"),
    ("priority", "Regular"),
    ("scale_down_mode", "Delete"),
];

/// Reads one instance of a call to the module.
pub fn build(call: &Call<'_>) -> Adapted {
    let mut out = Adapted::default();
    let region = region(call);
    out.resources.push(cluster(call, &region, &mut out.errors));
    node_pools(call, &region, &mut out);
    out
}

/// A value the module uses, and where the caller wrote it (`None` for a module default).
#[derive(Clone)]
struct Arg {
    value: Value,
    at: Option<Location>,
}

impl Arg {
    fn default(value: Value) -> Arg {
        Arg { value, at: None }
    }
}

/// A top-level input as the module sees it: the caller's value (a `null` passed to a
/// nullable variable stays null, as in Terraform), else the module's default.
fn input(call: &Call<'_>, name: &str, default: Value, nullable: bool) -> Arg {
    match call.inputs.get(name) {
        Some(i) if nullable || !i.value.is_null() => Arg {
            value: i.value.clone(),
            at: call.written(name, &[]),
        },
        _ => Arg::default(default),
    }
}

fn string(s: &str) -> Value {
    Value::string(s)
}

/// The attributes of a resource being built, with where each one is written.
struct Attributes {
    map: Map,
    at: BTreeMap<String, Location>,
    /// `default_node_pool.` for the pool block inside the cluster.
    prefix: &'static str,
}

impl Attributes {
    fn new(prefix: &'static str) -> Attributes {
        Attributes {
            map: Map::new(),
            at: BTreeMap::new(),
            prefix,
        }
    }

    /// Sets an argument; a null one is left out, as Terraform leaves it unset.
    fn set(&mut self, name: &str, arg: Arg) {
        if arg.value.is_null() {
            return;
        }
        if let Some(at) = arg.at {
            self.at.insert(format!("{}{name}", self.prefix), at);
        }
        self.map.insert(name, arg.value);
    }
}

/// The module's `location`. Before v10 an unset one is the resource group's, read by a
/// data source when Terraform runs; from v10 it is required.
fn region(call: &Call<'_>) -> Arg {
    if call.input("location").is_some() {
        return input(call, "location", Value::Null, true);
    }
    let group = match call.input("resource_group_name") {
        Some(Value::String(g)) => format!("resource group \"{g}\""),
        _ => "the resource group".to_string(),
    };
    Arg::default(Value::unknown(format!(
        "{} sets no location: the module then takes the location of {group}, read when Terraform runs (from v10 of the module `location` is required)",
        call.address
    )))
}

fn cluster_address(call: &Call<'_>) -> String {
    format!("{}.cluster", call.address)
}

/// `azurerm_kubernetes_cluster.main.id` inside the module: known after apply.
fn cluster_id(call: &Call<'_>) -> Value {
    Value::Unknown(Unknown::referring_to(
        format!("{}.id is known only after apply", cluster_address(call)),
        cluster_address(call),
    ))
}

/// `coalesce(var.cluster_name, trim("${var.prefix}-aks", "-"))`.
fn cluster_name(call: &Call<'_>) -> Arg {
    if call.input("cluster_name").is_some() {
        return input(call, "cluster_name", Value::Null, true);
    }
    let prefix = input(call, "prefix", string(""), true);
    let value = match &prefix.value {
        Value::String(p) => string(format!("{p}-aks").trim_matches('-')),
        Value::Unknown(u) => Value::Unknown(u.clone()),
        _ => Value::Null,
    };
    Arg {
        value,
        at: prefix.at,
    }
}

/// `merge(a, b)` as Terraform evaluates it, unknown maps included; `None` when either
/// is not a map (the error is reported by the caller).
fn merge(a: Value, b: Value) -> Option<Value> {
    let merge = functions::lookup("merge")?;
    (merge.call)(vec![a, b]).ok()
}

/// The cluster, with its default node pool from the `agents_*` inputs.
fn cluster(call: &Call<'_>, region: &Arg, errors: &mut Vec<InputError>) -> EvaluatedResource {
    let tags = input(call, "tags", Value::Map(Map::new()), true);
    let mut cluster = Attributes::new("");
    cluster.set("name", cluster_name(call));
    cluster.set("location", region.clone());
    cluster.set(
        "resource_group_name",
        input(call, "resource_group_name", Value::Null, true),
    );
    cluster.set(
        "kubernetes_version",
        input(call, "kubernetes_version", Value::Null, true),
    );
    cluster.set("sku_tier", input(call, "sku_tier", string("Free"), true));
    cluster.set("tags", tags.clone());

    let mut pool = Attributes::new("default_node_pool.");
    pool.set(
        "name",
        input(call, "agents_pool_name", string("nodepool"), false),
    );
    pool.set(
        "vm_size",
        input(call, "agents_size", string("Standard_D2s_v3"), true),
    );
    let (switch, autoscaling) = AUTOSCALING
        .iter()
        .find(|name| call.inputs.contains_key(**name))
        .map(|name| (*name, input(call, name, Value::Null, true)))
        .unwrap_or((AUTOSCALING[0], Arg::default(Value::Bool(false))));
    // The module writes two `default_node_pool` blocks and keeps one, by
    // `var.enable_auto_scaling == true`; when the switch is unknown, so is the choice.
    let (fixed, scaled) = match &autoscaling.value {
        Value::Bool(true) => (false, true),
        Value::Unknown(_) => (true, true),
        _ => (true, false),
    };
    pool.set(switch, autoscaling);
    if fixed {
        pool.set(
            "node_count",
            input(call, "agents_count", Value::Number(2.0), true),
        );
    }
    if scaled {
        pool.set(
            "min_count",
            input(call, "agents_min_count", Value::Null, true),
        );
        pool.set(
            "max_count",
            input(call, "agents_max_count", Value::Null, true),
        );
    }
    pool.set(
        "max_pods",
        input(call, "agents_max_pods", Value::Null, true),
    );
    pool.set(
        "node_labels",
        input(call, "agents_labels", Value::Map(Map::new()), true),
    );
    pool.set(
        "node_taints",
        input(call, "agents_taints", Value::Null, true),
    );
    pool.set(
        "zones",
        input(call, "agents_availability_zones", Value::Null, true),
    );
    pool.set(
        "os_disk_size_gb",
        input(call, "os_disk_size_gb", Value::Number(50.0), true),
    );
    pool.set(
        "os_disk_type",
        input(call, "os_disk_type", string("Managed"), false),
    );
    pool.set(
        "type",
        input(call, "agents_type", string("VirtualMachineScaleSets"), true),
    );
    let agents_tags = input(call, "agents_tags", Value::Map(Map::new()), true);
    let pool_tags_at = agents_tags.at.clone().or_else(|| tags.at.clone());
    match merge(tags.value, agents_tags.value) {
        Some(value) => pool.set(
            "tags",
            Arg {
                value,
                at: pool_tags_at,
            },
        ),
        None => errors.push(
            InputError::new(
                pool_tags_at.unwrap_or_else(|| call.header.clone()),
                format!(
                    "`tags` and `agents_tags` of {} must be maps of strings",
                    call.address
                ),
            )
            .with_help("write them as { key = \"value\" } maps"),
        ),
    }

    cluster
        .map
        .insert("default_node_pool", Value::List(vec![Value::Map(pool.map)]));
    cluster.at.extend(pool.at);
    call.resource(
        CLUSTER,
        "cluster",
        None,
        call.header.clone(),
        cluster.at,
        cluster.map,
    )
}

/// One resource per entry of `node_pools`; one standing for all of them when the set of
/// pools (or part of it) is unknown.
fn node_pools(call: &Call<'_>, region: &Arg, out: &mut Adapted) {
    let Some(given) = call.inputs.get("node_pools") else {
        return;
    };
    match &given.value {
        // Not nullable: null is the default, no pools.
        Value::Null => {}
        Value::Unknown(u) => out.resources.push(unknown_pools(call, region, u)),
        Value::Map(pools) => {
            for (key, pool) in &pools.entries {
                match node_pool(call, region, key, pool) {
                    Ok((resource, errors)) => {
                        out.resources.push(resource);
                        out.errors.extend(errors);
                    }
                    Err(e) => out.errors.push(e),
                }
            }
            if let Some(u) = &pools.more {
                out.resources.push(unknown_pools(call, region, u));
            }
        }
        other => out.errors.push(
            InputError::new(
                call.location("node_pools", &[]),
                format!(
                    "`node_pools` of {} is a {}, but the module takes a map of node pool objects",
                    call.address,
                    other.type_name()
                ),
            )
            .with_help("write node_pools = { gpu = { name = \"gpu\", vm_size = \"...\" } }"),
        ),
    }
}

/// The pools whose keys are unknown: one key-less record, so their cost is reported as
/// unknown rather than dropped.
fn unknown_pools(call: &Call<'_>, region: &Arg, why: &Unknown) -> EvaluatedResource {
    let mut pool = Attributes::new("");
    pool.set("location", region.clone());
    pool.map.insert("kubernetes_cluster_id", cluster_id(call));
    for name in ["name", "vm_size", "tags"] {
        pool.map.insert(name, Value::Unknown(why.clone()));
    }
    let mut resource = call.resource(
        NODE_POOL,
        "node_pools",
        None,
        call.location("node_pools", &[]),
        pool.at,
        pool.map,
    );
    resource.instances_unknown = Some(why.clone());
    resource
}

/// The value of one entry of `node_pools`, as the module's object type reads it.
enum PoolValue<'v> {
    Known(&'v Map),
    Unknown(&'v Unknown),
}

impl PoolValue<'_> {
    /// An attribute the caller gave (not null); an open object may hold any of them.
    fn get(&self, name: &str) -> Option<Value> {
        match self {
            PoolValue::Known(m) => m
                .entries
                .get(name)
                .filter(|v| !v.is_null())
                .cloned()
                .or_else(|| m.more.clone().map(Value::Unknown)),
            PoolValue::Unknown(u) => Some(Value::Unknown((*u).clone())),
        }
    }
}

/// One `azurerm_kubernetes_cluster_node_pool`, and what is wrong with its entry.
fn node_pool(
    call: &Call<'_>,
    region: &Arg,
    key: &str,
    value: &Value,
) -> Result<(EvaluatedResource, Vec<InputError>), InputError> {
    let at = call.location("node_pools", &[key]);
    let pool = match value {
        Value::Map(m) => PoolValue::Known(m),
        Value::Unknown(u) => PoolValue::Unknown(u),
        other => {
            return Err(InputError::new(
                at,
                format!(
                    "node pool \"{key}\" of {} is a {}, but the module takes an object",
                    call.address,
                    other.type_name()
                ),
            )
            .with_help("write it as { name = \"...\", vm_size = \"...\" }"));
        }
    };
    let given = |name: &str| -> Arg {
        match pool.get(name) {
            Some(value) => Arg {
                value,
                at: Some(call.location("node_pools", &[key, name])),
            },
            None => Arg::default(Value::Null),
        }
    };
    let mut errors = Vec::new();
    for required in ["name", "vm_size"] {
        if pool.get(required).is_none() {
            errors.push(
                InputError::new(
                    at.clone(),
                    format!(
                        "node pool \"{key}\" of {} has no `{required}`, which the module requires",
                        call.address
                    ),
                )
                .with_help(format!("add {required} = \"...\" to the node pool")),
            );
        }
    }

    let mut attributes = Attributes::new("");
    attributes.set("name", pool_name(&pool, given("name")));
    attributes.set("location", region.clone());
    attributes
        .map
        .insert("kubernetes_cluster_id", cluster_id(call));
    for name in POOL_ARGUMENTS {
        attributes.set(name, given(name));
    }
    for (name, default) in POOL_DEFAULTS {
        let arg = match pool.get(name) {
            Some(_) => given(name),
            None => Arg::default(string(default)),
        };
        attributes.set(name, arg);
    }
    let resource = call.resource(
        NODE_POOL,
        "node_pools",
        Some(key),
        at,
        attributes.at,
        attributes.map,
    );
    Ok((resource, errors))
}

/// With `create_before_destroy` (the default) the module adds four random characters to
/// the pool's name, so the name is known only after apply.
fn pool_name(pool: &PoolValue<'_>, name: Arg) -> Arg {
    let suffixed = match pool.get("create_before_destroy") {
        None | Some(Value::Bool(true)) => true,
        Some(Value::Unknown(u)) => {
            return Arg {
                value: Value::Unknown(u),
                at: name.at,
            }
        }
        Some(_) => false,
    };
    match (&name.value, suffixed) {
        (Value::String(n), true) => Arg {
            value: Value::unknown(format!(
                "the module names the pool \"{n}\" plus four random characters, known only after apply"
            )),
            at: name.at,
        },
        _ => name,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

    use crate::load::terraform::facts::{arg, resources_of};
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
            let adapter = super::super::adapter_for(source);
            assert_eq!(
                adapter.map(|a| (a.module, a.provider)),
                Some(("Azure/aks/azurerm", "azurerm")),
                "{source}"
            );
        }
        assert!(super::super::adapter_for("Azure/aks/azurerm//modules/other").is_none());
    }
}
