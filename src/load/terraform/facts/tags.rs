//! The tags (AWS, Azure) or labels (Google) a resource will carry: its own, merged over the
//! provider's `default_tags` / `default_labels` where the provider applies them, with
//! the resource's value winning, as the providers do.

use std::collections::BTreeMap;

use super::super::convert::to_string;
use super::super::instance::EvaluatedResource;
use super::{arg, blocks, Index};
use crate::model::{Fact, Location, Tags, Unknown, Value, GKE_CLUSTER_NOT_SEEN};

/// The argument holding the resource's own tags, and whether provider defaults apply.
fn tag_source(r: &EvaluatedResource) -> (&'static str, bool) {
    match (r.provider.name.as_str(), r.resource_type.as_str()) {
        // ASG tags are `tag` blocks; the AWS provider does not apply default_tags to them.
        ("aws", "aws_autoscaling_group") => ("tag", false),
        ("aws", _) => ("tags", true),
        ("google" | "google-beta", "google_container_cluster") => ("resource_labels", true),
        // Node VMs get node_config.resource_labels; default_labels apply to top-level labels only.
        ("google" | "google-beta", "google_container_node_pool") => {
            ("node_config.resource_labels", false)
        }
        ("google" | "google-beta", _) => ("labels", true),
        _ => ("tags", false),
    }
}

/// The merged tags and where the resource's own tags are written.
pub fn effective_tags(r: &EvaluatedResource, index: &Index<'_>) -> (Tags, Option<Location>) {
    let (source, defaults_apply) = tag_source(r);
    if r.resource_type == "google_container_node_pool" {
        return (
            node_pool_labels(r, index),
            r.argument_locations.get(source).cloned(),
        );
    }
    let defaults = if defaults_apply {
        match r.provider.name.as_str() {
            "aws" => r.provider.default_tags.as_ref(),
            _ => r.provider.default_labels.as_ref(),
        }
    } else {
        None
    };
    let mut tags = Tags::default();
    if let Some(d) = defaults {
        apply(&mut tags, d);
    }
    if source == "tag" {
        apply_tag_blocks(&mut tags, r);
    } else if let Some(own) = arg(&r.attributes, source) {
        apply(&mut tags, own);
    }
    let location = r.argument_locations.get(source).cloned();
    (tags, location)
}

/// GKE puts a cluster's resource labels on the VMs of every node pool (see docs/policies.md,
/// "GKE node pools"); a pool's own `node_config.resource_labels` win for a key both set.
/// With the cluster outside the configuration, the VMs may carry labels not seen here.
fn node_pool_labels(r: &EvaluatedResource, index: &Index<'_>) -> Tags {
    let mut tags = Tags::default();
    match gke_cluster(r, index) {
        Some(cluster) => {
            let (own, _) = effective_tags(cluster, index);
            tags = own;
        }
        None => {
            tags.more = Some(Unknown::new(GKE_CLUSTER_NOT_SEEN));
        }
    }
    if let Some(own) = arg(&r.attributes, "node_config.resource_labels") {
        apply(&mut tags, own);
    }
    tags
}

/// The `google_container_cluster` of the same root a node pool's `cluster` names: by
/// reference (`google_container_cluster.ml.id`), else by its configured name. A pool of
/// the GKE registry module (`module.gke.node_pools["x"]`) is the module's cluster's
/// (`module.gke.cluster`).
fn gke_cluster<'a>(r: &EvaluatedResource, index: &Index<'a>) -> Option<&'a EvaluatedResource> {
    let gke = |c: &&EvaluatedResource| c.resource_type == "google_container_cluster";
    if let Some(call) = r.base_address.strip_suffix(".node_pools") {
        if let Some(c) = index.at(r, &format!("{call}.cluster")).filter(gke) {
            return Some(c);
        }
    }
    let value = arg(&r.attributes, "cluster")?;
    if let Some(c) = index.referenced(r, value) {
        return Some(c).filter(gke);
    }
    // `projects/P/locations/L/clusters/NAME` or `NAME`.
    let text = value.as_str()?;
    let name = text.rsplit('/').next().unwrap_or(text);
    index.only_of_type(r, "google_container_cluster", |c| {
        arg(&c.attributes, "name").and_then(Value::as_str) == Some(name)
    })
}

/// Merges a map value over `tags`: its keys win; an unknown map may override every key.
fn apply(tags: &mut Tags, value: &Value) {
    match value {
        Value::Map(m) => {
            if let Some(u) = &m.more {
                override_all(tags, u);
            }
            for (k, v) in &m.entries {
                if let Some(fact) = tag_value(v) {
                    tags.entries.insert(k.clone(), fact);
                }
            }
        }
        Value::Unknown(u) => override_all(tags, u),
        // null or a non-map: nothing to merge (a wrong type is Terraform's error to report).
        _ => {}
    }
}

/// An unknown map merged on top: known keys stay present, their values may change, and
/// more keys may appear.
fn override_all(tags: &mut Tags, u: &Unknown) {
    for v in tags.entries.values_mut() {
        *v = Fact::Unknown(u.clone());
    }
    if tags.more.is_none() {
        tags.more = Some(u.clone());
    }
}

fn tag_value(v: &Value) -> Option<Fact<String>> {
    match v {
        Value::Null => None,
        Value::Unknown(u) => Some(Fact::Unknown(u.clone())),
        other => Some(match to_string(other) {
            Ok(Some(s)) => Fact::Known(s),
            _ => Fact::Unknown(Unknown::new("the tag value is not a string")),
        }),
    }
}

/// `tag { key = "team" value = "ml" }` blocks of an autoscaling group.
fn apply_tag_blocks(tags: &mut Tags, r: &EvaluatedResource) {
    let mut found: BTreeMap<String, Fact<String>> = BTreeMap::new();
    for block in blocks(&r.attributes, "tag") {
        match block {
            Value::Map(m) => match m.entries.get("key") {
                Some(Value::String(k)) => {
                    if let Some(v) = m.entries.get("value").and_then(tag_value) {
                        found.insert(k.clone(), v);
                    }
                }
                Some(Value::Unknown(u)) => override_all(tags, u),
                _ => {}
            },
            Value::Unknown(u) => override_all(tags, u),
            _ => {}
        }
    }
    tags.entries.extend(found);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Map;

    fn map(pairs: &[(&str, Value)]) -> Value {
        let mut m = Map::new();
        for (k, v) in pairs {
            m.insert(*k, v.clone());
        }
        Value::Map(m)
    }

    #[test]
    fn unknown_maps_keep_known_keys_present_but_open() {
        let mut tags = Tags::default();
        apply(&mut tags, &map(&[("team", Value::string("ml"))]));
        apply(&mut tags, &Value::unknown("var.tags has no default"));
        assert_eq!(tags.entries.keys().collect::<Vec<_>>(), vec!["team"]);
        assert!(tags.entries["team"].unknown().is_some());
        assert_eq!(
            tags.more.as_ref().map(|u| u.origin.as_ref()),
            Some("var.tags has no default")
        );
    }

    #[test]
    fn later_maps_win_and_nulls_are_dropped() {
        let mut tags = Tags::default();
        apply(
            &mut tags,
            &map(&[("team", Value::string("a")), ("x", Value::string("1"))]),
        );
        apply(
            &mut tags,
            &map(&[("team", Value::string("b")), ("x", Value::Null)]),
        );
        assert_eq!(tags.entries["team"], Fact::Known("b".into()));
        assert_eq!(tags.entries["x"], Fact::Known("1".into()));
        assert!(tags.is_complete());
    }
}
