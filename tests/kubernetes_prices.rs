//! Prices of Kubernetes workloads and AI configs over hand-built records, to the cent:
//! default unit rates, a pod's share of a named GPU node, spot, DaemonSets, jobs, kinds
//! that are not modelled, and LLM routes (Karpenter NodePools: `karpenter_ceilings.rs`).
//! Rates come from `catalog/kubernetes.csv` and node prices from
//! `catalog/aws_ec2_ondemand.csv` (us-east-1).

#![allow(clippy::panic, clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::Arc;

use aicost_policy::model::{
    Capacity, CostEstimate, Fact, LlmRoute, Location, Map, PodGroup, ProviderRef, Resource,
    SourceFormat, Tags, UnitCounts, Unknown, Workload, WorkloadDetail,
};
use aicost_policy::price::{estimate, Discount, PricingSettings, Usage};
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
        workload: Some(Box::new(Workload {
            kind: kind.to_string(),
            api_version: "apps/v1".to_string(),
            namespace: Some("ml".to_string()),
            component: None,
            annotations: BTreeMap::new(),
            detail,
        })),
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
        node_pool: None,
        node_labels: Default::default(),
        assumptions: Vec::new(),
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
            "2 of the node's 4 GPUs: 0.5 of its price",
        ]
    );
    // The node's region is not in the manifest: its rate is an assumption, shown beside
    // the amount.
    assert_eq!(
        e.assumptions,
        vec!["g6e.12xlarge priced at its us-east-1 rate: a manifest does not name its region"]
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
fn an_unnamed_gpu_model_leaves_the_estimate_incomplete_with_the_catalogs_range() {
    // 8 replicas x 2 GPUs x 730 hours = 11680 GPU-hours: T4 at $0.35 gives $4,088.00 and
    // B200 at $11.277 gives $131,715.36.
    let r = resource(
        "Deployment",
        WorkloadDetail::Pods(pods("8", "64", 2, None, 8)),
    );
    let e = price(&r, &PricingSettings::default());
    assert!(!e.complete);
    assert_eq!(
        lines(&e)[2],
        line("GPU (model not named, on-demand)", "-", "11680", "-")
    );
    assert_eq!(
        e.missing,
        vec!["no node selector names the GPU model: add a nodeSelector or node affinity on nvidia.com/gpu.product, cloud.google.com/gke-accelerator or karpenter.k8s.aws/instance-gpu-name, or an instance type, or set default_gpu under [kubernetes]; at the catalog's GPU rates its 11,680 GPU-hours a month cost $4,088.00 (T4) to $131,715.36 (B200)"]
    );
    assert!(e.assumptions.is_empty());
}

#[test]
fn a_configured_default_gpu_prices_an_unnamed_model_as_a_shown_assumption() {
    let r = resource(
        "Deployment",
        WorkloadDetail::Pods(pods("8", "64", 2, None, 8)),
    );
    let s = PricingSettings {
        default_gpu: Some("L4".to_string()),
        ..PricingSettings::default()
    };
    let e = price(&r, &s);
    assert!(e.complete);
    // 11680 GPU-hours x $0.56004.
    assert_eq!(
        lines(&e)[2],
        line("GPU (L4 assumed, on-demand)", "0.56004", "11680", "6541.27")
    );
    assert_eq!(
        e.assumptions,
        vec!["GPU model L4 ([kubernetes] default_gpu): no node selector names the model"]
    );
}

#[test]
fn suspended_pods_that_do_not_name_their_gpu_cost_nothing_and_are_complete() {
    let r = resource(
        "Deployment",
        WorkloadDetail::Pods(pods("8", "64", 2, None, 0)),
    );
    let e = price(&r, &PricingSettings::default());
    assert!(e.complete);
    assert_eq!(
        lines(&e)[2],
        line("GPU (model not named, on-demand)", "-", "0", "0.00")
    );
}

#[test]
fn a_named_model_without_a_rate_is_priced_at_the_default_gpu_rate_as_an_assumption() {
    let r = resource(
        "Deployment",
        WorkloadDetail::Pods(pods("4", "16", 1, Some("A10G"), 1)),
    );
    let e = price(&r, &PricingSettings::default());
    assert!(e.complete);
    assert_eq!(
        lines(&e)[2],
        line("GPU (A10G, on-demand)", "0.95", "730", "693.50")
    );
    assert_eq!(
        e.assumptions,
        vec!["A10G has no rate of its own; priced at the default GPU rate (0.95 per GPU-hour)"]
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
fn a_gpu_job_without_a_deadline_is_billed_by_use_and_incomplete() {
    let mut p = pods("8", "32", 1, Some("H100"), 4);
    p.run_hours = Some(Fact::Unknown(Unknown::new(
        "spec.activeDeadlineSeconds is not set",
    )));
    let r = resource("Job", WorkloadDetail::Pods(p));
    let e = price(&r, &PricingSettings::default());
    // Every part depends on usage, with its price; a GPU job is never a complete $0, so
    // the estimate is incomplete. An hour of 4 pods: 4 x (8 x 0.031611 + 32 x 0.004237 +
    // 1 x 9.79655) = 4 x 10.185022 = $40.74.
    assert!(!e.complete);
    assert_eq!(e.baseline.to_json_string(), "0.00");
    assert_eq!(
        e.missing,
        vec!["how long the Job runs is unknown (spec.activeDeadlineSeconds is not set); while it runs it costs $40.74 an hour: give monthly_hours in the usage file"]
    );
    assert!(e.notes.is_empty(), "{:?}", e.notes);
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
}

#[test]
fn a_cpu_job_without_a_deadline_only_depends_on_usage() {
    let mut p = pods("2", "8", 0, None, 1);
    p.run_hours = Some(Fact::Unknown(Unknown::new(
        "spec.activeDeadlineSeconds is not set",
    )));
    let e = price(
        &resource("Job", WorkloadDetail::Pods(p)),
        &PricingSettings::default(),
    );
    assert!(e.complete);
    assert!(e.depends_on_usage());
    assert!(e.missing.is_empty());
    assert_eq!(
        e.notes,
        vec!["how long the Job runs is unknown (spec.activeDeadlineSeconds is not set); it is billed per hour of use: give monthly_hours in the usage file"]
    );
}

#[test]
fn the_hourly_rate_of_a_gpu_job_billed_by_use_is_after_discounts_and_scales_to_its_ceiling() {
    // Two PyTorchJob workers on whole p4d.24xlarge nodes (8 of 8 A100s: $21.957642 an
    // hour each), elastic up to 4: $43.92 an hour, $87.83 at the ceiling; a 10% discount
    // makes them $39.52 and $79.05.
    let mut p = pods("90", "1000", 8, Some("A100"), 2);
    p.node_instance_type = Some(Fact::Known("p4d.24xlarge".to_string()));
    p.replicas.max = Fact::Known(4);
    p.run_hours = Some(Fact::Unknown(Unknown::new(
        "spec.runPolicy.activeDeadlineSeconds is not set",
    )));
    let r = resource("PyTorchJob", WorkloadDetail::Pods(p));
    let e = price(&r, &PricingSettings::default());
    assert!(!e.complete);
    assert_eq!(
        e.missing,
        vec!["how long the PyTorchJob runs is unknown (spec.runPolicy.activeDeadlineSeconds is not set); while it runs it costs $43.92 an hour (ceiling $87.83): give monthly_hours in the usage file"]
    );
    let mut s = PricingSettings::default();
    s.discounts.push(Discount {
        name: "EDP".to_string(),
        provider: None,
        percent: d("10"),
    });
    let e = price(&r, &s);
    assert_eq!(
        e.missing,
        vec!["how long the PyTorchJob runs is unknown (spec.runPolicy.activeDeadlineSeconds is not set); while it runs it costs $39.52 an hour (ceiling $79.05): give monthly_hours in the usage file"]
    );

    // With monthly_hours in the usage file it is priced, and complete: 2 x 21.957642 x 100.
    s.discounts.clear();
    let key = serde_json::to_string(&r.address).unwrap();
    s.usage = Usage::parse(
        &format!("version: 1\nresources:\n  {key}:\n    monthly_hours: 100\n"),
        "aicost-usage.yml",
    )
    .unwrap();
    let e = price(&r, &s);
    assert!(e.complete);
    assert!(e.missing.is_empty());
    assert_eq!(e.baseline.to_json_string(), "4391.53");
}

#[test]
fn pods_of_a_kind_that_is_not_modelled_are_one_unknown_line() {
    let why = Unknown::new("kind Workflow (argoproj.io/v1alpha1) is not modelled");
    let count = || Fact::Unknown(why.clone());
    let mut p = pods("1", "1", 1, None, 1);
    p.cpu_cores = Fact::Unknown(why.clone());
    p.memory_gib = Fact::Unknown(why.clone());
    p.accelerators = count();
    p.replicas = UnitCounts {
        min: count(),
        desired: count(),
        max: count(),
    };
    let e = price(
        &resource("Workflow", WorkloadDetail::Pods(p)),
        &PricingSettings::default(),
    );
    assert!(!e.complete);
    assert_eq!(
        e.missing,
        vec!["kind Workflow (argoproj.io/v1alpha1) is not modelled"]
    );
    assert_eq!(lines(&e), vec![line("Pods", "-", "-", "-")]);
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
