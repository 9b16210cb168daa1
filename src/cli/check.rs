//! `aicost-policy check`: runs the pipeline (discover → load → environment → policy →
//! report) and decides the exit code.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use globset::GlobSetBuilder;

use super::args::{CheckArgs, ColorChoice, Format, UnknownMode};
use super::{date, exit, print_diagnostic};
use crate::config::{self, Config, LoadedConfig};
use crate::discover;
use crate::environment::EnvironmentClassifier;
use crate::load::source::PathNamer;
use crate::load::terraform::{self, TerraformOptions, VarArg};
use crate::model::{Inventory, Location, Status};
use crate::policy::{EnvironmentSettings, LoadOptions, Policies, Settings, Waiver};
use crate::report::{json, text, Report};

pub fn run(args: &CheckArgs, var_order: &[VarArg]) -> u8 {
    let color = use_color(args.color);
    let paths: Vec<PathBuf> = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let first = paths.first().cloned().unwrap_or_else(|| PathBuf::from("."));
    let repo_root = repository_root(&first);
    let namer = PathNamer::new(repo_root.clone());

    let loaded = match config::load(
        args.config.as_deref(),
        &first.canonicalize().unwrap_or(first.clone()),
        &repo_root,
    ) {
        Ok(c) => c,
        Err(e) => {
            print_diagnostic(miette::Report::new(*e), color);
            return exit::ERROR;
        }
    };
    let today = match &args.today {
        Some(d) if config::is_date(d) => d.clone(),
        Some(d) => {
            eprintln!(
                "error: invalid value `{d}` for --today\n  help: write the date as YYYY-MM-DD"
            );
            return exit::ERROR;
        }
        None => date::today(),
    };

    let policy_options = LoadOptions {
        builtin: loaded.config.builtin_policies && !args.no_builtin_policies,
        dirs: policy_dirs(&loaded, &args.policy_dirs),
    };
    let policies = match Policies::load(&policy_options) {
        Ok(p) => p,
        Err(errors) => {
            for e in errors.errors {
                print_diagnostic(miette::Report::new(e), color);
            }
            return exit::ERROR;
        }
    };
    for warning in policies.warnings() {
        print_diagnostic(miette::Report::new(warning.clone()), color);
    }

    let mut excludes = GlobSetBuilder::new();
    for pattern in loaded.config.exclude.iter().chain(&args.excludes) {
        match globset::GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
        {
            Ok(g) => {
                excludes.add(g);
            }
            Err(e) => {
                eprintln!("error: invalid exclude pattern `{pattern}`: {}", e.kind());
                return exit::ERROR;
            }
        }
    }
    let Ok(excludes) = excludes.build() else {
        eprintln!("error: the exclude patterns could not be compiled");
        return exit::ERROR;
    };
    let classifier = match EnvironmentClassifier::new(&loaded.config.environment) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: invalid environment path pattern: {}", e.kind());
            return exit::ERROR;
        }
    };

    // discover → load → environment
    let found = discover::discover(&paths, &namer, &excludes);
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
        max_file_size: args.max_file_size.unwrap_or(loaded.config.max_file_size),
    };
    terraform::load(&found.terraform_modules, &namer, &options, &mut inventory);
    classifier.assign(&mut inventory.resources);
    inventory.sort();

    // policy
    let settings = settings(&loaded, &namer, today);
    let evaluation = policies.evaluate(&inventory.resources, &settings);

    let mut report = Report {
        resources: inventory.resources,
        findings: evaluation.findings,
        errors: inventory.errors,
        modules_not_loaded: inventory.modules_not_loaded,
        notes: inventory.notes,
        sources: inventory.sources,
        files: inventory.files,
        policies: policies.len(),
        passed: evaluation.passes,
    };
    report.sort();

    let rendered = match args.format {
        Format::Text => text::render(
            &report,
            text::TextOptions {
                color: color && args.output.is_none(),
                show_unknown: args.unknown != UnknownMode::Ignore,
                verbose: args.verbose,
            },
        ),
        Format::Json => json::render(&report),
    };
    let written = match &args.output {
        Some(path) => std::fs::write(path, rendered.as_bytes()),
        None => std::io::stdout().write_all(rendered.as_bytes()),
    };
    if let Err(e) = written {
        // A closed pipe (`| head`) is not an error worth reporting.
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: cannot write the report: {e}");
            return exit::ERROR;
        }
    }
    exit_code(&report, args)
}

/// 2 when something could not be checked; 1 when a policy failed at or above the failing
/// severity (and unknowns, with `--unknown fail`); else 0.
fn exit_code(report: &Report, args: &CheckArgs) -> u8 {
    let threshold = args.fail_severity.severity();
    if !report.errors.is_empty() || report.findings.iter().any(|f| f.status == Status::Error) {
        return exit::ERROR;
    }
    let failing = report.findings.iter().any(|f| {
        f.severity >= threshold
            && match f.status {
                Status::Fail => true,
                Status::Unknown => args.unknown == UnknownMode::Fail,
                Status::Suppressed | Status::Error => false,
            }
    });
    if failing && !args.soft_fail {
        exit::FAILED
    } else {
        exit::CLEAN
    }
}

fn use_color(choice: ColorChoice) -> bool {
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
fn repository_root(path: &Path) -> PathBuf {
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

/// Policy directories from the configuration (relative to its file) and the command line.
fn policy_dirs(loaded: &LoadedConfig, extra: &[PathBuf]) -> Vec<PathBuf> {
    let base = loaded.base_dir().map(Path::to_path_buf).unwrap_or_default();
    loaded
        .config
        .policy_dirs
        .iter()
        .map(|d| base.join(d))
        .chain(extra.iter().cloned())
        .collect()
}

/// The policy settings the configuration describes.
fn settings(loaded: &LoadedConfig, namer: &PathNamer, today: String) -> Settings {
    let config: &Config = &loaded.config;
    let config_text = &loaded.text;
    let config_name = loaded
        .path
        .as_ref()
        .map(|p| namer.name(&p.canonicalize().unwrap_or_else(|_| p.clone())))
        .unwrap_or_default();
    let waiver_lines: Vec<usize> = config_text
        .match_indices("[[waivers]]")
        .map(|(offset, _)| offset)
        .collect();
    Settings {
        required_tags: config.required_tags.clone(),
        production_environments: config.environment.production.clone(),
        environments: config
            .environments
            .iter()
            .map(|(name, env)| {
                (
                    name.clone(),
                    EnvironmentSettings {
                        allowed_accelerator_families: env.allowed_accelerator_families.clone(),
                        max_accelerators: env.max_accelerators,
                    },
                )
            })
            .collect(),
        allowed_accelerator_families: None,
        max_accelerators: config.accelerators.max_per_resource,
        waivers: config
            .waivers
            .iter()
            .enumerate()
            .map(|(i, w)| Waiver {
                policy_id: w.policy.clone(),
                address: w.resource.clone(),
                root: w.root.clone(),
                reason: w.reason.clone(),
                expires: w.expires.clone(),
                location: waiver_lines.get(i).map(|offset| {
                    let end = offset + "[[waivers]]".len();
                    Location::from_span(config_name.clone(), config_text, *offset, end)
                }),
            })
            .collect(),
        today,
    }
}
