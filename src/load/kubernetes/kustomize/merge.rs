//! Strategic merge patches, as kustomize applies them (its `merge2` package): maps merge
//! key by key, a `null` value deletes a key, `$patch: delete` deletes the map (or the
//! whole resource, at the top) and `$patch: replace` replaces it, scalars are replaced.
//! Lists are replaced, except the lists Kubernetes' schema merges by a key in the
//! built-in kinds that hold pods: containers (by `name`), their `env`, `ports`,
//! `volumeMounts`, and the pod's `volumes`, `tolerations` being replaced as Kubernetes
//! declares. Merged lists keep kustomize's order: the patch's items first, then the
//! resource's other items.
//!
//! Custom resources have no schema here (kustomize has none either, unless given one with
//! `openapi:`), so their lists are replaced by the patch's.

use std::collections::{HashMap, HashSet};

use super::super::yaml::{Node, NodeValue, Span};

/// What the patch did to the node it was merged into.
#[derive(Debug, PartialEq, Eq)]
pub enum Merged {
    Keep,
    /// `$patch: delete`: the node (the resource, at the top) is removed.
    Delete,
}

/// A patch kustomize would refuse, at the patch's node.
#[derive(Debug, PartialEq, Eq)]
pub struct MergeError {
    pub span: Span,
    pub message: String,
}

const DIRECTIVE: &str = "$patch";

/// Merges `patch` into the resource `dest`. Identity fields (`apiVersion`, `kind`,
/// `metadata.name`, `metadata.namespace`) are the caller's to restore.
pub fn merge_resource(dest: &mut Node, patch: &Node) -> Result<Merged, MergeError> {
    let schema = Schema::of(dest);
    let mut path = Vec::new();
    merge_map(dest, patch, &mut path, &schema)
}

/// Where the lists that merge by key are, for the kind being patched.
struct Schema {
    /// Map keys from the root to the pod spec, for built-in kinds that hold pods.
    pod_spec: Option<&'static [&'static str]>,
}

impl Schema {
    fn of(resource: &Node) -> Schema {
        let api_version = resource
            .get("apiVersion")
            .and_then(Node::as_str)
            .unwrap_or("");
        let group = api_version.split_once('/').map_or("", |(g, _)| g.trim());
        let kind = resource
            .get("kind")
            .and_then(Node::as_str)
            .unwrap_or("")
            .trim();
        const TEMPLATE: &[&str] = &["spec", "template", "spec"];
        let pod_spec: Option<&'static [&'static str]> = match (group, kind) {
            ("", "Pod") => Some(&["spec"]),
            ("", "PodTemplate") => Some(&["template", "spec"]),
            ("", "ReplicationController") => Some(TEMPLATE),
            ("apps" | "extensions", "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet") => {
                Some(TEMPLATE)
            }
            ("batch", "Job") => Some(TEMPLATE),
            ("batch", "CronJob") => Some(&["spec", "jobTemplate", "spec", "template", "spec"]),
            _ => None,
        };
        Schema { pod_spec }
    }

    /// The key a list at `path` (map keys from the root) merges by, if it merges.
    fn merge_key(&self, path: &[String]) -> Option<&'static str> {
        let pod = self.pod_spec?;
        let rest = path.get(pod.len()..)?;
        if !path.iter().zip(pod).all(|(a, b)| a == b) {
            return None;
        }
        const CONTAINERS: [&str; 3] = ["containers", "initContainers", "ephemeralContainers"];
        match rest {
            [list] => match list.as_str() {
                "containers"
                | "initContainers"
                | "ephemeralContainers"
                | "volumes"
                | "imagePullSecrets"
                | "resourceClaims"
                | "schedulingGates" => Some("name"),
                "hostAliases" => Some("ip"),
                "topologySpreadConstraints" => Some("topologyKey"),
                _ => None,
            },
            [containers, list] if CONTAINERS.contains(&containers.as_str()) => {
                match list.as_str() {
                    "env" => Some("name"),
                    "ports" => Some("containerPort"),
                    "volumeMounts" => Some("mountPath"),
                    "volumeDevices" => Some("devicePath"),
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

fn directive(node: &Node) -> Option<&str> {
    node.get(DIRECTIVE).and_then(Node::as_str).map(str::trim)
}

fn merge_map(
    dest: &mut Node,
    patch: &Node,
    path: &mut Vec<String>,
    schema: &Schema,
) -> Result<Merged, MergeError> {
    match directive(patch) {
        Some("delete") => return Ok(Merged::Delete),
        Some("replace") => {
            *dest = clean(patch).unwrap_or(Node {
                value: NodeValue::Null,
                span: patch.span,
            });
            return Ok(Merged::Keep);
        }
        Some("merge") | None => {}
        Some(other) => {
            return Err(MergeError {
                span: patch.get(DIRECTIVE).map_or(patch.span, |n| n.span),
                message: format!(
                    "unknown patch strategy `$patch: {other}` (delete, replace or merge)"
                ),
            })
        }
    }
    if !matches!(dest.value, NodeValue::Map(_)) {
        return Ok(match clean(patch) {
            Some(node) => {
                *dest = node;
                Merged::Keep
            }
            None => Merged::Delete,
        });
    }
    for (key, value) in patch.entries() {
        if key.starts_with('$') {
            continue;
        }
        let NodeValue::Map(entries) = &mut dest.value else {
            break;
        };
        let position = entries.iter().position(|(k, _)| k == key);
        if value.value == NodeValue::Null {
            if let Some(i) = position {
                entries.remove(i);
            }
            continue;
        }
        let Some(i) = position else {
            if let Some(node) = clean(value) {
                entries.push((key.clone(), node));
            }
            continue;
        };
        let Some((_, existing)) = entries.get_mut(i) else {
            continue;
        };
        path.push(key.clone());
        let merged = merge_value(existing, value, path, schema);
        path.pop();
        if merged? == Merged::Delete {
            entries.remove(i);
        }
    }
    Ok(Merged::Keep)
}

fn merge_value(
    dest: &mut Node,
    patch: &Node,
    path: &mut Vec<String>,
    schema: &Schema,
) -> Result<Merged, MergeError> {
    let mismatch = |what: &str, was: &str| MergeError {
        span: patch.span,
        message: format!(
            "the patch gives {what} for `{}` where the resource has {was}",
            path.join(".")
        ),
    };
    match (&dest.value, &patch.value) {
        (NodeValue::Null, _) => Ok(match clean(patch) {
            Some(node) => {
                *dest = node;
                Merged::Keep
            }
            None => Merged::Delete,
        }),
        (NodeValue::Map(_), NodeValue::Map(_)) => merge_map(dest, patch, path, schema),
        (NodeValue::Seq(_), NodeValue::Seq(_)) => merge_list(dest, patch, path, schema),
        (NodeValue::Map(_), _) => Err(mismatch(kind_of(patch), "a map")),
        (NodeValue::Seq(_), _) => Err(mismatch(kind_of(patch), "a list")),
        (NodeValue::Scalar { .. }, NodeValue::Scalar { .. }) => {
            *dest = patch.clone();
            Ok(Merged::Keep)
        }
        (NodeValue::Scalar { .. }, _) => Err(mismatch(kind_of(patch), "a single value")),
    }
}

fn kind_of(node: &Node) -> &'static str {
    match node.value {
        NodeValue::Map(_) => "a map",
        NodeValue::Seq(_) => "a list",
        _ => "a single value",
    }
}

fn merge_list(
    dest: &mut Node,
    patch: &Node,
    path: &mut Vec<String>,
    schema: &Schema,
) -> Result<Merged, MergeError> {
    let Some(key) = schema.merge_key(path) else {
        // Not merged by key: the patch's list replaces the resource's.
        if let Some(node) = clean(patch) {
            *dest = node;
        }
        return Ok(Merged::Keep);
    };
    let items = patch.items();
    let list_directive = items
        .iter()
        .find_map(|i| (i.entries().len() == 1).then(|| directive(i)).flatten());
    match list_directive {
        Some("delete") => return Ok(Merged::Delete),
        Some("replace") => {
            let kept: Vec<Node> = items
                .iter()
                .filter(|i| !(i.entries().len() == 1 && directive(i).is_some()))
                .filter_map(clean)
                .collect();
            dest.value = NodeValue::Seq(kept);
            return Ok(Merged::Keep);
        }
        _ => {}
    }
    let NodeValue::Seq(existing) = &mut dest.value else {
        return Ok(Merged::Keep);
    };
    let key_of = |n: &Node| n.get(key).and_then(Node::as_str).map(str::to_string);
    let mut by_key: HashMap<String, usize> = HashMap::new();
    for (i, item) in existing.iter().enumerate() {
        if let Some(k) = key_of(item) {
            by_key.entry(k).or_insert(i);
        }
    }
    let mut used: HashSet<usize> = HashSet::new();
    let mut result = Vec::new();
    for item in items {
        if item.entries().len() == 1 && directive(item).is_some() {
            continue;
        }
        let found = key_of(item).and_then(|k| by_key.get(&k).copied());
        if let Some(i) = found {
            used.insert(i);
        }
        if directive(item) == Some("delete") {
            continue;
        }
        match found.and_then(|i| existing.get(i)) {
            Some(old) => {
                let mut merged = old.clone();
                if merge_map(&mut merged, item, path, schema)? == Merged::Keep {
                    result.push(merged);
                }
            }
            None => result.extend(clean(item)),
        }
    }
    for (i, item) in existing.iter().enumerate() {
        if !used.contains(&i) {
            result.push(item.clone());
        }
    }
    *existing = result;
    Ok(Merged::Keep)
}

/// The patch's node as it is added where the resource has nothing: directives removed,
/// `None` for a map that deletes itself.
fn clean(node: &Node) -> Option<Node> {
    match &node.value {
        NodeValue::Map(entries) => {
            if directive(node) == Some("delete") {
                return None;
            }
            let kept = entries
                .iter()
                .filter(|(k, _)| !k.starts_with('$'))
                .filter_map(|(k, v)| clean(v).map(|v| (k.clone(), v)))
                .collect();
            Some(Node {
                value: NodeValue::Map(kept),
                span: node.span,
            })
        }
        NodeValue::Seq(items) => Some(Node {
            value: NodeValue::Seq(
                items
                    .iter()
                    .filter(|i| !(i.entries().len() == 1 && directive(i).is_some()))
                    .filter_map(clean)
                    .collect(),
            ),
            span: node.span,
        }),
        _ => Some(node.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::kubernetes::yaml::parse_stream;

    fn node(text: &str) -> Node {
        parse_stream(text, &Default::default())
            .remove(0)
            .unwrap()
            .root
    }

    /// The tree without spans, as nested text, to compare shapes.
    fn shape(n: &Node) -> String {
        match &n.value {
            NodeValue::Null => "~".into(),
            NodeValue::Scalar { text, .. } => text.clone(),
            NodeValue::Seq(items) => {
                format!(
                    "[{}]",
                    items.iter().map(shape).collect::<Vec<_>>().join(", ")
                )
            }
            NodeValue::Map(entries) => format!(
                "{{{}}}",
                entries
                    .iter()
                    .map(|(k, v)| format!("{k}: {}", shape(v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    fn merged(dest: &str, patch: &str) -> String {
        let mut d = node(dest);
        assert_eq!(merge_resource(&mut d, &node(patch)), Ok(Merged::Keep));
        shape(&d)
    }

    const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: 1\n  template:\n    spec:\n      nodeSelector: {pool: a}\n      tolerations: [{key: x}]\n      containers:\n      - name: main\n        resources: {requests: {cpu: '1', memory: 2Gi}}\n      - name: sidecar\n        env: [{name: A, value: '1'}, {name: B, value: '2'}]\n";

    #[test]
    fn containers_merge_by_name_and_other_lists_are_replaced() {
        let out = merged(
            DEPLOYMENT,
            "kind: Deployment\nspec:\n  replicas: 3\n  template:\n    spec:\n      nodeSelector: {gpu: l4}\n      tolerations: [{key: y}]\n      containers:\n      - name: sidecar\n        env: [{name: B, value: '3'}]\n      - name: main\n        resources: {requests: {nvidia.com/gpu: '1', memory: null}}\n",
        );
        assert_eq!(
            out,
            "{apiVersion: apps/v1, kind: Deployment, spec: {replicas: 3, template: {spec: {nodeSelector: {pool: a, gpu: l4}, tolerations: [{key: y}], containers: [{name: sidecar, env: [{name: B, value: 3}, {name: A, value: 1}]}, {name: main, resources: {requests: {cpu: 1, nvidia.com/gpu: 1}}}]}}}}"
        );
    }

    #[test]
    fn delete_and_replace_directives() {
        let out = merged(
            DEPLOYMENT,
            "spec:\n  template:\n    spec:\n      nodeSelector: {$patch: replace, gpu: h100}\n      containers:\n      - {name: sidecar, $patch: delete}\n",
        );
        assert_eq!(
            out,
            "{apiVersion: apps/v1, kind: Deployment, spec: {replicas: 1, template: {spec: {nodeSelector: {gpu: h100}, tolerations: [{key: x}], containers: [{name: main, resources: {requests: {cpu: 1, memory: 2Gi}}}]}}}}"
        );
        let mut d = node(DEPLOYMENT);
        assert_eq!(
            merge_resource(&mut d, &node("$patch: delete\nkind: Deployment\n")),
            Ok(Merged::Delete)
        );
        let out = merged(
            DEPLOYMENT,
            "spec:\n  template:\n    spec:\n      containers:\n      - $patch: replace\n      - name: only\n",
        );
        assert!(out.contains("containers: [{name: only}]"), "{out}");
    }

    #[test]
    fn custom_resources_replace_lists_and_mismatched_shapes_are_errors() {
        let out = merged(
            "apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nspec:\n  predictor:\n    containers: [{name: a, image: x}, {name: b}]\n",
            "spec:\n  predictor:\n    containers: [{name: a, args: [--gpu]}]\n",
        );
        assert!(
            out.contains("containers: [{name: a, args: [--gpu]}]"),
            "{out}"
        );
        let mut d = node(DEPLOYMENT);
        let err = merge_resource(&mut d, &node("spec:\n  replicas: {a: 1}\n")).unwrap_err();
        assert_eq!(
            err.message,
            "the patch gives a map for `spec.replicas` where the resource has a single value"
        );
        let err = merge_resource(&mut d, &node("spec:\n  $patch: keep\n")).unwrap_err();
        assert!(err.message.starts_with("unknown patch strategy"), "{err:?}");
    }
}
