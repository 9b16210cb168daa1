//! Kubernetes workloads and AI serving configs, as the price and policy stages read them:
//! what one replica (pod) requests and how many replicas run, a Karpenter node pool's
//! limits, or an LLM gateway route. One record per pod group: a KServe predictor and its
//! transformer, or each Ray worker group, are records of their own.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::{Capacity, Fact, UnitCounts};

/// Where a workload came from and what it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Workload {
    /// `Deployment`, `InferenceService`, `RayCluster`, `NodePool`, `LiteLLMRoute`, ...
    pub kind: String,
    /// `apps/v1`, `serving.kserve.io/v1beta1`, ...
    pub api_version: String,
    /// `None` for cluster-scoped objects and for files that are not Kubernetes objects.
    pub namespace: Option<String>,
    /// The part of the object this record is (`predictor`, `worker:gpu-group`), if any.
    pub component: Option<String>,
    /// `metadata.annotations`.
    pub annotations: BTreeMap<String, String>,
    pub detail: WorkloadDetail,
}

#[derive(Clone, Debug, PartialEq)]
pub enum WorkloadDetail {
    Pods(PodGroup),
    NodePool(NodePoolLimits),
    LlmRoute(LlmRoute),
}

/// Pods of one template, run as replicas.
#[derive(Clone, Debug, PartialEq)]
pub struct PodGroup {
    /// CPU cores requested per pod (every container; limits when requests are absent).
    pub cpu_cores: Fact<Decimal>,
    /// Memory requested per pod, in GiB.
    pub memory_gib: Fact<Decimal>,
    /// Accelerators per pod, and the resource name they are requested under
    /// (`nvidia.com/gpu`, `amd.com/gpu`, `google.com/tpu`, `aws.amazon.com/neuron`).
    pub accelerators: Fact<i64>,
    pub accelerator_resource: Option<String>,
    /// Whether every container that asks for accelerators sets them in `limits`
    /// (Kubernetes only schedules extended resources by limits).
    pub accelerators_in_limits: bool,
    /// Accelerator model from node selectors or affinity (`H100`, `L4`), when named.
    pub accelerator_model: Option<Fact<String>>,
    /// Node instance type from `node.kubernetes.io/instance-type` (or the like), when named.
    pub node_instance_type: Option<Fact<String>>,
    /// The node group or pool the pods must run on, when a pool label names exactly one.
    pub node_pool: Option<PoolLabel>,
    /// Node labels of a group's own definition (`NodeGroupType: gpu`) the pods require,
    /// each to one value; platform labels (`kubernetes.io/...`, `nvidia.com/...`) are left
    /// out. `price::attribution` ties the pods to the one pool of the scan that sets them.
    pub node_labels: BTreeMap<String, String>,
    /// Pods: baseline (replicas, `minReplicas` or an HPA's min) and ceiling (max).
    pub replicas: UnitCounts,
    /// Spot when a spot selector or toleration says so.
    pub capacity: Fact<Capacity>,
    /// `Some(true)` when the kind can scale to zero and is configured to; `Some(false)` when
    /// it can but is not; `None` when the kind cannot.
    pub scale_to_zero: Option<bool>,
    /// Serving inference (KServe, NIM, Seldon, vLLM, Ray Serve) rather than batch or training.
    pub inference: bool,
    /// Hours a month the pods run, for jobs (`activeDeadlineSeconds`); `None` for
    /// long-running workloads.
    pub run_hours: Option<Fact<Decimal>>,
    /// What reading the object assumed that changes the amount (KServe's default deployment
    /// mode when the annotation does not say it); every report shows it beside the amount.
    pub assumptions: Vec<String>,
}

/// A node label that names a node group or pool (`eks.amazonaws.com/nodegroup: gpu`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolLabel {
    pub key: String,
    pub name: String,
}

/// Label domains that the cloud, Kubernetes or a device plugin put on nodes: a pod that
/// requires one of them says nothing about which group's definition it runs on.
const PLATFORM_DOMAINS: &[&str] = &[
    "kubernetes.io",
    "k8s.io",
    "karpenter.sh",
    "karpenter.k8s.aws",
    "amazonaws.com",
    "amazon.com",
    "google.com",
    "azure.com",
    "nvidia.com",
    "amd.com",
    "intel.com",
    "habana.ai",
];

/// Whether a node label key is one a node group's definition sets (`NodeGroupType`,
/// `example.com/team`) rather than the platform (`kubernetes.io/arch`, `nvidia.com/...`).
pub fn is_custom_label(key: &str) -> bool {
    let Some((prefix, _)) = key.split_once('/') else {
        return true;
    };
    !PLATFORM_DOMAINS
        .iter()
        .any(|d| prefix == *d || prefix.ends_with(&format!(".{d}")))
}

/// A Karpenter NodePool: what it may launch and the most it may launch (`spec.limits`).
#[derive(Clone, Debug, PartialEq)]
pub struct NodePoolLimits {
    /// Allowed instance types (`node.kubernetes.io/instance-type In [...]`); empty = any.
    pub instance_types: Vec<String>,
    /// Allowed families (`karpenter.k8s.aws/instance-family In [...]`); empty = any.
    pub families: Vec<String>,
    /// Allowed capacity types (`karpenter.sh/capacity-type`); empty = any.
    pub capacity_types: Vec<String>,
    /// Instance types and families ruled out (`NotIn`).
    pub excluded_instance_types: Vec<String>,
    pub excluded_families: Vec<String>,
    /// Bounds on GPUs per node (`karpenter.k8s.aws/instance-gpu-count` `Gt`, `Lt`, `In`).
    pub gpus_per_node_min: Option<i64>,
    pub gpus_per_node_max: Option<i64>,
    /// Whether the pool is for accelerators (a GPU family, GPU name or GPU count requirement).
    pub accelerators: bool,
    /// Every requirement of `spec.template.spec.requirements`, as written (placeholder
    /// values left out), so the ceiling can keep to all of them.
    pub requirements: Vec<NodeRequirement>,
    /// `spec.limits`: `None` when not set (no ceiling).
    pub cpu: Option<Fact<Decimal>>,
    pub memory_gib: Option<Fact<Decimal>>,
    pub gpus: Option<Fact<i64>>,
}

/// One node requirement of a NodePool: a node label, an operator (`In`, `NotIn`, `Exists`,
/// `DoesNotExist`, `Gt`, `Lt`) and its values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeRequirement {
    pub key: String,
    pub operator: String,
    pub values: Vec<String>,
}

/// One model route of an LLM gateway (LiteLLM proxy `model_list` entry).
#[derive(Clone, Debug, PartialEq)]
pub struct LlmRoute {
    /// The name clients call (`model_name`).
    pub model_name: String,
    /// The provider model (`litellm_params.model`, e.g. `azure/gpt-4o`).
    pub model: Fact<String>,
    /// `model_info.base_model`: the model LiteLLM prices an Azure deployment name as.
    pub base_model: Option<String>,
    /// Declared budget in US dollars (`max_budget`), and its period (`budget_duration`).
    pub max_budget: Option<Decimal>,
    pub budget_duration: Option<String>,
    /// Requests and tokens per minute limits.
    pub rpm: Option<i64>,
    pub tpm: Option<i64>,
    /// The cap on generated tokens per request (`max_tokens`), when set.
    pub max_tokens: Option<i64>,
    /// Whether responses are cached.
    pub cache: bool,
}
