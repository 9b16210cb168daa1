//! One node group as the resources the EKS module creates for it: an `aws_eks_node_group`
//! for a managed group; an `aws_autoscaling_group` and the `aws_launch_template` it
//! launches from for a self-managed group. Attributes have the shape the AWS fact readers
//! expect (nested blocks are lists of maps).

use std::collections::BTreeMap;

use super::settings::{string_map, Setting, Settings};
use super::Common;
use crate::load::terraform::instance::EvaluatedResource;
use crate::load::terraform::registry::{merge, Adapted, Call};
use crate::model::{InputError, Location, Map, Note, Unknown, Value};

/// The module's own min / max / desired sizes for a group that sets none.
#[derive(Clone, Copy)]
pub(super) struct Sizes {
    pub min: f64,
    pub max: f64,
    pub desired: f64,
}

/// One group to build: its settings, name and where it is written.
pub(super) struct Group<'a> {
    pub settings: Settings<'a>,
    /// The resource name under the call (`eks_managed_node_groups`, `node_group`).
    pub name: &'a str,
    /// The map key, `None` for a standalone submodule or an unknown set of groups.
    pub key: Option<&'a str>,
    /// The group's entry in the caller (the `gpu = {` value), else the input.
    pub location: Location,
    /// The module's defaults for sizes (the root module and the submodules differ).
    pub sizes: Sizes,
    /// The module's default instance type of a self-managed group, if any.
    pub instance_type: Option<&'a str>,
    /// The address of a self-managed group's launch template.
    pub template_address: String,
}

type Locations = BTreeMap<String, Location>;

/// Sets `attributes[name]` from a setting (or a default), noting where it is written.
fn put(
    attributes: &mut Map,
    locations: &mut Locations,
    name: &str,
    setting: Option<Setting>,
    default: Option<Value>,
) {
    match setting {
        Some(s) => {
            locations.insert(name.to_string(), s.at);
            attributes.insert(name, s.value);
        }
        None => {
            if let Some(d) = default {
                attributes.insert(name, d);
            }
        }
    }
}

/// Whether the group is created: `create = false` skips it, an unknown `create` makes its
/// instances unknown.
fn created(settings: &Settings<'_>) -> Result<Option<Unknown>, ()> {
    match settings.flag("create", true) {
        Ok(true) => Ok(None),
        Ok(false) => Err(()),
        Err(u) => Ok(Some(u)),
    }
}

/// The group's `Name` tag: its `name` setting, else its key.
fn group_name(g: &Group<'_>) -> Value {
    match (g.settings.get("name"), g.key) {
        (Some(s), _) => s.value,
        (None, Some(k)) => Value::string(k),
        // A standalone submodule's `name` defaults to "".
        (None, None) => Value::string(""),
    }
}

/// `merge(var.tags, group tags, extra)` and where the group's tags are written.
fn group_tags(
    call: &Call<'_>,
    common: &Common,
    g: &Group<'_>,
    extra: Value,
    out: &mut Adapted,
) -> (Value, Option<Location>) {
    let own = g.settings.get("tags");
    let at = own
        .as_ref()
        .map(|s| s.at.clone())
        .or_else(|| common.tags_at.clone());
    let own_value = own.map_or(Value::Null, |s| s.value);
    match merge(vec![common.tags.clone(), own_value, extra]) {
        Ok(v) => (v, at),
        Err(e) => {
            out.errors.push(
                InputError::new(
                    at.clone().unwrap_or_else(|| call.header.clone()),
                    format!("the tags of {} are not a map: {e}", address(call, g)),
                )
                .with_help("write tags as a map of strings, e.g. { team = \"ml\" }"),
            );
            (Value::unknown("the tags are not a map"), at)
        }
    }
}

fn address(call: &Call<'_>, g: &Group<'_>) -> String {
    match g.key {
        Some(k) => format!(
            "{}.{}[{}]",
            call.address,
            g.name,
            crate::load::terraform::address::quote(k)
        ),
        None => format!("{}.{}", call.address, g.name),
    }
}

/// `taints = { gpu = { key, value, effect } }` (or a list) as `taint` blocks.
fn taint_blocks(v: Value) -> Value {
    match v {
        Value::Map(m) => {
            let mut items: Vec<Value> = m.entries.into_values().collect();
            if let Some(u) = m.more {
                items.push(Value::Unknown(u));
            }
            Value::List(items)
        }
        Value::List(items) | Value::Set(items) => Value::List(items),
        other => other,
    }
}

/// A map setting as a nested block (a list of one map); lists and unknowns as they are.
fn block(v: Value) -> Value {
    match v {
        m @ Value::Map(_) => Value::List(vec![m]),
        other => other,
    }
}

/// An `aws_eks_node_group` for a managed group.
pub(super) fn managed(call: &Call<'_>, common: &Common, g: &Group<'_>, out: &mut Adapted) {
    let Ok(create_unknown) = created(&g.settings) else {
        return;
    };
    let s = &g.settings;
    let mut attributes = Map::new();
    let mut locations = Locations::new();
    attributes.insert("cluster_name", common.cluster_name.clone());

    let mut scaling = Map::new();
    let mut scaling_written = false;
    for (arg, default) in [
        ("min_size", g.sizes.min),
        ("max_size", g.sizes.max),
        ("desired_size", g.sizes.desired),
    ] {
        match s.get(arg) {
            Some(found) => {
                scaling_written = true;
                locations.insert(format!("scaling_config.{arg}"), found.at);
                scaling.insert(arg, found.value);
            }
            None => scaling.insert(arg, Value::Number(default)),
        }
    }
    if scaling_written {
        locations.insert("scaling_config".to_string(), g.location.clone());
    }
    attributes.insert("scaling_config", Value::List(vec![Value::Map(scaling)]));

    // No type anywhere: EKS launches t3.medium, which the fact reader assumes.
    put(
        &mut attributes,
        &mut locations,
        "instance_types",
        s.get("instance_types"),
        None,
    );
    put(
        &mut attributes,
        &mut locations,
        "capacity_type",
        s.get("capacity_type"),
        Some(Value::string("ON_DEMAND")),
    );
    // A custom AMI (`ami_id`) makes the module drop ami_type.
    let custom_ami =
        matches!(s.get("ami_id"), Some(Setting { value: Value::String(id), .. }) if !id.is_empty());
    if !custom_ami {
        put(
            &mut attributes,
            &mut locations,
            "ami_type",
            s.get("ami_type"),
            None,
        );
    }
    put(
        &mut attributes,
        &mut locations,
        "labels",
        s.get("labels"),
        None,
    );
    if let Some(t) = s.get("taints") {
        locations.insert("taint".to_string(), t.at);
        attributes.insert("taint", taint_blocks(t.value));
    }
    // The module's own launch template (the default) takes the disks from
    // block_device_mappings and drops disk_size; only without it does disk_size apply.
    if let Some(disk) = s.get("disk_size") {
        match s.flag("use_custom_launch_template", true) {
            Ok(false) => {
                locations.insert("disk_size".to_string(), disk.at);
                attributes.insert("disk_size", disk.value);
            }
            Ok(true) => out.notes.push(Note {
                location: Some(disk.at),
                message: format!(
                    "{}: disk_size is ignored while the module uses its own launch template \
                     (use_custom_launch_template defaults to true); set block_device_mappings, \
                     or use_custom_launch_template = false",
                    address(call, g)
                ),
            }),
            Err(u) => {
                locations.insert("disk_size".to_string(), disk.at);
                attributes.insert("disk_size", Value::Unknown(u));
            }
        }
    }
    // The group is named `NAME-<random>` unless use_name_prefix = false; then `NAME`,
    // which the node label eks.amazonaws.com/nodegroup carries for pods to select.
    match s.flag("use_name_prefix", true) {
        Ok(true) => {}
        Ok(false) => {
            if let Some(at) = s.get("use_name_prefix").map(|u| u.at) {
                locations.insert("node_group_name".to_string(), at);
            }
            attributes.insert("node_group_name", group_name(g));
        }
        Err(u) => attributes.insert("node_group_name", Value::Unknown(u)),
    }
    let name_tag = string_map(&[("Name", group_name(g))]);
    let (tags, tags_at) = group_tags(call, common, g, name_tag, out);
    if let Some(at) = tags_at {
        locations.insert("tags".to_string(), at);
    }
    attributes.insert("tags", tags);
    common.put_region(&mut attributes, &mut locations);

    let mut r = call.resource(
        "aws_eks_node_group",
        g.name,
        g.key,
        g.location.clone(),
        locations,
        attributes,
    );
    unknown_instances(&mut r, create_unknown);
    out.resources.push(r);
}

/// An `aws_autoscaling_group` for a self-managed group, and the launch template the
/// module creates for it (`create_launch_template`, true by default).
pub(super) fn self_managed(call: &Call<'_>, common: &Common, g: &Group<'_>, out: &mut Adapted) {
    let Ok(mut create_unknown) = created(&g.settings) else {
        return;
    };
    let s = &g.settings;
    match s.flag("create_autoscaling_group", true) {
        Ok(false) => return,
        Ok(true) => {}
        Err(u) => create_unknown = create_unknown.or(Some(u)),
    }
    let type_setting = s.get("instance_type");
    // An unknown create_launch_template still gets the template (the module's default),
    // but its type is unknown: it may come from an existing template instead.
    let (create_template, type_unknown) = match s.flag("create_launch_template", true) {
        Ok(b) => (b, None),
        Err(u) => (true, Some(u)),
    };
    let template_id = if create_template {
        let template = launch_template(call, common, g, type_unknown, out);
        out.resources.push(template);
        Value::Unknown(Unknown::referring_to(
            "the id of the launch template the module creates",
            g.template_address.as_str(),
        ))
    } else {
        s.value_or(
            "launch_template_id",
            Value::unknown(
                "create_launch_template = false and no launch_template_id: the group's \
                 launch template is not given",
            ),
        )
    };

    let mut attributes = Map::new();
    let mut locations = Locations::new();
    for (arg, input, default) in [
        ("min_size", "min_size", g.sizes.min),
        ("max_size", "max_size", g.sizes.max),
        ("desired_capacity", "desired_size", g.sizes.desired),
    ] {
        put(
            &mut attributes,
            &mut locations,
            arg,
            s.get(input),
            Some(Value::Number(default)),
        );
    }
    let type_at = type_setting.map(|t| t.at);
    match s.flag("use_mixed_instances_policy", false) {
        Ok(false) => {
            if let Some(at) = type_at {
                locations.insert("launch_template".to_string(), at);
            }
            attributes.insert(
                "launch_template",
                Value::List(vec![string_map(&[("id", template_id)])]),
            );
        }
        Ok(true) => {
            let policy = s.get("mixed_instances_policy");
            if let Some(at) = policy.as_ref().map(|p| p.at.clone()).or(type_at) {
                locations.insert("mixed_instances_policy".to_string(), at);
            }
            attributes.insert(
                "mixed_instances_policy",
                mixed_instances_policy(policy.map(|p| p.value), template_id),
            );
        }
        // Launch template or mixed policy, unknown: so is the type.
        Err(u) => {
            let unknown_type = string_map(&[("instance_type", Value::Unknown(u))]);
            let policy = string_map(&[("override", Value::List(vec![unknown_type]))]);
            attributes.insert(
                "mixed_instances_policy",
                mixed_instances_policy(Some(policy), template_id),
            );
        }
    }

    // Name and the cluster ownership tags, then merge(var.tags, group tags), all
    // propagated at launch; autoscaling_group_tags stay on the group.
    let (tags, tags_at) = group_tags(call, common, g, Value::Null, out);
    let mut blocks = vec![
        tag_block(Value::string("Name"), group_name(g), true),
        tag_block(
            prefixed("kubernetes.io/cluster/", &common.cluster_name),
            Value::string("owned"),
            true,
        ),
        tag_block(
            prefixed("k8s.io/cluster/", &common.cluster_name),
            Value::string("owned"),
            true,
        ),
    ];
    push_tag_blocks(&mut blocks, tags, true);
    if let Some(asg_tags) = s.get("autoscaling_group_tags") {
        push_tag_blocks(&mut blocks, asg_tags.value, false);
    }
    if let Some(at) = tags_at {
        locations.insert("tag".to_string(), at);
    }
    attributes.insert("tag", Value::List(blocks));
    common.put_region(&mut attributes, &mut locations);

    let mut r = call.resource(
        "aws_autoscaling_group",
        g.name,
        g.key,
        g.location.clone(),
        locations,
        attributes,
    );
    unknown_instances(&mut r, create_unknown);
    out.resources.push(r);
}

/// The module's `aws_launch_template` for a self-managed group: the instance type, the
/// market options and `var.tags`.
fn launch_template(
    call: &Call<'_>,
    common: &Common,
    g: &Group<'_>,
    type_unknown: Option<Unknown>,
    out: &mut Adapted,
) -> EvaluatedResource {
    let s = &g.settings;
    let mut attributes = Map::new();
    let mut locations = Locations::new();
    // The standalone submodule's default is "", which sets no type.
    let default_type = g.instance_type.map(Value::string);
    match s.get("instance_type") {
        _ if type_unknown.is_some() => {
            attributes.insert(
                "instance_type",
                type_unknown.map_or(Value::Null, Value::Unknown),
            );
        }
        Some(Setting {
            value: Value::String(t),
            ..
        }) if t.is_empty() => {}
        found => put(
            &mut attributes,
            &mut locations,
            "instance_type",
            found,
            default_type,
        ),
    }
    if let Some(m) = s.get("instance_market_options") {
        let empty =
            matches!(&m.value, Value::Map(map) if map.entries.is_empty() && map.more.is_none());
        if !empty {
            locations.insert("instance_market_options".to_string(), m.at);
            attributes.insert("instance_market_options", block(m.value));
        }
    }
    if let Some(at) = &common.tags_at {
        locations.insert("tags".to_string(), at.clone());
    }
    match merge(vec![common.tags.clone()]) {
        Ok(tags) => attributes.insert("tags", tags),
        Err(e) => out.errors.push(InputError::new(
            common
                .tags_at
                .clone()
                .unwrap_or_else(|| call.header.clone()),
            format!("the tags input of {} is not a map: {e}", call.address),
        )),
    }
    common.put_region(&mut attributes, &mut locations);
    let mut r = call.resource(
        "aws_launch_template",
        g.name,
        g.key,
        g.location.clone(),
        locations,
        attributes,
    );
    r.address = g.template_address.clone();
    // References follow the base address; one template per group, so it is the address.
    r.base_address = g.template_address.clone();
    r
}

/// The group's `mixed_instances_policy` setting as the autoscaling group's block: the
/// instances distribution and the overrides, launching from the group's template.
fn mixed_instances_policy(policy: Option<Value>, template_id: Value) -> Value {
    let policy = match policy {
        Some(Value::Unknown(u)) => return Value::Unknown(u),
        Some(Value::Map(m)) => m,
        _ => Map::new(),
    };
    let mut launch_template = Map::new();
    launch_template.insert(
        "launch_template_specification",
        Value::List(vec![string_map(&[("launch_template_id", template_id)])]),
    );
    if let Some(overrides) = policy.get("override") {
        launch_template.insert("override", overrides.clone());
    } else if let Some(u) = &policy.more {
        launch_template.insert("override", Value::Unknown(u.clone()));
    }
    let mut out = Map::new();
    out.insert(
        "launch_template",
        Value::List(vec![Value::Map(launch_template)]),
    );
    if let Some(d) = policy.get("instances_distribution") {
        out.insert("instances_distribution", block(d.clone()));
    }
    Value::List(vec![Value::Map(out)])
}

/// `prefix` + the cluster name, unknown when the name is.
fn prefixed(prefix: &str, name: &Value) -> Value {
    match name {
        Value::String(n) => Value::string(format!("{prefix}{n}")),
        Value::Unknown(u) => Value::Unknown(u.clone()),
        _ => Value::unknown("the cluster name is not set"),
    }
}

fn tag_block(key: Value, value: Value, propagate: bool) -> Value {
    string_map(&[
        ("key", key),
        ("value", value),
        ("propagate_at_launch", Value::Bool(propagate)),
    ])
}

/// One `tag` block per entry of a tag map; an unknown map (or one that may hold more
/// keys) adds an unknown block, so the tags read as open.
fn push_tag_blocks(blocks: &mut Vec<Value>, tags: Value, propagate: bool) {
    match tags {
        Value::Map(m) => {
            for (k, v) in m.entries {
                blocks.push(tag_block(Value::string(k), v, propagate));
            }
            if let Some(u) = m.more {
                blocks.push(Value::Unknown(u));
            }
        }
        Value::Unknown(u) => blocks.push(Value::Unknown(u)),
        _ => {}
    }
}

fn unknown_instances(r: &mut EvaluatedResource, why: Option<Unknown>) {
    if r.instances_unknown.is_none() {
        r.instances_unknown = why;
    }
}
