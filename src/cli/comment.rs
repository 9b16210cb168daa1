//! `aicost-policy comment github`: the diff (or a diff report written earlier), rendered as
//! Markdown and posted as one pull-request comment. Reports are written before anything is
//! posted, so a comment GitHub refuses never loses the analysis.

use std::path::Path;

use super::args::{BehaviorArg, Bounds, CommentGithubArgs, DiffArgs, FailOn, Format};
use super::check::gate_exit_code;
use super::diff::{compare, write_reports};
use super::output::OutputTarget;
use super::{exit, output};
use crate::load::source::{read_source, DEFAULT_MAX_FILE_SIZE};
use crate::load::terraform::VarArg;
use crate::model::{Severity, Status};
use crate::publish::{self, Behavior, GitHubTarget, Host, Limits, Posted, PublishError};
use crate::report::diff::{self as diff_report, DiffReport};
use crate::report::escape::controls;
use crate::report::markdown;

pub fn run(args: &CommentGithubArgs, var_order: &[VarArg], targets: &[OutputTarget]) -> u8 {
    match run_comment(args, var_order, targets) {
        Ok(code) | Err(code) => code,
    }
}

fn run_comment(
    args: &CommentGithubArgs,
    var_order: &[VarArg],
    targets: &[OutputTarget],
) -> Result<u8, u8> {
    // Everything that can be wrong with the command line is found before any analysis.
    if let Some(Err(e)) = args.comment_author.as_deref().map(publish::check_author) {
        return usage(&format!("{e}{}", help(&e)));
    }
    let post = Posting {
        host: Host::GitHub,
        diff: &args.diff,
        report: args.report.as_deref(),
        tag: &args.tag,
        dry_run: args.dry_run,
        options: options(args.behavior, &args.bounds, args.comment_author.clone()),
    };
    post.run(
        var_order,
        targets,
        || destination(args),
        |(target, token), body, options| {
            publish::post_comment(&target, &token, &args.tag, body, options)
        },
        |e| {
            format!(
                "error: the pull-request comment was not posted: {e}\n  help: check the token in {} (--token-env names the variable): it may be expired, revoked or mistyped, or meant for another GitHub host (--github-api-url)",
                args.token_env
            )
        },
    )
}

/// How to post, as the command line says: the behaviour, the bounds, whose comments are ours.
pub(super) fn options(
    behavior: BehaviorArg,
    bounds: &Bounds,
    author: Option<String>,
) -> publish::Options {
    let behavior = match behavior {
        BehaviorArg::Update => Behavior::Update,
        BehaviorArg::New => Behavior::New,
        BehaviorArg::DeleteAndNew => Behavior::DeleteAndNew,
        BehaviorArg::HideAndNew => Behavior::HideAndNew,
    };
    publish::Options {
        behavior,
        retry: publish::RetryPolicy::default(),
        limits: Limits {
            request_timeout: bounds.request_timeout,
            deadline: bounds.deadline,
            ..Limits::default()
        },
        author,
    }
}

/// What every `comment` command does the same way: analyse (or read the saved report),
/// write the reports, render the Markdown to fit the host's limit, post it, and say what
/// was done.
pub(super) struct Posting<'a> {
    pub host: Host,
    pub diff: &'a DiffArgs,
    pub report: Option<&'a Path>,
    pub tag: &'a str,
    pub dry_run: bool,
    pub options: publish::Options,
}

impl Posting<'_> {
    /// `destination` reads where to post (before any analysis); `send` posts; `refused`
    /// words a 401.
    pub(super) fn run<D>(
        &self,
        var_order: &[VarArg],
        targets: &[OutputTarget],
        destination: impl FnOnce() -> Result<D, u8>,
        send: impl FnOnce(D, &str, &publish::Options) -> Result<Posted, PublishError>,
        refused: impl FnOnce(&PublishError) -> String,
    ) -> Result<u8, u8> {
        if let Err(e) = publish::check_tag(self.tag) {
            return usage(&format!("{e}{}", help(&e)));
        }
        let destination = if self.dry_run {
            None
        } else {
            Some(destination()?)
        };
        let (report, code) = match self.report {
            Some(path) => {
                let limit = self
                    .diff
                    .input
                    .max_file_size
                    .unwrap_or(DEFAULT_MAX_FILE_SIZE);
                let report = read_report(path, limit)?;
                write_saved(self.diff, &report, targets)?;
                let code = saved_exit_code(&report, self.diff);
                (report, code)
            }
            None => {
                let compared = compare(self.diff, var_order)?;
                write_reports(self.diff, &compared, targets)?;
                (compared.report, compared.code)
            }
        };
        let marker_room = publish::marker(self.tag).chars().count() + 1;
        let limit = self.host.body_limit();
        let body = markdown::render_diff_within(&report, limit - marker_room, limit);
        let Some(destination) = destination else {
            output::write(&body, None)?;
            return Ok(code);
        };
        let thing = if self.host == Host::GitLab {
            "merge-request note"
        } else {
            "pull-request comment"
        };
        match send(destination, &body, &self.options) {
            Ok(Posted::Created {
                url,
                hidden,
                deleted,
            }) => {
                let mut done = String::new();
                if hidden > 0 {
                    done.push_str(&format!(" (hid {hidden} earlier)"));
                }
                if deleted > 0 {
                    done.push_str(&format!(" (deleted {deleted} earlier)"));
                }
                eprintln!("posted the cost comment{done}: {}", controls(&url));
            }
            Ok(Posted::Updated { url }) => {
                eprintln!("updated the cost comment: {}", controls(&url))
            }
            Ok(Posted::Unchanged { url }) => {
                eprintln!("the cost comment is already up to date: {}", controls(&url))
            }
            Err(e @ PublishError::NoPermission { .. }) => {
                eprintln!(
                    "warning: the {thing} was not posted: {}{}",
                    controls(&e.to_string()),
                    help(&e)
                );
                return Ok(if code == exit::CLEAN {
                    exit::NOT_POSTED
                } else {
                    code
                });
            }
            Err(e @ PublishError::Unauthorized { .. }) => {
                // Not the read-only token of exit 3: a broken credential must fail the job.
                eprintln!("{}", escape_lines(&refused(&e)));
                return Err(exit::ERROR);
            }
            Err(e) => {
                eprintln!(
                    "error: the {thing} was not posted: {}{}",
                    controls(&e.to_string()),
                    help(&e)
                );
                return Err(exit::ERROR);
            }
        }
        Ok(code)
    }
}

/// Repository, pull request, API URL and token, from the flags or GitHub Actions.
fn destination(args: &CommentGithubArgs) -> Result<(GitHubTarget, String), u8> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let target = target(
        "to comment on",
        args.diff.repo.clone(),
        args.pr,
        args.github_api_url.clone(),
    )?;
    let Some(token) = var(&args.token_env) else {
        return usage(&format!(
            "the environment variable {} holds no token\n  help: set it to a token that may write pull-request comments (in a workflow: env: GITHUB_TOKEN: ${{{{ secrets.GITHUB_TOKEN }}}}), or name another variable with --token-env",
            args.token_env
        ));
    };
    Ok((target, token))
}

/// The pull request of a run: the repository from `repo` or GITHUB_REPOSITORY, the number
/// from `pr` or the Actions event, the API from `api_url` or GITHUB_API_URL. `purpose`
/// completes "no repository …" in the error.
pub(super) fn target(
    purpose: &str,
    repo: Option<String>,
    pr: Option<u64>,
    api_url: Option<String>,
) -> Result<GitHubTarget, u8> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let Some(repository) = repo.or_else(|| var("GITHUB_REPOSITORY")) else {
        return usage(&format!("no repository {purpose}\n  help: give --repo OWNER/REPO (GitHub Actions sets GITHUB_REPOSITORY)"));
    };
    let Some((owner, repo)) = repository
        .split_once('/')
        .filter(|(o, r)| !o.is_empty() && !r.is_empty() && !r.contains('/'))
    else {
        return usage(&format!(
            "`{repository}` is not OWNER/REPO\n  help: write the repository as OWNER/REPO, e.g. acme/infra"
        ));
    };
    let Some(pull_request) = pr.or_else(pull_request_from_environment) else {
        return usage("no pull request number\n  help: give --pr N (in GitHub Actions it is read from the pull_request event)");
    };
    let api_url = api_url
        .or_else(|| var("GITHUB_API_URL"))
        .unwrap_or_else(|| "https://api.github.com".to_string());
    Ok(GitHubTarget {
        api_url,
        owner: owner.to_string(),
        repo: repo.to_string(),
        pull_request,
    })
}

/// Control characters escaped (see crate::report::escape), the line breaks our own messages
/// put before `help:` kept.
fn escape_lines(text: &str) -> String {
    text.split('\n')
        .map(|line| controls(line).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// `\n  help: …` from the error's diagnostic, when it has one.
pub(super) fn help(e: &PublishError) -> String {
    miette::Diagnostic::help(e)
        .map(|h| format!("\n  help: {h}"))
        .unwrap_or_default()
}

pub(super) fn usage<T>(message: &str) -> Result<T, u8> {
    // `--repo` and GITHUB_REPOSITORY are echoed in messages.
    eprintln!("error: {}", escape_lines(message));
    Err(exit::ERROR)
}

/// The event payload of a GitHub Actions run (`GITHUB_EVENT_PATH`), read within the
/// input size limit; `None` outside Actions or when it cannot be read.
pub(super) fn github_event() -> Option<serde_json::Value> {
    let path = std::path::PathBuf::from(std::env::var_os("GITHUB_EVENT_PATH")?);
    let file = read_source(
        &path,
        path.display().to_string().into(),
        DEFAULT_MAX_FILE_SIZE,
    )
    .ok()?;
    serde_json::from_str(&file.text).ok()
}

/// The pull request of a GitHub Actions run: from the event payload, else `refs/pull/N/…`.
fn pull_request_from_environment() -> Option<u64> {
    let from_event = github_event().and_then(|event| {
        event
            .pointer("/pull_request/number")
            .or_else(|| event.pointer("/issue/number"))
            .and_then(serde_json::Value::as_u64)
    });
    from_event.or_else(|| {
        std::env::var("GITHUB_REF").ok().and_then(|r| {
            r.strip_prefix("refs/pull/")
                .and_then(|rest| rest.split('/').next())
                .and_then(|n| n.parse().ok())
        })
    })
}

/// The saved report: a regular file within the input size limit, like any input.
fn read_report(path: &Path, limit: u64) -> Result<DiffReport, u8> {
    let file = read_source(path, path.display().to_string().into(), limit).map_err(|e| {
        eprintln!(
            "error: cannot use the report {}: {}\n  help: write it with `aicost-policy diff --format json --output FILE`",
            path.display(),
            e.message
        );
        exit::ERROR
    })?;
    diff_report::parse(&file.text).map_err(|message| {
        eprintln!("error: {}: {message}", path.display());
        exit::ERROR
    })
}

/// With `--report`, only what the saved report holds can be written again.
fn write_saved(diff: &DiffArgs, report: &DiffReport, targets: &[OutputTarget]) -> Result<(), u8> {
    if diff.outputs.formats.is_empty() {
        return Ok(());
    }
    if let Some(t) = targets
        .iter()
        .find(|t| !matches!(t.format, Format::Json | Format::Markdown))
    {
        return usage(&format!(
            "--format {} needs the analysis; with --report only json and markdown can be written\n  help: run the comment command with --base instead of --report",
            t.format.name()
        ));
    }
    output::write_targets(targets, |format| match format {
        Format::Json => diff_report::render_json(report),
        _ => markdown::render_diff(report, markdown::COMMENT_LIMIT),
    })
}

/// The exit code a saved report calls for, under this run's --fail-on, --fail-severity,
/// --unknown and --soft-fail, decided as for a fresh analysis.
fn saved_exit_code(report: &DiffReport, diff: &DiffArgs) -> u8 {
    let findings = report.findings.iter().filter_map(|f| {
        let counts = diff.fail_on == FailOn::All || f.change.as_deref() == Some("new");
        Status::parse(&f.status).map(|status| (status, Severity::parse(&f.severity), counts))
    });
    gate_exit_code(&diff.gate, !report.errors.is_empty(), findings)
}
