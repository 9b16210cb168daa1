//! `aicost-policy cost`: the shared pipeline, then the cost table or JSON.

use super::args::{CostArgs, CostFormat, GroupBy};
use super::{exit, output, pipeline, print_diagnostic};
use crate::load::terraform::VarArg;
use crate::report::cost::{render_json, render_text, Grouping};
use crate::report::Report;

pub fn run(args: &CostArgs, var_order: &[VarArg]) -> u8 {
    let prepared = match pipeline::prepare(&args.input) {
        Ok(p) => p,
        Err(code) => return code,
    };
    if args.input.verbose {
        let (start, root) = prepared.scan_start();
        eprint!(
            "{}",
            super::settings::sources_used(
                &prepared.loaded,
                None,
                args.input.usage_file.as_deref(),
                (&start, root),
            )
        );
    }
    let today = match super::check::today(args.input.today.as_deref()) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let inventory = match pipeline::analyze(&prepared, &args.input, var_order, today) {
        Ok(i) => i,
        Err(code) => return code,
    };
    let suggestions = inventory.suggestions;
    let mut report = Report {
        resources: inventory.resources,
        errors: inventory.errors,
        warnings: inventory.warnings,
        modules_not_loaded: inventory.modules_not_loaded,
        notes: inventory.notes,
        sources: inventory.sources,
        files: inventory.files,
        ..Report::default()
    };
    crate::redact::report(&mut report);
    report.sort();
    let grouping = args.group_by.as_ref().map(|g| match g {
        GroupBy::Tag(k) => Grouping::Tag(k.clone()),
        GroupBy::File => Grouping::File,
        GroupBy::Root => Grouping::Root,
        GroupBy::Provider => Grouping::Provider,
        GroupBy::Type => Grouping::Type,
    });
    let rendered = match args.format {
        CostFormat::Text => {
            // Input errors go to standard error so the table stays clean.
            for e in &report.errors {
                let mut err = miette::MietteDiagnostic::new(format!(
                    "{}:{}: {}",
                    e.location.file, e.location.line, e.message
                ));
                if let Some(h) = &e.help {
                    err = err.with_help(h.clone());
                }
                print_diagnostic(miette::Report::new(err), prepared.color);
            }
            for w in &report.warnings {
                let mut warning = miette::MietteDiagnostic::new(format!(
                    "{}:{}: {}",
                    w.location.file, w.location.line, w.message
                ))
                .with_severity(miette::Severity::Warning);
                if let Some(h) = &w.help {
                    warning = warning.with_help(h.clone());
                }
                print_diagnostic(miette::Report::new(warning), prepared.color);
            }
            let mut text = render_text(&report, grouping.as_ref());
            if args.suggest {
                text.push_str(&crate::report::savings::render_text(&suggestions));
            }
            text
        }
        CostFormat::Json => render_json(&report, grouping.as_ref()),
    };
    if let Err(code) = output::write(&rendered, args.output.as_deref()) {
        return code;
    }
    if report.errors.is_empty() {
        exit::CLEAN
    } else {
        exit::ERROR
    }
}
