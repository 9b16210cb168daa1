//! Building one kustomization the way `kustomize build` does, for the parts that change
//! cost: resources (files, and directories built first as kustomizations of their own),
//! components, then the transformers in kustomize's order — `patchesStrategicMerge`,
//! `patches`, `namespace`, `namePrefix`/`nameSuffix`, labels, annotations,
//! `patchesJson6902`, `replicas` — and at the end the name references of autoscalers.
//!
//! What kustomize refuses (a missing file, a patch matching nothing by its own name, a
//! cycle) is an input error at the kustomization's line, and the build goes on without
//! that entry so the rest is still checked.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::super::yaml::{Document, Node, NodeValue};
use super::file::{Entry, Kustomization, PatchEntry, PatchSource};
use super::jsonpatch::{self, count};
use super::loader::{Loader, Target};
use super::merge::{merge_resource, Merged};
use super::resmap::{Res, ResId, Selector};
use super::transform;
use crate::model::{InputError, Location, Note};

/// How deep kustomizations may nest (an overlay of an overlay ... of a base).
pub const MAX_DEPTH: usize = 32;

pub struct Builder<'l, 'a> {
    pub loader: &'l mut Loader<'a>,
    /// The kustomizations being built, outermost first (for cycles).
    stack: Vec<PathBuf>,
    /// Every kustomization directory built.
    pub visited: BTreeSet<PathBuf>,
    /// Every file a kustomization listed (resources, patches) or is.
    pub consumed: BTreeSet<PathBuf>,
}

impl<'l, 'a> Builder<'l, 'a> {
    pub fn new(loader: &'l mut Loader<'a>) -> Builder<'l, 'a> {
        Builder {
            loader,
            stack: Vec::new(),
            visited: BTreeSet::new(),
            consumed: BTreeSet::new(),
        }
    }

    /// The resources `kustomize build <dir>` gives.
    pub fn build(&mut self, dir: &Path) -> Vec<Res> {
        let mut out = Vec::new();
        self.directory(dir, None, false, &mut out);
        transform::fix_scale_targets(&mut out);
        out
    }

    fn error(&mut self, at: &Location, message: String, help: &str) {
        self.loader
            .errors
            .push(InputError::new(at.first_line(), message).with_help(help));
    }

    fn note(&mut self, at: &Location, message: String) {
        self.loader.notes.push(Note {
            location: Some(at.first_line()),
            message,
        });
    }

    /// Takes `nodes` from the budget; reports once a scan when it is spent.
    fn spend(&mut self, nodes: usize, at: &Location) -> bool {
        if self.loader.spend(nodes) {
            return true;
        }
        if self.loader.first_overrun() {
            let limit = self.loader.node_limit();
            self.error(
                at,
                format!(
                    "the kustomizations expand to more than {limit} YAML nodes; the rest is not built"
                ),
                "check for bases included many times over; build a smaller part with `kustomize build` and pass its output",
            );
        }
        false
    }

    /// Builds the kustomization in `dir` into `ra`: its own resources appended (a base),
    /// or everything of `ra` transformed with it (a component).
    fn directory(
        &mut self,
        dir: &Path,
        via: Option<&Location>,
        component: bool,
        ra: &mut Vec<Res>,
    ) {
        let here = via
            .cloned()
            .unwrap_or_else(|| Location::file_start(self.loader.name(dir)));
        if let Some(i) = self.stack.iter().position(|d| d == dir) {
            let cycle: Vec<String> = self
                .stack
                .get(i..)
                .unwrap_or_default()
                .iter()
                .chain([&dir.to_path_buf()])
                .map(|d| self.loader.name(d).to_string())
                .collect();
            self.error(
                &here,
                format!(
                    "kustomizations refer to each other in a cycle: {}",
                    cycle.join(" -> ")
                ),
                "remove one of the references; `kustomize build` refuses a cycle",
            );
            return;
        }
        if self.stack.len() >= MAX_DEPTH {
            self.error(
                &here,
                format!("kustomizations nest more than {MAX_DEPTH} deep here"),
                "flatten the chain of overlays",
            );
            return;
        }
        let Some(k) = self.loader.kustomization(dir) else {
            if let Some(at) = via {
                if self.loader.kustomization_file(dir).is_none() {
                    let name = self.loader.name(dir);
                    self.error(
                        at,
                        format!("`{name}` is a directory without a kustomization.yaml"),
                        "list the files in it, or add a kustomization.yaml that lists them",
                    );
                }
            }
            return;
        };
        self.visited.insert(dir.to_path_buf());
        self.consumed.insert(k.path.clone());
        if component != k.component {
            let name = self.loader.name(dir);
            let message = if component {
                format!("`{name}` is listed as a component but its kind is not Component")
            } else {
                format!("`{name}` is a Component; list it under `components`, not `resources`")
            };
            self.error(&here, message, "`kustomize build` refuses it");
            return;
        }
        self.stack.push(dir.to_path_buf());
        if component {
            self.accumulate(&k, ra);
        } else {
            let mut own = Vec::new();
            self.accumulate(&k, &mut own);
            self.append(ra, own, &here);
        }
        self.stack.pop();
    }

    /// Adds resources, refusing one whose identity is already there (as kustomize does).
    fn append(&mut self, ra: &mut Vec<Res>, new: Vec<Res>, at: &Location) {
        let mut ids: BTreeSet<ResId> = ra.iter().map(Res::id).collect();
        for res in new {
            let id = res.id();
            if ids.contains(&id) {
                self.error(
                    at,
                    format!("{id} is included twice"),
                    "include each resource once, or give the copies different names (namePrefix)",
                );
                continue;
            }
            ids.insert(id);
            ra.push(res);
        }
    }

    fn accumulate(&mut self, k: &Arc<Kustomization>, ra: &mut Vec<Res>) {
        for entry in &k.resources {
            match self.loader.resolve(k, entry) {
                Target::File(path) => self.resource_file(&path, entry, ra),
                Target::Dir(path) => self.directory(&path, Some(&entry.at), false, ra),
                Target::Remote => self.note(
                    &entry.at,
                    format!(
                        "remote resource `{}` is not fetched (this tool works offline), so what it holds is not checked",
                        entry.text
                    ),
                ),
                target => self.bad_path(k, entry, target),
            }
        }
        for entry in &k.components {
            match self.loader.resolve(k, entry) {
                Target::Dir(path) => self.directory(&path, Some(&entry.at), true, ra),
                Target::Remote => self.note(
                    &entry.at,
                    format!("remote component `{}` is not fetched (this tool works offline)", entry.text),
                ),
                Target::File(_) => self.error(
                    &entry.at,
                    format!("component `{}` is a file; a component is a directory with a kustomization.yaml of kind Component", entry.text),
                    "list the directory",
                ),
                target => self.bad_path(k, entry, target),
            }
        }
        self.transform(k, ra);
    }

    fn bad_path(&mut self, k: &Kustomization, entry: &Entry, target: Target) {
        match target {
            Target::Outside(path) => {
                let (file, dir) = (self.loader.name(&path), self.loader.name(&k.dir));
                self.error(
                    &entry.at,
                    format!("`{file}` is not in or below `{dir}`, so kustomize refuses to read it"),
                    "move the file under the kustomization's directory, or make its directory a kustomization and list that",
                );
            }
            Target::Missing(why) => self.error(
                &entry.at,
                why,
                "fix the path (relative to the kustomization's directory); `kustomize build` fails on it",
            ),
            Target::File(_) | Target::Dir(_) | Target::Remote => {}
        }
    }

    fn resource_file(&mut self, path: &Path, entry: &Entry, ra: &mut Vec<Res>) {
        self.consumed.insert(path.to_path_buf());
        let Some(loaded) = self.loader.file(path) else {
            return;
        };
        let mut new = Vec::new();
        for doc in &loaded.docs {
            if !self.spend(count(&doc.root), &entry.at) {
                break;
            }
            new.push(Res {
                root: doc.root.clone(),
                file: loaded.file.clone(),
                doc_span: doc.span,
                previous: Vec::new(),
            });
        }
        self.append(ra, new, &entry.at);
    }

    /// The documents of a patch entry; `None` when they cannot be read.
    fn patch_documents(&mut self, k: &Kustomization, patch: &PatchEntry) -> Option<Vec<Document>> {
        match &patch.source {
            PatchSource::Inline(node) => Some(self.loader.inline_patch(k, node)),
            PatchSource::Path(entry) => match self.loader.resolve(k, entry) {
                Target::File(path) => {
                    self.consumed.insert(path.clone());
                    self.loader.patch_file(&path).map(|d| d.as_ref().clone())
                }
                Target::Dir(_) => {
                    self.error(
                        &entry.at,
                        format!("patch `{}` is a directory", entry.text),
                        "name the patch file",
                    );
                    None
                }
                Target::Remote => {
                    self.note(
                        &entry.at,
                        format!("remote patch `{}` is not fetched", entry.text),
                    );
                    None
                }
                target => {
                    self.bad_path(k, entry, target);
                    None
                }
            },
        }
    }

    fn transform(&mut self, k: &Arc<Kustomization>, ra: &mut Vec<Res>) {
        for patch in &k.patches_strategic {
            self.patch(k, patch, ra, Field::StrategicMerge);
        }
        for patch in &k.patches {
            self.patch(k, patch, ra, Field::Patches);
        }
        if let Some(ns) = &k.namespace {
            let value = self.loader.value(k, ns);
            transform::namespace(ra, &value);
        }
        let prefix = k.name_prefix.as_deref().unwrap_or("");
        let suffix = k.name_suffix.as_deref().unwrap_or("");
        if !prefix.is_empty() || !suffix.is_empty() {
            transform::rename(ra, prefix, suffix);
        }
        let labels: Vec<(String, Node)> = k
            .labels
            .iter()
            .map(|(key, v)| (key.clone(), self.loader.value(k, v)))
            .collect();
        transform::metadata_pairs(ra, "labels", &labels);
        let annotations: Vec<(String, Node)> = k
            .annotations
            .iter()
            .map(|(key, v)| (key.clone(), self.loader.value(k, v)))
            .collect();
        transform::metadata_pairs(ra, "annotations", &annotations);
        for patch in &k.patches_json {
            self.patch(k, patch, ra, Field::Json6902);
        }
        for replica in &k.replicas {
            let count = self.loader.value(k, &replica.count);
            if !transform::replicas(ra, &replica.name, &count) {
                self.error(
                    &replica.at,
                    format!(
                        "no Deployment, StatefulSet, ReplicaSet or ReplicationController is named `{}`",
                        replica.name
                    ),
                    "fix the name; `kustomize build` fails on a replica count that matches nothing",
                );
            }
        }
    }

    /// Applies one patch entry: JSON 6902 when its text is a list of operations, else a
    /// strategic merge, to its target's selection or to the resource its own name names.
    fn patch(&mut self, k: &Kustomization, patch: &PatchEntry, ra: &mut Vec<Res>, field: Field) {
        let Some(docs) = self.patch_documents(k, patch) else {
            return;
        };
        if docs.is_empty() {
            self.error(
                &patch.at,
                "the patch is empty".to_string(),
                "write the patch, or remove the entry; `kustomize build` refuses an empty patch",
            );
            return;
        }
        let selector = match patch.target.as_ref().map(Selector::new) {
            Some(Ok(s)) => Some(s),
            Some(Err(why)) => {
                self.error(
                    &patch.at,
                    format!("invalid patch target: {why}"),
                    "fix the target",
                );
                return;
            }
            None => None,
        };
        if field == Field::Patches && docs.len() > 1 {
            self.error(
                &patch.at,
                format!("the patch holds {} documents; an entry of `patches` holds one", docs.len()),
                "split the patch into one entry per document (or list the file under `patchesStrategicMerge`); `kustomize build` refuses it",
            );
            return;
        }
        let json = docs.len() == 1 && docs.iter().all(|d| jsonpatch::is_json_patch(&d.root));
        if json || field == Field::Json6902 {
            let Some(doc) = docs.first().filter(|_| json) else {
                self.error(
                    &patch.at,
                    "a JSON 6902 patch is one list of operations (`- op: replace ...`)".to_string(),
                    "write the patch as a list of operations",
                );
                return;
            };
            let Some(selector) = selector else {
                self.error(
                    &patch.at,
                    "a JSON 6902 patch needs a `target`".to_string(),
                    "add `target:` with the kind and name of the resource to patch",
                );
                return;
            };
            self.json_patch(&patch.at, doc, &selector, ra);
            return;
        }
        match selector {
            Some(selector) => {
                let [doc] = docs.as_slice() else {
                    self.error(
                        &patch.at,
                        "a patch with a `target` holds one document".to_string(),
                        "split the patch into one entry per document",
                    );
                    return;
                };
                let selected: Vec<usize> = (0..ra.len())
                    .filter(|i| ra.get(*i).is_some_and(|r| selector.matches(r)))
                    .collect();
                if selected.is_empty() {
                    self.note(
                        &patch.at,
                        "the patch's target matches no resource, so it changes nothing".to_string(),
                    );
                }
                for i in selected.into_iter().rev() {
                    self.merge_into(ra, i, doc, patch, &patch.at);
                }
            }
            None => {
                for doc in &docs {
                    self.merge_by_id(ra, doc, patch);
                }
            }
        }
    }

    /// A strategic merge patch without a target: it patches the one resource that has (or
    /// had) its kind, name and namespace.
    fn merge_by_id(&mut self, ra: &mut Vec<Res>, doc: &Document, patch: &PatchEntry) {
        let id = ResId::of(&doc.root);
        let at_patch = self.loader.location_or(doc.span, &patch.at);
        if id.kind.is_empty() || id.name.is_empty() {
            self.error(
                &patch.at,
                format!(
                    "the patch at {}:{} names no kind and metadata.name, and has no target",
                    at_patch.file, at_patch.line
                ),
                "add `target:` to the patch entry, or kind and metadata.name to the patch",
            );
            return;
        }
        let matches: Vec<usize> = (0..ra.len())
            .filter(|i| ra.get(*i).is_some_and(|r| r.ids().contains(&id)))
            .collect();
        match matches.as_slice() {
            [i] => self.merge_into(ra, *i, doc, patch, &patch.at),
            [] => self.error(
                &patch.at,
                format!(
                    "no resource matches the patch for {id} ({}:{})",
                    at_patch.file, at_patch.line
                ),
                "fix the patch's kind, apiVersion, metadata.name and namespace, or list the resource it patches",
            ),
            _ => self.error(
                &patch.at,
                format!("several resources match the patch for {id}"),
                "give the patch a `target` that selects one",
            ),
        }
    }

    /// Merges one patch document into `ra[i]`, keeping its identity as kustomize does.
    fn merge_into(
        &mut self,
        ra: &mut Vec<Res>,
        i: usize,
        doc: &Document,
        patch: &PatchEntry,
        at: &Location,
    ) {
        if !self.spend(count(&doc.root), at) {
            return;
        }
        let Some(res) = ra.get_mut(i) else {
            return;
        };
        if patch.allow_name_change || patch.allow_kind_change {
            res.store_previous();
        }
        let kept = Identity::of(&res.root);
        match merge_resource(&mut res.root, &doc.root) {
            Ok(Merged::Keep) => kept.restore(&mut res.root, patch),
            Ok(Merged::Delete) => {
                ra.remove(i);
            }
            Err(e) => {
                let where_ = self.loader.location_or(e.span, at);
                self.loader.errors.push(
                    InputError::new(where_.first_line(), e.message)
                        .with_help("fix the patch; `kustomize build` refuses it"),
                );
            }
        }
    }

    fn json_patch(&mut self, at: &Location, doc: &Document, selector: &Selector, ra: &mut [Res]) {
        let ops = match jsonpatch::operations(&doc.root) {
            Ok(ops) => ops,
            Err(e) => {
                let where_ = self.loader.location_or(e.span, at);
                self.loader.errors.push(
                    InputError::new(where_.first_line(), e.message)
                        .with_help("fix the JSON patch operation"),
                );
                return;
            }
        };
        let mut any = false;
        for i in 0..ra.len() {
            if !ra.get(i).is_some_and(|r| selector.matches(r)) {
                continue;
            }
            any = true;
            for op in &ops {
                let added = ra.get(i).map_or(0, |r| jsonpatch::added_nodes(&r.root, op));
                if !self.spend(added, at) {
                    return;
                }
                let Some(res) = ra.get_mut(i) else {
                    break;
                };
                if let Err(e) = jsonpatch::apply(&mut res.root, op) {
                    let where_ = self.loader.location_or(e.span, at);
                    let id = res.id();
                    self.loader.errors.push(
                        InputError::new(
                            where_.first_line(),
                            format!("{} (patching {id})", e.message),
                        )
                        .with_help("fix the operation's path; `kustomize build` fails on it"),
                    );
                    break;
                }
            }
        }
        if !any {
            self.note(
                at,
                "the patch's target matches no resource, so it changes nothing".to_string(),
            );
        }
    }
}

/// The kustomization field a patch entry is listed under.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    /// `patchesStrategicMerge`: documents that name their targets, several to a file.
    StrategicMerge,
    /// `patches`: one strategic merge or JSON 6902 patch, with or without a `target`.
    Patches,
    /// `patchesJson6902`: a JSON 6902 patch with a `target`.
    Json6902,
}

/// The fields a strategic merge patch does not change unless allowed to.
struct Identity {
    api_version: Option<Node>,
    kind: Option<Node>,
    name: Option<Node>,
    namespace: Option<Node>,
}

impl Identity {
    fn of(root: &Node) -> Identity {
        let metadata = root.get("metadata");
        Identity {
            api_version: root.get("apiVersion").cloned(),
            kind: root.get("kind").cloned(),
            name: metadata.and_then(|m| m.get("name")).cloned(),
            namespace: metadata.and_then(|m| m.get("namespace")).cloned(),
        }
    }

    fn restore(self, root: &mut Node, patch: &PatchEntry) {
        put(root, "apiVersion", self.api_version);
        if !patch.allow_kind_change {
            put(root, "kind", self.kind);
        }
        if let Some((_, metadata)) =
            entries_mut(root).and_then(|e| e.iter_mut().find(|(k, _)| k == "metadata"))
        {
            if !patch.allow_name_change {
                put(metadata, "name", self.name);
            }
            put(metadata, "namespace", self.namespace);
        }
    }
}

fn entries_mut(node: &mut Node) -> Option<&mut Vec<(String, Node)>> {
    match &mut node.value {
        NodeValue::Map(entries) => Some(entries),
        _ => None,
    }
}

/// Sets (or removes, for `None`) `key` of a map.
fn put(map: &mut Node, key: &str, value: Option<Node>) {
    let Some(entries) = entries_mut(map) else {
        return;
    };
    let position = entries.iter().position(|(k, _)| k == key);
    match (position, value) {
        (Some(i), Some(v)) => {
            if let Some((_, slot)) = entries.get_mut(i) {
                *slot = v;
            }
        }
        (None, Some(v)) => entries.push((key.to_string(), v)),
        (Some(i), None) => {
            entries.remove(i);
        }
        (None, None) => {}
    }
}
