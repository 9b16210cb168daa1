//! `aicost-policy check`: the shared pipeline, then the policies, then the report and
//! the exit code.

use super::args::{CheckArgs, Format, GateArgs, InputArgs, OutputArgs, RuleArgs, UnknownMode};
use super::output::OutputTarget;
use super::settings::{config_entry_locations, policy_dirs, policy_settings, sources_used};
use super::{baseline, exit, output, pipeline, print_diagnostic, rules, select};
use crate::load::terraform::VarArg;
use crate::model::{Date, Severity, Status};
use crate::policy::{LoadOptions, Policies};
use crate::price;
use crate::report::{checkstyle, codequality, github, json, junit, markdown, sarif, text, Report};

pub fn run(args: &CheckArgs, var_order: &[VarArg], targets: &[OutputTarget]) -> u8 {
    match run_check(args, var_order, targets) {
        Ok(code) | Err(code) => code,
    }
}

fn run_check(args: &CheckArgs, var_order: &[VarArg], targets: &[OutputTarget]) -> Result<u8, u8> {
    if args.config_from.is_some() && args.input.config.is_some() {
        eprintln!("error: --config FILE and --config-from REV both say where the configuration comes from\n  help: leave out --config to apply the configuration REV has, or --config-from to apply FILE from the working tree");
        return Err(exit::ERROR);
    }
    let mut prepared = pipeline::prepare(&args.input)?;
    let color = prepared.color;
    let today = today(args.input.today.as_deref())?;
    // Kept to the end of the run: the revision's files are in its temporary directory.
    let revision = match &args.config_from {
        Some(reference) => Some(rules::from_revision(args, &mut prepared, reference)?),
        None => None,
    };
    let (input, rules) = match &revision {
        Some(r) => (&r.input, &r.rules),
        None => (&args.input, &args.rules),
    };
    let policies = load_policies(&prepared, rules)?;
    if args.input.verbose {
        if let Some(r) = &revision {
            eprintln!("{}", r.note());
        }
        eprint!("{}", used(&prepared, input, rules));
    }
    let mut report = analyze(&prepared, input, var_order, &policies, today)?;
    if let Some(given) = &args.baseline {
        let path = match &revision {
            Some(r) => {
                let (path, edited) = r.baseline(given, prepared.namer.root());
                report.warnings.extend(edited);
                path
            }
            None => Some(given.clone()),
        };
        if let Some(path) = path {
            let recorded = baseline::read(&path)?;
            baseline::apply(&mut report, &recorded, given, args.input.verbose);
        }
    }
    if let Some(r) = revision {
        report.warnings.extend(r.warnings);
    }
    let text_options = text_options(color, &args.input, &args.outputs, &args.gate, targets);
    let context = markdown::Context::from_environment();
    let written = output::stream_targets(targets, |format, w| match format {
        Format::Json => json::write_to(&report, w),
        _ => w.write_all(render(&report, format, text_options, &context).as_bytes()),
    });
    output::append_step_summary(|| markdown::render_check(&report, &context));
    written?;
    if report.files == 0 && report.errors.is_empty() && report.resources.is_empty() {
        eprintln!(
            "note: no Terraform, Kubernetes or serving configuration found under {}",
            pipeline::shown_paths(&prepared)
        );
    }
    // Every report went to a file: the terminal still gets the outcome.
    if targets.iter().all(|t| t.path.is_some()) {
        let plain = text::TextOptions {
            color: false,
            ..text_options
        };
        eprint!("{}", text::summary_line(&report, plain));
        if let Some(line) = text::gate_line(&report, plain.gate) {
            eprint!("{line}");
        }
    }
    Ok(exit_code(&report, &args.gate, |_| true))
}

/// How the text report looks, from the flags every reporting command shares.
pub(super) fn text_options(
    color: bool,
    input: &InputArgs,
    outputs: &OutputArgs,
    gate: &GateArgs,
    targets: &[OutputTarget],
) -> text::TextOptions {
    text::TextOptions {
        color: color
            && targets
                .iter()
                .any(|t| t.format == Format::Text && t.path.is_none()),
        show_unknown: gate.unknown != UnknownMode::Ignore,
        verbose: input.verbose,
        quiet: outputs.quiet,
        compact: outputs.compact,
        gate: text::Gate {
            soft_fail: gate.soft_fail,
            fail_severity: gate.fail_severity.severity(),
        },
    }
}

/// `--verbose`: the configuration, policies, usage file and catalog the run used.
pub(super) fn used(prepared: &pipeline::Prepared, input: &InputArgs, rules: &RuleArgs) -> String {
    let builtin = prepared.loaded.config.builtin_policies && !rules.no_builtin_policies;
    let dirs = policy_dirs(&prepared.loaded, &rules.policy_dirs);
    let (start, root) = prepared.scan_start();
    sources_used(
        &prepared.loaded,
        Some((builtin, &dirs)),
        input.usage_file.as_deref(),
        (&start, root),
    )
}

/// `--today`, else today's date in UTC.
pub(super) fn today(given: Option<&str>) -> Result<Date, u8> {
    match given.map(Date::parse) {
        Some(Ok(date)) => Ok(date),
        Some(Err(e)) => {
            eprintln!(
                "error: invalid value `{}` for --today: {}\n  help: {}",
                e.text(),
                e.reason(),
                e.help()
            );
            Err(exit::ERROR)
        }
        None => Ok(Date::today_utc()),
    }
}

/// Loads and validates the policies once, before any input is read: an invalid policy stops
/// the run early.
pub(super) fn load_policies(
    prepared: &pipeline::Prepared,
    rules: &RuleArgs,
) -> Result<Policies, u8> {
    let options = LoadOptions {
        builtin: prepared.loaded.config.builtin_policies && !rules.no_builtin_policies,
        dirs: policy_dirs(&prepared.loaded, &rules.policy_dirs),
    };
    let mut policies = Policies::load(&options).map_err(|errors| {
        for e in errors.errors {
            print_diagnostic(miette::Report::new(e), prepared.color);
        }
        exit::ERROR
    })?;
    for warning in policies.warnings() {
        print_diagnostic(miette::Report::new(warning.clone()), prepared.color);
    }
    select::select(&mut policies, &rules.policies, &rules.skip_policies).map_err(|message| {
        eprintln!("{message}");
        exit::ERROR
    })?;
    Ok(policies)
}

/// Reads, prices and evaluates everything under the prepared paths: the report of one tree.
pub(super) fn analyze(
    prepared: &pipeline::Prepared,
    input: &InputArgs,
    var_order: &[VarArg],
    policies: &Policies,
    today: Date,
) -> Result<Report, u8> {
    let mut inventory = pipeline::analyze(prepared, input, var_order, today)?;
    let mut settings = policy_settings(&prepared.loaded, &prepared.config_namer, today);
    let mut errors = inventory.errors;
    errors.extend(policies.unknown_waiver_ids(&inventory.resources, &settings));
    errors.extend(settings.apply_waiver_rules(&mut inventory.resources));
    let mut evaluation = policies.evaluate(&inventory.resources, &settings);
    let expired = settings.expired_waiver_findings(&evaluation.findings, &inventory.resources);
    let mut rules = policies.report_rules();
    if !expired.is_empty() {
        rules.push(crate::policy::expired_rule());
    }
    evaluation.findings.extend(expired);
    let severity = prepared.loaded.config.savings.severity.severity();
    let (advice, suggestions) = crate::policy::savings::findings(
        policies,
        &inventory.suggestions,
        &inventory.resources,
        &settings,
        severity,
    );
    rules.extend(
        crate::policy::savings::rules(policies, severity)
            .into_iter()
            .filter(|rule| advice.iter().any(|f| f.policy_id == rule.id)),
    );
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    evaluation.findings.extend(advice);
    let locations = config_entry_locations(&prepared.loaded, &prepared.config_namer, "[[budget]]");
    let budgets = match price::budget::project(
        &inventory.resources,
        &prepared.loaded.config.budget,
        &locations,
    ) {
        Ok(b) => b,
        Err(message) => {
            eprintln!("error: {message}");
            return Err(exit::ERROR);
        }
    };
    evaluation
        .findings
        .extend(policies.evaluate_budgets(&budgets, &settings));
    // Budget findings point into the configuration, so its text is a source too.
    let mut sources = inventory.sources;
    if let Some(path) = &prepared.loaded.path {
        let name = prepared
            .config_namer
            .name(&path.canonicalize().unwrap_or_else(|_| path.clone()));
        sources.insert(name, prepared.loaded.text.as_str().into());
    }
    let mut report = Report {
        resources: inventory.resources,
        findings: evaluation.findings,
        errors,
        warnings: inventory.warnings,
        modules_not_loaded: inventory.modules_not_loaded,
        notes: inventory.notes,
        sources,
        files: inventory.files,
        policies: policies.len(),
        passed: evaluation.passes,
        budgets,
        rules,
        suggestions,
    };
    // Prices, policies and budgets have used the sensitive values; no report shows them.
    crate::redact::report(&mut report);
    report.sort();
    Ok(report)
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
        Format::GitlabCodequality => codequality::render(report),
        Format::Checkstyle => checkstyle::render(report),
    }
}

/// 2 when something could not be checked; 1 when a policy failed at or above the failing
/// severity (and unknowns, with `--unknown fail`) among the findings (by index) `counts`
/// accepts; else 0.
pub(super) fn exit_code(report: &Report, gate: &GateArgs, counts: impl Fn(usize) -> bool) -> u8 {
    gate_exit_code(
        gate,
        !report.errors.is_empty(),
        report
            .findings
            .iter()
            .enumerate()
            .map(|(i, f)| (f.status, Some(f.severity), counts(i))),
    )
}

/// The exit code for findings given as (outcome, severity, whether it counts for
/// `--fail-on`), after `input_errors`: an error outcome or input error is 2 whatever its
/// severity; a counted failure at or above `--fail-severity` (an unknown too, with
/// `--unknown fail`) is 1 unless `--soft-fail`.
pub(super) fn gate_exit_code(
    gate: &GateArgs,
    input_errors: bool,
    findings: impl IntoIterator<Item = (Status, Option<Severity>, bool)>,
) -> u8 {
    let threshold = gate.fail_severity.severity();
    let mut failing = false;
    for (status, severity, counts) in findings {
        let fails = match status {
            Status::Error => return exit::ERROR,
            Status::Fail | Status::PendingApproval => true,
            Status::Unknown => gate.unknown == UnknownMode::Fail,
            Status::Suppressed | Status::Approved | Status::Baselined => false,
        };
        failing |= counts && fails && severity.is_some_and(|s| s >= threshold);
    }
    if input_errors {
        exit::ERROR
    } else if failing && !gate.soft_fail {
        exit::FAILED
    } else {
        exit::CLEAN
    }
}
