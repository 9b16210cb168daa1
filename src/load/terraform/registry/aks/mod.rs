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

use super::{merge, Adapted, Call};
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
    match merge(vec![tags.value, agents_tags.value]) {
        Ok(value) => pool.set(
            "tags",
            Arg {
                value,
                at: pool_tags_at,
            },
        ),
        Err(_) => errors.push(
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
mod tests;
