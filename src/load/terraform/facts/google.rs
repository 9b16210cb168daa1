//! Compute facts of Google Cloud resources: Compute Engine instances with guest
//! accelerators and GKE node pools, whose node counts are per zone.

use std::collections::BTreeMap;

use super::super::instance::EvaluatedResource;
use super::{
    arg, blocks, bool_arg, catalog_accelerator, int_arg, note_location, string_arg, Index,
};
use crate::catalog;
use crate::model::{Accelerator, Capacity, Compute, Fact, Location, UnitCounts, Unknown, Value};

type Locations = BTreeMap<String, Location>;

/// A zone (`us-central1-a`) or region (`us-central1`) → the region.
pub fn region_of(location: &str) -> String {
    match location.rsplit_once('-') {
        Some((region, zone)) if zone.len() == 1 && zone.chars().all(|c| c.is_ascii_lowercase()) => {
            region.to_string()
        }
        _ => location.to_string(),
    }
}

pub fn is_zone(location: &str) -> bool {
    region_of(location) != location
}

/// Whether a list or set value holds the string `s`.
pub fn contains_string(list: &Value, s: &str) -> bool {
    list.as_elements()
        .is_some_and(|items| items.iter().any(|v| v.as_str() == Some(s)))
}

/// The resource's own argument that says its region: `region`, `zone` or `location`, the
/// first one set, with its value.
pub fn region_argument(r: &EvaluatedResource) -> Option<(&'static str, Fact<String>)> {
    ["region", "zone", "location"]
        .into_iter()
        .find_map(|name| Some((name, string_arg(r, name)?)))
}

/// The region: from the resource's `region`, `zone` or `location`, else the provider's.
pub fn region(r: &EvaluatedResource, locations: &mut Locations) -> Fact<String> {
    if let Some((arg_name, f)) = region_argument(r) {
        note_location(r, locations, "region", arg_name);
        return f.map(|s| region_of(&s));
    }
    match (&r.provider.region, &r.provider.zone) {
        (Some(Value::String(s)), _) => Fact::Known(s.clone()),
        (Some(Value::Unknown(u)), _) => Fact::Unknown(u.clone()),
        (_, Some(Value::String(z))) => Fact::Known(region_of(z)),
        (_, Some(Value::Unknown(u))) => Fact::Unknown(u.clone()),
        _ => Fact::Unknown(Unknown::new(format!(
            "provider \"{}\" sets no region or zone (it comes from the environment when Terraform runs)",
            r.provider.address()
        ))),
    }
}

pub fn compute(
    r: &EvaluatedResource,
    index: &Index<'_>,
    locations: &mut Locations,
) -> Option<Compute> {
    match r.resource_type.as_str() {
        "google_compute_instance" => Some(instance(r, locations)),
        "google_container_node_pool" => Some(node_pool(r, index, locations)),
        _ => None,
    }
}

/// Accelerators from `guest_accelerator` blocks under `prefix`, else bundled with the
/// machine type (a2, a3, g2).
fn accelerators(
    r: &EvaluatedResource,
    prefix: &str,
    machine_type: &Fact<String>,
    locations: &mut Locations,
) -> Fact<Option<Accelerator>> {
    let path = format!("{prefix}guest_accelerator");
    let attached = match prefix.strip_suffix('.') {
        Some(parent) => match arg(&r.attributes, parent) {
            Some(Value::Map(m)) => blocks(m, "guest_accelerator")
                .into_iter()
                .cloned()
                .collect::<Vec<_>>(),
            Some(Value::List(items)) => match items.first() {
                Some(Value::Map(m)) => blocks(m, "guest_accelerator")
                    .into_iter()
                    .cloned()
                    .collect(),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        },
        None => blocks(&r.attributes, "guest_accelerator")
            .into_iter()
            .cloned()
            .collect(),
    };
    let Some(first) = attached.first() else {
        return catalog_accelerator("google", machine_type);
    };
    note_location(r, locations, "accelerator_type", &path);
    note_location(r, locations, "accelerator_count", &path);
    let Value::Map(m) = first else {
        return match first {
            Value::Unknown(u) => Fact::Unknown(u.clone()),
            _ => Fact::Known(None),
        };
    };
    let (model, memory_gib) = match m.entries.get("type") {
        Some(Value::String(t)) => match catalog::gpu_type(t) {
            Some(g) => (Fact::Known(g.model.clone()), Some(g.memory_gib)),
            // An unfamiliar name is still the accelerator's name.
            None => (Fact::Known(t.clone()), None),
        },
        Some(Value::Unknown(u)) => (Fact::Unknown(u.clone()), None),
        _ => (
            Fact::Unknown(Unknown::new("guest_accelerator.type is not set")),
            None,
        ),
    };
    let count = match m.entries.get("count") {
        Some(Value::Unknown(u)) => Fact::Unknown(u.clone()),
        Some(v) => match super::super::convert::to_integer(v) {
            Ok(Some(n)) => Fact::Known(n),
            _ => Fact::Unknown(Unknown::new(
                "guest_accelerator.count is not a whole number",
            )),
        },
        None => Fact::Unknown(Unknown::new("guest_accelerator.count is not set")),
    };
    if count == Fact::Known(0) {
        return Fact::Known(None);
    }
    Fact::Known(Some(Accelerator {
        model,
        count,
        memory_gib,
    }))
}

fn instance(r: &EvaluatedResource, locations: &mut Locations) -> Compute {
    note_location(r, locations, "instance_type", "machine_type");
    let machine_type = string_arg(r, "machine_type")
        .unwrap_or_else(|| Fact::Unknown(Unknown::new("machine_type is not set")));
    let accelerator = accelerators(r, "", &machine_type, locations);
    let capacity = scheduling_capacity(r, "scheduling.", locations);
    Compute {
        instance_types: machine_type.clone().map(|t| vec![t]),
        instance_type: machine_type,
        accelerator,
        count: UnitCounts::fixed(1),
        capacity,
        pool: false,
        notes: Vec::new(),
    }
}

/// `scheduling { preemptible = true }` or `provisioning_model = "SPOT"`.
fn scheduling_capacity(
    r: &EvaluatedResource,
    prefix: &str,
    locations: &mut Locations,
) -> Fact<Capacity> {
    let model = string_arg(r, &format!("{prefix}provisioning_model"));
    let preemptible = bool_arg(r, &format!("{prefix}preemptible"));
    if model.is_some() || preemptible.is_some() {
        note_location(r, locations, "capacity_type", prefix.trim_end_matches('.'));
    }
    match (model, preemptible) {
        (Some(Fact::Unknown(u)), _) | (_, Some(Fact::Unknown(u))) => Fact::Unknown(u),
        (Some(Fact::Known(m)), _) if m == "SPOT" => Fact::Known(Capacity::Spot),
        (_, Some(Fact::Known(true))) => Fact::Known(Capacity::Spot),
        _ => Fact::Known(Capacity::OnDemand),
    }
}

/// GKE runs a regional cluster's nodes in this many of the region's zones unless
/// `node_locations` says otherwise.
pub const GKE_DEFAULT_ZONES: i64 = 3;

/// The note for a count that rests on [`GKE_DEFAULT_ZONES`], saying how to state the zones.
pub fn default_zones_note(what: &str, region: &str) -> String {
    format!(
        "{what} is regional ({region}) and node_locations is not set: GKE's default of {GKE_DEFAULT_ZONES} zones is assumed, and node counts are per zone; set node_locations to the zones {what} runs in"
    )
}

/// How many zones a node pool spans: its `node_locations`, else its cluster's, else one
/// when its location is a zone and GKE's default three when it is a region (with a note).
fn zone_count(r: &EvaluatedResource, index: &Index<'_>) -> (Fact<i64>, Option<String>) {
    let from_list = |v: &Value| -> Option<Fact<i64>> {
        match v {
            Value::List(items) | Value::Set(items) => {
                Some(Fact::Known(i64::try_from(items.len()).unwrap_or(i64::MAX)))
            }
            Value::Unknown(u) => Some(Fact::Unknown(u.clone())),
            _ => None,
        }
    };
    if let Some(f) = arg(&r.attributes, "node_locations").and_then(from_list) {
        return (f, None);
    }
    let cluster = arg(&r.attributes, "cluster").and_then(|v| index.referenced(r, v));
    if let Some(c) = cluster {
        if let Some(list) = arg(&c.attributes, "node_locations") {
            if let Some(f) = from_list(list) {
                // A zonal cluster's node_locations leave out its own zone.
                let own_zone = string_arg(c, "location")
                    .and_then(|l| l.known().cloned())
                    .filter(|l| is_zone(l));
                let zones = match (f, own_zone) {
                    (Fact::Known(n), Some(zone)) if !contains_string(list, &zone) => {
                        Fact::Known(n.saturating_add(1))
                    }
                    (f, _) => f,
                };
                return (zones, None);
            }
        }
    }
    let location =
        string_arg(r, "location").or_else(|| cluster.and_then(|c| string_arg(c, "location")));
    match location {
        Some(Fact::Known(l)) if is_zone(&l) => (Fact::Known(1), None),
        Some(Fact::Known(l)) => (
            Fact::Known(GKE_DEFAULT_ZONES),
            Some(default_zones_note("the pool", &l)),
        ),
        Some(Fact::Unknown(u)) => (Fact::Unknown(u), None),
        None => (
            Fact::Unknown(Unknown::new("the pool's location is not set")),
            None,
        ),
    }
}

fn times(a: &Fact<i64>, zones: &Fact<i64>) -> Fact<i64> {
    match (a, zones) {
        (Fact::Known(x), Fact::Known(z)) => Fact::Known(x.saturating_mul(*z)),
        (Fact::Unknown(u), _) | (_, Fact::Unknown(u)) => Fact::Unknown(u.clone()),
    }
}

fn node_pool(r: &EvaluatedResource, index: &Index<'_>, locations: &mut Locations) -> Compute {
    note_location(r, locations, "instance_type", "node_config.machine_type");
    if !locations.contains_key("instance_type") {
        note_location(r, locations, "instance_type", "node_config");
    }
    for (fact, path) in [
        ("count_min", "autoscaling.min_node_count"),
        ("count_max", "autoscaling.max_node_count"),
        ("count_min", "autoscaling.total_min_node_count"),
        ("count_max", "autoscaling.total_max_node_count"),
        ("count_desired", "node_count"),
        ("count_desired", "initial_node_count"),
    ] {
        note_location(r, locations, fact, path);
    }
    // GKE's default machine type.
    let machine_type = string_arg(r, "node_config.machine_type")
        .unwrap_or_else(|| Fact::Known("e2-medium".to_string()));
    let accelerator = accelerators(r, "node_config.", &machine_type, locations);
    let spot = bool_arg(r, "node_config.spot");
    let preemptible = bool_arg(r, "node_config.preemptible");
    if spot.is_some() || preemptible.is_some() {
        note_location(r, locations, "capacity_type", "node_config.spot");
        note_location(r, locations, "capacity_type", "node_config.preemptible");
    }
    let capacity = match (spot, preemptible) {
        (Some(Fact::Known(true)), _) | (_, Some(Fact::Known(true))) => Fact::Known(Capacity::Spot),
        (Some(Fact::Unknown(u)), _) | (_, Some(Fact::Unknown(u))) => Fact::Unknown(u),
        _ => Fact::Known(Capacity::OnDemand),
    };

    let (zones, zones_note) = zone_count(r, index);
    let per_zone_desired = int_arg(r, "node_count").or_else(|| int_arg(r, "initial_node_count"));
    let total_min = int_arg(r, "autoscaling.total_min_node_count");
    let total_max = int_arg(r, "autoscaling.total_max_node_count");
    let min =
        total_min.or_else(|| int_arg(r, "autoscaling.min_node_count").map(|m| times(&m, &zones)));
    let max =
        total_max.or_else(|| int_arg(r, "autoscaling.max_node_count").map(|m| times(&m, &zones)));
    let desired = per_zone_desired.map(|d| times(&d, &zones));
    let baseline = desired
        .or_else(|| min.clone())
        .unwrap_or_else(|| times(&Fact::Known(1), &zones));
    let count = UnitCounts {
        min: min.unwrap_or_else(|| baseline.clone()),
        max: max.unwrap_or_else(|| baseline.clone()),
        desired: baseline,
    };
    Compute {
        instance_types: machine_type.clone().map(|t| vec![t]),
        instance_type: machine_type,
        accelerator,
        count,
        capacity,
        pool: true,
        notes: zones_note.into_iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_map_to_regions() {
        assert_eq!(region_of("us-central1-a"), "us-central1");
        assert_eq!(region_of("europe-west4"), "europe-west4");
        assert!(is_zone("us-east4-c"));
        assert!(!is_zone("us-east4"));
    }

    #[test]
    fn a_zonal_clusters_node_locations_add_to_its_own_zone() {
        let resources = super::super::resources_of(
            r#"
resource "google_container_cluster" "zonal" {
  name           = "train"
  location       = "us-central1-a"
  node_locations = ["us-central1-b", "us-central1-c"]
}
resource "google_container_cluster" "listed" {
  name           = "serve"
  location       = "us-central1-a"
  node_locations = ["us-central1-a", "us-central1-b"]
}
resource "google_container_node_pool" "zonal" {
  cluster    = google_container_cluster.zonal.id
  node_count = 2
  node_config { machine_type = "g2-standard-8" }
}
resource "google_container_node_pool" "listed" {
  cluster    = google_container_cluster.listed.id
  node_count = 2
  node_config { machine_type = "g2-standard-8" }
}
"#,
        );
        let nodes = |address: &str| {
            resources
                .iter()
                .find(|r| r.address == address)
                .and_then(|r| r.compute.as_ref())
                .map(|c| c.count.desired.clone())
        };
        // Three zones: us-central1-a (the cluster's) plus the two listed.
        assert_eq!(
            nodes("google_container_node_pool.zonal"),
            Some(Fact::Known(6))
        );
        // The cluster's zone is listed already: two zones.
        assert_eq!(
            nodes("google_container_node_pool.listed"),
            Some(Fact::Known(4))
        );
    }
}
