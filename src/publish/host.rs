//! The code hosts a comment can be posted on, and what differs between them in the shared
//! layer: the name in messages, the longest comment body, and the advice an error gives.

use std::fmt;

/// A code host with pull (merge) requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Host {
    GitHub,
    GitLab,
    AzureDevOps,
    Bitbucket,
}

impl Host {
    pub fn name(self) -> &'static str {
        match self {
            Host::GitHub => "GitHub",
            Host::GitLab => "GitLab",
            Host::AzureDevOps => "Azure DevOps",
            Host::Bitbucket => "Bitbucket",
        }
    }

    /// The most characters the host accepts in one comment body.
    pub fn body_limit(self) -> usize {
        match self {
            Host::GitHub => 65_536,
            Host::GitLab => 1_000_000,
            Host::AzureDevOps => 150_000,
            // Not documented: Bitbucket Cloud answers a longer comment with "Please enter a
            // non-empty value less than 32768 characters".
            Host::Bitbucket => 32_767,
        }
    }

    pub(crate) fn permission_help(self) -> &'static str {
        match self {
            Host::GitHub => {
                "the token needs write access to pull requests: in GitHub Actions give the job \
                 `permissions: pull-requests: write`. A pull request from a fork always gets a \
                 read-only GITHUB_TOKEN (GitHub answers \"Resource not accessible by integration\"); \
                 post the comment from a `workflow_run` workflow instead"
            }
            Host::GitLab => {
                "the token needs the `api` scope and at least the Reporter role in the project \
                 (a project access token is the usual choice); the CI job token (CI_JOB_TOKEN) \
                 may not write merge request notes on most GitLab versions"
            }
            Host::AzureDevOps => {
                "the build identity needs \"Contribute to pull requests\" on the repository, and \
                 the job must map SYSTEM_ACCESSTOKEN into its environment"
            }
            Host::Bitbucket => {
                "the access token needs the `pullrequest:write` scope (Pull requests: Write) on \
                 the repository; a token of another repository or workspace may not write here"
            }
        }
    }

    pub(crate) fn token_help(self) -> &'static str {
        match self {
            Host::GitHub => {
                "check GITHUB_TOKEN / --token-env: the token may be expired, revoked or mistyped, \
                 or meant for another GitHub host (--github-api-url)"
            }
            Host::GitLab => {
                "check GITLAB_TOKEN / --token-env: the token may be expired, revoked or mistyped, \
                 or meant for another GitLab instance (--gitlab-api-url)"
            }
            Host::AzureDevOps => {
                "check SYSTEM_ACCESSTOKEN / --token-env: map it into the step's environment \
                 (env: SYSTEM_ACCESSTOKEN: $(System.AccessToken))"
            }
            Host::Bitbucket => {
                "check BITBUCKET_TOKEN / --token-env: the repository or workspace access token may \
                 be expired, revoked or mistyped; it is sent as `Authorization: Bearer`"
            }
        }
    }

    pub(crate) fn not_found_help(self) -> &'static str {
        match self {
            Host::GitHub => {
                "check the repository (owner/name) and the pull request number; a private \
                 repository also answers 404 to a token that may not read it"
            }
            Host::GitLab => {
                "check the project (--project, CI_PROJECT_ID) and the merge request IID (--mr, \
                 CI_MERGE_REQUEST_IID); a private project also answers 404 to a token that may \
                 not read it"
            }
            Host::AzureDevOps => {
                "check the organization URL, the project, the repository id and the pull \
                 request id"
            }
            Host::Bitbucket => {
                "check the workspace (--workspace, BITBUCKET_WORKSPACE), the repository slug \
                 (--repo-slug, BITBUCKET_REPO_SLUG) and the pull request id (--pr, \
                 BITBUCKET_PR_ID); a private repository also answers 404 to a token that may not \
                 read it"
            }
        }
    }

    pub(crate) fn author_help(self) -> &'static str {
        match self {
            Host::GitHub => {
                "give a GitHub login (letters, digits and `-`, at most 39), with `[bot]` after an \
                 app's name: e.g. octocat or github-actions[bot]"
            }
            Host::GitLab => {
                "give a GitLab username (letters, digits, `_`, `-`, `.`), e.g. project_42_bot_1a2b \
                 for a project access token's bot user"
            }
            Host::AzureDevOps => {
                "give the id (a GUID) of the identity that posts the comment, e.g. the build \
                 service's: it is the author id of a comment it wrote"
            }
            Host::Bitbucket => {
                "give the UUID of the account that posts, {xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx} \
                 (braces optional): an access token's bot user is the `user.uuid` of a comment it \
                 wrote"
            }
        }
    }

    pub(crate) fn target_help(self) -> &'static str {
        match self {
            Host::GitHub => {
                "the repository is OWNER/NAME as on github.com, the pull request a number from 1"
            }
            Host::GitLab => {
                "the project is its numeric id (CI_PROJECT_ID) or its path group/project, the \
                 merge request its IID, a number from 1 (CI_MERGE_REQUEST_IID)"
            }
            Host::AzureDevOps => {
                "the project and repository are names or ids, the pull request a number from 1"
            }
            Host::Bitbucket => {
                "the workspace and repository are their slugs (letters, digits, `.`, `_`, `-`), \
                 the pull request a number from 1"
            }
        }
    }

    pub(crate) fn url_help(self) -> &'static str {
        match self {
            Host::GitHub => {
                "give the REST API root: https://api.github.com, or https://HOST/api/v3 for GitHub \
                 Enterprise Server"
            }
            Host::GitLab => {
                "give the REST API root: https://gitlab.com/api/v4, or https://HOST/api/v4 for a \
                 self-managed instance (GitLab CI sets CI_API_V4_URL)"
            }
            Host::AzureDevOps => {
                "give the collection URL: https://dev.azure.com/ORG/ (Azure Pipelines sets \
                 SYSTEM_COLLECTIONURI)"
            }
            Host::Bitbucket => {
                "give the REST API origin, https://api.bitbucket.org (the /2.0 paths are added)"
            }
        }
    }
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
