//! The comment as an Azure DevOps pull request thread (Azure DevOps Services or Server, Git
//! REST API 7.1): `GET/POST …/pullRequests/:id/threads`, `PATCH` a thread (its status),
//! `PATCH/DELETE …/threads/:thread/comments/:comment`.
//!
//! Our comment is the first comment of a thread: its first line is our marker for the tag,
//! it is a text comment, and our identity wrote it. Whose the token is comes from
//! `GET {collection}/_apis/connectionData` (`authenticatedUser.id`, the identity the
//! pipeline's System.AccessToken or a PAT acts as), unless `--comment-author` names the
//! identity's id. The marker alone is never enough: anyone can write it.
//!
//! `hide-and-new` closes our earlier threads (status `closed`, which collapses them in the
//! pull request's page) before starting a new one.

use serde::Deserialize;
use serde_json::{json, Value};

use super::common::{check_token, is_guid, marked_body, Method, Request};
use super::http::{on_own_thread, Http, Reply, Root};
use super::marker::is_ours;
use super::{Behavior, Host, Options, Posted, PublishError};

const HOST: Host = Host::AzureDevOps;

/// The REST API version every Git request names.
const API_VERSION: &str = "api-version=7.1";

/// `CommentThreadStatus`: a new thread is active, a hidden one closed.
const ACTIVE: u64 = 1;
const CLOSED: u64 = 4;
/// `CommentType` text.
const TEXT: u64 = 1;

/// The pull request to comment on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AzureTarget {
    /// The collection (organization) URL: `https://dev.azure.com/ORG/`, or
    /// `https://HOST/tfs/COLLECTION/` for Azure DevOps Server (`SYSTEM_COLLECTIONURI`).
    pub collection_url: String,
    /// The project's name or id (`SYSTEM_TEAMPROJECT`).
    pub project: String,
    /// The repository's id or name (`BUILD_REPOSITORY_ID`).
    pub repository: String,
    /// The pull request's id (`SYSTEM_PULLREQUEST_PULLREQUESTID`).
    pub pull_request: u64,
}

/// How the token is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AzureToken {
    /// The pipeline's System.AccessToken (an OAuth token): `Authorization: Bearer`.
    Bearer,
    /// A personal access token: `Authorization: Basic` of an empty user name and the token.
    Pat,
}

#[derive(Debug, Deserialize)]
struct Threads {
    #[serde(default)]
    value: Vec<Thread>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Thread {
    id: u64,
    #[serde(default)]
    is_deleted: bool,
    #[serde(default)]
    status: Value,
    #[serde(default)]
    comments: Vec<Comment>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Comment {
    id: u64,
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    is_deleted: bool,
    #[serde(default)]
    comment_type: Value,
    #[serde(default)]
    author: Option<Identity>,
}

#[derive(Debug, Deserialize)]
struct Identity {
    #[serde(default)]
    id: String,
}

#[derive(Debug, Deserialize)]
struct PullRequest {
    repository: Repository,
}

#[derive(Debug, Deserialize)]
struct Repository {
    name: String,
    project: Named,
}

#[derive(Debug, Deserialize)]
struct Named {
    name: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConnectionData {
    authenticated_user: Identity,
}

/// One of our threads: its id and its first comment.
struct Ours {
    thread: u64,
    comment: u64,
    content: String,
    closed: bool,
}

/// Checks a `--comment-author` identity id: a GUID, `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`.
pub fn check_identity(id: &str) -> Result<(), PublishError> {
    if is_guid(id) {
        return Ok(());
    }
    Err(PublishError::InvalidAuthor {
        host: HOST,
        login: id.to_string(),
        reason: "it is not an identity id (a GUID of 32 hexadecimal digits in groups of \
                 8-4-4-4-12)"
            .to_string(),
    })
}

/// `name` as one URL path segment: unreserved characters as they are, the rest
/// percent-encoded (`Cost Project` → `Cost%20Project`). `what` names it in the error.
fn segment(name: &str, what: &str) -> Result<String, PublishError> {
    if name.trim().is_empty() || name == "." || name == ".." || name.chars().any(char::is_control) {
        return Err(PublishError::InvalidTarget {
            host: HOST,
            reason: format!("the {what} {name:?} is not a name or id"),
        });
    }
    Ok(percent(name))
}

/// `text` percent-encoded but for the unreserved characters (RFC 3986), fit for a path
/// segment or a query value.
fn percent(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Standard Base64 with padding, for the Basic credentials of a PAT.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let byte = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let n = (byte(0) << 16) | (byte(1) << 8) | byte(2);
        for i in 0..4 {
            if i <= chunk.len() {
                let index = (n >> (18 - 6 * i)) & 63;
                out.push(char::from(
                    ALPHABET.get(index as usize).copied().unwrap_or(b'='),
                ));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Posts `body` on the pull request as the thread tagged `tag`, as `options` say.
///
/// The comment is the marker line, a line break, then `body`. Blocking; it runs on a thread
/// of its own, so it may be called from anywhere, an async runtime included. Input is
/// checked before any request. Errors never contain the token. Past
/// `options.limits.deadline` it stops with [`PublishError::Deadline`].
pub fn post_azure_thread(
    target: &AzureTarget,
    token: &str,
    kind: AzureToken,
    tag: &str,
    body: &str,
    options: &Options,
) -> Result<Posted, PublishError> {
    let full = marked_body(tag, body, HOST)?;
    if let Some(author) = &options.author {
        check_identity(author)?;
    }
    let root = Root::parse(&target.collection_url, HOST)?;
    let project = segment(&target.project, "project")?;
    let repository = segment(&target.repository, "repository")?;
    if target.pull_request == 0 {
        return Err(PublishError::InvalidTarget {
            host: HOST,
            reason: "the pull request id is 0; ids start at 1".to_string(),
        });
    }
    let token = check_token(token, HOST)?;
    let credentials = match kind {
        AzureToken::Bearer => format!("Bearer {token}"),
        AzureToken::Pat => format!("Basic {}", base64(format!(":{token}").as_bytes())),
    };
    let web = format!("{}{}", root.origin, root.prefix);
    on_own_thread(HOST, "comment", || {
        let http = Http::new(
            HOST,
            root,
            ("authorization", credentials),
            token,
            Some("x-ms-continuationtoken"),
            &options.retry,
            &options.limits,
        )?;
        let pr = PullRequestThreads {
            http: &http,
            base: format!(
                "/{project}/_apis/git/repositories/{repository}/pullRequests/{}",
                target.pull_request
            ),
            name: format!(
                "pull request {} of {}/{}",
                target.pull_request, target.project, target.repository
            ),
            web,
            author: options.author.clone(),
            number: target.pull_request,
        };
        pr.publish(tag, &full, options.behavior)
    })
}

struct PullRequestThreads<'a> {
    http: &'a Http,
    /// The pull request's API path after the collection's.
    base: String,
    name: String,
    /// The collection's web address, for links.
    web: String,
    author: Option<String>,
    number: u64,
}

impl PullRequestThreads<'_> {
    /// The API path of `rest` under the pull request, with the API version.
    fn path(&self, rest: &str) -> String {
        let separator = if rest.contains('?') { '&' } else { '?' };
        self.http
            .path(&format!("{}{rest}{separator}{API_VERSION}", self.base))
    }

    fn publish(&self, tag: &str, body: &str, behavior: Behavior) -> Result<Posted, PublishError> {
        // The pull request's page, for the thread's link; a wrong project, repository or id
        // stops here, before anything is written.
        let action = format!("read {}", self.name);
        let reply = self.http.send(&Request::get(self.path(""), &action))?;
        let pr: PullRequest = parse(&reply, &action)?;
        let page = format!(
            "{}/{}/_git/{}/pullrequest/{}",
            self.web,
            segment(&pr.repository.project.name, "project")?,
            segment(&pr.repository.name, "repository")?,
            self.number
        );
        let link = |thread: u64| format!("{page}?discussionId={thread}");
        match behavior {
            Behavior::New => self.create(body, (0, 0), &link),
            Behavior::Update => match self.ours(tag)?.last() {
                Some(newest) if newest.content == body => Ok(Posted::Unchanged {
                    url: link(newest.thread),
                }),
                Some(newest) => self.update(newest, body, &link),
                None => self.create(body, (0, 0), &link),
            },
            Behavior::DeleteAndNew => {
                let mut deleted = 0;
                for thread in self.ours(tag)? {
                    let action = format!(
                        "delete comment {} of thread {} on {}",
                        thread.comment, thread.thread, self.name
                    );
                    let path = self.path(&format!(
                        "/threads/{}/comments/{}",
                        thread.thread, thread.comment
                    ));
                    if self.http.delete(path, &action)? {
                        deleted += 1;
                    }
                }
                self.create(body, (0, deleted), &link)
            }
            Behavior::HideAndNew => {
                let mut hidden = 0;
                for thread in self.ours(tag)?.iter().filter(|t| !t.closed) {
                    self.close(thread.thread)?;
                    hidden += 1;
                }
                self.create(body, (hidden, 0), &link)
            }
        }
    }

    /// Our threads for `tag`, oldest first (thread ids grow with time).
    fn ours(&self, tag: &str) -> Result<Vec<Ours>, PublishError> {
        let author = match &self.author {
            Some(id) => id.clone(),
            None => self.whoami()?,
        };
        let action = format!("list the threads of {}", self.name);
        let first = self.path("/threads");
        // Azure DevOps answers with every thread at once; should a server page the list, it
        // names the next page in `x-ms-continuationtoken`.
        let next = |reply: &Reply, first: &str| {
            reply
                .next_header
                .as_deref()
                .map(|token| format!("{first}&continuationToken={}", percent(token.trim())))
        };
        let mut ours = Vec::new();
        let name = self.name.clone();
        self.http
            .pages(&first, &action, (&name, 0), next, |reply| {
                let page: Threads = parse(reply, &action)?;
                ours.extend(
                    page.value
                        .into_iter()
                        .filter_map(|t| first_comment_if_ours(t, tag, &author)),
                );
                Ok(())
            })?;
        ours.sort_by_key(|t| t.thread);
        Ok(ours)
    }

    fn whoami(&self) -> Result<String, PublishError> {
        let action = "find out whose token this is";
        let path = self.http.path("/_apis/connectionData");
        let reply = self.http.send(&Request::get(path, action))?;
        let data: ConnectionData = parse(&reply, action)?;
        let id = data.authenticated_user.id;
        if check_identity(&id).is_err() {
            return Err(PublishError::Api {
                host: HOST,
                action: action.to_string(),
                status: reply.status,
                message: "the answer names no authenticated identity".to_string(),
            });
        }
        Ok(id)
    }

    fn create(
        &self,
        body: &str,
        (hidden, deleted): (usize, usize),
        link: &dyn Fn(u64) -> String,
    ) -> Result<Posted, PublishError> {
        let action = format!("start a thread on {}", self.name);
        let json = json!({
            "comments": [{ "parentCommentId": 0, "content": body, "commentType": TEXT }],
            "status": ACTIVE,
        });
        let req = Request {
            method: Method::Post,
            path: self.path("/threads"),
            json: Some(&json),
            action: &action,
            // A second POST after a timeout could be a duplicate thread.
            idempotent: false,
        };
        let reply = self.http.send(&req)?;
        let thread: Thread = parse(&reply, &action)?;
        Ok(Posted::Created {
            url: link(thread.id),
            hidden,
            deleted,
        })
    }

    fn update(
        &self,
        ours: &Ours,
        body: &str,
        link: &dyn Fn(u64) -> String,
    ) -> Result<Posted, PublishError> {
        let action = format!(
            "update comment {} of thread {} on {}",
            ours.comment, ours.thread, self.name
        );
        let json = json!({ "content": body });
        let req = Request {
            method: Method::Patch,
            path: self.path(&format!(
                "/threads/{}/comments/{}",
                ours.thread, ours.comment
            )),
            json: Some(&json),
            action: &action,
            idempotent: true,
        };
        self.http.send(&req)?;
        Ok(Posted::Updated {
            url: link(ours.thread),
        })
    }

    fn close(&self, thread: u64) -> Result<(), PublishError> {
        let action = format!("close thread {thread} on {}", self.name);
        let json = json!({ "status": CLOSED });
        let req = Request {
            method: Method::Patch,
            path: self.path(&format!("/threads/{thread}")),
            json: Some(&json),
            action: &action,
            idempotent: true,
        };
        self.http.send(&req).map(|_| ())
    }
}

/// The thread's first comment when it is ours for `tag`: a text comment, not deleted, by
/// `author`, starting with our marker.
fn first_comment_if_ours(thread: Thread, tag: &str, author: &str) -> Option<Ours> {
    if thread.is_deleted {
        return None;
    }
    let closed = matches!(&thread.status, Value::String(s) if s == "closed")
        || thread.status.as_u64() == Some(CLOSED);
    let first = thread.comments.into_iter().min_by_key(|c| c.id)?;
    let text = match &first.comment_type {
        Value::Null => true,
        Value::String(s) => s == "text",
        other => other.as_u64() == Some(TEXT),
    };
    let by_author = first
        .author
        .as_ref()
        .is_some_and(|a| a.id.eq_ignore_ascii_case(author));
    let content = first.content?;
    (text && !first.is_deleted && by_author && is_ours(&content, tag)).then_some(Ours {
        thread: thread.id,
        comment: first.id,
        content,
        closed,
    })
}

/// The answer as `T`. Azure DevOps answers a credential it does not accept with 203 and a
/// sign-in page rather than 401: that is a refused token too.
fn parse<T: for<'de> Deserialize<'de>>(reply: &Reply, action: &str) -> Result<T, PublishError> {
    if reply.status == 203 {
        return Err(PublishError::Unauthorized {
            host: HOST,
            action: action.to_string(),
            message: "Azure DevOps answered with a sign-in page (HTTP 203)".to_string(),
        });
    }
    reply.json(HOST, action)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities_are_guids() {
        assert!(check_identity("8c8c7d32-6b1b-47f4-b2e9-30b477b5ab3d").is_ok());
        assert!(check_identity("8C8C7D32-6B1B-47F4-B2E9-30B477B5AB3D").is_ok());
        for bad in [
            "",
            "build-service",
            "8c8c7d326b1b47f4b2e930b477b5ab3d",
            "8c8c7d32-6b1b-47f4-b2e9-30b477b5ab3g",
            "8c8c7d32-6b1b-47f4-b2e9-30b477b5ab3d-",
        ] {
            assert!(check_identity(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn names_become_one_path_segment() {
        assert_eq!(
            segment("Cost Project", "project").unwrap(),
            "Cost%20Project"
        );
        assert_eq!(
            segment("ml-infra.v2_x~", "repository").unwrap(),
            "ml-infra.v2_x~"
        );
        assert_eq!(segment("a/b?c#d", "project").unwrap(), "a%2Fb%3Fc%23d");
        assert_eq!(segment("café", "project").unwrap(), "caf%C3%A9");
        for bad in ["", " ", ".", "..", "a\nb"] {
            assert!(segment(bad, "project").is_err(), "{bad:?}");
        }
    }

    #[test]
    fn base64_as_in_rfc_4648() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded, "{plain:?}");
        }
    }
}
