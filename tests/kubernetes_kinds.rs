//! Kubernetes manifests and AI serving configs read into resource records: every kind the
//! loader understands, from realistic files under `testdata/kubernetes/`, with the exact
//! addresses, locations and facts each yields.

// Test code: helpers outside `#[test]` functions should stop the test loudly too.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use std::path::Path;
use std::sync::Arc;

use std::str::FromStr;

use aicost_policy::config::KserveDeploymentMode;
use aicost_policy::load::kubernetes::kinds::{self, Classification, Extracted, Options};
use aicost_policy::load::kubernetes::yaml::{parse_stream, Limits};
use aicost_policy::load::source::SourceFile;
use aicost_policy::model::{
    Capacity, Fact, LlmRoute, NodePoolLimits, NodeRequirement, PodGroup, Resource, SourceFormat,
    UnitCounts, Unknown, Value, WorkloadDetail,
};
use rust_decimal::Decimal;

/// Reads every YAML file of `testdata/kubernetes/<case>` the way the loader does.
fn load(case: &str) -> Extracted {
    load_with(case, Options::default())
}

/// [`load`] with the configuration's loader options.
fn load_with(case: &str, options: Options) -> Extracted {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/kubernetes")
        .join(case);
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    names.sort();
    let root: Arc<str> = Arc::from(format!("testdata/kubernetes/{case}"));
    let mut all = Extracted::default();
    for name in names {
        let text = std::fs::read_to_string(dir.join(&name)).unwrap();
        let file = SourceFile::new(
            Arc::from(format!("{root}/{name}")),
            Arc::from(text.as_str()),
        );
        for doc in parse_stream(&text, &Limits::default()) {
            let doc = doc.unwrap_or_else(|e| panic!("{name}: {e:?}"));
            let class = kinds::classify(&doc);
            if matches!(class, Classification::Other(_)) {
                continue;
            }
            let mut x = kinds::extract_with(&doc, &class, &file, &root, options, None);
            all.resources.append(&mut x.resources);
            all.hpas.append(&mut x.hpas);
            all.errors.append(&mut x.errors);
            all.notes.append(&mut x.notes);
        }
    }
    kinds::link_hpas(&mut all.resources, &all.hpas);
    all
}

fn find<'a>(x: &'a Extracted, address: &str) -> &'a Resource {
    x.resources
        .iter()
        .find(|r| r.address == address)
        .unwrap_or_else(|| {
            let all: Vec<&str> = x.resources.iter().map(|r| r.address.as_str()).collect();
            panic!("no {address} among {all:?}")
        })
}

fn pods(r: &Resource) -> &PodGroup {
    match &r.workload.as_ref().unwrap().detail {
        WorkloadDetail::Pods(p) => p,
        other => panic!("{} is not a pod group: {other:?}", r.address),
    }
}

fn d(s: &str) -> Fact<Decimal> {
    Fact::Known(Decimal::from_str(s).unwrap())
}

fn unknown<T>(origin: &str) -> Fact<T> {
    Fact::Unknown(Unknown::new(origin))
}

fn counts(min: i64, desired: i64, max: i64) -> UnitCounts {
    UnitCounts {
        min: Fact::Known(min),
        desired: Fact::Known(desired),
        max: Fact::Known(max),
    }
}

/// The line a fact points at.
fn line(r: &Resource, fact: &str) -> u32 {
    r.fact_locations
        .get(fact)
        .unwrap_or_else(|| panic!("{} has no location for {fact}", r.address))
        .line
}

fn addresses(x: &Extracted) -> Vec<&str> {
    x.resources.iter().map(|r| r.address.as_str()).collect()
}

fn notes(x: &Extracted) -> Vec<(u32, &str)> {
    x.notes
        .iter()
        .map(|n| {
            (
                n.location.as_ref().map_or(0, |l| l.line),
                n.message.as_str(),
            )
        })
        .collect()
}

fn tag(r: &Resource, key: &str) -> Option<Fact<String>> {
    r.tags.entries.get(key).cloned()
}

#[test]
fn vllm_deployment_on_g5_scaled_by_an_hpa() {
    let x = load("vllm-deployment");
    assert_eq!(addresses(&x), ["Deployment/inference/vllm-llama3"]);
    assert!(x.errors.is_empty(), "{:?}", x.errors);
    let r = find(&x, "Deployment/inference/vllm-llama3");
    assert_eq!(r.resource_type, "Deployment");
    assert_eq!(r.source, SourceFormat::Kubernetes);
    assert_eq!(r.provider.name, "kubernetes");
    assert_eq!(&*r.root, "testdata/kubernetes/vllm-deployment");
    assert_eq!(
        &*r.location.file,
        "testdata/kubernetes/vllm-deployment/deployment.yaml"
    );
    assert_eq!((r.location.line, r.location.end_line), (2, 57));
    assert!(r.taggable);
    // The object's labels, not the pod template's.
    assert_eq!(tag(r, "team"), Some(Fact::Known("search".into())));
    assert_eq!(tag(r, "tier"), None);
    let w = r.workload.as_ref().unwrap();
    assert_eq!(
        (
            w.kind.as_str(),
            w.api_version.as_str(),
            w.namespace.as_deref()
        ),
        ("Deployment", "apps/v1", Some("inference"))
    );
    assert_eq!(
        w.annotations.get("owner").map(String::as_str),
        Some("ml-platform@example.com")
    );
    let p = pods(r);
    // vllm requests 6 cores plus the sidecar's 0.5 (its limit), more than the init
    // container's 2; memory likewise 24Gi + 256Mi.
    assert_eq!(p.cpu_cores, d("6.5"));
    assert_eq!(p.memory_gib, d("24.25"));
    assert_eq!(p.accelerators, Fact::Known(1));
    assert_eq!(p.accelerator_resource.as_deref(), Some("nvidia.com/gpu"));
    assert!(p.accelerators_in_limits);
    assert_eq!(p.accelerator_model, Some(Fact::Known("A10G".into())));
    assert_eq!(p.node_instance_type, Some(Fact::Known("g5.2xlarge".into())));
    // The HPA overrides spec.replicas: 2.
    assert_eq!(p.replicas, counts(1, 1, 6));
    assert_eq!(p.capacity, Fact::Known(Capacity::OnDemand));
    assert_eq!(
        (p.scale_to_zero, p.inference, p.run_hours.clone()),
        (None, false, None)
    );
    // The node is where the pods run, not what the record counts.
    assert!(r.compute.is_none());
    assert_eq!(p.accelerator_model, Some(Fact::Known("A10G".into())));
    assert_eq!(line(r, "instance_type"), 25);
    assert_eq!(line(r, "gpu_count"), 51);
    assert_eq!(line(r, "replicas_min"), 69);
    assert_eq!(line(r, "replicas_max"), 70);
    assert_eq!(line(r, "tags"), 7);
    assert_eq!(line(r, "namespace"), 6);
    assert_eq!(r.argument_location("spec.replicas").line, 14);
    assert_eq!(
        r.argument_location("spec.template.spec.containers[0].resources")
            .line,
        44
    );
    assert_eq!(
        r.attributes
            .get("spec")
            .and_then(Value::as_map)
            .and_then(|s| s.get("replicas")),
        Some(&Value::Number(2.0))
    );
    let autoscaler = r
        .attributes
        .get("autoscaler")
        .and_then(Value::as_map)
        .unwrap();
    assert_eq!(autoscaler.get("maxReplicas"), Some(&Value::Number(6.0)));
    assert_eq!(x.hpas.len(), 1);
    assert_eq!(
        (
            x.hpas[0].target_kind.as_str(),
            x.hpas[0].target_name.as_str(),
            x.hpas[0].namespace.as_str()
        ),
        ("Deployment", "vllm-llama3", "inference")
    );
    assert_eq!(
        notes(&x),
        [(79, "kind Service (v1) is not priced or checked")]
    );
}

#[test]
fn kserve_inference_services_and_llm_inference_service() {
    let x = load("kserve");
    assert_eq!(
        addresses(&x),
        [
            "InferenceService/ml-serving/llama3-8b/predictor",
            "InferenceService/ml-serving/llama3-8b/transformer",
            "InferenceService/ml-serving/fraud-xgb/predictor",
            "LLMInferenceService/ml-serving/qwen3-coder",
            "LLMInferenceService/ml-serving/qwen3-coder/prefill",
        ]
    );
    assert!(x.errors.is_empty(), "{:?}", x.errors);

    // Knative mode, minReplicas 0: scales to zero.
    let r = find(&x, "InferenceService/ml-serving/llama3-8b/predictor");
    assert_eq!((r.location.line, r.location.end_line), (12, 31));
    assert_eq!(
        r.workload.as_ref().unwrap().component.as_deref(),
        Some("predictor")
    );
    let p = pods(r);
    assert_eq!(
        (p.cpu_cores.clone(), p.memory_gib.clone()),
        (d("6"), d("24"))
    );
    assert_eq!(p.accelerators, Fact::Known(1));
    assert_eq!(p.accelerator_model, Some(Fact::Known("L4".into())));
    assert_eq!(p.replicas, counts(0, 0, 4));
    assert_eq!((p.scale_to_zero, p.inference), (Some(true), true));
    assert!(r.compute.is_none());
    assert_eq!(line(r, "scale_to_zero"), 13);
    assert_eq!(line(r, "accelerator_type"), 18);

    // Knative without maxReplicas: no upper bound.
    let p = pods(find(
        &x,
        "InferenceService/ml-serving/llama3-8b/transformer",
    ));
    assert_eq!(p.replicas.min, Fact::Known(1));
    assert_eq!(
        p.replicas.max,
        unknown("spec.transformer.maxReplicas is not set, and in Knative mode that means no upper bound")
    );
    assert_eq!(
        (p.cpu_cores.clone(), p.scale_to_zero),
        (d("0.5"), Some(false))
    );

    // No mode annotation: KServe's shipped default, Knative, which scales to zero.
    let fraud = "InferenceService/ml-serving/fraud-xgb/predictor";
    let p = pods(find(&x, fraud));
    assert_eq!(p.replicas, counts(0, 0, 3));
    assert_eq!(
        (p.cpu_cores.clone(), p.memory_gib.clone()),
        (d("1"), d("2"))
    );
    assert_eq!(p.scale_to_zero, Some(true));
    assert_eq!(
        notes(&x),
        [(41, "InferenceService fraud-xgb has no serving.kserve.io/deploymentMode annotation, so it is read in KServe's shipped default (set [kubernetes] kserve_default_deployment_mode if the cluster's differs): Knative (Serverless)")]
    );
    // A cluster whose default is Standard keeps one pod even with minReplicas 0.
    let standard = load_with(
        "kserve",
        Options {
            kserve_default_mode: Some(KserveDeploymentMode::Standard),
        },
    );
    let p = pods(find(&standard, fraud));
    assert_eq!(
        (p.replicas.clone(), p.scale_to_zero),
        (counts(1, 1, 3), Some(false))
    );
    assert_eq!(
        notes(&standard),
        [
            (41, "InferenceService fraud-xgb has no serving.kserve.io/deploymentMode annotation, so it is read in the cluster's default from [kubernetes] kserve_default_deployment_mode: Standard (RawDeployment)"),
            (50, "spec.predictor.minReplicas of InferenceService fraud-xgb is 0, but Standard mode keeps at least one pod; counted as 1 (use the Knative mode to scale to zero)"),
        ]
    );
    // The annotated service is read in its own mode whatever the default.
    assert_eq!(
        pods(find(
            &standard,
            "InferenceService/ml-serving/llama3-8b/predictor"
        ))
        .replicas,
        counts(0, 0, 4)
    );

    let r = find(&x, "LLMInferenceService/ml-serving/qwen3-coder");
    let p = pods(r);
    assert_eq!(
        r.workload.as_ref().unwrap().api_version,
        "serving.kserve.io/v1alpha2"
    );
    assert_eq!(p.replicas, counts(2, 2, 2));
    assert_eq!(p.accelerators, Fact::Known(2));
    assert_eq!(p.accelerator_model, Some(Fact::Known("H100".into())));
    assert_eq!(
        (p.cpu_cores.clone(), p.memory_gib.clone()),
        (d("16"), d("128"))
    );
    let r = find(&x, "LLMInferenceService/ml-serving/qwen3-coder/prefill");
    assert_eq!(r.location.line, 83);
    let p = pods(r);
    assert_eq!(p.replicas, counts(1, 1, 1));
    assert_eq!(p.accelerators, Fact::Known(1));
    assert_eq!(
        p.cpu_cores,
        unknown("no container in spec.prefill.template sets cpu requests or limits")
    );
}

#[test]
fn ray_cluster_head_and_worker_groups() {
    let x = load("ray");
    assert!(x.errors.is_empty(), "{:?}", x.errors);
    assert_eq!(
        addresses(&x),
        [
            "RayCluster/research/rl-train/head",
            "RayCluster/research/rl-train/worker:gpu-workers",
            "RayCluster/research/rl-train/worker:cpu-workers",
            "RayJob/research/finetune-llama/head",
            "RayJob/research/finetune-llama/worker:a100",
            "RayService/serving/llm-serve/head",
            "RayService/serving/llm-serve/worker:l4",
        ]
    );
    let head = find(&x, "RayCluster/research/rl-train/head");
    assert_eq!(head.location.line, 11);
    let p = pods(head);
    assert_eq!(p.replicas, counts(1, 1, 1));
    assert_eq!(
        (p.cpu_cores.clone(), p.memory_gib.clone()),
        (d("4"), d("16"))
    );
    assert_eq!(
        (p.accelerators.clone(), p.scale_to_zero),
        (Fact::Known(0), None)
    );
    assert_eq!(tag(head, "team"), Some(Fact::Known("research".into())));

    // Autoscaling, replicas × numOfHosts (2): 0 to 8 replicas are 0 to 16 pods.
    let gpu = find(&x, "RayCluster/research/rl-train/worker:gpu-workers");
    assert_eq!((gpu.location.line, gpu.location.end_line), (24, 42));
    let p = pods(gpu);
    assert_eq!(p.replicas, counts(0, 4, 16));
    assert_eq!(p.accelerators, Fact::Known(4));
    assert_eq!(p.accelerator_model, Some(Fact::Known("L4".into())));
    assert_eq!(p.scale_to_zero, Some(true));
    assert_eq!(line(gpu, "replicas_min"), 26);
    assert_eq!(line(gpu, "replicas_max"), 27);
    let p = pods(find(&x, "RayCluster/research/rl-train/worker:cpu-workers"));
    assert_eq!(p.replicas, counts(1, 3, 5));
    assert_eq!(p.scale_to_zero, Some(false));
}

#[test]
fn ray_job_runs_for_its_deadline_and_ray_service_serves() {
    let x = load("ray");
    for address in [
        "RayJob/research/finetune-llama/head",
        "RayJob/research/finetune-llama/worker:a100",
    ] {
        let r = find(&x, address);
        assert_eq!(pods(r).run_hours, Some(d("4")), "{address}");
        assert_eq!(line(r, "run_hours"), 9);
    }
    let p = pods(find(&x, "RayJob/research/finetune-llama/worker:a100"));
    // No autoscaling: the replicas are fixed.
    assert_eq!(p.replicas, counts(4, 4, 4));
    assert_eq!(p.accelerator_model, Some(Fact::Known("A100-80GB".into())));
    assert!(!p.inference);
    let p = pods(find(&x, "RayService/serving/llm-serve/worker:l4"));
    assert_eq!(p.replicas, counts(1, 1, 1));
    assert!(p.inference);
    assert_eq!(p.run_hours, None);
}

#[test]
fn seldon_server_is_priced_and_its_models_noted() {
    let x = load("seldon");
    assert_eq!(addresses(&x), ["Server/seldon-mesh/mlserver-gpu"]);
    let r = find(&x, "Server/seldon-mesh/mlserver-gpu");
    let p = pods(r);
    assert_eq!(p.replicas, counts(1, 2, 4));
    assert_eq!(p.memory_gib, d("12"));
    assert_eq!(
        p.cpu_cores,
        unknown(
            "spec.podSpec of Server mlserver-gpu sets no cpu; ServerConfig mlserver decides it"
        )
    );
    assert_eq!(p.accelerator_model, Some(Fact::Known("L4".into())));
    assert_eq!(p.node_instance_type, Some(Fact::Known("g6.xlarge".into())));
    assert_eq!((p.scale_to_zero, p.inference), (None, true));
    assert_eq!(
        notes(&x),
        [(25, "Seldon Model sentiment is loaded onto Server mlserver-gpu's pods, which are priced with the Server")]
    );
}

#[test]
fn nim_service_with_hpa_on_spot_l4() {
    let x = load("nim");
    let r = find(&x, "NIMService/nim-service/llama-3-2-1b");
    let p = pods(r);
    assert_eq!(p.replicas, counts(1, 1, 2));
    assert_eq!(p.accelerators, Fact::Known(1));
    assert_eq!(p.accelerator_model, Some(Fact::Known("L4".into())));
    // The GKE spot toleration.
    assert_eq!(p.capacity, Fact::Known(Capacity::Spot));
    assert_eq!(line(r, "capacity_type"), 25);
    assert_eq!(
        p.cpu_cores,
        unknown("spec.resources of NIMService llama-3-2-1b sets no cpu requests or limits")
    );
    assert_eq!((p.scale_to_zero, p.inference), (None, true));
    assert_eq!(line(r, "replicas_max"), 37);
}

#[test]
fn karpenter_node_pools_with_and_without_limits() {
    let x = load("karpenter");
    assert_eq!(
        addresses(&x),
        [
            "NodePool/gpu-inference",
            "NodePool/h100-training",
            "NodePool/general"
        ]
    );
    let detail = |a: &str| -> NodePoolLimits {
        match &find(&x, a).workload.as_ref().unwrap().detail {
            WorkloadDetail::NodePool(n) => n.clone(),
            other => panic!("{other:?}"),
        }
    };
    let gpu = find(&x, "NodePool/gpu-inference");
    assert_eq!(gpu.workload.as_ref().unwrap().namespace, None);
    assert_eq!(tag(gpu, "team"), Some(Fact::Known("ml-platform".into())));
    assert_eq!(tag(gpu, "workload"), None);
    assert_eq!(
        detail("NodePool/gpu-inference"),
        NodePoolLimits {
            instance_types: vec![],
            families: vec!["g5".into(), "g6".into(), "g6e".into()],
            capacity_types: vec!["spot".into(), "on-demand".into()],
            excluded_instance_types: vec!["g6e.48xlarge".into()],
            excluded_families: vec![],
            gpus_per_node_min: None,
            gpus_per_node_max: Some(4),
            accelerators: true,
            requirements: vec![
                requirement("karpenter.sh/capacity-type", "In", &["spot", "on-demand"]),
                requirement(
                    "karpenter.k8s.aws/instance-family",
                    "In",
                    &["g5", "g6", "g6e"]
                ),
                requirement(
                    "node.kubernetes.io/instance-type",
                    "NotIn",
                    &["g6e.48xlarge"]
                ),
                requirement("karpenter.k8s.aws/instance-gpu-count", "Lt", &["5"]),
            ],
            cpu: Some(d("512")),
            memory_gib: Some(d("2048")),
            gpus: Some(Fact::Known(16)),
        }
    );
    assert!(gpu.compute.is_none());
    assert_eq!(line(gpu, "limits"), 34);
    assert_eq!(line(gpu, "gpu_limit"), 37);
    assert_eq!(line(gpu, "instance_families"), 21);

    // Where limits would be written, for the pool that has none.
    assert_eq!(
        line(find(&x, "NodePool/h100-training"), "nodepool_limits"),
        46
    );
    assert_eq!(line(gpu, "nodepool_limits"), 34);
    let h100 = detail("NodePool/h100-training");
    assert_eq!((h100.cpu.clone(), h100.gpus.clone()), (None, None));
    assert!(h100.accelerators);
    assert!(find(&x, "NodePool/h100-training").compute.is_none());
    assert_eq!(h100.instance_types, ["p5.48xlarge"]);
    assert_eq!(h100.capacity_types, ["on-demand"]);

    let general = detail("NodePool/general");
    assert!(!general.accelerators);
    assert_eq!(general.capacity_types, ["on-demand", "reserved"]);
    assert_eq!(general.cpu, Some(d("1000")));
}

fn requirement(key: &str, operator: &str, values: &[&str]) -> NodeRequirement {
    NodeRequirement {
        key: key.into(),
        operator: operator.into(),
        values: values.iter().map(|v| v.to_string()).collect(),
    }
}

fn route(r: &Resource) -> &LlmRoute {
    match &r.workload.as_ref().unwrap().detail {
        WorkloadDetail::LlmRoute(l) => l,
        other => panic!("{other:?}"),
    }
}

#[test]
fn litellm_routes_with_budgets() {
    let x = load("litellm");
    assert_eq!(
        addresses(&x),
        [
            "LiteLLMRoute/gpt-4o[0]",
            "LiteLLMRoute/gpt-4o[1]",
            "LiteLLMRoute/claude-sonnet"
        ]
    );
    let r = find(&x, "LiteLLMRoute/gpt-4o[0]");
    assert_eq!(
        (r.source, r.resource_type.as_str()),
        (SourceFormat::LiteLlm, "LiteLLMRoute")
    );
    assert_eq!(r.provider.name, "litellm");
    assert!(!r.taggable);
    assert_eq!((r.location.line, r.location.end_line), (2, 13));
    assert_eq!(
        route(r),
        &LlmRoute {
            model_name: "gpt-4o".into(),
            model: Fact::Known("azure/gpt-4o-prod".into()),
            base_model: Some("azure/gpt-4o".into()),
            max_budget: Some(Decimal::from(500)),
            budget_duration: Some("30d".into()),
            rpm: Some(600),
            tpm: Some(200000),
            max_tokens: Some(4096),
            cache: true,
        }
    );
    assert_eq!(line(r, "max_budget"), 10);
    assert_eq!(line(r, "max_tokens"), 9);
    assert_eq!(r.argument_location("litellm_params.max_budget").line, 10);
    let params = r
        .attributes
        .get("litellm_params")
        .and_then(Value::as_map)
        .unwrap();
    assert_eq!(
        params.get("api_key"),
        Some(&Value::unknown(
            "litellm_params.api_key is read from the environment variable AZURE_API_KEY"
        ))
    );
    assert!(r.attributes.get("litellm_settings").is_some());

    let r = find(&x, "LiteLLMRoute/gpt-4o[1]");
    let l = route(r);
    assert_eq!(l.max_budget, Some(Decimal::from_str("250.5").unwrap()));
    assert_eq!((l.tpm, l.max_tokens), (None, None));
    // A key written inline is not copied.
    let params = r
        .attributes
        .get("litellm_params")
        .and_then(Value::as_map)
        .unwrap();
    assert_eq!(params.get("api_key"), Some(&Value::string("(redacted)")));

    let l = route(find(&x, "LiteLLMRoute/claude-sonnet"));
    assert_eq!((l.max_budget, l.rpm, l.cache), (None, None, true));
    assert_eq!(
        notes(&x),
        [
            (26, "the LiteLLM proxy's global budget is $2000 per 30d (litellm_settings.max_budget)"),
            (35, "LiteLLM routes to openai share a budget of $100 per 1d (router_settings.provider_budget_config)"),
            (38, "LiteLLM routes to azure share a budget of $300 per 1d (router_settings.provider_budget_config)"),
            (20, "model_list[1].litellm_params.tpm is read from the environment variable OPENAI_TPM, so the route is checked as if it were not set"),
        ]
    );
}

#[test]
fn litellm_routes_without_budgets() {
    let x = load("litellm-unbudgeted");
    let r = find(&x, "LiteLLMRoute/llama-local");
    // Where a budget would be written.
    assert_eq!(line(r, "llm_has_budget"), 3);
    assert_eq!(line(r, "llm_model"), 4);
    let l = route(r);
    assert_eq!(
        (
            l.max_budget,
            l.budget_duration.clone(),
            l.max_tokens,
            l.cache
        ),
        (None, None, None, false)
    );
    let l = route(find(&x, "LiteLLMRoute/gemini-flash"));
    assert_eq!(
        l.model,
        unknown(
            "model_list[1].litellm_params.model is read from the environment variable GEMINI_MODEL"
        )
    );
    assert!(x.notes.is_empty() && x.errors.is_empty());
}

#[test]
fn vllm_production_stack_values_with_two_models() {
    let x = load("vllm-stack");
    assert_eq!(addresses(&x), ["vLLM/llama3", "vLLM/mistral"]);
    let r = find(&x, "vLLM/llama3");
    assert_eq!(
        (r.source, r.resource_type.as_str()),
        (SourceFormat::HelmValues, "vLLMModel")
    );
    assert_eq!(r.provider.name, "vllm");
    assert_eq!((r.location.line, r.location.end_line), (7, 27));
    assert_eq!(tag(r, "environment"), Some(Fact::Known("prod".into())));
    let p = pods(r);
    assert_eq!(
        (p.cpu_cores.clone(), p.memory_gib.clone()),
        (d("10"), d("16"))
    );
    assert_eq!(p.accelerators, Fact::Known(1));
    assert!(p.accelerators_in_limits);
    // KEDA bounds the replicas.
    assert_eq!(p.replicas, counts(1, 1, 3));
    assert_eq!(p.scale_to_zero, Some(false));
    assert_eq!(p.node_instance_type, Some(Fact::Known("g6.2xlarge".into())));
    assert_eq!(p.accelerator_model, Some(Fact::Known("L4".into())));
    assert_eq!(line(r, "instance_type"), 18);
    assert_eq!(r.argument_location("requestGPU").line, 14);

    let p = pods(find(&x, "vLLM/mistral"));
    assert_eq!(
        (p.cpu_cores.clone(), p.memory_gib.clone()),
        (d("4"), d("24"))
    );
    assert_eq!(
        p.accelerator_resource.as_deref(),
        Some("nvidia.com/mig-3g.40gb")
    );
    assert_eq!(p.replicas, counts(2, 2, 2));
    assert_eq!(p.capacity, Fact::Known(Capacity::Spot));
}

#[test]
fn spot_from_gke_selectors_and_karpenter_affinity() {
    let x = load("gke-spot");
    let r = find(&x, "Deployment/default/tgi-l4");
    let p = pods(r);
    assert_eq!(p.capacity, Fact::Known(Capacity::Spot));
    assert_eq!(p.accelerator_model, Some(Fact::Known("L4".into())));
    assert_eq!(p.replicas, counts(2, 2, 2));
    assert_eq!(r.region, Some(Fact::Known("us-central1".into())));
    assert_eq!(line(r, "capacity_type"), 20);
    assert_eq!(
        r.workload.as_ref().unwrap().namespace.as_deref(),
        Some("default")
    );

    let r = find(&x, "StatefulSet/nlp/embeddings");
    let p = pods(r);
    assert_eq!(p.capacity, Fact::Known(Capacity::Spot));
    assert_eq!(p.accelerator_model, Some(Fact::Known("A10G".into())));
    // The GPU is only requested: Kubernetes needs it in limits.
    assert!(!p.accelerators_in_limits);
    assert_eq!(line(r, "has_gpu_limits"), 65);
    assert_eq!(p.cpu_cores, d("1.5"));
    // An autoscaling/v1 HPA without minReplicas: the minimum is 1.
    assert_eq!(p.replicas, counts(1, 1, 5));
}

#[test]
fn daemonset_cronjob_and_job() {
    let x = load("batch");
    let p = pods(find(&x, "DaemonSet/monitoring/dcgm-exporter"));
    let per_node = "a DaemonSet runs one pod per node and the manifest does not say how many nodes there are; set daemonset_nodes under [kubernetes]";
    assert_eq!(
        p.replicas,
        UnitCounts {
            min: unknown(per_node),
            desired: unknown(per_node),
            max: unknown(per_node),
        }
    );
    assert_eq!(
        (p.cpu_cores.clone(), p.memory_gib.clone()),
        (d("0.1"), d("0.125"))
    );
    assert_eq!((p.scale_to_zero, p.run_hours.clone()), (None, None));

    // 30.4 runs a month (730 h / 24) of at most 1.5 h each.
    let r = find(&x, "CronJob/research/nightly-eval");
    let p = pods(r);
    assert_eq!(p.run_hours, Some(d("45.625")));
    assert_eq!(p.accelerators, Fact::Known(8));
    assert_eq!(p.accelerator_model, Some(Fact::Known("A100".into())));
    assert_eq!(line(r, "run_hours"), 37);

    let p = pods(find(&x, "CronJob/research/weekly-report"));
    assert_eq!(
        p.run_hours,
        Some(unknown("the schedule `0 6 1 * MON` restricts both the day of the month and the day of the week, so the runs a month are not known"))
    );

    let r = find(&x, "Job/research/embed-corpus");
    let p = pods(r);
    assert_eq!(p.replicas, counts(4, 4, 4));
    assert_eq!(p.run_hours, Some(d("2")));
    assert_eq!(line(r, "replicas_max"), 78);
}

#[test]
fn placeholders_are_unknown_with_their_origin() {
    let x = load("placeholder");
    let r = find(&x, "Pod/${NAMESPACE}/notebook");
    let p = pods(r);
    assert_eq!(
        p.accelerators,
        unknown(
            "spec.containers[0].resources.limits.nvidia.com/gpu is a placeholder: ${GPU_COUNT}"
        )
    );
    let it =
        "spec.nodeSelector.node.kubernetes.io/instance-type is a placeholder: ${INSTANCE_TYPE}";
    assert_eq!(p.node_instance_type, Some(unknown(it)));
    assert_eq!(
        tag(r, "team"),
        Some(unknown("metadata.labels.team is a placeholder: ${TEAM}"))
    );
    assert_eq!(p.replicas, counts(1, 1, 1));
    assert_eq!(line(r, "gpu_count"), 20);
    assert!(x.errors.is_empty());
}

#[test]
fn the_ignore_annotation_waives_policies_and_needs_a_reason() {
    let x = load("waivers");
    let r = find(&x, "Deployment/perf/benchmark");
    let waived: Vec<(&str, &str, Option<String>, u32)> = r
        .waivers
        .iter()
        .map(|(id, s)| {
            (
                id.as_str(),
                s.reason.as_str(),
                s.expires.map(|d| d.to_string()),
                s.location.as_ref().unwrap().line,
            )
        })
        .collect();
    let reason = "benchmarks need 60 fixed on-demand replicas";
    assert_eq!(
        waived,
        [
            ("AIC-K8S-003", reason, Some("2027-03-31".to_string()), 9),
            ("AIC-K8S-004", reason, Some("2027-03-31".to_string()), 9),
        ]
    );
    assert!(find(&x, "Deployment/perf/forgotten").waivers.is_empty());
    assert_eq!(x.errors.len(), 1);
    assert_eq!(x.errors[0].location.line, 29);
    assert_eq!(
        x.errors[0].message,
        "the waiver of AIC-K8S-001 in the annotation aicost-policy.io/ignore gives no reason"
    );
}

#[test]
fn knative_and_keda_scale_to_zero() {
    let x = load("knative-keda");
    let r = find(&x, "Service/audio/whisper");
    assert_eq!(
        r.workload.as_ref().unwrap().api_version,
        "serving.knative.dev/v1"
    );
    let p = pods(r);
    assert_eq!(p.replicas, counts(0, 0, 5));
    assert_eq!(p.scale_to_zero, Some(true));
    // KEDA's default minimum is 0.
    let r = find(&x, "Deployment/audio/queue-worker");
    let p = pods(r);
    assert_eq!(p.replicas, counts(0, 0, 20));
    assert_eq!(p.scale_to_zero, Some(true));
    assert_eq!(line(r, "replicas_max"), 46);
}

#[test]
fn list_items_are_read_and_bad_quantities_reported() {
    let x = load("list");
    assert_eq!(addresses(&x), ["Deployment/inference/reranker"]);
    let r = find(&x, "Deployment/inference/reranker");
    assert_eq!((r.location.line, r.location.end_line), (12, 27));
    let p = pods(r);
    assert_eq!(p.replicas, counts(2, 2, 2));
    assert_eq!(
        p.memory_gib,
        unknown("spec.template.spec.containers[0].resources.requests.memory: `16GB` is not a Kubernetes quantity")
    );
    assert_eq!(x.errors.len(), 1);
    assert_eq!(x.errors[0].location.line, 27);
    assert!(x.errors[0].help.as_deref().unwrap().contains("16Gi"));
    assert_eq!(
        notes(&x),
        [(5, "kind ConfigMap (v1) is not priced or checked")]
    );
}

fn classify_text(text: &str) -> Classification {
    let docs = parse_stream(text, &Limits::default());
    kinds::classify(docs[0].as_ref().unwrap())
}

#[test]
fn documents_are_classified() {
    assert_eq!(
        classify_text("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n"),
        Classification::Kubernetes {
            api_version: "apps/v1".into(),
            kind: "Deployment".into()
        }
    );
    assert_eq!(
        classify_text("model_list:\n  - model_name: a\n"),
        Classification::LiteLlm
    );
    assert_eq!(
        classify_text("servingEngineSpec:\n  modelSpec: []\n"),
        Classification::VllmValues
    );
    let other = |t: &str| match classify_text(t) {
        Classification::Other(why) => why,
        c => panic!("{c:?}"),
    };
    assert_eq!(
        other("apiVersion: v2\nname: chart\nversion: 1.0.0\n"),
        "a Helm chart description (Chart.yaml)"
    );
    assert_eq!(
        other("services:\n  web:\n    image: nginx\n"),
        "a docker-compose file"
    );
    assert_eq!(
        other("on: [push]\njobs:\n  build: {runs-on: ubuntu-latest}\n"),
        "a GitHub Actions workflow"
    );
    assert_eq!(
        other("replicaCount: 1\n"),
        "not a Kubernetes object (no apiVersion and kind) or a known AI config"
    );
    assert_eq!(
        other("- a\n- b\n"),
        "not a map, so not a Kubernetes object or a known config"
    );
}

#[test]
fn every_case_gives_unique_addresses() {
    for case in [
        "vllm-deployment",
        "kserve",
        "ray",
        "seldon",
        "nim",
        "karpenter",
        "litellm",
        "litellm-unbudgeted",
        "vllm-stack",
        "gke-spot",
        "batch",
        "placeholder",
        "waivers",
        "knative-keda",
        "list",
    ] {
        let x = load(case);
        let mut seen = std::collections::BTreeSet::new();
        for r in &x.resources {
            assert!(
                seen.insert(r.address.clone()),
                "{case}: {} twice",
                r.address
            );
            assert!(r.workload.is_some() && r.cost.is_none(), "{}", r.address);
        }
    }
}

/// Extracts every document of an inline stream, as one file `inline/manifest.yaml`.
fn extract_text(text: &str) -> Extracted {
    let root: Arc<str> = Arc::from("inline");
    let file = SourceFile::new(Arc::from("inline/manifest.yaml"), Arc::from(text));
    let mut all = Extracted::default();
    for doc in parse_stream(text, &Limits::default()) {
        let doc = doc.unwrap();
        let class = kinds::classify(&doc);
        let mut x = kinds::extract(&doc, &class, &file, &root);
        all.resources.append(&mut x.resources);
        all.hpas.append(&mut x.hpas);
        all.errors.append(&mut x.errors);
        all.notes.append(&mut x.notes);
    }
    kinds::link_hpas(&mut all.resources, &all.hpas);
    all
}

#[test]
fn autoscaler_edge_cases() {
    let x = extract_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers: [{name: a, resources: {requests: {cpu: 1, memory: 1Gi}}}]\n---\napiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: api}\nspec:\n  scaleTargetRef: {name: api}\n  minReplicaCount: 2\n  idleReplicaCount: 0\n  maxReplicaCount: 10\n---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: orphan}\nspec:\n  minReplicas: 1\n  maxReplicas: 3\n",
    );
    let r = find(&x, "Deployment/default/api");
    let p = pods(r);
    // An idle count of 0 lets KEDA scale to zero between events.
    assert_eq!(p.replicas, counts(0, 0, 10));
    assert_eq!(p.scale_to_zero, Some(true));
    assert_eq!(line(r, "replicas_min"), 16);
    assert_eq!(
        notes(&x),
        [(19, "HorizontalPodAutoscaler orphan names no target in spec.scaleTargetRef, so it scales nothing this tool can see")]
    );
}

#[test]
fn objects_without_a_name_are_errors() {
    let x = extract_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {labels: {a: b}}\nspec: {containers: []}\n",
    );
    assert!(x.resources.is_empty());
    assert_eq!(x.errors.len(), 1);
    assert_eq!(
        x.errors[0].message,
        "this Pod has no metadata.name, so it was not checked"
    );
    // A generated name still identifies a Job.
    let x = extract_text("apiVersion: batch/v1\nkind: Job\nmetadata: {generateName: train-}\nspec: {template: {spec: {containers: []}}}\n");
    assert_eq!(addresses(&x), ["Job/default/train-*"]);
    let p = pods(&x.resources[0]);
    assert_eq!(
        p.cpu_cores,
        unknown("no container in spec.template.spec sets cpu requests or limits")
    );
    assert_eq!(
        p.run_hours,
        Some(unknown(
            "spec.activeDeadlineSeconds is not set, so how long a run lasts is not in the manifest"
        ))
    );
}

#[test]
fn sidecars_add_to_the_pod_and_init_containers_peak_alone() {
    let x = extract_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  initContainers:\n    - {name: proxy, restartPolicy: Always, resources: {requests: {cpu: 500m, memory: 1Gi}}}\n    - {name: warm, resources: {requests: {cpu: '8', memory: 2Gi}}}\n  containers:\n    - {name: app, resources: {requests: {cpu: '2', memory: 4Gi}, limits: {amd.com/gpu: 2}}}\n",
    );
    let p = pods(&x.resources[0]);
    // cpu: the warm-up container (8) with the sidecar started before it (0.5) beats the
    // app (2) plus the sidecar; memory: 4Gi + 1Gi beats 2Gi + 1Gi.
    assert_eq!(p.cpu_cores, d("8.5"));
    assert_eq!(p.memory_gib, d("5"));
    assert_eq!(p.accelerators, Fact::Known(2));
    assert_eq!(p.accelerator_resource.as_deref(), Some("amd.com/gpu"));
}
