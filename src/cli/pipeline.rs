//! The stages every command shares: find the repository and configuration, then discover →
//! load → environment → price. Problems that stop a run (invalid configuration or
//! patterns) are printed here and returned as the exit code.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use globset::{GlobSet, GlobSetBuilder};

use super::args::{ColorChoice, InputArgs, TemplatesAs};
use super::settings::pricing_settings;
use super::{exit, print_diagnostic};
use crate::config::{self, LoadedConfig};
use crate::discover;
use crate::environment::EnvironmentClassifier;
use crate::load::kubernetes;
use crate::load::source::PathNamer;
use crate::load::terraform::plan::{self, PlanSide, Sniffed};
use crate::load::terraform::{self, TerraformOptions, VarArg};
use crate::model::{Date, Inventory, Note};
use crate::price;

/// The configuration and where paths are resolved from.
pub struct Prepared {
    pub paths: Vec<PathBuf>,
    /// `-` was among the paths: YAML is read from standard input.
    pub stdin: bool,
    pub namer: PathNamer,
    /// Names the configuration, the usage file and the price overlay. The same as `namer`,
    /// except in a diff, where both sides are read with one side's configuration and prices
    /// (the base's by default).
    pub config_namer: PathNamer,
    pub loaded: LoadedConfig,
    pub color: bool,
    /// Plan JSON files: `--plan` and the paths that are plan JSON.
    pub plans: Vec<PathBuf>,
    /// Which side of the plans to read: the planned state, or the prior state for the base
    /// of `diff --plan`.
    pub plan_side: PlanSide,
}

impl Prepared {
    /// Where files beside the scanned ones are looked for (the usage file): the first path
    /// (or plan) made absolute, and the repository root, which the search does not go above.
    pub fn scan_start(&self) -> (PathBuf, &Path) {
        let first = self
            .paths
            .first()
            .or(self.plans.first())
            .cloned()
            .unwrap_or_else(|| PathBuf::from("."));
        (first.canonicalize().unwrap_or(first), self.namer.root())
    }
}

/// Finds the repository root and reads the configuration.
pub fn prepare(args: &InputArgs) -> Result<Prepared, u8> {
    let color = use_color(args.color);
    let stdin = args.paths.iter().any(|p| p.as_os_str() == "-");
    let (mut paths, plans) = split_plans(args)?;
    if paths.is_empty() && !stdin && plans.is_empty() {
        paths.push(PathBuf::from("."));
    }
    let first = paths
        .first()
        .or(plans.first())
        .cloned()
        .unwrap_or_else(|| PathBuf::from("."));
    let repo_root = repository_root(&first);
    let namer = PathNamer::new(repo_root.clone());
    let start = first.canonicalize().unwrap_or(first);
    let loaded = config::load(args.config.as_deref(), &start, &repo_root).map_err(|e| {
        print_diagnostic(miette::Report::new(*e), color);
        exit::ERROR
    })?;
    Ok(Prepared {
        paths,
        stdin,
        config_namer: namer.clone(),
        namer,
        loaded,
        color,
        plans,
        plan_side: PlanSide::After,
    })
}

/// The paths to scan and the plan files: `--plan`, and the paths whose content is plan
/// JSON. A binary plan stops the run with the command that turns it into JSON.
fn split_plans(args: &InputArgs) -> Result<(Vec<PathBuf>, Vec<PathBuf>), u8> {
    let mut paths = Vec::new();
    let mut plans = Vec::new();
    let given = args.plans.iter().map(|p| (p, true));
    let positional = args
        .paths
        .iter()
        .filter(|p| p.as_os_str() != "-")
        .map(|p| (p, false));
    for (path, is_plan) in given.chain(positional) {
        // A --plan file needs only the binary check: it is read as a plan either way.
        let sniffed = if !path.is_file() {
            Sniffed::Other
        } else if is_plan {
            if plan::is_binary_plan(path) {
                Sniffed::Binary
            } else {
                Sniffed::Plan
            }
        } else {
            plan::sniff(path)
        };
        match sniffed {
            Sniffed::Binary => {
                let (message, help) = plan::binary_plan_message(&path.display().to_string());
                eprintln!("error: {message}\n  help: {help}");
                return Err(exit::ERROR);
            }
            // A --plan file that is not plan JSON is reported when it is read.
            Sniffed::Plan => plans.push(path.clone()),
            Sniffed::Other if is_plan => plans.push(path.clone()),
            Sniffed::Other => paths.push(path.clone()),
        }
    }
    Ok((paths, plans))
}

/// The scanned paths as the command line gave them, for messages (`.` when none were given).
pub fn shown_paths(p: &Prepared) -> String {
    let mut shown: Vec<String> = p
        .paths
        .iter()
        .map(|path| crate::report::escape::controls(&path.display().to_string()).into_owned())
        .collect();
    if p.stdin {
        shown.push("standard input".to_string());
    }
    if shown.is_empty() {
        return ".".to_string();
    }
    shown.join(", ")
}

/// Reads, evaluates, classifies and prices everything under the paths; prices are for
/// `today` (the run's date: `--today`, else today in UTC).
pub fn analyze(
    p: &Prepared,
    args: &InputArgs,
    var_order: &[VarArg],
    today: Date,
) -> Result<Inventory, u8> {
    let max_file_size = args.max_file_size.unwrap_or(p.loaded.config.max_file_size);
    let unreadable = terraform::unreadable_var_files(var_order, &p.namer, max_file_size);
    if !unreadable.is_empty() {
        let report = crate::report::Report {
            errors: unreadable,
            ..Default::default()
        };
        let options = crate::report::text::TextOptions {
            color: p.color,
            ..Default::default()
        };
        eprint!("{}", crate::report::text::render_body(&report, options));
        return Err(exit::ERROR);
    }
    let excludes = excludes(&p.loaded, &args.excludes)?;
    let classifier = EnvironmentClassifier::new(&p.loaded.config.environment).map_err(|e| {
        eprintln!("error: invalid environment path pattern: {}", e.kind());
        exit::ERROR
    })?;
    let found = discover::discover(&p.paths, &p.namer, &excludes);
    let mut inventory = Inventory {
        errors: found.errors,
        notes: found.notes,
        ..Inventory::default()
    };
    let options = TerraformOptions {
        vars: var_order.to_vec(),
        env: std::env::vars()
            .filter(|(k, _)| k.starts_with("TF_VAR_"))
            .collect(),
        max_file_size,
        extra_regions: p.loaded.config.pricing.extra_regions.clone(),
    };
    let plans = plan::Request {
        files: p.plans.clone(),
        side: p.plan_side,
    };
    terraform::load_with_plans(
        &found.terraform_modules,
        &plans,
        &p.namer,
        &options,
        &mut inventory,
    );
    // Standard input is read once, here, with the same size limit as a file.
    let stdin = if p.stdin {
        match kubernetes::read_stdin(std::io::stdin().lock(), max_file_size) {
            Ok(file) => Some(file),
            Err(e) => {
                inventory.errors.push(e);
                None
            }
        }
    } else {
        None
    };
    let manifest_options = kubernetes::kinds::Options {
        kserve_default_mode: p.loaded.config.kubernetes.kserve_default_deployment_mode,
    };
    kubernetes::load_with(
        &found.yaml_files,
        stdin,
        &p.namer,
        max_file_size,
        manifest_options,
        &mut inventory,
    );
    if args.unrendered_templates == TemplatesAs::Note {
        templates_as_notes(&mut inventory);
    }
    if let Some(nodes) = p.loaded.config.kubernetes.daemonset_nodes {
        kubernetes::set_daemonset_nodes(&mut inventory.resources, nodes);
    }
    classifier.assign(&mut inventory.resources);
    let (start, root) = p.scan_start();
    let pricing = pricing_settings(
        &p.loaded,
        (args.usage_file.as_deref(), (&start, root)),
        &p.config_namer,
        today,
        &mut inventory,
    );
    price::attribution::inherit_node_types(&mut inventory.resources);
    let unused = price::estimate_all(&mut inventory.resources, &pricing);
    inventory.errors.extend(unused);
    price::attribution::attribute(&mut inventory.resources);
    let savings = &p.loaded.config.savings;
    if savings.enabled {
        let options = price::savings::Options {
            production: &p.loaded.config.environment.production,
            min_monthly_saving: savings.min_monthly_saving,
        };
        inventory.suggestions = price::savings::suggest(&inventory.resources, &pricing, &options);
    }
    inventory.sort();
    Ok(inventory)
}

/// `--unrendered-templates note`: what looks like an unrendered Helm template is reported as
/// a note, still saying it was not checked.
fn templates_as_notes(inventory: &mut Inventory) {
    let (templates, errors) = std::mem::take(&mut inventory.errors)
        .into_iter()
        .partition::<Vec<_>, _>(|e| e.unrendered_template);
    inventory.errors = errors;
    inventory.notes.extend(templates.into_iter().map(|e| Note {
        message: format!("not checked: {} (--unrendered-templates note)", e.message),
        location: Some(e.location),
    }));
}

fn excludes(loaded: &LoadedConfig, extra: &[String]) -> Result<GlobSet, u8> {
    let mut builder = GlobSetBuilder::new();
    for pattern in loaded.config.exclude.iter().chain(extra) {
        match globset::GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
        {
            Ok(g) => {
                builder.add(g);
            }
            Err(e) => {
                eprintln!("error: invalid exclude pattern `{pattern}`: {}", e.kind());
                return Err(exit::ERROR);
            }
        }
    }
    builder.build().map_err(|_| {
        eprintln!("error: the exclude patterns could not be compiled");
        exit::ERROR
    })
}

pub(super) fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

/// The nearest directory at or above `path` with a `.git`, else the current directory
/// when `path` is inside it, else the path's own directory.
pub(super) fn repository_root(path: &Path) -> PathBuf {
    let start = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let start_dir = if start.is_file() {
        start
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or(start.clone())
    } else {
        start.clone()
    };
    let mut dir = Some(start_dir.as_path());
    while let Some(d) = dir {
        if d.join(".git").exists() {
            return d.to_path_buf();
        }
        dir = d.parent();
    }
    match std::env::current_dir().and_then(|c| c.canonicalize()) {
        Ok(cwd) if start_dir.starts_with(&cwd) => cwd,
        _ => start_dir,
    }
}
