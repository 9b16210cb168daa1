//! `terraform-aws-modules/eks/aws` understood from its inputs: the cluster, its EKS
//! managed and self-managed node groups, the two node-group submodules on their own, and
//! the Karpenter submodule (no compute of its own).
//!
//! The defaults are those of v20.37 (`node_groups.tf` and `modules/*-node-group`):
//! managed groups min 1 / max 3 / desired 1 and on-demand, self-managed groups min 0 /
//! max 3 / desired 1 on `m6i.large`; the standalone submodules default to min 0 / max 3 /
//! desired 1 and set no self-managed instance type. v21 input names (`name`,
//! `kubernetes_version`, no `*_node_group_defaults`) are read as well.

mod groups;
mod settings;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use self::groups::{Group, Sizes};
use self::settings::{string_map, Settings};
use super::{merge, Adapted, Call};
use crate::load::terraform::address::quote;
use crate::model::{InputError, Location, Map, Note, Unknown, Value};

/// Sizes of a group written in the root module's maps.
const ROOT_MANAGED: Sizes = Sizes {
    min: 1.0,
    max: 3.0,
    desired: 1.0,
};
const ROOT_SELF_MANAGED: Sizes = Sizes {
    min: 0.0,
    max: 3.0,
    desired: 1.0,
};
/// Sizes of the standalone submodules (both).
const SUBMODULE: Sizes = Sizes {
    min: 0.0,
    max: 3.0,
    desired: 1.0,
};
/// The root module's instance type for a self-managed group that sets none.
const SELF_MANAGED_TYPE: &str = "m6i.large";

/// What every resource of one call shares: the cluster name, the module's `tags` input
/// and the `region` input (v21, AWS provider 6).
pub(super) struct Common {
    pub cluster_name: Value,
    pub tags: Value,
    pub tags_at: Option<Location>,
    region: Option<(Value, Location)>,
}

impl Common {
    fn of(call: &Call<'_>, cluster_name: Value) -> Common {
        Common {
            cluster_name,
            tags: call
                .input("tags")
                .cloned()
                .unwrap_or_else(|| Value::Map(Map::new())),
            tags_at: call.input("tags").map(|_| call.location("tags", &[])),
            region: call
                .input("region")
                .map(|v| (v.clone(), call.location("region", &[]))),
        }
    }

    pub fn put_region(&self, attributes: &mut Map, locations: &mut BTreeMap<String, Location>) {
        if let Some((v, at)) = &self.region {
            attributes.insert("region", v.clone());
            locations.insert("region".to_string(), at.clone());
        }
    }
}

/// The first of the inputs that is set (v21 renamed several).
fn first_input<'c>(call: &'c Call<'_>, names: &[&str]) -> Option<(&'c str, &'c Value)> {
    names.iter().find_map(|n| {
        call.inputs
            .get_key_value(*n)
            .filter(|(_, i)| !i.value.is_null())
            .map(|(k, i)| (k.as_str(), &i.value))
    })
}

/// `create = false` creates nothing; an unknown `create` leaves every count unknown.
fn module_created(call: &Call<'_>) -> Result<Option<Unknown>, ()> {
    match call.input("create") {
        None | Some(Value::Bool(true)) => Ok(None),
        Some(Value::Bool(false)) => Err(()),
        Some(Value::Unknown(u)) => Ok(Some(u.clone())),
        Some(other) => Ok(Some(Unknown::new(format!(
            "create is a {}, not a bool",
            other.type_name()
        )))),
    }
}

fn mark_unknown(out: &mut Adapted, why: Option<Unknown>) {
    if let Some(u) = why {
        for r in &mut out.resources {
            if r.instances_unknown.is_none() {
                r.instances_unknown = Some(u.clone());
            }
        }
    }
}

/// The module itself: `module.eks.cluster` and every node group.
pub fn cluster_module(call: &Call<'_>) -> Adapted {
    let mut out = Adapted::default();
    let Ok(create_unknown) = module_created(call) else {
        return out;
    };
    let name = first_input(call, &["name", "cluster_name"]);
    let cluster_name = name.map_or_else(
        || Value::unknown("the cluster name (cluster_name / name) is not set"),
        |(_, v)| v.clone(),
    );
    let common = Common::of(call, cluster_name.clone());
    out.resources.push(cluster(
        call,
        &common,
        name.map(|(n, _)| n),
        &mut out.errors,
    ));
    for (input, sizes, build) in [
        (
            "eks_managed_node_groups",
            ROOT_MANAGED,
            groups::managed as GroupBuilder,
        ),
        (
            "self_managed_node_groups",
            ROOT_SELF_MANAGED,
            groups::self_managed,
        ),
    ] {
        node_groups(call, &common, input, sizes, build, &mut out);
    }
    if let Some((input, v)) = first_input(call, &["compute_config", "cluster_compute_config"]) {
        if !matches!(v, Value::Map(m) if matches!(m.get("enabled"), None | Some(Value::Bool(false))))
        {
            out.notes.push(Note {
                location: Some(call.location(input, &[])),
                message: format!(
                    "{}: EKS Auto Mode launches nodes for the pods it schedules; those nodes \
                     are not priced from the module call",
                    call.address
                ),
            });
        }
    }
    mark_unknown(&mut out, create_unknown);
    out
}

type GroupBuilder = fn(&Call<'_>, &Common, &Group<'_>, &mut Adapted);

/// The `aws_eks_cluster`, billed as the EKS control plane.
fn cluster(
    call: &Call<'_>,
    common: &Common,
    name_input: Option<&str>,
    errors: &mut Vec<InputError>,
) -> crate::load::terraform::instance::EvaluatedResource {
    let mut attributes = Map::new();
    let mut locations = BTreeMap::new();
    attributes.insert("name", common.cluster_name.clone());
    if let Some(n) = name_input {
        locations.insert("name".to_string(), call.location(n, &[]));
    }
    if let Some((input, v)) = first_input(call, &["kubernetes_version", "cluster_version"]) {
        attributes.insert("version", v.clone());
        locations.insert("version".to_string(), call.location(input, &[]));
    }
    // `{ support_type = "STANDARD" }` keeps the cluster out of extended support (v20
    // `cluster_upgrade_policy`, v21 `upgrade_policy`).
    if let Some((input, v)) = first_input(call, &["upgrade_policy", "cluster_upgrade_policy"]) {
        attributes.insert("upgrade_policy", v.clone());
        locations.insert("upgrade_policy".to_string(), call.location(input, &[]));
    }
    let cluster_tags = call.input("cluster_tags").cloned().unwrap_or(Value::Null);
    let own = string_map(&[("terraform-aws-modules", Value::string("eks"))]);
    match merge(vec![own, common.tags.clone(), cluster_tags]) {
        Ok(tags) => attributes.insert("tags", tags),
        Err(e) => errors.push(
            InputError::new(
                call.location("cluster_tags", &[]),
                format!("the tags of {}.cluster are not a map: {e}", call.address),
            )
            .with_help("write tags and cluster_tags as maps of strings"),
        ),
    }
    let tags_at = call
        .input("cluster_tags")
        .map(|_| call.location("cluster_tags", &[]))
        .or_else(|| common.tags_at.clone());
    if let Some(at) = tags_at {
        locations.insert("tags".to_string(), at);
    }
    common.put_region(&mut attributes, &mut locations);
    let location = name_input.map_or_else(|| call.header.clone(), |n| call.location(n, &[]));
    call.resource(
        "aws_eks_cluster",
        "cluster",
        None,
        location,
        locations,
        attributes,
    )
}

/// Every group of a map input: one resource set per entry; an unknown map is one set
/// of unknown size, so its cost is reported unknown rather than dropped.
fn node_groups(
    call: &Call<'_>,
    common: &Common,
    input: &str,
    sizes: Sizes,
    build: GroupBuilder,
    out: &mut Adapted,
) {
    let instance_type = (input == "self_managed_node_groups").then_some(SELF_MANAGED_TYPE);
    let Some(value) = call.input(input) else {
        return;
    };
    let at = call.location(input, &[]);
    match value {
        Value::Map(m) => {
            for (key, group) in &m.entries {
                let g = Group {
                    settings: Settings::entry(call, input, key, group.clone()),
                    name: input,
                    key: Some(key),
                    location: call.location(input, &[key]),
                    sizes,
                    instance_type,
                    template_address: format!(
                        "{}.{input}[{}].launch_template",
                        call.address,
                        quote(key)
                    ),
                };
                build(call, common, &g, out);
            }
            if let Some(u) = &m.more {
                unknown_set(call, common, input, sizes, build, at, u.clone(), out);
            }
        }
        Value::Unknown(u) => unknown_set(call, common, input, sizes, build, at, u.clone(), out),
        other => out.errors.push(
            InputError::new(
                at,
                format!(
                    "{input} of {} is a {}, not a map of node groups",
                    call.address,
                    other.type_name()
                ),
            )
            .with_help(format!(
                "write {input} = {{ name = {{ instance_types = [...], min_size = ..., max_size = ... }} }}"
            )),
        ),
    }
}

/// One key-less resource standing for a set of groups nobody can list before apply.
#[allow(clippy::too_many_arguments)]
fn unknown_set(
    call: &Call<'_>,
    common: &Common,
    input: &str,
    sizes: Sizes,
    build: GroupBuilder,
    at: Location,
    why: Unknown,
    out: &mut Adapted,
) {
    let g = Group {
        settings: Settings::unknown(call, why.clone(), at.clone()),
        name: input,
        key: None,
        location: at,
        sizes,
        instance_type: None,
        template_address: format!("{}.{input}.launch_template", call.address),
    };
    let first = out.resources.len();
    build(call, common, &g, out);
    for r in out.resources.iter_mut().skip(first) {
        r.instances_unknown = Some(why.clone());
    }
}

/// `//modules/eks-managed-node-group`: one managed group from the call's inputs.
pub fn managed_node_group_module(call: &Call<'_>) -> Adapted {
    standalone(call, "node_group", groups::managed)
}

/// `//modules/self-managed-node-group`: one autoscaling group and its launch template.
pub fn self_managed_node_group_module(call: &Call<'_>) -> Adapted {
    standalone(call, "autoscaling_group", groups::self_managed)
}

fn standalone(call: &Call<'_>, name: &str, build: GroupBuilder) -> Adapted {
    let mut out = Adapted::default();
    // `create` is read as a group setting, like the module's `count = var.create ? 1 : 0`.
    let cluster_name = call
        .input("cluster_name")
        .cloned()
        .unwrap_or_else(|| Value::unknown("cluster_name is not set"));
    let common = Common::of(call, cluster_name);
    let g = Group {
        settings: Settings::inputs(call),
        name,
        key: None,
        location: call.header.clone(),
        sizes: SUBMODULE,
        // The submodule's default type is "": none.
        instance_type: None,
        // Beside the group: `module.x.launch_template`.
        template_address: format!("{}.launch_template", call.address),
    };
    build(call, &common, &g, &mut out);
    out
}

/// `//modules/karpenter`: IAM roles, an SQS queue and EventBridge rules, no compute.
pub fn karpenter_module(call: &Call<'_>) -> Adapted {
    let mut out = Adapted::default();
    if module_created(call).is_err() {
        return out;
    }
    out.notes.push(Note {
        location: Some(call.header.clone()),
        message: format!(
            "{} ({}) creates Karpenter's IAM roles, SQS queue and EventBridge rules, no \
             compute; the nodes Karpenter launches are priced from the Karpenter NodePool \
             manifests",
            call.address, call.source
        ),
    });
    out
}
