//! JUnit XML (`--format junit`), the test report most CI systems display: one test suite per
//! evaluated policy, one test case per resource it failed, could not decide or had waived,
//! and one passing case for a policy with no findings, so every policy appears. Input errors
//! and warnings form one more suite, `input`: an error is an `<error>`, a warning (which
//! fails nothing) a `<skipped>` case.

use std::fmt::Write as _;

use super::Report;
use crate::model::{Finding, InputError, Status};

/// One `<testcase>`: its attributes and the element inside it, if any.
struct Case {
    name: String,
    classname: String,
    file: Option<String>,
    line: Option<u32>,
    outcome: Outcome,
}

enum Outcome {
    Pass,
    Failure {
        message: String,
        kind: String,
        details: String,
    },
    Error {
        message: String,
        kind: String,
        details: String,
    },
    Skipped {
        message: String,
        /// Element text, if any (an input warning's place, message and help).
        details: Option<String>,
    },
}

/// Counts for a `<testsuite>` or `<testsuites>` element.
#[derive(Clone, Copy, Default)]
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

impl Counts {
    fn of(cases: &[Case]) -> Counts {
        let mut c = Counts {
            tests: cases.len(),
            ..Counts::default()
        };
        for case in cases {
            match case.outcome {
                Outcome::Pass => {}
                Outcome::Failure { .. } => c.failures += 1,
                Outcome::Error { .. } => c.errors += 1,
                Outcome::Skipped { .. } => c.skipped += 1,
            }
        }
        c
    }

    fn add(self, other: Counts) -> Counts {
        Counts {
            tests: self.tests + other.tests,
            failures: self.failures + other.failures,
            errors: self.errors + other.errors,
            skipped: self.skipped + other.skipped,
        }
    }

    fn attributes(self) -> String {
        format!(
            "tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\"",
            self.tests, self.failures, self.errors, self.skipped
        )
    }
}

/// Renders the report as a JUnit XML document with a trailing newline.
pub fn render(report: &Report) -> String {
    let mut suites: Vec<(String, Vec<Case>)> = report
        .rules
        .iter()
        .map(|rule| {
            let mut cases: Vec<Case> = report
                .findings
                .iter()
                .filter(|f| f.policy_id == rule.id)
                .map(finding_case)
                .collect();
            if cases.is_empty() {
                cases.push(Case {
                    name: "all resources".to_string(),
                    classname: shown(&rule.id),
                    file: None,
                    line: None,
                    outcome: Outcome::Pass,
                });
            }
            (shown(&rule.id), cases)
        })
        .collect();
    if !report.errors.is_empty() || !report.warnings.is_empty() {
        suites.push((
            "input".to_string(),
            report
                .errors
                .iter()
                .map(error_case)
                .chain(report.warnings.iter().map(warning_case))
                .collect(),
        ));
    }
    let total = suites.iter().fold(Counts::default(), |acc, (_, cases)| {
        acc.add(Counts::of(cases))
    });
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"aicost-policy\" {}>",
        total.attributes()
    );
    for (name, cases) in &suites {
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" {}>",
            attribute(name),
            Counts::of(cases).attributes()
        );
        for case in cases {
            write_case(&mut out, case);
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn finding_case(f: &Finding) -> Case {
    // Input text is escaped piece by piece (see super::escape), before our own line breaks
    // join the pieces.
    let message = shown(&f.message);
    let place = shown(&format!("{}:{}", f.location.file, f.location.line));
    let details = match &f.help {
        Some(help) => format!("{place}: {message}\nhelp: {}", shown(help)),
        None => format!("{place}: {message}"),
    };
    let outcome = match f.status {
        Status::Fail => Outcome::Failure {
            message,
            kind: f.severity.as_str().to_string(),
            details,
        },
        Status::Unknown => Outcome::Skipped {
            message: if f.unknowns.is_empty() {
                format!("unknown: {message}")
            } else {
                format!("unknown: {}", shown(&super::github::unknown_reasons(f)))
            },
            details: None,
        },
        Status::Suppressed => Outcome::Skipped {
            message: shown(&match f.suppression.as_ref() {
                Some(s) => {
                    let by = s
                        .owner
                        .as_ref()
                        .map_or(String::new(), |o| format!(" by {o}"));
                    match &s.expires {
                        Some(d) => format!("suppressed{by}: {} (until {d})", s.reason),
                        None => format!("suppressed{by}: {}", s.reason),
                    }
                }
                None => "suppressed".to_string(),
            }),
            details: None,
        },
        Status::Error => Outcome::Error {
            message,
            kind: "policy error".to_string(),
            details,
        },
        Status::PendingApproval => Outcome::Failure {
            message: format!("pending approval: {message}"),
            kind: "pending approval".to_string(),
            details,
        },
        Status::Baselined => Outcome::Skipped {
            message: "baselined: recorded in the baseline, unchanged since".to_string(),
            details: None,
        },
        Status::Approved => Outcome::Skipped {
            message: shown(&format!(
                "approved: {}",
                super::approval_text(f).unwrap_or_default()
            )),
            details: None,
        },
    };
    Case {
        name: shown(&f.address),
        classname: shown(&f.policy_id),
        file: Some(shown(&f.location.file)),
        line: Some(f.location.line),
        outcome,
    }
}

fn error_case(e: &InputError) -> Case {
    input_case(e, |message, details| Outcome::Error {
        message,
        kind: "input error".to_string(),
        details,
    })
}

/// A warning fails nothing, so its case is skipped, not an error.
fn warning_case(w: &InputError) -> Case {
    input_case(w, |message, details| Outcome::Skipped {
        message: format!("warning: {message}"),
        details: Some(details),
    })
}

/// A case in the `input` suite, named by its place; `outcome` gets the message and the
/// details (place, message and help).
fn input_case(e: &InputError, outcome: impl FnOnce(String, String) -> Outcome) -> Case {
    let file = shown(&e.location.file);
    let place = if file.is_empty() {
        "input".to_string()
    } else {
        format!("{file}:{}", e.location.line)
    };
    let message = shown(&e.message);
    let details = match &e.help {
        Some(help) => format!("{place}: {message}\nhelp: {}", shown(help)),
        None => format!("{place}: {message}"),
    };
    Case {
        name: place,
        classname: "input".to_string(),
        file: (!file.is_empty()).then_some(file),
        line: (!e.location.file.is_empty()).then_some(e.location.line),
        outcome: outcome(message, details),
    }
}

/// Text from the input as a person may see it (see [`super::escape`]).
fn shown(text: &str) -> String {
    super::escape::controls(text).into_owned()
}

fn write_case(out: &mut String, case: &Case) {
    let mut open = format!(
        "    <testcase name=\"{}\" classname=\"{}\"",
        attribute(&case.name),
        attribute(&case.classname)
    );
    if let Some(file) = &case.file {
        let _ = write!(open, " file=\"{}\"", attribute(file));
    }
    if let Some(line) = case.line {
        let _ = write!(open, " line=\"{line}\"");
    }
    match &case.outcome {
        Outcome::Pass => {
            let _ = writeln!(out, "{open}/>");
        }
        Outcome::Skipped { message, details } => {
            let _ = writeln!(out, "{open}>");
            match details {
                Some(details) => {
                    let _ = writeln!(
                        out,
                        "      <skipped message=\"{}\">{}</skipped>",
                        attribute(message),
                        text(details)
                    );
                }
                None => {
                    let _ = writeln!(out, "      <skipped message=\"{}\"/>", attribute(message));
                }
            }
            out.push_str("    </testcase>\n");
        }
        Outcome::Failure {
            message,
            kind,
            details,
        }
        | Outcome::Error {
            message,
            kind,
            details,
        } => {
            let tag = if matches!(case.outcome, Outcome::Failure { .. }) {
                "failure"
            } else {
                "error"
            };
            let _ = writeln!(out, "{open}>");
            let _ = writeln!(
                out,
                "      <{tag} message=\"{}\" type=\"{}\">{}</{tag}>",
                attribute(message),
                attribute(kind),
                text(details)
            );
            out.push_str("    </testcase>\n");
        }
    }
}

/// Characters XML 1.0 does not allow anywhere, even escaped, become U+FFFD.
fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// An attribute value between double quotes. Line breaks and tabs are written as character
/// references, because a parser turns literal ones into spaces.
pub(crate) fn attribute(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if allowed(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

/// Element text. A carriage return is a character reference, because a parser turns a
/// literal one into a line feed.
pub(crate) fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c if allowed(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::model::{Location, Rule, Severity, Suppression};

    #[test]
    fn attributes_escape_markup_quotes_and_line_breaks() {
        assert_eq!(
            attribute("a & b <c> \"d\" 'e'\n\tf\r"),
            "a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos;&#10;&#9;f&#13;"
        );
    }

    #[test]
    fn characters_xml_forbids_are_replaced() {
        assert_eq!(
            attribute("a\u{0}b\u{1b}c\u{FFFE}"),
            "a\u{FFFD}b\u{FFFD}c\u{FFFD}"
        );
        assert_eq!(text("x\u{7}<y>\n"), "x\u{FFFD}&lt;y&gt;\n");
        assert_eq!(text("é 🚀 \u{D7FF}"), "é 🚀 \u{D7FF}");
    }

    fn rule(id: &str) -> Rule {
        Rule {
            id: id.to_string(),
            severity: Severity::High,
            title: id.to_string(),
            message: "m".to_string(),
            help: None,
            file: "builtin/x.cedar".to_string(),
            line: 1,
            builtin: true,
        }
    }

    #[test]
    fn counts_match_the_cases() {
        let location = Location {
            file: Arc::from("k8s/a.yaml"),
            line: 4,
            column: 3,
            end_line: 4,
            span: (0, 0),
        };
        let waived = Finding {
            policy_id: "B".to_string(),
            severity: Severity::Low,
            status: Status::Suppressed,
            root: Arc::from("k8s"),
            address: "Deployment/a/<b>".to_string(),
            resource_type: "Deployment".to_string(),
            location: location.clone(),
            message: "too big".to_string(),
            help: None,
            unknowns: Vec::new(),
            suppression: Some(Suppression {
                reason: "R&D \"burst\"".to_string(),
                expires: None,
                owner: None,
                location: Some(location.clone()),
            }),
            approval: None,
        };
        let report = Report {
            rules: vec![rule("A"), rule("B")],
            findings: vec![waived],
            errors: vec![InputError::new(location, "bad YAML")],
            ..Report::default()
        };
        assert_eq!(
            render(&report),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <testsuites name=\"aicost-policy\" tests=\"3\" failures=\"0\" errors=\"1\" skipped=\"1\">\n\
             \x20 <testsuite name=\"A\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\">\n\
             \x20   <testcase name=\"all resources\" classname=\"A\"/>\n\
             \x20 </testsuite>\n\
             \x20 <testsuite name=\"B\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"1\">\n\
             \x20   <testcase name=\"Deployment/a/&lt;b&gt;\" classname=\"B\" file=\"k8s/a.yaml\" line=\"4\">\n\
             \x20     <skipped message=\"suppressed: R&amp;D &quot;burst&quot;\"/>\n\
             \x20   </testcase>\n\
             \x20 </testsuite>\n\
             \x20 <testsuite name=\"input\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\">\n\
             \x20   <testcase name=\"k8s/a.yaml:4\" classname=\"input\" file=\"k8s/a.yaml\" line=\"4\">\n\
             \x20     <error message=\"bad YAML\" type=\"input error\">k8s/a.yaml:4: bad YAML</error>\n\
             \x20   </testcase>\n\
             \x20 </testsuite>\n\
             </testsuites>\n"
        );
    }

    #[test]
    fn warnings_follow_the_errors_in_the_input_suite_and_fail_nothing() {
        let at = |line| Location {
            file: Arc::from("vars/a&b.tfvars"),
            line,
            column: 1,
            end_line: line,
            span: (0, 0),
        };
        let report = Report {
            errors: vec![InputError::new(at(1), "bad HCL")],
            warnings: vec![
                InputError::new(at(2), "value for `x<y>`").with_help("did you mean \"z\"?")
            ],
            ..Report::default()
        };
        assert_eq!(
            render(&report),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <testsuites name=\"aicost-policy\" tests=\"2\" failures=\"0\" errors=\"1\" skipped=\"1\">\n\
             \x20 <testsuite name=\"input\" tests=\"2\" failures=\"0\" errors=\"1\" skipped=\"1\">\n\
             \x20   <testcase name=\"vars/a&amp;b.tfvars:1\" classname=\"input\" file=\"vars/a&amp;b.tfvars\" line=\"1\">\n\
             \x20     <error message=\"bad HCL\" type=\"input error\">vars/a&amp;b.tfvars:1: bad HCL</error>\n\
             \x20   </testcase>\n\
             \x20   <testcase name=\"vars/a&amp;b.tfvars:2\" classname=\"input\" file=\"vars/a&amp;b.tfvars\" line=\"2\">\n\
             \x20     <skipped message=\"warning: value for `x&lt;y&gt;`\">vars/a&amp;b.tfvars:2: value for `x&lt;y&gt;`\nhelp: did you mean \"z\"?</skipped>\n\
             \x20   </testcase>\n\
             \x20 </testsuite>\n\
             </testsuites>\n"
        );
    }
}
