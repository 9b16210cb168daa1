//! `aicost-policy diff`: the head and the base (a git revision or a directory) are analysed
//! as `check` does, both with one set of rules — the base's configuration, policies and
//! price overlay unless `--config-from head`, so a change cannot loosen its own gate — and
//! the comparison shows what the change to the infrastructure does. Then the reports and
//! the exit code.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::args::{ConfigFrom, DiffArgs, FailOn, Format, InputArgs, RuleArgs};
use super::check::{analyze, exit_code, load_policies, today};
use super::output::OutputTarget;
use super::pipeline::{self, Prepared};
use super::settings::{policy_dirs, usage_file_path};
use super::{exit, output, print_diagnostic};
use crate::config;
use crate::diff::{self, git_tree, Diff, Origin};
use crate::load::source::{read_source, PathNamer, DEFAULT_MAX_FILE_SIZE};
use crate::load::terraform::plan::PlanSide;
use crate::load::terraform::VarArg;
use crate::model::{InputError, Location};
use crate::policy::Policies;
use crate::price::overlay;
use crate::report::diff::{DiffReport, Links, Side};
use crate::report::{diff_text, github, junit, markdown, sarif, Report};

/// A finished comparison: the diff, its report, and the exit code it calls for.
pub struct Compared {
    pub diff: Diff,
    pub report: DiffReport,
    pub code: u8,
}

pub fn run(args: &DiffArgs, var_order: &[VarArg], targets: &[OutputTarget]) -> u8 {
    let compared = match compare(args, var_order) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if let Err(code) = write_reports(args, &compared, targets) {
        return code;
    }
    compared.code
}

/// Analyses both sides and compares them.
pub fn compare(args: &DiffArgs, var_order: &[VarArg]) -> Result<Compared, u8> {
    if args.input.paths.iter().any(|p| p.as_os_str() == "-") {
        eprintln!("error: diff reads both sides from files; `-` (standard input) cannot be compared\n  help: give the files or directories to compare");
        return Err(exit::ERROR);
    }
    let mut prepared = pipeline::prepare(&args.input)?;
    let today = today(args.rules.today.as_deref())?;
    let base_source = match prepared.plans.is_empty() {
        true => Some(base_source(args)?),
        false => None,
    };
    // The base tree is opened first: by default the rules come from it.
    let base_tree = match &base_source {
        Some(source) => Some(open_base(source, args, &prepared)?),
        None => None,
    };
    let from_base = args.config_from == ConfigFrom::Base && args.input.config.is_none();
    let (input, rules, governance) = match base_tree.as_ref().filter(|_| from_base) {
        Some(tree) => rules_from_base(args, &mut prepared, tree)?,
        None => (args.input.clone(), args.rules.clone(), Vec::new()),
    };
    let policies = load_policies(&prepared, &rules)?;
    if args.input.verbose {
        if let Some(tree) = base_tree.as_ref().filter(|_| from_base) {
            eprintln!(
                "note: rules from the base ({}): its configuration, policies and price overlay, exported to a temporary directory",
                tree.name()
            );
        }
        eprint!("{}", super::check::used(&prepared, &input, &rules));
    }
    let mut head = analyze(&prepared, &input, var_order, &policies, today.clone())?;
    head.warnings.extend(governance);
    let (base, base_side) = match base_tree {
        Some(tree) => tree_base(tree, &input, var_order, &prepared, &policies, today, &head)?,
        None => plan_base(args, var_order, &prepared, &policies, today)?,
    };
    let head_root = prepared.namer.root().to_path_buf();

    let diff = diff::compare(base, head);
    let commit = head_commit(&head_root);
    let links = commit
        .as_deref()
        .and_then(|commit| links(args.repo.as_deref(), commit));
    let head_side = Side {
        commit,
        ..Side::default()
    };
    let report = crate::report::diff::build(&diff, base_side, head_side, links);
    let origins = &diff.origins;
    let code = exit_code(&diff.head, &args.gate, |i| {
        args.fail_on == FailOn::All || origins.get(i) == Some(&Origin::New)
    });
    Ok(Compared { diff, report, code })
}

/// The base's rules for both sides: its configuration (in `prepared`), its policy
/// directories and `--policy-dir` directories as the base has them, with the head's usage
/// file, and a warning for each rule file the head edits.
fn rules_from_base(
    args: &DiffArgs,
    prepared: &mut Prepared,
    tree: &BaseTree,
) -> Result<(InputArgs, RuleArgs, Vec<InputError>), u8> {
    let mut input = args.input.clone();
    let mut rules = args.rules.clone();
    // The usage file describes the change: it stays the head's.
    input.usage_file = usage_file_path(&prepared.loaded, args.input.usage_file.as_deref());
    let head_root = prepared.namer.root().to_path_buf();
    rules.policy_dirs = args
        .rules
        .policy_dirs
        .iter()
        .map(|dir| on_base(dir, &head_root, &tree.root))
        // One the change adds is named in a warning, not applied.
        .filter(|dir| dir.exists())
        .collect();
    let base_loaded = base_config(prepared, tree)?;
    tree.export_policy_dirs(&policy_dirs(&base_loaded, &[]))?;
    let governance = edited_rules(
        &prepared.loaded,
        &policy_dirs(&prepared.loaded, &args.rules.policy_dirs),
        &base_loaded,
        &policy_dirs(&base_loaded, &rules.policy_dirs),
        &head_root,
        tree,
    );
    prepared.loaded = base_loaded;
    prepared.config_namer = PathNamer::new(tree.root.clone());
    Ok((input, rules, governance))
}

/// The base's tree: a git revision exported to a temporary directory (removed when this
/// is dropped), or a directory given as is.
struct BaseTree {
    root: PathBuf,
    side: Side,
    /// For a git base: how to export more of it (the base configuration's own policy
    /// directories, known only once it is read).
    git: Option<GitBase>,
    _scratch: Option<tempfile::TempDir>,
}

struct GitBase {
    top: PathBuf,
    commit: String,
    dest: PathBuf,
    max_file_size: u64,
}

impl BaseTree {
    /// The revision or directory the base is, as the user gave it.
    fn name(&self) -> &str {
        self.side
            .reference
            .as_deref()
            .or(self.side.path.as_deref())
            .unwrap_or("the base")
    }

    /// Makes `dirs` (paths under the base root) present: exported from git for a git
    /// base; a directory base has them already.
    fn export_policy_dirs(&self, dirs: &[PathBuf]) -> Result<(), u8> {
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
            .map_err(git_error)
    }
}

fn open_base(source: &BaseSource, args: &DiffArgs, prepared: &Prepared) -> Result<BaseTree, u8> {
    let head_root = prepared.namer.root().to_path_buf();
    match source {
        BaseSource::Git(reference) => {
            let scratch = tempfile::Builder::new()
                .prefix("aicost-policy-base-")
                .tempdir()
                .map_err(|e| {
                    eprintln!("error: cannot create a temporary directory for the base: {e}");
                    exit::ERROR
                })?;
            let top = git_tree::toplevel(&head_root).map_err(git_error)?;
            let commit = git_tree::resolve(&top, reference).map_err(git_error)?;
            let selection = selection(args, prepared, &top);
            git_tree::export(&top, &commit, &selection, scratch.path()).map_err(git_error)?;
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
                    reference: Some(reference.clone()),
                    commit: Some(commit),
                    path: None,
                    plan: None,
                },
                git: Some(git),
                _scratch: Some(scratch),
            })
        }
        BaseSource::Path(dir) => {
            if !dir.is_dir() {
                eprintln!(
                    "error: the base directory {} does not exist\n  help: give a checkout of the base with --base-path DIR",
                    dir.display()
                );
                return Err(exit::ERROR);
            }
            Ok(BaseTree {
                root: canonical(dir),
                side: Side {
                    reference: None,
                    commit: None,
                    path: Some(dir.display().to_string()),
                    plan: None,
                },
                git: None,
                _scratch: None,
            })
        }
    }
}

/// The configuration the base has where the head's would be found: looked up from the
/// same place in the base tree. None there means the defaults, whatever the head adds.
fn base_config(prepared: &Prepared, tree: &BaseTree) -> Result<config::LoadedConfig, u8> {
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

/// A warning for each rule file the change edits while the base's rules are applied: the
/// configuration and the policy files (added, changed or removed). Their edits take
/// effect once they are on the base.
fn edited_rules(
    head: &config::LoadedConfig,
    head_dirs: &[PathBuf],
    base: &config::LoadedConfig,
    base_dirs: &[PathBuf],
    head_root: &Path,
    tree: &BaseTree,
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
            InputError::new(
                Location::file_start(Arc::from(name.as_str())),
                format!(
                    "the change edits {name}, {what} of this check: the rules applied are the base's ({against}), and the edits apply once they are merged"
                ),
            )
            .with_help(
                "review it as a change to the gate; to check the change with its own rules, run diff with --config-from head",
            )
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
fn relative(path: &Path, root: &Path) -> Option<String> {
    let inside = canonical(path).strip_prefix(root).ok()?.to_path_buf();
    let parts: Vec<String> = inside
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(parts.join("/"))
}

/// The base from git or a directory: the same paths in the base tree, analysed with the
/// rules the head was analysed with.
fn tree_base(
    tree: BaseTree,
    input: &InputArgs,
    var_order: &[VarArg],
    prepared: &Prepared,
    policies: &Policies,
    today: String,
    head: &Report,
) -> Result<(Report, Side), u8> {
    let head_root = prepared.namer.root().to_path_buf();
    let base_paths = map_paths(&prepared.paths, &head_root, &tree.root)?;
    let base = if base_paths.is_empty() {
        // Nothing of what is checked existed on the base: everything is added.
        Report {
            rules: head.rules.clone(),
            policies: head.policies,
            ..Report::default()
        }
    } else {
        let base_prepared = Prepared {
            paths: base_paths,
            stdin: false,
            namer: PathNamer::new(tree.root.clone()),
            config_namer: prepared.config_namer.clone(),
            loaded: prepared.loaded.clone(),
            color: prepared.color,
            plans: Vec::new(),
            plan_side: PlanSide::After,
        };
        analyze(&base_prepared, input, var_order, policies, today)?
    };
    Ok((base, tree.side))
}

/// What the analysis of the base reads from its tree, relative to git's top `top`: the
/// scanned paths, and the configuration, policy directories, usage file and price overlay
/// where they are inside the repository.
fn selection(args: &DiffArgs, prepared: &Prepared, top: &Path) -> git_tree::Selection {
    let top = canonical(top);
    let relative = |path: &Path| relative(path, &top);
    let loaded = &prepared.loaded;
    let files = [
        loaded.path.clone(),
        usage_file_path(loaded, args.input.usage_file.as_deref()),
        Some(overlay::installed_path(prepared.namer.root())),
    ];
    // Every place the base's configuration may be found from, as the head's is: a change
    // that deletes or moves it must not leave the base without its own.
    let candidates = config::candidates(&discovery_start(prepared), prepared.namer.root());
    git_tree::Selection {
        scanned: prepared.paths.iter().filter_map(|p| relative(p)).collect(),
        files: files
            .iter()
            .flatten()
            .chain(&candidates)
            .filter_map(|p| relative(p))
            .collect(),
        policies: policy_dirs(loaded, &args.rules.policy_dirs)
            .iter()
            .filter_map(|p| relative(p))
            .collect(),
        max_file_size: args
            .input
            .max_file_size
            .unwrap_or(loaded.config.max_file_size),
    }
}

/// Where configuration discovery starts: the first scanned path (or plan).
fn discovery_start(prepared: &Prepared) -> PathBuf {
    prepared
        .paths
        .first()
        .or(prepared.plans.first())
        .map(|p| canonical(p))
        .unwrap_or_else(|| prepared.namer.root().to_path_buf())
}

/// The base of `diff --plan`: every input again, with each plan's prior state (`before`)
/// instead of its planned state. Other inputs are the same on both sides.
fn plan_base(
    args: &DiffArgs,
    var_order: &[VarArg],
    prepared: &Prepared,
    policies: &Policies,
    today: String,
) -> Result<(Report, Side), u8> {
    if args.base.base.is_some() || args.base.base_path.is_some() {
        eprintln!("error: a plan carries its own base (its prior state); --base and --base-path cannot be combined with it\n  help: leave out --base/--base-path, or leave out the plan JSON");
        return Err(exit::ERROR);
    }
    let base_prepared = Prepared {
        paths: prepared.paths.clone(),
        stdin: false,
        namer: prepared.namer.clone(),
        config_namer: prepared.config_namer.clone(),
        loaded: prepared.loaded.clone(),
        color: prepared.color,
        plans: prepared.plans.clone(),
        plan_side: PlanSide::Before,
    };
    let base = analyze(&base_prepared, &args.input, var_order, policies, today)?;
    let names: Vec<String> = prepared
        .plans
        .iter()
        .map(|p| prepared.namer.name(&canonical(p)).to_string())
        .collect();
    let side = Side {
        plan: Some(names.join(", ")),
        ..Side::default()
    };
    Ok((base, side))
}

/// Writes every requested report and the job summary.
pub fn write_reports(
    args: &DiffArgs,
    compared: &Compared,
    targets: &[OutputTarget],
) -> Result<(), u8> {
    let shown = shown_findings(&compared.diff, args.fail_on);
    let text_options = super::check::text_options(
        pipeline::use_color(args.input.color),
        &args.input,
        &args.outputs,
        &args.gate,
        targets,
    );
    let written = output::write_targets(targets, |format| match format {
        Format::Text => diff_text::render(&shown, &compared.report, text_options),
        Format::Json => crate::report::diff::render_json(&compared.report),
        Format::Markdown => markdown::render_diff(&compared.report, markdown::COMMENT_LIMIT),
        Format::Github => github::render(&shown),
        Format::Sarif => sarif::render(&compared.diff.head),
        Format::Junit => junit::render(&shown),
    });
    output::append_step_summary(|| {
        markdown::render_diff(&compared.report, markdown::COMMENT_LIMIT)
    });
    written
}

/// The head report with only the findings `--fail-on` is about.
fn shown_findings(diff: &Diff, fail_on: FailOn) -> Report {
    let mut shown = diff.head.clone();
    if fail_on == FailOn::New {
        shown.findings = diff
            .findings()
            .filter(|(_, origin)| *origin == Origin::New)
            .map(|(f, _)| f.clone())
            .collect();
    }
    shown
}

enum BaseSource {
    Git(String),
    Path(PathBuf),
}

fn base_source(args: &DiffArgs) -> Result<BaseSource, u8> {
    if let Some(dir) = &args.base.base_path {
        return Ok(BaseSource::Path(dir.clone()));
    }
    if let Some(reference) = &args.base.base {
        return Ok(BaseSource::Git(reference.clone()));
    }
    match std::env::var("GITHUB_BASE_REF") {
        Ok(branch) if !branch.is_empty() => Ok(BaseSource::Git(format!("origin/{branch}"))),
        _ => {
            eprintln!("error: no base to compare with\n  help: give --base REF (a branch, tag or commit) or --base-path DIR");
            Err(exit::ERROR)
        }
    }
}

/// The head's paths, moved to the same place under the base root; those the base does not
/// have are left out (what is under them is added by the change).
fn map_paths(paths: &[PathBuf], head_root: &Path, base_root: &Path) -> Result<Vec<PathBuf>, u8> {
    let mut mapped = Vec::new();
    for path in paths {
        let absolute = canonical(path);
        let Ok(relative) = absolute.strip_prefix(head_root) else {
            eprintln!(
                "error: {} is outside the repository {}\n  help: compare paths inside one repository",
                path.display(),
                head_root.display()
            );
            return Err(exit::ERROR);
        };
        let on_base = base_root.join(relative);
        if on_base.exists() {
            mapped.push(on_base);
        }
    }
    Ok(mapped)
}

/// Where a directory of the head's repository is in the base tree; one outside the
/// repository (named by the workflow, not the change) is the same on both sides.
fn on_base(path: &Path, head_root: &Path, base_root: &Path) -> PathBuf {
    match canonical(path).strip_prefix(head_root) {
        Ok(relative) => base_root.join(relative),
        Err(_) => path.to_path_buf(),
    }
}

fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

fn git_error(e: git_tree::GitError) -> u8 {
    eprintln!("error: {e}");
    exit::ERROR
}

/// `git rev-parse HEAD` of the head's repository, else `GITHUB_SHA`.
fn head_commit(root: &Path) -> Option<String> {
    let from_git = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["rev-parse", "--verify", "--quiet", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|s| !s.is_empty());
    from_git.or_else(|| std::env::var("GITHUB_SHA").ok().filter(|s| !s.is_empty()))
}

/// File links for Markdown: the repository from --repo or GITHUB_REPOSITORY, at the head
/// commit.
fn links(repo: Option<&str>, commit: &str) -> Option<Links> {
    let repository = repo
        .map(str::to_string)
        .or_else(|| std::env::var("GITHUB_REPOSITORY").ok())
        .filter(|r| !r.is_empty())?;
    let server = std::env::var("GITHUB_SERVER_URL")
        .ok()
        .filter(|s| !s.is_empty());
    Some(markdown::blob_links(server.as_deref(), &repository, commit))
}
