//! terraform-google-modules/kubernetes-engine/google, read from its inputs: the cluster
//! (`module.gke.cluster`, a `google_container_cluster` priced as the GKE control plane) and
//! one `google_container_node_pool` per entry of `node_pools`
//! (`module.gke.node_pools["gpu-pool"]`, see `pools.rs`).
//!
//! The defaults are those of module v36.0 (`variables.tf`, `variables_defaults.tf`,
//! `main.tf` and `cluster.tf` as generated from `autogen/main`); the root module and the
//! private, beta and update-variant submodules read `node_pools` the same way, the beta
//! ones through the `google-beta` provider. Where the cluster runs follows the module's
//! locals: a regional cluster (`regional`, default true) is in `region` with nodes in
//! `zones`, or in three zones the module picks at random when `zones` is empty; a zonal
//! cluster is in `zones[0]` with the other zones as extra node locations.

mod labels;
mod pools;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use super::{object_entry, Adapted, Adapter, Call};
use crate::load::terraform::ast::{Expr, ExprKind};
use crate::load::terraform::convert;
use crate::load::terraform::instance::EvaluatedResource;
use crate::model::{InputError, Location, Map, Unknown, Value};

/// The module's registry address, as the adapter table names it.
const MODULE: &str = "terraform-google-modules/kubernetes-engine/google";

/// What a regional cluster's zones are when `zones` is empty: `random_shuffle` over the
/// region's zones with `result_count = 3` (every Google Cloud region has at least three).
const RANDOM_ZONES: &str =
    "the module picks 3 of the region's zones at random when `zones` is empty";

/// A row of the adapter table for the module or one of its submodules.
pub(super) const fn row(
    submodule: &'static str,
    provider: &'static str,
    build: fn(&Call<'_>) -> Adapted,
) -> Adapter {
    Adapter {
        module: MODULE,
        submodule,
        provider,
        build,
    }
}

/// The root module and the submodules that name each pool after its `name`.
pub fn build(call: &Call<'_>) -> Adapted {
    read(call, Naming::AsWritten)
}

/// The `*-update-variant` submodules, which add a random suffix to each pool's name so a
/// changed pool is created before the old one is destroyed.
pub fn build_update_variant(call: &Call<'_>) -> Adapted {
    read(call, Naming::RandomSuffix)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Naming {
    AsWritten,
    RandomSuffix,
}

fn read(call: &Call<'_>, naming: Naming) -> Adapted {
    let mut reader = Reader {
        call,
        errors: Vec::new(),
    };
    let placement = reader.placement();
    let mut resources = vec![reader.cluster(&placement)];
    resources.extend(pools::read(&mut reader, &placement, naming));
    Adapted {
        resources,
        notes: Vec::new(),
        errors: reader.errors,
    }
}

/// The Terraform type an input or pool value is converted to.
#[derive(Clone, Copy)]
enum Kind {
    Number,
    Bool,
    String,
}

/// Reads one module instance, collecting what is wrong with its inputs.
struct Reader<'c, 'a> {
    call: &'c Call<'a>,
    errors: Vec<InputError>,
}

/// Where the cluster runs, as the module's locals decide it.
struct Placement {
    /// `var.name`, which the pools name as their cluster.
    name: Value,
    /// The region, or the first zone of a zonal cluster; `None` when `region` is not set.
    location: Option<Value>,
    location_at: Option<Location>,
    /// The cluster's `node_locations` (a zonal cluster's zones after the first).
    node_locations: Value,
    /// The zones a pool without its own `node_locations` runs in.
    pool_zones: Value,
    zones_at: Option<Location>,
}

impl Reader<'_, '_> {
    /// Converts a value to the type the module declares, as Terraform does; a value that
    /// does not convert is an error at `at` and unknown from then on. Null stays null.
    fn typed(&mut self, value: &Value, kind: Kind, what: &str, at: &Location) -> Value {
        let converted = match kind {
            Kind::Number => convert::to_number(value).map(|n| n.map(Value::Number)),
            Kind::Bool => convert::to_bool(value).map(|b| b.map(Value::Bool)),
            Kind::String => convert::to_string(value).map(|s| s.map(Value::String)),
        };
        match (value, converted) {
            (Value::Null, _) => Value::Null,
            (_, Ok(Some(v))) => v,
            (_, Ok(None)) => value.clone(),
            (_, Err(e)) => {
                self.error(at.clone(), format!("{what}: {e}"));
                Value::unknown(format!("{what} is not valid: {e}"))
            }
        }
    }

    /// An input converted to its declared type, or `None` when absent or null.
    fn input(&mut self, name: &str, kind: Kind) -> Option<Value> {
        let value = self.call.input(name)?.clone();
        let at = self.call.location(name, &[]);
        Some(self.typed(&value, kind, name, &at))
    }

    fn error(&mut self, at: Location, message: String) {
        self.errors.push(
            InputError::new(at, format!("{} ({MODULE}): {message}", self.call.address))
                .with_help("see the module's documentation of its inputs"),
        );
    }

    fn placement(&mut self) -> Placement {
        let call = self.call;
        let name = match self.input("name", Kind::String) {
            Some(v) => v,
            None => {
                self.error(call.header.clone(), "the input `name` is required".into());
                Value::unknown("the cluster's `name` is not set")
            }
        };
        let regional = self
            .input("regional", Kind::Bool)
            .unwrap_or(Value::Bool(true));
        let region = self.input("region", Kind::String);
        let zones_at = call.written("zones", &[]);
        let zones: Result<Vec<Value>, Unknown> = match call.input("zones") {
            None => Ok(Vec::new()),
            Some(Value::Unknown(u)) => Err(u.clone()),
            Some(v) => match v.as_elements() {
                Some(items) => {
                    let at = call.location("zones", &[]);
                    Ok(items
                        .iter()
                        .map(|z| self.typed(z, Kind::String, "zones", &at))
                        .collect())
                }
                None => {
                    self.error(
                        call.location("zones", &[]),
                        format!(
                            "`zones` must be a list of zone names, not a {}",
                            v.type_name()
                        ),
                    );
                    Err(Unknown::new("`zones` is not a list"))
                }
            },
        };
        // compact() drops empty names.
        let compacted = zones.clone().map(|z| {
            z.into_iter()
                .filter(|v| v.as_str() != Some(""))
                .collect::<Vec<_>>()
        });
        match regional {
            Value::Bool(false) => {
                let (location, node_locations, pool_zones) = match zones {
                    Err(u) => (
                        Some(Value::Unknown(u.clone())),
                        Value::Unknown(u.clone()),
                        Value::Unknown(u),
                    ),
                    Ok(z) => match z.split_first() {
                        Some((first, rest)) => (
                            Some(first.clone()),
                            Value::List(rest.to_vec()),
                            Value::List(z.clone()),
                        ),
                        None => {
                            self.error(
                                call.location("regional", &[]),
                                "a zonal cluster (`regional = false`) needs `zones`".into(),
                            );
                            let why = Unknown::new("a zonal cluster without `zones`");
                            (None, Value::List(Vec::new()), Value::Unknown(why))
                        }
                    },
                };
                Placement {
                    name,
                    location,
                    location_at: zones_at.clone(),
                    node_locations,
                    pool_zones,
                    zones_at,
                }
            }
            Value::Bool(true) => {
                let node_locations = match compacted {
                    Err(u) => Value::Unknown(u),
                    Ok(z) if !z.is_empty() => Value::List(z),
                    Ok(_) => Value::List(vec![Value::unknown(RANDOM_ZONES); 3]),
                };
                Placement {
                    name,
                    location: region,
                    location_at: call.written("region", &[]),
                    pool_zones: node_locations.clone(),
                    node_locations,
                    zones_at,
                }
            }
            unknown => {
                let u = unknown
                    .as_unknown()
                    .cloned()
                    .unwrap_or_else(|| Unknown::new("`regional` is not a bool"));
                // Regional or zonal, a pool spans every zone listed.
                let pool_zones = match compacted {
                    Ok(z) if !z.is_empty() => Value::List(z),
                    _ => Value::Unknown(u.clone()),
                };
                Placement {
                    name,
                    location: Some(Value::Unknown(u.clone())),
                    location_at: call.written("regional", &[]),
                    node_locations: Value::Unknown(u),
                    pool_zones,
                    zones_at,
                }
            }
        }
    }

    /// `google_container_cluster.primary`: the control plane, and the default node pool
    /// the module keeps unless `remove_default_node_pool` is set (`initial_node_count`
    /// nodes, default 0, of the first pool's machine type).
    fn cluster(&mut self, placement: &Placement) -> EvaluatedResource {
        let call = self.call;
        let mut attributes = Map::new();
        let mut locations = BTreeMap::new();
        attributes.insert("name", placement.name.clone());
        note(&mut locations, "name", call.written("name", &[]));
        if let Some(location) = &placement.location {
            attributes.insert("location", location.clone());
            note(&mut locations, "location", placement.location_at.clone());
        }
        // An empty list is what the provider reads as unset.
        if placement.node_locations.as_elements() != Some(&[]) {
            attributes.insert("node_locations", placement.node_locations.clone());
            note(&mut locations, "node_locations", placement.zones_at.clone());
        }
        let labels = match self.call.input("cluster_resource_labels") {
            Some(v) => v.clone(),
            None => Value::Map(Map::new()),
        };
        attributes.insert("resource_labels", labels);
        note(
            &mut locations,
            "resource_labels",
            call.written("cluster_resource_labels", &[]),
        );
        let removed = self
            .input("remove_default_node_pool", Kind::Bool)
            .unwrap_or(Value::Bool(false));
        let initial = self
            .input("initial_node_count", Kind::Number)
            .unwrap_or(Value::Number(0.0));
        let no_default_nodes = removed == Value::Bool(true) || initial == Value::Number(0.0);
        for (input, value) in [
            ("remove_default_node_pool", removed),
            ("initial_node_count", initial),
        ] {
            attributes.insert(input, value);
            note(&mut locations, input, call.written(input, &[]));
        }
        let (machine_type, machine_type_at) = pools::first_machine_type(call);
        // A default pool without nodes costs nothing whatever its type: an unknown type
        // there must not make the cluster's estimate incomplete.
        if !(no_default_nodes && matches!(machine_type, Value::Unknown(_))) {
            let mut node_config = Map::new();
            node_config.insert("machine_type", machine_type);
            attributes.insert("node_config", Value::List(vec![Value::Map(node_config)]));
            note(&mut locations, "node_config.machine_type", machine_type_at);
        }
        call.resource(
            "google_container_cluster",
            "cluster",
            None,
            call.header.clone(),
            locations,
            attributes,
        )
    }
}

fn note(locations: &mut BTreeMap<String, Location>, path: &str, at: Option<Location>) {
    if let Some(at) = at {
        locations.insert(path.to_string(), at);
    }
}

/// The expressions of a list literal element by element: `[a, b]`, or `concat` of list
/// literals. `None` when the list is built any other way.
fn list_elements(expr: &Expr) -> Option<Vec<&Expr>> {
    match &expr.kind {
        ExprKind::Array(items) => Some(items.iter().collect()),
        ExprKind::Call {
            name,
            args,
            expand_final: false,
        } if name == "concat" => {
            let mut out = Vec::new();
            for a in args {
                out.extend(list_elements(a)?);
            }
            Some(out)
        }
        _ => None,
    }
}

/// The expression written for `key` in an object literal, or in `merge(...)` of object
/// literals (a later argument wins, so a non-literal argument after the last literal
/// that has the key hides where the value comes from).
fn entry<'e>(expr: &'e Expr, key: &str) -> Option<&'e Expr> {
    match &expr.kind {
        ExprKind::Object(_) => object_entry(expr, key),
        ExprKind::Call {
            name,
            args,
            expand_final: false,
        } if name == "merge" => {
            for a in args.iter().rev() {
                if !matches!(a.kind, ExprKind::Object(_)) {
                    return None;
                }
                if let Some(found) = object_entry(a, key) {
                    return Some(found);
                }
            }
            None
        }
        _ => None,
    }
}
