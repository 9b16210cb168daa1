//! Terraform configurations (`.tf`, `.tf.json`, tfvars): parsed, evaluated the way
//! Terraform would resolve them, and expanded into one record per resource instance.
//!
//! Every scanned directory with `.tf` files is a module; a module that no other scanned
//! module calls is a root. Each root is evaluated on its own (in parallel), following its
//! local module calls; remote modules are recorded as not loaded.

pub mod address;
pub mod ast;
pub mod budget;
pub mod config;
pub mod convert;
mod duplicate_keys;
pub mod eval;
pub mod facts;
mod files;
pub mod functions;
pub mod hcl;
pub mod instance;
pub mod json;
pub mod operators;
mod overrides;
pub mod plan;
pub mod providers;
mod regions;
pub mod registry;
mod roots;
mod template;
pub mod types;
mod undeclared;
pub mod variables;
pub mod waivers;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use self::config::ModuleConfig;
use self::files::FileReader;
use self::instance::{EvaluatedResource, Instance, ModuleSource, RootContext};
pub use self::variables::CliVariable;
use crate::discover::{drop_shadowed_by_tofu, is_terraform_file};
use crate::load::source::{read_source, PathNamer, SourceFile};
use crate::model::{InputError, Inventory, Location, Suppression};

/// A `--var` or `--var-file` argument, in command-line order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VarArg {
    File(PathBuf),
    Assign { name: String, value: String },
}

/// What the Terraform loader needs from the command line and config.
#[derive(Clone, Debug)]
pub struct TerraformOptions {
    pub vars: Vec<VarArg>,
    /// `TF_VAR_*` environment variables (passed in so tests control them).
    pub env: Vec<(String, String)>,
    pub max_file_size: u64,
    /// `[pricing] extra_regions`: region names accepted beside the provider's list.
    pub extra_regions: Vec<String>,
}

/// Module configurations by canonical directory, loading unscanned local modules on demand.
struct ModuleCache<'a> {
    modules: Mutex<HashMap<PathBuf, Option<Arc<ModuleConfig>>>>,
    namer: &'a PathNamer,
    reader: &'a FileReader<'a>,
}

impl ModuleSource for ModuleCache<'_> {
    fn module(&self, dir: &Path) -> Option<Arc<ModuleConfig>> {
        let canonical = dir.canonicalize().ok()?;
        if let Ok(cache) = self.modules.lock() {
            if let Some(found) = cache.get(&canonical) {
                return found.clone();
            }
        }
        let loaded = load_module_dir(&canonical, self.reader);
        if let Ok(mut cache) = self.modules.lock() {
            cache.insert(canonical, loaded.clone());
        }
        loaded
    }
}

/// Reads and parses a module directory that was not part of the scan.
fn load_module_dir(dir: &Path, reader: &FileReader<'_>) -> Option<Arc<ModuleConfig>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.is_file()
                && p.file_name()
                    .is_some_and(|n| is_terraform_file(&n.to_string_lossy()))
        })
        .collect();
    if files.is_empty() {
        return None;
    }
    files.sort();
    drop_shadowed_by_tofu(&mut files);
    Some(Arc::new(parse_module(dir.to_path_buf(), &files, reader)))
}

/// Reads and parses the files of one module; read errors go into the config's errors.
fn parse_module(dir: PathBuf, files: &[PathBuf], reader: &FileReader<'_>) -> ModuleConfig {
    let mut sources = Vec::new();
    let mut errors = Vec::new();
    for path in files {
        match reader.read(path) {
            Ok(s) => sources.push(s),
            Err(e) => errors.push(e),
        }
    }
    let rel = reader.namer.name(&dir);
    let mut config = ModuleConfig::parse(dir, rel, sources);
    config.errors.extend(errors);
    config
}

/// Loads every Terraform module found by discovery into `inventory`.
pub fn load(
    modules: &BTreeMap<PathBuf, Vec<PathBuf>>,
    namer: &PathNamer,
    options: &TerraformOptions,
    inventory: &mut Inventory,
) {
    load_with_plans(
        modules,
        &plan::Request::default(),
        namer,
        options,
        inventory,
    );
}

/// Loads the scanned modules and one side of each plan JSON file. A scanned root that a
/// plan stands for is read from the plan only, so nothing is counted twice.
pub fn load_with_plans(
    modules: &BTreeMap<PathBuf, Vec<PathBuf>>,
    plans: &plan::Request,
    namer: &PathNamer,
    options: &TerraformOptions,
    inventory: &mut Inventory,
) {
    let reader = FileReader::new(namer, options.max_file_size);
    let parsed: Vec<(PathBuf, Arc<ModuleConfig>)> = modules
        .par_iter()
        .map(|(dir, files)| {
            (
                dir.clone(),
                Arc::new(parse_module(dir.clone(), files, &reader)),
            )
        })
        .collect();

    // The call graph between scanned directories decides the roots (see roots.rs).
    let index: HashMap<&Path, usize> = parsed
        .iter()
        .enumerate()
        .map(|(i, (d, _))| (d.as_path(), i))
        .collect();
    let graph = roots::CallGraph::new(
        parsed
            .iter()
            .map(|(_, c)| {
                c.local_module_dirs()
                    .iter()
                    .filter_map(|d| d.canonicalize().ok())
                    .filter_map(|d| index.get(d.as_path()).copied())
                    .collect()
            })
            .collect(),
    );
    let own_settings: Vec<bool> = parsed
        .iter()
        .map(|(d, c)| c.backend || has_var_files(d))
        .collect();
    let first_roots: BTreeSet<PathBuf> = graph
        .first_roots(&own_settings)
        .keys()
        .filter_map(|&i| parsed.get(i).map(|(d, _)| d.clone()))
        .collect();
    let cache = ModuleCache {
        modules: Mutex::new(
            parsed
                .iter()
                .map(|(d, c)| (d.clone(), Some(c.clone())))
                .collect(),
        ),
        namer,
        reader: &reader,
    };
    let (cli_vars, cli_errors) = read_cli_vars(&options.vars, namer, options.max_file_size);
    inventory.errors.extend(cli_errors);

    let planned = load_plans(plans, &parsed, &first_roots, &cache, options, inventory);
    // What a plan stands for, the modules it calls included, is read from the plan.
    let planned: BTreeSet<usize> = planned
        .iter()
        .filter_map(|d| index.get(d.as_path()).copied())
        .collect();
    let done = roots::reachable(&graph, &planned);
    let run = budget::RunBudget::new();
    let results =
        roots::evaluate_rounds(&graph, &own_settings, &done, budget::RUN_GROUPS, |i, g| {
            let Some((_, config)) = parsed.get(i) else {
                return (None, BTreeSet::new());
            };
            let budget = budget::RootBudget::in_group(run.group(g));
            let result = evaluate_root(config, &cache, &cli_vars, options, budget);
            let reached = result
                .instantiated
                .keys()
                .filter_map(|d| index.get(d.as_path()).copied())
                .collect();
            (Some(result), reached)
        });

    // A value given on the command line must be for a variable some root declares.
    let mut declared: BTreeSet<String> = BTreeSet::new();
    let mut evaluated = false;
    for (i, why, result) in results {
        let (Some((_, config)), Some(result)) = (parsed.get(i), result) else {
            continue;
        };
        evaluated = true;
        declared.extend(config.variables.keys().cloned());
        inventory
            .notes
            .extend(root_notes(config, why, &result, &index, namer));
        inventory.errors.extend(result.errors);
        inventory.warnings.extend(result.warnings);
        inventory.modules_not_loaded.extend(result.not_loaded);
        inventory.notes.extend(result.notes);
        for file in result.var_files {
            inventory
                .sources
                .insert(file.path.clone(), file.text.clone());
        }
        add_records(result.resources, &options.extra_regions, inventory);
    }
    // A plan carries its own variable values: with only plans, no --var is used at all.
    if evaluated || plans.files.is_empty() {
        inventory
            .errors
            .extend(variables::undeclared_cli_vars(&cli_vars, &declared));
        for arg in &cli_vars {
            if let CliVariable::File(file) = arg {
                inventory.warnings.extend(variables::undeclared_entries(
                    file,
                    &declared,
                    "no checked root module declares it",
                ));
            }
        }
    }
    // Every module that was read, scanned or loaded on demand, contributes its errors
    // and its sources once.
    let all = cache.modules.into_inner().unwrap_or_default();
    let mut configs: Vec<&Arc<ModuleConfig>> = all.values().flatten().collect();
    configs.sort_by(|a, b| a.dir.cmp(&b.dir));
    // A file linked into several modules is one file: the reader shares its text.
    let mut texts: HashSet<*const str> = HashSet::new();
    {
        for config in configs {
            inventory.errors.extend(config.errors.iter().cloned());
            for file in &config.files {
                if texts.insert(Arc::as_ptr(&file.text)) {
                    inventory.files += 1;
                }
                inventory
                    .sources
                    .insert(file.path.clone(), file.text.clone());
            }
        }
    }
    undeclared::merge_uses(&mut inventory.errors);
}

/// Reads each plan's resources into `inventory`; returns the scanned roots the plans
/// stand for.
fn load_plans(
    plans: &plan::Request,
    parsed: &[(PathBuf, Arc<ModuleConfig>)],
    roots: &BTreeSet<PathBuf>,
    cache: &ModuleCache<'_>,
    options: &TerraformOptions,
    inventory: &mut Inventory,
) -> BTreeSet<PathBuf> {
    let mut planned = BTreeSet::new();
    for path in &plans.files {
        let plan = match plan::read(path, cache.namer, options.max_file_size) {
            Ok(p) => p,
            Err(e) => {
                inventory.errors.push(e);
                continue;
            }
        };
        inventory.files += 1;
        inventory
            .sources
            .insert(plan.file.path.clone(), plan.file.text.clone());
        let config = plan_root(&plan, parsed, roots, cache);
        let root = match &config {
            Some(c) => c.rel_dir.clone(),
            None => cache.namer.name(&plan.dir),
        };
        if let Some(c) = &config {
            if parsed.iter().any(|(d, _)| d == &c.dir) {
                planned.insert(c.dir.clone());
                inventory.notes.push(crate::model::Note {
                    location: None,
                    message: format!(
                        "`{}` is read from the plan {}, not from its .tf files",
                        c.rel_dir, plan.file.path
                    ),
                });
            }
        }
        let resources = plan.resources(plans.side, &root, config, cache);
        add_records(resources, &options.extra_regions, inventory);
    }
    planned
}

/// The root module a plan was made from: the plan's own directory when its `.tf` files
/// declare exactly the plan's root resources and module calls, else a scanned root that
/// does; `None` when no files are present.
fn plan_root(
    plan: &plan::Plan,
    parsed: &[(PathBuf, Arc<ModuleConfig>)],
    roots: &BTreeSet<PathBuf>,
    cache: &ModuleCache<'_>,
) -> Option<Arc<ModuleConfig>> {
    let names = plan.root_names();
    if names.is_empty() {
        return None;
    }
    let matches = |c: &ModuleConfig| plan::declared_names(c) == names;
    // Parsed aside first: the directory's files count only when they are the plan's.
    let own = match parsed.iter().find(|(d, _)| d == &plan.dir) {
        Some((_, c)) => Some(c.clone()),
        None => load_module_dir(&plan.dir, cache.reader),
    };
    if let Some(config) = own.filter(|c| matches(c)) {
        if let Ok(mut modules) = cache.modules.lock() {
            modules.insert(plan.dir.clone(), Some(config.clone()));
        }
        return Some(config);
    }
    parsed
        .iter()
        .filter(|(d, c)| roots.contains(d) && matches(c))
        .map(|(_, c)| c.clone())
        .next()
}

/// Adds the normalized records of `resources` with their inline waiver comments. A block
/// with several instances is read once, so a malformed waiver is reported once.
fn add_records(
    resources: Vec<EvaluatedResource>,
    extra_regions: &[String],
    inventory: &mut Inventory,
) {
    type Waivers = Vec<(String, Suppression)>;
    let mut by_block: HashMap<(Arc<str>, ast::Span), Waivers> = HashMap::new();
    let waivers: Vec<Waivers> = resources
        .iter()
        .map(|r| {
            by_block
                .entry((r.file.path.clone(), r.block_span))
                .or_insert_with(|| {
                    let (found, errors) = waivers::block_waivers(&r.file, r.block_span);
                    inventory.errors.extend(errors);
                    found
                })
                .clone()
        })
        .collect();
    let providers: Vec<regions::ProviderRegion> =
        resources.iter().map(regions::ProviderRegion::of).collect();
    let mut records = facts::extract_all(resources);
    inventory
        .errors
        .extend(regions::check(&records, &providers, extra_regions));
    for (record, found) in records.iter_mut().zip(waivers) {
        record.waivers = found;
    }
    inventory.resources.extend(records);
}

struct RootResult {
    resources: Vec<EvaluatedResource>,
    errors: Vec<InputError>,
    not_loaded: Vec<crate::model::ModuleNotLoaded>,
    notes: Vec<crate::model::Note>,
    /// Values in the root's own variable files for variables it does not declare.
    warnings: Vec<InputError>,
    var_files: Vec<Arc<SourceFile>>,
    /// Local module directories instantiated, with the calls (addresses) that did.
    instantiated: BTreeMap<PathBuf, BTreeSet<String>>,
}

fn evaluate_root(
    config: &Arc<ModuleConfig>,
    cache: &ModuleCache<'_>,
    cli: &[CliVariable],
    options: &TerraformOptions,
    budget: budget::RootBudget,
) -> RootResult {
    let (auto_files, mut errors) =
        read_auto_var_files(&config.dir, cache.namer, options.max_file_size);
    let cx = RootContext::with_budget(cache, config.rel_dir.clone(), budget);
    let (variables, var_errors) =
        variables::root_values(config, &auto_files, cli, &options.env, &cx.budget);
    errors.extend(var_errors);
    let declared: BTreeSet<String> = config.variables.keys().cloned().collect();
    let why = format!("the root module `{}` does not declare it", config.rel_dir);
    let warnings = auto_files
        .iter()
        .flat_map(|f| variables::undeclared_entries(f, &declared, &why))
        .collect();
    let root = Instance::root(&cx, config.clone(), variables);
    let mut resources = Vec::new();
    root.collect(&mut resources);
    drop(root);
    errors.extend(cx.errors.into_inner());
    RootResult {
        resources,
        errors,
        not_loaded: cx.not_loaded.into_inner(),
        notes: cx.notes.into_inner(),
        warnings,
        var_files: auto_files,
        instantiated: cx.instantiated.into_inner(),
    }
}

/// Says how a root relates to the other scanned directories: why a called directory is
/// evaluated as a root, and which scanned directories it evaluates through its calls
/// (those are not roots of their own).
fn root_notes(
    config: &ModuleConfig,
    why: roots::Why,
    result: &RootResult,
    scanned: &HashMap<&Path, usize>,
    namer: &PathNamer,
) -> Vec<crate::model::Note> {
    let note = |message: String| crate::model::Note {
        location: None,
        message,
    };
    let mut notes = Vec::new();
    match why {
        roots::Why::NotCalled => {}
        roots::Why::OwnSettings => notes.push(note(format!(
            "`{}` is called as a module, but has its own variable files or backend, so it is also checked as a root",
            config.rel_dir
        ))),
        roots::Why::NoInstance => notes.push(note(format!(
            "`{}` is called as a module, but no checked root creates an instance of it, so it is checked as a root of its own",
            config.rel_dir
        ))),
    }
    for (dir, calls) in &result.instantiated {
        if dir == &config.dir || !scanned.contains_key(dir.as_path()) {
            continue;
        }
        // A call inside a counted module is one address per instance: name a few.
        let mut shown: Vec<&str> = calls.iter().take(3).map(String::as_str).collect();
        let more = calls.len().saturating_sub(shown.len());
        let more = (more > 0).then(|| format!("{more} more"));
        shown.extend(more.as_deref());
        notes.push(note(format!(
            "`{}` is evaluated as {} of the root `{}`, not as a root of its own",
            namer.name(dir),
            shown.join(", "),
            config.rel_dir
        )));
    }
    notes
}

/// Whether a directory has variable files Terraform reads only in a root.
fn has_var_files(dir: &Path) -> bool {
    let names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().to_string())
                .collect()
        })
        .unwrap_or_default();
    !variables::automatic_var_file_names(names).is_empty()
}

/// `terraform.tfvars`, `terraform.tfvars.json` and `*.auto.tfvars[.json]` of a root.
fn read_auto_var_files(
    dir: &Path,
    namer: &PathNamer,
    max_size: u64,
) -> (Vec<Arc<SourceFile>>, Vec<InputError>) {
    let names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter(|e| e.path().is_file())
                .map(|e| e.file_name().to_string_lossy().to_string())
                .collect()
        })
        .unwrap_or_default();
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for name in variables::automatic_var_file_names(names) {
        let path = dir.join(&name);
        match read_source(&path, namer.name(&path), max_size) {
            Ok(f) => files.push(f),
            Err(e) => errors.push(e),
        }
    }
    (files, errors)
}

/// The `--var-file` arguments that cannot be read, checked before anything else is: a
/// variable file the user named changes every root, so without it nothing is checked.
pub fn unreadable_var_files(args: &[VarArg], namer: &PathNamer, max_size: u64) -> Vec<InputError> {
    read_cli_vars(args, namer, max_size).1
}

fn read_cli_vars(
    args: &[VarArg],
    namer: &PathNamer,
    max_size: u64,
) -> (Vec<CliVariable>, Vec<InputError>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for arg in args {
        match arg {
            VarArg::Assign { name, value } => out.push(CliVariable::Assign {
                name: name.clone(),
                value: value.clone(),
            }),
            VarArg::File(path) => {
                let abs = path.canonicalize().unwrap_or_else(|_| path.clone());
                match read_source(&abs, namer.name(&abs), max_size) {
                    Ok(f) => out.push(CliVariable::File(f)),
                    Err(mut e) => {
                        e.message = format!("--var-file {}: {}", path.display(), e.message);
                        e.location = Location::file_start(namer.name(&abs));
                        errors.push(e);
                    }
                }
            }
        }
    }
    (out, errors)
}
