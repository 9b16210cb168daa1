//! `aicost-policy comment azure-devops`: the diff posted as one Azure DevOps pull request
//! thread, the same way `comment github` posts it (see comment.rs); only where it goes
//! differs.

use super::args::CommentAzureArgs;
use super::comment::{help, options, usage, Posting};
use super::output::OutputTarget;
use crate::load::terraform::VarArg;
use crate::publish::{self, AzureTarget, AzureToken, Host};

pub fn run(args: &CommentAzureArgs, var_order: &[VarArg], targets: &[OutputTarget]) -> u8 {
    match run_thread(args, var_order, targets) {
        Ok(code) | Err(code) => code,
    }
}

fn run_thread(
    args: &CommentAzureArgs,
    var_order: &[VarArg],
    targets: &[OutputTarget],
) -> Result<u8, u8> {
    if let Some(Err(e)) = args.comment_author.as_deref().map(publish::check_identity) {
        return usage(&format!("{e}{}", help(&e)));
    }
    let post = Posting {
        host: Host::AzureDevOps,
        diff: &args.diff,
        report: args.report.as_deref(),
        tag: &args.tag,
        dry_run: args.dry_run,
        options: options(args.behavior, &args.bounds, args.comment_author.clone()),
    };
    let kind = if args.pat {
        AzureToken::Pat
    } else {
        AzureToken::Bearer
    };
    post.run(
        var_order,
        targets,
        || destination(args),
        |(target, token), body, options| {
            publish::post_azure_thread(&target, &token, kind, &args.tag, body, options)
        },
        |e| {
            format!(
                "error: the pull-request comment was not posted: {e}\n  help: check the token in {} (--token-env names the variable): map it into the step (env: SYSTEM_ACCESSTOKEN: $(System.AccessToken)); a personal access token needs --pat",
                args.token_env
            )
        },
    )
}

/// Collection, project, repository, pull request and token, from the flags or the
/// variables Azure Pipelines sets.
fn destination(args: &CommentAzureArgs) -> Result<(AzureTarget, String), u8> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let Some(collection_url) = args
        .collection_url
        .clone()
        .or_else(|| var("SYSTEM_COLLECTIONURI"))
    else {
        return usage("no Azure DevOps organization URL\n  help: give --collection-url https://dev.azure.com/ORG/ (Azure Pipelines sets SYSTEM_COLLECTIONURI)");
    };
    let Some(project) = args.project.clone().or_else(|| var("SYSTEM_TEAMPROJECT")) else {
        return usage("no project to comment in\n  help: give --project NAME (Azure Pipelines sets SYSTEM_TEAMPROJECT)");
    };
    let Some(repository) = args
        .repository_id
        .clone()
        .or_else(|| var("BUILD_REPOSITORY_ID"))
    else {
        return usage("no repository to comment in\n  help: give --repository-id ID (Azure Pipelines sets BUILD_REPOSITORY_ID)");
    };
    let from_pipeline = var("SYSTEM_PULLREQUEST_PULLREQUESTID").and_then(|n| n.trim().parse().ok());
    let Some(pull_request) = args.pr.or(from_pipeline) else {
        return usage("no pull request id\n  help: give --pr ID (Azure Pipelines sets SYSTEM_PULLREQUEST_PULLREQUESTID in runs a pull request's build validation policy starts)");
    };
    let Some(token) = var(&args.token_env) else {
        return usage(&format!(
            "the environment variable {} holds no token\n  help: map the pipeline's token into the step (env: SYSTEM_ACCESSTOKEN: $(System.AccessToken)): secrets are not in the environment unless mapped; or name another variable with --token-env",
            args.token_env
        ));
    };
    Ok((
        AzureTarget {
            collection_url,
            project,
            repository,
            pull_request,
        },
        token,
    ))
}
