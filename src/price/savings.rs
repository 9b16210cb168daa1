//! Savings advice: for each non-production resource, a cheaper way to run it and what it
//! saves a month. Every amount comes from the estimate reports show: the resource is
//! copied with the one change made (spot capacity, zero replicas when idle, another
//! instance type) and priced again by [`super::estimate`], so overrides, discounts,
//! sustained use and spot factors apply alike to both sides and the numbers add up.
//! Nothing is priced in this file, and no instance pair or price is written here: the
//! candidates come from the catalog (`accelerators.csv`, `aws_instance_sizes.csv`).
//!
//! What is not advised, and why, is in docs/pricing.md, "Savings advice".

use rust_decimal::Decimal;

use super::PricingSettings;
use crate::model::{
    Capacity, CostEstimate, Fact, Resource, SavingKind, Sensitive, Suggestion, Usd, WorkloadDetail,
};

/// Which resources get advice and how much it must save. Spot and scale to zero are
/// advised outside production only; a cheaper equivalent instance type in any environment.
pub struct Options<'a> {
    /// Environment names that count as production (`[environment] production`): a
    /// resource gets advice only when its environment is known and not one of these.
    pub production: &'a [String],
    /// Advice saving less than this a month is left out.
    pub min_monthly_saving: Decimal,
}

/// Every suggestion for `resources` (already priced and attributed), largest saving first.
pub fn suggest(
    resources: &[Resource],
    settings: &PricingSettings,
    options: &Options,
) -> Vec<Suggestion> {
    let mut out: Vec<Suggestion> = resources
        .iter()
        .flat_map(|r| for_resource(r, settings, options))
        .collect();
    out.sort_by(Suggestion::by_saving);
    out
}

/// The suggestions for one resource.
pub fn for_resource(
    r: &Resource,
    settings: &PricingSettings,
    options: &Options,
) -> Vec<Suggestion> {
    let environment = non_production(r, options.production);
    let Some(current) = r.cost.as_ref().filter(|c| priced(c)) else {
        return Vec::new();
    };
    // Pods counted in a node pool of the scan: the pool is where the money is.
    if current.counted_in.is_some() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut offer = |kind: SavingKind, changed: Resource, change: String, help: String| {
        let Some(suggested) = super::estimate(&changed, settings).filter(priced) else {
            return;
        };
        let Some(saving) = current.baseline.0.checked_sub(suggested.baseline.0) else {
            return;
        };
        if saving <= Decimal::ZERO || saving < options.min_monthly_saving {
            return;
        }
        // Where the change is made: the facts AIC-GPU-003 and AIC-K8S-003 point at, tried in
        // the same order, else the block.
        let facts: &[&str] = match kind {
            SavingKind::Spot => &["capacity_type", "instance_type"],
            SavingKind::ScaleToZero => &["scale_to_zero"],
            SavingKind::CheaperInstance => &["instance_type"],
        };
        let location = facts
            .iter()
            .find_map(|f| r.fact_locations.get(*f))
            .unwrap_or(&r.location);
        out.push(Suggestion {
            kind,
            root: r.root.clone(),
            address: r.address.clone(),
            resource_type: r.resource_type.clone(),
            environment: environment.map(str::to_string),
            location: location.clone(),
            current: current.baseline,
            suggested: suggested.baseline,
            saving: Usd(saving),
            change,
            help,
            assumed: suggested
                .assumptions
                .iter()
                .filter(|a| !current.assumptions.contains(a))
                .cloned()
                .collect(),
        });
    };
    // Spot and scale to zero trade availability for money: outside production only.
    if let Some(changed) = on_spot(r).filter(|_| environment.is_some()) {
        offer(
            SavingKind::Spot,
            changed,
            "spot capacity".to_string(),
            spot_help(r),
        );
    }
    if let Some(changed) = scaled_to_zero(r).filter(|_| environment.is_some()) {
        offer(
            SavingKind::ScaleToZero,
            changed,
            "scale to zero when idle".to_string(),
            "set minReplicas: 0 so idle replicas are released (a cold start then follows the first request)".to_string(),
        );
    }
    if let Some((name, changed)) = cheapest_equivalent(r, settings) {
        let help = format!("use instance type {name}: the same accelerators and at least the same vCPUs and memory, for less");
        offer(SavingKind::CheaperInstance, changed, name, help);
    }
    out
}

/// The resource's environment when it is known and not production: the rule of
/// AIC-GPU-003 and AIC-K8S-003 (`resource has environment && !context.production`). A
/// sensitive environment is not shown, so no advice names it.
fn non_production<'a>(r: &'a Resource, production: &[String]) -> Option<&'a str> {
    if r.sensitive.hides(Sensitive::ENVIRONMENT) {
        return None;
    }
    match r.environment.as_ref()? {
        Fact::Known(e) if !production.iter().any(|p| p == e) => Some(e.as_str()),
        _ => None,
    }
}

/// Complete and priced: advice from a partial estimate would compare unknowns.
fn priced(c: &CostEstimate) -> bool {
    c.complete && !c.is_unknown() && !c.depends_on_usage()
}

/// Accelerators per unit, when known and more than none.
fn accelerators(r: &Resource) -> Option<i64> {
    match r.workload.as_ref().map(|w| &w.detail) {
        Some(WorkloadDetail::Pods(p)) => p.accelerators.known().copied(),
        Some(_) => None,
        None => match &r.compute.as_ref()?.accelerator {
            Fact::Known(Some(a)) => a.count.known().copied(),
            _ => None,
        },
    }
    .filter(|n| *n > 0)
}

/// The resource on spot capacity: an on-demand accelerator pool (node group, node pool,
/// autoscaling group) or an on-demand accelerator job that is not inference.
fn on_spot(r: &Resource) -> Option<Resource> {
    accelerators(r)?;
    let mut changed = r.clone();
    match changed.workload.as_mut().map(|w| &mut w.detail) {
        Some(WorkloadDetail::Pods(p)) => {
            let job = p.run_hours.is_some() && !p.inference;
            if !job || p.capacity != Fact::Known(Capacity::OnDemand) {
                return None;
            }
            p.capacity = Fact::Known(Capacity::Spot);
        }
        Some(_) => return None,
        None => {
            let c = changed.compute.as_mut()?;
            if !c.pool || c.capacity != Fact::Known(Capacity::OnDemand) {
                return None;
            }
            c.capacity = Fact::Known(Capacity::Spot);
        }
    }
    Some(changed)
}

fn spot_help(r: &Resource) -> String {
    let how = match r.resource_type.as_str() {
        "aws_eks_node_group" => "capacity_type = \"SPOT\"",
        "google_container_node_pool" => "node_config { spot = true }",
        "azurerm_kubernetes_cluster_node_pool" => "priority = \"Spot\"",
        _ if r.workload.is_some() => {
            "a node selector or toleration for spot nodes (karpenter.sh/capacity-type: spot)"
        }
        _ => "spot capacity",
    };
    format!(
        "run it on spot capacity ({how}); spot capacity can be reclaimed, so checkpoint long jobs"
    )
}

/// Inference that can scale to zero and keeps replicas: the same with none when idle.
fn scaled_to_zero(r: &Resource) -> Option<Resource> {
    let mut changed = r.clone();
    let Some(WorkloadDetail::Pods(p)) = changed.workload.as_mut().map(|w| &mut w.detail) else {
        return None;
    };
    if !p.inference || p.scale_to_zero != Some(false) {
        return None;
    }
    p.replicas.min = Fact::Known(0);
    p.replicas.desired = Fact::Known(0);
    Some(changed)
}

/// The cheapest other instance type of the catalog with the same accelerator model, count
/// and memory per accelerator, and at least the vCPUs and memory of the current one, whose
/// estimate is lower; with the resource moved to it.
fn cheapest_equivalent(r: &Resource, settings: &PricingSettings) -> Option<(String, Resource)> {
    if r.workload.is_some() || r.sensitive.hides(Sensitive::INSTANCE_TYPE) {
        return None;
    }
    let c = r.compute.as_ref()?;
    let current = c.instance_type.known()?;
    // A node group that allows several types is not moved to one of them.
    if c.instance_types.known().is_some_and(|t| t.len() > 1) {
        return None;
    }
    let provider = super::compute::catalog_provider(&r.provider.name);
    // SageMaker types are priced from their own table; GCE GPUs attached to a general
    // machine type are billed apart from it.
    if current.starts_with("ml.") || !crate::catalog::gpus_included(provider, current) {
        return None;
    }
    let have = crate::catalog::machine_accelerators(provider, current)?;
    let size = crate::catalog::machine_size(provider, current)?;
    let mut best: Option<(Usd, String, Resource)> = None;
    for (name, acc) in crate::catalog::accelerator_machines(provider) {
        if name == current
            || acc.model != have.model
            || acc.count != have.count
            || acc.memory_gib < have.memory_gib
        {
            continue;
        }
        let Some(other) = crate::catalog::machine_size(provider, name) else {
            continue;
        };
        if other.vcpus < size.vcpus || other.memory_gib < size.memory_gib {
            continue;
        }
        let mut changed = r.clone();
        if let Some(cc) = changed.compute.as_mut() {
            cc.instance_type = Fact::Known(name.to_string());
            if cc.instance_types.known().is_some() {
                cc.instance_types = Fact::Known(vec![name.to_string()]);
            }
        }
        let Some(estimate) = super::estimate(&changed, settings).filter(priced) else {
            continue;
        };
        let better = best
            .as_ref()
            .is_none_or(|(b, n, _)| (estimate.baseline, name) < (*b, n.as_str()));
        if better {
            best = Some((estimate.baseline, name.to_string(), changed));
        }
    }
    best.map(|(_, name, changed)| (name, changed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::terraform::facts::resources_of;
    use std::str::FromStr;

    fn usd(s: &str) -> Usd {
        Usd(Decimal::from_str(s).unwrap())
    }

    /// The one resource of `hcl`, in `environment`, priced.
    fn priced(hcl: &str, environment: &str) -> Resource {
        let mut all = resources_of(hcl);
        assert_eq!(all.len(), 1, "{all:?}");
        let mut r = all.remove(0);
        r.environment = Some(Fact::Known(environment.to_string()));
        r.cost = super::super::estimate(&r, &PricingSettings::default());
        r
    }

    fn advice(r: &Resource, min: &str) -> Vec<(SavingKind, Usd, Usd, Usd, String)> {
        let production = ["prod".to_string()];
        let options = Options {
            production: &production,
            min_monthly_saving: Decimal::from_str(min).unwrap(),
        };
        for_resource(r, &PricingSettings::default(), &options)
            .into_iter()
            .map(|s| (s.kind, s.current, s.suggested, s.saving, s.change))
            .collect()
    }

    fn node_group(instance: &str, capacity: &str) -> String {
        format!(
            r#"
provider "aws" {{
  region = "us-east-1"
}}
resource "aws_eks_node_group" "gpu" {{
  cluster_name    = "ml"
  node_group_name = "gpu"
  node_role_arn   = "arn:aws:iam::123456789012:role/node"
  subnet_ids      = ["subnet-1"]
  instance_types  = ["{instance}"]
  capacity_type   = "{capacity}"
  scaling_config {{
    desired_size = 1
    min_size     = 1
    max_size     = 3
  }}
}}
"#
        )
    }

    #[test]
    fn an_on_demand_gpu_pool_outside_production_is_advised_spot() {
        // g5.xlarge $1.006/hour (aws_ec2_ondemand.csv) x 730 = $734.38, plus the 20 GB gp2
        // root volume at $0.10 = $2.00: $736.38. Spot: 1.006 x 0.4 (spot_factors.csv
        // aws,*) = 0.4024 x 730 = $293.752 + $2.00 = $295.752. Saving $440.628.
        let dev = priced(&node_group("g5.xlarge", "ON_DEMAND"), "dev");
        assert_eq!(
            advice(&dev, "0"),
            [(
                SavingKind::Spot,
                usd("736.38"),
                usd("295.752"),
                usd("440.628"),
                "spot capacity".to_string()
            )]
        );
        // Below the minimum, in production, or already on spot: none.
        assert_eq!(advice(&dev, "440.63"), []);
        assert_eq!(
            advice(&priced(&node_group("g5.xlarge", "ON_DEMAND"), "prod"), "0"),
            []
        );
        assert_eq!(
            advice(&priced(&node_group("g5.xlarge", "SPOT"), "dev"), "0"),
            []
        );
        // A node group without accelerators: none.
        assert_eq!(
            advice(&priced(&node_group("m5.xlarge", "ON_DEMAND"), "dev"), "0"),
            []
        );
    }

    #[test]
    fn an_environment_that_is_not_known_gets_no_spot_advice() {
        let mut r = priced(&node_group("g5.xlarge", "ON_DEMAND"), "dev");
        r.environment = None;
        assert_eq!(advice(&r, "0"), []);
    }

    #[test]
    fn a_cheaper_type_needs_the_same_accelerators_vcpus_and_memory() {
        // trn1n.32xlarge $24.78 → trn1.32xlarge $21.50 (same 16 Trainium of 32 GB, 128 vCPUs,
        // 512 GiB): (24.78 - 21.50) x 730 = $2,394.40, on spot too: (24.78 - 21.50) x 0.4
        // x 730 = $957.76. In production only the cheaper type.
        let prod = priced(&node_group("trn1n.32xlarge", "SPOT"), "prod");
        assert_eq!(
            advice(&prod, "0"),
            [(
                SavingKind::CheaperInstance,
                usd("7237.76"),
                usd("6280.00"),
                usd("957.76"),
                "trn1.32xlarge".to_string()
            )]
        );
        // p3.2xlarge (1 V100): the other V100 types carry 4 or 8.
        assert_eq!(
            advice(&priced(&node_group("p3.2xlarge", "SPOT"), "prod"), "0"),
            []
        );
        // g5.2xlarge (1 A10G, 8 vCPUs): g5.xlarge is cheaper but smaller; no advice.
        assert_eq!(
            advice(&priced(&node_group("g5.2xlarge", "SPOT"), "prod"), "0"),
            []
        );
    }
}
