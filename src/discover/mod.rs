//! The discover stage: walks the paths the user gave and finds the input files, grouped
//! by Terraform module directory. It reads directory listings only, never file contents.
//!
//! Symbolic links are followed, but a directory reached twice (a link loop, or a link to a
//! directory already scanned) is scanned once, and a file reached through two links is
//! counted once. `.terraform/` and `.git/` are never entered.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use globset::GlobSet;

use crate::load::source::PathNamer;
use crate::model::{InputError, Location, Note};

/// Directory names that are never scanned.
const SKIPPED_DIRS: &[&str] = &[".terraform", ".git"];

/// What was found under the given paths.
#[derive(Debug, Default)]
pub struct Discovered {
    /// Canonical module directory → its `.tf` and `.tf.json` files, sorted.
    pub terraform_modules: BTreeMap<PathBuf, Vec<PathBuf>>,
    pub errors: Vec<InputError>,
    /// What was skipped and why (`--verbose`).
    pub notes: Vec<Note>,
}

/// Whether a file name is Terraform configuration (not a variables file).
pub fn is_terraform_file(name: &str) -> bool {
    name.ends_with(".tf") || name.ends_with(".tf.json")
}

/// Finds input files under `paths`. A file path stands for its directory. `excludes` are
/// matched against repository-relative paths.
pub fn discover(paths: &[PathBuf], namer: &PathNamer, excludes: &GlobSet) -> Discovered {
    let mut found = Discovered::default();
    let mut seen_files: BTreeSet<PathBuf> = BTreeSet::new();
    let mut seen_dirs: BTreeSet<PathBuf> = BTreeSet::new();
    for path in paths {
        let canonical = match path.canonicalize() {
            Ok(p) => p,
            Err(e) => {
                found.errors.push(
                    InputError::new(
                        Location::file_start(path.to_string_lossy().as_ref().into()),
                        format!("cannot read `{}`: {e}", path.display()),
                    )
                    .with_help("check the path you passed"),
                );
                continue;
            }
        };
        let (start, recursive) = if canonical.is_file() {
            match canonical.parent() {
                Some(dir) => (dir.to_path_buf(), false),
                None => continue,
            }
        } else {
            (canonical, true)
        };
        walk(
            &start,
            recursive,
            namer,
            excludes,
            &mut seen_files,
            &mut seen_dirs,
            &mut found,
        );
    }
    found
}

fn walk(
    start: &Path,
    recursive: bool,
    namer: &PathNamer,
    excludes: &GlobSet,
    seen_files: &mut BTreeSet<PathBuf>,
    seen_dirs: &mut BTreeSet<PathBuf>,
    found: &mut Discovered,
) {
    let mut walker = walkdir::WalkDir::new(start)
        .follow_links(true)
        .sort_by_file_name();
    if !recursive {
        walker = walker.max_depth(1);
    }
    let mut it = walker.into_iter();
    while let Some(entry) = it.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let at = e
                    .path()
                    .map(|p| namer.name(p).to_string())
                    .unwrap_or_default();
                if e.loop_ancestor().is_some() {
                    found.notes.push(Note {
                        location: None,
                        message: format!("`{at}` links back to a directory already being scanned; not scanned again"),
                    });
                } else {
                    found.errors.push(InputError::new(
                        Location::file_start(at.as_str().into()),
                        format!("cannot read `{at}`: {e}"),
                    ));
                }
                continue;
            }
        };
        let name = entry.file_name().to_string_lossy();
        let rel = namer.name(entry.path());
        if entry.file_type().is_dir() {
            if entry.depth() > 0 && SKIPPED_DIRS.contains(&name.as_ref()) {
                it.skip_current_dir();
                continue;
            }
            if entry.depth() > 0 && excludes.is_match(rel.as_ref()) {
                found.notes.push(Note {
                    location: None,
                    message: format!("`{rel}` is excluded by configuration"),
                });
                it.skip_current_dir();
                continue;
            }
            // A directory reached again through a link is scanned once.
            let canonical = entry
                .path()
                .canonicalize()
                .unwrap_or_else(|_| entry.path().to_path_buf());
            if !seen_dirs.insert(canonical) && entry.depth() > 0 {
                it.skip_current_dir();
            }
            continue;
        }
        if !is_terraform_file(&name) {
            continue;
        }
        if excludes.is_match(rel.as_ref()) {
            found.notes.push(Note {
                location: None,
                message: format!("`{rel}` is excluded by configuration"),
            });
            continue;
        }
        let canonical = entry
            .path()
            .canonicalize()
            .unwrap_or_else(|_| entry.path().to_path_buf());
        if !seen_files.insert(canonical.clone()) {
            continue;
        }
        // Files are grouped by the directory they are in, as Terraform reads a module.
        let dir = entry
            .path()
            .parent()
            .and_then(|p| p.canonicalize().ok())
            .or_else(|| canonical.parent().map(Path::to_path_buf));
        if let Some(dir) = dir {
            found
                .terraform_modules
                .entry(dir)
                .or_default()
                .push(canonical);
        }
    }
    for files in found.terraform_modules.values_mut() {
        files.sort();
        files.dedup();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(found: &Discovered, namer: &PathNamer) -> Vec<String> {
        found
            .terraform_modules
            .values()
            .flatten()
            .map(|p| namer.name(p).to_string())
            .collect()
    }

    #[test]
    fn finds_modules_and_skips_dot_terraform() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("infra/.terraform/modules/x")).unwrap();
        std::fs::create_dir_all(root.join("infra/modules/gpu")).unwrap();
        std::fs::write(root.join("infra/main.tf"), "").unwrap();
        std::fs::write(root.join("infra/extra.tf.json"), "{}").unwrap();
        std::fs::write(root.join("infra/terraform.tfvars"), "").unwrap();
        std::fs::write(root.join("infra/.terraform/modules/x/main.tf"), "").unwrap();
        std::fs::write(root.join("infra/modules/gpu/main.tf"), "").unwrap();
        let namer = PathNamer::new(root.clone());
        let found = discover(&[root.join("infra")], &namer, &GlobSet::empty());
        assert_eq!(
            names(&found, &namer),
            vec![
                "infra/extra.tf.json",
                "infra/main.tf",
                "infra/modules/gpu/main.tf"
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_and_duplicate_links_are_scanned_once() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("a")).unwrap();
        std::fs::write(root.join("a/main.tf"), "").unwrap();
        std::os::unix::fs::symlink(&root, root.join("a/loop")).unwrap();
        std::os::unix::fs::symlink(root.join("a"), root.join("b")).unwrap();
        std::os::unix::fs::symlink(root.join("a/main.tf"), root.join("a/again.tf")).unwrap();
        let namer = PathNamer::new(root.clone());
        let found = discover(std::slice::from_ref(&root), &namer, &GlobSet::empty());
        assert_eq!(names(&found, &namer), vec!["a/main.tf"]);
        assert!(found.errors.is_empty(), "{:?}", found.errors);
    }

    #[test]
    fn a_missing_path_is_an_error() {
        let namer = PathNamer::new(PathBuf::from("/"));
        let found = discover(
            &[PathBuf::from("/definitely/not/here")],
            &namer,
            &GlobSet::empty(),
        );
        assert_eq!(found.errors.len(), 1);
    }
}
