//! Karpenter NodePool ceilings. A pool launches nothing by itself (its nodes are paid
//! through the pods that land on them), so its baseline is $0; its ceiling is what its
//! `spec.limits` let it spend on the allowed instance type that spends the most, in whole
//! nodes.
//!
//! The allowed types are the EC2 types of the catalog whose node labels satisfy every
//! requirement of the pool (`catalog::ec2_label`: instance type, family, size, category,
//! generation, vCPUs, memory, GPU count, name and maker, architecture...). A pool for
//! accelerators (or with a GPU limit) is priced over the types that carry them, any other
//! pool over the types that do not: Karpenter launches the cheapest type that fits the
//! pods, so a GPU type comes up in a general pool only for pods that ask for GPUs. The
//! capacity type priced is the dearest the pool allows: on-demand (also for reserved
//! capacity, which is billed at that list price), spot only when the pool allows nothing
//! else.

use std::collections::BTreeSet;

use rust_decimal::Decimal;

use super::compute::unknown_price;
use super::kubernetes::{node_price, node_provider};
use super::line::{component, Rate, Units};
use super::settings::PricingSettings;
use crate::catalog::{self, Label};
use crate::model::{
    grouped, is_custom_label, Capacity, CostComponent, Fact, NodePoolLimits, NodeRequirement, Usd,
    HOURS_PER_MONTH,
};

/// The capacity-type label, matched against the pool as a whole rather than per type.
const CAPACITY_TYPE: &str = "karpenter.sh/capacity-type";

/// The ceiling of a NodePool: one component at $0 for the baseline.
pub(super) fn ceiling(
    n: &NodePoolLimits,
    s: &PricingSettings,
    notes: &mut Vec<String>,
) -> Vec<CostComponent> {
    let units = Units {
        baseline: Fact::Known(0),
        ceiling: Fact::Known(1),
    };
    let unpriced = |unit: &str, why: String, per_unit: Decimal| {
        vec![component(
            "Node pool ceiling".to_string(),
            unit,
            Err(why),
            Ok(per_unit),
            &units,
        )]
    };
    if n.cpu.is_none() && n.memory_gib.is_none() && n.gpus.is_none() {
        return unpriced(
            "months",
            "the node pool sets no spec.limits, so nothing bounds what it can launch".to_string(),
            Decimal::ONE,
        );
    }
    if let Some(Fact::Unknown(u)) = &n.gpus {
        return unpriced(
            "node-hours",
            format!("limits for nvidia.com/gpu is unknown: {}", u.origin),
            HOURS_PER_MONTH,
        );
    }
    let gpu_pool = n.accelerators || n.gpus.is_some();
    let (capacity, capacity_word) = capacity(n);
    let allowed = allowed_types(n, gpu_pool);
    allowed.explain(notes);

    let mut spends: Vec<Spend> = Vec::new();
    let mut unbounded: Vec<&str> = Vec::new();
    for &t in &allowed.types {
        let Ok(Rate { usd, .. }) = node_price(node_provider(t), t, capacity, None, s) else {
            continue;
        };
        match bounds(n, t, gpu_pool).into_iter().min_by_key(|b| b.nodes) {
            Some(binding) => {
                let Some(monthly) = binding
                    .nodes
                    .checked_mul(HOURS_PER_MONTH)
                    .and_then(|h| h.checked_mul(usd))
                else {
                    continue;
                };
                spends.push(Spend {
                    monthly,
                    nodes: binding.nodes,
                    instance_type: t,
                    usd,
                    binding,
                });
            }
            None => unbounded.push(t),
        }
    }
    if !unbounded.is_empty() {
        notes.push(format!(
            "left out of the ceiling, as the catalog has no vCPU and memory size to apply the pool's limits to: {}",
            sample(&unbounded)
        ));
    }
    spends.sort_by(|a, b| {
        (a.monthly, a.nodes, a.instance_type).cmp(&(b.monthly, b.nodes, b.instance_type))
    });
    let (Some(low), Some(high)) = (spends.first(), spends.last()) else {
        if !gpu_pool {
            return unit_rates(n, &units, notes);
        }
        return unpriced(
            "node-hours",
            unknown_price(
                "the node pool allows no GPU instance type the catalog knows; list the types under node.kubernetes.io/instance-type or karpenter.k8s.aws/instance-family".to_string(),
            ),
            HOURS_PER_MONTH,
        );
    };
    if low.monthly != high.monthly {
        notes.push(format!(
            "ceiling at the allowed type that spends the most, {}; with {}, the least, it would be {}",
            high.instance_type,
            low.instance_type,
            Usd(low.monthly)
        ));
    }
    high.explain(n, notes);
    vec![component(
        format!(
            "Node pool ceiling: {} × {} ({capacity_word})",
            high.nodes, high.instance_type
        ),
        "node-hours",
        Ok(Rate::plain(high.usd)),
        high.nodes
            .checked_mul(HOURS_PER_MONTH)
            .ok_or_else(|| "the quantity is too large to price".to_string()),
        &units,
    )]
}

/// What the pool spends at its limits on one type.
struct Spend<'a> {
    monthly: Decimal,
    nodes: Decimal,
    instance_type: &'a str,
    usd: Decimal,
    binding: Bound,
}

impl Spend<'_> {
    /// How the limits give the number of nodes.
    fn explain(&self, n: &NodePoolLimits, notes: &mut Vec<String>) {
        let t = self.instance_type;
        let gpu = bounds(n, t, true)
            .into_iter()
            .find(|b| b.what == Limit::Gpu);
        match &gpu {
            Some(g) => {
                let per = if g.per_node == Decimal::ONE {
                    "GPU"
                } else {
                    "GPUs"
                };
                notes.push(format!(
                    "GPU limit {} / {} {per} per {t} node = {} nodes",
                    grouped(g.limit),
                    grouped(g.per_node),
                    grouped(g.nodes)
                ));
                if self.nodes < g.nodes {
                    notes.push(format!(
                        "the pool's cpu or memory limit stops it at {} {t} nodes",
                        grouped(self.nodes)
                    ));
                }
            }
            None => notes.push(self.binding.describe(t)),
        }
        let sized = catalog::machine_size(node_provider(t), t).is_some();
        if gpu.is_some() && (n.cpu.is_some() || n.memory_gib.is_some()) && !sized {
            notes.push(format!(
                "the pool's cpu and memory limits may stop it sooner; the catalog has no size for {t} to apply them"
            ));
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Limit {
    Gpu,
    Cpu,
    Memory,
}

/// One limit's bound on the nodes of one type.
struct Bound {
    what: Limit,
    limit: Decimal,
    per_node: Decimal,
    nodes: Decimal,
}

impl Bound {
    fn describe(&self, t: &str) -> String {
        let (what, unit) = match self.what {
            Limit::Gpu => ("GPU", "GPUs"),
            Limit::Cpu => ("cpu", "vCPUs"),
            Limit::Memory => ("memory", "GiB"),
        };
        format!(
            "{what} limit {} / {} {unit} per {t} node = {} nodes",
            grouped(self.limit),
            grouped(self.per_node),
            grouped(self.nodes)
        )
    }
}

/// The whole nodes of `t` each known limit allows. The GPU limit counts only for a pool
/// priced over GPU types; cpu and memory limits need the type's size.
fn bounds(n: &NodePoolLimits, t: &str, gpu_pool: bool) -> Vec<Bound> {
    let whole = |limit: Decimal, per: Decimal| limit.checked_div(per).map(|x| x.floor());
    let mut out = Vec::new();
    let mut push = |what: Limit, limit: Decimal, per_node: Decimal| {
        if per_node > Decimal::ZERO {
            if let Some(nodes) = whole(limit, per_node) {
                out.push(Bound {
                    what,
                    limit,
                    per_node,
                    nodes,
                });
            }
        }
    };
    if let (true, Some(Fact::Known(limit)), Some(a)) = (
        gpu_pool,
        &n.gpus,
        catalog::machine_accelerators(node_provider(t), t),
    ) {
        push(Limit::Gpu, Decimal::from(*limit), Decimal::from(a.count));
    }
    if let Some(size) = catalog::machine_size(node_provider(t), t) {
        if let Some(Fact::Known(limit)) = &n.cpu {
            push(Limit::Cpu, *limit, size.vcpus);
        }
        if let Some(Fact::Known(limit)) = &n.memory_gib {
            push(Limit::Memory, *limit, size.memory_gib);
        }
    }
    out
}

/// The capacity type priced and its name: on-demand unless the pool allows only spot,
/// or only reserved capacity (priced at the on-demand list price, as Terraform's is).
fn capacity(n: &NodePoolLimits) -> (Capacity, &'static str) {
    let allows = |c: &str| n.capacity_types.is_empty() || n.capacity_types.iter().any(|x| x == c);
    if allows("on-demand") {
        (Capacity::OnDemand, "on-demand")
    } else if allows("reserved") {
        (Capacity::Reserved, "reserved")
    } else if allows("spot") {
        (Capacity::Spot, "spot")
    } else {
        (Capacity::OnDemand, "on-demand")
    }
}

/// The types a pool allows, and what was left out or not applied on the way.
struct Allowed {
    types: Vec<&'static str>,
    /// Requirement keys the catalog does not know per type, so not applied.
    ignored: BTreeSet<String>,
    /// Types left out because the catalog does not know a label a requirement reads,
    /// with that label.
    label_unknown: Vec<(&'static str, String)>,
    /// Types named by `node.kubernetes.io/instance-type In` that are not candidates, and why.
    named_out: Vec<String>,
}

impl Allowed {
    fn explain(&self, notes: &mut Vec<String>) {
        if !self.ignored.is_empty() {
            notes.push(format!(
                "the requirements on {} are not applied to the ceiling: the catalog does not list them per instance type",
                self.ignored.iter().cloned().collect::<Vec<_>>().join(", ")
            ));
        }
        if let Some((_, label)) = self.label_unknown.first() {
            let types: Vec<&str> = self.label_unknown.iter().map(|(t, _)| *t).collect();
            notes.push(format!(
                "left out of the ceiling, as the catalog does not know their {label}: {}",
                sample(&types)
            ));
        }
        if !self.named_out.is_empty() {
            notes.push(format!(
                "named but not priced: {}",
                self.named_out.join("; ")
            ));
        }
    }
}

/// Every catalog type of the pool's kind (with or without accelerators) that all its
/// requirements allow.
fn allowed_types(n: &NodePoolLimits, gpu_pool: bool) -> Allowed {
    let of_kind = |t: &str| {
        if gpu_pool {
            catalog::machine_accelerators("aws", t).is_some()
        } else {
            !catalog::ec2_accelerated(t)
        }
    };
    let mut allowed = Allowed {
        types: Vec::new(),
        ignored: BTreeSet::new(),
        label_unknown: Vec::new(),
        named_out: Vec::new(),
    };
    for r in &n.requirements {
        // A custom label (`NodeGroupType`) is one Karpenter puts on the nodes; it does not
        // narrow the instance types.
        if r.key != CAPACITY_TYPE
            && !catalog::MODELLED_LABELS.contains(&r.key.as_str())
            && !is_custom_label(&r.key)
        {
            allowed.ignored.insert(r.key.clone());
        }
    }
    let catalog_types = catalog::ec2_instance_types();
    for &t in &catalog_types {
        if !of_kind(t) {
            continue;
        }
        match matches_all(&n.requirements, t) {
            Ok(true) => allowed.types.push(t),
            Ok(false) => {}
            Err(label) => allowed.label_unknown.push((t, label)),
        }
    }
    for r in &n.requirements {
        if r.operator != "In" || !is_instance_type_key(&r.key) {
            continue;
        }
        for v in &r.values {
            let t = v.trim().to_ascii_lowercase();
            if allowed.types.iter().any(|a| *a == t) {
                continue;
            }
            let why = if !catalog_types.iter().any(|c| *c == t) {
                "not in the price catalog"
            } else if !of_kind(&t) && gpu_pool {
                "the catalog does not list its accelerators"
            } else if !of_kind(&t) {
                "it carries accelerators and the pool is not for them"
            } else {
                continue;
            };
            allowed.named_out.push(format!("{v} ({why})"));
        }
    }
    allowed
}

fn is_instance_type_key(key: &str) -> bool {
    key == "node.kubernetes.io/instance-type" || key == "beta.kubernetes.io/instance-type"
}

/// Whether every requirement allows type `t`; `Err(label)` when one reads a label the
/// catalog does not know for `t`.
fn matches_all(requirements: &[NodeRequirement], t: &str) -> Result<bool, String> {
    for r in requirements {
        let Some(label) = catalog::ec2_label(t, &r.key) else {
            continue;
        };
        if !matches(r, &label).ok_or_else(|| r.key.clone())? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Kubernetes' node selector operators (and Karpenter's `Gte`/`Lte`) on one label;
/// `None` when the label's value is unknown. An operator Kubernetes does not have is
/// rejected by the API server, so it allows nothing.
fn matches(r: &NodeRequirement, label: &Label) -> Option<bool> {
    let value = match label {
        Label::Unknown => return None,
        Label::Absent => None,
        Label::Value(v) => Some(v.as_str()),
    };
    let number = |s: &str| s.trim().parse::<i64>().ok();
    let compare = |ok: fn(i64, i64) -> bool| -> bool {
        match (
            value.and_then(number),
            r.values.first().and_then(|b| number(b)),
        ) {
            (Some(v), Some(bound)) => ok(v, bound),
            _ => false,
        }
    };
    Some(match r.operator.as_str() {
        "In" => value.is_some_and(|v| r.values.iter().any(|x| x == v)),
        "NotIn" => value.is_none_or(|v| !r.values.iter().any(|x| x == v)),
        "Exists" => value.is_some(),
        "DoesNotExist" => value.is_none(),
        "Gt" => compare(|v, b| v > b),
        "Lt" => compare(|v, b| v < b),
        "Gte" => compare(|v, b| v >= b),
        "Lte" => compare(|v, b| v <= b),
        _ => false,
    })
}

/// A CPU pool none of whose allowed types the catalog can size: its cpu and memory limits
/// at the default unit rates.
fn unit_rates(n: &NodePoolLimits, units: &Units, notes: &mut Vec<String>) -> Vec<CostComponent> {
    let rates = catalog::kubernetes_unit_rates();
    let known = |f: &Fact<Decimal>, what: &str| match f {
        Fact::Known(v) => v
            .checked_mul(HOURS_PER_MONTH)
            .ok_or_else(|| "the quantity is too large to price".to_string()),
        Fact::Unknown(u) => Err(format!("{what} is unknown: {}", u.origin)),
    };
    let mut out = Vec::new();
    if let Some(cpu) = &n.cpu {
        out.push(component(
            "Node pool ceiling: vCPU".to_string(),
            "vCPU-hours",
            Ok(Rate::plain(rates.cpu_hour.usd)),
            known(cpu, "limits.cpu"),
            units,
        ));
    }
    if let Some(mem) = &n.memory_gib {
        out.push(component(
            "Node pool ceiling: memory".to_string(),
            "GiB-hours",
            Ok(Rate::plain(rates.gib_hour.usd)),
            known(mem, "limits.memory"),
            units,
        ));
    }
    notes.push(
        "ceiling: the pool's cpu and memory limits at default unit rates (the catalog knows the size of no instance type the pool allows)"
            .to_string(),
    );
    out
}

/// Up to three names, then how many more.
fn sample(types: &[&str]) -> String {
    let shown: Vec<&str> = types.iter().take(3).copied().collect();
    match types.len().saturating_sub(shown.len()) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(key: &str, op: &str, values: &[&str]) -> NodeRequirement {
        NodeRequirement {
            key: key.to_string(),
            operator: op.to_string(),
            values: values.iter().map(|v| v.to_string()).collect(),
        }
    }

    #[test]
    fn operators_follow_kubernetes() {
        let v = |s: &str| Label::Value(s.to_string());
        let r = |op: &str, values: &[&str]| req("k", op, values);
        assert_eq!(matches(&r("In", &["a", "b"]), &v("b")), Some(true));
        assert_eq!(matches(&r("In", &["a"]), &Label::Absent), Some(false));
        assert_eq!(matches(&r("NotIn", &["a"]), &Label::Absent), Some(true));
        assert_eq!(matches(&r("NotIn", &["a"]), &v("a")), Some(false));
        assert_eq!(matches(&r("Exists", &[]), &v("x")), Some(true));
        assert_eq!(matches(&r("DoesNotExist", &[]), &v("x")), Some(false));
        assert_eq!(matches(&r("Gt", &["4"]), &v("5")), Some(true));
        assert_eq!(matches(&r("Gt", &["5"]), &v("5")), Some(false));
        assert_eq!(matches(&r("Lt", &["5"]), &v("4")), Some(true));
        assert_eq!(matches(&r("Lt", &["5"]), &Label::Absent), Some(false));
        assert_eq!(matches(&r("Gt", &["x"]), &v("5")), Some(false));
        assert_eq!(matches(&r("In", &["a"]), &Label::Unknown), None);
        assert_eq!(matches(&r("Sometimes", &["a"]), &v("a")), Some(false));
    }

    #[test]
    fn sizes_generations_and_gpu_names_narrow_the_types() {
        let pool = |requirements: Vec<NodeRequirement>| NodePoolLimits {
            instance_types: Vec::new(),
            families: Vec::new(),
            capacity_types: Vec::new(),
            excluded_instance_types: Vec::new(),
            excluded_families: Vec::new(),
            gpus_per_node_min: None,
            gpus_per_node_max: None,
            accelerators: true,
            requirements,
            cpu: None,
            memory_gib: None,
            gpus: Some(Fact::Known(8)),
        };
        let types = |requirements| allowed_types(&pool(requirements), true).types;
        assert_eq!(
            types(vec![
                req("karpenter.k8s.aws/instance-gpu-name", "In", &["l40s"]),
                req(
                    "karpenter.k8s.aws/instance-size",
                    "In",
                    &["12xlarge", "48xlarge"]
                ),
            ]),
            ["g6e.12xlarge", "g6e.48xlarge"]
        );
        assert_eq!(
            types(vec![
                req("karpenter.k8s.aws/instance-category", "In", &["p"]),
                req("karpenter.k8s.aws/instance-generation", "Gt", &["4"]),
                req("karpenter.k8s.aws/instance-gpu-count", "Gt", &["4"]),
                req("karpenter.k8s.aws/instance-family", "NotIn", &["p6-b300"]),
            ]),
            // p5e is not in the price catalog.
            ["p5.48xlarge", "p5en.48xlarge", "p6-b200.48xlarge"]
        );
        // Neuron devices are accelerators, not GPUs.
        assert_eq!(
            types(vec![req(
                "karpenter.k8s.aws/instance-accelerator-manufacturer",
                "In",
                &["aws"]
            )])
            .len(),
            // trn1 (2), trn1n, inf2 (4); trn2 is not in the price catalog.
            7
        );
    }
}
