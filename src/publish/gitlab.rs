//! The comment as a GitLab merge request note (REST API v4, gitlab.com or self-managed):
//! `GET/POST /projects/:id/merge_requests/:iid/notes`, `PUT/DELETE …/notes/:note_id`.
//!
//! Our notes are those whose first line is our marker for the tag, that are not system
//! notes, and that our account wrote: with a personal, project or group access token
//! (`PRIVATE-TOKEN`) GitLab says whose it is (`GET /user`); a CI job token (`JOB-TOKEN`) may
//! not ask, so the account must be named (`--comment-author`). The marker alone is never
//! enough: anyone can write it. GitLab cannot hide a note, so `hide-and-new` is refused.

use serde::Deserialize;
use serde_json::json;

use super::common::{check_token, marked_body, Request};
use super::http::{on_own_thread, Http, Reply, Root};
use super::marker::is_ours;
use super::{Behavior, Host, Options, Posted, PublishError};

const HOST: Host = Host::GitLab;

/// Notes asked for per page, GitLab's maximum.
const PER_PAGE: usize = 100;

/// The merge request to comment on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitLabTarget {
    /// The REST API root, `https://gitlab.com/api/v4` or `https://HOST/api/v4` (GitLab CI
    /// gives it as `CI_API_V4_URL`).
    pub api_url: String,
    /// The project's numeric id (`CI_PROJECT_ID`) or its path, `group/sub/project`.
    pub project: String,
    /// The merge request's IID, its number within the project (`CI_MERGE_REQUEST_IID`).
    pub merge_request: u64,
}

/// How the token is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GitLabToken {
    /// A personal, project or group access token: the `PRIVATE-TOKEN` header.
    Private,
    /// The CI job token (`CI_JOB_TOKEN`): the `JOB-TOKEN` header.
    Job,
}

#[derive(Debug, Deserialize)]
struct Note {
    id: u64,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    system: bool,
    #[serde(default)]
    created_at: String,
    #[serde(default)]
    author: Option<User>,
}

#[derive(Debug, Deserialize)]
struct User {
    id: u64,
    #[serde(default)]
    username: String,
}

#[derive(Debug, Deserialize)]
struct MergeRequest {
    web_url: String,
}

/// Whose notes are ours.
enum Author {
    Id(u64),
    Username(String),
}

impl Author {
    fn wrote(&self, user: &User) -> bool {
        match self {
            Author::Id(id) => user.id == *id,
            Author::Username(name) => user.username.eq_ignore_ascii_case(name),
        }
    }
}

/// Checks a `--comment-author` GitLab username.
pub fn check_username(name: &str) -> Result<(), PublishError> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
    let reason = if name.is_empty() {
        "it is empty".to_string()
    } else if let Some(bad) = name.chars().find(|c| !allowed(*c)) {
        format!("it contains {bad:?}")
    } else if name.len() > 255 {
        "it is longer than 255 characters".to_string()
    } else {
        return Ok(());
    };
    Err(PublishError::InvalidAuthor {
        host: HOST,
        login: name.to_string(),
        reason,
    })
}

/// The project as one path segment: an id as it is, a path with `/` written `%2F`.
fn project_segment(project: &str) -> Result<String, PublishError> {
    let invalid = |reason: String| PublishError::InvalidTarget { host: HOST, reason };
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
    let parts: Vec<&str> = project.split('/').collect();
    let bad_part = |p: &&str| p.is_empty() || *p == "." || *p == ".." || !p.chars().all(allowed);
    if parts.iter().any(bad_part) {
        return Err(invalid(format!(
            "the project {project:?} is neither a numeric id nor a path like group/project"
        )));
    }
    Ok(parts.join("%2F"))
}

/// Posts `body` on the merge request as the note tagged `tag`, as `options` say.
///
/// The note is the marker line, a line break, then `body`. Blocking; it runs on a thread
/// of its own, so it may be called from anywhere, an async runtime included. Input is
/// checked before any request. Errors never contain the token. Past
/// `options.limits.deadline` it stops with [`PublishError::Deadline`].
pub fn post_gitlab_note(
    target: &GitLabTarget,
    token: &str,
    kind: GitLabToken,
    tag: &str,
    body: &str,
    options: &Options,
) -> Result<Posted, PublishError> {
    let full = marked_body(tag, body, HOST)?;
    if let Some(author) = &options.author {
        check_username(author)?;
    }
    if options.behavior == Behavior::HideAndNew {
        return Err(PublishError::Unsupported {
            host: HOST,
            what: "GitLab cannot hide a merge request note (hide-and-new)".to_string(),
            advice: "use --behavior update, new or delete-and-new".to_string(),
        });
    }
    let root = Root::parse(&target.api_url, HOST)?;
    let project = project_segment(&target.project)?;
    if target.merge_request == 0 {
        return Err(PublishError::InvalidTarget {
            host: HOST,
            reason: "the merge request IID is 0; IIDs start at 1".to_string(),
        });
    }
    let token = check_token(token, HOST)?;
    let author = match (&options.author, kind) {
        (Some(name), _) => Some(Author::Username(name.clone())),
        (None, GitLabToken::Private) => None,
        (None, GitLabToken::Job) => {
            return Err(PublishError::Unsupported {
                host: HOST,
                what: "with the CI job token GitLab does not say whose token it is, so our \
                       earlier notes cannot be told from anyone else's"
                    .to_string(),
                advice: "name the account that posts with --comment-author USERNAME, or use \
                         a project access token in GITLAB_TOKEN"
                    .to_string(),
            })
        }
    };
    let header = match kind {
        GitLabToken::Private => "PRIVATE-TOKEN",
        GitLabToken::Job => "JOB-TOKEN",
    };
    on_own_thread(HOST, "note", || {
        let http = Http::new(
            HOST,
            root,
            (header, token.to_string()),
            token,
            Some("x-next-page"),
            &options.retry,
            &options.limits,
        )?;
        let mr = MergeRequestNotes {
            http: &http,
            project,
            target,
            author,
        };
        mr.publish(tag, &full, options.behavior)
    })
}

struct MergeRequestNotes<'a> {
    http: &'a Http,
    project: String,
    target: &'a GitLabTarget,
    author: Option<Author>,
}

impl MergeRequestNotes<'_> {
    fn name(&self) -> String {
        format!("{}!{}", self.target.project, self.target.merge_request)
    }

    fn mr_path(&self, rest: &str) -> String {
        self.http.path(&format!(
            "/projects/{}/merge_requests/{}{rest}",
            self.project, self.target.merge_request
        ))
    }

    fn publish(&self, tag: &str, body: &str, behavior: Behavior) -> Result<Posted, PublishError> {
        // The merge request's page, for the note's link; a wrong project or IID stops here,
        // before anything is written.
        let action = format!("read merge request {}", self.name());
        let reply = self.http.send(&Request::get(self.mr_path(""), &action))?;
        let web_url = parse::<MergeRequest>(&reply, &action)?.web_url;
        let link = |id: u64| format!("{web_url}#note_{id}");
        match behavior {
            Behavior::New | Behavior::HideAndNew => self.create(body, 0, &link),
            Behavior::Update => {
                let ours = self.ours(tag)?;
                match ours.last() {
                    Some(newest) if newest.body.as_deref() == Some(body) => Ok(Posted::Unchanged {
                        url: link(newest.id),
                    }),
                    Some(newest) => self.update(newest.id, body, &link),
                    None => self.create(body, 0, &link),
                }
            }
            Behavior::DeleteAndNew => {
                let mut deleted = 0;
                for note in self.ours(tag)? {
                    let action = format!("delete note {} on {}", note.id, self.name());
                    let path = self.mr_path(&format!("/notes/{}", note.id));
                    if self.http.delete(path, &action)? {
                        deleted += 1;
                    }
                }
                self.create(body, deleted, &link)
            }
        }
    }

    /// Our notes for `tag`, oldest first: by creation time, then id.
    fn ours(&self, tag: &str) -> Result<Vec<Note>, PublishError> {
        let asked;
        let author = match &self.author {
            Some(author) => author,
            None => {
                asked = self.whoami()?;
                &asked
            }
        };
        let action = format!("list the notes of {}", self.name());
        let first = self.mr_path(&format!(
            "/notes?sort=asc&order_by=created_at&per_page={PER_PAGE}"
        ));
        let mut ours = Vec::new();
        // The Link header where GitLab gives one, else its page number header.
        let next = |reply: &Reply, first: &str| {
            reply.next_link.clone().or_else(|| {
                reply
                    .next_header
                    .as_deref()
                    .and_then(|n| n.trim().parse::<u64>().ok())
                    .map(|n| format!("{first}&page={n}"))
            })
        };
        self.http
            .pages(&first, &action, (&self.name(), PER_PAGE), next, |reply| {
                let page: Vec<Note> = parse(reply, &action)?;
                ours.extend(page.into_iter().filter(|n| {
                    !n.system
                        && n.body.as_deref().is_some_and(|b| is_ours(b, tag))
                        && n.author.as_ref().is_some_and(|u| author.wrote(u))
                }));
                Ok(())
            })?;
        // GitLab writes times as `2026-01-02T09:00:00.000Z`: text order is time order.
        ours.sort_by(|a, b| (&a.created_at, a.id).cmp(&(&b.created_at, b.id)));
        Ok(ours)
    }

    fn whoami(&self) -> Result<Author, PublishError> {
        let action = "find out whose token this is";
        let reply = self
            .http
            .send(&Request::get(self.http.path("/user"), action))?;
        Ok(Author::Id(parse::<User>(&reply, action)?.id))
    }

    fn create(
        &self,
        body: &str,
        deleted: usize,
        link: &dyn Fn(u64) -> String,
    ) -> Result<Posted, PublishError> {
        let action = format!("add a note to {}", self.name());
        let json = json!({ "body": body });
        let id = self.http.create(self.mr_path("/notes"), &json, &action)?;
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
        let action = format!("update note {id} on {}", self.name());
        let json = json!({ "body": body });
        self.http
            .replace(self.mr_path(&format!("/notes/{id}")), &json, &action)?;
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
    fn projects_become_one_path_segment() {
        assert_eq!(project_segment("42").unwrap(), "42");
        assert_eq!(
            project_segment("group/sub/app.v2").unwrap(),
            "group%2Fsub%2Fapp.v2"
        );
        for bad in ["", "a//b", "../x", "a/b?c", "a b"] {
            assert!(
                matches!(
                    project_segment(bad),
                    Err(PublishError::InvalidTarget { .. })
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn usernames_are_checked() {
        assert!(check_username("project_42_bot_1a2b").is_ok());
        assert!(check_username("al.ice-x").is_ok());
        for bad in ["", "al ice", "a/b", "ålice"] {
            assert!(check_username(bad).is_err(), "{bad:?}");
        }
    }
}
