//! Pods that run on a node group or pool of the same scan. A scan that holds both a
//! cluster's node groups (Terraform) and the workloads scheduled onto them (YAML) would
//! otherwise pay for the same nodes twice. A workload whose `nodeSelector` or required
//! node affinity can only be met by one pool of the scan keeps its own estimate (what its
//! pods need), marked `counted_in` that pool; run totals and budgets leave it out, so the
//! nodes are counted once.
//!
//! What a pool's nodes carry: its name under the pool label (`eks.amazonaws.com/
//! nodegroup`, `cloud.google.com/gke-nodepool`, `karpenter.sh/nodepool`, `kubernetes.
//! azure.com/agentpool`) and the labels its definition sets (`labels` of an EKS group,
//! `node_config.labels` of a GKE pool, `node_labels` of an AKS pool, a Karpenter
//! NodePool's template labels and single-value `In` requirements). Pods are tied to a pool
//! when every such label they require (pool name or custom label, each to one value) is
//! one the pool sets; platform labels (`kubernetes.io/arch`, `nvidia.com/...`) are the
//! cloud's, not the pool's, and are not compared.
//!
//! A managed node group or pool is its nodes already, and so is a cluster for its own
//! default pool (AKS `default_node_pool`, GKE's `default-pool`), priced in the cluster. A Karpenter NodePool launches nodes
//! for the pods that select it, so its baseline ($0 on its own) becomes theirs, and its
//! ceiling (its limits) at least that. Pods that two pools of the scan could both take, or
//! a pool whose own cost is unknown, tie nothing: the pods are counted on their own.

use std::collections::BTreeMap;

use crate::load::kubernetes::kinds::instance_gpu_model;
use crate::load::terraform::facts::arg;
use crate::model::{
    is_custom_label, CostEstimate, Fact, Map, Resource, Sensitive, Usd, Value, WorkloadDetail,
};

const KARPENTER: &str = "karpenter.sh/nodepool";

/// How a Karpenter pool's note on its baseline starts; the `cost` table shows that note
/// under the pool's row, since the baseline is not the pool's own.
pub const LAUNCHED_FOR: &str = "baseline: the nodes it launches for the pods counted in it: ";

/// The node labels a pool's nodes carry (its name under its pool label first), or `None`
/// for anything but a pool.
fn pool_labels(r: &Resource) -> Option<(&'static str, BTreeMap<String, String>)> {
    let attr = |name: &str| r.attributes.get(name).and_then(Value::as_str);
    let at = |path: &str| arg(&r.attributes, path);
    let (key, name, custom) = match r.resource_type.as_str() {
        "aws_eks_node_group" => (
            "eks.amazonaws.com/nodegroup",
            attr("node_group_name"),
            at("labels"),
        ),
        "google_container_node_pool" => (
            "cloud.google.com/gke-nodepool",
            attr("name"),
            at("node_config.labels"),
        ),
        "azurerm_kubernetes_cluster_node_pool" => (
            "kubernetes.azure.com/agentpool",
            attr("name"),
            at("node_labels"),
        ),
        // A cluster's own default pool is priced in the cluster: pods on it count there.
        "azurerm_kubernetes_cluster" => (
            "kubernetes.azure.com/agentpool",
            at("default_node_pool.name").and_then(Value::as_str),
            at("default_node_pool.node_labels"),
        ),
        "google_container_cluster" => {
            if matches!(at("remove_default_node_pool"), Some(Value::Bool(true))) {
                return None;
            }
            // GKE names the pool it creates with the cluster `default-pool`.
            (
                "cloud.google.com/gke-nodepool",
                Some("default-pool"),
                at("node_config.labels"),
            )
        }
        _ => return karpenter_labels(r),
    };
    let mut labels = known_labels(custom.and_then(Value::as_map));
    if let Some(name) = name.filter(|n| !n.is_empty()) {
        labels.insert(key.to_string(), name.to_string());
    }
    Some((key, labels))
}

/// A Karpenter NodePool's name, template labels and single-value `In` requirements on
/// custom keys, which Karpenter puts on the nodes it launches.
fn karpenter_labels(r: &Resource) -> Option<(&'static str, BTreeMap<String, String>)> {
    let w = r.workload.as_ref()?;
    let WorkloadDetail::NodePool(pool) = &w.detail else {
        return None;
    };
    if !w.api_version.starts_with("karpenter.sh/") {
        return None;
    }
    let object = |path: &[&str]| {
        path.iter()
            .try_fold(&r.attributes, |m, key| m.get(key).and_then(Value::as_map))
    };
    let mut labels = known_labels(object(&["spec", "template", "metadata", "labels"]));
    for q in &pool.requirements {
        if let (true, true, [value]) = (
            q.operator == "In",
            is_custom_label(&q.key),
            q.values.as_slice(),
        ) {
            labels.insert(q.key.clone(), value.clone());
        }
    }
    if let Some(name) = object(&["metadata"])
        .and_then(|m| m.get("name"))
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty())
    {
        labels.insert(KARPENTER.to_string(), name.to_string());
    }
    Some((KARPENTER, labels))
}

/// The custom labels of a map whose values are known strings; an unknown value sets no
/// label pods could be tied by.
fn known_labels(map: Option<&Map>) -> BTreeMap<String, String> {
    map.map(|m| {
        m.entries
            .iter()
            .filter(|(k, _)| is_custom_label(k))
            .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
            .collect()
    })
    .unwrap_or_default()
}

/// How reports name a resource across roots: `address`, or `root:address`.
pub fn id(r: &Resource) -> String {
    crate::model::resource_id(&r.root, &r.address)
}

/// A pool of the scan, by its position among the resources.
struct Pool {
    index: usize,
    id: String,
    /// The pool label it answers to (`karpenter.sh/nodepool`, ...).
    key: &'static str,
    labels: BTreeMap<String, String>,
    /// Its instance type, when it launches only one (and it is not a sensitive value).
    node_type: Option<String>,
    /// Whether it has been priced, and its cost is unknown: then it adds nothing to the
    /// totals, so pods are not tied to it.
    priced: bool,
    unknown: bool,
}

/// Every pool of the scan.
fn pools(resources: &[Resource]) -> Vec<Pool> {
    let mut out = Vec::new();
    for (index, r) in resources.iter().enumerate() {
        let Some((key, labels)) = pool_labels(r) else {
            continue;
        };
        out.push(Pool {
            index,
            id: id(r),
            key,
            labels,
            node_type: node_type(r),
            priced: r.cost.is_some(),
            unknown: r.cost.as_ref().is_some_and(CostEstimate::is_unknown),
        });
    }
    out
}

/// The one instance type a pool launches.
fn node_type(r: &Resource) -> Option<String> {
    let types = match (&r.compute, r.workload.as_ref().map(|w| &w.detail)) {
        (Some(c), _) if !r.sensitive.facts.contains(Sensitive::INSTANCE_TYPE) => {
            match &c.instance_types {
                Fact::Known(types) => types.clone(),
                Fact::Unknown(_) => return None,
            }
        }
        (None, Some(WorkloadDetail::NodePool(n))) => n.instance_types.clone(),
        _ => return None,
    };
    match types.as_slice() {
        [one] if !one.is_empty() => Some(one.clone()),
        _ => None,
    }
}

/// What a workload adds to the Karpenter pool it is counted in.
struct Carried {
    pod: String,
    baseline: Usd,
    /// The first reason the pod's estimate is incomplete.
    missing: Option<String>,
}

/// The labels pods require that a pool's definition would set: its pool label, if one
/// names a single pool, and custom labels. Empty when they require none.
fn required(r: &Resource) -> BTreeMap<String, String> {
    let Some(WorkloadDetail::Pods(p)) = r.workload.as_ref().map(|w| &w.detail) else {
        return BTreeMap::new();
    };
    let mut labels = p.node_labels.clone();
    if let Some(l) = &p.node_pool {
        labels.insert(l.key.clone(), l.name.clone());
    }
    labels
}

/// The pools of a scan, found by any label they set.
struct Pools {
    all: Vec<Pool>,
    by_label: BTreeMap<(String, String), Vec<usize>>,
}

impl Pools {
    fn new(all: Vec<Pool>) -> Pools {
        let mut by_label: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
        for (i, p) in all.iter().enumerate() {
            for (k, v) in &p.labels {
                by_label.entry((k.clone(), v.clone())).or_default().push(i);
            }
        }
        Pools { all, by_label }
    }

    /// The pools whose nodes carry every label in `want` (not empty).
    fn select(&self, want: &BTreeMap<String, String>) -> Vec<&Pool> {
        let Some((k, v)) = want.iter().next() else {
            return Vec::new();
        };
        self.by_label
            .get(&(k.clone(), v.clone()))
            .into_iter()
            .flatten()
            .filter_map(|&i| self.all.get(i))
            .filter(|p| want.iter().all(|(k, v)| p.labels.get(k) == Some(v)))
            .collect()
    }
}

/// `key: value, ...` as the pods require them.
fn shown(want: &BTreeMap<String, String>) -> String {
    want.iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Before pricing: accelerator pods that can only run on one pool of the scan and do not
/// name their node type run on the pool's, when it launches exactly one. They are priced
/// as their share of that node (so their GPU model is the node's), which an assumption
/// beside the amount says.
pub fn inherit_node_types(resources: &mut [Resource]) {
    let all = pools(resources);
    if all.is_empty() {
        return;
    }
    let pools = Pools::new(all);
    for r in resources.iter_mut() {
        let want = required(r);
        if want.is_empty() {
            continue;
        }
        let [pool] = pools.select(&want)[..] else {
            continue;
        };
        let Some(node) = &pool.node_type else {
            continue;
        };
        let Some(WorkloadDetail::Pods(p)) = r.workload.as_mut().map(|w| &mut w.detail) else {
            continue;
        };
        // Only accelerators make the type matter: without it their model is unknown.
        let gpus = matches!(p.accelerators, Fact::Known(n) if n > 0);
        if p.node_instance_type.is_some() || !gpus {
            continue;
        }
        p.node_instance_type = Some(Fact::Known(node.clone()));
        if p.accelerator_model.is_none() {
            p.accelerator_model = instance_gpu_model(node).map(Fact::Known);
        }
        p.assumptions.push(format!(
            "runs on {node} nodes: the only instance type of {} ({}), the one pool of the scan it can run on",
            pool.id,
            shown(&want)
        ));
    }
}

/// After pricing: ties each workload to the pool it selects, when that pool is in
/// `resources`.
pub fn attribute(resources: &mut [Resource]) {
    let mut all = pools(resources);
    all.retain(|p| p.priced);
    let pools = Pools::new(all);
    let mut launched: BTreeMap<usize, Vec<Carried>> = BTreeMap::new();
    for r in resources.iter_mut() {
        let want = required(r);
        if want.is_empty() {
            continue;
        }
        let found = pools.select(&want);
        if found.is_empty() {
            continue;
        }
        let shown = shown(&want);
        let pod = id(r);
        let Some(c) = r.cost.as_mut() else { continue };
        let note = match found.as_slice() {
            [pool] if pool.unknown => format!(
                "runs on {} ({shown}), whose cost is unknown, so it is counted on its own",
                pool.id
            ),
            [pool] => {
                if pool.key == KARPENTER {
                    launched.entry(pool.index).or_default().push(Carried {
                        pod,
                        baseline: c.baseline,
                        missing: (!c.complete)
                            .then(|| c.missing.first().cloned().unwrap_or_default()),
                    });
                }
                c.counted_in = Some(pool.id.clone());
                format!(
                    "runs on {} ({shown}), whose nodes are counted there: left out of the totals and budgets",
                    pool.id
                )
            }
            many => {
                let mut ids: Vec<&str> = many.iter().map(|p| p.id.as_str()).collect();
                ids.sort_unstable();
                format!(
                    "{shown} names {} pools of the scan ({}), so it is counted on its own",
                    ids.len(),
                    ids.join(", ")
                )
            }
        };
        c.notes.push(note);
    }
    for (index, r) in resources.iter_mut().enumerate() {
        if let (Some(pods), Some(c)) = (launched.get_mut(&index), r.cost.as_mut()) {
            carry(c, pods);
        }
    }
}

/// A Karpenter pool's baseline is the nodes it launches for its pods: their baselines.
fn carry(c: &mut CostEstimate, pods: &mut [Carried]) {
    pods.sort_by(|a, b| a.pod.cmp(&b.pod));
    let mut shown = Vec::new();
    for p in pods.iter() {
        c.baseline = c.baseline.checked_add(p.baseline).unwrap_or(c.baseline);
        shown.push(format!("{} {}", p.pod, p.baseline));
        if let Some(why) = &p.missing {
            c.complete = false;
            c.missing.push(format!("{}: {why}", p.pod));
        }
    }
    c.ceiling = c.ceiling.max(c.baseline);
    c.notes.push(format!("{LAUNCHED_FOR}{}", shown.join(", ")));
}
