//! The resources a kustomization accumulates, with the identities kustomize matches them
//! by: the current one (group, version, kind, name, namespace) and every earlier one
//! (before a name prefix or a namespace was applied), so an overlay's patch may name a
//! resource as its base wrote it. Also patch targets (`target:` selectors).

use std::sync::Arc;

use regex::Regex;

use super::super::yaml::{Node, NodeValue, Span};
use super::file::TargetSpec;
use crate::load::source::SourceFile;

/// The namespace of a namespaced resource that names none.
pub const DEFAULT_NAMESPACE: &str = "default";

/// Built-in kinds that are not namespaced: a namespace transformer leaves them alone and
/// their identity has no namespace. Custom resources are namespaced as far as kustomize
/// knows, unless a CRD schema says otherwise (not read).
const CLUSTER_SCOPED: &[&str] = &[
    "APIService",
    "CSIDriver",
    "CSINode",
    "CertificateSigningRequest",
    "ClusterRole",
    "ClusterRoleBinding",
    "ComponentStatus",
    "CustomResourceDefinition",
    "FlowSchema",
    "IngressClass",
    "MutatingWebhookConfiguration",
    "Namespace",
    "Node",
    "PersistentVolume",
    "PodSecurityPolicy",
    "PriorityClass",
    "PriorityLevelConfiguration",
    "RuntimeClass",
    "StorageClass",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "ValidatingWebhookConfiguration",
    "VolumeAttachment",
];

/// Whether `kind` is a built-in cluster-scoped kind.
pub fn is_cluster_scoped(kind: &str) -> bool {
    CLUSTER_SCOPED.contains(&kind)
}

/// A resource's identity as kustomize compares it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ResId {
    pub group: String,
    pub version: String,
    pub kind: String,
    pub name: String,
    /// The effective namespace: `default` when none is written, empty when cluster-scoped.
    pub namespace: String,
}

impl ResId {
    /// The identity a document names.
    pub fn of(node: &Node) -> ResId {
        let text = |n: Option<&Node>| n.and_then(Node::as_str).map_or("", str::trim).to_string();
        let api_version = text(node.get("apiVersion"));
        let (group, version) = match api_version.split_once('/') {
            Some((g, v)) => (g.to_string(), v.to_string()),
            None => (String::new(), api_version),
        };
        let kind = text(node.get("kind"));
        let metadata = node.get("metadata");
        let name = text(metadata.and_then(|m| m.get("name")));
        let namespace = if is_cluster_scoped(&kind) {
            String::new()
        } else {
            Some(text(metadata.and_then(|m| m.get("namespace"))))
                .filter(|ns| !ns.is_empty())
                .unwrap_or_else(|| DEFAULT_NAMESPACE.to_string())
        };
        ResId {
            group,
            version,
            kind,
            name,
            namespace,
        }
    }
}

impl std::fmt::Display for ResId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let api = if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        };
        if self.namespace.is_empty() {
            write!(f, "{} {} ({api})", self.kind, self.name)
        } else {
            write!(f, "{} {}/{} ({api})", self.kind, self.namespace, self.name)
        }
    }
}

/// One resource being built: its tree (nodes from its own file keep their offsets, nodes
/// merged in from elsewhere have virtual ones) and its earlier identities.
#[derive(Clone, Debug)]
pub struct Res {
    pub root: Node,
    /// The file the document is in, and where: the resource's location.
    pub file: Arc<SourceFile>,
    pub doc_span: Span,
    /// Identities before the current one, oldest first.
    pub previous: Vec<ResId>,
}

impl Res {
    pub fn id(&self) -> ResId {
        ResId::of(&self.root)
    }

    /// The identity it was first read with.
    pub fn original_id(&self) -> ResId {
        self.previous.first().cloned().unwrap_or_else(|| self.id())
    }

    /// Every identity it has had, the current one last.
    pub fn ids(&self) -> Vec<ResId> {
        let mut ids = self.previous.clone();
        ids.push(self.id());
        ids
    }

    /// Remembers the current identity before a transformation changes it.
    pub fn store_previous(&mut self) {
        let id = self.id();
        if self.previous.last() != Some(&id) {
            self.previous.push(id);
        }
    }

    pub fn kind(&self) -> String {
        self.root
            .get("kind")
            .and_then(Node::as_str)
            .map_or_else(String::new, |k| k.trim().to_string())
    }

    /// `metadata.<key>` as a map of strings (labels, annotations).
    pub fn metadata_map(&self, key: &str) -> Vec<(String, String)> {
        self.root
            .get("metadata")
            .and_then(|m| m.get(key))
            .map(|m| {
                m.entries()
                    .iter()
                    .filter_map(|(k, v)| match &v.value {
                        NodeValue::Scalar { text, .. } => Some((k.clone(), text.clone())),
                        NodeValue::Null => Some((k.clone(), String::new())),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// A compiled `target:`.
pub struct Selector {
    group: Option<Regex>,
    version: Option<Regex>,
    kind: Option<Regex>,
    name: Option<Regex>,
    namespace: Option<Regex>,
    labels: Option<LabelSelector>,
    annotations: Option<LabelSelector>,
}

/// Compiled regular expressions are bounded in size, so a hostile pattern is refused
/// rather than compiled without end.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

impl Selector {
    /// Compiles a target; an invalid expression or selector is an error message.
    pub fn new(spec: &TargetSpec) -> Result<Selector, String> {
        let re = |field: &str, pattern: &Option<String>| -> Result<Option<Regex>, String> {
            pattern
                .as_ref()
                .map(|p| {
                    regex::RegexBuilder::new(&format!("^(?:{p})$"))
                        .size_limit(REGEX_SIZE_LIMIT)
                        .build()
                        .map_err(|_| {
                            format!("the target's `{field}` is not a valid regular expression")
                        })
                })
                .transpose()
        };
        Ok(Selector {
            group: re("group", &spec.group)?,
            version: re("version", &spec.version)?,
            kind: re("kind", &spec.kind)?,
            name: re("name", &spec.name)?,
            namespace: re("namespace", &spec.namespace)?,
            labels: spec
                .label_selector
                .as_deref()
                .map(|s| LabelSelector::parse(s).map_err(|e| format!("labelSelector: {e}")))
                .transpose()?,
            annotations: spec
                .annotation_selector
                .as_deref()
                .map(|s| LabelSelector::parse(s).map_err(|e| format!("annotationSelector: {e}")))
                .transpose()?,
        })
    }

    /// Whether `res` is selected: group, version and kind as it is now; name and namespace
    /// as it was first read or as it is now (kustomize's rule).
    pub fn matches(&self, res: &Res) -> bool {
        let cur = res.id();
        let org = res.original_id();
        let ok = |re: &Option<Regex>, text: &str| re.as_ref().is_none_or(|r| r.is_match(text));
        ok(&self.group, &cur.group)
            && ok(&self.version, &cur.version)
            && ok(&self.kind, &cur.kind)
            && (ok(&self.name, &org.name) || ok(&self.name, &cur.name))
            && (ok(&self.namespace, &org.namespace) || ok(&self.namespace, &cur.namespace))
            && self
                .labels
                .as_ref()
                .is_none_or(|s| s.matches(&res.metadata_map("labels")))
            && self
                .annotations
                .as_ref()
                .is_none_or(|s| s.matches(&res.metadata_map("annotations")))
    }
}

/// A Kubernetes label selector: `app=web,tier!=cache`, `env in (dev, prod)`, `!legacy`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelSelector {
    requirements: Vec<Requirement>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Requirement {
    Exists(String),
    Absent(String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
}

impl LabelSelector {
    pub fn parse(text: &str) -> Result<LabelSelector, String> {
        let mut requirements = Vec::new();
        for part in split_top_level(text) {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            requirements.push(requirement(part)?);
        }
        Ok(LabelSelector { requirements })
    }

    pub fn matches(&self, labels: &[(String, String)]) -> bool {
        let get = |k: &str| labels.iter().find(|(key, _)| key == k).map(|(_, v)| v);
        self.requirements.iter().all(|r| match r {
            Requirement::Exists(k) => get(k).is_some(),
            Requirement::Absent(k) => get(k).is_none(),
            Requirement::In(k, values) => get(k).is_some_and(|v| values.contains(v)),
            Requirement::NotIn(k, values) => get(k).is_none_or(|v| !values.contains(v)),
        })
    }
}

/// Splits at commas outside parentheses.
fn split_top_level(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                parts.push(text.get(start..i).unwrap_or(""));
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(text.get(start..).unwrap_or(""));
    parts
}

fn requirement(part: &str) -> Result<Requirement, String> {
    let bad = || format!("`{part}` is not a label requirement");
    if let Some(key) = part.strip_prefix('!') {
        return Ok(Requirement::Absent(valid_key(key.trim()).ok_or_else(bad)?));
    }
    if let Some((key, value)) = part.split_once("!=") {
        return Ok(Requirement::NotIn(
            valid_key(key.trim()).ok_or_else(bad)?,
            vec![value.trim().to_string()],
        ));
    }
    if let Some((key, value)) = part.split_once("==").or_else(|| part.split_once('=')) {
        return Ok(Requirement::In(
            valid_key(key.trim()).ok_or_else(bad)?,
            vec![value.trim().to_string()],
        ));
    }
    let words: Vec<&str> = part.splitn(2, char::is_whitespace).collect();
    if let [key, rest] = words.as_slice() {
        let rest = rest.trim();
        let (negated, list) = if let Some(l) = rest.strip_prefix("notin") {
            (true, l)
        } else if let Some(l) = rest.strip_prefix("in") {
            (false, l)
        } else {
            return Err(bad());
        };
        let values: Vec<String> = list
            .trim()
            .strip_prefix('(')
            .and_then(|l| l.strip_suffix(')'))
            .ok_or_else(bad)?
            .split(',')
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .collect();
        let key = valid_key(key).ok_or_else(bad)?;
        return Ok(if negated {
            Requirement::NotIn(key, values)
        } else {
            Requirement::In(key, values)
        });
    }
    Ok(Requirement::Exists(valid_key(part).ok_or_else(bad)?))
}

/// A label key: letters, digits, `-`, `_`, `.` and one `/`.
fn valid_key(key: &str) -> Option<String> {
    let ok = !key.is_empty()
        && key.matches('/').count() <= 1
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'));
    ok.then(|| key.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn label_selectors_follow_kubernetes_syntax() {
        let l = labels(&[("app", "llm"), ("tier", "gpu")]);
        let yes = |s: &str| LabelSelector::parse(s).unwrap().matches(&l);
        assert!(yes("app=llm"));
        assert!(yes("app==llm,tier"));
        assert!(yes("tier in (gpu, cpu)"));
        assert!(yes("env notin (prod),!legacy"));
        assert!(!yes("app!=llm"));
        assert!(!yes("tier notin (gpu)"));
        assert!(!yes("env"));
        assert!(LabelSelector::parse("app in gpu").is_err());
        assert!(LabelSelector::parse("a b c").is_err());
    }

    #[test]
    fn selector_fields_are_anchored_regular_expressions() {
        let spec = TargetSpec {
            name: Some("llm-.*".into()),
            ..TargetSpec::default()
        };
        let s = Selector::new(&spec).unwrap();
        let res = |name: &str| Res {
            root: crate::load::kubernetes::yaml::parse_stream(
                &format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n"),
                &Default::default(),
            )
            .remove(0)
            .unwrap()
            .root,
            file: Arc::new(SourceFile::new(Arc::from("x.yaml"), Arc::from(""))),
            doc_span: (0, 0),
            previous: Vec::new(),
        };
        assert!(s.matches(&res("llm-server")));
        assert!(!s.matches(&res("my-llm-server")));
        let bad = TargetSpec {
            kind: Some("(".into()),
            ..TargetSpec::default()
        };
        assert!(Selector::new(&bad).is_err());
    }
}
