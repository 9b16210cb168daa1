//! Where a pod may run: the node labels its `nodeSelector` and required node affinity
//! demand, and the spot taints it tolerates, read as the node's instance type, accelerator
//! model, capacity type (spot, on-demand, reserved) and region.
//!
//! Decisions: a label counts only when every node selector term restricts it with `In`;
//! with several values the first is the instance type; capacity is spot only when every
//! allowed value is spot, and a toleration of a spot taint (without a selector saying
//! otherwise) counts as spot, since that taint is what keeps other pods off spot nodes.

use std::collections::BTreeMap;

use super::super::yaml::Node;
use super::convert::{self, join};
use super::record::Cx;
use crate::catalog::{self, MachineAccelerators};
use crate::model::{is_custom_label, Capacity, Fact, Location, PoolLabel, Unknown};

/// Node labels naming the instance type.
const INSTANCE_TYPE_KEYS: &[&str] = &[
    "node.kubernetes.io/instance-type",
    "beta.kubernetes.io/instance-type",
    "karpenter.k8s.aws/instance-type",
];

/// Node labels naming the accelerator model, most specific first.
const GPU_MODEL_KEYS: &[&str] = &[
    "cloud.google.com/gke-accelerator",
    "karpenter.k8s.aws/instance-gpu-name",
    "nvidia.com/gpu.product",
    "cloud.google.com/gke-tpu-accelerator",
];

/// Node labels and taints that say how a node is bought.
const CAPACITY_KEYS: &[&str] = &[
    "karpenter.sh/capacity-type",
    "cloud.google.com/gke-spot",
    "cloud.google.com/gke-preemptible",
    "cloud.google.com/gke-provisioning",
    "kubernetes.azure.com/scalesetpriority",
    "eks.amazonaws.com/capacityType",
];

/// Node labels naming the node group or pool a node belongs to (EKS managed node groups,
/// GKE node pools, Karpenter NodePools, AKS agent pools): `price::attribution` matches
/// them with the pools in the scan.
pub const POOL_KEYS: &[&str] = &[
    "eks.amazonaws.com/nodegroup",
    "cloud.google.com/gke-nodepool",
    "karpenter.sh/nodepool",
    "kubernetes.azure.com/agentpool",
];

/// The values a node label is restricted to, and where.
#[derive(Clone)]
pub struct Selection {
    pub values: Vec<Fact<String>>,
    pub location: Location,
}

/// Node labels a pod requires, and whether it tolerates spot nodes.
#[derive(Default)]
pub struct Scheduling {
    pub selected: BTreeMap<String, Selection>,
    pub spot_toleration: Option<Location>,
}

/// Reads `nodeSelector`, required node affinity and tolerations of the node at `path`.
pub fn read_scheduling(cx: &Cx, node: &Node, path: &str) -> Scheduling {
    let mut s = Scheduling::default();
    if let Some(selector) = node.get("nodeSelector") {
        for (key, value) in selector.entries() {
            let fact = convert::string(Some(value), &join(&join(path, "nodeSelector"), key))
                .unwrap_or_else(|| Fact::Known(String::new()));
            s.selected.insert(
                key.clone(),
                Selection {
                    values: vec![fact],
                    location: cx.key_loc(key, value),
                },
            );
        }
    }
    let terms_path =
        "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms";
    if let Some(terms) = node.path(terms_path) {
        for (key, sel) in read_terms(cx, terms, &join(path, terms_path)) {
            // A node selector and affinity must both hold; the selector is the narrower.
            s.selected.entry(key).or_insert(sel);
        }
    }
    s.spot_toleration = node
        .get("tolerations")
        .map_or(&[][..], Node::items)
        .iter()
        .find(|t| tolerates_spot(t))
        .map(|t| cx.loc(t));
    s
}

/// Node selector terms (`[{matchExpressions: [{key, operator, values}]}]`): the labels
/// every term restricts with `In`. Terms are alternatives, so a label counts only when
/// each term restricts it; its values are the union.
pub fn read_terms(cx: &Cx, terms: &Node, path: &str) -> BTreeMap<String, Selection> {
    let mut per_term: Vec<BTreeMap<String, Selection>> = Vec::new();
    for (i, term) in terms.items().iter().enumerate() {
        let mut here = BTreeMap::new();
        let exprs = term.get("matchExpressions").map_or(&[][..], Node::items);
        for (j, e) in exprs.iter().enumerate() {
            let (Some(key), Some("In")) = (
                convert::text(e.get("key")),
                convert::text(e.get("operator")),
            ) else {
                continue;
            };
            let vpath = format!("{path}[{i}].matchExpressions[{j}].values");
            let values = match e.get("values") {
                Some(v) if v.as_str().is_some() => {
                    vec![convert::string(Some(v), &vpath).unwrap_or(Fact::Known(String::new()))]
                }
                Some(v) => v
                    .items()
                    .iter()
                    .enumerate()
                    .filter_map(|(k, item)| convert::string(Some(item), &format!("{vpath}[{k}]")))
                    .collect(),
                None => Vec::new(),
            };
            here.insert(
                key.to_string(),
                Selection {
                    values,
                    location: cx.loc(e),
                },
            );
        }
        per_term.push(here);
    }
    let Some((first, rest)) = per_term.split_first() else {
        return BTreeMap::new();
    };
    let mut out = BTreeMap::new();
    for (key, sel) in first {
        let mut merged = sel.clone();
        let mut everywhere = true;
        for other in rest {
            match other.get(key) {
                Some(o) => {
                    for v in &o.values {
                        if !merged.values.contains(v) {
                            merged.values.push(v.clone());
                        }
                    }
                }
                None => everywhere = false,
            }
        }
        if everywhere {
            out.insert(key.clone(), merged);
        }
    }
    out
}

/// A toleration of a spot taint (GKE spot and preemptible, AKS spot, Karpenter or EKS
/// spot capacity), by exact value or `Exists`.
fn tolerates_spot(t: &Node) -> bool {
    let Some(key) = convert::text(t.get("key")) else {
        return false;
    };
    if !CAPACITY_KEYS.contains(&key) {
        return false;
    }
    let exists = convert::text(t.get("operator")) == Some("Exists");
    exists
        || convert::text(t.get("value")).is_some_and(|v| spot_value(key, v) == Some(Capacity::Spot))
}

/// What a capacity label's value means.
fn spot_value(key: &str, value: &str) -> Option<Capacity> {
    let v = value.trim().to_ascii_lowercase();
    match key {
        "cloud.google.com/gke-spot" | "cloud.google.com/gke-preemptible" => {
            (v == "true").then_some(Capacity::Spot)
        }
        _ => match v.as_str() {
            "spot" => Some(Capacity::Spot),
            "on-demand" | "on_demand" | "regular" | "standard" => Some(Capacity::OnDemand),
            "reserved" => Some(Capacity::Reserved),
            "capacity_block" | "capacity-block" => Some(Capacity::CapacityBlock),
            _ => None,
        },
    }
}

/// Node facts read from a pod's scheduling constraints.
pub struct NodeFacts {
    pub instance_type: Option<Fact<String>>,
    pub accelerator_model: Option<Fact<String>>,
    pub capacity: Fact<Capacity>,
    pub region: Option<Fact<String>>,
    pub node_pool: Option<PoolLabel>,
    /// Labels a node group's definition sets that the pods require, each to one value.
    pub custom_labels: BTreeMap<String, String>,
    /// `instance_type`, `instance_types`, `accelerator_type`, `capacity_type`, `region`,
    /// `node_pool`.
    pub locations: BTreeMap<String, Location>,
}

/// Derives node facts from the selected labels.
pub fn node_facts(s: &Scheduling) -> NodeFacts {
    let mut locations = BTreeMap::new();
    let first = |keys: &'static [&'static str]| {
        keys.iter()
            .find_map(|k| s.selected.get(*k).map(|sel| (*k, sel)))
    };

    let mut instance_type = None;
    if let Some((_, sel)) = first(INSTANCE_TYPE_KEYS) {
        locations.insert("instance_type".to_string(), sel.location.clone());
        locations.insert("instance_types".to_string(), sel.location.clone());
        instance_type = sel
            .values
            .iter()
            .find(|v| v.unknown().is_some())
            .or_else(|| sel.values.first())
            .cloned();
    }

    let mut accelerator_model = None;
    if let Some((key, sel)) = first(GPU_MODEL_KEYS) {
        locations.insert("accelerator_type".to_string(), sel.location.clone());
        if let Some(v) = sel.values.first() {
            accelerator_model = Some(match v {
                Fact::Known(name) => Fact::Known(gpu_model(key, name).0),
                Fact::Unknown(u) => Fact::Unknown(u.clone()),
            });
        }
    }
    if accelerator_model.is_none() {
        if let Some(Fact::Known(t)) = &instance_type {
            accelerator_model = instance_gpu_model(t).map(Fact::Known);
        }
    }
    let mut capacity = Fact::Known(Capacity::OnDemand);
    let selected_capacity = CAPACITY_KEYS
        .iter()
        .find_map(|k| s.selected.get(*k).map(|sel| (*k, sel)));
    if let Some((key, sel)) = selected_capacity {
        locations.insert("capacity_type".to_string(), sel.location.clone());
        capacity = capacity_of(key, &sel.values);
    } else if let Some(at) = &s.spot_toleration {
        locations.insert("capacity_type".to_string(), at.clone());
        capacity = Fact::Known(Capacity::Spot);
    }

    let region = s
        .selected
        .get("topology.kubernetes.io/region")
        .and_then(|sel| {
            locations.insert("region".to_string(), sel.location.clone());
            sel.values.first().cloned()
        });
    let node_pool = pool_label(s, &mut locations);
    NodeFacts {
        instance_type,
        accelerator_model,
        capacity,
        region,
        node_pool,
        custom_labels: custom_labels(s),
        locations,
    }
}

/// The custom labels the pods require, each restricted to one known value.
fn custom_labels(s: &Scheduling) -> BTreeMap<String, String> {
    s.selected
        .iter()
        .filter(|(key, _)| is_custom_label(key))
        .filter_map(|(key, sel)| match sel.values.as_slice() {
            [Fact::Known(v)] if !v.is_empty() => Some((key.clone(), v.clone())),
            _ => None,
        })
        .collect()
}

/// The first pool label restricted to one known name: pods allowed on several pools (or
/// on one named by an unknown value) are not tied to any.
fn pool_label(s: &Scheduling, locations: &mut BTreeMap<String, Location>) -> Option<PoolLabel> {
    let (key, sel) = POOL_KEYS
        .iter()
        .find_map(|k| s.selected.get(*k).map(|sel| (*k, sel)))?;
    let [Fact::Known(name)] = sel.values.as_slice() else {
        return None;
    };
    if name.is_empty() {
        return None;
    }
    locations.insert("node_pool".to_string(), sel.location.clone());
    Some(PoolLabel {
        key: key.to_string(),
        name: name.clone(),
    })
}

/// Spot only when every allowed value is spot; with several kinds allowed the dearer
/// (on-demand) is assumed, since the scheduler may pick it.
fn capacity_of(key: &str, values: &[Fact<String>]) -> Fact<Capacity> {
    let mut kinds = Vec::new();
    for v in values {
        match v {
            Fact::Unknown(u) => return Fact::Unknown(u.clone()),
            Fact::Known(text) => match spot_value(key, text) {
                Some(c) => kinds.push(c),
                None if key == "cloud.google.com/gke-spot"
                    || key == "cloud.google.com/gke-preemptible" =>
                {
                    kinds.push(Capacity::OnDemand)
                }
                None => {
                    return Fact::Unknown(Unknown::new(format!(
                        "{key} has a value that is not a capacity type: {text}"
                    )))
                }
            },
        }
    }
    match kinds.as_slice() {
        [] => Fact::Known(Capacity::OnDemand),
        [one, rest @ ..] if rest.iter().all(|c| c == one) => Fact::Known(*one),
        _ => Fact::Known(Capacity::OnDemand),
    }
}

/// The accelerators of an instance type, whichever cloud it belongs to.
pub fn machine(instance_type: &str) -> Option<&'static MachineAccelerators> {
    ["aws", "google", "azurerm"]
        .iter()
        .find_map(|p| catalog::machine_accelerators(p, instance_type))
}

/// The accelerator model of an instance type, as the price table names it.
pub fn instance_gpu_model(instance_type: &str) -> Option<String> {
    machine(instance_type).map(|m| model_name(&m.model, Some(m.memory_gib)))
}

/// The canonical model (and memory per device, when known) a GPU label names.
pub fn gpu_model(key: &str, value: &str) -> (String, Option<u32>) {
    let value = value.trim();
    if let Some(g) = catalog::gpu_type(value) {
        return (model_name(&g.model, Some(g.memory_gib)), Some(g.memory_gib));
    }
    match key {
        "cloud.google.com/gke-tpu-accelerator" => (value.to_string(), None),
        "nvidia.com/gpu.product" => {
            // `NVIDIA-A100-SXM4-80GB`, `Tesla-T4`, `NVIDIA-H100-80GB-HBM3`, `NVIDIA-RTX-A6000`.
            let mut rest = value;
            for prefix in ["NVIDIA-", "Tesla-", "GeForce-"] {
                rest = rest.strip_prefix(prefix).unwrap_or(rest);
            }
            let mut parts = rest.split('-');
            let head = parts.next().unwrap_or(rest).to_ascii_uppercase();
            let model = if head == "RTX" {
                parts
                    .next()
                    .map_or(head.clone(), |n| format!("RTX-{}", n.to_ascii_uppercase()))
            } else {
                head
            };
            let memory = rest
                .split('-')
                .find_map(|p| p.strip_suffix("GB").and_then(|n| n.parse::<u32>().ok()));
            (model_name(&model, memory), memory)
        }
        "cloud.google.com/gke-accelerator" => {
            // Not in the catalog: `nvidia-gb200` → GB200.
            let rest = value
                .strip_prefix("nvidia-tesla-")
                .or_else(|| value.strip_prefix("nvidia-"))
                .unwrap_or(value);
            let head = rest.split('-').next().unwrap_or(rest);
            (head.to_ascii_uppercase(), None)
        }
        _ => (value.to_ascii_uppercase(), None),
    }
}

/// The model as the price table names it: the A100's 80 GB variant is priced apart.
pub fn model_name(model: &str, memory_gib: Option<u32>) -> String {
    match (model, memory_gib) {
        ("A100", Some(80)) => "A100-80GB".to_string(),
        _ => model.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gpu_labels_name_canonical_models() {
        assert_eq!(
            gpu_model("cloud.google.com/gke-accelerator", "nvidia-l4"),
            ("L4".into(), Some(24))
        );
        assert_eq!(
            gpu_model("cloud.google.com/gke-accelerator", "nvidia-a100-80gb"),
            ("A100-80GB".into(), Some(80))
        );
        assert_eq!(
            gpu_model("cloud.google.com/gke-accelerator", "nvidia-gb200").0,
            "GB200"
        );
        assert_eq!(
            gpu_model("karpenter.k8s.aws/instance-gpu-name", "a10g").0,
            "A10G"
        );
        assert_eq!(
            gpu_model("nvidia.com/gpu.product", "NVIDIA-A100-SXM4-80GB").0,
            "A100-80GB"
        );
        assert_eq!(gpu_model("nvidia.com/gpu.product", "Tesla-T4").0, "T4");
        assert_eq!(
            gpu_model("nvidia.com/gpu.product", "NVIDIA-H100-80GB-HBM3").0,
            "H100"
        );
        assert_eq!(
            gpu_model("nvidia.com/gpu.product", "NVIDIA-RTX-A6000").0,
            "RTX-A6000"
        );
    }

    #[test]
    fn capacity_needs_every_value_to_be_spot() {
        let k = |v: &[&str]| {
            capacity_of(
                "karpenter.sh/capacity-type",
                &v.iter()
                    .map(|s| Fact::Known(s.to_string()))
                    .collect::<Vec<_>>(),
            )
        };
        assert_eq!(k(&["spot"]), Fact::Known(Capacity::Spot));
        assert_eq!(k(&["spot", "on-demand"]), Fact::Known(Capacity::OnDemand));
        assert_eq!(k(&["reserved"]), Fact::Known(Capacity::Reserved));
        assert!(k(&["cheap"]).unknown().is_some());
        assert_eq!(
            capacity_of("cloud.google.com/gke-spot", &[Fact::Known("true".into())]),
            Fact::Known(Capacity::Spot)
        );
    }
}
