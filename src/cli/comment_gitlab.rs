//! `aicost-policy comment gitlab`: the diff posted as one GitLab merge request note, the
//! same way `comment github` posts it (see comment.rs); only where it goes differs.

use super::args::CommentGitlabArgs;
use super::comment::{help, options, usage, Posting};
use super::output::OutputTarget;
use crate::load::terraform::VarArg;
use crate::publish::{self, GitLabTarget, GitLabToken, Host};

pub fn run(args: &CommentGitlabArgs, var_order: &[VarArg], targets: &[OutputTarget]) -> u8 {
    match run_note(args, var_order, targets) {
        Ok(code) | Err(code) => code,
    }
}

fn run_note(
    args: &CommentGitlabArgs,
    var_order: &[VarArg],
    targets: &[OutputTarget],
) -> Result<u8, u8> {
    if let Some(Err(e)) = args.comment_author.as_deref().map(publish::check_username) {
        return usage(&format!("{e}{}", help(&e)));
    }
    if args.behavior == super::args::BehaviorArg::HideAndNew {
        return usage("GitLab cannot hide a merge request note\n  help: use --behavior update, new or delete-and-new");
    }
    let post = Posting {
        host: Host::GitLab,
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
        |(target, token, kind), body, options| {
            publish::post_gitlab_note(&target, &token, kind, &args.tag, body, options)
        },
        |e| {
            format!(
                "error: the merge-request note was not posted: {e}\n  help: check the token in {} (--token-env names the variable) or CI_JOB_TOKEN: it may be expired, revoked or mistyped, or meant for another GitLab instance (--gitlab-api-url)",
                args.token_env
            )
        },
    )
}

/// Project, merge request, API URL and token, from the flags or GitLab CI's variables.
fn destination(args: &CommentGitlabArgs) -> Result<(GitLabTarget, String, GitLabToken), u8> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let Some(project) = args.project.clone().or_else(|| var("CI_PROJECT_ID")) else {
        return usage(
            "no project to comment on\n  help: give --project ID (GitLab CI sets CI_PROJECT_ID)",
        );
    };
    let from_ci = var("CI_MERGE_REQUEST_IID").and_then(|n| n.trim().parse().ok());
    let Some(merge_request) = args.mr.or(from_ci) else {
        return usage("no merge request IID\n  help: give --mr IID (GitLab CI sets CI_MERGE_REQUEST_IID in merge request pipelines: add `rules: - if: $CI_PIPELINE_SOURCE == \"merge_request_event\"` to the job)");
    };
    let api_url = args
        .gitlab_api_url
        .clone()
        .or_else(|| var("CI_API_V4_URL"))
        .unwrap_or_else(|| "https://gitlab.com/api/v4".to_string());
    let (token, kind) = match (var(&args.token_env), var("CI_JOB_TOKEN")) {
        (Some(token), _) => (token, GitLabToken::Private),
        (None, Some(job)) => {
            if args.comment_author.is_none() {
                return usage(&format!(
                    "{} is not set, and with the CI job token GitLab does not say whose token it is, so earlier notes cannot be told apart\n  help: set {} to a project access token with the `api` scope (recommended), or name the account that posts with --comment-author USERNAME",
                    args.token_env, args.token_env
                ));
            }
            (job, GitLabToken::Job)
        }
        (None, None) => {
            return usage(&format!(
                "the environment variable {} holds no token, and there is no CI_JOB_TOKEN\n  help: set it to a project access token with the `api` scope (a masked CI/CD variable), or name another variable with --token-env",
                args.token_env
            ));
        }
    };
    Ok((
        GitLabTarget {
            api_url,
            project,
            merge_request,
        },
        token,
        kind,
    ))
}
