//! `aicost-policy baseline create|update`, and reading the file `check --baseline` applies.

use std::path::Path;
use std::sync::Arc;

use super::args::{BaselineCommand, InputArgs, RuleArgs};
use super::check::{analyze, load_policies, today};
use super::{exit, pipeline};
use crate::load::source::{read_source, DEFAULT_MAX_FILE_SIZE};
use crate::load::terraform::VarArg;
use crate::policy::baseline::{Applied, Baseline, Entry};
use crate::report::escape::controls;
use crate::report::{text, Report};

pub fn run(command: &BaselineCommand, var_order: &[VarArg]) -> u8 {
    let outcome = match command {
        BaselineCommand::Create(args) => create(&args.input, &args.rules, &args.output, var_order),
        BaselineCommand::Update(args) => {
            update(&args.input, &args.rules, &args.baseline, var_order)
        }
    };
    match outcome {
        Ok(code) | Err(code) => code,
    }
}

fn create(
    input: &InputArgs,
    rules: &RuleArgs,
    output: &Path,
    var_order: &[VarArg],
) -> Result<u8, u8> {
    let report = report_of(input, rules, var_order)?;
    let baseline = Baseline::record(&report);
    write(output, &baseline)?;
    eprintln!(
        "wrote {} to {}",
        findings(baseline.entries.len()),
        shown(output)
    );
    Ok(incomplete(&report))
}

fn update(
    input: &InputArgs,
    rules: &RuleArgs,
    path: &Path,
    var_order: &[VarArg],
) -> Result<u8, u8> {
    let baseline = read(path)?;
    let mut report = report_of(input, rules, var_order)?;
    let Applied { kept, stale } = baseline.apply(&mut report);
    for entry in &stale {
        eprintln!("removed: {}", describe(entry));
    }
    write(path, &kept)?;
    eprintln!(
        "kept {} in {}, removed {}",
        findings(kept.entries.len()),
        shown(path),
        plural(stale.len(), "entry", "entries")
    );
    Ok(incomplete(&report))
}

/// The report `check` would make of the paths, with its rules.
fn report_of(input: &InputArgs, rules: &RuleArgs, var_order: &[VarArg]) -> Result<Report, u8> {
    let prepared = pipeline::prepare(input)?;
    let today = today(input.today.as_deref())?;
    let policies = load_policies(&prepared, rules)?;
    let report = analyze(&prepared, input, var_order, &policies, today)?;
    if !report.errors.is_empty() {
        let options = text::TextOptions {
            color: prepared.color,
            ..Default::default()
        };
        let errors_only = Report {
            errors: report.errors.clone(),
            sources: report.sources.clone(),
            ..Default::default()
        };
        eprint!("{}", text::render_body(&errors_only, options));
    }
    Ok(report)
}

/// 2 when some input could not be checked: its findings are not in the file.
fn incomplete(report: &Report) -> u8 {
    if report.errors.is_empty() {
        exit::CLEAN
    } else {
        eprintln!(
            "error: {} could not be checked, so the baseline lacks its findings\n  help: fix the input errors above and run the command again",
            plural(report.errors.len(), "input", "inputs")
        );
        exit::ERROR
    }
}

/// Reads a baseline file; a missing or malformed one is an error that stops the run.
pub(super) fn read(path: &Path) -> Result<Baseline, u8> {
    let name = shown(path);
    let file = read_source(path, Arc::from(name.as_str()), DEFAULT_MAX_FILE_SIZE).map_err(|e| {
        eprintln!(
            "error: cannot read the baseline {name}: {}\n  help: create it with `aicost-policy baseline create --output {name}`, or give the path of an existing one",
            e.message
        );
        exit::ERROR
    })?;
    Baseline::parse(&file.text).map_err(|e| {
        eprintln!(
            "error: {name}:{}:{}: not a baseline file: {}\n  help: write it with `aicost-policy baseline create`; the format is in docs/baselines.md",
            e.line,
            e.column,
            controls(&e.message)
        );
        exit::ERROR
    })
}

/// `check --baseline`: marks the findings the baseline holds, and says what in it is stale.
pub(super) fn apply(report: &mut Report, baseline: &Baseline, path: &Path, verbose: bool) {
    let Applied { stale, .. } = baseline.apply(report);
    if stale.is_empty() {
        return;
    }
    if verbose {
        for entry in &stale {
            eprintln!(
                "note: baseline entry matches no finding: {}",
                describe(entry)
            );
        }
    }
    eprintln!(
        "note: {} of {} {} no finding any more (fixed, or changed and reported again){}\n  help: `aicost-policy baseline update --baseline {}` removes them",
        plural(stale.len(), "entry", "entries"),
        shown(path),
        if stale.len() == 1 { "matches" } else { "match" },
        if verbose { "" } else { "; --verbose lists them" },
        shown(path)
    );
}

fn write(path: &Path, baseline: &Baseline) -> Result<(), u8> {
    std::fs::write(path, baseline.render()).map_err(|e| {
        eprintln!(
            "error: cannot write the baseline {}: {e}\n  help: give a writable path with --output",
            shown(path)
        );
        exit::ERROR
    })
}

fn describe(e: &Entry) -> String {
    controls(&format!(
        "{} {} ({}, {})",
        e.policy_id, e.address, e.file, e.status
    ))
    .into_owned()
}

fn shown(path: &Path) -> String {
    controls(&path.display().to_string()).into_owned()
}

fn findings(n: usize) -> String {
    plural(n, "finding", "findings")
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
