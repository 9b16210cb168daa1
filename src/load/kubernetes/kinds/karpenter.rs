//! Karpenter NodePool (`karpenter.sh/v1`, also `v1beta1`, which has the same shape): what
//! it may launch (requirements on instance type, family, capacity type and GPUs) and the
//! most it may launch (`spec.limits`, summed over all its nodes). A pool without limits
//! has no ceiling.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::super::yaml::Node;
use super::convert;
use super::quantity;
use super::record::{Cx, Object, Part};
use super::scheduling::machine;
use super::Extracted;
use crate::model::{
    Fact, Location, NodePoolLimits, NodeRequirement, Note, Unknown, WorkloadDetail,
};

const REQUIREMENTS: &str = "spec.template.spec.requirements";
const CAPACITY_TYPES: [&str; 3] = ["spot", "on-demand", "reserved"];
/// Instance sizes probed in the catalog to decide whether a family carries accelerators.
const SIZES: &[&str] = &[
    "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "48xlarge",
    "metal",
];
/// Instance categories that are all accelerated (AWS `g` graphics, `p` GPU compute).
const GPU_CATEGORIES: &[&str] = &["g", "p"];

pub fn handles(group: &str, kind: &str) -> bool {
    group == "karpenter.sh" && kind == "NodePool"
}

/// One requirement's allowed values and where it is written.
struct Requirement {
    operator: String,
    values: Vec<String>,
    location: Location,
}

pub fn extract(cx: &Cx, obj: &Object, out: &mut Extracted) {
    let spec = obj.node.get("spec");
    let mut requirements: BTreeMap<String, Vec<Requirement>> = BTreeMap::new();
    let mut written: Vec<NodeRequirement> = Vec::new();
    let items = spec
        .and_then(|s| s.path("template.spec.requirements"))
        .map_or(&[][..], Node::items);
    for (i, r) in items.iter().enumerate() {
        let Some(key) = convert::text(r.get("key")) else {
            continue;
        };
        let mut values = Vec::new();
        for (j, v) in r
            .get("values")
            .map_or(&[][..], Node::items)
            .iter()
            .enumerate()
        {
            match v.as_str() {
                Some(t) if convert::is_placeholder(t) => out.notes.push(Note {
                    location: Some(cx.loc(v)),
                    message: format!(
                        "{REQUIREMENTS}[{i}].values[{j}] of NodePool {} is a placeholder ({t}) and was left out",
                        obj.name
                    ),
                }),
                Some(t) => values.push(t.trim().to_string()),
                None => {}
            }
        }
        let operator = convert::text(r.get("operator")).unwrap_or("In").to_string();
        written.push(NodeRequirement {
            key: key.to_string(),
            operator: operator.clone(),
            values: values.clone(),
        });
        requirements
            .entry(key.to_string())
            .or_default()
            .push(Requirement {
                operator,
                values,
                location: cx.loc(r),
            });
    }
    let allowed = |key: &str| -> (Vec<String>, Option<Location>) {
        let mut out: Vec<String> = Vec::new();
        let mut at = None;
        for r in requirements.get(key).into_iter().flatten() {
            if r.operator == "In" {
                out.extend(r.values.iter().cloned());
                at.get_or_insert_with(|| r.location.clone());
            }
        }
        (out, at)
    };
    let mut fact_locations = BTreeMap::new();
    let (instance_types, types_at) = allowed("node.kubernetes.io/instance-type");
    let (families, families_at) = allowed("karpenter.k8s.aws/instance-family");
    let (mut capacity_types, mut capacity_at) = allowed("karpenter.sh/capacity-type");
    for r in requirements
        .get("karpenter.sh/capacity-type")
        .into_iter()
        .flatten()
    {
        if r.operator == "NotIn" {
            if capacity_types.is_empty() {
                capacity_types = CAPACITY_TYPES.iter().map(|s| s.to_string()).collect();
            }
            capacity_types.retain(|c| !r.values.contains(c));
            capacity_at.get_or_insert_with(|| r.location.clone());
        }
    }
    for (facts, at) in [
        (&["instance_type", "instance_types"][..], &types_at),
        (&["instance_families"][..], &families_at),
        (&["capacity_type"][..], &capacity_at),
    ] {
        if let Some(at) = at {
            for f in facts {
                fact_locations.insert(f.to_string(), at.clone());
            }
        }
    }

    let excluded = |key: &str| -> Vec<String> {
        requirements
            .get(key)
            .into_iter()
            .flatten()
            .filter(|r| r.operator == "NotIn")
            .flat_map(|r| r.values.iter().cloned())
            .collect()
    };
    let excluded_instance_types = excluded("node.kubernetes.io/instance-type");
    let excluded_families = excluded("karpenter.k8s.aws/instance-family");
    let (gpus_per_node_min, gpus_per_node_max) = gpu_count_bounds(&requirements);
    let accelerators = accelerated(&requirements, &instance_types, &families, spec);
    let limits = spec.and_then(|s| s.get("limits"));
    if let Some(s) = spec {
        // Where the limits are, or where they would go.
        if let Some(at) = cx.entry_loc(s, "limits") {
            fact_locations.insert("limits".to_string(), at.clone());
            fact_locations.insert("nodepool_limits".to_string(), at);
        } else {
            fact_locations.insert(
                "nodepool_limits".to_string(),
                cx.key_loc("spec", s).first_line(),
            );
        }
        if let Some(at) = s
            .path("template.spec")
            .and_then(|t| cx.entry_loc(t, "requirements"))
        {
            fact_locations.insert("nodepool_accelerators".to_string(), at);
        }
    }
    let limit = |name: &str| -> Option<(Fact<Decimal>, Location)> {
        let node = convert::present(limits.and_then(|l| l.get(name)))?;
        let path = format!("spec.limits.{name}");
        let value = match node.as_str() {
            Some(t) if convert::is_placeholder(t) => Err(convert::placeholder(&path, t)),
            Some(t) => match name {
                "memory" => quantity::gib(t),
                "cpu" => quantity::cores(t),
                _ => quantity::whole(t).map(Decimal::from),
            }
            .map_err(|why| Unknown::new(format!("{path}: {why}"))),
            None => Err(Unknown::new(format!("{path} is not a quantity"))),
        };
        let at = cx.key_loc(name, node);
        let fact = match value {
            Ok(v) => Fact::Known(v),
            Err(u) => {
                if !node.as_str().is_some_and(convert::is_placeholder) {
                    cx.bad_quantity(at.clone(), u.origin.to_string());
                }
                Fact::Unknown(u)
            }
        };
        Some((fact, at))
    };
    let mut take = |name: &str, fact: &str| {
        limit(name).map(|(value, at)| {
            fact_locations.insert(fact.to_string(), at);
            value
        })
    };
    let cpu = take("cpu", "cpu_limit");
    let memory_gib = take("memory", "memory_limit");
    let gpus = ["nvidia.com/gpu", "amd.com/gpu", "aws.amazon.com/neuron"]
        .iter()
        .find_map(|n| take(n, "gpu_limit"))
        .map(|f| match f {
            Fact::Known(d) => i64::try_from(d).map_or_else(
                |_| Fact::Unknown(Unknown::new("spec.limits GPU count is too large")),
                Fact::Known,
            ),
            Fact::Unknown(u) => Fact::Unknown(u),
        });

    let detail = NodePoolLimits {
        instance_types,
        families,
        capacity_types,
        excluded_instance_types,
        excluded_families,
        gpus_per_node_min,
        gpus_per_node_max,
        accelerators,
        requirements: written,
        cpu,
        memory_gib,
        gpus,
    };
    out.resources.push(obj.resource(
        cx,
        Part {
            component: None,
            location: cx.doc_location(),
            detail: WorkloadDetail::NodePool(detail),
            fact_locations,
            region: None,
        },
    ));
}

/// Bounds on GPUs per node from `karpenter.k8s.aws/instance-gpu-count`: `Gt n` is at least
/// n + 1, `Lt n` at most n - 1, `In [...]` between the smallest and largest value.
fn gpu_count_bounds(
    requirements: &BTreeMap<String, Vec<Requirement>>,
) -> (Option<i64>, Option<i64>) {
    let mut min: Option<i64> = None;
    let mut max: Option<i64> = None;
    let tighten_min = |m: &mut Option<i64>, v: i64| *m = Some(m.map_or(v, |x| x.max(v)));
    let tighten_max = |m: &mut Option<i64>, v: i64| *m = Some(m.map_or(v, |x| x.min(v)));
    for r in requirements
        .get("karpenter.k8s.aws/instance-gpu-count")
        .into_iter()
        .flatten()
    {
        let numbers: Vec<i64> = r.values.iter().filter_map(|v| v.parse().ok()).collect();
        match (r.operator.as_str(), numbers.first()) {
            ("Gt", Some(n)) => tighten_min(&mut min, n.saturating_add(1)),
            ("Lt", Some(n)) => tighten_max(&mut max, n.saturating_sub(1)),
            ("In", Some(_)) => {
                if let (Some(lo), Some(hi)) = (numbers.iter().min(), numbers.iter().max()) {
                    tighten_min(&mut min, *lo);
                    tighten_max(&mut max, *hi);
                }
            }
            _ => {}
        }
    }
    (min, max)
}

/// Whether the pool is for accelerators: a GPU requirement, an accelerated family or
/// instance type, or a taint for GPUs.
fn accelerated(
    requirements: &BTreeMap<String, Vec<Requirement>>,
    instance_types: &[String],
    families: &[String],
    spec: Option<&Node>,
) -> bool {
    let gpu_requirement = requirements.iter().any(|(key, rs)| {
        let gpu_key = key.starts_with("karpenter.k8s.aws/instance-gpu-")
            || key.starts_with("karpenter.k8s.aws/instance-accelerator-");
        gpu_key
            && rs.iter().any(|r| match r.operator.as_str() {
                "In" => r.values.iter().any(|v| v != "0"),
                "Gt" | "Exists" => true,
                _ => false,
            })
    });
    let category = requirements
        .get("karpenter.k8s.aws/instance-category")
        .into_iter()
        .flatten()
        .any(|r| {
            r.operator == "In"
                && !r.values.is_empty()
                && r.values
                    .iter()
                    .all(|v| GPU_CATEGORIES.contains(&v.as_str()))
        });
    let family = families
        .iter()
        .any(|f| SIZES.iter().any(|s| machine(&format!("{f}.{s}")).is_some()));
    let types = instance_types.iter().any(|t| machine(t).is_some());
    let taint = spec
        .and_then(|s| s.path("template.spec.taints"))
        .map_or(&[][..], Node::items)
        .iter()
        .any(|t| {
            convert::text(t.get("key")).is_some_and(|k| {
                k == "nvidia.com/gpu"
                    || k == "amd.com/gpu"
                    || k.starts_with("aws.amazon.com/neuron")
            })
        });
    gpu_requirement || category || family || types || taint
}
