//! One kustomization file read into the fields that change what is deployed and what it
//! costs. Every field kustomize knows is accepted: the ones applied here are kept with
//! their nodes (for locations), the cost-free ones (`images`, generators) are dropped
//! silently, the ones not applied (`helmCharts`, `replacements`, ...) are named in a note,
//! and a key kustomize does not know is an error, as `kustomize build` makes it one.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::super::yaml::{Node, NodeValue};
use crate::load::source::SourceFile;
use crate::model::{InputError, Location, Note};

/// The names kustomize looks for in a directory, in its order.
pub const FILE_NAMES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// Whether a file name is a kustomization file.
pub fn is_kustomization_file(name: &str) -> bool {
    FILE_NAMES.contains(&name)
}

/// Fields applied here.
const APPLIED: &[&str] = &[
    "resources",
    "bases",
    "components",
    "patches",
    "patchesStrategicMerge",
    "patchesJson6902",
    "namespace",
    "namePrefix",
    "nameSuffix",
    "commonLabels",
    "labels",
    "commonAnnotations",
    "replicas",
];

/// Fields that change nothing this tool reads: identity, images, generated ConfigMaps and
/// Secrets, output order.
const COST_FREE: &[&str] = &[
    "apiVersion",
    "kind",
    "metadata",
    "images",
    "configMapGenerator",
    "secretGenerator",
    "generatorOptions",
    "sortOptions",
    "buildMetadata",
];

/// Fields that may change what is deployed but are not applied: named in a note.
const NOT_APPLIED: &[(&str, &str)] = &[
    ("helmCharts", "Helm charts are not inflated; render them with `kustomize build --enable-helm` and pass the output"),
    ("helmGlobals", "Helm charts are not inflated"),
    ("replacements", "replacements are not applied; fields they set keep the values written in the resources"),
    ("vars", "vars are not substituted"),
    ("transformers", "transformer plugins are not run"),
    ("generators", "generator plugins are not run"),
    ("validators", "validator plugins are not run"),
    ("configurations", "custom transformer configurations are not read; the built-in field lists are used"),
    ("crds", "CRD schemas for transformers are not read"),
    ("openapi", "custom OpenAPI schemas are not read; patches merge lists of custom resources by replacing them, as without a schema"),
];

/// A path or URL written in a kustomization, and where.
#[derive(Clone, Debug)]
pub struct Entry {
    pub text: String,
    pub at: Location,
}

/// Where a patch's text is.
#[derive(Clone, Debug)]
pub enum PatchSource {
    /// A file, relative to the kustomization's directory.
    Path(Entry),
    /// Text written in the kustomization itself (`patch: |`).
    Inline(Node),
}

/// `target:` of a patch: each field a regular expression matched in full, as kustomize's
/// selectors are; the label and annotation selectors in Kubernetes' syntax.
#[derive(Clone, Debug, Default)]
pub struct TargetSpec {
    pub group: Option<String>,
    pub version: Option<String>,
    pub kind: Option<String>,
    pub name: Option<String>,
    pub namespace: Option<String>,
    pub label_selector: Option<String>,
    pub annotation_selector: Option<String>,
}

/// One entry of `patches`, `patchesStrategicMerge` or `patchesJson6902`.
#[derive(Clone, Debug)]
pub struct PatchEntry {
    pub source: PatchSource,
    pub target: Option<TargetSpec>,
    pub allow_name_change: bool,
    pub allow_kind_change: bool,
    /// The entry in the kustomization, where errors about it are reported.
    pub at: Location,
}

/// One entry of `replicas`.
#[derive(Clone, Debug)]
pub struct Replica {
    pub name: String,
    pub count: Node,
    pub at: Location,
}

/// The fields of a kustomization this tool applies, in kustomize's terms.
#[derive(Clone, Debug)]
pub struct Kustomization {
    pub file: Arc<SourceFile>,
    /// The kustomization file, canonical.
    pub path: PathBuf,
    /// The directory, canonical.
    pub dir: PathBuf,
    /// `kind: Component`.
    pub component: bool,
    /// `resources` and the deprecated `bases`.
    pub resources: Vec<Entry>,
    pub components: Vec<Entry>,
    pub patches_strategic: Vec<PatchEntry>,
    pub patches: Vec<PatchEntry>,
    pub patches_json: Vec<PatchEntry>,
    pub namespace: Option<Node>,
    pub name_prefix: Option<String>,
    pub name_suffix: Option<String>,
    /// `labels[].pairs` then `commonLabels`, in that order (kustomize's).
    pub labels: Vec<(String, Node)>,
    pub annotations: Vec<(String, Node)>,
    pub replicas: Vec<Replica>,
}

impl Kustomization {
    /// The patch files it lists.
    pub fn listed_patch_paths(&self) -> impl Iterator<Item = &Entry> {
        self.patches_strategic
            .iter()
            .chain(&self.patches)
            .chain(&self.patches_json)
            .filter_map(|p| match &p.source {
                PatchSource::Path(e) => Some(e),
                PatchSource::Inline(_) => None,
            })
    }
}

/// What reading a kustomization gave.
pub struct Parsed {
    pub kustomization: Option<Kustomization>,
    pub errors: Vec<InputError>,
    pub notes: Vec<Note>,
}

/// Reads the kustomization whose document is `root`.
pub fn read(file: &Arc<SourceFile>, path: &Path, dir: PathBuf, root: &Node) -> Parsed {
    let mut r = Reader {
        file,
        errors: Vec::new(),
        notes: Vec::new(),
    };
    let mut k = Kustomization {
        file: file.clone(),
        path: path.to_path_buf(),
        dir,
        component: false,
        resources: Vec::new(),
        components: Vec::new(),
        patches_strategic: Vec::new(),
        patches: Vec::new(),
        patches_json: Vec::new(),
        namespace: None,
        name_prefix: None,
        name_suffix: None,
        labels: Vec::new(),
        annotations: Vec::new(),
        replicas: Vec::new(),
    };
    if !matches!(root.value, NodeValue::Map(_)) {
        r.error(root, "a kustomization must be a map of fields".to_string());
        return r.done(None);
    }
    for (key, value) in root.entries() {
        match key.as_str() {
            "kind" => match value.as_str().map(str::trim) {
                Some("Kustomization") => {}
                Some("Component") => k.component = true,
                _ => r.error(
                    value,
                    "the kind of a kustomization is `Kustomization` or `Component`".to_string(),
                ),
            },
            "resources" | "bases" => k.resources.extend(r.entries(value, key)),
            "components" => k.components = r.entries(value, key),
            "patches" => k.patches = r.patches(value, key, Style::Patches),
            "patchesStrategicMerge" => {
                k.patches_strategic = r.patches(value, key, Style::StrategicMerge);
            }
            "patchesJson6902" => k.patches_json = r.patches(value, key, Style::Json6902),
            "namespace" => k.namespace = r.scalar(value, key).map(|_| value.clone()),
            "namePrefix" => k.name_prefix = r.scalar(value, key),
            "nameSuffix" => k.name_suffix = r.scalar(value, key),
            "commonLabels" => {
                let pairs = r.pairs(value, key);
                k.labels.extend(pairs);
            }
            "labels" => {
                // `labels[].pairs` run before `commonLabels`, whatever the order written.
                let mut pairs = Vec::new();
                for item in r.items(value, key) {
                    if let Some(p) = item.get("pairs") {
                        pairs.extend(r.pairs(p, "labels[].pairs"));
                    }
                }
                pairs.append(&mut k.labels);
                k.labels = pairs;
            }
            "commonAnnotations" => k.annotations = r.pairs(value, key),
            "replicas" => k.replicas = r.replicas(value),
            other if APPLIED.contains(&other) || COST_FREE.contains(&other) => {}
            other => match NOT_APPLIED.iter().find(|(k, _)| *k == other) {
                Some((_, why)) => r.notes.push(Note {
                    location: Some(r.key_loc(other, value)),
                    message: format!("kustomization field `{other}`: {why}"),
                }),
                None => r.unknown_key(other, value),
            },
        }
    }
    r.done(Some(k))
}

struct Reader<'a> {
    file: &'a Arc<SourceFile>,
    errors: Vec<InputError>,
    notes: Vec<Note>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Patches,
    StrategicMerge,
    Json6902,
}

impl Reader<'_> {
    fn done(self, k: Option<Kustomization>) -> Parsed {
        Parsed {
            kustomization: k,
            errors: self.errors,
            notes: self.notes,
        }
    }

    fn loc(&self, node: &Node) -> Location {
        self.file.location(node.span)
    }

    /// The line of `key:` when it is on the value's line or just before it.
    fn key_loc(&self, key: &str, value: &Node) -> Location {
        let text: &str = &self.file.text;
        let before = text.get(..value.span.0.min(text.len())).unwrap_or("");
        match before.rfind(&format!("{key}:")) {
            Some(at)
                if before
                    .get(at..)
                    .is_some_and(|s| s.matches('\n').count() <= 1) =>
            {
                self.file.location((at, value.span.1.max(at)))
            }
            _ => self.loc(value),
        }
    }

    fn error(&mut self, node: &Node, message: String) {
        self.errors.push(
            InputError::new(self.loc(node).first_line(), message)
                .with_help("fix the kustomization; `kustomize build` refuses it as written"),
        );
    }

    fn unknown_key(&mut self, key: &str, value: &Node) {
        let known = APPLIED
            .iter()
            .chain(COST_FREE)
            .chain(NOT_APPLIED.iter().map(|(k, _)| k));
        let closest = crate::suggest::closest(key, known.copied());
        let help = match closest {
            Some(k) => format!("did you mean `{k}`? `kustomize build` refuses unknown fields"),
            None => "remove it; `kustomize build` refuses unknown fields".to_string(),
        };
        self.errors.push(
            InputError::new(
                self.key_loc(key, value).first_line(),
                format!("`{key}` is not a kustomization field"),
            )
            .with_help(help),
        );
    }

    fn scalar(&mut self, node: &Node, key: &str) -> Option<String> {
        match &node.value {
            NodeValue::Scalar { text, .. } => Some(text.trim().to_string()),
            NodeValue::Null => None,
            _ => {
                self.error(node, format!("`{key}` must be a string"));
                None
            }
        }
    }

    fn items<'n>(&mut self, node: &'n Node, key: &str) -> &'n [Node] {
        match &node.value {
            NodeValue::Seq(items) => items,
            NodeValue::Null => &[],
            _ => {
                self.error(node, format!("`{key}` must be a list"));
                &[]
            }
        }
    }

    /// A list of paths (`resources`, `components`).
    fn entries(&mut self, node: &Node, key: &str) -> Vec<Entry> {
        let mut out = Vec::new();
        for item in self.items(node, key) {
            match item.as_str() {
                Some(text) if !text.trim().is_empty() => out.push(Entry {
                    text: text.trim().to_string(),
                    at: self.loc(item),
                }),
                _ => self.error(item, format!("each entry of `{key}` must be a path")),
            }
        }
        out
    }

    /// `key: value` pairs of a map of strings (labels, annotations).
    fn pairs(&mut self, node: &Node, key: &str) -> Vec<(String, Node)> {
        match &node.value {
            NodeValue::Map(entries) => {
                let mut out = Vec::new();
                for (k, v) in entries {
                    if matches!(v.value, NodeValue::Scalar { .. } | NodeValue::Null) {
                        out.push((k.clone(), v.clone()));
                    } else {
                        self.error(v, format!("the values of `{key}` must be strings"));
                    }
                }
                out
            }
            NodeValue::Null => Vec::new(),
            _ => {
                self.error(node, format!("`{key}` must be a map of strings"));
                Vec::new()
            }
        }
    }

    fn replicas(&mut self, node: &Node) -> Vec<Replica> {
        let mut out = Vec::new();
        for item in self.items(node, "replicas") {
            let name = item.get("name").and_then(Node::as_str).map(str::trim);
            let count = item.get("count").filter(|c| {
                c.as_str()
                    .is_some_and(|t| t.trim().parse::<i64>().is_ok_and(|n| n >= 0))
            });
            match (name, count) {
                (Some(name), Some(count)) if !name.is_empty() => out.push(Replica {
                    name: name.to_string(),
                    count: count.clone(),
                    at: self.loc(item),
                }),
                _ => self.error(
                    item,
                    "each entry of `replicas` needs a `name` and a whole `count`".to_string(),
                ),
            }
        }
        out
    }

    fn patches(&mut self, node: &Node, key: &str, style: Style) -> Vec<PatchEntry> {
        let mut out = Vec::new();
        for item in self.items(node, key) {
            if let Some(p) = self.patch(item, key, style) {
                out.push(p);
            }
        }
        out
    }

    fn patch(&mut self, item: &Node, key: &str, style: Style) -> Option<PatchEntry> {
        let at = self.loc(item);
        if style == Style::StrategicMerge {
            // A path, or the patch itself written as a string.
            let text = item.as_str().map(str::trim).filter(|t| !t.is_empty());
            let Some(text) = text else {
                self.error(
                    item,
                    format!("each entry of `{key}` must be a path or a patch"),
                );
                return None;
            };
            let source = if text.contains('\n') || text.contains(": ") {
                PatchSource::Inline(item.clone())
            } else {
                PatchSource::Path(Entry {
                    text: text.to_string(),
                    at: at.clone(),
                })
            };
            return Some(PatchEntry {
                source,
                target: None,
                allow_name_change: false,
                allow_kind_change: false,
                at,
            });
        }
        if !matches!(item.value, NodeValue::Map(_)) {
            self.error(item, format!("each entry of `{key}` must be a map"));
            return None;
        }
        let path = item.get("path").and_then(Node::as_str).map(str::trim);
        let inline = item.get("patch").filter(|p| p.as_str().is_some());
        let source = match (path, inline) {
            (Some(p), None) if !p.is_empty() => PatchSource::Path(Entry {
                text: p.to_string(),
                at: item.get("path").map_or_else(|| at.clone(), |n| self.loc(n)),
            }),
            (None, Some(inline)) => PatchSource::Inline(inline.clone()),
            (Some(_), Some(_)) => {
                self.error(
                    item,
                    "a patch has either `path` or `patch`, not both".to_string(),
                );
                return None;
            }
            _ => {
                self.error(item, "a patch needs a `path` or a `patch`".to_string());
                return None;
            }
        };
        let target = match item.get("target") {
            Some(t) => Some(self.target(t)?),
            None if style == Style::Json6902 => {
                self.error(item, "a JSON 6902 patch needs a `target`".to_string());
                return None;
            }
            None => None,
        };
        if style == Style::Json6902 && target.as_ref().is_some_and(|t| t.name.is_none()) {
            self.error(
                item,
                "the target of a JSON 6902 patch needs a `name`".to_string(),
            );
            return None;
        }
        let option = |name: &str| {
            item.get("options")
                .and_then(|o| o.get(name))
                .and_then(Node::as_str)
                .is_some_and(|v| v.trim() == "true")
        };
        Some(PatchEntry {
            source,
            target,
            allow_name_change: option("allowNameChange"),
            allow_kind_change: option("allowKindChange"),
            at,
        })
    }

    fn target(&mut self, node: &Node) -> Option<TargetSpec> {
        if !matches!(node.value, NodeValue::Map(_)) {
            self.error(node, "a patch `target` must be a map".to_string());
            return None;
        }
        let mut t = TargetSpec::default();
        for (key, value) in node.entries() {
            let slot = match key.as_str() {
                "group" => &mut t.group,
                "version" => &mut t.version,
                "kind" => &mut t.kind,
                "name" => &mut t.name,
                "namespace" => &mut t.namespace,
                "labelSelector" => &mut t.label_selector,
                "annotationSelector" => &mut t.annotation_selector,
                other => {
                    self.error(
                        value,
                        format!("`{other}` is not a field of a patch target (group, version, kind, name, namespace, labelSelector, annotationSelector)"),
                    );
                    return None;
                }
            };
            // An empty value selects everything, as kustomize reads it.
            *slot = self.scalar(value, key).filter(|s| !s.is_empty());
        }
        Some(t)
    }
}
