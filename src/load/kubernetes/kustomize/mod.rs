//! Kustomize: a directory with a `kustomization.yaml` is read as `kustomize build` would
//! build it, for what changes cost (see docs/kubernetes.md, "Kustomize"). Kustomize itself
//! is not run; this module follows its documented behaviour.
//!
//! Entry points are the scanned kustomizations that no other scanned kustomization lists
//! (as a resource or a component): an overlay is what gets deployed, the base it builds on
//! is not deployed alone. Each entry point's resources belong to the root named after its
//! directory, so `overlays/dev` and `overlays/prod` price the same base separately. Every
//! file a kustomization lists is read through it, never again as a plain manifest.
//!
//! - `file.rs` reads a kustomization file; `loader.rs` resolves and reads what it lists;
//! - `build.rs` accumulates resources and runs the transformers in kustomize's order;
//! - `merge.rs` (strategic merge), `jsonpatch.rs` (RFC 6902) and `transform.rs` (namespace,
//!   prefixes, labels, replicas, name references) change the resources;
//! - `resmap.rs` holds the resources with their identities, and patch targets.

mod build;
mod file;
mod jsonpatch;
mod loader;
mod merge;
mod resmap;
mod transform;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::kinds::{self, Extracted, Options};
use super::yaml::{Document, Limits};
use crate::load::source::{PathNamer, SourceFile};
use crate::model::{InputError, Note, Resource};
use build::Builder;
use loader::{Loader, Target};

pub use file::is_kustomization_file;

/// What the kustomizations of a scan gave.
#[derive(Default)]
pub struct Built {
    /// Resources of every entry point, autoscalers already paired with their targets.
    pub resources: Vec<Resource>,
    pub errors: Vec<InputError>,
    pub notes: Vec<Note>,
    /// Every file read, for snippets.
    pub files: Vec<Arc<SourceFile>>,
    /// Canonical paths of the files kustomizations listed or are: not read again as plain
    /// manifests.
    pub consumed: BTreeSet<PathBuf>,
    /// The scanned directories whose kustomization was read: YAML files in them that it
    /// does not list are not deployed by it.
    pub dirs: BTreeSet<PathBuf>,
}

/// Builds every entry point among the kustomization files found by discovery (canonical
/// paths) and turns what they build into resources.
pub fn load(
    kustomization_files: &[PathBuf],
    namer: &PathNamer,
    max_file_size: u64,
    limits: &Limits,
    options: Options,
) -> Built {
    load_within(
        kustomization_files,
        namer,
        max_file_size,
        limits,
        loader::NODE_BUDGET,
        options,
    )
}

/// [`load`], with at most `budget` YAML nodes copied, patched and added in all.
fn load_within(
    kustomization_files: &[PathBuf],
    namer: &PathNamer,
    max_file_size: u64,
    limits: &Limits,
    budget: usize,
    options: Options,
) -> Built {
    let mut loader = Loader::new(namer, max_file_size, *limits, budget);
    let dirs: BTreeSet<PathBuf> = kustomization_files
        .iter()
        .filter_map(|f| f.parent().map(Path::to_path_buf))
        .collect();
    // A kustomization another scanned one lists is built through it, not on its own.
    let mut listed = BTreeSet::new();
    let mut edges: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    let mut components = BTreeSet::new();
    let mut built = Built::default();
    for dir in &dirs {
        let Some(k) = loader.kustomization(dir) else {
            continue;
        };
        built.dirs.insert(dir.clone());
        if k.component {
            components.insert(dir.clone());
        }
        for entry in k.resources.iter().chain(&k.components) {
            if let Target::Dir(d) = loader.resolve(&k, entry) {
                if d != *dir {
                    listed.insert(d.clone());
                    edges.entry(dir.clone()).or_default().push(d);
                }
            }
        }
    }
    let mut visited = BTreeSet::new();
    let mut consumed = BTreeSet::new();
    let entries: Vec<&PathBuf> = dirs
        .iter()
        .filter(|d| !listed.contains(*d) && !components.contains(*d))
        .collect();
    // What the entry points list, directly or not: built through them (or cut off by the
    // depth or node limits, which is reported there), never on its own.
    let mut reached = BTreeSet::new();
    for dir in entries {
        reach(dir, &edges, &mut reached);
        build_entry(
            dir,
            &mut loader,
            options,
            &mut visited,
            &mut consumed,
            &mut built,
        );
    }
    // Kustomizations only listed by one another (a cycle) are built too, so the cycle is
    // reported rather than everything in it silently skipped.
    for dir in &dirs {
        if !reached.contains(dir) && !components.contains(dir) {
            reach(dir, &edges, &mut reached);
            build_entry(
                dir,
                &mut loader,
                options,
                &mut visited,
                &mut consumed,
                &mut built,
            );
        }
    }
    for dir in &components {
        if reached.contains(dir) || visited.contains(dir) {
            continue;
        }
        let Some(k) = loader.kustomization(dir) else {
            continue;
        };
        // A component is applied by the kustomizations that list it; its patches are not
        // workloads of their own.
        consumed.insert(k.path.clone());
        for entry in k.resources.iter().chain(k.listed_patch_paths()) {
            if let Target::File(path) = loader.resolve(&k, entry) {
                consumed.insert(path);
            }
        }
        built.notes.push(Note {
            location: Some(crate::model::Location::file_start(k.file.path.clone())),
            message: format!(
                "kustomize Component `{}` is not built on its own (no scanned kustomization lists it)",
                loader.name(dir)
            ),
        });
    }
    for dir in &dirs {
        if let Some(file) = loader.kustomization_file(dir) {
            consumed.insert(file.canonicalize().unwrap_or(file));
        }
    }
    built.files = loader.sources();
    built.errors.append(&mut loader.errors);
    built.notes.append(&mut loader.notes);
    built.consumed = consumed;
    built
}

/// Adds `from` and every scanned kustomization it lists, directly or not, to `reached`.
fn reach(from: &Path, edges: &BTreeMap<PathBuf, Vec<PathBuf>>, reached: &mut BTreeSet<PathBuf>) {
    let mut todo = vec![from.to_path_buf()];
    while let Some(dir) = todo.pop() {
        if reached.contains(&dir) {
            continue;
        }
        if let Some(next) = edges.get(&dir) {
            todo.extend(next.iter().filter(|d| !reached.contains(*d)).cloned());
        }
        reached.insert(dir);
    }
}

fn build_entry(
    dir: &Path,
    loader: &mut Loader,
    options: Options,
    visited: &mut BTreeSet<PathBuf>,
    consumed: &mut BTreeSet<PathBuf>,
    built: &mut Built,
) {
    let mut builder = Builder::new(loader);
    let resources = builder.build(dir);
    visited.append(&mut builder.visited);
    consumed.append(&mut builder.consumed);
    let root: Arc<str> = loader.name(dir);
    let mut out = Extracted::default();
    for res in resources {
        let doc = Document {
            root: res.root,
            span: res.doc_span,
        };
        super::extract_document(
            &doc,
            &res.file,
            &root,
            options,
            Some(&loader.regions),
            &mut out,
        );
    }
    kinds::link_hpas(&mut out.resources, &out.hpas);
    built.resources.append(&mut out.resources);
    built.errors.append(&mut out.errors);
    built.notes.append(&mut out.notes);
}

#[cfg(test)]
mod tests;
