//! What can go wrong posting a comment. Messages carry the host's own `message` and the HTTP
//! status, and say what we were doing; they never carry the token.

use miette::Diagnostic;

use super::Host;

/// The most characters GitHub accepts in a comment body ([`Host::body_limit`] for others).
pub const MAX_BODY_CHARS: usize = 65_536;

/// Why a comment could not be posted.
#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum PublishError {
    /// The token may not do this: a 403, or a 404 that is about access.
    #[error("{host} refused to {action} (HTTP {status}): {message}")]
    #[diagnostic(
        code(aicost_policy::publish::no_permission),
        help("{}", host.permission_help())
    )]
    NoPermission {
        host: Host,
        action: String,
        status: u16,
        message: String,
    },

    /// 401: the host does not accept the token at all (wrong, expired or revoked). Not a
    /// read-only token: this is a broken credential, and an error.
    #[error("the token was refused (401) when trying to {action}: {message}")]
    #[diagnostic(
        code(aicost_policy::publish::unauthorized),
        help("{}", host.token_help())
    )]
    Unauthorized {
        host: Host,
        action: String,
        message: String,
    },

    /// The body is over the host's limit.
    #[error(
        "the comment is too long for {host}: {chars} characters, the limit is {limit}{}",
        detail(message)
    )]
    #[diagnostic(
        code(aicost_policy::publish::body_too_long),
        help("shorten the report, e.g. show failures only or fewer resources")
    )]
    BodyTooLong {
        host: Host,
        chars: usize,
        limit: usize,
        /// The host's words when it refused the body (empty when we refused it first).
        message: String,
    },

    /// 404: the repository, pull request or comment does not exist, or the token cannot see it.
    #[error("{host} found nothing to {action} (HTTP 404): {message}")]
    #[diagnostic(
        code(aicost_policy::publish::not_found),
        help("{}", host.not_found_help())
    )]
    NotFound {
        host: Host,
        action: String,
        message: String,
    },

    /// Any other refusal or failure reported by the host.
    #[error("{host} failed to {action} (HTTP {status}): {message}")]
    #[diagnostic(code(aicost_policy::publish::api))]
    Api {
        host: Host,
        action: String,
        status: u16,
        message: String,
    },

    /// The pull request has more pages of comments than we read.
    #[error(
        "stopped listing the comments of {name} after {pages} pages{}: there are more, or the \
         pages link back to each other",
        page_size(*per_page)
    )]
    #[diagnostic(
        code(aicost_policy::publish::too_many_pages),
        help(
            "the earlier comment cannot be found among so many; use --behavior new, which \
             posts without reading the comments"
        )
    )]
    TooManyPages {
        host: Host,
        name: String,
        pages: usize,
        /// Comments asked for per page; 0 where the host sets the page size itself.
        per_page: usize,
    },

    /// The whole run took longer than its deadline.
    #[error(
        "gave up after {after} (--deadline): {host} had not finished answering; the comment may \
         be missing or out of date"
    )]
    #[diagnostic(
        code(aicost_policy::publish::deadline),
        help("{host} may be slow or unavailable: run the job again, or give a longer --deadline")
    )]
    Deadline { host: Host, after: String },

    /// Neither GitHub's REST nor its GraphQL API said who the token belongs to, so our
    /// comments cannot be told from others'.
    #[error("cannot find out whose token this is: {message}")]
    #[diagnostic(
        code(aicost_policy::publish::unknown_author),
        help(
            "name the account that posts the comment with --comment-author LOGIN: \
             github-actions[bot] for the GITHUB_TOKEN of GitHub Actions, APP-SLUG[bot] for a \
             GitHub App's token, your login for a personal token"
        )
    )]
    UnknownAuthor { message: String },

    /// `--comment-author` is not a login of the host.
    #[error("invalid comment author {login:?}: {reason}")]
    #[diagnostic(
        code(aicost_policy::publish::invalid_author),
        help("{}", host.author_help())
    )]
    InvalidAuthor {
        host: Host,
        login: String,
        reason: String,
    },

    /// No answer from the host: connection, TLS or timeout.
    #[error("could not reach {host}: {message}")]
    #[diagnostic(
        code(aicost_policy::publish::network),
        help("check the network and the {host} API url")
    )]
    Network { host: Host, message: String },

    /// The comment tag is not 1 to 64 of `A-Z a-z 0-9 . _ -`.
    #[error("invalid comment tag {tag:?}: {reason}")]
    #[diagnostic(
        code(aicost_policy::publish::invalid_tag),
        help("a tag is 1 to 64 letters, digits, `.`, `_` or `-`, e.g. `prod` or `eu-west-1`")
    )]
    InvalidTag { tag: String, reason: String },

    /// The API url is not an http(s) URL we can use.
    #[error("invalid {host} API url {url:?}: {reason}")]
    #[diagnostic(code(aicost_policy::publish::invalid_url), help("{}", host.url_help()))]
    InvalidUrl {
        host: Host,
        url: String,
        reason: String,
    },

    /// The token is empty or cannot be sent in a header. The token itself is never shown.
    #[error("invalid {host} token: {reason}")]
    #[diagnostic(
        code(aicost_policy::publish::invalid_token),
        help("pass the token exactly as {host} issued it")
    )]
    InvalidToken { host: Host, reason: String },

    /// The owner, repository or pull request number cannot be part of an API path.
    #[error("invalid pull request target: {reason}")]
    #[diagnostic(
        code(aicost_policy::publish::invalid_target),
        help("{}", host.target_help())
    )]
    InvalidTarget { host: Host, reason: String },

    /// The host cannot do what was asked (hide a comment on GitLab), or cannot with this
    /// token (tell whose a GitLab CI job token is).
    #[error("{what}")]
    #[diagnostic(code(aicost_policy::publish::unsupported), help("{advice}"))]
    Unsupported {
        host: Host,
        what: String,
        advice: String,
    },

    /// A team of `[approvals.groups]` is not `@org/team-slug`.
    #[error("invalid team {team:?}: {reason}")]
    #[diagnostic(
        code(aicost_policy::publish::invalid_team),
        help("a team is written @ORG/TEAM-SLUG, as GitHub mentions it, e.g. @acme/finops")
    )]
    InvalidTeam { team: String, reason: String },

    /// 403 or 404 listing a team's members: the token may not read the organization's teams
    /// (GitHub answers 404 for a secret team the token cannot see), or there is no such team.
    #[error(
        "cannot read the members of team {team} (HTTP {status}): the token may not read the \
         team's membership, or there is no such team: {message}"
    )]
    #[diagnostic(
        code(aicost_policy::publish::team_unreadable),
        help(
            "give a token that may read the organization's teams: a personal token with the \
             `read:org` scope, or a GitHub App's with the organization permission \"Members: \
             read\" (the GITHUB_TOKEN of GitHub Actions cannot read teams); or list the \
             group's users in [approvals.groups] instead of the team"
        )
    )]
    TeamUnreadable {
        team: String,
        status: u16,
        message: String,
    },

    /// 403 reading the reviews of a pull request.
    #[error("GitHub refused to {action} (HTTP {status}): {message}")]
    #[diagnostic(
        code(aicost_policy::publish::no_read_permission),
        help(
            "the token needs read access to pull requests: in GitHub Actions give the job \
             `permissions: pull-requests: read`"
        )
    )]
    NoReadPermission {
        action: String,
        status: u16,
        message: String,
    },

    /// A list (reviews, a team's members) has more pages than are read. Approvals are not
    /// decided from part of it.
    #[error(
        "stopped listing {what} after {pages} pages ({per_page} a page): there are more, or \
         the pages link back to each other"
    )]
    #[diagnostic(
        code(aicost_policy::publish::too_many_pages_to_read),
        help(
            "approvals are not decided from part of the list; list the group's users in \
             [approvals.groups] instead of a very large team, or give the reviews with \
             --approvals FILE"
        )
    )]
    TooManyPagesToRead {
        what: String,
        pages: usize,
        per_page: usize,
    },

    /// Reading the reviews and teams took longer than the deadline.
    #[error(
        "gave up reading the reviews and team members after {after}: GitHub had not finished \
         answering"
    )]
    #[diagnostic(
        code(aicost_policy::publish::read_deadline),
        help("GitHub may be slow or unavailable: run the job again, or give a longer deadline")
    )]
    ReadDeadline { after: String },
}

fn detail(message: &str) -> String {
    if message.is_empty() {
        String::new()
    } else {
        format!(" ({message})")
    }
}

/// ` (100 comments a page)`, or nothing when the host chose the page size.
fn page_size(per_page: usize) -> String {
    if per_page == 0 {
        String::new()
    } else {
        format!(" ({per_page} comments a page)")
    }
}
