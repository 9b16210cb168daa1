//! The default Kubernetes policies (AIC-K8S-001 to 006) and the shared GPU and cost
//! policies over hand-built workload records: each policy fails where it should, passes
//! where it should, says exactly what it says, and points at the field it is about.

// Test code: helpers outside `#[test]` functions should stop the test loudly too.
#![allow(clippy::panic, clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::Arc;

use aicost_policy::model::{
    Capacity, Date, Fact, LlmRoute, Location, Map, NodePoolLimits, PodGroup, ProviderRef, Resource,
    SourceFormat, Status, Tags, UnitCounts, Unknown, UnknownInput, Workload, WorkloadDetail,
};
use aicost_policy::policy::{LoadOptions, Policies, Settings};
use rust_decimal::Decimal;

fn loc(line: u32) -> Location {
    Location {
        file: Arc::from("k8s/serving.yaml"),
        line,
        column: 1,
        end_line: line,
        span: (0, 0),
    }
}

fn builtin() -> Policies {
    Policies::load(&LoadOptions {
        builtin: true,
        dirs: Vec::new(),
    })
    .unwrap()
}

fn settings() -> Settings {
    Settings {
        today: Date::parse("2026-11-28").ok(),
        ..Settings::default()
    }
}

fn labels(pairs: &[(&str, &str)]) -> Tags {
    Tags {
        entries: pairs
            .iter()
            .map(|(k, v)| (k.to_string(), Fact::Known(v.to_string())))
            .collect(),
        more: None,
    }
}

fn full_labels(env: &str) -> Tags {
    labels(&[("team", "ml"), ("cost-center", "cc-7"), ("env", env)])
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// A CPU-and-memory pod group with `gpus` accelerators per pod and fixed replicas.
fn pods(gpus: i64, replicas: i64) -> PodGroup {
    PodGroup {
        cpu_cores: Fact::Known(d("4")),
        memory_gib: Fact::Known(d("16")),
        accelerators: Fact::Known(gpus),
        accelerator_resource: (gpus > 0).then(|| "nvidia.com/gpu".to_string()),
        accelerators_in_limits: true,
        accelerator_model: (gpus > 0).then(|| Fact::Known("L4".to_string())),
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

/// A fully labelled workload in environment `env`; facts point at lines 20 (labels), 30
/// (resources), 40 (maxReplicas), 41 (minReplicas), 50 (limits); the object at line 1.
fn workload(address: &str, kind: &str, env: &str, detail: WorkloadDetail) -> Resource {
    let fact_locations: BTreeMap<String, Location> = [
        ("tags", 20),
        ("gpu_count", 30),
        ("has_gpu_limits", 30),
        ("replicas_max", 40),
        ("replicas_min", 41),
        ("scale_to_zero", 41),
        ("nodepool_limits", 50),
    ]
    .into_iter()
    .map(|(k, l)| (k.to_string(), loc(l)))
    .collect();
    let source = match detail {
        WorkloadDetail::LlmRoute(_) => SourceFormat::LiteLlm,
        _ => SourceFormat::Kubernetes,
    };
    Resource {
        root: Arc::from("k8s"),
        address: address.to_string(),
        resource_type: kind.to_string(),
        source,
        location: loc(1),
        argument_locations: BTreeMap::new(),
        provider: ProviderRef {
            name: "kubernetes".to_string(),
            alias: None,
        },
        region: None,
        environment: Some(Fact::Known(env.to_string())),
        taggable: source == SourceFormat::Kubernetes,
        tags: full_labels(env),
        compute: None,
        fact_locations,
        waivers: Vec::new(),
        attributes: Map::new(),
        cost: None,
        workload: Some(Box::new(Workload {
            kind: kind.to_string(),
            api_version: "v1".to_string(),
            namespace: Some("ml".to_string()),
            component: None,
            annotations: BTreeMap::new(),
            detail,
        })),
        sensitive: Default::default(),
    }
}

/// (policy, status, line, message) of every finding.
fn findings(resources: &[Resource]) -> Vec<(String, Status, u32, String)> {
    builtin()
        .evaluate(resources, &settings())
        .findings
        .into_iter()
        .map(|f| (f.policy_id, f.status, f.location.line, f.message))
        .collect()
}

fn one(policy: &str, status: Status, line: u32, message: &str) -> (String, Status, u32, String) {
    (policy.to_string(), status, line, message.to_string())
}

#[test]
fn a_fully_labelled_small_deployment_passes_every_policy() {
    let r = workload(
        "Deployment/ml/api",
        "Deployment",
        "prod",
        WorkloadDetail::Pods(pods(1, 3)),
    );
    let e = builtin().evaluate(&[r], &settings());
    assert_eq!(e.findings, vec![]);
    // Every resource policy: the budget and change policies are not asked of resources.
    assert_eq!(e.passes, 12);
}

#[test]
fn missing_labels_fail_aic_k8s_001_not_aic_tag_001() {
    let mut r = workload(
        "Deployment/ml/api",
        "Deployment",
        "prod",
        WorkloadDetail::Pods(pods(0, 2)),
    );
    r.tags = labels(&[("team", "ml")]);
    assert_eq!(
        findings(&[r]),
        vec![one(
            "AIC-K8S-001",
            Status::Fail,
            20,
            "Deployment/ml/api is missing required labels: cost-center, env"
        )]
    );
}

#[test]
fn gpus_requested_without_limits_fail_aic_k8s_002() {
    let mut p = pods(2, 1);
    p.accelerators_in_limits = false;
    let r = workload(
        "Deployment/ml/llama",
        "Deployment",
        "prod",
        WorkloadDetail::Pods(p),
    );
    assert_eq!(
        findings(&[r]),
        vec![one(
            "AIC-K8S-002",
            Status::Fail,
            30,
            "Deployment/ml/llama asks for accelerators (2 per pod) but not every container that asks for them sets them in resources.limits"
        )]
    );
}

#[test]
fn non_prod_inference_that_keeps_a_replica_fails_aic_k8s_003() {
    let mut p = pods(1, 1);
    p.inference = true;
    p.scale_to_zero = Some(false);
    let dev = workload(
        "InferenceService/ml/chat/predictor",
        "InferenceService",
        "dev",
        WorkloadDetail::Pods(p.clone()),
    );
    let prod = workload(
        "InferenceService/ml/chat-prod/predictor",
        "InferenceService",
        "prod",
        WorkloadDetail::Pods(p.clone()),
    );
    p.scale_to_zero = Some(true);
    let zero = workload(
        "InferenceService/ml/chat-zero/predictor",
        "InferenceService",
        "dev",
        WorkloadDetail::Pods(p),
    );
    assert_eq!(
        findings(&[dev, prod, zero]),
        vec![one(
            "AIC-K8S-003",
            Status::Fail,
            41,
            "InferenceService/ml/chat/predictor is an inference service in non-production environment dev that keeps at least one replica running; it can scale to zero"
        )]
    );
}

#[test]
fn kinds_that_cannot_scale_to_zero_are_not_asked_to() {
    let mut p = pods(1, 1);
    p.inference = true;
    p.scale_to_zero = None;
    let r = workload(
        "NIMService/ml/llama",
        "NIMService",
        "dev",
        WorkloadDetail::Pods(p),
    );
    assert_eq!(findings(&[r]), vec![]);
}

#[test]
fn replicas_over_the_ceiling_fail_aic_k8s_004_and_unknown_maximum_is_unknown() {
    let mut p = pods(0, 2);
    p.replicas.max = Fact::Known(80);
    let over = workload(
        "Deployment/ml/web",
        "Deployment",
        "prod",
        WorkloadDetail::Pods(p.clone()),
    );
    p.replicas.max = Fact::Known(50);
    let at = workload(
        "Deployment/ml/web-at",
        "Deployment",
        "prod",
        WorkloadDetail::Pods(p.clone()),
    );
    p.replicas.max = Fact::Unknown(Unknown::new(
        "`maxReplicas` is not set: KServe may scale without limit",
    ));
    let open = workload(
        "InferenceService/ml/open/predictor",
        "InferenceService",
        "prod",
        WorkloadDetail::Pods(p),
    );
    let e = builtin().evaluate(&[over, at, open], &settings());
    let got: Vec<(String, Status, String, u32)> = e
        .findings
        .iter()
        .map(|f| {
            (
                f.policy_id.clone(),
                f.status,
                f.address.clone(),
                f.location.line,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "AIC-K8S-004".to_string(),
                Status::Fail,
                "Deployment/ml/web".to_string(),
                40
            ),
            (
                "AIC-K8S-004".to_string(),
                Status::Unknown,
                "InferenceService/ml/open/predictor".to_string(),
                40
            ),
        ]
    );
    assert_eq!(
        e.findings[0].message,
        "Deployment/ml/web can scale to 80 replicas, more than the limit of 50"
    );
    assert_eq!(
        e.findings[1].unknowns,
        vec![UnknownInput {
            fact: "replicas_max".to_string(),
            origin: "`maxReplicas` is not set: KServe may scale without limit".to_string()
        }]
    );
}

#[test]
fn the_replica_ceiling_comes_from_configuration() {
    let mut p = pods(0, 2);
    p.replicas.max = Fact::Known(80);
    let r = workload(
        "Deployment/ml/web",
        "Deployment",
        "prod",
        WorkloadDetail::Pods(p),
    );
    let s = Settings {
        max_replicas: Some(100),
        ..settings()
    };
    assert_eq!(
        builtin().evaluate(std::slice::from_ref(&r), &s).findings,
        vec![]
    );
    let s = Settings {
        max_replicas: None,
        ..settings()
    };
    assert_eq!(builtin().evaluate(&[r], &s).findings, vec![]);
}

fn node_pool(gpus: Option<i64>, accelerators: bool) -> NodePoolLimits {
    NodePoolLimits {
        instance_types: vec!["g6e.12xlarge".to_string()],
        families: Vec::new(),
        capacity_types: vec!["spot".to_string()],
        excluded_instance_types: Vec::new(),
        excluded_families: Vec::new(),
        gpus_per_node_min: None,
        gpus_per_node_max: None,
        accelerators,
        requirements: Vec::new(),
        cpu: None,
        memory_gib: None,
        gpus: gpus.map(Fact::Known),
    }
}

#[test]
fn gpu_node_pools_without_limits_fail_aic_k8s_005() {
    let open = workload(
        "NodePool/gpu-open",
        "NodePool",
        "prod",
        WorkloadDetail::NodePool(node_pool(None, true)),
    );
    let bounded = workload(
        "NodePool/gpu-bounded",
        "NodePool",
        "prod",
        WorkloadDetail::NodePool(node_pool(Some(16), true)),
    );
    let mut general = node_pool(None, false);
    general.instance_types = vec!["m7i.2xlarge".to_string()];
    let cpu = workload(
        "NodePool/general",
        "NodePool",
        "prod",
        WorkloadDetail::NodePool(general),
    );
    assert_eq!(
        findings(&[open, bounded, cpu]),
        vec![one(
            "AIC-K8S-005",
            Status::Fail,
            50,
            "NodePool/gpu-open launches accelerator nodes but sets no spec.limits, so nothing bounds how many it can start"
        )]
    );
}

#[test]
fn an_on_demand_gpu_node_pool_outside_production_fails_aic_gpu_003() {
    let mut n = node_pool(Some(16), true);
    n.capacity_types = vec!["spot".to_string(), "on-demand".to_string()];
    let r = workload(
        "NodePool/gpu",
        "NodePool",
        "dev",
        WorkloadDetail::NodePool(n),
    );
    let got = findings(&[r]);
    assert_eq!(got.len(), 1);
    assert_eq!((got[0].0.as_str(), got[0].1), ("AIC-GPU-003", Status::Fail));
    assert_eq!(
        got[0].3,
        "NodePool/gpu is an accelerator pool in non-production environment dev on on-demand capacity (4 x g6e.12xlarge)"
    );
}

fn route(budget: Option<&str>, max_tokens: Option<i64>) -> LlmRoute {
    LlmRoute {
        model_name: "gpt-4o".to_string(),
        model: Fact::Known("azure/gpt-4o".to_string()),
        base_model: None,
        max_budget: budget.map(d),
        budget_duration: budget.map(|_| "30d".to_string()),
        rpm: None,
        tpm: None,
        max_tokens,
        cache: false,
    }
}

#[test]
fn llm_routes_need_a_budget_and_a_token_cap() {
    let neither = workload(
        "LiteLLMRoute/gpt-4o",
        "LiteLLMRoute",
        "prod",
        WorkloadDetail::LlmRoute(route(None, None)),
    );
    let no_cap = workload(
        "LiteLLMRoute/gpt-4o-capped",
        "LiteLLMRoute",
        "prod",
        WorkloadDetail::LlmRoute(route(Some("500"), None)),
    );
    let both = workload(
        "LiteLLMRoute/gpt-4o-ok",
        "LiteLLMRoute",
        "prod",
        WorkloadDetail::LlmRoute(route(Some("500"), Some(1024))),
    );
    assert_eq!(
        findings(&[neither, no_cap, both]),
        vec![
            one(
                "AIC-K8S-006",
                Status::Fail,
                1,
                "LiteLLMRoute/gpt-4o (azure/gpt-4o) lacks a budget (max_budget) and an output token cap (max_tokens)"
            ),
            one(
                "AIC-K8S-006",
                Status::Fail,
                1,
                "LiteLLMRoute/gpt-4o-capped (azure/gpt-4o) lacks an output token cap (max_tokens)"
            ),
        ]
    );
}

#[test]
fn pods_reach_the_accelerator_limit_through_their_replicas() {
    let mut p = pods(8, 4);
    p.replicas.max = Fact::Known(10);
    let r = workload(
        "RayCluster/ml/train/worker:gpu",
        "RayCluster",
        "prod",
        WorkloadDetail::Pods(p),
    );
    assert_eq!(
        findings(&[r]),
        vec![one(
            "AIC-GPU-002",
            Status::Fail,
            40,
            "RayCluster/ml/train/worker:gpu can scale to 80 accelerators (10 x 8 L4), more than the limit of 64"
        )]
    );
}

#[test]
fn annotations_are_a_map_of_their_own() {
    let mut r = workload(
        "Deployment/ml/api",
        "Deployment",
        "prod",
        WorkloadDetail::Pods(pods(0, 1)),
    );
    if let Some(w) = r.workload.as_mut() {
        w.annotations
            .insert("owner".to_string(), "ml-platform".to_string());
    }
    let policy = "@id(\"ORG-1\") @severity(\"low\") @message(\"{address} ({kind} in {namespace}) has no owner\")\nforbid (principal, action == Action::\"check\", resource)\nwhen { resource has kind && !(resource has annotations && resource.annotations.hasTag(\"owner\")) };\n";
    let p = Policies::from_sources(
        false,
        &[("user/owner.cedar".to_string(), policy.to_string())],
    )
    .unwrap_or_else(|e| panic!("{:?}", miette::Report::new(e)));
    assert_eq!(
        p.evaluate(std::slice::from_ref(&r), &settings()).findings,
        vec![]
    );
    if let Some(w) = r.workload.as_mut() {
        w.annotations.clear();
    }
    let e = p.evaluate(&[r], &settings());
    assert_eq!(
        e.findings
            .iter()
            .map(|f| f.message.as_str())
            .collect::<Vec<_>>(),
        vec!["Deployment/ml/api (Deployment in ml) has no owner"]
    );
}
