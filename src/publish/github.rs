//! The four ways to post the comment on a GitHub pull request: update ours in place, always
//! add a new one, delete ours and add one, or hide ours (minimize as outdated) and add one.
//!
//! Our comments are found by listing every comment of the pull request (all pages, up to a
//! bound) and keeping those the token's own account wrote whose first line is our marker
//! for the tag: anyone can write the marker, so it alone would let a participant have their
//! comment (or anyone's they quote it in) edited or deleted by us.

mod client;
mod identity;
mod reviews;

use std::collections::BTreeSet;

use serde::Deserialize;
use serde_json::{json, Value};

pub(crate) use client::{ApiUrl, Client};
use client::{Method, Reply, Request};
pub(crate) use identity::check_login;
use identity::{Author, User};
pub(crate) use reviews::{approvals_input, check_team};

use super::marker::is_ours;
use super::{Behavior, GitHubTarget, Host, Posted, PublishError};

/// Comments (reviews, team members) asked for per page, GitHub's maximum.
const PER_PAGE: usize = 100;

const HIDDEN: &str =
    "query($ids: [ID!]!) { nodes(ids: $ids) { ... on IssueComment { id isMinimized } } }";

const MINIMIZE: &str = "mutation($id: ID!) { minimizeComment(input: {subjectId: $id, classifier: OUTDATED}) { minimizedComment { isMinimized } } }";

/// An issue comment as the REST API gives it; only what we use.
#[derive(Debug, Deserialize)]
struct Comment {
    id: u64,
    #[serde(default)]
    node_id: String,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    created_at: String,
    #[serde(default)]
    html_url: String,
    #[serde(default)]
    user: Option<User>,
}

/// Checks the owner and repository can be path segments and the number is a real one.
pub(crate) fn check_target(target: &GitHubTarget) -> Result<(), PublishError> {
    for (what, name) in [("owner", &target.owner), ("repository", &target.repo)] {
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
        if name.is_empty() || name == "." || name == ".." || !name.chars().all(allowed) {
            return Err(PublishError::InvalidTarget {
                host: Host::GitHub,
                reason: format!(
                    "the {what} {name:?} is not a GitHub name (letters, digits, `.`, `_`, `-`)"
                ),
            });
        }
    }
    if target.pull_request == 0 {
        return Err(PublishError::InvalidTarget {
            host: Host::GitHub,
            reason: "the pull request number is 0; numbers start at 1".to_string(),
        });
    }
    Ok(())
}

/// Posts `body` (marker included) as `behavior` says. Comments are ours when `author`
/// wrote them (`None`: the token's own account, asked of GitHub).
pub(crate) async fn publish(
    client: &Client,
    target: &GitHubTarget,
    tag: &str,
    body: &str,
    behavior: Behavior,
    author: Option<&str>,
) -> Result<Posted, PublishError> {
    let pr = PullRequest {
        client,
        target,
        author,
    };
    match behavior {
        Behavior::New => pr.create(body, 0, 0).await,
        Behavior::Update => {
            let ours = pr.ours(tag).await?;
            match ours.last() {
                Some(newest) if newest.body.as_deref() == Some(body) => Ok(Posted::Unchanged {
                    url: newest.html_url.clone(),
                }),
                Some(newest) => pr.update(newest.id, body).await,
                None => pr.create(body, 0, 0).await,
            }
        }
        Behavior::DeleteAndNew => {
            let mut deleted = 0;
            for comment in pr.ours(tag).await? {
                if pr.delete(comment.id).await? {
                    deleted += 1;
                }
            }
            pr.create(body, 0, deleted).await
        }
        Behavior::HideAndNew => {
            let ours = pr.ours(tag).await?;
            // Hiding again what an earlier run hid would cost a mutation per old comment on
            // every run, and mutations are what GitHub's secondary rate limit counts.
            let shown = pr.not_hidden(ours).await?;
            for comment in &shown {
                pr.hide(comment).await?;
            }
            pr.create(body, shown.len(), 0).await
        }
    }
}

struct PullRequest<'a> {
    client: &'a Client,
    target: &'a GitHubTarget,
    author: Option<&'a str>,
}

impl PullRequest<'_> {
    fn name(&self) -> String {
        let t = self.target;
        format!("{}/{}#{}", t.owner, t.repo, t.pull_request)
    }

    fn repo_path(&self, rest: &str) -> String {
        let t = self.target;
        self.client
            .rest(&format!("/repos/{}/{}{rest}", t.owner, t.repo))
    }

    /// Our comments for `tag`, oldest first: by creation time, then id.
    async fn ours(&self, tag: &str) -> Result<Vec<Comment>, PublishError> {
        let author = match self.author {
            Some(login) => Author::new(login),
            None => identity::whoami(self.client).await?,
        };
        let action = format!("list the comments of {}", self.name());
        let mut path = self.repo_path(&format!(
            "/issues/{}/comments?per_page={PER_PAGE}",
            self.target.pull_request
        ));
        let max_pages = self.client.limits().max_pages;
        let mut seen = BTreeSet::new();
        let mut ours = Vec::new();
        loop {
            if seen.len() >= max_pages || !seen.insert(path.clone()) {
                return Err(PublishError::TooManyPages {
                    host: Host::GitHub,
                    name: self.name(),
                    pages: seen.len(),
                    per_page: PER_PAGE,
                });
            }
            let reply = self.client.send(&get(path, &action)).await?;
            let page: Vec<Comment> = parse(&reply, &action)?;
            ours.extend(page.into_iter().filter(|c| {
                c.body.as_deref().is_some_and(|b| is_ours(b, tag))
                    && c.user.as_ref().is_some_and(|u| author.wrote(u))
            }));
            match reply.next {
                Some(next) => path = next,
                None => break,
            }
        }
        // GitHub writes times as `2026-01-02T09:00:00Z`: text order is time order.
        ours.sort_by(|a, b| (&a.created_at, a.id).cmp(&(&b.created_at, b.id)));
        Ok(ours)
    }

    async fn create(
        &self,
        body: &str,
        hidden: usize,
        deleted: usize,
    ) -> Result<Posted, PublishError> {
        let action = format!("comment on {}", self.name());
        let path = self.repo_path(&format!("/issues/{}/comments", self.target.pull_request));
        let json = json!({ "body": body });
        let mut req = with_body(Method::Post, path, &json, &action);
        req.idempotent = false;
        let reply = self.client.send(&req).await?;
        Ok(Posted::Created {
            url: html_url(&reply, &action)?,
            hidden,
            deleted,
        })
    }

    async fn update(&self, id: u64, body: &str) -> Result<Posted, PublishError> {
        let action = format!("update comment {id} on {}", self.name());
        let path = self.repo_path(&format!("/issues/comments/{id}"));
        let json = json!({ "body": body });
        let reply = self
            .client
            .send(&with_body(Method::Patch, path, &json, &action))
            .await?;
        Ok(Posted::Updated {
            url: html_url(&reply, &action)?,
        })
    }

    /// Deletes a comment; `false` when it was already gone (another run deleted it first).
    async fn delete(&self, id: u64) -> Result<bool, PublishError> {
        let action = format!("delete comment {id} on {}", self.name());
        let path = self.repo_path(&format!("/issues/comments/{id}"));
        let req = Request {
            method: Method::Delete,
            path,
            json: None,
            action: &action,
            idempotent: true,
        };
        match self.client.send(&req).await {
            Ok(_) => Ok(true),
            Err(PublishError::NotFound { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// The comments not hidden yet. The REST API does not say; GraphQL does, 100 at a time.
    /// A comment GraphQL does not answer for is kept, to be hidden.
    async fn not_hidden(&self, comments: Vec<Comment>) -> Result<Vec<Comment>, PublishError> {
        let action = format!("read which comments on {} are hidden", self.name());
        let mut hidden = BTreeSet::new();
        for chunk in comments.chunks(100) {
            let ids: Vec<&str> = chunk
                .iter()
                .map(|c| c.node_id.as_str())
                .filter(|id| !id.is_empty())
                .collect();
            if ids.is_empty() {
                continue;
            }
            let data = self
                .client
                .graphql(HIDDEN, json!({ "ids": ids }), &action)
                .await?;
            for node in data
                .get("nodes")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if node.get("isMinimized").and_then(Value::as_bool) == Some(true) {
                    if let Some(id) = node.get("id").and_then(Value::as_str) {
                        hidden.insert(id.to_string());
                    }
                }
            }
        }
        Ok(comments
            .into_iter()
            .filter(|c| !hidden.contains(&c.node_id))
            .collect())
    }

    async fn hide(&self, comment: &Comment) -> Result<(), PublishError> {
        let action = format!("hide comment {} on {}", comment.id, self.name());
        if comment.node_id.is_empty() {
            return Err(PublishError::Api {
                host: Host::GitHub,
                action,
                status: 200,
                message: "the REST answer gave the comment no node_id".to_string(),
            });
        }
        let data = self
            .client
            .graphql(MINIMIZE, json!({ "id": comment.node_id }), &action)
            .await?;
        let minimized = data
            .pointer("/minimizeComment/minimizedComment/isMinimized")
            .and_then(Value::as_bool);
        if minimized == Some(true) {
            Ok(())
        } else {
            Err(PublishError::Api {
                host: Host::GitHub,
                action,
                status: 200,
                message: format!("GitHub did not confirm the comment is hidden: {data}"),
            })
        }
    }
}

fn get<'a>(path: String, action: &'a str) -> Request<'a> {
    Request {
        method: Method::Get,
        path,
        json: None,
        action,
        idempotent: true,
    }
}

fn with_body<'a>(method: Method, path: String, json: &'a Value, action: &'a str) -> Request<'a> {
    Request {
        method,
        path,
        json: Some(json),
        action,
        idempotent: true,
    }
}

fn parse<T: for<'de> Deserialize<'de>>(reply: &Reply, action: &str) -> Result<T, PublishError> {
    serde_json::from_str(&reply.body).map_err(|e| PublishError::Api {
        host: Host::GitHub,
        action: action.to_string(),
        status: reply.status,
        message: format!("unexpected answer ({e})"),
    })
}

fn html_url(reply: &Reply, action: &str) -> Result<String, PublishError> {
    #[derive(Deserialize)]
    struct Written {
        html_url: String,
    }
    parse::<Written>(reply, action).map(|w| w.html_url)
}
