//! Checkstyle XML, which many CI plugins and editors read (reviewdog, Jenkins' warnings
//! plugin, Bitbucket and Azure DevOps report tasks): one `<file>` per file with findings,
//! one `<error>` per open finding or input error in it. Accepted findings (waived, approved,
//! baselined) are left out, as in the GitLab Code Quality report.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::escape::controls;
use super::junit::attribute;
use super::Report;
use crate::model::{Location, Severity, Status};

/// The `source` of an input that could not be checked.
const INPUT_ERROR: &str = "aicost-policy.input-error";

struct Error {
    line: u32,
    column: u32,
    severity: &'static str,
    message: String,
    source: String,
}

pub fn render(report: &Report) -> String {
    let mut files: BTreeMap<String, Vec<Error>> = BTreeMap::new();
    let mut add = |at: &Location, error: Error| {
        files.entry(at.file.to_string()).or_default().push(error);
    };
    for f in &report.findings {
        let (severity, message) = match f.status {
            Status::Fail | Status::PendingApproval => (severity(f.severity), f.message.clone()),
            Status::Unknown => ("info", format!("unknown: {}", f.message)),
            Status::Error => ("error", format!("policy error: {}", f.message)),
            Status::Suppressed | Status::Approved | Status::Baselined => continue,
        };
        let message = match f.status {
            Status::PendingApproval => format!("pending approval: {message}"),
            _ => message,
        };
        add(
            &f.location,
            Error {
                line: f.location.line,
                column: f.location.column,
                severity,
                message,
                source: f.policy_id.clone(),
            },
        );
    }
    for e in &report.errors {
        add(
            &e.location,
            Error {
                line: e.location.line,
                column: e.location.column,
                severity: "error",
                message: e.message.clone(),
                source: INPUT_ERROR.to_string(),
            },
        );
    }
    let mut out =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n");
    for (file, mut errors) in files {
        // Stable: by place, then as the report has them.
        errors.sort_by_key(|e| (e.line, e.column));
        let _ = writeln!(out, "  <file name=\"{}\">", attribute(&controls(&file)));
        for e in errors {
            let _ = writeln!(
                out,
                "    <error line=\"{}\" column=\"{}\" severity=\"{}\" message=\"{}\" source=\"{}\"/>",
                e.line.max(1),
                e.column.max(1),
                e.severity,
                attribute(&controls(&e.message)),
                attribute(&controls(&e.source))
            );
        }
        out.push_str("  </file>\n");
    }
    out.push_str("</checkstyle>\n");
    out
}

/// Checkstyle has three severities: high and critical are errors, low and medium
/// warnings, info is info.
fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium | Severity::Low => "warning",
        Severity::Info => "info",
    }
}
