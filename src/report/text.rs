//! The human report: one compiler-style block per failure, unknown and error (drawn by
//! miette, with the source snippet), then a one-line summary.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::rc::Rc;
use std::sync::Arc;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceSpan};

use super::escape::controls;
use super::snippet::Snippet;
use super::{plural, Report};
use crate::model::{
    Compute, Fact, Finding, InputError, LineIndex, Location, Resource, Severity, Status, Workload,
    WorkloadDetail,
};

/// How the text report looks.
#[derive(Clone, Copy, Debug, Default)]
pub struct TextOptions {
    pub color: bool,
    /// Show unknown findings in detail (they are always counted).
    pub show_unknown: bool,
    /// List notes and skipped inputs.
    pub verbose: bool,
    /// Failures and errors only (`--quiet`): no unknowns, suppressed findings, notes or
    /// budget lines; the summary is still printed.
    pub quiet: bool,
    /// One line per diagnostic, without the source snippet (`--compact`).
    pub compact: bool,
    /// What makes failures fail the run, so the summary can say when they do not.
    pub gate: Gate,
}

/// The options that decide whether failures fail the run.
#[derive(Clone, Copy, Debug)]
pub struct Gate {
    /// `--soft-fail`: failures never fail the run.
    pub soft_fail: bool,
    /// `--fail-severity`: failures below it do not fail the run.
    pub fail_severity: Severity,
}

impl Default for Gate {
    fn default() -> Gate {
        Gate {
            soft_fail: false,
            fail_severity: Severity::Low,
        }
    }
}

/// A finding or input error as a miette diagnostic.
struct Block {
    code: Option<String>,
    /// `file:line:column`, for the compact form.
    place: Option<String>,
    message: String,
    severity: miette::Severity,
    help: Option<String>,
    source: Option<Snippet>,
    label: Option<(SourceSpan, Option<String>)>,
}

impl fmt::Debug for Block {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Block {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Block {}

impl Diagnostic for Block {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code
            .as_ref()
            .map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let (span, text) = self.label.clone()?;
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            text, span,
        ))))
    }
}

/// Renders the whole report.
pub fn render(report: &Report, options: TextOptions) -> String {
    let mut out = render_body(report, options);
    // Set the summary apart from what comes before it; a clean run prints only the summary.
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str(&summary_line(report, options));
    if let Some(line) = gate_line(report, options.gate) {
        out.push_str(&line);
    }
    out
}

/// Why failures reported above do not fail the run, when they do not: `--soft-fail`, or
/// severities below `--fail-severity` (its default, low, leaves info findings out).
pub fn gate_line(report: &Report, gate: Gate) -> Option<String> {
    // Notices (info) are not failures: they fail the run only when asked to.
    let failed: Vec<Severity> = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail && !f.is_notice())
        .map(|f| f.severity)
        .collect();
    let notices = report.findings.iter().any(|f| f.is_notice());
    if notices && gate.fail_severity == Severity::Info && !gate.soft_fail {
        return Some("  --fail-severity info: the notices fail the run too\n".to_string());
    }
    if failed.is_empty() {
        return None;
    }
    if gate.soft_fail {
        let what = if failed.len() == 1 {
            "the failed finding does"
        } else {
            "the failed findings do"
        };
        return Some(format!("  --soft-fail: {what} not fail the run\n"));
    }
    let threshold = gate.fail_severity;
    let below = failed.iter().filter(|s| **s < threshold).count();
    let threshold = threshold.as_str();
    match (below, failed.len()) {
        (0, _) => None,
        (1, 1) => Some(format!(
            "  the failed finding is below --fail-severity {threshold} and does not fail the run\n"
        )),
        (b, n) if b == n => Some(format!(
            "  the {n} failed findings are below --fail-severity {threshold} and do not fail the run\n"
        )),
        (1, n) => Some(format!(
            "  1 of the {n} failed findings is below --fail-severity {threshold} and does not fail the run\n"
        )),
        (b, n) => Some(format!(
            "  {b} of the {n} failed findings are below --fail-severity {threshold} and do not fail the run\n"
        )),
    }
}

/// Everything but the summary line: errors, warnings, findings, notes (verbose) and budgets.
pub fn render_body(report: &Report, options: TextOptions) -> String {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false);
    let mut out = String::new();
    let lines = Lines::default();
    let show = |block: Block, out: &mut String| {
        if options.compact {
            out.push_str(&compact_lines(&block));
        } else {
            render_block(&handler, &block, out);
        }
    };
    for e in &report.errors {
        show(error_block(report, &lines, e), &mut out);
    }
    for w in &report.warnings {
        let block = Block {
            severity: miette::Severity::Warning,
            ..error_block(report, &lines, w)
        };
        show(block, &mut out);
    }
    let by_address: std::collections::HashMap<(&str, &str), &Resource> = report
        .resources
        .iter()
        .map(|r| ((r.root.as_ref(), r.address.as_str()), r))
        .collect();
    // Notices after everything else, in the report's order otherwise.
    let ordered = report
        .findings
        .iter()
        .filter(|f| !f.is_notice())
        .chain(report.findings.iter().filter(|f| f.is_notice()));
    for f in ordered {
        if f.status == Status::Unknown && (!options.show_unknown || options.quiet) {
            continue;
        }
        let hidden = matches!(f.status, Status::Suppressed | Status::Baselined);
        if hidden && (!options.verbose || options.quiet) {
            continue;
        }
        let resource = by_address
            .get(&(f.root.as_ref(), f.address.as_str()))
            .copied();
        show(finding_block(report, &lines, f, resource), &mut out);
    }
    if options.quiet {
        return out;
    }
    if options.verbose {
        let mut notes = String::new();
        for m in &report.modules_not_loaded {
            let version = m
                .version
                .as_deref()
                .map(|v| format!(" {v}"))
                .unwrap_or_default();
            notes.push_str(&shown(&format!(
                "note: {} ({}{version}) at {}:{} is a remote module and was not loaded",
                m.address, m.source, m.location.file, m.location.line
            )));
            notes.push('\n');
        }
        for n in &report.notes {
            let note = match &n.location {
                Some(l) => format!("note: {}:{}: {}", l.file, l.line, n.message),
                None => format!("note: {}", n.message),
            };
            notes.push_str(&shown(&note));
            notes.push('\n');
        }
        // The notes are one more section, set apart like a diagnostic.
        if !notes.is_empty() && !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&notes);
    }
    // Assumptions change amounts, so they are shown without --verbose.
    let assumed = assumptions_section(report);
    if !assumed.is_empty() && !out.is_empty() {
        out.push('\n');
    }
    out.push_str(&assumed);
    // Budgets are their own section: used against limit.
    let mut budgets = String::new();
    for b in &report.budgets {
        let at_least = if b.complete { "" } else { "at least " };
        let percent = b
            .percent_used()
            .map(|p| format!(" ({p}%)"))
            .unwrap_or_default();
        budgets.push_str(&format!(
            "budget {}: {at_least}{} of {} a month{percent}, {} in scope\n",
            shown(&b.name),
            b.monthly_cost,
            b.limit,
            super::plural(b.members.len(), "resource", "resources")
        ));
    }
    if !budgets.is_empty() && !out.is_empty() {
        out.push('\n');
    }
    out.push_str(&budgets);
    out
}

/// `infra/eks.tf:41:3`.
fn place(l: &Location) -> String {
    format!("{}:{}:{}", l.file, l.line, l.column)
}

/// The compact form of a diagnostic: `FILE:LINE:COL: CODE MESSAGE (LABEL)`, then the help
/// on an indented line. Control characters from the input become spaces, so nothing in a
/// message can move the cursor or recolour the terminal.
fn compact_lines(block: &Block) -> String {
    let one_line = |s: &str| -> String {
        s.chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect()
    };
    let mut line = String::new();
    if let Some(place) = &block.place {
        line.push_str(&format!("{place}: "));
    }
    match &block.code {
        Some(code) => line.push_str(&format!("{code} ")),
        None => line.push_str("error: "),
    }
    line.push_str(&block.message);
    if let Some(label) = block.label.as_ref().and_then(|(_, text)| text.as_ref()) {
        line.push_str(&format!(" ({label})"));
    }
    let mut out = format!("{}\n", one_line(&line));
    if let Some(help) = &block.help {
        out.push_str(&format!("    help: {}\n", one_line(help)));
    }
    out
}

fn render_block(handler: &GraphicalReportHandler, block: &Block, out: &mut String) {
    // A blank line between diagnostics, as compilers print them.
    if !out.is_empty() {
        out.push('\n');
    }
    let mut rendered = String::new();
    if handler.render_report(&mut rendered, block).is_err() {
        rendered = format!("{}\n", block.message);
    }
    out.push_str(&rendered);
    if !rendered.ends_with('\n') {
        out.push('\n');
    }
}

/// The snippet of a location's file around the span to underline: the first line of the
/// located text, trimmed. `None` when the file's text is not at hand.
fn snippet_for(report: &Report, lines: &Lines, location: &Location) -> Option<Snippet> {
    let text = report.sources.get(&location.file)?;
    let index = lines.of(&location.file, text);
    let (start, end) = location.span;
    let start = if start == 0 && end == 0 {
        index.line_start(text, location.line)
    } else {
        start
    };
    let (_, _, line_end) = index.line_around(text, start);
    let end = if end > start {
        end.min(line_end)
    } else {
        line_end
    };
    let slice = text.get(start..end).unwrap_or("");
    let end = start
        + slice
            .trim_end()
            .len()
            .max(1)
            .min(end.saturating_sub(start).max(1));
    Some(Snippet::with_lines(
        &location.file,
        text,
        &index,
        start,
        end,
    ))
}

/// Each source file's line index, built the first time a block shows the file, so a
/// snippet costs a binary search, not a scan of the file.
#[derive(Default)]
struct Lines {
    indexed: RefCell<HashMap<Arc<str>, Rc<LineIndex>>>,
}

impl Lines {
    fn of(&self, file: &Arc<str>, text: &str) -> Rc<LineIndex> {
        self.indexed
            .borrow_mut()
            .entry(file.clone())
            .or_insert_with(|| Rc::new(LineIndex::new(text)))
            .clone()
    }
}

fn severity_of(severity: Severity) -> miette::Severity {
    match severity {
        Severity::Critical | Severity::High => miette::Severity::Error,
        Severity::Medium | Severity::Low => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    }
}

fn finding_block(
    report: &Report,
    lines: &Lines,
    f: &Finding,
    resource: Option<&Resource>,
) -> Block {
    let (severity, status_word) = match f.status {
        Status::Fail => (severity_of(f.severity), None),
        Status::Unknown => (miette::Severity::Warning, Some("unknown")),
        Status::Suppressed => (miette::Severity::Advice, Some("suppressed")),
        Status::Error => (miette::Severity::Error, Some("error")),
        Status::PendingApproval => (severity_of(f.severity), Some("pending approval")),
        Status::Approved => (miette::Severity::Advice, Some("approved")),
        Status::Baselined => (miette::Severity::Advice, Some("baselined")),
    };
    let code = match status_word {
        Some(word) => format!("{} [{}, {word}]", f.policy_id, f.severity.as_str()),
        None => format!("{} [{}]", f.policy_id, f.severity.as_str()),
    };
    let label = match f.status {
        Status::Unknown => Some(
            f.unknowns
                .iter()
                .map(|u| format!("{} is unknown: {}", u.fact, u.origin))
                .collect::<Vec<_>>()
                .join("; "),
        ),
        Status::Suppressed => f.suppression.as_ref().map(|s| {
            let by = s
                .owner
                .as_ref()
                .map_or(String::new(), |o| format!(" by {o}"));
            match &s.expires {
                Some(d) => format!("waived{by} until {d}: {}", s.reason),
                None => format!("waived{by}: {}", s.reason),
            }
        }),
        Status::PendingApproval | Status::Approved => super::approval_text(f),
        // It points at the waiver, not at the resource whose cost the label would show.
        _ if f.policy_id == crate::policy::EXPIRED_ID => None,
        _ => resource.and_then(describe_resource),
    };
    let source = snippet_for(report, lines, &f.location);
    Block {
        code: Some(shown(&code)),
        place: Some(place(&f.location)),
        message: shown(&f.message),
        severity,
        help: f.help.as_deref().map(shown),
        label: source
            .as_ref()
            .map(|s| (s.label(), label.as_deref().map(shown))),
        source,
    }
}

/// Text from the input as it may reach a terminal (see [`super::escape`]).
fn shown(text: &str) -> String {
    controls(text).into_owned()
}

/// What the resource runs and costs: `4 × p5.48xlarge, 8 × H100 each, on-demand,
/// $160,716.80/month`.
fn describe_resource(r: &Resource) -> Option<String> {
    let compute = match &r.workload {
        Some(w) => describe_workload(w),
        None => r.compute.as_ref().and_then(describe_compute),
    };
    let cost = r.cost.as_ref().map(super::cost::describe);
    match (compute, cost) {
        (Some(a), Some(b)) => Some(format!("{a}, {b}")),
        (a, b) => a.or(b),
    }
}

/// `4 × p5.48xlarge (8 × H100 each), on-demand`
fn describe_compute(c: &Compute) -> Option<String> {
    let count = match &c.count.desired {
        Fact::Known(n) => n.to_string(),
        Fact::Unknown(_) => "?".to_string(),
    };
    let max = match &c.count.max {
        Fact::Known(m) if c.count.desired != c.count.max => format!(" (up to {m})"),
        _ => String::new(),
    };
    let instance_type = c.instance_type.known()?;
    let accelerators = match &c.accelerator {
        Fact::Known(Some(a)) => match (&a.count, &a.model) {
            (Fact::Known(n), Fact::Known(m)) => format!(", {n} × {m} each"),
            _ => String::new(),
        },
        _ => String::new(),
    };
    let capacity = match &c.capacity {
        Fact::Known(cap) => format!(", {}", cap.as_str()),
        Fact::Unknown(_) => String::new(),
    };
    Some(format!(
        "{count} × {instance_type}{max}{accelerators}{capacity}"
    ))
}

/// `2 pods (up to 30), 4 × A100 each on p4d.24xlarge, on-demand`; `node pool, up to 32
/// GPUs`; `azure/gpt-4o`.
fn describe_workload(w: &Workload) -> Option<String> {
    match &w.detail {
        WorkloadDetail::Pods(p) => {
            let pods = match &p.replicas.desired {
                Fact::Known(1) => "1 pod".to_string(),
                Fact::Known(n) => format!("{n} pods"),
                Fact::Unknown(_) => "? pods".to_string(),
            };
            let max = match &p.replicas.max {
                Fact::Known(m) if p.replicas.desired != p.replicas.max => format!(" (up to {m})"),
                Fact::Unknown(_) if p.replicas.desired.known().is_some() => {
                    " (no maximum)".to_string()
                }
                _ => String::new(),
            };
            let accelerators = match (&p.accelerators, &p.accelerator_model) {
                (Fact::Known(0), _) => String::new(),
                (Fact::Known(n), Some(Fact::Known(m))) => format!(", {n} × {m} each"),
                (Fact::Known(1), _) => ", 1 GPU each".to_string(),
                (Fact::Known(n), _) => format!(", {n} GPUs each"),
                (Fact::Unknown(_), _) => ", ? GPUs each".to_string(),
            };
            let node = match &p.node_instance_type {
                Some(Fact::Known(t)) => format!(" on {t}"),
                _ => String::new(),
            };
            let capacity = match &p.capacity {
                Fact::Known(c) => format!(", {}", c.as_str()),
                Fact::Unknown(_) => String::new(),
            };
            Some(format!("{pods}{max}{accelerators}{node}{capacity}"))
        }
        WorkloadDetail::NodePool(n) => Some(match &n.gpus {
            Some(Fact::Known(g)) => format!("node pool, up to {g} GPUs"),
            Some(Fact::Unknown(_)) => "node pool, GPU limit unknown".to_string(),
            None if n.cpu.is_some() || n.memory_gib.is_some() => "node pool".to_string(),
            None => "node pool without limits".to_string(),
        }),
        WorkloadDetail::LlmRoute(l) => l.model.known().cloned(),
    }
}

fn error_block(report: &Report, lines: &Lines, e: &InputError) -> Block {
    let source = report.sources.get(&e.location.file).map(|text| {
        let start = e.location.span.0.min(text.len());
        let index = lines.of(&e.location.file, text);
        Snippet::with_lines(&e.location.file, text, &index, start, start)
    });
    // Without a snippet (a binary or unreadable file) the file must still be named.
    let message = if source.is_some()
        || e.location.file.is_empty()
        || e.message.contains(&*e.location.file)
    {
        e.message.clone()
    } else {
        format!(
            "{}:{}:{}: {}",
            e.location.file, e.location.line, e.location.column, e.message
        )
    };
    Block {
        code: None,
        // Without a snippet the message already names the place.
        place: source.is_some().then(|| place(&e.location)),
        message: shown(&message),
        severity: miette::Severity::Error,
        help: e.help.as_deref().map(shown),
        label: source.as_ref().map(|s| (s.label(), None)),
        source,
    }
}

/// One line per assumption an amount rests on: `assumed: ADDRESS (COST): WHAT`.
fn assumptions_section(report: &Report) -> String {
    let mut out = String::new();
    for r in &report.resources {
        let Some(cost) = &r.cost else { continue };
        for a in &cost.assumptions {
            out.push_str(&shown(&format!(
                "assumed: {} ({}): {a}",
                r.address,
                super::cost::describe(cost)
            )));
            out.push('\n');
        }
    }
    out
}

/// The summary line, indented, with its line break.
pub fn summary_line(report: &Report, options: TextOptions) -> String {
    format!(
        "  {}\n",
        summary_parts(report, options.show_unknown).join(", ")
    )
}

/// The summary as one plain line without indent or line break, every unknown counted as
/// shown (the other report formats list them all).
pub(super) fn summary_text(report: &Report) -> String {
    summary_parts(report, true).join(", ")
}

fn summary_parts(report: &Report, show_unknown: bool) -> Vec<String> {
    let s = report.summary();
    let mut parts = vec![
        plural(s.resources, "resource", "resources"),
        plural(s.policies, "policy", "policies"),
        super::failed_findings(s.failed, s.failed_policies),
    ];
    if s.notices > 0 {
        parts.push(plural(s.notices, "notice", "notices"));
    }
    let mut unknown = format!("{} unknown", s.unknown);
    if s.unknown > 0 && !show_unknown {
        unknown.push_str(" (not shown)");
    }
    parts.push(unknown);
    if s.suppressed > 0 {
        parts.push(format!("{} suppressed", s.suppressed));
    }
    if s.baselined > 0 {
        parts.push(format!("{} baselined", s.baselined));
    }
    if s.policy_errors > 0 {
        parts.push(plural(s.policy_errors, "policy error", "policy errors"));
    }
    if s.input_errors > 0 {
        parts.push(plural(s.input_errors, "input error", "input errors"));
    }
    if s.warnings > 0 {
        parts.push(plural(s.warnings, "warning", "warnings"));
    }
    if s.modules_not_loaded > 0 {
        parts.push(format!(
            "{} not loaded",
            plural(s.modules_not_loaded, "remote module", "remote modules")
        ));
    }
    let totals = super::cost::Totals::of(report.resources.iter());
    if totals.priced > 0 || totals.unknown > 0 {
        parts.push(totals.amounts("/month"));
    }
    parts
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn error_at(file: &str, line: u32, message: &str) -> InputError {
        InputError::new(
            Location {
                file: Arc::from(file),
                line,
                column: 1,
                end_line: line,
                span: (0, 0),
            },
            message,
        )
    }

    fn plain() -> TextOptions {
        TextOptions {
            color: false,
            show_unknown: true,
            ..TextOptions::default()
        }
    }

    #[test]
    fn an_input_error_without_a_snippet_still_names_its_file() {
        let report = Report {
            errors: vec![error_at("infra/blob.tf", 1, "the file looks binary")],
            ..Report::default()
        };
        let text = render(&report, plain());
        assert!(
            text.contains("× infra/blob.tf:1:1: the file looks binary"),
            "{text}"
        );
    }

    #[test]
    fn an_error_that_names_its_file_is_not_prefixed_twice() {
        let report = Report {
            errors: vec![error_at("infra", 1, "cannot read `infra`: not found")],
            ..Report::default()
        };
        let text = render(&report, plain());
        assert!(text.contains("× cannot read `infra`: not found"), "{text}");
    }

    #[test]
    fn a_clean_run_prints_only_the_summary() {
        let text = render(&Report::default(), plain());
        assert_eq!(
            text,
            "  0 resources, 0 policies, 0 failed findings, 0 unknown\n"
        );
    }

    #[test]
    fn verbose_notes_are_a_section_of_their_own() {
        let report = Report {
            errors: vec![error_at("a.tf", 1, "first")],
            notes: vec![crate::model::Note {
                location: None,
                message: "skipped x".to_string(),
            }],
            ..Report::default()
        };
        let options = TextOptions {
            verbose: true,
            ..plain()
        };
        assert_eq!(
            render(&report, options),
            "  × a.tf:1:1: first\n\nnote: skipped x\n\n  0 resources, 0 policies, 0 failed findings, 0 unknown, 1 input error\n"
        );
    }

    #[test]
    fn diagnostics_are_separated_by_a_blank_line() {
        let report = Report {
            errors: vec![error_at("a.tf", 1, "first"), error_at("b.tf", 1, "second")],
            ..Report::default()
        };
        let text = render(&report, plain());
        assert_eq!(
            text,
            "  × a.tf:1:1: first\n\n  × b.tf:1:1: second\n\n  0 resources, 0 policies, 0 failed findings, 0 unknown, 2 input errors\n"
        );
    }
}
