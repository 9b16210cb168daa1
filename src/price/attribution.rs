//! Pods that run on a node group or pool of the same scan. A scan that holds both a
//! cluster's node groups (Terraform) and the workloads scheduled onto them (YAML) would
//! otherwise pay for the same nodes twice. A workload whose `nodeSelector` or required
//! node affinity names one pool (`eks.amazonaws.com/nodegroup`, `cloud.google.com/
//! gke-nodepool`, `karpenter.sh/nodepool`, `kubernetes.azure.com/agentpool`) that is in
//! the scan keeps its own estimate (what its pods need), marked `counted_in` that pool;
//! run totals and budgets leave it out, so the nodes are counted once.
//!
//! A managed node group or pool is its nodes already, and so is a cluster for its own
//! default pool (AKS `default_node_pool`, GKE's `default-pool`), priced in the cluster. A Karpenter NodePool launches nodes
//! for the pods that select it, so its baseline ($0 on its own) becomes theirs, and its
//! ceiling (its limits) at least that. A pool name that two pools of the scan share, or a
//! pool whose own cost is unknown, ties nothing: the pods are counted on their own.

use std::collections::BTreeMap;

use crate::load::terraform::facts::arg;
use crate::model::{CostEstimate, Resource, Usd, Value, WorkloadDetail};

const KARPENTER: &str = "karpenter.sh/nodepool";

/// The pool label a resource answers to, with its name: `None` for anything but a pool.
fn pool_name(r: &Resource) -> Option<(&'static str, String)> {
    let attr = |name: &str| r.attributes.get(name).and_then(Value::as_str);
    let (key, name) = match r.resource_type.as_str() {
        "aws_eks_node_group" => ("eks.amazonaws.com/nodegroup", attr("node_group_name")?),
        "google_container_node_pool" => ("cloud.google.com/gke-nodepool", attr("name")?),
        "azurerm_kubernetes_cluster_node_pool" => ("kubernetes.azure.com/agentpool", attr("name")?),
        // A cluster's own default pool is priced in the cluster: pods on it count there.
        "azurerm_kubernetes_cluster" => (
            "kubernetes.azure.com/agentpool",
            arg(&r.attributes, "default_node_pool.name").and_then(Value::as_str)?,
        ),
        "google_container_cluster" => {
            if matches!(
                arg(&r.attributes, "remove_default_node_pool"),
                Some(Value::Bool(true))
            ) {
                return None;
            }
            // GKE names the pool it creates with the cluster `default-pool`.
            ("cloud.google.com/gke-nodepool", "default-pool")
        }
        _ => {
            let w = r.workload.as_ref()?;
            if !matches!(w.detail, WorkloadDetail::NodePool(_))
                || !w.api_version.starts_with("karpenter.sh/")
            {
                return None;
            }
            let name = r
                .attributes
                .get("metadata")
                .and_then(Value::as_map)
                .and_then(|m| m.get("name"))
                .and_then(Value::as_str)?;
            (KARPENTER, name)
        }
    };
    (!name.is_empty()).then(|| (key, name.to_string()))
}

/// How reports name a resource across roots: `address`, or `root:address`.
pub fn id(r: &Resource) -> String {
    if r.root.as_ref() == "." {
        r.address.clone()
    } else {
        format!("{}:{}", r.root, r.address)
    }
}

/// A pool of the scan, by its position among the resources.
struct Pool {
    index: usize,
    id: String,
    /// Its own cost is unknown: it adds nothing to the totals, so pods are not tied to it.
    unknown: bool,
}

/// What a workload adds to the Karpenter pool it is counted in.
struct Carried {
    pod: String,
    baseline: Usd,
    /// The first reason the pod's estimate is incomplete.
    missing: Option<String>,
}

/// Ties each workload to the pool it selects, when that pool is in `resources`.
pub fn attribute(resources: &mut [Resource]) {
    let mut pools: BTreeMap<(&str, String), Vec<Pool>> = BTreeMap::new();
    for (index, r) in resources.iter().enumerate() {
        if let (Some(key), Some(c)) = (pool_name(r), &r.cost) {
            pools.entry(key).or_default().push(Pool {
                index,
                id: id(r),
                unknown: c.is_unknown(),
            });
        }
    }
    let mut launched: BTreeMap<usize, Vec<Carried>> = BTreeMap::new();
    for r in resources.iter_mut() {
        let Some(label) = r.workload.as_ref().and_then(|w| match &w.detail {
            WorkloadDetail::Pods(p) => p.node_pool.clone(),
            _ => None,
        }) else {
            continue;
        };
        let Some(found) = pools.get(&(label.key.as_str(), label.name.clone())) else {
            continue;
        };
        let pod = id(r);
        let Some(c) = r.cost.as_mut() else { continue };
        let note = match found.as_slice() {
            [pool] if pool.unknown => format!(
                "runs on {} ({}: {}), whose cost is unknown, so it is counted on its own",
                pool.id, label.key, label.name
            ),
            [pool] => {
                if label.key == KARPENTER {
                    launched.entry(pool.index).or_default().push(Carried {
                        pod,
                        baseline: c.baseline,
                        missing: (!c.complete)
                            .then(|| c.missing.first().cloned().unwrap_or_default()),
                    });
                }
                c.counted_in = Some(pool.id.clone());
                format!(
                    "runs on {} ({}: {}), whose nodes are counted there: left out of the totals and budgets",
                    pool.id, label.key, label.name
                )
            }
            many => {
                let mut ids: Vec<&str> = many.iter().map(|p| p.id.as_str()).collect();
                ids.sort_unstable();
                format!(
                    "{}: {} names {} pools of the scan ({}), so it is counted on its own",
                    label.key,
                    label.name,
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
    c.notes.push(format!(
        "baseline: the nodes it launches for the pods counted in it: {}",
        shown.join(", ")
    ));
}
