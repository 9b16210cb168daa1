//! The comment as a Bitbucket Cloud pull request comment (REST API 2.0):
//! `GET/POST /2.0/repositories/:workspace/:repo_slug/pullrequests/:id/comments`,
//! `PUT/DELETE …/comments/:comment_id`.
//!
//! Our comments are general (not inline), not deleted, start with our marker for the tag,
//! and were written by the account named with `--comment-author` (its UUID). Bitbucket's
//! repository, project and workspace access tokens may not ask whose they are (`GET
//! /2.0/user` answers "Token is invalid or not supported for this endpoint"), so the account
//! must be named for every behaviour that touches earlier comments. The marker alone is
//! never enough: anyone can write it. Bitbucket cannot hide a comment, so `hide-and-new` is
//! refused.

use std::cell::RefCell;

use serde::Deserialize;
use serde_json::json;

use super::common::{check_token, is_guid, marked_body, Request};
use super::http::{on_own_thread, Http, Reply, Root};
use super::marker::is_ours;
use super::{Behavior, Host, Options, Posted, PublishError};

const HOST: Host = Host::Bitbucket;

/// Comments asked for per page, Bitbucket's maximum.
const PAGE_LEN: usize = 100;

/// The pull request to comment on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BitbucketTarget {
    /// The REST API origin, `https://api.bitbucket.org`; the `/2.0/…` paths go after it.
    pub api_url: String,
    /// The workspace's slug (`BITBUCKET_WORKSPACE`).
    pub workspace: String,
    /// The repository's slug (`BITBUCKET_REPO_SLUG`).
    pub repo_slug: String,
    /// The pull request's id (`BITBUCKET_PR_ID`).
    pub pull_request: u64,
}

#[derive(Debug, Deserialize)]
struct Page {
    #[serde(default)]
    values: Vec<Comment>,
    #[serde(default)]
    next: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Comment {
    id: u64,
    #[serde(default)]
    content: Option<Content>,
    #[serde(default)]
    user: Option<User>,
    #[serde(default)]
    deleted: bool,
    #[serde(default)]
    inline: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
struct Content {
    #[serde(default)]
    raw: Option<String>,
}

#[derive(Debug, Deserialize)]
struct User {
    #[serde(default)]
    uuid: Option<String>,
}

#[derive(Debug, Deserialize)]
struct PullRequest {
    links: Links,
}

#[derive(Debug, Deserialize)]
struct Links {
    html: Href,
}

#[derive(Debug, Deserialize)]
struct Href {
    href: String,
}

/// One of our comments: its id and text.
struct Ours {
    id: u64,
    raw: String,
}

/// A UUID as Bitbucket writes it, `{…}`, or bare; lower case without braces when it is one.
fn normalized_uuid(uuid: &str) -> Option<String> {
    let trimmed = uuid.trim();
    let bare = trimmed
        .strip_prefix('{')
        .and_then(|u| u.strip_suffix('}'))
        .unwrap_or(trimmed);
    is_guid(bare).then(|| bare.to_ascii_lowercase())
}

/// Checks a `--comment-author` Bitbucket account UUID: `{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}`,
/// braces optional.
pub fn check_account_uuid(uuid: &str) -> Result<(), PublishError> {
    match normalized_uuid(uuid) {
        Some(_) => Ok(()),
        None => Err(PublishError::InvalidAuthor {
            host: HOST,
            login: uuid.to_string(),
            reason: "it is not an account UUID ({8-4-4-4-12 hexadecimal digits}, braces \
                     optional)"
                .to_string(),
        }),
    }
}

/// Checks a workspace or repository slug: letters, digits, `.`, `_`, `-`.
fn check_slug(slug: &str, what: &str) -> Result<(), PublishError> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
    if slug.is_empty() || slug == "." || slug == ".." || !slug.chars().all(allowed) {
        return Err(PublishError::InvalidTarget {
            host: HOST,
            reason: format!("the {what} {slug:?} is not a slug (letters, digits, `.`, `_`, `-`)"),
        });
    }
    Ok(())
}

/// Posts `body` on the pull request as the comment tagged `tag`, as `options` say.
///
/// The comment is the marker line, a line break, then `body`. Blocking; it runs on a thread
/// of its own, so it may be called from anywhere, an async runtime included. Input is
/// checked before any request. Errors never contain the token. Past
/// `options.limits.deadline` it stops with [`PublishError::Deadline`].
pub fn post_bitbucket_comment(
    target: &BitbucketTarget,
    token: &str,
    tag: &str,
    body: &str,
    options: &Options,
) -> Result<Posted, PublishError> {
    let full = marked_body(tag, body, HOST)?;
    let author = match &options.author {
        Some(uuid) => {
            check_account_uuid(uuid)?;
            normalized_uuid(uuid)
        }
        None => None,
    };
    match options.behavior {
        Behavior::HideAndNew => {
            return Err(PublishError::Unsupported {
                host: HOST,
                what: "Bitbucket cannot hide a pull request comment (hide-and-new)".to_string(),
                advice: "use --behavior update, new or delete-and-new".to_string(),
            })
        }
        Behavior::Update | Behavior::DeleteAndNew if author.is_none() => {
            return Err(PublishError::Unsupported {
                host: HOST,
                what: "Bitbucket access tokens may not ask whose they are, so our earlier \
                       comments cannot be told from anyone else's"
                    .to_string(),
                advice: "name the account that posts with --comment-author UUID (the token's \
                         bot user), or use --behavior new"
                    .to_string(),
            })
        }
        _ => {}
    }
    let root = Root::parse(&target.api_url, HOST)?;
    check_slug(&target.workspace, "workspace")?;
    check_slug(&target.repo_slug, "repository slug")?;
    if target.pull_request == 0 {
        return Err(PublishError::InvalidTarget {
            host: HOST,
            reason: "the pull request id is 0; ids start at 1".to_string(),
        });
    }
    let token = check_token(token, HOST)?;
    let origin = root.origin.clone();
    on_own_thread(HOST, "comment", || {
        let http = Http::new(
            HOST,
            root,
            ("authorization", format!("Bearer {token}")),
            token,
            // Bitbucket names the next page in the answer's body, not in a header.
            None,
            &options.retry,
            &options.limits,
        )?;
        let pr = PullRequestComments {
            http: &http,
            origin,
            target,
            author: author.unwrap_or_default(),
        };
        pr.publish(tag, &full, options.behavior)
    })
}

struct PullRequestComments<'a> {
    http: &'a Http,
    /// The API's scheme and authority: a `next` link must stay on it.
    origin: String,
    target: &'a BitbucketTarget,
    /// Whose comments are ours: a UUID, lower case, no braces.
    author: String,
}

impl PullRequestComments<'_> {
    fn name(&self) -> String {
        format!(
            "{}/{}#{}",
            self.target.workspace, self.target.repo_slug, self.target.pull_request
        )
    }

    fn pr_path(&self, rest: &str) -> String {
        self.http.path(&format!(
            "/2.0/repositories/{}/{}/pullrequests/{}{rest}",
            self.target.workspace, self.target.repo_slug, self.target.pull_request
        ))
    }

    fn publish(&self, tag: &str, body: &str, behavior: Behavior) -> Result<Posted, PublishError> {
        // The pull request's page, for the comment's link; a wrong workspace, slug or id
        // stops here, before anything is written.
        let action = format!("read pull request {}", self.name());
        let reply = self.http.send(&Request::get(self.pr_path(""), &action))?;
        let page = parse::<PullRequest>(&reply, &action)?.links.html.href;
        let link = |id: u64| format!("{page}#comment-{id}");
        match behavior {
            Behavior::New | Behavior::HideAndNew => self.create(body, 0, &link),
            Behavior::Update => match self.ours(tag)?.last() {
                Some(newest) if newest.raw == body => Ok(Posted::Unchanged {
                    url: link(newest.id),
                }),
                Some(newest) => self.update(newest.id, body, &link),
                None => self.create(body, 0, &link),
            },
            Behavior::DeleteAndNew => {
                let mut deleted = 0;
                for comment in self.ours(tag)? {
                    let action = format!("delete comment {} on {}", comment.id, self.name());
                    let path = self.pr_path(&format!("/comments/{}", comment.id));
                    if self.http.delete(path, &action)? {
                        deleted += 1;
                    }
                }
                self.create(body, deleted, &link)
            }
        }
    }

    /// The path and query of a `next` link, when it is on the API's origin.
    fn same_origin(&self, next: &str) -> Option<String> {
        let url = reqwest::Url::parse(next).ok()?;
        let origin = Root::parse(url.origin().ascii_serialization().as_str(), HOST).ok()?;
        let expected = Root::parse(&self.origin, HOST).ok()?;
        if origin.origin != expected.origin {
            return None;
        }
        let query = url.query().map(|q| format!("?{q}")).unwrap_or_default();
        Some(format!("{}{query}", url.path()))
    }

    /// Our comments for `tag`, oldest first (comment ids grow with time).
    fn ours(&self, tag: &str) -> Result<Vec<Ours>, PublishError> {
        let action = format!("list the comments of {}", self.name());
        let first = self.pr_path(&format!("/comments?pagelen={PAGE_LEN}"));
        let following: RefCell<Option<String>> = RefCell::new(None);
        let mut ours = Vec::new();
        self.http.pages(
            &first,
            &action,
            (&self.name(), PAGE_LEN),
            |_, _| following.borrow_mut().take(),
            |reply| {
                let page: Page = parse(reply, &action)?;
                if let Some(next) = page.next.as_deref() {
                    let Some(path) = self.same_origin(next) else {
                        return Err(PublishError::Api {
                            host: HOST,
                            action: action.clone(),
                            status: reply.status,
                            message: "the next page is on another host than the API; it was \
                                      not followed"
                                .to_string(),
                        });
                    };
                    *following.borrow_mut() = Some(path);
                }
                ours.extend(page.values.into_iter().filter_map(|c| self.if_ours(c, tag)));
                Ok(())
            },
        )?;
        ours.sort_by_key(|c| c.id);
        Ok(ours)
    }

    /// The comment when it is ours for `tag`: general, not deleted, by our account, marked.
    fn if_ours(&self, comment: Comment, tag: &str) -> Option<Ours> {
        let by_us = comment
            .user
            .as_ref()
            .and_then(|u| u.uuid.as_deref())
            .and_then(normalized_uuid)
            .is_some_and(|uuid| uuid == self.author);
        let raw = comment.content?.raw?;
        let general = comment.inline.as_ref().is_none_or(|i| i.is_null());
        (by_us && general && !comment.deleted && is_ours(&raw, tag)).then_some(Ours {
            id: comment.id,
            raw,
        })
    }

    fn create(
        &self,
        body: &str,
        deleted: usize,
        link: &dyn Fn(u64) -> String,
    ) -> Result<Posted, PublishError> {
        let action = format!("add a comment to {}", self.name());
        let json = json!({ "content": { "raw": body } });
        let id = self
            .http
            .create(self.pr_path("/comments"), &json, &action)?;
        Ok(Posted::Created {
            url: link(id),
            hidden: 0,
            deleted,
        })
    }

    fn update(
        &self,
        id: u64,
        body: &str,
        link: &dyn Fn(u64) -> String,
    ) -> Result<Posted, PublishError> {
        let action = format!("update comment {id} on {}", self.name());
        let json = json!({ "content": { "raw": body } });
        self.http
            .replace(self.pr_path(&format!("/comments/{id}")), &json, &action)?;
        Ok(Posted::Updated { url: link(id) })
    }
}

fn parse<T: for<'de> Deserialize<'de>>(reply: &Reply, action: &str) -> Result<T, PublishError> {
    reply.json(HOST, action)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_uuids_with_or_without_braces() {
        let uuid = "{8C8C7D32-6B1B-47F4-B2E9-30B477B5AB3D}";
        assert_eq!(
            normalized_uuid(uuid).as_deref(),
            Some("8c8c7d32-6b1b-47f4-b2e9-30b477b5ab3d")
        );
        assert_eq!(
            normalized_uuid("8c8c7d32-6b1b-47f4-b2e9-30b477b5ab3d"),
            normalized_uuid(uuid)
        );
        for bad in [
            "",
            "{}",
            "alice",
            "{8c8c7d32-6b1b-47f4-b2e9-30b477b5ab3d",
            "{{8c8c7d32-6b1b-47f4-b2e9-30b477b5ab3d}}",
        ] {
            assert!(check_account_uuid(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn slugs_are_checked() {
        assert!(check_slug("ml-infra.v2_x", "workspace").is_ok());
        for bad in ["", ".", "..", "a/b", "a b", "{ws}"] {
            assert!(check_slug(bad, "workspace").is_err(), "{bad:?}");
        }
    }
}
