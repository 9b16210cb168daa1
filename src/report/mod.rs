//! The report stage: everything a run found, in one sorted [`Report`], and one renderer per
//! output format. Renderers are pure functions from a report to text.

pub mod checkstyle;
pub mod codequality;
pub mod cost;
pub mod diff;
pub mod diff_text;
pub mod escape;
pub mod github;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod savings;
mod snippet;
pub mod text;

use crate::model::{
    Budget, Finding, InputError, ModuleNotLoaded, Note, Resource, Rule, SourceMap, Status,
};

/// The version of the JSON report format (`docs/json-report.md`).
pub const JSON_FORMAT_VERSION: u32 = 1;

/// Everything one run found.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub resources: Vec<Resource>,
    pub findings: Vec<Finding>,
    /// Input that could not be checked.
    pub errors: Vec<InputError>,
    /// Mistakes in the input that change nothing checked; shown, not in the exit code.
    pub warnings: Vec<InputError>,
    pub modules_not_loaded: Vec<ModuleNotLoaded>,
    pub notes: Vec<Note>,
    pub sources: SourceMap,
    /// Input files read.
    pub files: usize,
    /// Policies evaluated.
    pub policies: usize,
    /// (policy, resource) pairs that passed.
    pub passed: usize,
    /// Budget caps with their projections.
    pub budgets: Vec<Budget>,
    /// Every policy that was evaluated, sorted by id.
    pub rules: Vec<Rule>,
    /// Savings advice not waived, largest saving first (each is also an `AIC-SAVE-*`
    /// finding).
    pub suggestions: Vec<crate::model::Suggestion>,
}

/// Counts for the summary line and the JSON `summary` object.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub resources: usize,
    pub files: usize,
    pub policies: usize,
    /// Failures above `info` severity.
    pub failed: usize,
    /// Distinct policies among the failures.
    pub failed_policies: usize,
    /// Failures of `info` severity: notices, counted apart (see [`Finding::is_notice`]).
    pub notices: usize,
    pub unknown: usize,
    pub suppressed: usize,
    /// Findings the baseline holds (`check --baseline`).
    pub baselined: usize,
    /// Policy evaluations that failed with an error.
    pub policy_errors: usize,
    pub passed: usize,
    /// Problems in the input (files that did not parse, expressions that failed).
    pub input_errors: usize,
    /// Input warnings (see [`Report::warnings`]).
    pub warnings: usize,
    pub modules_not_loaded: usize,
}

impl Report {
    /// Puts findings in reading order: by file, line, policy and resource.
    pub fn sort(&mut self) {
        self.findings.sort_by(|a, b| {
            (
                a.location.file.as_ref(),
                a.location.line,
                &a.policy_id,
                &a.root,
                &a.address,
            )
                .cmp(&(
                    b.location.file.as_ref(),
                    b.location.line,
                    &b.policy_id,
                    &b.root,
                    &b.address,
                ))
        });
        self.errors.sort();
        self.errors.dedup();
        self.warnings.sort();
        self.warnings.dedup();
        self.modules_not_loaded.sort();
        self.modules_not_loaded.dedup();
        self.notes.sort();
        self.notes.dedup();
        self.resources
            .sort_by(|a, b| (&a.root, &a.address).cmp(&(&b.root, &b.address)));
    }

    pub fn summary(&self) -> Summary {
        let count = |s: Status| {
            self.findings
                .iter()
                .filter(|f| f.status == s && !f.is_notice())
                .count()
        };
        let failed_policies: std::collections::BTreeSet<&str> = self
            .findings
            .iter()
            .filter(|f| f.status == Status::Fail && !f.is_notice())
            .map(|f| f.policy_id.as_str())
            .collect();
        Summary {
            resources: self.resources.len(),
            files: self.files,
            policies: self.policies,
            failed: count(Status::Fail),
            failed_policies: failed_policies.len(),
            notices: self.findings.iter().filter(|f| f.is_notice()).count(),
            unknown: count(Status::Unknown),
            suppressed: count(Status::Suppressed),
            baselined: count(Status::Baselined),
            policy_errors: count(Status::Error),
            passed: self.passed,
            input_errors: self.errors.len(),
            warnings: self.warnings.len(),
            modules_not_loaded: self.modules_not_loaded.len(),
        }
    }
}

/// What an approval status says, for every format: who can approve and who did.
/// `None` for a finding that needs no approval.
pub fn approval_text(f: &crate::model::Finding) -> Option<String> {
    let a = f.approval.as_ref()?;
    let by = a
        .approvals
        .iter()
        .map(|x| format!("{} at {}", x.user, crate::model::short_commit(&x.commit)))
        .collect::<Vec<_>>();
    let needs = format!(
        "needs {} approval{} of the head commit from {}",
        a.required,
        if a.required == 1 { "" } else { "s" },
        a.group
    );
    let mut text = match f.status {
        crate::model::Status::Approved => format!("approved by {}", by.join(", ")),
        _ if by.is_empty() => needs,
        _ => format!("{needs}; approved by {}", by.join(", ")),
    };
    if f.status != crate::model::Status::Approved && !a.not_counted.is_empty() {
        text.push_str(&format!("; not counted: {}", a.not_counted.join("; ")));
    }
    Some(text)
}

/// Percent-encodes every byte of `path` except unreserved characters and `/`, so spaces,
/// `%`, `#`, `?` and non-ASCII names make a valid URI reference.
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `9 failed findings (3 policies)`, `1 failed finding (1 policy)`, `0 failed findings`:
/// the findings and the policies they come from, so that nine findings of three policies
/// do not read as nine policies failing.
pub fn failed_findings(findings: usize, policies: usize) -> String {
    let count = plural(findings, "failed finding", "failed findings");
    if findings == 0 {
        count
    } else {
        format!("{count} ({})", plural(policies, "policy", "policies"))
    }
}

/// `1 resource`, `2 resources`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::failed_findings;

    #[test]
    fn failed_findings_name_the_policies_they_come_from() {
        assert_eq!(failed_findings(0, 0), "0 failed findings");
        assert_eq!(failed_findings(1, 1), "1 failed finding (1 policy)");
        assert_eq!(failed_findings(9, 3), "9 failed findings (3 policies)");
    }
}
