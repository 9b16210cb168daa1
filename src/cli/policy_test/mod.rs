//! `aicost-policy test`: policy unit tests. Each policy directory's `tests/*.yaml` case
//! files give files to check, a configuration and the outcome each policy should reach;
//! every case runs through the pipeline `check` (or, with a base, `diff`) runs, and each
//! expectation is a PASS, FAIL or ERROR line. Then coverage: policies no case tests, and
//! policies no case makes fire.

mod case_run;
mod cases;
mod render;

use std::path::{Path, PathBuf};

use super::args::{TestArgs, TestFormat};
use super::settings::policy_dirs;
use super::{check, exit, output, pipeline, print_diagnostic};
use crate::config;
use crate::model::Date;
use crate::policy::{LoadOptions, Policies};

pub use cases::{FileError, Outcome};

/// One expectation of one case, judged.
#[derive(Clone, Debug)]
pub struct Line {
    pub policy: String,
    pub case: String,
    pub file: String,
    pub line: u32,
    pub expected: Option<Outcome>,
    pub message: Option<String>,
    pub verdict: Verdict,
}

#[derive(Clone, Debug)]
pub enum Verdict {
    /// Met; the outcome found.
    Pass,
    /// Not met: the outcome found, and the messages of the policy's findings.
    Fail {
        actual: Outcome,
        messages: Vec<String>,
    },
    /// Could not be checked, and why.
    Error(String),
}

/// A policy of a tested directory, for coverage.
#[derive(Clone, Debug)]
pub struct Covered {
    pub id: String,
    pub file: String,
    pub line: u32,
}

/// Everything the report shows.
#[derive(Debug, Default)]
pub struct Results {
    /// Sorted by policy, case name, file and line.
    pub lines: Vec<Line>,
    pub file_errors: Vec<FileError>,
    /// Policies of the tested directories, sorted by id.
    pub policies: Vec<Covered>,
    /// Policies no case expects an outcome of.
    pub no_case: Vec<Covered>,
    /// Policies whose every case that ran found them passing.
    pub never_fire: Vec<Covered>,
    /// Approval policies (`Action::"approve"`), which cases do not test.
    pub approvals: Vec<String>,
}

impl Results {
    fn coverage_gaps(&self) -> bool {
        !self.no_case.is_empty() || !self.never_fire.is_empty()
    }
}

pub fn run(args: &TestArgs) -> u8 {
    let today = match check::today(args.today.as_deref()) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let dirs = match directories(args) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let mut results = Results::default();
    let mut failed_to_load = false;
    for dir in &dirs {
        failed_to_load |= test_dir(dir, today, &mut results).is_err();
    }
    finish(&mut results);
    let rendered = match args.format {
        TestFormat::Text => render::text(&results),
        TestFormat::Junit => render::junit(&results, args.require_coverage),
    };
    if let Err(code) = output::write(&rendered, args.output.as_deref()) {
        return code;
    }
    if args.output.is_some() {
        eprint!("{}", render::summary(&results));
    }
    let errors = failed_to_load
        || !results.file_errors.is_empty()
        || results
            .lines
            .iter()
            .any(|l| matches!(l.verdict, Verdict::Error(_)));
    let failures = results
        .lines
        .iter()
        .any(|l| matches!(l.verdict, Verdict::Fail { .. }));
    if errors {
        exit::ERROR
    } else if failures || (args.require_coverage && results.coverage_gaps()) {
        exit::FAILED
    } else {
        exit::CLEAN
    }
}

/// The DIRs given, else the configuration's policy directories.
fn directories(args: &TestArgs) -> Result<Vec<PathBuf>, u8> {
    if !args.dirs.is_empty() {
        return Ok(args.dirs.clone());
    }
    let start = PathBuf::from(".");
    let root = pipeline::repository_root(&start);
    let start = start.canonicalize().unwrap_or(start);
    let loaded = config::load(args.config.as_deref(), &start, &root).map_err(|e| {
        print_diagnostic(miette::Report::new(*e), false);
        exit::ERROR
    })?;
    // Shown relative to the current directory, as a DIR would be given.
    let cwd = std::env::current_dir()
        .and_then(|c| c.canonicalize())
        .unwrap_or_default();
    let dirs: Vec<PathBuf> = policy_dirs(&loaded, &[])
        .into_iter()
        .map(|d| match d.strip_prefix(&cwd) {
            Ok(relative) if !relative.as_os_str().is_empty() => relative.to_path_buf(),
            _ => d,
        })
        .collect();
    if dirs.is_empty() {
        eprintln!("error: no policy directory to test\n  help: give DIR (a directory of .cedar policies with their cases in DIR/tests/), or list it in policy_dirs in aicost-policy.toml");
        return Err(exit::ERROR);
    }
    Ok(dirs)
}

/// Loads one directory's policies and runs its cases. `Err` when the policies do not load
/// (their errors are printed); its cases are then not run.
fn test_dir(dir: &Path, today: Date, results: &mut Results) -> Result<(), ()> {
    let policies = Policies::load(&LoadOptions {
        builtin: false,
        dirs: vec![dir.to_path_buf()],
    })
    .map_err(|errors| {
        for e in errors.errors {
            print_diagnostic(miette::Report::new(e), false);
        }
    })?;
    for warning in policies.warnings() {
        print_diagnostic(miette::Report::new(warning.clone()), false);
    }
    // A diff case loads the directory itself, and `on_tree` compares it with the temporary
    // repository by its absolute path.
    let absolute = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let first = results.lines.len();
    for file in case_files(dir, results) {
        let shown = shown_path(&file);
        let text = match std::fs::read_to_string(&file) {
            Ok(t) => t,
            Err(e) => {
                results.file_errors.push(FileError {
                    file: shown,
                    line: 1,
                    column: 1,
                    message: format!("cannot read the case file: {e}"),
                    help: "make it a readable UTF-8 YAML file".to_string(),
                });
                continue;
            }
        };
        match cases::parse(&text, &shown) {
            Ok(cases) => {
                for case in cases {
                    let lines = judge(&case, (dir, &absolute), &policies, today);
                    results.lines.extend(lines);
                }
            }
            Err(e) => results.file_errors.push(e),
        }
    }
    let lines: Vec<Line> = results.lines.iter().skip(first).cloned().collect();
    coverage(&policies, &lines, results);
    Ok(())
}

/// `DIR/tests/*.yaml` and `*.yml`, sorted. No `tests` directory means no cases.
fn case_files(dir: &Path, results: &mut Results) -> Vec<PathBuf> {
    let tests = dir.join("tests");
    if !tests.is_dir() {
        return Vec::new();
    }
    let entries = match std::fs::read_dir(&tests) {
        Ok(e) => e,
        Err(e) => {
            results.file_errors.push(FileError {
                file: shown_path(&tests),
                line: 1,
                column: 1,
                message: format!("cannot list the case files: {e}"),
                help: "make the directory readable".to_string(),
            });
            return Vec::new();
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.is_file()
                && p.extension()
                    .is_some_and(|ext| ext == "yaml" || ext == "yml")
        })
        .collect();
    files.sort();
    files
}

fn shown_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// Runs a case and judges each of its expectations.
/// `dirs` is the directory as given (for messages) and as an absolute path.
fn judge(
    case: &cases::Case,
    (shown, dir): (&Path, &Path),
    policies: &Policies,
    today: Date,
) -> Vec<Line> {
    // An error of the whole case is at the case's name; one of an expectation at its line.
    let line = |e: &cases::Expectation, verdict: Verdict, at_case: bool| Line {
        policy: e.policy.clone(),
        case: case.name.clone(),
        file: case.file.clone(),
        line: if at_case { case.line } else { e.line },
        expected: e.outcome.clone().ok(),
        message: e.message.clone(),
        verdict,
    };
    let ids: Vec<&str> = policies.ids().collect();
    let unknown_id = |id: &str| {
        (!ids.contains(&id)).then(|| {
            let hint = crate::suggest::closest(id, ids.iter().copied())
                .map(|c| format!("; did you mean {c}?"))
                .unwrap_or_default();
            format!("no policy {id} in {}{hint}", shown_path(shown))
        })
    };
    let problem = case.problem.clone().or_else(|| {
        let unknown: Vec<String> = case
            .expect
            .iter()
            .filter_map(|e| unknown_id(&e.policy))
            .collect();
        (unknown.len() == case.expect.len()).then(|| unknown.join("; "))
    });
    let actual = match problem {
        Some(p) => Err(p),
        None => case_run::run(case, dir, policies, today),
    };
    case.expect
        .iter()
        .map(|e| {
            let verdict = match (&actual, &e.outcome) {
                (Err(why), _) => return line(e, Verdict::Error(why.clone()), true),
                (_, Err(why)) => Verdict::Error(why.clone()),
                (Ok(found), Ok(expected)) => match unknown_id(&e.policy) {
                    Some(why) => Verdict::Error(why),
                    None => verdict(*expected, e.message.as_deref(), found.get(&e.policy)),
                },
            };
            line(e, verdict, false)
        })
        .collect()
}

fn verdict(
    expected: Outcome,
    message: Option<&str>,
    found: Option<&(Outcome, Vec<String>)>,
) -> Verdict {
    let (actual, messages) = match found {
        Some((o, m)) => (*o, m.clone()),
        None => (Outcome::Pass, Vec::new()),
    };
    if expected == Outcome::Pass && message.is_some() {
        return Verdict::Error(
            "a pass has no message: remove the policy from `messages`".to_string(),
        );
    }
    let message_met = message.is_none_or(|m| messages.iter().any(|found| found.contains(m)));
    if actual == expected && message_met {
        Verdict::Pass
    } else {
        Verdict::Fail { actual, messages }
    }
}

/// Which of the directory's policies no case tests, and which no case makes fire.
fn coverage(policies: &Policies, lines: &[Line], results: &mut Results) {
    for rule in policies.rules() {
        let covered = Covered {
            id: rule.id.clone(),
            file: rule.file.clone(),
            line: rule.line,
        };
        let mine: Vec<&Line> = lines.iter().filter(|l| l.policy == rule.id).collect();
        // What the policy concluded in each case that ran (an error ran nothing).
        let ran: Vec<Outcome> = mine
            .iter()
            .filter_map(|l| match &l.verdict {
                Verdict::Pass => l.expected,
                Verdict::Fail { actual, .. } => Some(*actual),
                Verdict::Error(_) => None,
            })
            .collect();
        if mine.is_empty() {
            results.no_case.push(covered.clone());
        } else if !ran.is_empty() && ran.iter().all(|o| *o == Outcome::Pass) {
            results.never_fire.push(covered.clone());
        }
        results.policies.push(covered);
    }
    results
        .approvals
        .extend(policies.approval_policies().iter().cloned());
}

/// Sorts everything the report shows.
fn finish(results: &mut Results) {
    results.lines.sort_by(|a, b| {
        (&a.policy, &a.case, &a.file, a.line).cmp(&(&b.policy, &b.case, &b.file, b.line))
    });
    let by_id = |a: &Covered, b: &Covered| (&a.id, &a.file).cmp(&(&b.id, &b.file));
    results.policies.sort_by(by_id);
    results.no_case.sort_by(by_id);
    results.never_fire.sort_by(by_id);
    results.approvals.sort();
    results.approvals.dedup();
    results
        .file_errors
        .sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
}
