//! Case files of `aicost-policy test`: YAML files in a policy directory's `tests/`
//! subdirectory, each a list of cases (files to check, the configuration, what each policy
//! should conclude). The format is documented in docs/policies.md, "Testing policies".

use std::collections::BTreeMap;
use std::path::{Component, Path};

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::model::Date;

/// The keys a case accepts, for "did you mean" and the help of an unknown key.
const CASE_KEYS: [&str; 10] = [
    "name",
    "files",
    "config",
    "base",
    "base_config",
    "author",
    "today",
    "resource",
    "expect",
    "messages",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    cases: Vec<CaseDoc>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseDoc {
    name: Spanned<String>,
    #[serde(default)]
    files: BTreeMap<String, String>,
    config: Option<String>,
    base: Option<BTreeMap<String, String>>,
    base_config: Option<String>,
    author: Option<String>,
    today: Option<Spanned<String>>,
    resource: Option<String>,
    expect: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    messages: BTreeMap<String, Spanned<String>>,
}

/// What a policy should conclude in a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    Fail,
    Pass,
    Unknown,
    /// It failed, and a waiver covers it.
    Suppressed,
    /// The policy could not be evaluated; never expected, only found.
    Error,
}

impl Outcome {
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Fail => "fail",
            Outcome::Pass => "pass",
            Outcome::Unknown => "unknown",
            Outcome::Suppressed => "suppressed",
            Outcome::Error => "error",
        }
    }

    fn parse(text: &str) -> Option<Outcome> {
        match text {
            "fail" => Some(Outcome::Fail),
            "pass" => Some(Outcome::Pass),
            "unknown" => Some(Outcome::Unknown),
            "suppressed" => Some(Outcome::Suppressed),
            _ => None,
        }
    }
}

/// One expectation of a case: a policy's outcome, and text its finding's message contains.
#[derive(Clone, Debug)]
pub struct Expectation {
    pub policy: String,
    pub line: u32,
    /// `Err` holds why the expectation cannot be checked (an outcome that is no outcome).
    pub outcome: Result<Outcome, String>,
    pub message: Option<String>,
}

/// One case, checked for what does not need the policies.
#[derive(Clone, Debug)]
pub struct Case {
    pub name: String,
    /// The case file as shown (`DIR/tests/x.yaml`) and the line of the case's name.
    pub file: String,
    pub line: u32,
    pub files: BTreeMap<String, String>,
    pub config: Option<String>,
    pub base: Option<BTreeMap<String, String>>,
    pub base_config: Option<String>,
    pub author: Option<String>,
    pub today: Option<Date>,
    pub resource: Option<String>,
    pub expect: Vec<Expectation>,
    /// Why the case cannot run at all (a bad file name, date or message key).
    pub problem: Option<String>,
}

/// A case file that could not be read: where, what, and what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileError {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
    pub help: String,
}

/// Reads one case file's text; `file` is how messages name it.
pub fn parse(text: &str, file: &str) -> Result<Vec<Case>, FileError> {
    let options = serde_saphyr::Options::default();
    let doc: Document =
        serde_saphyr::from_str_with_options(text, options).map_err(|e| error(&e, file))?;
    if doc.cases.is_empty() {
        return Err(FileError {
            file: file.to_string(),
            line: 1,
            column: 1,
            message: "the case file has no cases".to_string(),
            help: "add at least one case under `cases:`, or remove the file".to_string(),
        });
    }
    Ok(doc.cases.into_iter().map(|c| case(c, file)).collect())
}

fn case(doc: CaseDoc, file: &str) -> Case {
    let mut problems = Vec::new();
    for name in doc
        .files
        .keys()
        .chain(doc.base.iter().flat_map(|b| b.keys()))
    {
        if let Err(p) = check_file_name(name) {
            problems.push(p);
        }
    }
    if doc.files.is_empty() {
        problems.push("`files` is empty: give at least one file to check".to_string());
    }
    if doc.base.is_none() && (doc.base_config.is_some() || doc.author.is_some()) {
        problems.push(
            "`base_config` and `author` apply to a change: give the base's files under `base`"
                .to_string(),
        );
    }
    let today = match doc.today {
        Some(t) => match Date::parse(&t.value) {
            Ok(d) => Some(d),
            Err(e) => {
                problems.push(format!(
                    "line {}: `today: {}` is not a date: {}; {}",
                    t.referenced.line(),
                    t.value,
                    e.reason(),
                    e.help()
                ));
                None
            }
        },
        None => None,
    };
    for (policy, m) in &doc.messages {
        if !doc.expect.contains_key(policy) {
            problems.push(format!(
                "line {}: `messages` names {policy}, which `expect` does not; add its outcome under `expect`",
                m.referenced.line()
            ));
        }
    }
    let expect = doc
        .expect
        .iter()
        .map(|(policy, outcome)| Expectation {
            policy: policy.clone(),
            line: line_of(outcome.referenced.line()),
            outcome: Outcome::parse(&outcome.value).ok_or_else(|| {
                format!(
                    "`{}` is not an outcome: expect one of fail, pass, unknown, suppressed",
                    outcome.value
                )
            }),
            message: doc.messages.get(policy).map(|m| m.value.clone()),
        })
        .collect::<Vec<_>>();
    if expect.is_empty() {
        problems.push("`expect` is empty: give at least one policy id and its outcome".into());
    }
    Case {
        name: doc.name.value,
        file: file.to_string(),
        line: line_of(doc.name.referenced.line()),
        files: doc.files,
        config: doc.config,
        base: doc.base,
        base_config: doc.base_config,
        author: doc.author,
        today,
        resource: doc.resource,
        expect,
        problem: (!problems.is_empty()).then(|| problems.join("; ")),
    }
}

fn line_of(line: u64) -> u32 {
    u32::try_from(line).unwrap_or(u32::MAX).max(1)
}

/// A file name of a case stays inside the case's directory and is not the configuration,
/// which `config` gives.
fn check_file_name(name: &str) -> Result<(), String> {
    let path = Path::new(name);
    let inside = !name.is_empty()
        && path
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    if !inside {
        return Err(format!(
            "file name `{name}` must be a relative path inside the case (no `..`, no leading `/`)"
        ));
    }
    if path.file_name().is_some_and(|f| f == "aicost-policy.toml") {
        return Err(format!(
            "file `{name}`: give the configuration under `config` (and `base_config`) instead"
        ));
    }
    Ok(())
}

fn error(e: &serde_saphyr::Error, file: &str) -> FileError {
    let inner = e.without_snippet();
    let (line, column) = inner
        .location()
        .map(|l| (line_of(l.line()), line_of(l.column())))
        .unwrap_or((1, 1));
    let (message, help) = match inner {
        serde_saphyr::Error::SerdeUnknownField { field, .. } => {
            let help = match crate::suggest::closest_above(field, CASE_KEYS.iter().copied(), 0.7)
            {
                Some(k) => format!("did you mean `{k}`?"),
                None => format!("a case's keys are: {}", CASE_KEYS.join(", ")),
            };
            (format!("unknown key `{field}` in the case file"), help)
        }
        other => (
            format!("invalid case file: {}", first_line(&other.to_string())),
            "a case file is `cases:` followed by a list of cases, each with `name`, `files` and `expect` (see \"Testing policies\" in docs/policies.md)".to_string(),
        ),
    };
    FileError {
        file: file.to_string(),
        line,
        column,
        message,
        help,
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_case_with_outcomes_and_messages_is_read() {
        let text = "cases:\n  - name: untagged\n    files:\n      main.tf: |\n        x\n    expect:\n      AIC-TAG-001: fail\n      AIC-GPU-001: pass\n    messages:\n      AIC-TAG-001: missing required tags\n";
        let cases = parse(text, "t.yaml").unwrap();
        assert_eq!(cases.len(), 1);
        let c = &cases[0];
        assert_eq!(
            (c.name.as_str(), c.line, c.problem.clone()),
            ("untagged", 2, None)
        );
        let got: Vec<_> = c
            .expect
            .iter()
            .map(|e| {
                (
                    e.policy.as_str(),
                    e.line,
                    e.outcome.clone(),
                    e.message.clone(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("AIC-GPU-001", 8, Ok(Outcome::Pass), None),
                (
                    "AIC-TAG-001",
                    7,
                    Ok(Outcome::Fail),
                    Some("missing required tags".to_string())
                ),
            ]
        );
    }

    #[test]
    fn an_unknown_key_is_an_error_at_its_line_with_the_closest_key() {
        let text = "cases:\n  - name: x\n    files: {a.tf: \"\"}\n    expekt: {A: fail}\n";
        let e = parse(text, "t.yaml").unwrap_err();
        assert_eq!(
            (e.line, e.message.as_str()),
            (4, "unknown key `expekt` in the case file")
        );
        assert_eq!(e.help, "did you mean `expect`?");
    }

    #[test]
    fn a_file_outside_the_case_and_a_bad_outcome_are_problems_of_the_case() {
        let text = "cases:\n  - name: x\n    files: {../a.tf: \"\"}\n    expect: {A: fails}\n";
        let c = &parse(text, "t.yaml").unwrap()[0];
        assert_eq!(
            c.problem.as_deref(),
            Some("file name `../a.tf` must be a relative path inside the case (no `..`, no leading `/`)")
        );
        assert_eq!(
            c.expect[0].outcome,
            Err("`fails` is not an outcome: expect one of fail, pass, unknown, suppressed".into())
        );
    }
}
