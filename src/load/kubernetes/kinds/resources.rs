//! What one pod asks for: each container's requests and limits read as quantities, then
//! combined by Kubernetes' effective-request rule — the larger of the app containers' sum
//! (with sidecars) and the biggest init container (with the sidecars started before it).
//! A request defaults to the container's limit when only the limit is written.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::super::yaml::Node;
use super::convert::{self, join};
use super::quantity;
use super::record::Cx;
use crate::model::{Fact, Location, Unknown};

/// Extended resources that are accelerators, in the order one is preferred when a pod
/// asks for several kinds.
const ACCELERATORS: &[&str] = &[
    "nvidia.com/gpu",
    "amd.com/gpu",
    "google.com/tpu",
    "aws.amazon.com/neuron",
    "aws.amazon.com/neuroncore",
    "aws.amazon.com/neurondevice",
    "habana.ai/gaudi",
    "gpu.intel.com/i915",
    "gpu.intel.com/xe",
];

/// Whether a resource name is an accelerator (MIG slices included: `nvidia.com/mig-1g.5gb`;
/// every Neuron resource: `aws.amazon.com/neuron*`).
pub fn is_accelerator(name: &str) -> bool {
    ACCELERATORS.contains(&name)
        || name.starts_with("nvidia.com/mig-")
        || name.starts_with("aws.amazon.com/neuron")
}

/// One container: where its resources are (under `resources_key`, `resources` for a
/// Kubernetes container), and whether it is a sidecar (an init container with
/// `restartPolicy: Always`, which runs beside the app containers).
pub struct Container<'a> {
    pub path: String,
    pub node: &'a Node,
    pub resources_key: &'static str,
    pub sidecar: bool,
}

/// A quantity in its base unit (cores, bytes, devices), or why it is unknown.
#[derive(Clone)]
struct Amount {
    value: Result<Decimal, Unknown>,
    location: Location,
}

struct ContainerResources {
    requests: BTreeMap<String, Amount>,
    limits: BTreeMap<String, Amount>,
    sidecar: bool,
}

impl ContainerResources {
    /// The container's request for `name`: the request, else the limit.
    fn request(&self, name: &str) -> Option<&Amount> {
        self.requests.get(name).or_else(|| self.limits.get(name))
    }
}

/// The pod's effective requests, per resource, with where they are written.
pub struct PodResources {
    pub cpu_cores: Fact<Decimal>,
    pub memory_gib: Fact<Decimal>,
    pub accelerators: Fact<i64>,
    pub accelerator_resource: Option<String>,
    pub accelerators_in_limits: bool,
    /// `cpu`, `memory`, `gpu_count`, `accelerator_count`, `has_gpu_limits`.
    pub locations: BTreeMap<String, Location>,
}

/// Reads the containers (app containers first, then init containers in order) of a pod.
/// `pod_path` names the pod in messages.
pub fn pod_resources(
    cx: &Cx,
    app: &[Container],
    init: &[Container],
    pod_path: &str,
) -> PodResources {
    let app: Vec<ContainerResources> = app.iter().map(|c| read(cx, c)).collect();
    let init: Vec<ContainerResources> = init.iter().map(|c| read(cx, c)).collect();
    let mut locations = BTreeMap::new();
    let mut first_location = |fact: &str, name: &str| {
        if let Some(a) = app
            .iter()
            .chain(&init)
            .find_map(|c| c.limits.get(name).or_else(|| c.requests.get(name)))
        {
            locations.insert(fact.to_string(), a.location.clone());
        }
    };
    first_location("cpu", "cpu");
    first_location("memory", "memory");

    let not_set = |what: &str| {
        Unknown::new(format!(
            "no container in {pod_path} sets {what} requests or limits"
        ))
    };
    let cpu_cores = match effective(&app, &init, "cpu") {
        Some(Ok(v)) => Fact::Known(v.normalize()),
        Some(Err(u)) => Fact::Unknown(u),
        None => Fact::Unknown(not_set("cpu")),
    };
    let memory_gib = match effective(&app, &init, "memory") {
        Some(Ok(bytes)) => match quantity::bytes_to_gib(bytes) {
            Some(g) => Fact::Known(g),
            None => Fact::Unknown(Unknown::new(format!(
                "the memory of {pod_path} is too large"
            ))),
        },
        Some(Err(u)) => Fact::Unknown(u),
        None => Fact::Unknown(not_set("memory")),
    };

    // The accelerator resource: the one asked for most, ties broken by the list's order.
    let mut names: Vec<String> = app
        .iter()
        .chain(&init)
        .flat_map(|c| c.requests.keys().chain(c.limits.keys()))
        .filter(|n| is_accelerator(n))
        .cloned()
        .collect();
    names.sort_by_key(|n| {
        ACCELERATORS
            .iter()
            .position(|a| a == n)
            .unwrap_or(ACCELERATORS.len())
    });
    names.dedup();
    let mut chosen: Option<(String, Result<Decimal, Unknown>)> = None;
    for name in names {
        let Some(value) = effective(&app, &init, &name) else {
            continue;
        };
        let better = match (&chosen, &value) {
            (None, _) => true,
            (Some((_, Ok(best))), Ok(v)) => v > best,
            _ => false,
        };
        if better {
            chosen = Some((name, value));
        }
    }
    let (accelerators, accelerator_resource) = match chosen {
        None => (Fact::Known(0), None),
        Some((name, value)) => {
            first_location("gpu_count", &name);
            first_location("accelerator_count", &name);
            let count = match value {
                Ok(v) => i64::try_from(v).map_or_else(
                    |_| Fact::Unknown(Unknown::new(format!("{name} in {pod_path} is too large"))),
                    Fact::Known,
                ),
                Err(u) => Fact::Unknown(u),
            };
            (count, Some(name))
        }
    };

    // Kubernetes schedules extended resources by limits; a request alone is rejected.
    let missing_limit = app.iter().chain(&init).find_map(|c| {
        c.requests
            .iter()
            .find(|(n, _)| is_accelerator(n) && !c.limits.contains_key(*n))
            .map(|(_, a)| a.location.clone())
    });
    let accelerators_in_limits = missing_limit.is_none();
    if let Some(at) = missing_limit.or_else(|| locations.get("gpu_count").cloned()) {
        locations.insert("has_gpu_limits".to_string(), at);
    }
    PodResources {
        cpu_cores,
        memory_gib,
        accelerators,
        accelerator_resource,
        accelerators_in_limits,
        locations,
    }
}

/// The effective request of `name` for the pod; `None` when no container mentions it.
fn effective(
    app: &[ContainerResources],
    init: &[ContainerResources],
    name: &str,
) -> Option<Result<Decimal, Unknown>> {
    let mentioned = app.iter().chain(init).any(|c| c.request(name).is_some());
    if !mentioned {
        return None;
    }
    let value = |c: &ContainerResources| -> Result<Decimal, Unknown> {
        match c.request(name) {
            Some(a) => a.value.clone(),
            None => Ok(Decimal::ZERO),
        }
    };
    let overflow = || Unknown::new(format!("the pod's total {name} is too large"));
    let mut sidecars = Decimal::ZERO;
    let mut init_peak = Decimal::ZERO;
    for c in init {
        let v = match value(c).and_then(|v| v.checked_add(sidecars).ok_or_else(overflow)) {
            Ok(v) => v,
            Err(u) => return Some(Err(u)),
        };
        if c.sidecar {
            sidecars = v;
        } else {
            init_peak = init_peak.max(v);
        }
    }
    let mut sum = sidecars;
    for c in app {
        let v = match value(c) {
            Ok(v) => v,
            Err(u) => return Some(Err(u)),
        };
        sum = match sum.checked_add(v) {
            Some(s) => s,
            None => return Some(Err(overflow())),
        };
    }
    Some(Ok(sum.max(init_peak)))
}

fn read(cx: &Cx, c: &Container) -> ContainerResources {
    let resources = c.node.get(c.resources_key);
    let section = |key: &str| -> BTreeMap<String, Amount> {
        let Some(map) = resources.and_then(|r| r.get(key)) else {
            return BTreeMap::new();
        };
        let base = join(&join(&c.path, c.resources_key), key);
        map.entries()
            .iter()
            .filter(|(name, _)| name == "cpu" || name == "memory" || is_accelerator(name))
            .filter_map(|(name, node)| {
                let node = convert::present(Some(node))?;
                let path = join(&base, name);
                let location = cx.key_loc(name, node);
                let value = amount(name, node, &path);
                if let Err(why) = &value {
                    if !node.as_str().is_some_and(convert::is_placeholder) {
                        cx.bad_quantity(location.clone(), why.origin.to_string());
                    }
                }
                Some((name.clone(), Amount { value, location }))
            })
            .collect()
    };
    ContainerResources {
        requests: section("requests"),
        limits: section("limits"),
        sidecar: c.sidecar,
    }
}

/// One quantity in its base unit.
fn amount(name: &str, node: &Node, path: &str) -> Result<Decimal, Unknown> {
    let Some(text) = node.as_str() else {
        return Err(Unknown::new(format!("{path} is not a quantity")));
    };
    if convert::is_placeholder(text) {
        return Err(convert::placeholder(path, text));
    }
    let parsed = match name {
        "cpu" => quantity::cores(text),
        "memory" => quantity::parse(text).and_then(|v| {
            if v.is_sign_negative() && !v.is_zero() {
                Err(format!("`{text}` is negative"))
            } else {
                Ok(v)
            }
        }),
        _ => quantity::whole(text).map(Decimal::from),
    };
    parsed.map_err(|why| Unknown::new(format!("{path}: {why}")))
}
