//! The normalized record for one resource instance, whatever format it came from. Policies,
//! prices and reports read only these records, never the input files.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::{CostEstimate, Location, Map, Suppression, Unknown, Workload};

/// A fact about a resource that is either known or unknown with a reason.
#[derive(Clone, Debug, PartialEq)]
pub enum Fact<T> {
    Known(T),
    Unknown(Unknown),
}

impl<T> Fact<T> {
    pub fn known(&self) -> Option<&T> {
        match self {
            Fact::Known(v) => Some(v),
            Fact::Unknown(_) => None,
        }
    }

    pub fn unknown(&self) -> Option<&Unknown> {
        match self {
            Fact::Known(_) => None,
            Fact::Unknown(u) => Some(u),
        }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Fact<U> {
        match self {
            Fact::Known(v) => Fact::Known(f(v)),
            Fact::Unknown(u) => Fact::Unknown(u),
        }
    }

    pub fn as_ref(&self) -> Fact<&T> {
        match self {
            Fact::Known(v) => Fact::Known(v),
            Fact::Unknown(u) => Fact::Unknown(u.clone()),
        }
    }
}

/// The input format a resource was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum SourceFormat {
    Terraform,
    /// Kubernetes manifests and AI serving configs in YAML.
    Kubernetes,
    /// An LLM gateway configuration (LiteLLM proxy `config.yaml`).
    LiteLlm,
    /// vLLM production-stack Helm values.
    HelmValues,
}

impl SourceFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceFormat::Terraform => "terraform",
            SourceFormat::Kubernetes => "kubernetes",
            SourceFormat::LiteLlm => "litellm",
            SourceFormat::HelmValues => "helm-values",
        }
    }
}

/// The provider configuration a resource is managed by: `aws`, or `aws.west` for an alias.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ProviderRef {
    pub name: String,
    pub alias: Option<String>,
}

impl ProviderRef {
    pub fn address(&self) -> String {
        match &self.alias {
            Some(a) => format!("{}.{}", self.name, a),
            None => self.name.clone(),
        }
    }
}

/// Why a GKE node pool's labels are open when its cluster is not in the configuration.
pub const GKE_CLUSTER_NOT_SEEN: &str = "the node VMs also carry their cluster's resource_labels, and the cluster is not in this configuration";

/// Cloud tags (AWS, Azure) or labels (Google) after provider defaults are merged in.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Tags {
    pub entries: BTreeMap<String, Fact<String>>,
    /// Set when the resource may carry keys beyond `entries`; the reason names the value
    /// that could not be resolved.
    pub more: Option<Unknown>,
}

impl Tags {
    pub fn is_complete(&self) -> bool {
        self.more.is_none()
    }
}

/// How a machine is bought.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Capacity {
    OnDemand,
    Spot,
    Reserved,
    CapacityBlock,
}

impl Capacity {
    pub fn as_str(self) -> &'static str {
        match self {
            Capacity::OnDemand => "on-demand",
            Capacity::Spot => "spot",
            Capacity::Reserved => "reserved",
            Capacity::CapacityBlock => "capacity-block",
        }
    }
}

/// Accelerators attached to one unit (instance, node, VM).
#[derive(Clone, Debug, PartialEq)]
pub struct Accelerator {
    /// Canonical model name: `H100`, `A100`, `L4`, `Trainium2`, ...
    pub model: Fact<String>,
    pub count: Fact<i64>,
    /// Memory per accelerator in GiB, where the catalog knows it.
    pub memory_gib: Option<u32>,
}

/// How many units a resource runs: the baseline (desired, else min, else 1) and the ceiling.
#[derive(Clone, Debug, PartialEq)]
pub struct UnitCounts {
    pub min: Fact<i64>,
    pub desired: Fact<i64>,
    pub max: Fact<i64>,
}

impl UnitCounts {
    pub fn fixed(n: i64) -> UnitCounts {
        UnitCounts {
            min: Fact::Known(n),
            desired: Fact::Known(n),
            max: Fact::Known(n),
        }
    }
}

/// The facts that decide what a compute resource costs.
#[derive(Clone, Debug, PartialEq)]
pub struct Compute {
    /// Instance type, machine type or VM size. The first one where several are allowed.
    pub instance_type: Fact<String>,
    /// Every allowed type, for node groups that list several.
    pub instance_types: Fact<Vec<String>>,
    /// `None` when the type is known to carry no accelerator.
    pub accelerator: Fact<Option<Accelerator>>,
    pub count: UnitCounts,
    pub capacity: Fact<Capacity>,
    /// A scalable group of machines (node group, node pool, autoscaling group).
    pub pool: bool,
    /// Defaults these facts rest on (GKE's three zones for a regional pool), shown with
    /// the cost.
    pub notes: Vec<String>,
}

/// What of a resource comes from a value Terraform marks sensitive (`sensitive = true`,
/// `sensitive()`, or derived from one). It prices the resource and decides policies like
/// any other value; reports show `(sensitive value)` instead (see `crate::redact`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sensitive {
    /// Facts whose value is not shown, by name: [`Sensitive::INSTANCE_TYPE`] (with every
    /// allowed type), [`Sensitive::ACCELERATOR`] (what the type implies), `count`,
    /// `capacity_type`, `region`, `environment`.
    pub facts: BTreeSet<String>,
    /// Tags whose value is not shown.
    pub tag_values: BTreeSet<String>,
    /// Tags whose key itself comes from a sensitive value (a sensitive map of tags): not
    /// shown at all.
    pub tag_keys: BTreeSet<String>,
    /// The sensitive values as text, taken out of any text made from them (cost lines,
    /// messages) before it is shown.
    pub texts: BTreeSet<String>,
}

impl Sensitive {
    pub const INSTANCE_TYPE: &'static str = "instance_type";
    pub const ACCELERATOR: &'static str = "accelerator";
    pub const COUNT: &'static str = "count";
    pub const CAPACITY: &'static str = "capacity_type";
    pub const REGION: &'static str = "region";
    pub const ENVIRONMENT: &'static str = "environment";

    pub fn is_empty(&self) -> bool {
        self.facts.is_empty()
            && self.tag_values.is_empty()
            && self.tag_keys.is_empty()
            && self.texts.is_empty()
    }

    /// Whether the fact `name` is not shown.
    pub fn hides(&self, name: &str) -> bool {
        self.facts.contains(name)
    }

    /// Whether the tag `key` (its value or the key itself) is not shown.
    pub fn hides_tag(&self, key: &str) -> bool {
        self.tag_values.contains(key) || self.tag_keys.contains(key)
    }
}

/// How reports name a resource across roots: `address`, or `root:address` outside the
/// root `.`.
pub fn resource_id(root: &str, address: &str) -> String {
    if root == "." {
        address.to_string()
    } else {
        format!("{root}:{address}")
    }
}

/// Terraform types that are a model-serving endpoint (or throughput bought for one).
const SERVING_TYPES: [&str; 5] = [
    "aws_bedrock_provisioned_model_throughput",
    "aws_sagemaker_endpoint",
    "azurerm_cognitive_deployment",
    "google_vertex_ai_endpoint",
    "google_vertex_ai_endpoint_with_model_garden_deployment",
];

/// One resource instance after evaluation, in the shape every later stage reads.
#[derive(Clone, Debug, PartialEq)]
pub struct Resource {
    /// The root configuration the resource was evaluated in (its directory, relative to
    /// the repository). Addresses are unique within a root, not across roots.
    pub root: Arc<str>,
    /// Instance address as Terraform writes it: `module.a[0].aws_instance.gpu["x"]`.
    pub address: String,
    pub resource_type: String,
    pub source: SourceFormat,
    /// The block that declares the resource.
    pub location: Location,
    /// Lines of individual arguments (`instance_type`, `tags`, `scaling_config.max_size`),
    /// so findings can point at the argument rather than the block.
    pub argument_locations: BTreeMap<String, Location>,
    pub provider: ProviderRef,
    /// `None` for resources that have no region at all.
    pub region: Option<Fact<String>>,
    /// The environment the resource belongs to (from config), when one could be decided.
    pub environment: Option<Fact<String>>,
    pub taggable: bool,
    pub tags: Tags,
    pub compute: Option<Compute>,
    /// Where each fact policies read came from, keyed by the fact's name in the policy
    /// schema (`instance_type`, `tags`, `capacity_type`, `count_max`, `environment`).
    pub fact_locations: BTreeMap<String, Location>,
    /// Inline waivers written next to the resource: policy id, then the waiver.
    pub waivers: Vec<(String, Suppression)>,
    /// Evaluated arguments, blocks as lists of maps (the shape of Terraform's plan JSON).
    pub attributes: Map,
    /// The monthly cost estimate; `None` for resource types that are not priced.
    pub cost: Option<CostEstimate>,
    /// For Kubernetes workloads and AI configs: what runs and how much of it.
    pub workload: Option<Box<Workload>>,
    /// What comes from sensitive values and is never shown.
    pub sensitive: Sensitive,
}

impl Resource {
    /// The location of an argument, falling back to the block.
    pub fn argument_location(&self, path: &str) -> &Location {
        self.argument_locations.get(path).unwrap_or(&self.location)
    }

    /// Whether the resource serves a model to clients: pods that serve inference (KServe,
    /// Ray Serve, Seldon, NIM, vLLM) or a managed endpoint type.
    pub fn serves_models(&self) -> bool {
        match self.workload.as_ref().map(|w| &w.detail) {
            Some(super::WorkloadDetail::Pods(p)) => p.inference,
            Some(_) => false,
            None => SERVING_TYPES.contains(&self.resource_type.as_str()),
        }
    }

    /// The location of a fact (see [`Resource::fact_locations`]), falling back to the block.
    pub fn fact_location(&self, fact: &str) -> &Location {
        self.fact_locations.get(fact).unwrap_or(&self.location)
    }
}
