//! The discover stage: walks the paths the user gave and finds the input files: Terraform
//! grouped by module directory, and YAML files one by one. It reads directory listings
//! only, never file contents.
//!
//! Symbolic links are followed, but a directory reached twice (a link loop, or a link to a
//! directory already scanned) is scanned once, and a YAML file reached through two links is
//! counted once. A Terraform file belongs to every directory it is listed in, link or not:
//! Terraform loads `dir/*.tf` whatever they point to, so a shared file linked into several
//! modules is part of each (the loader reads its text once). `.terraform/`, `.git/` and
//! `node_modules/` are never entered.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use globset::GlobSet;

use crate::load::source::{kind_of, PathNamer};
use crate::model::{InputError, Location, Note};

/// Directory names that are never scanned.
const SKIPPED_DIRS: &[&str] = &[".terraform", ".git", "node_modules"];

/// What was found under the given paths.
#[derive(Debug, Default)]
pub struct Discovered {
    /// Canonical module directory → its `.tf` and `.tf.json` files as listed there (the
    /// canonical directory joined with each file name, links not resolved), sorted.
    pub terraform_modules: BTreeMap<PathBuf, Vec<PathBuf>>,
    /// Canonical paths of `.yaml` and `.yml` files, sorted.
    pub yaml_files: Vec<PathBuf>,
    pub errors: Vec<InputError>,
    /// What was skipped and why (`--verbose`).
    pub notes: Vec<Note>,
}

/// Whether a file name is Terraform or OpenTofu configuration (not a variables file).
pub fn is_terraform_file(name: &str) -> bool {
    [".tf", ".tf.json", ".tofu", ".tofu.json"]
        .iter()
        .any(|ext| name.ends_with(ext))
}

/// The `.tf` name an OpenTofu file (`x.tofu`, `x.tofu.json`) takes the place of.
fn shadowed_name(name: &str) -> Option<String> {
    if let Some(stem) = name.strip_suffix(".tofu.json") {
        return Some(format!("{stem}.tf.json"));
    }
    name.strip_suffix(".tofu").map(|stem| format!("{stem}.tf"))
}

/// Drops from one directory's files each `x.tf` (`x.tf.json`) next to an `x.tofu`
/// (`x.tofu.json`): OpenTofu reads only the `.tofu` one. Returns the dropped files.
pub fn drop_shadowed_by_tofu(files: &mut Vec<PathBuf>) -> Vec<PathBuf> {
    let name = |p: &PathBuf| p.file_name().map(|n| n.to_string_lossy().into_owned());
    let shadowed: BTreeSet<String> = files
        .iter()
        .filter_map(|p| shadowed_name(&name(p)?))
        .collect();
    let (dropped, kept) = std::mem::take(files)
        .into_iter()
        .partition(|p| name(p).is_some_and(|n| shadowed.contains(&n)));
    *files = kept;
    dropped
}

/// Whether a file name is YAML (Kubernetes manifests, AI serving configs), including a
/// kustomization file named `Kustomization`, which has no extension.
pub fn is_yaml_file(name: &str) -> bool {
    name.ends_with(".yaml") || name.ends_with(".yml") || name == "Kustomization"
}

/// What a walk collects.
#[derive(Clone, Copy)]
struct WalkMode {
    recursive: bool,
    yaml: bool,
}

/// Finds input files under `paths`. A YAML file path stands for itself; any other file
/// path stands for the Terraform module directory it is in. `excludes` are matched
/// against repository-relative paths, explicit files included.
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
        let is_yaml = canonical
            .file_name()
            .is_some_and(|n| is_yaml_file(&n.to_string_lossy()));
        let (start, mode) = if canonical.is_file() && is_yaml {
            add_yaml_file(canonical, namer, excludes, &mut seen_files, &mut found);
            continue;
        } else if let Some(kind) = special_file(&canonical) {
            found.errors.push(
                InputError::new(
                    Location::file_start(namer.name(&canonical)),
                    format!(
                        "cannot read `{}`: it is {kind}, not a regular file or a directory",
                        path.display()
                    ),
                )
                .with_help("pass files or directories; `-` reads YAML from standard input"),
            );
            continue;
        } else if canonical.is_file() {
            // The directory the file is listed in, not the one a link points into.
            match module_dir_of(path) {
                Some(dir) => (
                    dir,
                    WalkMode {
                        recursive: false,
                        yaml: false,
                    },
                ),
                None => continue,
            }
        } else {
            (
                canonical,
                WalkMode {
                    recursive: true,
                    yaml: true,
                },
            )
        };
        walk(
            &start,
            mode,
            namer,
            excludes,
            &mut seen_files,
            &mut seen_dirs,
            &mut found,
        );
    }
    found.yaml_files.sort();
    found.yaml_files.dedup();
    found
}

/// A symbolic link whose target does not exist and whose name is not an input file
/// (`.tf`, `.tf.json`, `.yaml`, `.yml`), such as a link to a removed directory.
fn is_dangling_non_input(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    is_link && !path.exists() && !is_terraform_file(&name) && !is_yaml_file(&name)
}

/// The canonical directory a file path is listed in (its own parent, links not followed
/// for the file itself).
fn module_dir_of(path: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(path).ok()?;
    absolute.parent()?.canonicalize().ok()
}

/// A YAML file named on the command line: read exactly that file, unless excluded.
fn add_yaml_file(
    canonical: PathBuf,
    namer: &PathNamer,
    excludes: &GlobSet,
    seen_files: &mut BTreeSet<PathBuf>,
    found: &mut Discovered,
) {
    let rel = namer.name(&canonical);
    if excludes.is_match(rel.as_ref()) {
        found.notes.push(Note {
            location: None,
            message: format!("`{rel}` is excluded by configuration"),
        });
        return;
    }
    if seen_files.insert(canonical.clone()) {
        found.yaml_files.push(canonical);
    }
}

/// What `path` is when it is neither a regular file nor a directory (links followed).
fn special_file(path: &Path) -> Option<&'static str> {
    let metadata = std::fs::metadata(path).ok()?;
    (!metadata.is_file() && !metadata.is_dir()).then(|| kind_of(&metadata))
}

fn walk(
    start: &Path,
    mode: WalkMode,
    namer: &PathNamer,
    excludes: &GlobSet,
    seen_files: &mut BTreeSet<PathBuf>,
    seen_dirs: &mut BTreeSet<PathBuf>,
    found: &mut Discovered,
) {
    let mut walker = walkdir::WalkDir::new(start)
        .follow_links(true)
        .sort_by_file_name();
    if !mode.recursive {
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
                } else if e.path().is_some_and(is_dangling_non_input) {
                    // Terraform never reads it: not a reason to fail the run.
                    found.notes.push(Note {
                        location: None,
                        message: format!(
                            "`{at}` is a link to something that does not exist; skipped"
                        ),
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
        let terraform = is_terraform_file(&name);
        let yaml = mode.yaml && is_yaml_file(&name);
        if !terraform && !yaml {
            continue;
        }
        if excludes.is_match(rel.as_ref()) {
            found.notes.push(Note {
                location: None,
                message: format!("`{rel}` is excluded by configuration"),
            });
            continue;
        }
        // Reading a FIFO would wait for a writer forever; a device may never end.
        if !entry.file_type().is_file() {
            let kind = entry.metadata().map_or("a special file", |m| kind_of(&m));
            found.notes.push(Note {
                location: None,
                message: format!("`{rel}` is {kind}, not a regular file, and was skipped"),
            });
            continue;
        }
        if !terraform {
            let canonical = entry
                .path()
                .canonicalize()
                .unwrap_or_else(|_| entry.path().to_path_buf());
            if seen_files.insert(canonical.clone()) {
                found.yaml_files.push(canonical);
            }
            continue;
        }
        // Files are grouped by the directory they are listed in, as Terraform reads a
        // module; the same directory reached twice lists the same paths, deduplicated below.
        if let Some(dir) = entry.path().parent().and_then(|p| p.canonicalize().ok()) {
            found
                .terraform_modules
                .entry(dir.clone())
                .or_default()
                .push(dir.join(entry.file_name()));
        }
    }
    for files in found.terraform_modules.values_mut() {
        files.sort();
        files.dedup();
        for dropped in drop_shadowed_by_tofu(files) {
            found.notes.push(Note {
                location: None,
                message: format!(
                    "`{}` is not read: an OpenTofu `.tofu` file of the same name takes its place",
                    namer.name(&dropped)
                ),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tofu_file_takes_the_place_of_the_tf_file_of_the_same_name() {
        let mut files: Vec<PathBuf> = [
            "m/a.tf",
            "m/a.tofu",
            "m/b.tf",
            "m/c.tf.json",
            "m/c.tofu.json",
            "m/d.tofu",
            "m/e.tofu.json",
            "m/e.tf",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        let dropped = drop_shadowed_by_tofu(&mut files);
        assert_eq!(
            dropped,
            vec![PathBuf::from("m/a.tf"), PathBuf::from("m/c.tf.json")]
        );
        let kept: Vec<&str> = files.iter().filter_map(|p| p.to_str()).collect();
        // e.tofu.json stands for e.tf.json, not e.tf.
        assert_eq!(
            kept,
            vec![
                "m/a.tofu",
                "m/b.tf",
                "m/c.tofu.json",
                "m/d.tofu",
                "m/e.tofu.json",
                "m/e.tf"
            ]
        );
        assert!(is_terraform_file("x.tofu") && is_terraform_file("x.tofu.json"));
        assert!(!is_terraform_file("x.tofuvars") && !is_terraform_file("x.tfvars"));
    }

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
        // `b` is `a` again and the loop is not followed; a file linked within its own
        // directory is listed twice there, as Terraform lists it.
        assert_eq!(names(&found, &namer), vec!["a/again.tf", "a/main.tf"]);
        assert!(found.errors.is_empty(), "{:?}", found.errors);
    }

    #[cfg(unix)]
    #[test]
    fn a_dangling_link_is_an_error_only_when_it_names_an_input_file() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("app")).unwrap();
        std::fs::write(root.join("app/main.tf"), "").unwrap();
        std::os::unix::fs::symlink("../gone", root.join("app/tfvars")).unwrap();
        std::os::unix::fs::symlink("../gone.tf", root.join("app/shared.tf")).unwrap();
        let namer = PathNamer::new(root.clone());
        let found = discover(std::slice::from_ref(&root), &namer, &GlobSet::empty());
        let errors: Vec<String> = found
            .errors
            .iter()
            .map(|e| e.location.file.to_string())
            .collect();
        assert_eq!(errors, vec!["app/shared.tf"]);
        let notes: Vec<&str> = found.notes.iter().map(|n| n.message.as_str()).collect();
        assert_eq!(
            notes,
            vec!["`app/tfvars` is a link to something that does not exist; skipped"]
        );
        assert_eq!(names(&found, &namer), vec!["app/main.tf"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_file_linked_into_several_directories_belongs_to_each() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        for d in ["shared", "envs/dev", "envs/prod"] {
            std::fs::create_dir_all(root.join(d)).unwrap();
        }
        std::fs::write(root.join("shared/variables.tf"), "").unwrap();
        std::fs::write(root.join("envs/dev/main.tf"), "").unwrap();
        std::fs::write(root.join("envs/prod/main.tf"), "").unwrap();
        for env in ["dev", "prod"] {
            std::os::unix::fs::symlink(
                "../../shared/variables.tf",
                root.join(format!("envs/{env}/variables.tf")),
            )
            .unwrap();
        }
        let namer = PathNamer::new(root.clone());
        let expected = vec![
            "envs/dev/main.tf",
            "envs/dev/variables.tf",
            "envs/prod/main.tf",
            "envs/prod/variables.tf",
            "shared/variables.tf",
        ];
        let found = discover(std::slice::from_ref(&root), &namer, &GlobSet::empty());
        assert_eq!(names(&found, &namer), expected);
        // Scanning one directory alone gives it the same files.
        let found = discover(&[root.join("envs/prod")], &namer, &GlobSet::empty());
        assert_eq!(
            names(&found, &namer),
            vec!["envs/prod/main.tf", "envs/prod/variables.tf"]
        );
        // A linked file named on the command line stands for the directory it is listed in.
        let found = discover(
            &[root.join("envs/dev/variables.tf")],
            &namer,
            &GlobSet::empty(),
        );
        assert_eq!(
            names(&found, &namer),
            vec!["envs/dev/main.tf", "envs/dev/variables.tf"]
        );
    }

    #[test]
    fn finds_yaml_files_and_skips_node_modules() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("k8s/node_modules/pkg")).unwrap();
        std::fs::create_dir_all(root.join("k8s/skip")).unwrap();
        std::fs::write(root.join("k8s/a.yaml"), "").unwrap();
        std::fs::write(root.join("k8s/b.yml"), "").unwrap();
        std::fs::write(root.join("k8s/c.json"), "").unwrap();
        std::fs::write(root.join("k8s/node_modules/pkg/x.yaml"), "").unwrap();
        std::fs::write(root.join("k8s/skip/d.yaml"), "").unwrap();
        let namer = PathNamer::new(root.clone());
        let mut excludes = globset::GlobSetBuilder::new();
        excludes.add(globset::Glob::new("k8s/skip").unwrap());
        let found = discover(
            std::slice::from_ref(&root),
            &namer,
            &excludes.build().unwrap(),
        );
        let yaml: Vec<String> = found
            .yaml_files
            .iter()
            .map(|p| namer.name(p).to_string())
            .collect();
        assert_eq!(yaml, vec!["k8s/a.yaml", "k8s/b.yml"]);
        assert!(found.terraform_modules.is_empty());
    }

    #[test]
    fn a_yaml_path_stands_for_itself_and_a_tf_path_for_its_terraform() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::write(root.join("main.tf"), "").unwrap();
        std::fs::write(root.join("a.yaml"), "").unwrap();
        std::fs::write(root.join("b.yaml"), "").unwrap();
        let namer = PathNamer::new(root.clone());
        let found = discover(&[root.join("a.yaml")], &namer, &GlobSet::empty());
        assert_eq!(found.yaml_files, vec![root.join("a.yaml")]);
        assert!(found.terraform_modules.is_empty());
        let found = discover(&[root.join("main.tf")], &namer, &GlobSet::empty());
        assert!(found.yaml_files.is_empty());
        assert_eq!(names(&found, &namer), vec!["main.tf"]);
        // The same file through its directory and by name is read once.
        let found = discover(
            &[root.clone(), root.join("a.yaml")],
            &namer,
            &GlobSet::empty(),
        );
        assert_eq!(found.yaml_files.len(), 2);
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
