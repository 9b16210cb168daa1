//! Runs one case through the real pipeline: its files are written to a temporary directory
//! (with its configuration as `aicost-policy.toml` and an empty `.git`, so nothing above
//! the directory is read), then checked as `check` checks a directory, or compared with
//! the base's files as `diff --base-path` compares them when the case has a base.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::super::args::{
    BaseArgs, ColorChoice, ConfigFrom, DiffArgs, FailOn, GateArgs, InputArgs, OutputArgs, RuleArgs,
    SeverityArg, TemplatesAs, UnknownMode,
};
use super::super::{check, diff, pipeline};
use super::cases::{Case, Outcome};
use crate::config;
use crate::model::{Date, Finding, Status};
use crate::policy::Policies;
use crate::report::Report;

/// What each policy concluded in a case: the outcome and its findings' messages.
pub type Actual = BTreeMap<String, (Outcome, Vec<String>)>;

/// Runs `case` with the policies of `dir` (loaded once as `policies`, for a case without a
/// base; a diff loads them itself, as `diff` does). `Err` says why the case could not be
/// run or checked.
pub fn run(case: &Case, dir: &Path, policies: &Policies, today: Date) -> Result<Actual, String> {
    let temp = tempfile::Builder::new()
        .prefix("aicost-policy-test-")
        .tempdir()
        .map_err(|e| format!("cannot create a temporary directory for the case: {e}"))?;
    let head = temp.path().join("head");
    write_tree(&head, &case.files, case.config.as_deref())?;
    let today = case.today.unwrap_or(today);
    let input = input_args(head, today);
    let report = match &case.base {
        None => check_report(&input, policies, today)?,
        Some(files) => {
            let base = temp.path().join("base");
            let config = case.base_config.as_deref().or(case.config.as_deref());
            write_tree(&base, files, config)?;
            diff_report(case, input, base, dir)?
        }
    };
    if !report.errors.is_empty() {
        let shown: Vec<String> = report
            .errors
            .iter()
            .map(|e| format!("{}:{}: {}", e.location.file, e.location.line, e.message))
            .collect();
        return Err(format!(
            "the case's files have input errors: {}",
            shown.join("; ")
        ));
    }
    if case.base.is_none() && report.resources.is_empty() && report.budgets.is_empty() {
        return Err(
            "the case's files give no resource to check: write a resource the tool reads (docs/terraform.md, docs/kubernetes.md)"
                .to_string(),
        );
    }
    let findings: Vec<&Finding> = match &case.resource {
        None => report.findings.iter().collect(),
        Some(address) => {
            let known = report.resources.iter().any(|r| &r.address == address)
                || report.findings.iter().any(|f| &f.address == address);
            if !known {
                let mut addresses: Vec<&str> = report
                    .resources
                    .iter()
                    .map(|r| r.address.as_str())
                    .collect();
                addresses.dedup();
                return Err(format!(
                    "no resource `{address}` in the case's files; they have: {}",
                    addresses.join(", ")
                ));
            }
            report
                .findings
                .iter()
                .filter(|f| &f.address == address)
                .collect()
        }
    };
    Ok(actual(case, &findings))
}

/// Each expected policy's outcome: fail when any resource fails it, else unknown, else
/// waived, else error, else pass.
fn actual(case: &Case, findings: &[&Finding]) -> Actual {
    let mut out = Actual::new();
    for e in &case.expect {
        let of: Vec<&&Finding> = findings
            .iter()
            .filter(|f| f.policy_id == e.policy)
            .collect();
        let has = |statuses: &[Status]| of.iter().any(|f| statuses.contains(&f.status));
        let outcome = if has(&[Status::Fail, Status::PendingApproval]) {
            Outcome::Fail
        } else if has(&[Status::Unknown]) {
            Outcome::Unknown
        } else if has(&[Status::Suppressed, Status::Approved]) {
            Outcome::Suppressed
        } else if has(&[Status::Error]) {
            Outcome::Error
        } else {
            Outcome::Pass
        };
        let messages = of.iter().map(|f| f.message.clone()).collect();
        out.insert(e.policy.clone(), (outcome, messages));
    }
    out
}

fn input_args(head: PathBuf, today: Date) -> InputArgs {
    InputArgs {
        paths: vec![head],
        plans: Vec::new(),
        config: None,
        vars: Vec::new(),
        var_files: Vec::new(),
        usage_file: None,
        excludes: Vec::new(),
        max_file_size: None,
        unrendered_templates: TemplatesAs::Error,
        today: Some(today.to_string()),
        color: ColorChoice::Never,
        verbose: false,
    }
}

/// `check` on the case's directory.
fn check_report(input: &InputArgs, policies: &Policies, today: Date) -> Result<Report, String> {
    let prepared = pipeline::prepare(input).map_err(not_run)?;
    check::analyze(&prepared, input, &[], policies, today).map_err(not_run)
}

/// `diff --base-path BASE` with the rules from the base, as in a pull request.
fn diff_report(case: &Case, input: InputArgs, base: PathBuf, dir: &Path) -> Result<Report, String> {
    let args = DiffArgs {
        input,
        base: BaseArgs {
            base: None,
            base_path: Some(base),
        },
        rules: RuleArgs {
            policy_dirs: vec![dir.to_path_buf()],
            no_builtin_policies: true,
            policies: Vec::new(),
            skip_policies: Vec::new(),
        },
        outputs: OutputArgs {
            formats: Vec::new(),
            outputs: Vec::new(),
            quiet: false,
            compact: false,
        },
        gate: GateArgs {
            unknown: UnknownMode::Warn,
            soft_fail: false,
            fail_severity: SeverityArg::Low,
        },
        fail_on: FailOn::All,
        config_from: ConfigFrom::Base,
        author: Some(case.author.clone().unwrap_or_else(|| "author".to_string())),
        approvals: None,
        repo: None,
    };
    diff::compare(&args, &[])
        .map(|c| c.diff.head)
        .map_err(not_run)
}

fn not_run(code: u8) -> String {
    format!("the case could not be run (exit {code}); the error is printed above")
}

/// Writes the case's files, its configuration, and an empty `.git` that marks the
/// repository root, so the configuration search stops there.
fn write_tree(
    root: &Path,
    files: &BTreeMap<String, String>,
    config: Option<&str>,
) -> Result<(), String> {
    let io = |path: &Path, e: std::io::Error| format!("cannot write {}: {e}", path.display());
    let git = root.join(".git");
    std::fs::create_dir_all(&git).map_err(|e| io(&git, e))?;
    for (name, text) in files {
        let path = root.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
        }
        std::fs::write(&path, text).map_err(|e| io(&path, e))?;
    }
    if let Some(text) = config {
        let path = root.join("aicost-policy.toml");
        std::fs::write(&path, text).map_err(|e| io(&path, e))?;
        // The policies under test are the directory's: a case's configuration does not
        // name others.
        let loaded = config::load(Some(&path), root, root).map_err(|e| {
            let help = e.help().map(|h| format!("; {h}")).unwrap_or_default();
            format!(
                "line {} of the case's configuration: {}{help}",
                e.line(),
                e.message()
            )
        })?;
        if !loaded.config.policy_dirs.is_empty() {
            return Err("the case's configuration sets policy_dirs: the policies tested are the directory's; remove policy_dirs".to_string());
        }
    }
    Ok(())
}
