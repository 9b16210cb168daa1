//! Kubernetes workloads and AI configs. A pod on a named GPU node type is priced as its
//! share of that node (GPUs requested over GPUs on the node); otherwise at the catalog's
//! default unit rates per vCPU, GiB and GPU model, the way OpenCost prices without a cloud
//! bill. A Karpenter NodePool's `limits` give its ceiling; LLM routes are billed by token.

use rust_decimal::Decimal;

use super::compute::{machine_price, unknown_price};
use super::line::{component, usage_component, PriceResult, Rate, Units};
use super::settings::PricingSettings;
use super::usage::UsageValues;
use crate::catalog;
use crate::model::{
    grouped, Capacity, CostComponent, Fact, LlmRoute, PodGroup, Resource, Unknown, Usd, Workload,
    WorkloadDetail, HOURS_PER_MONTH,
};

/// The components of a workload's estimate. What keeps the estimate incomplete beyond
/// its components goes to `missing`: a GPU job whose running time is unknown is billed by
/// use, yet its cost is not "complete" at $0 (`AIC-COST-001` must see it).
pub(super) fn components(
    r: &Resource,
    s: &PricingSettings,
    usage: &UsageValues,
    notes: &mut Vec<String>,
    missing: &mut Vec<String>,
) -> Option<Vec<CostComponent>> {
    let w = r.workload.as_ref()?;
    match &w.detail {
        WorkloadDetail::Pods(p) => {
            let mut required = Required {
                provider: &r.provider.name,
                region: match &r.region {
                    Some(Fact::Known(region)) if !region.is_empty() => Some(region.as_str()),
                    _ => None,
                },
                missing,
            };
            Some(pods(w, p, s, usage, notes, &mut required))
        }
        WorkloadDetail::NodePool(n) => Some(super::nodepool::ceiling(n, s, notes)),
        WorkloadDetail::LlmRoute(route) => Some(llm_route(route, usage, notes)),
    }
}

fn known<T: Copy + Into<Decimal>>(f: &Fact<T>, what: &str) -> Result<Decimal, String> {
    match f {
        Fact::Known(v) => Ok((*v).into()),
        Fact::Unknown(u) => Err(format!("{what} is unknown: {}", u.origin)),
    }
}

fn mul(a: Decimal, b: Decimal) -> Result<Decimal, String> {
    a.checked_mul(b)
        .ok_or_else(|| "the quantity is too large to price".to_string())
}

/// Hours a month each pod runs: the usage file, else the job's deadline, else all month.
/// `None` for a job whose running time is unknown: it is billed by use.
fn pod_hours(
    w: &Workload,
    p: &PodGroup,
    usage: &UsageValues,
    notes: &mut Vec<String>,
) -> Option<Decimal> {
    if let Some(h) = usage.monthly_hours() {
        notes.push(super::usage::hours_note(h));
        return Some(h);
    }
    match &p.run_hours {
        None => Some(HOURS_PER_MONTH),
        Some(Fact::Known(h)) => {
            let limit = if w.kind == "ProvisioningRequest" {
                "maxRunDurationSeconds"
            } else {
                "activeDeadlineSeconds"
            };
            notes.push(format!(
                "runs at most {} hours a month ({limit})",
                crate::model::grouped(*h)
            ));
            Some(*h)
        }
        Some(Fact::Unknown(u)) => {
            // A GPU job says so in the estimate's `missing` instead (see `pods`).
            if !requests_accelerators(p) {
                notes.push(format!(
                    "how long the {} runs is unknown ({}); it is billed per hour of use: give monthly_hours in the usage file",
                    w.kind, u.origin
                ));
            }
            None
        }
    }
}

/// What keeps a pod group's estimate incomplete beyond its components, and whose
/// discounts apply.
struct Required<'a> {
    provider: &'a str,
    /// The region the pods' node selector names (`topology.kubernetes.io/region`).
    region: Option<&'a str>,
    missing: &'a mut Vec<String>,
}

/// Whether the pods request accelerators, or may (their count is unknown).
fn requests_accelerators(p: &PodGroup) -> bool {
    !matches!(p.accelerators, Fact::Known(0))
}

/// Why a GPU job billed by use leaves its estimate incomplete, with what an hour of it
/// costs (after discounts) from `per_hour`, its components priced for one hour.
fn hours_required(
    w: &Workload,
    p: &PodGroup,
    s: &PricingSettings,
    provider: &str,
    per_hour: &[CostComponent],
) -> Option<String> {
    let Some(Fact::Unknown(u)) = &p.run_hours else {
        return None;
    };
    if !requests_accelerators(p) {
        return None;
    }
    let mut discounted = per_hour.to_vec();
    s.apply_discounts(provider, &mut discounted, &mut Vec::new());
    let all = |amount: fn(&CostComponent) -> Option<Usd>| -> Option<Usd> {
        let amounts: Option<Vec<Usd>> = discounted.iter().map(amount).collect();
        Usd::sum(amounts?.iter())
    };
    let rate = match (all(|c| c.monthly), all(|c| c.ceiling_monthly)) {
        (Some(b), Some(c)) if c > b => format!("{b} an hour (ceiling {c})"),
        (Some(b), _) => format!("{b} an hour"),
        (None, _) => "an unknown amount an hour".to_string(),
    };
    Some(format!(
        "how long the {} runs is unknown ({}); while it runs it costs {rate}: give monthly_hours in the usage file",
        w.kind, u.origin
    ))
}

/// A pod group whose pods are unknown, all for one reason (a kind that is not modelled, a
/// template that is elsewhere): one line naming it, rather than one per vCPU, memory and
/// GPU.
fn unknown_group(p: &PodGroup) -> Option<&Unknown> {
    let (Fact::Unknown(a), Fact::Unknown(b), Fact::Unknown(c)) =
        (&p.cpu_cores, &p.memory_gib, &p.accelerators)
    else {
        return None;
    };
    (a == b && b == c).then_some(a)
}

/// A component billed per pod-hour of use that was not given: "depends on usage".
fn by_usage(mut c: CostComponent) -> CostComponent {
    c.usage_based = true;
    c.quantity = None;
    c.ceiling_quantity = None;
    c.monthly = None;
    c.ceiling_monthly = None;
    if c.unit_price.is_some() {
        c.missing = None;
    }
    c
}

/// Replicas at the baseline and the ceiling; a DaemonSet runs one pod per node.
fn replicas(w: &Workload, p: &PodGroup, notes: &mut Vec<String>) -> Units {
    if w.kind == "DaemonSet" {
        if let Fact::Known(n) = &p.replicas.desired {
            notes.push(format!(
                "one pod on each of {n} nodes ([kubernetes] daemonset_nodes)"
            ));
        }
    }
    Units::from_counts(&p.replicas)
}

fn pods(
    w: &Workload,
    p: &PodGroup,
    s: &PricingSettings,
    usage: &UsageValues,
    notes: &mut Vec<String>,
    required: &mut Required,
) -> Vec<CostComponent> {
    let units = replicas(w, p, notes);
    if let Some(u) = unknown_group(p) {
        return vec![component(
            "Pods".to_string(),
            "pod-hours",
            Err(u.origin.to_string()),
            Ok(HOURS_PER_MONTH),
            &units,
        )];
    }
    let Some(run) = pod_hours(w, p, usage, notes) else {
        // Priced per pod-hour, with the hours left to the usage file.
        let per_hour = UsageValues::with_hours(Decimal::ONE);
        let mut ignored = Required {
            provider: required.provider,
            region: required.region,
            missing: &mut Vec::new(),
        };
        let one_hour = pods(w, p, s, &per_hour, &mut Vec::new(), &mut ignored);
        let why = hours_required(w, p, s, required.provider, &one_hour);
        required.missing.extend(why);
        return one_hour.into_iter().map(by_usage).collect();
    };
    let hours: Result<Decimal, String> = Ok(run);
    let spot = matches!(p.capacity, Fact::Known(Capacity::Spot));
    let capacity = match &p.capacity {
        Fact::Known(c) => c.as_str(),
        Fact::Unknown(_) => "unknown capacity",
    };
    let on = OnNode {
        spot,
        capacity,
        region: required.region,
        hours: hours.clone(),
        units: units.clone(),
        settings: s,
    };
    if let Some(c) = node_share(p, &on).or_else(|| node_cpu_memory_share(p, &on)) {
        return vec![c];
    }
    if let Some(Fact::Known(node)) = &p.node_instance_type {
        notes.push(format!(
            "the catalog has no vCPU and memory size for {node}, so the pod is priced at default unit rates rather than as its share of the node"
        ));
    }
    let rates = catalog::kubernetes_unit_rates();
    let (cpu_rate, gib_rate) = if spot {
        (&rates.spot_cpu_hour, &rates.spot_gib_hour)
    } else {
        (&rates.cpu_hour, &rates.gib_hour)
    };
    let per_pod = |amount: Result<Decimal, String>| -> Result<Decimal, String> {
        mul(amount?, hours.clone()?)
    };
    let mut out = vec![
        component(
            format!("vCPU ({capacity})"),
            "vCPU-hours",
            Ok(Rate::plain(cpu_rate.usd)),
            per_pod(known(&p.cpu_cores, "the CPU request")),
            &units,
        ),
        component(
            format!("Memory ({capacity})"),
            "GiB-hours",
            Ok(Rate::plain(gib_rate.usd)),
            per_pod(known(&p.memory_gib, "the memory request")),
            &units,
        ),
    ];
    if !matches!(p.accelerators, Fact::Known(0)) {
        let rate = gpu_rate(p, spot, s);
        let gpus = known(&p.accelerators, "the accelerator request");
        let mut gpu = component(
            format!("GPU ({}, {capacity})", rate.model),
            "GPU-hours",
            rate.price,
            per_pod(gpus),
            &units,
        );
        gpu.assumptions = rate.assumptions;
        unnamed_gpu_range(&mut gpu, spot);
        out.push(gpu);
    }
    out
}

/// A pod requesting GPUs on a node type the catalog knows pays that share of the node.
fn node_share(p: &PodGroup, on: &OnNode) -> Option<CostComponent> {
    let (Some(Fact::Known(node)), Fact::Known(gpus)) = (&p.node_instance_type, &p.accelerators)
    else {
        return None;
    };
    if *gpus <= 0 {
        return None;
    }
    let provider = node_provider(node);
    let on_node = catalog::machine_accelerators(provider, node)
        .map(|m| m.count)
        .filter(|c| *c > 0)?;
    let share = Decimal::from(*gpus)
        .checked_div(Decimal::from(on_node))
        .unwrap_or(Decimal::ONE);
    let price =
        node_price(provider, node, on.capacity(), on.region, on.settings).and_then(|mut rate| {
            rate.notes.push(format!(
                "{gpus} of the node's {on_node} GPUs: {} of its price",
                share.normalize()
            ));
            rate.usd = mul(rate.usd, share)?;
            Ok(rate)
        });
    Some(on.share(node, price))
}

/// How the pods of a group are bought and how long they run, for their share of a node.
struct OnNode<'a> {
    spot: bool,
    capacity: &'a str,
    region: Option<&'a str>,
    hours: Result<Decimal, String>,
    units: Units,
    settings: &'a PricingSettings,
}

impl OnNode<'_> {
    fn capacity(&self) -> Capacity {
        if self.spot {
            Capacity::Spot
        } else {
            Capacity::OnDemand
        }
    }

    fn share(&self, node: &str, price: PriceResult) -> CostComponent {
        component(
            format!("Pod share of {node} ({})", self.capacity),
            "pod-hours",
            price,
            self.hours.clone(),
            &self.units,
        )
    }
}

/// A pod that requests no GPUs on a node type of known size pays its CPU and memory share
/// of the node, split as OpenCost splits a node price: per vCPU and per GiB in the ratio of
/// the default unit rates, so that the node's vCPUs and memory add up to its price.
fn node_cpu_memory_share(p: &PodGroup, on: &OnNode) -> Option<CostComponent> {
    let Some(Fact::Known(node)) = &p.node_instance_type else {
        return None;
    };
    if !matches!(p.accelerators, Fact::Known(0)) {
        return None;
    }
    let provider = node_provider(node);
    let size = catalog::machine_size(provider, node)?;
    let rates = catalog::kubernetes_unit_rates();
    let ratio = rates.gib_hour.usd.checked_div(rates.cpu_hour.usd)?;
    let price = node_price(provider, node, on.capacity(), on.region, on.settings).and_then(|mut rate| {
        let usd = rate.usd;
        let cpu = known(&p.cpu_cores, "the CPU request")?;
        let memory = known(&p.memory_gib, "the memory request")?;
        let weight = size
            .vcpus
            .checked_add(size.memory_gib.checked_mul(ratio).unwrap_or(Decimal::MAX))
            .filter(|w| !w.is_zero())
            .ok_or_else(|| format!("{node} has no size to share"))?;
        let per_vcpu = usd
            .checked_div(weight)
            .ok_or_else(|| "the share is too large to price".to_string())?;
        let per_gib = mul(per_vcpu, ratio)?;
        rate.notes.push(format!(
            "{} of the node's {} vCPUs and {} of its {} GiB, at {} per vCPU-hour and {} per GiB-hour of the node (OpenCost's split)",
            cpu.normalize(),
            size.vcpus.normalize(),
            memory.normalize(),
            size.memory_gib.normalize(),
            Usd(per_vcpu.round_dp(6)).exact_string(),
            Usd(per_gib.round_dp(6)).exact_string(),
        ));
        let share = mul(cpu, per_vcpu)?
            .checked_add(mul(memory, per_gib)?)
            .ok_or_else(|| "the share is too large to price".to_string())?;
        rate.usd = share;
        Ok(rate)
    });
    Some(on.share(node, price))
}

/// The rate of one accelerator of the pod's model, what the component calls the model, and
/// what was assumed to price it.
struct GpuRate {
    price: PriceResult,
    model: String,
    assumptions: Vec<String>,
}

/// The hourly rate of one accelerator of the pod's model. A pod that does not name its
/// model has no price (the catalog's GPUs differ thirtyfold), unless `[kubernetes]
/// default_gpu` says which model to assume; a named model without a rate of its own is
/// priced at the default GPU rate, as an assumption.
fn gpu_rate(p: &PodGroup, spot: bool, s: &PricingSettings) -> GpuRate {
    match &p.accelerator_model {
        Some(Fact::Known(model)) => {
            let mut assumptions = Vec::new();
            let price = model_rate(model, spot, &mut assumptions);
            GpuRate {
                price,
                model: model.clone(),
                assumptions,
            }
        }
        Some(Fact::Unknown(u)) => GpuRate {
            price: Err(format!("the accelerator model is unknown: {}", u.origin)),
            model: "unknown model".to_string(),
            assumptions: Vec::new(),
        },
        None => match &s.default_gpu {
            Some(model) => {
                let mut assumptions = vec![format!(
                    "GPU model {model} ([kubernetes] default_gpu): no node selector names the model"
                )];
                let price = model_rate(model, spot, &mut assumptions);
                GpuRate {
                    price,
                    model: format!("{model} assumed"),
                    assumptions,
                }
            }
            None => GpuRate {
                price: Err(UNNAMED_GPU.to_string()),
                model: "model not named".to_string(),
                assumptions: Vec::new(),
            },
        },
    }
}

/// Why a pod that requests GPUs without naming their model has no price.
const UNNAMED_GPU: &str = "no node selector names the GPU model: add a nodeSelector or node affinity on nvidia.com/gpu.product, cloud.google.com/gke-accelerator or karpenter.k8s.aws/instance-gpu-name, or an instance type, or set default_gpu under [kubernetes]";

/// The hourly rate of one GPU of a named model: its spot rate on spot capacity, else its
/// on-demand rate, else (the model has no rate of its own) the default GPU rate.
fn model_rate(model: &str, spot: bool, assumptions: &mut Vec<String>) -> PriceResult {
    let on_demand = catalog::gpu_hour_rate(model);
    match (spot, catalog::gpu_hour_spot_rate(model), on_demand) {
        (true, Some(s), _) => Ok(Rate::plain(s.usd)),
        (true, None, Some(o)) => {
            assumptions.push(format!("no spot rate for {model}; priced on-demand"));
            Ok(Rate::plain(o.usd))
        }
        (false, _, Some(o)) => Ok(Rate::plain(o.usd)),
        (_, _, None) => {
            let rates = catalog::kubernetes_unit_rates();
            assumptions.push(format!(
                "{model} has no rate of its own; priced at the default GPU rate ({} per GPU-hour)",
                Usd(rates.gpu_hour_default.usd).exact_string()
            ));
            Ok(Rate::plain(rates.gpu_hour_default.usd))
        }
    }
}

/// What the GPUs of a component without a model would cost a month at the catalog's
/// cheapest and dearest GPU rates, added to its `missing` so the reader sees the stakes.
fn unnamed_gpu_range(c: &mut CostComponent, spot: bool) {
    if c.missing.as_deref() != Some(UNNAMED_GPU) {
        return;
    }
    let Some(quantity) = c.quantity else {
        return;
    };
    if quantity.is_zero() && c.ceiling_quantity.is_some_and(|q| q.is_zero()) {
        // No pods run (a suspended job): the model does not change the amount.
        c.missing = None;
        c.monthly = Some(Usd::ZERO);
        c.ceiling_monthly = Some(Usd::ZERO);
        return;
    }
    let Some(missing) = c.missing.as_mut() else {
        return;
    };
    let Some(((low_model, low), (high_model, high))) = catalog::gpu_hour_rate_range(spot) else {
        return;
    };
    let monthly = |rate: Decimal| quantity.checked_mul(rate).map(Usd);
    if let (Some(a), Some(b)) = (monthly(low), monthly(high)) {
        missing.push_str(&format!(
            "; at the catalog's GPU rates its {} GPU-hours a month cost {a} ({low_model}) to {b} ({high_model})",
            grouped(quantity)
        ));
    }
}

/// The provider whose catalog names a node type: Azure sizes start with `Standard_`, EC2
/// types contain a dot, GCE types do not.
pub(super) fn node_provider(node: &str) -> &'static str {
    if node.starts_with("Standard_") {
        "azurerm"
    } else if node.contains('.') {
        "aws"
    } else {
        "google"
    }
}

/// A node's hourly price (configured prices and spot factors apply), in the region the
/// pods' node selector names. Most manifests do not say their region: then the catalog's
/// reference region for the provider is used and named as an assumption.
pub(super) fn node_price(
    provider: &str,
    node: &str,
    capacity: Capacity,
    named_region: Option<&str>,
    s: &PricingSettings,
) -> PriceResult {
    if let Some(region) = named_region {
        return machine_price(
            provider,
            &Fact::Known(node.to_string()),
            &Fact::Known(capacity),
            region,
            s,
        );
    }
    let region = catalog::Provider::parse(provider)
        .map(|p| p.fallback_region())
        .unwrap_or("");
    let mut rate = machine_price(
        provider,
        &Fact::Known(node.to_string()),
        &Fact::Known(capacity),
        region,
        s,
    )?;
    // Nodes in another region cost more or less: the reader is told, beside the amount.
    rate.assumptions.push(format!(
        "{node} priced at its {region} rate: a manifest does not name its region"
    ));
    Ok(rate)
}

/// An LLM route: tokens from the usage file × the model's token prices; a declared budget
/// is noted beside the estimate.
fn llm_route(route: &LlmRoute, usage: &UsageValues, notes: &mut Vec<String>) -> Vec<CostComponent> {
    if let Some(b) = route.max_budget {
        let period = route.budget_duration.as_deref().unwrap_or("budget period");
        notes.push(format!("declared budget: {} per {period}", Usd(b)));
    }
    let model = match (&route.base_model, &route.model) {
        (Some(base), _) => {
            notes.push(format!(
                "priced as its base model {base} (model_info.base_model)"
            ));
            base.clone()
        }
        (None, Fact::Known(m)) => m.clone(),
        (None, Fact::Unknown(u)) => {
            return vec![usage_component(
                format!("Tokens ({})", route.model_name),
                "1M tokens",
                Err(format!("the model is unknown: {}", u.origin)),
                None,
            )];
        }
    };
    let prices = catalog::token_prices(&model);
    let price = |input: bool| -> PriceResult {
        let p = prices.as_ref().ok_or_else(|| {
            unknown_price(format!(
                "the model `{model}` is not in the token price table"
            ))
        })?;
        let price = if input { &p.input } else { &p.output };
        let note = (!p.model.eq_ignore_ascii_case(&model))
            .then(|| format!("token prices of `{}`", p.model));
        Ok(Rate::new(price.usd, note.into_iter().collect()))
    };
    let millions =
        |tokens: Option<Decimal>| tokens.and_then(|t| t.checked_div(Decimal::from(1_000_000)));
    vec![
        usage_component(
            format!("Input tokens ({model})"),
            "1M tokens",
            price(true),
            millions(usage.monthly_input_tokens()),
        ),
        usage_component(
            format!("Output tokens ({model})"),
            "1M tokens",
            price(false),
            millions(usage.monthly_output_tokens()),
        ),
    ]
}
