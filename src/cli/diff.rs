//! `aicost-policy diff`: the head and the base (a git revision or a directory) are analysed
//! as `check` does, both with one set of rules — the base's configuration, policies and
//! price overlay unless `--config-from head`, so a change cannot loosen its own gate — and
//! the comparison shows what the change to the infrastructure does. Then the reports and
//! the exit code.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::args::{ConfigFrom, DiffArgs, FailOn, Format, InputArgs};
use super::check::{analyze, exit_code, load_policies, today};
use super::output::OutputTarget;
use super::pipeline::{self, Prepared};
use super::rules::{self, canonical, relative, Applier, BaseTree};
use super::settings::{policy_settings, usage_file_path};
use super::{exit, output};
use crate::config;
use crate::diff::{self, git_tree, Diff, Origin};
use crate::load::source::PathNamer;
use crate::load::terraform::plan::PlanSide;
use crate::load::terraform::VarArg;
use crate::model::{Date, InputError, Location};
use crate::policy::Policies;
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
    let today = today(args.input.today.as_deref())?;
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
        Some(tree) => rules::rules_from(
            &args.input,
            &args.rules,
            &mut prepared,
            tree,
            Applier::Diff,
            git_error,
        )?,
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
    let head = analyze(&prepared, &input, var_order, &policies, today)?;
    let mut settings = policy_settings(&prepared.loaded, &prepared.config_namer, today);
    // The change's findings use only configured waivers; the errors for those the rules
    // drop are in the head's report already.
    let _ = settings.apply_waiver_rules(&mut []);
    let (base, base_side) = match base_tree {
        Some(tree) => tree_base(tree, &input, var_order, &prepared, &policies, today, &head)?,
        None => plan_base(args, var_order, &prepared, &policies, today)?,
    };
    let head_root = prepared.namer.root().to_path_buf();

    let mut diff = diff::compare(base, head);
    let commit = head_commit(&head_root);
    let reviews = super::approvals::reviews(
        args.approvals.as_deref(),
        args.repo.as_deref(),
        &settings,
        commit.clone(),
    )?;
    guard_the_change(
        &mut diff, args, &prepared, &policies, &settings, governance, &reviews,
    );
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

/// Evaluates the policies on the change as a whole (guardrails, edits to the gate) and
/// adds their findings to the head's, all new.
fn guard_the_change(
    diff: &mut Diff,
    args: &DiffArgs,
    prepared: &Prepared,
    policies: &Policies,
    settings: &crate::policy::Settings,
    governance: Vec<InputError>,
    reviews: &crate::policy::Reviews,
) {
    let author = args
        .author
        .clone()
        .or_else(|| {
            super::comment::github_event()?
                .pointer("/pull_request/user/login")?
                .as_str()
                .map(str::to_string)
        })
        .map(|login| login.to_lowercase());
    // The edits to the gate are one finding on the change, not a warning per file.
    let governance = governance.into_iter().map(|w| w.location).collect();
    let facts = diff::guardrails::facts(diff, governance, author);
    // With nothing to point at, a finding points at the configuration.
    let fallback = Location::file_start(
        prepared
            .loaded
            .path
            .as_deref()
            .map(|p| prepared.config_namer.name(p))
            .unwrap_or_else(|| Arc::from(config::FILE_NAME)),
    );
    let mut findings = policies.evaluate_change(&facts, settings, &fallback);
    policies.apply_approvals(&mut findings, &facts, settings, reviews);
    diff.origins.extend(findings.iter().map(|_| Origin::New));
    diff.head.findings.extend(findings);
}

fn open_base(source: &BaseSource, args: &DiffArgs, prepared: &Prepared) -> Result<BaseTree, u8> {
    let head_root = prepared.namer.root().to_path_buf();
    match source {
        BaseSource::Git(reference) => {
            let select = |top: &Path| selection(args, prepared, top);
            rules::open_git(reference, &head_root, select, git_error)
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

/// The base from git or a directory: the same paths in the base tree, analysed with the
/// rules the head was analysed with.
fn tree_base(
    tree: BaseTree,
    input: &InputArgs,
    var_order: &[VarArg],
    prepared: &Prepared,
    policies: &Policies,
    today: Date,
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
    let loaded = &prepared.loaded;
    let max_file_size = args
        .input
        .max_file_size
        .unwrap_or(loaded.config.max_file_size);
    let mut selection =
        rules::rule_selection(prepared, &args.rules.policy_dirs, max_file_size, top);
    let top = canonical(top);
    selection.scanned = prepared
        .paths
        .iter()
        .filter_map(|p| relative(p, &top))
        .collect();
    let (start, root) = prepared.scan_start();
    let usage = usage_file_path(loaded, args.input.usage_file.as_deref(), (&start, root));
    selection
        .files
        .extend(usage.iter().filter_map(|p| relative(p, &top)));
    selection
}

/// The base of `diff --plan`: every input again, with each plan's prior state (`before`)
/// instead of its planned state. Other inputs are the same on both sides.
fn plan_base(
    args: &DiffArgs,
    var_order: &[VarArg],
    prepared: &Prepared,
    policies: &Policies,
    today: Date,
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
        Format::GitlabCodequality => crate::report::codequality::render(&compared.diff.head),
        Format::Checkstyle => crate::report::checkstyle::render(&shown),
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
