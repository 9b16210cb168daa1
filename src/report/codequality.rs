//! GitLab Code Quality: the JSON array GitLab reads from a job's
//! `artifacts:reports:codequality` to show findings in the merge request's widget and diff.
//! One issue per open finding (failures, notices, unknowns, policy errors) and per input
//! error; accepted findings (waived, approved, baselined) are left out, as GitLab has no
//! state for them. GitLab compares the merge request's report with its target branch's by
//! `fingerprint`, so the fingerprint is SARIF's: policy, root and address, never lines.

use serde_json::{json, Value as Json};

use super::escape::controls;
use super::Report;
use crate::model::{Finding, InputError, Location, Severity, Status};

/// The `check_name` of an input that could not be checked.
const INPUT_ERROR: &str = "aicost-policy/input-error";

pub fn render(report: &Report) -> String {
    let mut issues: Vec<Json> = report.findings.iter().filter_map(finding).collect();
    issues.extend(report.errors.iter().map(input_error));
    let mut text = serde_json::to_string_pretty(&issues).unwrap_or_else(|_| "[]".to_string());
    text.push('\n');
    text
}

fn finding(f: &Finding) -> Option<Json> {
    let severity = match f.status {
        Status::Fail | Status::PendingApproval => severity(f.severity),
        // An answer that needs a value no one gave: to review, not a defect.
        Status::Unknown => "info",
        Status::Error => "critical",
        Status::Suppressed | Status::Approved | Status::Baselined => return None,
    };
    let description = match f.status {
        Status::Unknown if !f.unknowns.is_empty() => format!(
            "unknown: {} (depends on {})",
            f.message,
            super::github::unknown_reasons(f)
        ),
        Status::Unknown => format!("unknown: {}", f.message),
        Status::Error => format!("policy error: {}", f.message),
        Status::PendingApproval => format!("pending approval: {}", f.message),
        _ => f.message.clone(),
    };
    Some(issue(
        &description,
        &f.policy_id,
        &super::sarif::fingerprint(&f.policy_id, &f.root, &f.address),
        severity,
        &f.location,
    ))
}

fn input_error(e: &InputError) -> Json {
    // Two errors at one line stay two issues (GitLab shows one per fingerprint).
    let at = format!("{}:{}", e.location.line, e.message);
    issue(
        &e.message,
        INPUT_ERROR,
        &super::sarif::fingerprint(INPUT_ERROR, &e.location.file, &at),
        "blocker",
        &e.location,
    )
}

/// Our five severities onto GitLab's five, in order.
fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Info => "info",
        Severity::Low => "minor",
        Severity::Medium => "major",
        Severity::High => "critical",
        Severity::Critical => "blocker",
    }
}

fn issue(
    description: &str,
    check_name: &str,
    fingerprint: &str,
    severity: &str,
    at: &Location,
) -> Json {
    json!({
        "description": controls(description),
        "check_name": controls(check_name),
        "fingerprint": fingerprint,
        "severity": severity,
        "location": {
            "path": controls(&at.file),
            "lines": {"begin": at.line.max(1)},
        },
    })
}
