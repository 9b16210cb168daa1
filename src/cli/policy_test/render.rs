//! The report of `aicost-policy test`: text (a line per expectation, the case file errors,
//! a summary and the coverage) and JUnit XML (a suite per policy, one for the case files
//! and one for coverage). Text from the case files is written with control characters
//! escaped; XML with the JUnit report's escaping.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::{Covered, Line, Results, Verdict};
use crate::report::escape::controls;
use crate::report::junit::{attribute, text as xml_text};

pub fn text(r: &Results) -> String {
    let mut out = String::new();
    for l in &r.lines {
        let tag = match l.verdict {
            Verdict::Pass => "PASS ",
            Verdict::Fail { .. } => "FAIL ",
            Verdict::Error(_) => "ERROR",
        };
        let _ = writeln!(
            out,
            "{tag} {}  {} ({}:{})",
            controls(&l.policy),
            controls(&l.case),
            controls(&l.file),
            l.line
        );
        match &l.verdict {
            Verdict::Pass => {}
            Verdict::Fail { .. } => {
                for detail in failure_details(l) {
                    let _ = writeln!(out, "      {}", controls(&detail));
                }
            }
            Verdict::Error(why) => {
                let _ = writeln!(out, "      {}", controls(why));
            }
        }
    }
    for e in &r.file_errors {
        let _ = writeln!(
            out,
            "error: {}:{}:{}: {}\n  help: {}",
            controls(&e.file),
            e.line,
            e.column,
            controls(&e.message),
            controls(&e.help)
        );
    }
    if !r.lines.is_empty() || !r.file_errors.is_empty() {
        out.push('\n');
    }
    out.push_str(&summary(r));
    out.push_str(&coverage_text(r));
    out
}

/// Expected and actual, for a line that failed.
fn failure_details(l: &Line) -> Vec<String> {
    let Verdict::Fail { actual, messages } = &l.verdict else {
        return Vec::new();
    };
    let expected = l.expected.map(|o| o.name()).unwrap_or("?");
    let mut out = vec![match &l.message {
        Some(m) => format!("expected: {expected}, with a message containing \"{m}\""),
        None => format!("expected: {expected}"),
    }];
    if messages.is_empty() {
        out.push(format!("actual:   {}", actual.name()));
    } else {
        out.push(format!(
            "actual:   {}: {}",
            actual.name(),
            messages.join(" | ")
        ));
    }
    out
}

/// `N expectations in M cases: P passed, F failed, E errors` and the unreadable case files.
pub fn summary(r: &Results) -> String {
    let count = |f: fn(&Verdict) -> bool| r.lines.iter().filter(|l| f(&l.verdict)).count();
    let passed = count(|v| matches!(v, Verdict::Pass));
    let failed = count(|v| matches!(v, Verdict::Fail { .. }));
    let errors = count(|v| matches!(v, Verdict::Error(_)));
    let cases: BTreeSet<(&str, &str)> = r
        .lines
        .iter()
        .map(|l| (l.file.as_str(), l.case.as_str()))
        .collect();
    let mut line = format!(
        "{} {} in {} {}: {passed} passed, {failed} failed, {errors} {}",
        r.lines.len(),
        plural(r.lines.len(), "expectation", "expectations"),
        cases.len(),
        plural(cases.len(), "case", "cases"),
        plural(errors, "error", "errors"),
    );
    if !r.file_errors.is_empty() {
        let _ = write!(
            line,
            "; {} case {} could not be read",
            r.file_errors.len(),
            plural(r.file_errors.len(), "file", "files")
        );
    }
    line.push('\n');
    line
}

fn coverage_text(r: &Results) -> String {
    let mut out = format!(
        "coverage: {} {}",
        r.policies.len(),
        plural(r.policies.len(), "policy", "policies")
    );
    if r.no_case.is_empty() && r.never_fire.is_empty() {
        out.push_str(", each with a case in which it fires\n");
    } else {
        out.push('\n');
    }
    for c in &r.no_case {
        let _ = writeln!(out, "  no case: {}", covered(c));
    }
    for c in &r.never_fire {
        let _ = writeln!(out, "  never fires (passes in every case): {}", covered(c));
    }
    if !r.approvals.is_empty() {
        let _ = writeln!(
            out,
            "  not tested by cases: approval policies {} (they decide who may approve a change and give no findings)",
            controls(&r.approvals.join(", "))
        );
    }
    out
}

fn covered(c: &Covered) -> String {
    format!("{} ({}:{})", controls(&c.id), controls(&c.file), c.line)
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// One `<testcase>`: name, classname, file, line, and the element inside, if any.
struct Case {
    name: String,
    classname: String,
    file: String,
    line: u32,
    inner: Option<(&'static str, String, String)>,
}

pub fn junit(r: &Results, require_coverage: bool) -> String {
    let mut suites: BTreeMap<String, Vec<Case>> = BTreeMap::new();
    for l in &r.lines {
        let inner = match &l.verdict {
            Verdict::Pass => None,
            Verdict::Fail { actual, .. } => Some((
                "failure",
                format!(
                    "expected {}, got {}",
                    l.expected.map(|o| o.name()).unwrap_or("?"),
                    actual.name()
                ),
                failure_details(l).join("\n"),
            )),
            Verdict::Error(why) => Some(("error", why.clone(), String::new())),
        };
        suites.entry(l.policy.clone()).or_default().push(Case {
            name: l.case.clone(),
            classname: l.policy.clone(),
            file: l.file.clone(),
            line: l.line,
            inner,
        });
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let mut body = String::new();
    let (mut tests, mut failures, mut errors) = (0, 0, 0);
    let file_cases = r
        .file_errors
        .iter()
        .map(|e| Case {
            name: e.file.clone(),
            classname: "case files".to_string(),
            file: e.file.clone(),
            line: e.line,
            inner: Some((
                "error",
                format!("{}:{}:{}: {}", e.file, e.line, e.column, e.message),
                e.help.clone(),
            )),
        })
        .collect::<Vec<_>>();
    let gap = if require_coverage {
        "failure"
    } else {
        "skipped"
    };
    let coverage_cases = r
        .policies
        .iter()
        .map(|c| {
            let why = if r.no_case.iter().any(|n| n.id == c.id && n.file == c.file) {
                Some("no case")
            } else if r
                .never_fire
                .iter()
                .any(|n| n.id == c.id && n.file == c.file)
            {
                Some("never fires: it passes in every case")
            } else {
                None
            };
            Case {
                name: c.id.clone(),
                classname: "coverage".to_string(),
                file: c.file.clone(),
                line: c.line,
                inner: why.map(|w| (gap, w.to_string(), String::new())),
            }
        })
        .collect::<Vec<_>>();
    let named = suites
        .iter()
        .map(|(name, cases)| (name.as_str(), cases.as_slice()))
        .chain([
            ("case files", file_cases.as_slice()),
            ("coverage", coverage_cases.as_slice()),
        ]);
    for (name, cases) in named {
        if cases.is_empty() {
            continue;
        }
        let count = |kind: &str| {
            cases
                .iter()
                .filter(|c| c.inner.as_ref().is_some_and(|i| i.0 == kind))
                .count()
        };
        let (f, e, s) = (count("failure"), count("error"), count("skipped"));
        tests += cases.len();
        failures += f;
        errors += e;
        let _ = writeln!(
            body,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{f}\" errors=\"{e}\" skipped=\"{s}\">",
            attribute(name),
            cases.len()
        );
        for c in cases {
            write_case(&mut body, c);
        }
        body.push_str("  </testsuite>\n");
    }
    let _ = writeln!(
        out,
        "<testsuites name=\"aicost-policy test\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">"
    );
    out.push_str(&body);
    out.push_str("</testsuites>\n");
    out
}

fn write_case(out: &mut String, c: &Case) {
    let _ = write!(
        out,
        "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\"",
        attribute(&c.name),
        attribute(&c.classname),
        attribute(&c.file),
        c.line
    );
    match &c.inner {
        None => out.push_str("/>\n"),
        Some((element, message, details)) => {
            out.push_str(">\n");
            let kind = match *element {
                "skipped" => String::new(),
                _ => " type=\"aicost-policy test\"".to_string(),
            };
            if details.is_empty() {
                let _ = writeln!(
                    out,
                    "      <{element} message=\"{}\"{kind}/>",
                    attribute(message)
                );
            } else {
                let _ = writeln!(
                    out,
                    "      <{element} message=\"{}\"{kind}>{}</{element}>",
                    attribute(message),
                    xml_text(details)
                );
            }
            out.push_str("    </testcase>\n");
        }
    }
}
