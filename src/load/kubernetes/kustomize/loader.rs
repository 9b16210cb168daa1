//! Files a kustomization refers to: paths resolved the way kustomize resolves them (a
//! file must be in or below the kustomization's directory, a directory may be anywhere
//! local and must hold a kustomization, a URL is remote and not fetched), every file read
//! and parsed once however many kustomizations use it, and patches and kustomization
//! values given virtual spans (see `regions.rs`) so locations point into them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::super::read_documents;
use super::super::regions::{shift, Regions};
use super::super::yaml::{self, Document, Limits, Node, NodeValue};
use super::file::{self, Entry, Kustomization, FILE_NAMES};
use crate::load::source::{read_source, PathNamer, SourceFile};
use crate::model::{InputError, Location, Note};

/// YAML nodes every kustomization of a scan may copy, patch and add in total, so that
/// bases shared through many overlays (or nested to multiply) cannot exhaust time or
/// memory. Real resources have 100 to 300 nodes.
pub const NODE_BUDGET: usize = 10_000_000;

/// What a path in a kustomization is.
pub enum Target {
    File(PathBuf),
    /// A directory, which must hold a kustomization.
    Dir(PathBuf),
    /// A URL or git address: not fetched.
    Remote,
    /// A file outside the kustomization's directory (kustomize refuses it).
    Outside(PathBuf),
    /// Nothing usable there; the reason.
    Missing(String),
}

/// A file read and parsed.
pub struct Loaded {
    pub file: Arc<SourceFile>,
    pub docs: Vec<Document>,
}

pub struct Loader<'a> {
    namer: &'a PathNamer,
    max_file_size: u64,
    limits: Limits,
    files: BTreeMap<PathBuf, Option<Arc<Loaded>>>,
    kustomizations: BTreeMap<PathBuf, Option<Arc<Kustomization>>>,
    patches: BTreeMap<PathBuf, Arc<Vec<Document>>>,
    pub regions: Regions,
    pub errors: Vec<InputError>,
    pub notes: Vec<Note>,
    /// Nodes left to copy, of `limit`.
    budget: usize,
    limit: usize,
    /// Whether running out of the budget was reported.
    overrun: bool,
}

impl<'a> Loader<'a> {
    /// A loader whose kustomizations may copy `budget` YAML nodes in all.
    pub fn new(
        namer: &'a PathNamer,
        max_file_size: u64,
        limits: Limits,
        budget: usize,
    ) -> Loader<'a> {
        Loader {
            namer,
            max_file_size,
            limits,
            files: BTreeMap::new(),
            kustomizations: BTreeMap::new(),
            patches: BTreeMap::new(),
            regions: Regions::default(),
            errors: Vec::new(),
            notes: Vec::new(),
            budget,
            limit: budget,
            overrun: false,
        }
    }

    /// Every file read, in path order.
    pub fn sources(&self) -> Vec<Arc<SourceFile>> {
        self.files
            .values()
            .flatten()
            .map(|l| l.file.clone())
            .collect()
    }

    /// The repository-relative name of a path.
    pub fn name(&self, path: &Path) -> Arc<str> {
        self.namer.name(path)
    }

    /// The nodes all kustomizations may copy.
    pub fn node_limit(&self) -> usize {
        self.limit
    }

    /// Takes `nodes` from the budget; `false` once it is spent.
    pub fn spend(&mut self, nodes: usize) -> bool {
        match self.budget.checked_sub(nodes) {
            Some(left) => {
                self.budget = left;
                true
            }
            None => {
                self.budget = 0;
                false
            }
        }
    }

    /// `true` the first time it is asked, so that running out of the budget is reported once.
    pub fn first_overrun(&mut self) -> bool {
        !std::mem::replace(&mut self.overrun, true)
    }

    /// What `entry` of the kustomization `k` refers to.
    pub fn resolve(&self, k: &Kustomization, entry: &Entry) -> Target {
        let text = entry.text.as_str();
        let joined = k.dir.join(text);
        let canonical = match joined.canonicalize() {
            Ok(c) => c,
            Err(_) if looks_remote(text) => return Target::Remote,
            Err(_) => return Target::Missing(format!("`{text}` does not exist")),
        };
        if canonical.is_dir() {
            Target::Dir(canonical)
        } else if !canonical.is_file() {
            Target::Missing(format!("`{text}` is not a regular file or a directory"))
        } else if canonical.starts_with(&k.dir) {
            Target::File(canonical)
        } else {
            Target::Outside(canonical)
        }
    }

    /// A file, read and parsed once; `None` when it could not be read (reported once).
    pub fn file(&mut self, path: &Path) -> Option<Arc<Loaded>> {
        if let Some(cached) = self.files.get(path) {
            return cached.clone();
        }
        let loaded = match read_source(path, self.namer.name(path), self.max_file_size) {
            Ok(file) => {
                let (docs, errors) = read_documents(&file, &self.limits);
                self.errors.extend(errors);
                Some(Arc::new(Loaded { file, docs }))
            }
            Err(e) => {
                self.errors.push(e);
                None
            }
        };
        self.files.insert(path.to_path_buf(), loaded.clone());
        loaded
    }

    /// The kustomization of a directory (canonical), read once; `None` when there is none
    /// or it cannot be read (reported, except when there is no file: the caller knows why
    /// it looked).
    pub fn kustomization(&mut self, dir: &Path) -> Option<Arc<Kustomization>> {
        if let Some(cached) = self.kustomizations.get(dir) {
            return cached.clone();
        }
        let k = self.read_kustomization(dir);
        self.kustomizations.insert(dir.to_path_buf(), k.clone());
        k
    }

    /// The kustomization file of a directory, when it has exactly one.
    pub fn kustomization_file(&mut self, dir: &Path) -> Option<PathBuf> {
        let found: Vec<PathBuf> = FILE_NAMES
            .iter()
            .map(|n| dir.join(n))
            .filter(|p| p.is_file())
            .collect();
        if found.len() > 1 {
            self.errors.push(
                InputError::new(
                    Location::file_start(self.namer.name(dir)),
                    "the directory has more than one kustomization file (kustomization.yaml, kustomization.yml, Kustomization)",
                )
                .with_help("keep one; `kustomize build` refuses the directory"),
            );
            return None;
        }
        found.into_iter().next()
    }

    fn read_kustomization(&mut self, dir: &Path) -> Option<Arc<Kustomization>> {
        let path = self.kustomization_file(dir)?;
        let path = path.canonicalize().unwrap_or(path);
        let loaded = self.file(&path)?;
        let mut docs = loaded.docs.iter();
        let Some(doc) = docs.next() else {
            self.errors.push(
                InputError::new(
                    Location::file_start(loaded.file.path.clone()),
                    "the kustomization is empty",
                )
                .with_help("list its `resources`, or remove the file"),
            );
            return None;
        };
        if let Some(extra) = docs.next() {
            self.errors.push(InputError::new(
                loaded.file.location(extra.span).first_line(),
                "a kustomization file holds one document; the ones after the first are not read",
            ));
        }
        let parsed = file::read(&loaded.file, &path, dir.to_path_buf(), &doc.root);
        self.errors.extend(parsed.errors);
        self.notes.extend(parsed.notes);
        parsed.kustomization.map(Arc::new)
    }

    /// The documents of a patch file, with virtual spans; `None` when it cannot be read.
    pub fn patch_file(&mut self, path: &Path) -> Option<Arc<Vec<Document>>> {
        if let Some(docs) = self.patches.get(path) {
            return Some(docs.clone());
        }
        let loaded = self.file(path)?;
        let mut docs = Vec::new();
        for doc in &loaded.docs {
            let (start, end) = doc.span;
            let len = end.saturating_sub(start);
            let Some(base) = self.regions.add(&loaded.file, start, len, start, false) else {
                continue;
            };
            let mut root = doc.root.clone();
            shift(&mut root, base.saturating_sub(start));
            docs.push(Document {
                span: (base, base.saturating_add(len)),
                root,
            });
        }
        let docs = Arc::new(docs);
        self.patches.insert(path.to_path_buf(), docs.clone());
        Some(docs)
    }

    /// The documents of a patch written in the kustomization as a string, with virtual
    /// spans pointing at its lines there.
    pub fn inline_patch(&mut self, k: &Kustomization, node: &Node) -> Vec<Document> {
        let Some(text) = node.as_str() else {
            return Vec::new();
        };
        let pieces = line_pieces(&k.file.text, node, text);
        let base = match &pieces {
            Some(p) => self.regions.add_pieces(&k.file, text.len(), p, node.span.0),
            None => self
                .regions
                .add(&k.file, node.span.0, text.len(), node.span.0, true),
        };
        let Some(base) = base else {
            return Vec::new();
        };
        let mut docs = Vec::new();
        for parsed in yaml::parse_stream(text, &self.limits) {
            match parsed {
                Ok(mut doc) => {
                    shift(&mut doc.root, base);
                    doc.span = (
                        doc.span.0.saturating_add(base),
                        doc.span.1.saturating_add(base),
                    );
                    docs.push(doc);
                }
                Err(e) => {
                    let at = base.saturating_add(e.offset);
                    let location = self
                        .regions
                        .location((at, at))
                        .unwrap_or_else(|| k.file.location(node.span));
                    self.errors.push(
                        InputError::new(
                            location.first_line(),
                            format!("the inline patch is not valid: {}", e.message),
                        )
                        .with_help("fix the YAML of the patch"),
                    );
                }
            }
        }
        docs
    }

    /// A copy of a value of the kustomization `k` with a virtual span, to be set in a
    /// resource (a namespace, a label, a replica count).
    pub fn value(&mut self, k: &Kustomization, node: &Node) -> Node {
        let (start, end) = node.span;
        let mut copy = node.clone();
        if let Some(base) =
            self.regions
                .add(&k.file, start, end.saturating_sub(start), start, false)
        {
            shift(&mut copy, base.saturating_sub(start));
        }
        copy
    }

    /// The location of a virtual span (a patch's node), else `fallback`.
    pub fn location_or(&self, span: yaml::Span, fallback: &Location) -> Location {
        self.regions
            .location(span)
            .unwrap_or_else(|| fallback.clone())
    }
}

/// Whether a resource path is a URL or git address (kustomize fetches those; this tool
/// does not, being offline).
fn looks_remote(text: &str) -> bool {
    text.contains("://")
        || text.starts_with("git@")
        || text.starts_with("git::")
        || ["github.com/", "gitlab.com/", "bitbucket.org/"]
            .iter()
            .any(|host| text.starts_with(host))
        || text.contains("?ref=")
}

/// Where each line of an inline patch's text is in the kustomization file: (offset in the
/// text, offset in the file). `None` when the lines cannot all be found as written (a
/// folded or escaped string); the patch then points at its first line.
fn line_pieces(file: &str, node: &Node, text: &str) -> Option<Vec<(usize, usize)>> {
    let start = node.span.0;
    if !matches!(node.value, NodeValue::Scalar { .. }) {
        return None;
    }
    if let Some(quote @ ('\'' | '"')) = file.get(start..)?.chars().next() {
        let inner = start + quote.len_utf8();
        let ok = !text.contains('\n') && file.get(inner..)?.starts_with(text);
        return ok.then(|| vec![(0, inner)]);
    }
    // Plain text, or a literal block (`|`): the text's lines are the file's lines from the
    // scalar's start on, each written from the column its first line starts at.
    let line_start = file.get(..start)?.rfind('\n').map_or(0, |i| i + 1);
    let indent = start - line_start;
    let mut file_lines = file.get(line_start..)?.split_inclusive('\n');
    let mut pieces = Vec::new();
    let (mut offset, mut at) = (0, line_start);
    for line in text.split_inclusive('\n') {
        let file_line = file_lines.next()?;
        let body = line.trim_end_matches('\n');
        let file_body = file_line.trim_end_matches(['\n', '\r']);
        if body.is_empty() {
            if !file_body.trim().is_empty() {
                return None;
            }
            pieces.push((offset, at + file_body.len().min(indent)));
        } else {
            let (lead, tail) = (file_body.get(..indent)?, file_body.get(indent..)?);
            let lead_blank = lead.chars().all(|c| c == ' ');
            if !tail.starts_with(body) || (!pieces.is_empty() && !lead_blank) {
                return None;
            }
            pieces.push((offset, at + indent));
        }
        offset += line.len();
        at += file_line.len();
    }
    (!pieces.is_empty()).then_some(pieces)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(file: &str) -> Option<Vec<(usize, usize)>> {
        let doc = yaml::parse_stream(file, &Limits::default())
            .remove(0)
            .unwrap();
        let node = doc.root.get("patch").unwrap();
        line_pieces(file, node, node.as_str().unwrap())
    }

    #[test]
    fn inline_patch_lines_are_found_in_the_file() {
        let file = "patch: |-\n  - op: replace\n    path: /spec/replicas\n\n    value: 3\ntarget: {kind: Deployment}\n";
        let p = pieces(file).unwrap();
        let lines: Vec<&str> = p
            .iter()
            .map(|(_, at)| file[*at..].lines().next().unwrap())
            .collect();
        assert_eq!(
            lines,
            vec!["- op: replace", "  path: /spec/replicas", "", "  value: 3"]
        );
        assert_eq!(
            pieces("patch: '[{\"op\": \"remove\", \"path\": \"/spec/x\"}]'\n"),
            Some(vec![(0, 8)])
        );
        assert_eq!(pieces("patch: >\n  a: 1\n  b: 2\n"), None);
        assert_eq!(pieces("patch: \"a\\nb\"\n"), None);
    }

    #[test]
    fn remote_addresses_are_recognised() {
        assert!(looks_remote("https://github.com/org/repo//deploy?ref=v1"));
        assert!(looks_remote("github.com/org/repo/deploy?ref=main"));
        assert!(looks_remote("git@github.com:org/repo.git"));
        assert!(!looks_remote("../../base"));
        assert!(!looks_remote("deployment.yaml"));
    }
}
