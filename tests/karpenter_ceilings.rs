//! Karpenter NodePool ceilings over hand-built pools, to the cent: the allowed instance
//! type that spends the most within the pool's GPU, cpu and memory limits, where "allowed"
//! is every requirement of the pool (instance type, family, size, category, generation,
//! vCPUs, memory, GPU count, name and maker, architecture) and its capacity type. Node
//! prices from `catalog/aws_ec2_ondemand.csv` (us-east-1), sizes from
//! `catalog/aws_instance_sizes.csv`, GPUs from `catalog/accelerators.csv`.

#![allow(clippy::panic, clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::Arc;

use aicost_policy::model::{
    CostEstimate, Fact, Location, Map, NodePoolLimits, NodeRequirement, ProviderRef, Resource,
    SourceFormat, Tags, Workload, WorkloadDetail,
};
use aicost_policy::price::{estimate, PricingSettings};
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn req(key: &str, operator: &str, values: &[&str]) -> NodeRequirement {
    NodeRequirement {
        key: key.to_string(),
        operator: operator.to_string(),
        values: values.iter().map(|v| v.to_string()).collect(),
    }
}

/// A pool for accelerators with these requirements and GPU limit.
fn pool(requirements: Vec<NodeRequirement>, gpus: Option<i64>) -> NodePoolLimits {
    NodePoolLimits {
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
        gpus: gpus.map(Fact::Known),
    }
}

fn types(t: &[&str]) -> NodeRequirement {
    req("node.kubernetes.io/instance-type", "In", t)
}

fn families(f: &[&str]) -> NodeRequirement {
    req("karpenter.k8s.aws/instance-family", "In", f)
}

fn ceiling(n: NodePoolLimits) -> CostEstimate {
    let r = Resource {
        root: Arc::from("k8s"),
        address: "NodePool/gpu".to_string(),
        resource_type: "NodePool".to_string(),
        source: SourceFormat::Kubernetes,
        location: Location::file_start(Arc::from("k8s/nodepool.yaml")),
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
            kind: "NodePool".to_string(),
            api_version: "karpenter.sh/v1".to_string(),
            namespace: None,
            component: None,
            annotations: BTreeMap::new(),
            detail: WorkloadDetail::NodePool(n),
        })),
        sensitive: Default::default(),
    };
    let e = estimate(&r, &PricingSettings::default()).unwrap();
    assert_eq!(
        e.baseline.to_json_string(),
        "0.00",
        "a pool launches nothing"
    );
    e
}

#[test]
fn a_gpu_pool_ceiling_is_its_gpu_limit_of_the_type_that_spends_most() {
    // 16 GPUs: 4 g6e.12xlarge ($30,638.51) or 2 g6e.48xlarge ($43,991.52).
    let e = ceiling(pool(
        vec![types(&["g6e.12xlarge", "g6e.48xlarge"])],
        Some(16),
    ));
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
    let mut n = pool(vec![types(&["g6e.12xlarge"])], Some(32));
    n.memory_gib = Some(Fact::Known(d("1536")));
    let e = ceiling(n);
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
fn sizes_and_gpu_names_narrow_a_pool_and_its_cpu_limit_caps_the_big_sizes() {
    // L40S types but not the 48xlarge: g6e.xlarge to 24xlarge. 16 GPUs and 512 vCPUs:
    // 16 g6e.8xlarge (32 vCPUs, one GPU each) spend 16 x $4.52856 an hour; 16xlarge would
    // spend more per GPU, but 512 vCPUs allow only 8 of them (8 x $7.57719).
    let mut n = pool(
        vec![
            req("karpenter.k8s.aws/instance-category", "In", &["g"]),
            req("karpenter.k8s.aws/instance-gpu-name", "In", &["l40s"]),
            req("karpenter.k8s.aws/instance-size", "NotIn", &["48xlarge"]),
        ],
        Some(16),
    );
    n.cpu = Some(Fact::Known(d("512")));
    let e = ceiling(n);
    // 16 x 4.52856 x 730 = 52,893.5808; 16 x g6e.xlarge = 16 x 1.861 x 730 = 21,736.48.
    assert_eq!(e.ceiling.to_json_string(), "52893.58");
    assert_eq!(
        e.components[0].name,
        "Node pool ceiling: 16 × g6e.8xlarge (on-demand)"
    );
    assert_eq!(
        e.notes,
        vec![
            "ceiling at the allowed type that spends the most, g6e.8xlarge; with g6e.xlarge, the least, it would be $21,736.48",
            "GPU limit 16 / 1 GPU per g6e.8xlarge node = 16 nodes",
        ]
    );
}

#[test]
fn generations_and_gpu_counts_narrow_a_pool_to_the_newest_eight_gpu_types() {
    // p category, generation above 4, more than 4 GPUs, not p6-b300: p5.48xlarge,
    // p5en.48xlarge and p6-b200.48xlarge, 2 nodes each for 16 GPUs. The catalog has no
    // size for p6-b200, so the memory limit cannot apply to it.
    let mut n = pool(
        vec![
            req("karpenter.k8s.aws/instance-category", "In", &["p"]),
            req("karpenter.k8s.aws/instance-generation", "Gt", &["4"]),
            req("karpenter.k8s.aws/instance-gpu-count", "Gt", &["4"]),
            req("karpenter.k8s.aws/instance-family", "NotIn", &["p6-b300"]),
        ],
        Some(16),
    );
    n.memory_gib = Some(Fact::Known(d("4096")));
    let e = ceiling(n);
    // 2 x $113.9328 x 730 = 166,341.888; 2 x p5.48xlarge = 2 x $55.04 x 730 = 80,358.40.
    assert_eq!(e.ceiling.to_json_string(), "166341.89");
    assert_eq!(
        e.notes,
        vec![
            "ceiling at the allowed type that spends the most, p6-b200.48xlarge; with p5.48xlarge, the least, it would be $80,358.40",
            "GPU limit 16 / 8 GPUs per p6-b200.48xlarge node = 2 nodes",
            "the pool's cpu and memory limits may stop it sooner; the catalog has no size for p6-b200.48xlarge to apply them",
        ]
    );
}

#[test]
fn the_capacity_type_is_the_dearest_the_pool_allows() {
    // p5.4xlarge and p5.48xlarge spend alike at 16 GPUs ($110.08 an hour); the one with
    // more nodes is named.
    let priced = |capacity: &[&str]| {
        let mut n = pool(vec![families(&["p5"])], Some(16));
        n.capacity_types = capacity.iter().map(|c| c.to_string()).collect();
        ceiling(n)
    };
    let reserved = priced(&["reserved"]);
    assert_eq!(reserved.ceiling.to_json_string(), "80358.40");
    assert_eq!(
        reserved.components[0].name,
        "Node pool ceiling: 16 × p5.4xlarge (reserved)"
    );
    assert_eq!(
        reserved.notes,
        vec!["GPU limit 16 / 1 GPU per p5.4xlarge node = 16 nodes"]
    );
    let either = priced(&["spot", "on-demand"]);
    assert_eq!(
        (
            either.components[0].name.as_str(),
            either.ceiling.to_json_string()
        ),
        (
            "Node pool ceiling: 16 × p5.4xlarge (on-demand)",
            "80358.40".to_string()
        )
    );
    // Spot only: p5 at 0.4 of on-demand; p4d.24xlarge: 2 nodes x $21.957642 x 0.4.
    let mut n = pool(vec![families(&["p4d", "p5"])], Some(16));
    n.capacity_types = vec!["spot".to_string()];
    let e = ceiling(n);
    assert_eq!(e.ceiling.to_json_string(), "32143.36");
    assert_eq!(
        e.components[0].name,
        "Node pool ceiling: 16 × p5.4xlarge (spot)"
    );
    assert_eq!(
        e.notes[0],
        "ceiling at the allowed type that spends the most, p5.4xlarge; with p4d.24xlarge, the least, it would be $12,823.26"
    );
}

#[test]
fn named_types_the_catalog_cannot_price_are_said() {
    // 8 GPUs: 2 g6e.12xlarge x $10.49264 x 730 = $15,319.2544.
    let e = ceiling(pool(
        vec![types(&["g6e.12xlarge", "g4ad.xlarge", "g7.99xlarge"])],
        Some(8),
    ));
    assert_eq!(e.ceiling.to_json_string(), "15319.25");
    assert_eq!(
        e.notes,
        vec![
            "named but not priced: g4ad.xlarge (the catalog does not list its accelerators); g7.99xlarge (not in the price catalog)",
            "GPU limit 8 / 4 GPUs per g6e.12xlarge node = 2 nodes",
        ]
    );
}

#[test]
fn a_cpu_pool_is_priced_over_its_allowed_types_without_accelerators() {
    // m7i types with fewer than 64 vCPUs and more than 16 GiB (16384 MiB): 2xlarge to
    // 12xlarge. 1000 vCPUs buy 125 m7i.2xlarge at $0.4032, $50.40 an hour; 20 m7i.12xlarge
    // (48 vCPUs) spend the least, 20 x $2.4192.
    let mut n = pool(
        vec![
            families(&["m7i"]),
            req("karpenter.k8s.aws/instance-cpu", "Lt", &["64"]),
            req("karpenter.k8s.aws/instance-memory", "Gt", &["16384"]),
        ],
        None,
    );
    n.accelerators = false;
    n.cpu = Some(Fact::Known(d("1000")));
    let e = ceiling(n);
    // 125 x 0.4032 x 730 = 36,792; 20 x 2.4192 x 730 = 35,320.32.
    assert_eq!(e.ceiling.to_json_string(), "36792.00");
    assert_eq!(
        e.components[0].name,
        "Node pool ceiling: 125 × m7i.2xlarge (on-demand)"
    );
    assert_eq!(
        e.notes,
        vec![
            "ceiling at the allowed type that spends the most, m7i.2xlarge; with m7i.12xlarge, the least, it would be $35,320.32",
            "cpu limit 1,000 / 8 vCPUs per m7i.2xlarge node = 125 nodes",
        ]
    );

    // Every m7i with cpu and memory limits: 10 m7i.metal-24xl (96 vCPUs, 384 GiB) at
    // $5.32224 spend the most.
    let mut n = pool(vec![families(&["m7i"])], None);
    n.accelerators = false;
    n.cpu = Some(Fact::Known(d("1000")));
    n.memory_gib = Some(Fact::Known(d("4000")));
    let e = ceiling(n);
    // 10 x 5.32224 x 730 = 38,852.352; 5 m7i.48xlarge = 5 x 9.6768 x 730 = 35,320.32.
    assert_eq!(e.ceiling.to_json_string(), "38852.35");
    assert_eq!(
        e.notes,
        vec![
            "ceiling at the allowed type that spends the most, m7i.metal-24xl; with m7i.48xlarge, the least, it would be $35,320.32",
            "cpu limit 1,000 / 96 vCPUs per m7i.metal-24xl node = 10 nodes",
        ]
    );
}

#[test]
fn types_the_catalog_cannot_size_or_requirements_it_cannot_read_are_said() {
    // Graviton c7g and c7gn in one zone, 100 vCPUs. The catalog sizes c7g but not c7gn;
    // 100 c7g.medium ($0.0363 for one vCPU) spend the most.
    let mut n = pool(
        vec![
            families(&["c7g", "c7gn"]),
            req("kubernetes.io/arch", "In", &["arm64"]),
            req("topology.kubernetes.io/zone", "In", &["us-east-1a"]),
        ],
        None,
    );
    n.accelerators = false;
    n.cpu = Some(Fact::Known(d("100")));
    let e = ceiling(n.clone());
    // 100 x 0.0363 x 730 = 2,649.90; one c7g.16xlarge (64 vCPUs) x 2.32 x 730 = 1,693.60.
    assert_eq!(e.ceiling.to_json_string(), "2649.90");
    assert_eq!(
        e.notes,
        vec![
            "the requirements on topology.kubernetes.io/zone are not applied to the ceiling: the catalog does not list them per instance type",
            "left out of the ceiling, as the catalog has no vCPU and memory size to apply the pool's limits to: c7gn.12xlarge, c7gn.16xlarge, c7gn.2xlarge and 6 more",
            "ceiling at the allowed type that spends the most, c7g.medium; with c7g.16xlarge, the least, it would be $1,693.60",
            "cpu limit 100 / 1 vCPUs per c7g.medium node = 100 nodes",
        ]
    );
    // A requirement on vCPUs cannot be checked on c7gn at all.
    n.requirements
        .push(req("karpenter.k8s.aws/instance-cpu", "Lt", &["16"]));
    let e = ceiling(n);
    assert_eq!(
        e.notes[1],
        "left out of the ceiling, as the catalog does not know their karpenter.k8s.aws/instance-cpu: c7gn.12xlarge, c7gn.16xlarge, c7gn.2xlarge and 6 more"
    );
}

#[test]
fn a_pool_without_limits_or_known_types_has_no_ceiling() {
    let e = ceiling(pool(vec![types(&["g6e.12xlarge"])], None));
    assert!(!e.complete);
    assert_eq!(
        e.missing,
        vec!["the node pool sets no spec.limits, so nothing bounds what it can launch"]
    );
    // A CPU pool none of whose types the catalog can size: its limits at unit rates,
    // 1000 x 730 x $0.031611 + 4000 x 730 x $0.004237.
    let mut n = pool(vec![families(&["x2idn"])], None);
    n.accelerators = false;
    n.cpu = Some(Fact::Known(d("1000")));
    n.memory_gib = Some(Fact::Known(d("4000")));
    let e = ceiling(n);
    assert_eq!(e.ceiling.to_json_string(), "35448.07");
    assert_eq!(
        e.notes.last().unwrap(),
        "ceiling: the pool's cpu and memory limits at default unit rates (the catalog knows the size of no instance type the pool allows)"
    );
    // A GPU pool whose types carry no GPUs the catalog knows.
    let e = ceiling(pool(vec![families(&["g4ad"])], Some(8)));
    assert!(!e.complete);
    assert_eq!(
        e.missing,
        vec!["price unknown: the node pool allows no GPU instance type the catalog knows; list the types under node.kubernetes.io/instance-type or karpenter.k8s.aws/instance-family"]
    );
}

#[test]
fn large_limits_in_the_notes_have_thousands_separators() {
    // 8,000 GPUs / 4 per g6e.12xlarge = 2,000 nodes: 2,000 × 730 × 10.49264 = $15,319,254.40.
    let e = ceiling(pool(vec![types(&["g6e.12xlarge"])], Some(8000)));
    assert_eq!(e.ceiling.to_json_string(), "15319254.40");
    assert_eq!(
        e.notes,
        vec!["GPU limit 8,000 / 4 GPUs per g6e.12xlarge node = 2,000 nodes"]
    );
}
