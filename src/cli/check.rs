//! `aicost-policy check`: the shared pipeline, then the policies, then the report and
//! the exit code.

use super::args::{CheckArgs, Format, OutputTarget, UnknownMode};
use super::settings::{config_entry_locations, policy_dirs, policy_settings};
use super::{date, exit, output, pipeline, print_diagnostic};
use crate::config;
use crate::load::terraform::VarArg;
use crate::model::Status;
use crate::policy::{LoadOptions, Policies};
use crate::price;
use crate::report::{github, json, junit, markdown, sarif, text, Report};

pub fn run(args: &CheckArgs, var_order: &[VarArg], targets: &[OutputTarget]) -> u8 {
    let prepared = match pipeline::prepare(&args.input) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let color = prepared.color;
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
    // Policies are loaded before any input is read: an invalid policy stops the run early.
    let policy_options = LoadOptions {
        builtin: prepared.loaded.config.builtin_policies && !args.no_builtin_policies,
        dirs: policy_dirs(&prepared.loaded, &args.policy_dirs),
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
    let inventory = match pipeline::analyze(&prepared, &args.input, var_order) {
        Ok(i) => i,
        Err(code) => return code,
    };
    let settings = policy_settings(&prepared.loaded, &prepared.namer, today);
    let mut evaluation = policies.evaluate(&inventory.resources, &settings);
    let locations = config_entry_locations(&prepared.loaded, &prepared.namer, "[[budget]]");
    let budgets = match price::budget::project(
        &inventory.resources,
        &prepared.loaded.config.budget,
        &locations,
    ) {
        Ok(b) => b,
        Err(message) => {
            eprintln!("error: {message}");
            return exit::ERROR;
        }
    };
    evaluation
        .findings
        .extend(policies.evaluate_budgets(&budgets, &settings));
    // Budget findings point into the configuration, so its text is a source too.
    let mut sources = inventory.sources;
    if let Some(path) = &prepared.loaded.path {
        let name = prepared
            .namer
            .name(&path.canonicalize().unwrap_or_else(|_| path.clone()));
        sources.insert(name, prepared.loaded.text.as_str().into());
    }
    let mut report = Report {
        resources: inventory.resources,
        findings: evaluation.findings,
        errors: inventory.errors,
        modules_not_loaded: inventory.modules_not_loaded,
        notes: inventory.notes,
        sources,
        files: inventory.files,
        policies: policies.len(),
        passed: evaluation.passes,
        budgets,
        rules: policies.report_rules(),
    };
    report.sort();
    let text_options = text::TextOptions {
        color: color
            && targets
                .iter()
                .any(|t| t.format == Format::Text && t.path.is_none()),
        show_unknown: args.unknown != UnknownMode::Ignore,
        verbose: args.input.verbose,
    };
    let context = markdown::Context::from_environment();
    let written = output::write_targets(targets, |format| {
        render(&report, format, text_options, &context)
    });
    output::append_step_summary(|| markdown::render_check(&report, &context));
    if let Err(code) = written {
        return code;
    }
    exit_code(&report, args)
}

/// One report in one format.
pub(super) fn render(
    report: &Report,
    format: Format,
    text_options: text::TextOptions,
    context: &markdown::Context,
) -> String {
    match format {
        Format::Text => text::render(report, text_options),
        Format::Json => json::render(report),
        Format::Markdown => markdown::render_check(report, context),
        Format::Github => github::render(report),
        Format::Sarif => sarif::render(report),
        Format::Junit => junit::render(report),
    }
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
