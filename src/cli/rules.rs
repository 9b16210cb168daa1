//! Rules read from another tree than the one checked: the base of `diff`, or the git
//! revision of `check --config-from REV`. The configuration, the policy directories and the
//! price overlay come from that tree, the usage file stays the checked tree's, and each
//! rule file the checked tree edits is named in a warning — so a change cannot loosen the
//! gate it is checked by.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::args::{CheckArgs, InputArgs, RuleArgs};
use super::pipeline::Prepared;
use super::settings::{policy_dirs, usage_file_path};
use super::{exit, print_diagnostic};
use crate::config;
use crate::diff::git_tree;
use crate::load::source::{read_source, PathNamer, DEFAULT_MAX_FILE_SIZE};
use crate::model::{InputError, Location};
use crate::price::overlay;
use crate::report::diff::Side;

/// The tree the rules come from: a git revision exported to a temporary directory
/// (removed when this is dropped), or a directory given as is.
pub(super) struct BaseTree {
    pub root: PathBuf,
    pub side: Side,
    /// For a git tree: how to export more of it (its configuration's own policy
    /// directories, known only once it is read).
    pub git: Option<GitBase>,
    pub _scratch: Option<tempfile::TempDir>,
}

pub(super) struct GitBase {
    top: PathBuf,
    commit: String,
    dest: PathBuf,
    max_file_size: u64,
}

/// Which command applies another tree's rules: the warnings say so in its words.
#[derive(Clone, Copy)]
pub(super) enum Applier {
    /// `diff`: the base's rules, unless `--config-from head`.
    Diff,
    /// `check --config-from REV`.
    Check,
}

impl BaseTree {
    /// The revision or directory, as the user gave it.
    pub fn name(&self) -> &str {
        self.side
            .reference
            .as_deref()
            .or(self.side.path.as_deref())
            .unwrap_or("the base")
    }

    /// Makes `dirs` (paths under the tree's root) present: exported from git for a git
    /// tree; a directory has them already.
    fn export_policy_dirs(
        &self,
        dirs: &[PathBuf],
        on_error: fn(git_tree::GitError) -> u8,
    ) -> Result<(), u8> {
        let Some(g) = &self.git else {
            return Ok(());
        };
        let policies: Vec<String> = dirs.iter().filter_map(|d| relative(d, &g.dest)).collect();
        if policies.is_empty() {
            return Ok(());
        }
        let selection = git_tree::Selection {
            scanned: Vec::new(),
            files: Vec::new(),
            policies,
            max_file_size: g.max_file_size,
        };
        git_tree::export(&g.top, &g.commit, &selection, &g.dest)
            .map(|_| ())
            .map_err(on_error)
    }
}

/// Exports what `select` (given git's top directory) names of `reference` into a
/// temporary directory. The tree's root is where the checked repository's root is in it.
/// Git errors are printed by `on_error`, in the words of the flag that named `reference`.
pub(super) fn open_git(
    reference: &str,
    head_root: &Path,
    select: impl FnOnce(&Path) -> git_tree::Selection,
    on_error: fn(git_tree::GitError) -> u8,
) -> Result<BaseTree, u8> {
    let scratch = tempfile::Builder::new()
        .prefix("aicost-policy-base-")
        .tempdir()
        .map_err(|e| {
            eprintln!("error: cannot create a temporary directory for {reference}: {e}\n  help: make the temporary directory ($TMPDIR) writable");
            exit::ERROR
        })?;
    let top = git_tree::toplevel(head_root).map_err(on_error)?;
    let commit = git_tree::resolve(&top, reference).map_err(on_error)?;
    let selection = select(&top);
    git_tree::export(&top, &commit, &selection, scratch.path()).map_err(on_error)?;
    let git = GitBase {
        top: top.clone(),
        commit: commit.clone(),
        dest: canonical(scratch.path()),
        max_file_size: selection.max_file_size,
    };
    // The repository root the namer uses may be below git's top (no .git there).
    let inside = head_root
        .strip_prefix(canonical(&top))
        .map(Path::to_path_buf)
        .unwrap_or_default();
    Ok(BaseTree {
        root: canonical(scratch.path()).join(inside),
        side: Side {
            reference: Some(reference.to_string()),
            commit: Some(commit),
            path: None,
            plan: None,
        },
        git: Some(git),
        _scratch: Some(scratch),
    })
}

/// The rules of `check --config-from REV`, and the revision's tree they are read from
/// (kept until the run ends).
pub(super) struct Revision {
    pub input: InputArgs,
    pub rules: RuleArgs,
    /// The rule files the working tree edits.
    pub warnings: Vec<InputError>,
    tree: BaseTree,
}

impl Revision {
    /// Where the revision has the baseline `given` (a path of the working tree), with a
    /// warning when the working tree's differs; `None` when the revision has none, so
    /// nothing is baselined. A baseline outside the repository is read as given.
    pub fn baseline(&self, given: &Path, head_root: &Path) -> (Option<PathBuf>, Vec<InputError>) {
        let Some(there) = on_tree(given, head_root, &self.tree.root) else {
            return (Some(given.to_path_buf()), Vec::new());
        };
        let name = relative(given, head_root).unwrap_or_default();
        let text = |p: &Path| {
            read_source(p, Arc::from(""), DEFAULT_MAX_FILE_SIZE)
                .ok()
                .map(|f| f.text.clone())
        };
        let mut warnings = Vec::new();
        if text(given) != text(&there) {
            let against = self.tree.name();
            let message = if there.exists() {
                format!("the working tree edits {name}, the baseline of this check: the baseline applied is that of {against} (--config-from), and the edits apply once they are merged there")
            } else {
                format!("{against} has no {name}: no finding is baselined (--config-from), and the working tree's baseline applies once it is merged there")
            };
            warnings.push(
                InputError::new(Location::file_start(Arc::from(name.as_str())), message)
                    .with_help("review it as a change to the gate: a change that adds its own findings to the baseline does not pass them"),
            );
        }
        (there.exists().then_some(there), warnings)
    }

    /// What `--verbose` says about where the rules came from.
    pub fn note(&self) -> String {
        let commit = self.tree.side.commit.as_deref().unwrap_or_default();
        format!(
            "note: rules from {} (commit {commit}): its configuration, policies and price overlay, exported to a temporary directory",
            self.tree.name()
        )
    }
}

/// Reads the rules of `check` from the git revision `reference` of the repository of the
/// first path; `prepared` gets its configuration.
pub(super) fn from_revision(
    args: &CheckArgs,
    prepared: &mut Prepared,
    reference: &str,
) -> Result<Revision, u8> {
    let head_root = prepared.namer.root().to_path_buf();
    let max_file_size = args
        .input
        .max_file_size
        .unwrap_or(prepared.loaded.config.max_file_size);
    let select = |top: &Path| {
        let mut selection = rule_selection(prepared, &args.rules.policy_dirs, max_file_size, top);
        // The baseline is part of the gate: the revision's is applied.
        if let Some(name) = args
            .baseline
            .as_deref()
            .and_then(|b| relative(b, &canonical(top)))
        {
            selection.files.push(name);
        }
        selection
    };
    let tree = open_git(reference, &head_root, select, revision_error)?;
    let (input, rules, warnings) = rules_from(
        &args.input,
        &args.rules,
        prepared,
        &tree,
        Applier::Check,
        revision_error,
    )?;
    Ok(Revision {
        input,
        rules,
        warnings,
        tree,
    })
}

/// A git error of `--config-from`, in its words.
fn revision_error(e: git_tree::GitError) -> u8 {
    match e {
        git_tree::GitError::UnknownRef {
            reference,
            repository,
        } => eprintln!(
            "error: `{reference}` given with --config-from is not a commit in {repository}\n  help: give a branch, tag or commit of that repository; in CI, fetch it first, e.g. `git fetch --no-tags --depth=1 origin main`, and pass --config-from origin/main"
        ),
        git_tree::GitError::NotARepository { path } => eprintln!(
            "error: {path} is not inside a git repository, and --config-from reads the rules from git\n  help: run in a clone, or leave out --config-from to apply the working tree's rules"
        ),
        git_tree::GitError::NotRunnable(message) => eprintln!(
            "error: cannot run git: {message}, and --config-from reads the rules from git\n  help: install git, or leave out --config-from to apply the working tree's rules"
        ),
        other => eprintln!("error: {other}"),
    }
    exit::ERROR
}

/// What of a git revision the rules are, relative to git's top `top`: every place its
/// configuration may be found from (a change that deletes or moves the configuration must
/// not leave the revision without its own), the checked tree's configuration, its policy
/// directories and `--policy-dir` directories, and the price overlay.
pub(super) fn rule_selection(
    prepared: &Prepared,
    cli_policy_dirs: &[PathBuf],
    max_file_size: u64,
    top: &Path,
) -> git_tree::Selection {
    let top = canonical(top);
    let loaded = &prepared.loaded;
    let files = [
        loaded.path.clone(),
        Some(overlay::installed_path(prepared.namer.root())),
    ];
    let candidates = config::candidates(&discovery_start(prepared), prepared.namer.root());
    git_tree::Selection {
        scanned: Vec::new(),
        files: files
            .iter()
            .flatten()
            .chain(&candidates)
            .filter_map(|p| relative(p, &top))
            .collect(),
        policies: policy_dirs(loaded, cli_policy_dirs)
            .iter()
            .filter_map(|p| relative(p, &top))
            .collect(),
        max_file_size,
    }
}

/// The tree's rules for the run: its configuration (put in `prepared`), its policy
/// directories and `--policy-dir` directories as the tree has them, with the checked
/// tree's usage file, and a warning for each rule file the checked tree edits.
pub(super) fn rules_from(
    given_input: &InputArgs,
    given_rules: &RuleArgs,
    prepared: &mut Prepared,
    tree: &BaseTree,
    applier: Applier,
    on_error: fn(git_tree::GitError) -> u8,
) -> Result<(InputArgs, RuleArgs, Vec<InputError>), u8> {
    let mut input = given_input.clone();
    let mut rules = given_rules.clone();
    // The usage file describes the change: it stays the checked tree's.
    let (start, root) = prepared.scan_start();
    input.usage_file = usage_file_path(
        &prepared.loaded,
        given_input.usage_file.as_deref(),
        (&start, root),
    );
    let head_root = prepared.namer.root().to_path_buf();
    rules.policy_dirs = given_rules
        .policy_dirs
        .iter()
        .filter_map(|dir| match on_tree(dir, &head_root, &tree.root) {
            // One the change adds is named in a warning, not applied.
            Some(there) => there.exists().then_some(there),
            // Outside the repository the workflow names it, not the change: as given.
            None => Some(dir.clone()),
        })
        .collect();
    let tree_loaded = tree_config(prepared, tree)?;
    tree.export_policy_dirs(&policy_dirs(&tree_loaded, &[]), on_error)?;
    let governance = edited_rules(
        &prepared.loaded,
        &policy_dirs(&prepared.loaded, &given_rules.policy_dirs),
        &tree_loaded,
        &policy_dirs(&tree_loaded, &rules.policy_dirs),
        &head_root,
        tree,
        applier,
    );
    prepared.loaded = tree_loaded;
    prepared.config_namer = PathNamer::new(tree.root.clone());
    Ok((input, rules, governance))
}

/// The configuration the tree has where the checked tree's would be found: looked up from
/// the same place in it. None there means the defaults, whatever the checked tree adds.
fn tree_config(prepared: &Prepared, tree: &BaseTree) -> Result<config::LoadedConfig, u8> {
    let head_root = prepared.namer.root();
    let first = discovery_start(prepared);
    let start = match first.strip_prefix(head_root) {
        Ok(relative) => tree.root.join(relative),
        Err(_) => tree.root.clone(),
    };
    config::load(None, &start, &tree.root).map_err(|e| {
        print_diagnostic(miette::Report::new(*e), prepared.color);
        exit::ERROR
    })
}

/// A warning for each rule file the checked tree edits while the other tree's rules are
/// applied: the configuration and the policy files (added, changed or removed). Their
/// edits take effect once they are in that tree.
fn edited_rules(
    head: &config::LoadedConfig,
    head_dirs: &[PathBuf],
    base: &config::LoadedConfig,
    base_dirs: &[PathBuf],
    head_root: &Path,
    tree: &BaseTree,
    applier: Applier,
) -> Vec<InputError> {
    // Rule files by name on each side: the configuration's text is at hand; policy files
    // are read one pair at a time when compared, so a directory of many large files is
    // never held at once.
    let mut head_files: BTreeMap<String, Rule> = BTreeMap::new();
    let mut base_files: BTreeMap<String, Rule> = BTreeMap::new();
    let mut config_names = BTreeSet::new();
    for (loaded, root, files) in [
        (head, head_root, &mut head_files),
        (base, tree.root.as_path(), &mut base_files),
    ] {
        if let Some(name) = loaded.path.as_deref().and_then(|p| relative(p, root)) {
            config_names.insert(name.clone());
            files.insert(name, Rule::Text(&loaded.text));
        }
    }
    for (dirs, root, files) in [
        (head_dirs, head_root, &mut head_files),
        (base_dirs, tree.root.as_path(), &mut base_files),
    ] {
        for dir in dirs {
            for path in crate::policy::policy_files(dir).unwrap_or_default() {
                if let Some(name) = relative(&path, root) {
                    files.insert(name, Rule::File(path));
                }
            }
        }
    }
    let against = tree.name();
    let names: BTreeSet<&String> = head_files.keys().chain(base_files.keys()).collect();
    names
        .into_iter()
        .filter(|name| {
            let read = |r: Option<&Rule>| r.map(Rule::text);
            read(head_files.get(*name)) != read(base_files.get(*name))
        })
        .map(|name| {
            let what = if config_names.contains(name) {
                "the configuration"
            } else {
                "a policy"
            };
            let (message, help) = match applier {
                Applier::Diff => (
                    format!("the change edits {name}, {what} of this check: the rules applied are the base's ({against}), and the edits apply once they are merged"),
                    "review it as a change to the gate; to check the change with its own rules, run diff with --config-from head",
                ),
                Applier::Check => (
                    format!("the working tree edits {name}, {what} of this check: the rules applied are those of {against} (--config-from), and the edits apply once they are merged there"),
                    "review it as a change to the gate; to check with the working tree's rules, run check without --config-from",
                ),
            };
            InputError::new(Location::file_start(Arc::from(name.as_str())), message)
                .with_help(help)
        })
        .collect()
}

/// A rule file of one side: the configuration's text, or a policy file to read.
enum Rule<'a> {
    Text(&'a str),
    File(PathBuf),
}

impl Rule<'_> {
    /// Its text for comparison, read as the policy loader reads it (a regular file within
    /// the size limit); `None` when it cannot be read (compared as unreadable on both sides).
    fn text(&self) -> Option<Arc<str>> {
        match self {
            Rule::Text(text) => Some(Arc::from(*text)),
            Rule::File(path) => read_source(path, Arc::from(""), DEFAULT_MAX_FILE_SIZE)
                .ok()
                .map(|f| f.text.clone()),
        }
    }
}

/// `path` relative to `root`, with `/` separators.
pub(super) fn relative(path: &Path, root: &Path) -> Option<String> {
    let inside = resolved(path).strip_prefix(root).ok()?.to_path_buf();
    let parts: Vec<String> = inside
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(parts.join("/"))
}

/// Where a path of the checked repository is in the tree; `None` outside the repository.
fn on_tree(path: &Path, head_root: &Path, tree_root: &Path) -> Option<PathBuf> {
    resolved(path)
        .strip_prefix(head_root)
        .ok()
        .map(|relative| tree_root.join(relative))
}

/// Where configuration discovery starts: the first scanned path (or plan).
pub(super) fn discovery_start(prepared: &Prepared) -> PathBuf {
    prepared
        .paths
        .first()
        .or(prepared.plans.first())
        .map(|p| canonical(p))
        .unwrap_or_else(|| prepared.namer.root().to_path_buf())
}

pub(super) fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

/// `path` absolute and canonical as far as it exists: a directory the checked tree deleted
/// is still placed inside the repository, and so read from the other tree.
fn resolved(path: &Path) -> PathBuf {
    if let Ok(c) = path.canonicalize() {
        return c;
    }
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    match (absolute.parent(), absolute.file_name()) {
        (Some(parent), Some(name)) => resolved(parent).join(name),
        _ => absolute,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_directory_is_placed_where_it_would_be() {
        let dir = tempfile::tempdir().unwrap();
        let root = canonical(dir.path());
        let gone = dir.path().join("policies/org");
        assert_eq!(resolved(&gone), root.join("policies/org"));
        assert_eq!(relative(&gone, &root).as_deref(), Some("policies/org"));
        let tree = Path::new("/tree");
        assert_eq!(on_tree(&gone, &root, tree), Some(tree.join("policies/org")));
        assert_eq!(on_tree(Path::new("/elsewhere/p"), &root, tree), None);
    }
}
