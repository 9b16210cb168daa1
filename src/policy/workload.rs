//! The policy facts of Kubernetes workloads and AI configs. Pods share the compute facts
//! of machines where the meaning is the same (accelerators per unit, units = replicas,
//! capacity, a named node type), so the GPU and cost policies apply to them unchanged;
//! what only workloads have (kind, namespace, replicas, GPU limits, scale to zero, node
//! pool limits, LLM routes) is in [`WorkloadFacts`].

use crate::model::{Capacity, Fact, Resource, Unknown, Workload, WorkloadDetail};

use super::entities::{instance_family, Facts};

/// Facts only Kubernetes workloads and AI configs have; `None` where one does not apply.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct WorkloadFacts {
    pub kind: String,
    pub namespace: Option<String>,
    pub component: Option<String>,
    pub gpu_count: Option<Fact<i64>>,
    pub replicas_min: Option<Fact<i64>>,
    pub replicas_desired: Option<Fact<i64>>,
    pub replicas_max: Option<Fact<i64>>,
    pub has_gpu_limits: Option<bool>,
    pub scale_to_zero: Option<bool>,
    pub inference: Option<bool>,
    pub nodepool_has_limits: Option<bool>,
    pub nodepool_accelerators: Option<bool>,
    pub llm_model: Option<Fact<String>>,
    pub llm_has_budget: Option<bool>,
    pub llm_has_max_tokens: Option<bool>,
}

/// The facts of a workload resource: the shared compute facts and the workload's own.
pub(crate) fn facts(r: &Resource, w: &Workload) -> Facts {
    let mut own = WorkloadFacts {
        kind: w.kind.clone(),
        namespace: w.namespace.clone(),
        component: w.component.clone(),
        ..WorkloadFacts::default()
    };
    let mut f = Facts::default();
    match &w.detail {
        WorkloadDetail::Pods(p) => {
            if let Some(node) = &p.node_instance_type {
                f.instance_type = Some(node.clone());
                f.instance_types = Some(node.as_ref().map(|t| vec![t.clone()]));
                f.instance_families = Some(
                    node.as_ref()
                        .map(|t| vec![instance_family(&r.provider.name, t)]),
                );
            }
            f.accelerator_type = match (&p.accelerator_model, &p.accelerators) {
                (Some(model), _) => Some(model.clone()),
                (None, Fact::Known(0)) => Some(Fact::Known(String::new())),
                (None, _) => None,
            };
            f.accelerator_count = Some(p.accelerators.clone());
            f.count_min = Some(p.replicas.min.clone());
            f.count_desired = Some(p.replicas.desired.clone());
            f.count_max = Some(p.replicas.max.clone());
            f.accelerators_max = Some(times(&p.accelerators, &p.replicas.max));
            f.capacity_type = Some(p.capacity.as_ref().map(|c| c.as_str().to_string()));
            own.gpu_count = Some(p.accelerators.clone());
            // A DaemonSet's replicas are its nodes, not a scale it is configured to reach.
            if w.kind != "DaemonSet" {
                own.replicas_min = Some(p.replicas.min.clone());
                own.replicas_desired = Some(p.replicas.desired.clone());
                own.replicas_max = Some(p.replicas.max.clone());
            }
            own.has_gpu_limits = Some(p.accelerators_in_limits);
            own.scale_to_zero = p.scale_to_zero;
            own.inference = Some(p.inference);
        }
        WorkloadDetail::NodePool(n) => {
            f.pool = Some(true);
            if !n.instance_types.is_empty() {
                f.instance_type = n.instance_types.first().cloned().map(Fact::Known);
                f.instance_types = Some(Fact::Known(n.instance_types.clone()));
            }
            let families: Vec<String> = if n.families.is_empty() {
                n.instance_types
                    .iter()
                    .map(|t| instance_family(&r.provider.name, t))
                    .collect()
            } else {
                n.families.clone()
            };
            if !families.is_empty() {
                f.instance_families = Some(Fact::Known(dedup(families)));
            }
            // Accelerators per node are known only when the pool names its types.
            if let Some(first) = n.instance_types.first() {
                if let Some(a) = crate::catalog::machine_accelerators("aws", first) {
                    f.accelerator_type = Some(Fact::Known(a.model.clone()));
                    f.accelerator_count = Some(Fact::Known(a.count));
                    // The GPU limit bounds the nodes: whole nodes of the first type.
                    // Without one, AIC-K8S-005 reports the pool; no maximum is derived.
                    if let Some(limit) = &n.gpus {
                        let nodes = limit.as_ref().map(|l| l.checked_div(a.count).unwrap_or(0));
                        f.accelerators_max = Some(times(&Fact::Known(a.count), &nodes));
                        f.count_max = Some(nodes);
                    }
                }
            }
            // Karpenter launches on-demand capacity unless the pool allows only spot.
            let spot_only =
                !n.capacity_types.is_empty() && n.capacity_types.iter().all(|c| c == "spot");
            let capacity = if spot_only {
                Capacity::Spot
            } else {
                Capacity::OnDemand
            };
            f.capacity_type = Some(Fact::Known(capacity.as_str().to_string()));
            own.nodepool_has_limits =
                Some(n.cpu.is_some() || n.memory_gib.is_some() || n.gpus.is_some());
            own.nodepool_accelerators = Some(n.accelerators);
        }
        WorkloadDetail::LlmRoute(route) => {
            own.llm_model = Some(route.model.clone());
            own.llm_has_budget = Some(route.max_budget.is_some());
            own.llm_has_max_tokens = Some(route.max_tokens.is_some());
        }
    }
    f.workload = Some(own);
    f
}

fn times(per_pod: &Fact<i64>, pods: &Fact<i64>) -> Fact<i64> {
    match (per_pod, pods) {
        (Fact::Known(0), _) => Fact::Known(0),
        (Fact::Known(a), Fact::Known(n)) => Fact::Known(a.saturating_mul(*n)),
        (Fact::Unknown(u), _) | (_, Fact::Unknown(u)) => Fact::Unknown(Unknown::clone(u)),
    }
}

fn dedup(items: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for i in items {
        if !out.contains(&i) {
            out.push(i);
        }
    }
    out
}
