//! The flags of the `comment` commands for hosts beyond GitHub and GitLab (Azure DevOps,
//! Bitbucket; args.rs holds those two and everything they share).

use std::path::PathBuf;

use clap::Args;

use super::args::{BehaviorArg, Bounds, DiffArgs};

pub const COMMENT_AZURE_EXIT_CODES: &str = "\
Exit codes:
  0  no failing finding that counts (see --fail-on), and the comment was posted
  1  at least one such policy failure (the comment is posted first)
  2  usage error, invalid input, the token was refused (401, or a sign-in page), Azure
     DevOps refused the comment for another reason, or --deadline passed
  3  the comment was not posted because the token may not write to the pull request
     (the build service needs \"Contribute to pull requests\"); reports were written";

#[derive(Debug, Args)]
pub struct CommentAzureArgs {
    #[command(flatten)]
    pub diff: DiffArgs,

    /// Post a report written earlier by `diff --format json` instead of analysing
    #[arg(long, value_name = "FILE", conflicts_with_all = ["base", "base_path", "paths", "plans"])]
    pub report: Option<PathBuf>,

    /// The pull request id [default: $SYSTEM_PULLREQUEST_PULLREQUESTID]
    #[arg(long, value_name = "ID")]
    pub pr: Option<u64>,

    /// The project's name or id [default: $SYSTEM_TEAMPROJECT]
    #[arg(long, value_name = "NAME")]
    pub project: Option<String>,

    /// The repository's id or name [default: $BUILD_REPOSITORY_ID]
    #[arg(long, value_name = "ID")]
    pub repository_id: Option<String>,

    /// The organization (collection) URL: https://dev.azure.com/ORG/, or
    /// https://HOST/tfs/COLLECTION/ for Azure DevOps Server [default: $SYSTEM_COLLECTIONURI]
    #[arg(long, value_name = "URL")]
    pub collection_url: Option<String>,

    /// Identifies our comment, so separate runs (e.g. per environment) keep separate
    /// threads; matched exactly (letters, digits, `.`, `_`, `-`)
    #[arg(long, value_name = "TAG", default_value = "default")]
    pub tag: String,

    /// What to do with an earlier thread: `update` its comment in place (or start one),
    /// always start a `new` one, `delete-and-new`, or `hide-and-new` (close the old threads)
    #[arg(long, value_enum, default_value_t = BehaviorArg::Update)]
    pub behavior: BehaviorArg,

    /// The environment variable holding the token (never printed): the pipeline's
    /// System.AccessToken, sent as a Bearer token, or a personal access token with --pat
    #[arg(long, value_name = "NAME", default_value = "SYSTEM_ACCESSTOKEN")]
    pub token_env: String,

    /// The token is a personal access token: send it as Basic credentials (empty user name)
    #[arg(long)]
    pub pat: bool,

    /// Whose threads are ours (only those are updated, deleted or closed): the id (a GUID)
    /// of the identity that posts [default: the token's own identity, asked of Azure DevOps]
    #[arg(long, value_name = "ID")]
    pub comment_author: Option<String>,

    #[command(flatten)]
    pub bounds: Bounds,

    /// Print the comment that would be posted and post nothing
    #[arg(long)]
    pub dry_run: bool,
}

pub const COMMENT_BITBUCKET_EXIT_CODES: &str = "\
Exit codes:
  0  no failing finding that counts (see --fail-on), and the comment was posted
  1  at least one such policy failure (the comment is posted first)
  2  usage error, invalid input, the token was refused (401), Bitbucket refused the comment
     for another reason, or --deadline passed
  3  the comment was not posted because the token may not write to the pull request (the
     access token needs the pullrequest:write scope); reports were written";

#[derive(Debug, Args)]
pub struct CommentBitbucketArgs {
    #[command(flatten)]
    pub diff: DiffArgs,

    /// Post a report written earlier by `diff --format json` instead of analysing
    #[arg(long, value_name = "FILE", conflicts_with_all = ["base", "base_path", "paths", "plans"])]
    pub report: Option<PathBuf>,

    /// The pull request id [default: $BITBUCKET_PR_ID]
    #[arg(long, value_name = "ID")]
    pub pr: Option<u64>,

    /// The workspace's slug [default: $BITBUCKET_WORKSPACE]
    #[arg(long, value_name = "SLUG")]
    pub workspace: Option<String>,

    /// The repository's slug [default: $BITBUCKET_REPO_SLUG]
    #[arg(long, value_name = "SLUG")]
    pub repo_slug: Option<String>,

    /// The Bitbucket Cloud REST API origin; the /2.0 paths are added to it
    /// [default: https://api.bitbucket.org]
    #[arg(long, value_name = "URL")]
    pub bitbucket_api_url: Option<String>,

    /// Identifies our comment, so separate runs (e.g. per environment) keep separate
    /// comments on the pull request; matched exactly (letters, digits, `.`, `_`, `-`)
    #[arg(long, value_name = "TAG", default_value = "default")]
    pub tag: String,

    /// What to do with an earlier comment: `update` it in place (or post one), always post a
    /// `new` one, or `delete-and-new` (Bitbucket cannot hide comments: hide-and-new is refused)
    #[arg(long, value_enum, default_value_t = BehaviorArg::Update)]
    pub behavior: BehaviorArg,

    /// The environment variable holding a repository, project or workspace access token,
    /// sent as `Authorization: Bearer` (never printed)
    #[arg(long, value_name = "NAME", default_value = "BITBUCKET_TOKEN")]
    pub token_env: String,

    /// Whose comments are ours (only those are updated or deleted): the UUID of the account
    /// that posts, {…} (an access token's bot user); needed for update and delete-and-new, as
    /// access tokens may not ask Bitbucket whose they are
    #[arg(long, value_name = "UUID")]
    pub comment_author: Option<String>,

    #[command(flatten)]
    pub bounds: Bounds,

    /// Print the comment that would be posted and post nothing
    #[arg(long)]
    pub dry_run: bool,
}
