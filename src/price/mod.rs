//! The price stage: an estimated monthly cost for every resource it recognises, from the
//! catalog compiled into the binary, configuration overrides and discounts, and usage
//! values. A price that is not known is "price unknown" with the reason, never $0; a
//! quantity that depends on an unresolved value makes the estimate incomplete and says
//! which value. No I/O: the usage file is read by the caller.
//!
//! One file per kind of thing billed: `compute.rs` (machines, node groups, pools, VMs,
//! endpoints), `storage.rs` (volumes, disks, buckets), `services.rs` (control planes,
//! provisioned model throughput, token-billed deployments), `kubernetes.rs` (pods, LLM
//! routes) and `nodepool.rs` (Karpenter NodePool ceilings). `free.rs` lists the types that
//! cost nothing by themselves, which reports name as "no charge". `options.rs` names the
//! options that change a machine's price but have none in the catalog (Windows, dedicated
//! tenancy), which leave the estimate incomplete. `attribution.rs` then
//! ties workloads to the node groups and pools of the scan they run on, and `savings.rs`
//! prices savings advice (spot, scale to zero, a cheaper equivalent instance type).

pub mod attribution;
pub mod budget;
mod compute;
mod free;
pub mod import;
mod kubernetes;
mod line;
mod nodepool;
mod options;
pub mod overlay;
pub mod savings;
mod services;
mod settings;
mod storage;
pub mod usage;

use rayon::prelude::*;

use crate::model::{CostComponent, CostEstimate, InputError, Resource};

pub use self::compute::sustained_use_percent;
pub use self::free::no_charge;
pub use self::settings::{Discount, PriceOverride, PricingSettings};
pub use self::usage::{Usage, UsageValues};

/// Estimates every resource's monthly cost in place. Returns an input error for every value
/// of the usage file that resources of the scan were given and none of their estimates
/// reads: a usage value changes the estimate or is rejected.
pub fn estimate_all(resources: &mut [Resource], settings: &PricingSettings) -> Vec<InputError> {
    let usages: Vec<UsageValues> = resources
        .par_iter_mut()
        .map(|r| {
            let usage = settings.usage.for_resource(&r.resource_type, &r.address);
            r.cost = estimate_with(r, settings, &usage);
            usage
        })
        .collect();
    settings.usage.unused(resources, &usages)
}

/// The estimate of one resource; `None` for types that are not priced.
pub fn estimate(r: &Resource, settings: &PricingSettings) -> Option<CostEstimate> {
    let usage = settings.usage.for_resource(&r.resource_type, &r.address);
    estimate_with(r, settings, &usage)
}

/// The estimate of one resource with its usage values (which it marks read).
fn estimate_with(
    r: &Resource,
    settings: &PricingSettings,
    usage: &UsageValues,
) -> Option<CostEstimate> {
    let mut components: Vec<CostComponent> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    let mut priced = false;
    // Workloads are priced as pods (a named node type is their share of it, not a machine).
    if r.workload.is_some() {
        let mut missing = Vec::new();
        let mut c = kubernetes::components(r, settings, usage, &mut notes, &mut missing)?;
        settings.apply_discounts(&r.provider.name, &mut c, &mut notes);
        let mut estimate = CostEstimate::from_components(c, notes);
        if let Some(crate::model::WorkloadDetail::Pods(p)) = r.workload.as_ref().map(|w| &w.detail)
        {
            for a in &p.assumptions {
                estimate.assume(a.clone());
            }
        }
        if !missing.is_empty() {
            estimate.missing.extend(missing);
            estimate.complete = false;
        }
        return Some(estimate);
    }
    // What the amounts rest on that the input does not say, shown beside them.
    let mut assumptions: Vec<String> = Vec::new();
    if let Some(c) = compute::components(r, settings, usage, &mut notes, &mut assumptions) {
        components.extend(c);
        priced = true;
    }
    if let Some(c) = storage::components(r, settings, usage, &mut notes, &mut assumptions) {
        components.extend(c);
        priced = true;
    }
    if let Some(c) = services::components(r, settings, usage, &mut notes, &mut assumptions) {
        components.extend(c);
        priced = true;
    }
    if !priced {
        return None;
    }
    settings.apply_discounts(&r.provider.name, &mut components, &mut notes);
    let mut estimate = CostEstimate::from_components(components, notes);
    for a in assumptions {
        estimate.assume(a);
    }
    let (missing, notes) = options::unmodelled(r);
    estimate.notes.extend(notes);
    if !missing.is_empty() {
        estimate.missing.extend(missing);
        estimate.complete = false;
    }
    Some(estimate)
}
