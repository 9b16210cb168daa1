//! The built-in transformers that change what is priced: `namespace`, `namePrefix` /
//! `nameSuffix`, labels and annotations on `metadata`, `replicas`, and the name
//! references kustomize fixes afterwards (an autoscaler's `scaleTargetRef.name` follows
//! its renamed target). Values taken from a kustomization keep that file's (virtual) span,
//! so a finding about them points at the kustomization's line.

use super::super::yaml::{Node, NodeValue};
use super::resmap::{is_cluster_scoped, Res};

/// Kinds a name prefix or suffix leaves alone (kustomize's list).
const NOT_RENAMED: &[&str] = &["CustomResourceDefinition", "APIService", "Namespace"];

/// Kinds the `replicas` field sets `spec.replicas` of.
pub const REPLICATED: &[&str] = &[
    "Deployment",
    "ReplicationController",
    "ReplicaSet",
    "StatefulSet",
];

/// Kinds an autoscaler's `scaleTargetRef.name` is kept pointing at when they are renamed.
const SCALED: &[&str] = REPLICATED;

/// The map under `key` of `node`, created (with `span_from`'s span) when missing or null.
fn child_map<'a>(node: &'a mut Node, key: &str, span_from: &Node) -> Option<&'a mut Node> {
    let NodeValue::Map(entries) = &mut node.value else {
        return None;
    };
    let i = match entries.iter().position(|(k, _)| k == key) {
        Some(i) => i,
        None => {
            entries.push((
                key.to_string(),
                Node {
                    value: NodeValue::Map(Vec::new()),
                    span: span_from.span,
                },
            ));
            entries.len() - 1
        }
    };
    let (_, child) = entries.get_mut(i)?;
    if child.value == NodeValue::Null {
        *child = Node {
            value: NodeValue::Map(Vec::new()),
            span: span_from.span,
        };
    }
    matches!(child.value, NodeValue::Map(_)).then_some(child)
}

/// Sets `key` of a map node to `value`.
fn set(map: &mut Node, key: &str, value: Node) {
    if let NodeValue::Map(entries) = &mut map.value {
        match entries.iter_mut().find(|(k, _)| k == key) {
            Some((_, v)) => *v = value,
            None => entries.push((key.to_string(), value)),
        }
    }
}

/// `namespace:` on every namespaced resource.
pub fn namespace(resources: &mut [Res], value: &Node) {
    for res in resources {
        if is_cluster_scoped(&res.kind()) {
            continue;
        }
        res.store_previous();
        if let Some(metadata) = child_map(&mut res.root, "metadata", value) {
            set(metadata, "namespace", value.clone());
        }
    }
}

/// `namePrefix:` and `nameSuffix:`.
pub fn rename(resources: &mut [Res], prefix: &str, suffix: &str) {
    for res in resources {
        if NOT_RENAMED.contains(&res.kind().as_str()) {
            continue;
        }
        let Some(name) = res
            .root
            .get("metadata")
            .and_then(|m| m.get("name"))
            .and_then(Node::as_str)
            .map(str::to_string)
        else {
            continue;
        };
        res.store_previous();
        if let Some(node) = res
            .root
            .get_mut_path(&["metadata", "name"])
            .filter(|n| matches!(n.value, NodeValue::Scalar { .. }))
        {
            node.value = NodeValue::Scalar {
                text: format!("{prefix}{name}{suffix}"),
                plain: false,
            };
        }
    }
}

/// `key: value` pairs added to `metadata.<field>` (`labels`, `annotations`) of every
/// resource; the kustomization's value wins.
pub fn metadata_pairs(resources: &mut [Res], field: &str, pairs: &[(String, Node)]) {
    let Some((_, first)) = pairs.first() else {
        return;
    };
    for res in resources {
        let Some(metadata) = child_map(&mut res.root, "metadata", first) else {
            continue;
        };
        let Some(map) = child_map(metadata, field, first) else {
            continue;
        };
        for (k, v) in pairs {
            set(map, k, v.clone());
        }
    }
}

/// `replicas:` — sets `spec.replicas` of the resources of a replicated kind named `name`
/// (now or before a prefix); `false` when there is none, which kustomize refuses.
pub fn replicas(resources: &mut [Res], name: &str, count: &Node) -> bool {
    let mut found = false;
    for res in resources {
        if !REPLICATED.contains(&res.kind().as_str()) || !res.ids().iter().any(|id| id.name == name)
        {
            continue;
        }
        found = true;
        if let Some(spec) = child_map(&mut res.root, "spec", count) {
            set(spec, "replicas", count.clone());
        }
    }
    found
}

/// Points each HorizontalPodAutoscaler's `scaleTargetRef.name` at its target's current
/// name, when the target was renamed (kustomize's name-reference fix). The target is the
/// one resource of that kind in the autoscaler's namespace that had that name.
pub fn fix_scale_targets(resources: &mut [Res]) {
    let targets: Vec<(String, String, Vec<String>, String)> = resources
        .iter()
        .filter(|r| SCALED.contains(&r.kind().as_str()))
        .map(|r| {
            let id = r.id();
            let names = r.ids().into_iter().map(|i| i.name).collect();
            (id.kind, id.namespace, names, id.name)
        })
        .collect();
    for res in resources.iter_mut() {
        if res.kind() != "HorizontalPodAutoscaler" {
            continue;
        }
        let namespace = res.id().namespace;
        let Some(target) = res.root.get_mut_path(&["spec", "scaleTargetRef"]) else {
            continue;
        };
        let kind = target
            .get("kind")
            .and_then(Node::as_str)
            .unwrap_or("")
            .trim()
            .to_string();
        let Some(old) = target
            .get("name")
            .and_then(Node::as_str)
            .map(|n| n.trim().to_string())
        else {
            continue;
        };
        let mut candidates = targets
            .iter()
            .filter(|(k, ns, names, _)| *k == kind && *ns == namespace && names.contains(&old));
        let (Some((_, _, _, current)), None) = (candidates.next(), candidates.next()) else {
            continue;
        };
        if *current == old {
            continue;
        }
        if let Some(NodeValue::Scalar { text, .. }) =
            target.get_mut_path(&["name"]).map(|n| &mut n.value)
        {
            *text = current.clone();
        }
    }
}

trait PathMut {
    fn get_mut_path(&mut self, path: &[&str]) -> Option<&mut Node>;
}

impl PathMut for Node {
    fn get_mut_path(&mut self, path: &[&str]) -> Option<&mut Node> {
        path.iter().try_fold(self, |n, key| match &mut n.value {
            NodeValue::Map(entries) => entries
                .iter_mut()
                .rev()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v),
            _ => None,
        })
    }
}
