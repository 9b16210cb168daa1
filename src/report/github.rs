//! GitHub Actions workflow commands (`--format github`): one `::error`, `::warning` or
//! `::notice` line per finding that is not suppressed, per input error and per input
//! warning, so each shows as an annotation on the pull request's diff, then one plain
//! summary line.
//!
//! Values are escaped exactly as GitHub's own toolkit (`@actions/core`) escapes them, so a
//! message with a newline, a `%` or a `::` cannot end the command early or start another.

use super::Report;
use crate::model::{Finding, InputError, Location, Severity, Status};

/// Renders one workflow command per line, then the summary line.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for e in &report.errors {
        out.push_str(&input_command("error", "aicost-policy: input error", e));
    }
    for w in &report.warnings {
        out.push_str(&input_command("warning", "aicost-policy: input warning", w));
    }
    for f in &report.findings {
        if !matches!(
            f.status,
            Status::Suppressed | Status::Approved | Status::Baselined
        ) {
            out.push_str(&finding_command(f));
        }
    }
    out.push_str(&super::text::summary_text(report));
    out.push('\n');
    out
}

/// `error`, `warning` or `notice`: how loudly GitHub shows a finding.
fn level(f: &Finding) -> &'static str {
    match f.status {
        Status::Fail
        | Status::Suppressed
        | Status::PendingApproval
        | Status::Approved
        | Status::Baselined => match f.severity {
            Severity::Critical | Severity::High | Severity::Medium => "error",
            Severity::Low => "warning",
            Severity::Info => "notice",
        },
        Status::Unknown => "warning",
        Status::Error => "error",
    }
}

fn finding_command(f: &Finding) -> String {
    // Input text is escaped (see super::escape) before our own line break joins the help.
    let mut message = shown(&f.message);
    if f.status == Status::Unknown && !f.unknowns.is_empty() {
        message.push_str(&format!(" (depends on {})", shown(&unknown_reasons(f))));
    }
    if let Some(help) = &f.help {
        message.push('\n');
        message.push_str(&shown(help));
    }
    let title = shown(&format!("{}: {}", f.policy_id, f.address));
    command(level(f), Some(&f.location), &title, &message)
}

/// An input error or warning: `level` and `title` say which.
fn input_command(level: &str, title: &str, e: &InputError) -> String {
    let mut message = shown(&e.message);
    if let Some(help) = &e.help {
        message.push('\n');
        message.push_str(&shown(help));
    }
    command(level, Some(&e.location), title, &message)
}

/// `::LEVEL file=..,line=..,endLine=..,col=..,title=..::MESSAGE` and a newline. A location
/// without a file (a path that could not be read at all) is left out rather than invented.
fn command(level: &str, location: Option<&Location>, title: &str, message: &str) -> String {
    let mut properties: Vec<String> = Vec::new();
    if let Some(l) = location.filter(|l| !l.file.is_empty()) {
        properties.push(format!("file={}", escape_property(&shown(&l.file))));
        if l.line > 0 {
            properties.push(format!("line={}", l.line));
            properties.push(format!("endLine={}", l.end_line.max(l.line)));
            if l.column > 0 {
                properties.push(format!("col={}", l.column));
            }
        }
    }
    properties.push(format!("title={}", escape_property(title)));
    format!(
        "::{level} {}::{}\n",
        properties.join(","),
        escape_data(message)
    )
}

/// `environment: var.extra_tags has no default; tags: ...`: the values an unknown finding
/// depends on and why each is unknown. Shared by the SARIF and JUnit reports.
pub(super) fn unknown_reasons(f: &Finding) -> String {
    f.unknowns
        .iter()
        .map(|u| format!("{}: {}", u.fact, u.origin))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Text from the input as it may reach a log (see [`super::escape`]).
fn shown(text: &str) -> String {
    super::escape::controls(text).into_owned()
}

/// A command's message: `%`, carriage return and line feed are escaped.
fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            _ => out.push(c),
        }
    }
    out
}

/// A command's property value: as [`escape_data`], plus `:` and `,`, which would otherwise
/// end the value.
fn escape_property(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' => out.push_str("%3A"),
            ',' => out.push_str("%2C"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::model::UnknownInput;

    fn at(file: &str, line: u32, column: u32, end_line: u32) -> Location {
        Location {
            file: Arc::from(file),
            line,
            column,
            end_line,
            span: (0, 0),
        }
    }

    fn finding(status: Status, severity: Severity) -> Finding {
        Finding {
            policy_id: "AIC-X-001".to_string(),
            severity,
            status,
            root: Arc::from("infra"),
            address: "aws_instance.gpu".to_string(),
            resource_type: "aws_instance".to_string(),
            location: at("infra/main.tf", 3, 5, 4),
            message: "aws_instance.gpu is bad".to_string(),
            help: Some("fix it".to_string()),
            unknowns: Vec::new(),
            suppression: None,
            approval: None,
        }
    }

    #[test]
    fn data_escapes_percent_and_line_breaks_only() {
        assert_eq!(
            escape_data("100% done\r\nnext: a,b ::warning::x %0A"),
            "100%25 done%0D%0Anext: a,b ::warning::x %250A"
        );
    }

    #[test]
    fn properties_also_escape_colons_and_commas() {
        assert_eq!(
            escape_property("a,b:c%d\ne\r::error file=x"),
            "a%2Cb%3Ac%25d%0Ae%0D%3A%3Aerror file=x"
        );
    }

    #[test]
    fn a_nasty_path_and_message_stay_on_one_line() {
        let mut f = finding(Status::Fail, Severity::High);
        f.location = at("dir,with:odd%chars/ma\nin.tf", 2, 0, 1);
        f.address = "module.a[\"x,y\"].aws_instance.b".to_string();
        f.message = "50% over\n::error::injected\u{1b}[2K".to_string();
        f.help = None;
        assert_eq!(
            finding_command(&f),
            "::error file=dir%2Cwith%3Aodd%25chars/ma\\u{a}in.tf,line=2,endLine=2,title=AIC-X-001%3A module.a[\"x%2Cy\"].aws_instance.b::50%25 over\\u{a}::error::injected\\u{1b}[2K\n"
        );
    }

    #[test]
    fn levels_follow_severity_and_status() {
        let level_of = |status, severity| level(&finding(status, severity));
        assert_eq!(level_of(Status::Fail, Severity::Critical), "error");
        assert_eq!(level_of(Status::Fail, Severity::Medium), "error");
        assert_eq!(level_of(Status::Fail, Severity::Low), "warning");
        assert_eq!(level_of(Status::Fail, Severity::Info), "notice");
        assert_eq!(level_of(Status::Unknown, Severity::Critical), "warning");
        assert_eq!(level_of(Status::Error, Severity::Info), "error");
    }

    #[test]
    fn an_unknown_names_what_it_depends_on() {
        let mut f = finding(Status::Unknown, Severity::High);
        f.unknowns = vec![UnknownInput {
            fact: "instance_type".to_string(),
            origin: "var.size has no default".to_string(),
        }];
        assert_eq!(
            finding_command(&f),
            "::warning file=infra/main.tf,line=3,endLine=4,col=5,title=AIC-X-001%3A aws_instance.gpu::aws_instance.gpu is bad (depends on instance_type: var.size has no default)%0Afix it\n"
        );
    }

    #[test]
    fn suppressed_findings_are_left_out_and_errors_come_first() {
        let mut suppressed = finding(Status::Suppressed, Severity::High);
        suppressed.address = "aws_instance.waived".to_string();
        let report = Report {
            findings: vec![finding(Status::Fail, Severity::Low), suppressed],
            errors: vec![
                InputError::new(at("", 0, 0, 0), "cannot read `infra`").with_help("check the path")
            ],
            ..Report::default()
        };
        assert_eq!(
            render(&report),
            "::error title=aicost-policy%3A input error::cannot read `infra`%0Acheck the path\n\
             ::warning file=infra/main.tf,line=3,endLine=4,col=5,title=AIC-X-001%3A aws_instance.gpu::aws_instance.gpu is bad%0Afix it\n\
             0 resources, 0 policies, 1 failed finding (1 policy), 0 unknown, 1 suppressed, 1 input error\n"
        );
    }
}
