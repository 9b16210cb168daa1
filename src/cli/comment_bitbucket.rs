//! `aicost-policy comment bitbucket`: the diff posted as one Bitbucket Cloud pull request
//! comment, the same way `comment github` posts it (see comment.rs); only where it goes
//! differs.

use super::args::{BehaviorArg, CommentBitbucketArgs};
use super::comment::{help, options, usage, Posting};
use super::output::OutputTarget;
use crate::load::terraform::VarArg;
use crate::publish::{self, BitbucketTarget, Host};

pub fn run(args: &CommentBitbucketArgs, var_order: &[VarArg], targets: &[OutputTarget]) -> u8 {
    match run_comment(args, var_order, targets) {
        Ok(code) | Err(code) => code,
    }
}

fn run_comment(
    args: &CommentBitbucketArgs,
    var_order: &[VarArg],
    targets: &[OutputTarget],
) -> Result<u8, u8> {
    if let Some(Err(e)) = args
        .comment_author
        .as_deref()
        .map(publish::check_account_uuid)
    {
        return usage(&format!("{e}{}", help(&e)));
    }
    if args.behavior == BehaviorArg::HideAndNew {
        return usage("Bitbucket cannot hide a pull request comment\n  help: use --behavior update, new or delete-and-new");
    }
    let post = Posting {
        host: Host::Bitbucket,
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
            publish::post_bitbucket_comment(&target, &token, &args.tag, body, options)
        },
        |e| {
            format!(
                "error: the pull-request comment was not posted: {e}\n  help: check the token in {} (--token-env names the variable): a repository or workspace access token, as a secured repository variable; it may be expired, revoked or mistyped",
                args.token_env
            )
        },
    )
}

/// Workspace, repository, pull request, API URL and token, from the flags or the variables
/// Bitbucket Pipelines sets.
fn destination(args: &CommentBitbucketArgs) -> Result<(BitbucketTarget, String), u8> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    if args.comment_author.is_none() && args.behavior != BehaviorArg::New {
        return usage("Bitbucket access tokens may not ask whose they are, so earlier comments cannot be told apart\n  help: name the account that posts with --comment-author UUID (the access token's bot user: the user.uuid of a comment it wrote), or use --behavior new");
    }
    let Some(workspace) = args
        .workspace
        .clone()
        .or_else(|| var("BITBUCKET_WORKSPACE"))
    else {
        return usage("no workspace to comment in\n  help: give --workspace SLUG (Bitbucket Pipelines sets BITBUCKET_WORKSPACE)");
    };
    let Some(repo_slug) = args
        .repo_slug
        .clone()
        .or_else(|| var("BITBUCKET_REPO_SLUG"))
    else {
        return usage("no repository to comment in\n  help: give --repo-slug SLUG (Bitbucket Pipelines sets BITBUCKET_REPO_SLUG)");
    };
    let from_pipeline = var("BITBUCKET_PR_ID").and_then(|n| n.trim().parse().ok());
    let Some(pull_request) = args.pr.or(from_pipeline) else {
        return usage("no pull request id\n  help: give --pr ID (Bitbucket Pipelines sets BITBUCKET_PR_ID in pull-requests pipelines)");
    };
    let api_url = args
        .bitbucket_api_url
        .clone()
        .unwrap_or_else(|| "https://api.bitbucket.org".to_string());
    let Some(token) = var(&args.token_env) else {
        return usage(&format!(
            "the environment variable {} holds no token\n  help: set it to a repository or workspace access token with the pullrequest:write scope (a secured repository variable), or name another variable with --token-env",
            args.token_env
        ));
    };
    Ok((
        BitbucketTarget {
            api_url,
            workspace,
            repo_slug,
            pull_request,
        },
        token,
    ))
}
