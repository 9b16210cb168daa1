//! The module's node pools: one `google_container_node_pool` per entry of `node_pools`
//! (default `[{ name = "default-node-pool" }]`), keyed by its `name`, with the module's
//! per-pool defaults (`lookup(each.value, "min_count", 1)`, ...) and the pool's entries of
//! `node_pools_labels`, `node_pools_resource_labels` and `node_pools_tags` merged over
//! their `all` entries (`labels.rs`). Counts stay per zone, as the module passes them:
//! the facts reader multiplies them by the zones in `node_locations`.

use std::collections::BTreeMap;

use super::labels::{by_pool, pool_maps};
use super::{entry, list_elements, note, Kind, Naming, Placement, Reader};
use crate::load::terraform::ast::Expr;
use crate::load::terraform::instance::EvaluatedResource;
use crate::model::{Location, Map, Unknown, Value};

use super::super::Call;

/// One entry of `node_pools` and where it is written.
struct Pool<'e> {
    name: String,
    map: &'e Map,
    /// The literal written for this pool, when the list is a literal.
    expr: Option<&'e Expr>,
    /// The pool's entry, else the `node_pools` input.
    at: Location,
}

impl Pool<'_> {
    /// `lookup(each.value, key, ...)` before the default: the value when the key is
    /// present (null included), unknown when the map may hold more keys.
    fn lookup(&self, key: &str) -> Option<Value> {
        match self.map.entries.get(key) {
            Some(v) => Some(v.clone()),
            None => self.map.more.clone().map(Value::Unknown),
        }
    }

    /// `contains(keys(each.value), key)`.
    fn has(&self, key: &str) -> Value {
        match (self.map.entries.contains_key(key), &self.map.more) {
            (true, _) => Value::Bool(true),
            (false, Some(u)) => Value::Unknown(u.clone()),
            (false, None) => Value::Bool(false),
        }
    }

    /// Where `key` is written in the pool's literal.
    fn written(&self, call: &Call<'_>, key: &str) -> Option<Location> {
        self.expr
            .and_then(|e| entry(e, key))
            .map(|e| call.entry_location(e))
    }
}

/// The resources of every pool; one key-less resource stands for pools whose existence
/// or name is unknown.
pub(super) fn read(
    reader: &mut Reader<'_, '_>,
    placement: &Placement,
    naming: Naming,
) -> Vec<EvaluatedResource> {
    let call = reader.call;
    let default_pool = default_pools();
    let items: &[Value] = match call.input("node_pools") {
        None => &default_pool,
        Some(Value::Unknown(u)) => return vec![unknown_pools(reader, placement, u.clone())],
        Some(v) => match v.as_elements() {
            Some(items) => items,
            None => {
                reader.error(
                    call.location("node_pools", &[]),
                    format!(
                        "`node_pools` must be a list of maps, not a {}",
                        v.type_name()
                    ),
                );
                return Vec::new();
            }
        },
    };
    let exprs = call
        .inputs
        .get("node_pools")
        .and_then(|i| list_elements(i.expr))
        .filter(|e| e.len() == items.len());
    let mut pools: BTreeMap<String, Pool<'_>> = BTreeMap::new();
    let mut unknown: Option<Unknown> = None;
    for (i, item) in items.iter().enumerate() {
        let expr = exprs.as_ref().and_then(|e| e.get(i).copied());
        let at = expr.map_or_else(
            || call.location("node_pools", &[]),
            |e| call.file.location(e.span),
        );
        let Value::Map(map) = item else {
            match item {
                Value::Unknown(u) => {
                    unknown.get_or_insert_with(|| u.clone());
                }
                other => reader.error(
                    at,
                    format!("node_pools[{i}] must be a map, not a {}", other.type_name()),
                ),
            }
            continue;
        };
        let name = match map.entries.get("name") {
            Some(v) => reader.typed(v, Kind::String, &format!("node_pools[{i}].name"), &at),
            None => match &map.more {
                Some(u) => Value::Unknown(u.clone()),
                None => {
                    reader.error(at, format!("node_pools[{i}] has no `name`"));
                    continue;
                }
            },
        };
        let name = match name {
            Value::String(s) => s,
            Value::Unknown(u) => {
                unknown.get_or_insert(u);
                continue;
            }
            _ => {
                reader.error(at, format!("node_pools[{i}].name is null"));
                continue;
            }
        };
        if pools.contains_key(&name) {
            reader.error(
                at.clone(),
                format!(
                    "two node pools are named \"{name}\"; the module keeps one of them (which \
                     one depends on Terraform's set order), so the last one written is read"
                ),
            );
        }
        pools.insert(
            name.clone(),
            Pool {
                name,
                map,
                expr,
                at,
            },
        );
    }
    let mut out: Vec<EvaluatedResource> = pools
        .values()
        .map(|pool| known_pool(reader, placement, naming, pool))
        .collect();
    if let Some(u) = unknown {
        out.push(unknown_pools(reader, placement, u));
    }
    out
}

/// The module's default `node_pools`.
fn default_pools() -> Vec<Value> {
    let mut pool = Map::new();
    pool.insert("name", Value::string("default-node-pool"));
    vec![Value::Map(pool)]
}

/// The first pool's machine type, which the cluster's default node pool uses
/// (`lookup(var.node_pools[0], "machine_type", "e2-medium")`), and where it is written.
pub(super) fn first_machine_type(call: &Call<'_>) -> (Value, Option<Location>) {
    let first = match call.input("node_pools") {
        None => return (Value::string("e2-medium"), None),
        Some(Value::Unknown(u)) => return (Value::Unknown(u.clone()), None),
        Some(v) => v.as_elements().and_then(<[Value]>::first),
    };
    let at = call
        .inputs
        .get("node_pools")
        .and_then(|i| list_elements(i.expr))
        .and_then(|e| e.first().copied())
        .and_then(|e| entry(e, "machine_type"))
        .map(|e| call.entry_location(e));
    let value = match first {
        Some(Value::Map(m)) => match (m.entries.get("machine_type"), &m.more) {
            (Some(v), _) => v.clone(),
            (None, Some(u)) => Value::Unknown(u.clone()),
            (None, None) => Value::string("e2-medium"),
        },
        Some(Value::Unknown(u)) => Value::Unknown(u.clone()),
        _ => Value::string("e2-medium"),
    };
    (value, at)
}

fn known_pool(
    reader: &mut Reader<'_, '_>,
    placement: &Placement,
    naming: Naming,
    pool: &Pool<'_>,
) -> EvaluatedResource {
    let call = reader.call;
    let mut attributes = Map::new();
    let mut locations = BTreeMap::new();
    let name = match naming {
        Naming::AsWritten => Value::string(pool.name.clone()),
        Naming::RandomSuffix => Value::unknown(format!(
            "the update variant names the pool \"{}-\" followed by random hex digits",
            pool.name
        )),
    };
    attributes.insert("name", name);
    note(&mut locations, "name", pool.written(call, "name"));
    common_attributes(&mut attributes, &mut locations, placement);

    // A pool's own comma-separated node_locations, else the cluster's zones.
    let zones = match pool.lookup("node_locations") {
        Some(Value::String(s)) if !s.is_empty() => {
            Some(Value::List(s.split(',').map(Value::string).collect()))
        }
        Some(Value::Unknown(u)) => Some(Value::Unknown(u)),
        _ => None,
    };
    match zones {
        Some(z) => {
            attributes.insert("node_locations", z);
            note(
                &mut locations,
                "node_locations",
                pool.written(call, "node_locations"),
            );
        }
        None => {
            attributes.insert("node_locations", placement.pool_zones.clone());
            note(&mut locations, "node_locations", placement.zones_at.clone());
        }
    }

    counts(reader, pool, &mut attributes, &mut locations);

    let mut config = Map::new();
    let settings = [
        ("machine_type", Kind::String, Value::string("e2-medium")),
        ("image_type", Kind::String, Value::string("COS_CONTAINERD")),
        ("disk_size_gb", Kind::Number, Value::Number(100.0)),
        ("disk_type", Kind::String, Value::string("pd-standard")),
        ("preemptible", Kind::Bool, Value::Bool(false)),
        ("spot", Kind::Bool, Value::Bool(false)),
    ];
    for (key, kind, default) in settings {
        let value = field(reader, pool, key, kind).unwrap_or(default);
        config.insert(key, value);
        note(
            &mut locations,
            &format!("node_config.{key}"),
            pool.written(call, key),
        );
    }
    config.insert("guest_accelerator", accelerator(reader, pool));
    let accelerator_at = pool
        .written(call, "accelerator_count")
        .or_else(|| pool.written(call, "accelerator_type"));
    note(
        &mut locations,
        "node_config.guest_accelerator",
        accelerator_at,
    );
    for (path, value, at) in pool_maps(reader, placement, &pool.name) {
        config.insert(path, value);
        note(&mut locations, &format!("node_config.{path}"), at);
    }
    attributes.insert("node_config", Value::List(vec![Value::Map(config)]));
    // Where the node configuration is written, for facts that fall back to it.
    if call.inputs.contains_key("node_pools") {
        locations.insert("node_config".to_string(), pool.at.clone());
    }

    call.resource(
        "google_container_node_pool",
        "node_pools",
        Some(&pool.name),
        pool.at.clone(),
        locations,
        attributes,
    )
}

/// The cluster, location and zones every pool shares.
fn common_attributes(
    attributes: &mut Map,
    locations: &mut BTreeMap<String, Location>,
    placement: &Placement,
) {
    attributes.insert("cluster", placement.name.clone());
    if let Some(location) = &placement.location {
        attributes.insert("location", location.clone());
        note(locations, "location", placement.location_at.clone());
    }
}

/// A pool value converted to the type the provider argument takes.
fn field(reader: &mut Reader<'_, '_>, pool: &Pool<'_>, key: &str, kind: Kind) -> Option<Value> {
    let value = pool.lookup(key)?;
    let at = pool
        .written(reader.call, key)
        .unwrap_or_else(|| pool.at.clone());
    Some(reader.typed(
        &value,
        kind,
        &format!("node_pools[\"{}\"].{key}", pool.name),
        &at,
    ))
}

/// `initial_node_count` and the `autoscaling` block, or a fixed `node_count` when
/// `autoscaling = false`. Per-zone limits are left out when the matching total is set.
fn counts(
    reader: &mut Reader<'_, '_>,
    pool: &Pool<'_>,
    attributes: &mut Map,
    locations: &mut BTreeMap<String, Location>,
) {
    let call = reader.call;
    let autoscaling = field(reader, pool, "autoscaling", Kind::Bool).unwrap_or(Value::Bool(true));
    match autoscaling {
        Value::Bool(false) => {
            let count = field(reader, pool, "node_count", Kind::Number);
            attributes.insert("node_count", count.unwrap_or(Value::Number(1.0)));
            note(locations, "node_count", pool.written(call, "node_count"));
        }
        Value::Bool(true) => {
            let (initial, initial_at) =
                match field(reader, pool, "initial_node_count", Kind::Number) {
                    Some(v) => (v, pool.written(call, "initial_node_count")),
                    None => match field(reader, pool, "min_count", Kind::Number) {
                        Some(v) => (v, pool.written(call, "min_count")),
                        None => (Value::Number(1.0), None),
                    },
                };
            attributes.insert("initial_node_count", initial);
            note(locations, "initial_node_count", initial_at);
            let mut block = Map::new();
            for (per_zone, total, arg, default) in [
                ("min_count", "total_min_count", "min_node_count", 1.0),
                ("max_count", "total_max_count", "max_node_count", 100.0),
            ] {
                let value = match pool.has(total) {
                    Value::Bool(true) => None,
                    Value::Unknown(u) => Some(Value::Unknown(u)),
                    _ => Some(
                        field(reader, pool, per_zone, Kind::Number)
                            .unwrap_or(Value::Number(default)),
                    ),
                };
                if let Some(v) = value {
                    block.insert(arg, v);
                    note(
                        locations,
                        &format!("autoscaling.{arg}"),
                        pool.written(call, per_zone),
                    );
                }
                if let Some(v) = field(reader, pool, total, Kind::Number) {
                    let arg = format!("total_{arg}");
                    block.insert(arg.clone(), v);
                    note(
                        locations,
                        &format!("autoscaling.{arg}"),
                        pool.written(call, total),
                    );
                }
            }
            if let Some(v) = field(reader, pool, "location_policy", Kind::String) {
                block.insert("location_policy", v);
            }
            attributes.insert("autoscaling", Value::List(vec![Value::Map(block)]));
        }
        other => {
            // Whether the pool autoscales decides which counts exist.
            let unknown = match other {
                Value::Null => {
                    let what = format!("node_pools[\"{}\"].autoscaling", pool.name);
                    let at = pool
                        .written(call, "autoscaling")
                        .unwrap_or_else(|| pool.at.clone());
                    reader.error(
                        at,
                        format!("{what} is null; the module needs true or false"),
                    );
                    Value::unknown(format!("{what} is null"))
                }
                unknown => unknown,
            };
            attributes.insert("node_count", unknown.clone());
            attributes.insert("autoscaling", unknown);
            note(locations, "node_count", pool.written(call, "autoscaling"));
        }
    }
}

/// `guest_accelerator`: one block when `accelerator_count` (default 0) is above zero.
fn accelerator(reader: &mut Reader<'_, '_>, pool: &Pool<'_>) -> Value {
    let count =
        field(reader, pool, "accelerator_count", Kind::Number).unwrap_or(Value::Number(0.0));
    match count {
        Value::Number(n) if n > 0.0 => {
            let gpu_type = field(reader, pool, "accelerator_type", Kind::String)
                .unwrap_or_else(|| Value::string(""));
            let mut block = Map::new();
            block.insert("type", gpu_type);
            block.insert("count", Value::Number(n));
            Value::List(vec![Value::Map(block)])
        }
        unknown @ Value::Unknown(_) => unknown,
        _ => Value::List(Vec::new()),
    }
}

/// One resource for pools that may or may not exist: its count is unknown, and so is
/// everything a pool sets; only what every pool shares is known.
fn unknown_pools(
    reader: &mut Reader<'_, '_>,
    placement: &Placement,
    why: Unknown,
) -> EvaluatedResource {
    let call = reader.call;
    let unknown = Value::Unknown(why.clone());
    let mut attributes = Map::new();
    let mut locations = BTreeMap::new();
    attributes.insert("name", unknown.clone());
    common_attributes(&mut attributes, &mut locations, placement);
    attributes.insert("node_locations", unknown.clone());
    attributes.insert("node_count", unknown.clone());
    let mut config = Map::new();
    for key in [
        "machine_type",
        "disk_size_gb",
        "disk_type",
        "spot",
        "preemptible",
        "guest_accelerator",
        "labels",
        "tags",
    ] {
        config.insert(key, unknown.clone());
    }
    // Every pool gets the `all` resource labels; a pool's own may add or change some.
    let (_, labels, labels_at) = by_pool(
        reader,
        "node_pools_resource_labels",
        "resource_labels",
        Err(why.clone()),
        Vec::new(),
    );
    config.insert("resource_labels", labels);
    note(&mut locations, "node_config.resource_labels", labels_at);
    attributes.insert("node_config", Value::List(vec![Value::Map(config)]));
    let at = call.location("node_pools", &[]);
    let mut r = call.resource(
        "google_container_node_pool",
        "node_pools",
        None,
        at,
        locations,
        attributes,
    );
    r.instances_unknown = r.instances_unknown.or(Some(why));
    r
}
