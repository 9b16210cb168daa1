//! Pod templates: which containers a pod runs and where it may be scheduled, turned with
//! its replica counts into a [`PodGroup`]. Also the replica-count helpers the kinds share.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::super::yaml::Node;
use super::convert::{self, join};
use super::record::Cx;
use super::resources::{self, Container};
use super::scheduling::node_facts;
pub use super::scheduling::{read_scheduling, read_terms, Scheduling};
use crate::model::{Fact, Location, PodGroup, UnitCounts, Unknown};

/// The containers and scheduling fields of one pod.
pub struct PodShape<'a> {
    /// Where the pod spec is, for messages (`spec.template.spec`).
    pub path: String,
    pub containers: Vec<Container<'a>>,
    pub init: Vec<Container<'a>>,
    /// The node holding `nodeSelector`, `affinity` and `tolerations`, and its path.
    pub scheduling: Option<(String, &'a Node)>,
}

impl<'a> PodShape<'a> {
    /// A standard `PodSpec` at `path` (nothing when absent).
    pub fn of(spec: Option<&'a Node>, path: &str) -> PodShape<'a> {
        let mut shape = PodShape {
            path: path.to_string(),
            containers: Vec::new(),
            init: Vec::new(),
            scheduling: spec.map(|s| (path.to_string(), s)),
        };
        if let Some(spec) = spec {
            shape.add_containers(spec, path);
        }
        shape
    }

    /// Adds the `containers` and `initContainers` of a pod spec at `path`.
    pub fn add_containers(&mut self, spec: &'a Node, path: &str) {
        for (i, c) in spec
            .get("containers")
            .map_or(&[][..], Node::items)
            .iter()
            .enumerate()
        {
            self.containers.push(Container {
                path: format!("{}[{i}]", join(path, "containers")),
                node: c,
                resources_key: "resources",
                sidecar: false,
            });
        }
        for (i, c) in spec
            .get("initContainers")
            .map_or(&[][..], Node::items)
            .iter()
            .enumerate()
        {
            self.init.push(Container {
                path: format!("{}[{i}]", join(path, "initContainers")),
                node: c,
                resources_key: "resources",
                sidecar: convert::text(c.get("restartPolicy")) == Some("Always"),
            });
        }
    }

    /// Adds one container-like node (a KServe `model`, a NIM spec) at `path`.
    pub fn add_container(&mut self, node: &'a Node, path: &str) {
        self.add_resources(node, path, "resources");
    }

    /// Adds one container whose requests and limits are under `key` of `node` (a
    /// TrainJob's `trainer.resourcesPerNode`).
    pub fn add_resources(&mut self, node: &'a Node, path: &str, key: &'static str) {
        self.containers.push(Container {
            path: path.to_string(),
            node,
            resources_key: key,
            sidecar: false,
        });
    }
}

/// Replica counts and where each is written.
pub struct Replicas {
    pub counts: UnitCounts,
    pub min_at: Option<Location>,
    pub desired_at: Option<Location>,
    pub max_at: Option<Location>,
}

impl Replicas {
    /// The same count for baseline and ceiling.
    pub fn fixed(count: Fact<i64>, at: Option<Location>) -> Replicas {
        Replicas {
            counts: UnitCounts {
                min: count.clone(),
                desired: count.clone(),
                max: count,
            },
            min_at: at.clone(),
            desired_at: at.clone(),
            max_at: at,
        }
    }
}

/// A replica count under `parent` at `key` (`path` for messages), with its location;
/// `None` when absent.
pub fn read_count(
    cx: &Cx,
    parent: Option<&Node>,
    key: &str,
    path: &str,
) -> Option<(Fact<i64>, Location)> {
    let parent = parent?;
    let node = convert::present(parent.get(key))?;
    let fact = match convert::int(Some(node), path)? {
        Fact::Known(n) if n < 0 => Fact::Unknown(Unknown::new(format!("{path} is negative: {n}"))),
        f => f,
    };
    Some((fact, cx.key_loc(key, node)))
}

/// `a × b`, unknown when either is or the product overflows.
pub fn times(a: &Fact<i64>, b: &Fact<i64>) -> Fact<i64> {
    match (a, b) {
        (Fact::Known(x), Fact::Known(y)) => x.checked_mul(*y).map_or_else(
            || Fact::Unknown(Unknown::new("the replica count is too large")),
            Fact::Known,
        ),
        (Fact::Unknown(u), _) | (_, Fact::Unknown(u)) => Fact::Unknown(u.clone()),
    }
}

/// Hours one run may last, from `activeDeadlineSeconds` under `parent`.
pub fn deadline_hours(
    cx: &Cx,
    parent: Option<&Node>,
    path: &str,
) -> (Fact<Decimal>, Option<Location>) {
    let key = "activeDeadlineSeconds";
    match read_count(cx, parent, key, &join(path, key)) {
        Some((seconds, at)) => {
            let hours = match seconds {
                Fact::Known(s) => Decimal::from(s)
                    .checked_div(Decimal::from(3600))
                    .map_or_else(
                        || Fact::Unknown(Unknown::new("activeDeadlineSeconds is too large")),
                        |h| Fact::Known(h.normalize()),
                    ),
                Fact::Unknown(u) => Fact::Unknown(u),
            };
            (hours, Some(at))
        }
        None => (
            Fact::Unknown(Unknown::new(format!(
                "{} is not set, so how long a run lasts is not in the manifest",
                join(path, key)
            ))),
            None,
        ),
    }
}

/// Where `suspend: true` is written under `parent` (at `path`), when it is: a suspended
/// job runs nothing.
pub fn suspended(cx: &Cx, parent: Option<&Node>, path: &str) -> Option<Location> {
    let parent = parent?;
    let on = convert::flag(parent.get("suspend"), &join(path, "suspend"));
    if on == Some(Fact::Known(true)) {
        cx.entry_loc(parent, "suspend")
    } else {
        None
    }
}

/// What a kind says about its pods beyond the template.
#[derive(Default)]
pub struct Traits {
    pub scale_to_zero: Option<bool>,
    pub scale_to_zero_at: Option<Location>,
    pub inference: bool,
    pub run_hours: Option<Fact<Decimal>>,
    pub run_hours_at: Option<Location>,
}

/// A pod group with the locations of its facts.
pub struct PodPart {
    pub group: PodGroup,
    pub fact_locations: BTreeMap<String, Location>,
    pub region: Option<Fact<String>>,
}

/// Reads a pod template into a pod group.
pub fn pod_part(cx: &Cx, shape: &PodShape, replicas: Replicas, traits: Traits) -> PodPart {
    let res = resources::pod_resources(cx, &shape.containers, &shape.init, &shape.path);
    let scheduling = match &shape.scheduling {
        Some((path, node)) => read_scheduling(cx, node, path),
        None => Scheduling::default(),
    };
    assemble(res, &scheduling, replicas, traits)
}

/// A pod group from what its pods request and where they may run.
pub fn assemble(
    res: resources::PodResources,
    scheduling: &Scheduling,
    replicas: Replicas,
    traits: Traits,
) -> PodPart {
    let node = node_facts(scheduling);
    let mut fact_locations = res.locations;
    fact_locations.extend(node.locations.clone());
    for (facts, at) in [
        (["replicas_min", "count_min"], &replicas.min_at),
        (["replicas_desired", "count_desired"], &replicas.desired_at),
        (["replicas_max", "count_max"], &replicas.max_at),
        (["scale_to_zero", "scale_to_zero"], &traits.scale_to_zero_at),
        (["run_hours", "run_hours"], &traits.run_hours_at),
    ] {
        if let Some(at) = at {
            for f in facts {
                fact_locations.insert(f.to_string(), at.clone());
            }
        }
    }
    PodPart {
        group: PodGroup {
            cpu_cores: res.cpu_cores,
            memory_gib: res.memory_gib,
            accelerators: res.accelerators,
            accelerator_resource: res.accelerator_resource,
            accelerators_in_limits: res.accelerators_in_limits,
            accelerator_model: node.accelerator_model,
            node_instance_type: node.instance_type,
            node_pool: node.node_pool,
            node_labels: node.custom_labels,
            replicas: replicas.counts,
            capacity: node.capacity,
            scale_to_zero: traits.scale_to_zero,
            inference: traits.inference,
            run_hours: traits.run_hours,
            assumptions: Vec::new(),
        },
        fact_locations,
        region: node.region,
    }
}
