//! Prices of Kubernetes workloads and AI configs over hand-built records, to the cent:
//! default unit rates, a pod's share of a named GPU node, spot, DaemonSets, jobs, Karpenter
//! NodePool ceilings and LLM routes. Rates come from `catalog/kubernetes.csv` and node
//! prices from `catalog/aws_ec2_ondemand.csv` (us-east-1).

#![allow(clippy::panic, clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::Arc;

use aicost_policy::model::{
    Capacity, CostEstimate, Fact, LlmRoute, Location, Map, NodePoolLimits, PodGroup, ProviderRef,
    Resource, SourceFormat, Tags, UnitCounts, Unknown, Workload, WorkloadDetail,
};
use aicost_policy::price::{estimate, PricingSettings};
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn resource(kind: &str, detail: WorkloadDetail) -> Resource {
    Resource {
        root: Arc::from("k8s"),
        address: format!("{kind}/ml/x"),
        resource_type: kind.to_string(),
        source: SourceFormat::Kubernetes,
        location: Location::file_start(Arc::from("k8s/x.yaml")),
        argument_locations: BTreeMap::new(),
        provider: ProviderRef {
            name: "kubernetes".to_string(),
            alias: None,
        },
        region: None,
        environment: None,
        taggable: true,
        tags: Tags::default(),
        compute: None,
        fact_locations: BTreeMap::new(),
        waivers: Vec::new(),
        attributes: Map::new(),
        cost: None,
        workload: Some(Workload {
            kind: kind.to_string(),
            api_version: "apps/v1".to_string(),
            namespace: Some("ml".to_string()),
            component: None,
            annotations: BTreeMap::new(),
            detail,
        }),
        sensitive: Default::default(),
    }
}

fn pods(cpu: &str, gib: &str, gpus: i64, model: Option<&str>, replicas: i64) -> PodGroup {
    PodGroup {
        cpu_cores: Fact::Known(d(cpu)),
        memory_gib: Fact::Known(d(gib)),
        accelerators: Fact::Known(gpus),
        accelerator_resource: (gpus > 0).then(|| "nvidia.com/gpu".to_string()),
        accelerators_in_limits: true,
        accelerator_model: model.map(|m| Fact::Known(m.to_string())),
        node_instance_type: None,
        replicas: UnitCounts::fixed(replicas),
        capacity: Fact::Known(Capacity::OnDemand),
        scale_to_zero: None,
        inference: false,
        run_hours: None,
    }
}

fn price(r: &Resource, s: &PricingSettings) -> CostEstimate {
    estimate(r, s).unwrap()
}

/// (name, unit price, baseline quantity, baseline monthly) of each component.
fn lines(e: &CostEstimate) -> Vec<(String, String, String, String)> {
    e.components
        .iter()
        .map(|c| {
            (
                c.name.clone(),
                c.unit_price.map_or("-".into(), |p| p.exact_string()),
                c.quantity.map_or("-".into(), |q| q.normalize().to_string()),
                c.monthly.map_or("-".into(), |m| m.to_json_string()),
            )
        })
        .collect()
}

fn line(name: &str, unit: &str, quantity: &str, monthly: &str) -> (String, String, String, String) {
    (name.into(), unit.into(), quantity.into(), monthly.into())
}

#[test]
fn pods_without_a_node_type_are_priced_at_default_unit_rates() {
    // 2 replicas x (4 vCPU, 16 GiB, 1 L4) x 730 hours.
    let r = resource(
        "Deployment",
        WorkloadDetail::Pods(pods("4", "16", 1, Some("L4"), 2)),
    );
    let e = price(&r, &PricingSettings::default());
    assert_eq!(
        lines(&e),
        vec![
            line("vCPU (on-demand)", "0.031611", "5840", "184.61"),
            line("Memory (on-demand)", "0.004237", "23360", "98.98"),
            line("GPU (L4, on-demand)", "0.56004", "1460", "817.66"),
        ]
    );
    assert_eq!(e.baseline.to_json_string(), "1101.24");
    assert!(e.complete);
}

#[test]
fn a_gpu_pod_on_a_named_node_pays_its_share_of_the_node() {
    // 2 of g6e.12xlarge's 4 L40S: half of $10.49264 an hour, 3 to 6 replicas.
    let mut p = pods("20", "80", 2, Some("L40S"), 3);
    p.node_instance_type = Some(Fact::Known("g6e.12xlarge".to_string()));
    p.replicas.max = Fact::Known(6);
    let e = price(
        &resource("Deployment", WorkloadDetail::Pods(p)),
        &PricingSettings::default(),
    );
    assert_eq!(
        lines(&e),
        vec![line(
            "Pod share of g6e.12xlarge (on-demand)",
            "5.24632",
            "2190",
            "11489.44"
        )]
    );
    assert_eq!(e.ceiling.to_json_string(), "22978.88");
    assert_eq!(
        e.components[0].notes,
        vec![
            "aws_ec2_ondemand (as of 2026-07-20)",
            "g6e.12xlarge priced in us-east-1 (a manifest does not name its region)",
            "2 of the node's 4 GPUs: 0.5 of its price",
        ]
    );
}

#[test]
fn a_cpu_pod_on_a_named_node_pays_its_cpu_and_memory_share_of_the_node() {
    // m5.xlarge: 4 vCPU, 16 GiB, $0.192 an hour. 1 vCPU and 4 GiB is a quarter of it:
    // $0.048 x 730 x 2 replicas.
    let mut p = pods("1", "4", 0, None, 2);
    p.node_instance_type = Some(Fact::Known("m5.xlarge".to_string()));
    let r = resource("Deployment", WorkloadDetail::Pods(p.clone()));
    let e = price(&r, &PricingSettings::default());
    assert_eq!(
        lines(&e),
        vec![line(
            "Pod share of m5.xlarge (on-demand)",
            "0.048",
            "1460",
            "70.08"
        )]
    );
    assert_eq!(
        e.components[0].notes.last().unwrap(),
        "1 of the node's 4 vCPUs and 4 of its 16 GiB, at 0.031247 per vCPU-hour and 0.004188 per GiB-hour of the node (OpenCost's split)"
    );
    // 2 vCPU and 4 GiB: the node's price split per vCPU and GiB in the ratio of the default
    // rates (0.004237 / 0.031611): 0.192 / (4 + 16 r) per vCPU, r times that per GiB.
    p.cpu_cores = Fact::Known(d("2"));
    p.replicas = UnitCounts::fixed(1);
    let e = price(
        &resource("Deployment", WorkloadDetail::Pods(p)),
        &PricingSettings::default(),
    );
    assert_eq!(e.baseline.to_json_string(), "57.85");
}

#[test]
fn a_node_of_unknown_size_falls_back_to_unit_rates_and_says_so() {
    let mut p = pods("1", "4", 0, None, 1);
    p.node_instance_type = Some(Fact::Known("n2-standard-8".to_string()));
    let e = price(
        &resource("Deployment", WorkloadDetail::Pods(p)),
        &PricingSettings::default(),
    );
    assert_eq!(e.components.len(), 2);
    assert_eq!(
        e.notes,
        vec!["the catalog has no vCPU and memory size for n2-standard-8, so the pod is priced at default unit rates rather than as its share of the node"]
    );
}

#[test]
fn spot_pods_use_spot_unit_rates_and_the_models_spot_gpu_rate() {
    let mut p = pods("2", "8", 1, Some("A100"), 1);
    p.capacity = Fact::Known(Capacity::Spot);
    let e = price(
        &resource("Deployment", WorkloadDetail::Pods(p)),
        &PricingSettings::default(),
    );
    assert_eq!(
        lines(&e),
        vec![
            line("vCPU (spot)", "0.006655", "1460", "9.72"),
            line("Memory (spot)", "0.000892", "5840", "5.21"),
            line("GPU (A100, spot)", "1.1472", "730", "837.46"),
        ]
    );
    assert_eq!(e.baseline.to_json_string(), "852.38");
}

#[test]
fn an_unnamed_gpu_model_is_priced_at_the_default_gpu_rate_and_says_so() {
    let r = resource(
        "Deployment",
        WorkloadDetail::Pods(pods("1", "4", 1, None, 1)),
    );
    let e = price(&r, &PricingSettings::default());
    assert_eq!(
        lines(&e)[2],
        line("GPU (model not named, on-demand)", "0.95", "730", "693.50")
    );
    assert_eq!(
        e.components[2].notes,
        vec!["no node selector names the GPU model; priced at the default GPU rate"]
    );
}

#[test]
fn daemonsets_run_on_the_configured_nodes_else_their_cost_is_unknown() {
    let mut p = pods("0.5", "1", 0, None, 1);
    p.replicas = UnitCounts {
        min: unknown_nodes(),
        desired: unknown_nodes(),
        max: unknown_nodes(),
    };
    let mut r = resource("DaemonSet", WorkloadDetail::Pods(p));
    let e = price(&r, &PricingSettings::default());
    assert!(!e.complete);
    assert_eq!(
        e.missing,
        vec!["the number of units is unknown: a DaemonSet runs one pod per node and the manifest does not say how many nodes there are; set daemonset_nodes under [kubernetes]"]
    );
    // `[kubernetes] daemonset_nodes = 12`, as the pipeline applies it.
    aicost_policy::load::kubernetes::set_daemonset_nodes(std::slice::from_mut(&mut r), 12);
    let e = price(&r, &PricingSettings::default());
    // 12 x (0.5 x 730 x $0.031611 + 1 x 730 x $0.004237).
    assert_eq!(e.baseline.to_json_string(), "175.57");
    assert_eq!(
        e.notes,
        vec!["one pod on each of 12 nodes ([kubernetes] daemonset_nodes)"]
    );
}

fn unknown_nodes() -> Fact<i64> {
    Fact::Unknown(Unknown::new(
        "a DaemonSet runs one pod per node and the manifest does not say how many nodes there are; set daemonset_nodes under [kubernetes]",
    ))
}

#[test]
fn jobs_run_for_their_deadline() {
    // 4 pods in parallel for 2 hours, each 8 vCPU, 32 GiB and one H100.
    let mut p = pods("8", "32", 1, Some("H100"), 4);
    p.run_hours = Some(Fact::Known(d("2")));
    let e = price(
        &resource("Job", WorkloadDetail::Pods(p)),
        &PricingSettings::default(),
    );
    assert_eq!(e.baseline.to_json_string(), "81.48");
    assert_eq!(
        e.notes,
        vec!["runs at most 2 hours a month (activeDeadlineSeconds)"]
    );
}

#[test]
fn a_job_without_a_deadline_is_billed_by_use() {
    let mut p = pods("8", "32", 1, Some("H100"), 4);
    p.run_hours = Some(Fact::Unknown(Unknown::new(
        "spec.activeDeadlineSeconds is not set",
    )));
    let r = resource("Job", WorkloadDetail::Pods(p));
    let e = price(&r, &PricingSettings::default());
    // Complete: nothing fixed is missing; every part depends on usage, with its price.
    assert!(e.complete);
    assert_eq!(e.baseline.to_json_string(), "0.00");
    assert_eq!(
        e.components
            .iter()
            .map(|c| (
                c.name.as_str(),
                c.usage_based,
                c.unit_price.map(|u| u.exact_string()),
                c.quantity
            ))
            .collect::<Vec<_>>(),
        vec![
            ("vCPU (on-demand)", true, Some("0.031611".to_string()), None),
            (
                "Memory (on-demand)",
                true,
                Some("0.004237".to_string()),
                None
            ),
            (
                "GPU (H100, on-demand)",
                true,
                Some("9.79655".to_string()),
                None
            ),
        ]
    );
    assert_eq!(
        e.notes,
        vec!["how long the Job runs is unknown (spec.activeDeadlineSeconds is not set); it is billed per hour of use: give monthly_hours in the usage file"]
    );
}

fn node_pool(types: &[&str], families: &[&str], gpus: Option<i64>) -> NodePoolLimits {
    NodePoolLimits {
        instance_types: types.iter().map(|t| t.to_string()).collect(),
        families: families.iter().map(|t| t.to_string()).collect(),
        capacity_types: Vec::new(),
        excluded_instance_types: Vec::new(),
        excluded_families: Vec::new(),
        gpus_per_node_min: None,
        gpus_per_node_max: None,
        accelerators: true,
        cpu: None,
        memory_gib: None,
        gpus: gpus.map(Fact::Known),
    }
}

#[test]
fn a_gpu_node_pool_ceiling_is_its_gpu_limit_of_the_type_that_spends_most() {
    // 16 GPUs: 4 g6e.12xlarge ($30,638.51) or 2 g6e.48xlarge ($43,991.52).
    let n = node_pool(&["g6e.12xlarge", "g6e.48xlarge"], &[], Some(16));
    let e = price(
        &resource("NodePool", WorkloadDetail::NodePool(n)),
        &PricingSettings::default(),
    );
    assert_eq!(e.baseline.to_json_string(), "0.00");
    assert_eq!(e.ceiling.to_json_string(), "43991.52");
    assert_eq!(
        e.components[0].name,
        "Node pool ceiling: 2 × g6e.48xlarge (on-demand)"
    );
    assert_eq!(
        e.notes,
        vec![
            "ceiling at the allowed type that spends the most, g6e.48xlarge; with g6e.12xlarge, the least, it would be $30,638.51",
            "GPU limit 16 / 8 GPUs per g6e.48xlarge node = 2 nodes",
        ]
    );
}

#[test]
fn cpu_and_memory_limits_cap_a_gpu_pool_when_node_sizes_are_known() {
    // g6e.12xlarge: 48 vCPU, 384 GiB, 4 L40S. GPU limit 32 allows 8 nodes, memory 1536 GiB
    // only 4: 4 x $10.49264 x 730.
    let mut n = node_pool(&["g6e.12xlarge"], &[], Some(32));
    n.memory_gib = Some(Fact::Known(d("1536")));
    let e = price(
        &resource("NodePool", WorkloadDetail::NodePool(n)),
        &PricingSettings::default(),
    );
    assert_eq!(e.ceiling.to_json_string(), "30638.51");
    assert_eq!(
        e.notes,
        vec![
            "GPU limit 32 / 4 GPUs per g6e.12xlarge node = 8 nodes",
            "the pool's cpu or memory limit stops it at 4 g6e.12xlarge nodes",
        ]
    );
}

#[test]
fn a_spot_only_pool_named_by_families_is_priced_from_the_catalogs_types_at_spot() {
    // p4d.24xlarge: 2 nodes x $21.957642 x 0.4; p5.4xlarge and p5.48xlarge both spend
    // 16 x $6.88 x 0.4 = 2 x $55.04 x 0.4 an hour.
    let mut n = node_pool(&[], &["p4d", "p5"], Some(16));
    n.capacity_types = vec!["spot".to_string()];
    let e = price(
        &resource("NodePool", WorkloadDetail::NodePool(n)),
        &PricingSettings::default(),
    );
    assert_eq!(e.ceiling.to_json_string(), "32143.36");
    assert_eq!(
        e.notes[0],
        "ceiling at the allowed type that spends the most, p5.4xlarge; with p4d.24xlarge, the least, it would be $12,823.26"
    );
}

#[test]
fn a_pool_without_limits_has_no_ceiling_and_cpu_limits_use_unit_rates() {
    let open = node_pool(&["g6e.12xlarge"], &[], None);
    let e = price(
        &resource("NodePool", WorkloadDetail::NodePool(open)),
        &PricingSettings::default(),
    );
    assert!(!e.complete);
    assert_eq!(
        e.missing,
        vec!["the node pool sets no spec.limits, so nothing bounds what it can launch"]
    );
    let mut cpu = node_pool(&[], &["m7i"], None);
    cpu.accelerators = false;
    cpu.cpu = Some(Fact::Known(d("1000")));
    cpu.memory_gib = Some(Fact::Known(d("4000")));
    let e = price(
        &resource("NodePool", WorkloadDetail::NodePool(cpu)),
        &PricingSettings::default(),
    );
    // 1000 x 730 x $0.031611 + 4000 x 730 x $0.004237.
    assert_eq!(e.ceiling.to_json_string(), "35448.07");
    assert_eq!(e.baseline.to_json_string(), "0.00");
}

#[test]
fn an_llm_route_without_usage_depends_on_usage_and_notes_its_budget() {
    let route = LlmRoute {
        model_name: "gpt-4o".to_string(),
        model: Fact::Known("azure/gpt-4o".to_string()),
        base_model: None,
        max_budget: Some(d("500")),
        budget_duration: Some("30d".to_string()),
        rpm: None,
        tpm: None,
        max_tokens: Some(1024),
        cache: false,
    };
    let mut r = resource("LiteLLMRoute", WorkloadDetail::LlmRoute(route));
    r.source = SourceFormat::LiteLlm;
    let e = price(&r, &PricingSettings::default());
    assert!(e.complete);
    assert_eq!(e.baseline.to_json_string(), "0.00");
    assert_eq!(e.notes, vec!["declared budget: $500.00 per 30d"]);
    assert_eq!(
        e.components
            .iter()
            .map(|c| (c.name.as_str(), c.usage_based, c.quantity))
            .collect::<Vec<_>>(),
        vec![
            ("Input tokens (azure/gpt-4o)", true, None),
            ("Output tokens (azure/gpt-4o)", true, None),
        ]
    );
}
