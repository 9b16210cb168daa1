//! The flags of the `comment` commands (GitHub, GitLab, Azure DevOps, Bitbucket) and what
//! they share: the bounds of the run and what to do with earlier comments. args.rs
//! re-exports them with everything else.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};

use super::args::DiffArgs;

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

#[derive(Debug, Subcommand)]
pub enum CommentCommand {
    /// Post or update the comment on a GitHub pull request (REST API; GitHub Enterprise
    /// Server with --github-api-url)
    #[command(after_help = COMMENT_EXIT_CODES)]
    Github(CommentGithubArgs),
    /// Post or update the note on a GitLab merge request (REST API v4; gitlab.com or a
    /// self-managed instance)
    #[command(after_help = COMMENT_GITLAB_EXIT_CODES)]
    Gitlab(CommentGitlabArgs),
    /// Post or update the comment thread on an Azure DevOps pull request (Azure Repos;
    /// Azure DevOps Services or Server)
    #[command(name = "azure-devops", after_help = COMMENT_AZURE_EXIT_CODES)]
    AzureDevops(Box<CommentAzureArgs>),
    /// Post or update the comment on a Bitbucket Cloud pull request (REST API 2.0)
    #[command(after_help = COMMENT_BITBUCKET_EXIT_CODES)]
    Bitbucket(Box<CommentBitbucketArgs>),
}

const COMMENT_GITLAB_EXIT_CODES: &str = "\
Exit codes:
  0  no failing finding that counts (see --fail-on), and the note was posted
  1  at least one such policy failure (the note is posted first)
  2  usage error, invalid input, the token was refused (401), GitLab refused the note for
     another reason, or --deadline passed
  3  the note was not posted because the token may not write to the merge request;
     reports were written";

const COMMENT_EXIT_CODES: &str = "\
Exit codes:
  0  no failing finding that counts (see --fail-on), and the comment was posted
  1  at least one such policy failure (the comment is posted first)
  2  usage error, invalid input, the token was refused (401), GitHub refused the comment
     for another reason, or --deadline passed
  3  the comment was not posted because the token may not write to the pull request
     (a pull request from a fork gets a read-only GITHUB_TOKEN); reports were written";

#[derive(Debug, Args)]
pub struct CommentGithubArgs {
    #[command(flatten)]
    pub diff: DiffArgs,

    /// Post a report written earlier by `diff --format json` instead of analysing
    #[arg(long, value_name = "FILE", conflicts_with_all = ["base", "base_path", "paths", "plans"])]
    pub report: Option<PathBuf>,

    /// The pull request number [default: from the GitHub Actions event]
    #[arg(long, value_name = "N")]
    pub pr: Option<u64>,

    /// Identifies our comment, so separate runs (e.g. per environment) keep separate
    /// comments; matched exactly (letters, digits, `.`, `_`, `-`)
    #[arg(long, value_name = "TAG", default_value = "default")]
    pub tag: String,

    /// What to do with an earlier comment: `update` it in place (or create one),
    /// always post a `new` one, `delete-and-new`, or `hide-and-new` (minimize the old
    /// ones as outdated)
    #[arg(long, value_enum, default_value_t = BehaviorArg::Update)]
    pub behavior: BehaviorArg,

    /// The environment variable holding the token (never printed)
    #[arg(long, value_name = "NAME", default_value = "GITHUB_TOKEN")]
    pub token_env: String,

    /// The GitHub REST API URL; for GitHub Enterprise Server, https://HOST/api/v3
    /// [default: $GITHUB_API_URL, else https://api.github.com]
    #[arg(long, value_name = "URL")]
    pub github_api_url: Option<String>,

    /// Whose comments are ours (only those are updated, deleted or hidden): a GitHub login,
    /// or `APP-SLUG[bot]` for an app [default: the token's own account, asked of GitHub]
    #[arg(long, value_name = "LOGIN")]
    pub comment_author: Option<String>,

    #[command(flatten)]
    pub bounds: Bounds,

    /// Print the comment that would be posted and post nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct CommentGitlabArgs {
    #[command(flatten)]
    pub diff: DiffArgs,

    /// Post a report written earlier by `diff --format json` instead of analysing
    #[arg(long, value_name = "FILE", conflicts_with_all = ["base", "base_path", "paths", "plans"])]
    pub report: Option<PathBuf>,

    /// The merge request IID [default: $CI_MERGE_REQUEST_IID]
    #[arg(long, value_name = "IID")]
    pub mr: Option<u64>,

    /// The project: its numeric id or its path group/project [default: $CI_PROJECT_ID]
    #[arg(long, value_name = "ID")]
    pub project: Option<String>,

    /// The GitLab REST API URL, https://HOST/api/v4 for a self-managed instance
    /// [default: $CI_API_V4_URL, else https://gitlab.com/api/v4]
    #[arg(long, value_name = "URL")]
    pub gitlab_api_url: Option<String>,

    /// Identifies our note, so separate runs (e.g. per environment) keep separate notes;
    /// matched exactly (letters, digits, `.`, `_`, `-`)
    #[arg(long, value_name = "TAG", default_value = "default")]
    pub tag: String,

    /// What to do with an earlier note: `update` it in place (or create one), always post a
    /// `new` one, or `delete-and-new` (GitLab cannot hide notes: hide-and-new is refused)
    #[arg(long, value_enum, default_value_t = BehaviorArg::Update)]
    pub behavior: BehaviorArg,

    /// The environment variable holding a personal, project or group access token, sent as
    /// PRIVATE-TOKEN (never printed); when it is unset, CI_JOB_TOKEN is sent as JOB-TOKEN
    #[arg(long, value_name = "NAME", default_value = "GITLAB_TOKEN")]
    pub token_env: String,

    /// Whose notes are ours (only those are updated or deleted): a GitLab username; needed
    /// with the CI job token [default: the token's own user, asked of GitLab]
    #[arg(long, value_name = "USERNAME")]
    pub comment_author: Option<String>,

    #[command(flatten)]
    pub bounds: Bounds,

    /// Print the note that would be posted and post nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// How long posting may take (`comment` commands).
#[derive(Debug, Args)]
pub struct Bounds {
    /// Give up posting after this long in all (requests, retries, waits): 90s, 10m
    #[arg(long, value_name = "DURATION", default_value = "10m", value_parser = parse_duration)]
    pub deadline: Duration,

    /// Give up one HTTP request (answer included) after this long; it may be tried again
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration)]
    pub request_timeout: Duration,
}

/// `250ms`, `90s`, `10m`, or a number of seconds; more than zero, at most a day.
fn parse_duration(s: &str) -> Result<Duration, String> {
    let text = s.trim();
    let (number, unit_ms) = if let Some(n) = text.strip_suffix("ms") {
        (n, 1)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1000)
    } else if let Some(n) = text.strip_suffix('m') {
        (n, 60_000)
    } else {
        (text, 1000)
    };
    let bad = || format!("`{s}` is not a duration: write e.g. 90s, 10m or 500ms");
    let n: u64 = number.trim().parse().map_err(|_| bad())?;
    let ms = n.checked_mul(unit_ms).ok_or_else(bad)?;
    if ms == 0 || ms > 86_400_000 {
        return Err(format!(
            "`{s}` is out of range: give more than zero and at most a day (24h = 1440m)"
        ));
    }
    Ok(Duration::from_millis(ms))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BehaviorArg {
    Update,
    New,
    DeleteAndNew,
    HideAndNew,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        let ms = |s: &str| parse_duration(s).map(|d| d.as_millis());
        assert_eq!(ms("10m"), Ok(600_000));
        assert_eq!(ms("90s"), Ok(90_000));
        assert_eq!(ms("250ms"), Ok(250));
        assert_eq!(ms(" 45 "), Ok(45_000));
        assert_eq!(
            ms("10h"),
            Err("`10h` is not a duration: write e.g. 90s, 10m or 500ms".to_string())
        );
        assert_eq!(
            ms("0s"),
            Err(
                "`0s` is out of range: give more than zero and at most a day (24h = 1440m)"
                    .to_string()
            )
        );
        assert!(ms("1441m").is_err());
        assert!(ms("-1s").is_err());
        assert!(ms("99999999999999999999m").is_err());
    }
}
