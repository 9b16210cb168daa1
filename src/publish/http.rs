//! A blocking HTTP client for the hosts reached through `reqwest` (GitLab, Azure DevOps), with
//! the same retry policy, bounds and error words as the GitHub client: every try bounded by
//! the request timeout, the whole run by the deadline, every answer by the size cap, and the
//! token sent in the one header the host wants, never shown.
//!
//! Requests carry a path and query only; the origin is fixed when the client is made, so a
//! pagination link can never send the token to another host.

use std::io::Read;
use std::time::{Duration, Instant, SystemTime};

use super::common::{
    api_message, count_tries, error_chain, method_name, refusal, scrub, size_text, Method, Request,
};
use super::retry::{RateHeaders, RetryPolicy};
use super::{duration_text, Host, Limits, PublishError};

/// A successful (2xx) answer.
#[derive(Debug)]
pub(crate) struct Reply {
    pub status: u16,
    pub body: String,
    /// The `rel="next"` link (path and query), when the answer has a `Link` header.
    pub next_link: Option<String>,
    /// The headers `next` asks for, as text (GitLab's `x-next-page`, Azure DevOps'
    /// `x-ms-continuationtoken`).
    pub next_header: Option<String>,
}

impl Reply {
    /// The answer's JSON as `T`; anything else is an error saying what we were doing.
    pub(crate) fn json<T: serde::de::DeserializeOwned>(
        &self,
        host: Host,
        action: &str,
    ) -> Result<T, PublishError> {
        serde_json::from_str(&self.body).map_err(|e| PublishError::Api {
            host,
            action: action.to_string(),
            status: self.status,
            message: format!("unexpected answer ({e})"),
        })
    }
}

/// Runs `work` (blocking requests) on a thread of its own, so the caller may be anywhere,
/// an async runtime included. `what` names what may or may not have been posted should the
/// thread die.
pub(crate) fn on_own_thread<T: Send>(
    host: Host,
    what: &str,
    work: impl FnOnce() -> Result<T, PublishError> + Send,
) -> Result<T, PublishError> {
    std::thread::scope(|scope| {
        scope.spawn(work).join().unwrap_or_else(|_| {
            Err(PublishError::Network {
                host,
                message: format!(
                    "the HTTP client stopped unexpectedly; the {what} may or may not have been \
                     posted"
                ),
            })
        })
    })
}

/// An API root checked for use: scheme and authority, and the path before every request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Root {
    pub origin: String,
    pub prefix: String,
}

impl Root {
    /// `https://host[:port]/path`, without credentials, query or fragment.
    pub(crate) fn parse(url: &str, host: Host) -> Result<Root, PublishError> {
        let invalid = |reason: &str| PublishError::InvalidUrl {
            host,
            url: crate::redact::url(url),
            reason: reason.to_string(),
        };
        let trimmed = url.trim();
        if trimmed.contains(['?', '#']) {
            return Err(invalid("a query or fragment is not allowed"));
        }
        let parsed = reqwest::Url::parse(trimmed).map_err(|e| invalid(&e.to_string()))?;
        if !matches!(parsed.scheme(), "https" | "http") {
            return Err(invalid("the scheme must be https or http"));
        }
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(invalid(
                "credentials in the url are not allowed; pass the token on its own",
            ));
        }
        let Some(name) = parsed.host_str() else {
            return Err(invalid("it has no host"));
        };
        let origin = match parsed.port() {
            Some(port) => format!("{}://{name}:{port}", parsed.scheme()),
            None => format!("{}://{name}", parsed.scheme()),
        };
        Ok(Root {
            origin,
            prefix: parsed.path().trim_end_matches('/').to_string(),
        })
    }
}

/// An authenticated client for one host.
pub(crate) struct Http {
    client: reqwest::blocking::Client,
    host: Host,
    root: Root,
    /// The header the token goes in, and its value (`Bearer …` for Azure DevOps).
    auth: (&'static str, String),
    /// The token alone, to blank out of any message.
    token: String,
    /// The response header read as the next page's marker, for hosts that page by header
    /// (GitLab's `x-next-page`, Azure's `x-ms-continuationtoken`).
    next: Option<&'static str>,
    retry: RetryPolicy,
    limits: Limits,
    deadline: Instant,
}

impl Http {
    /// `auth` is the header name and its value; `token` the secret inside it.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        host: Host,
        root: Root,
        auth: (&'static str, String),
        token: &str,
        next: Option<&'static str>,
        retry: &RetryPolicy,
        limits: &Limits,
    ) -> Result<Http, PublishError> {
        // Ring is the only crypto provider compiled in; installing it twice is harmless.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::blocking::Client::builder()
            .user_agent(concat!("aicost-policy/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(limits.request_timeout.min(Duration::from_secs(15)))
            // A redirect would carry the token header to wherever it points.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| PublishError::Network {
                host,
                message: format!("cannot set up the HTTP client: {}", error_chain(&e)),
            })?;
        Ok(Http {
            client,
            host,
            root,
            auth,
            token: token.to_string(),
            next,
            retry: retry.clone(),
            limits: limits.clone(),
            deadline: Instant::now() + limits.deadline,
        })
    }

    /// Reads the pages of a list from `first`, handing each answer to `take`; `next` gives
    /// the following page's path and query from an answer and the first path. Stops with
    /// [`PublishError::TooManyPages`] past `max_pages` or when a page comes round again.
    /// `name` is the pull request's, `per_page` the page size asked for (0: the host's).
    pub(crate) fn pages(
        &self,
        first: &str,
        action: &str,
        (name, per_page): (&str, usize),
        next: impl Fn(&Reply, &str) -> Option<String>,
        mut take: impl FnMut(&Reply) -> Result<(), PublishError>,
    ) -> Result<(), PublishError> {
        let mut seen = std::collections::BTreeSet::new();
        let mut path = first.to_string();
        loop {
            if seen.len() >= self.limits.max_pages || !seen.insert(path.clone()) {
                return Err(PublishError::TooManyPages {
                    host: self.host,
                    name: name.to_string(),
                    pages: seen.len(),
                    per_page,
                });
            }
            let reply = self.send(&Request::get(path, action))?;
            take(&reply)?;
            match next(&reply, first) {
                Some(following) => path = following,
                None => return Ok(()),
            }
        }
    }

    /// Sends a DELETE; `false` when the thing was already gone (another run deleted it).
    pub(crate) fn delete(&self, path: String, action: &str) -> Result<bool, PublishError> {
        let req = Request {
            method: super::common::Method::Delete,
            path,
            json: None,
            action,
            idempotent: true,
        };
        match self.send(&req) {
            Ok(_) => Ok(true),
            Err(PublishError::NotFound { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// POSTs `json` and reads the `id` of what it made. Sent once: a second POST after a
    /// timeout could make a duplicate.
    pub(crate) fn create(
        &self,
        path: String,
        json: &serde_json::Value,
        action: &str,
    ) -> Result<u64, PublishError> {
        #[derive(serde::Deserialize)]
        struct Made {
            id: u64,
        }
        let req = Request {
            method: super::common::Method::Post,
            path,
            json: Some(json),
            action,
            idempotent: false,
        };
        let made: Made = self.send(&req)?.json(self.host, action)?;
        Ok(made.id)
    }

    /// PUTs `json` in place of what `path` holds.
    pub(crate) fn replace(
        &self,
        path: String,
        json: &serde_json::Value,
        action: &str,
    ) -> Result<(), PublishError> {
        let req = Request {
            method: super::common::Method::Put,
            path,
            json: Some(json),
            action,
            idempotent: true,
        };
        self.send(&req).map(|_| ())
    }

    /// A path with the API root's path in front.
    pub(crate) fn path(&self, rest: &str) -> String {
        format!("{}{rest}", self.root.prefix)
    }

    fn late(&self) -> PublishError {
        PublishError::Deadline {
            host: self.host,
            after: duration_text(self.limits.deadline),
        }
    }

    /// Sends `req`, retrying as the policy says, within the deadline; any non-2xx final
    /// answer is an error.
    pub(crate) fn send(&self, req: &Request<'_>) -> Result<Reply, PublishError> {
        let tries = self.retry.tries();
        let mut retry = 0u32;
        loop {
            let last = retry + 1 >= tries;
            let left = self.deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(self.late());
            }
            let timeout = self.limits.request_timeout.min(left);
            let wait = match self.attempt(req, timeout) {
                Ok(answer) if (200..300).contains(&answer.status) => return Ok(answer.reply),
                Ok(answer) => {
                    let wait = self.retry.wait(
                        retry,
                        answer.status,
                        &answer.rate,
                        &answer.reply.body,
                        SystemTime::now(),
                    );
                    match wait {
                        Some(wait) if !last => wait,
                        gave_up => {
                            let message = scrub(api_message(&answer.reply.body), &self.token);
                            let tried = gave_up.map(|_| tries);
                            return Err(refusal(
                                self.host,
                                req,
                                answer.status,
                                message,
                                tried,
                                false,
                            ));
                        }
                    }
                }
                Err(Failed::TooLarge { status }) => {
                    return Err(PublishError::Api {
                        host: self.host,
                        action: req.action.to_string(),
                        status,
                        message: format!(
                            "the answer is larger than {}; it was not read further",
                            size_text(self.limits.max_response_bytes)
                        ),
                    });
                }
                Err(Failed::TimedOut) if timeout < self.limits.request_timeout => {
                    return Err(self.late());
                }
                Err(Failed::TimedOut) if !req.idempotent => {
                    return Err(PublishError::Network {
                        host: self.host,
                        message: format!(
                            "could not {} ({} {}): no complete answer within {} \
                             (--request-timeout); it may have been done all the same, so it \
                             was not tried again",
                            req.action,
                            method_name(req.method),
                            self.shown(&req.path),
                            duration_text(self.limits.request_timeout)
                        ),
                    });
                }
                Err(_) if !last => self.retry.backoff(retry),
                Err(failed) => {
                    let message = match failed {
                        Failed::Network(message) => message,
                        _ => format!(
                            "no complete answer within {} (--request-timeout)",
                            duration_text(self.limits.request_timeout)
                        ),
                    };
                    return Err(PublishError::Network {
                        host: self.host,
                        message: scrub(
                            format!(
                                "could not {} ({} {}) after {}: {message}",
                                req.action,
                                method_name(req.method),
                                self.shown(&req.path),
                                count_tries(tries)
                            ),
                            &self.token,
                        ),
                    });
                }
            };
            if wait >= self.deadline.saturating_duration_since(Instant::now()) {
                return Err(self.late());
            }
            std::thread::sleep(wait);
            retry += 1;
        }
    }

    /// The request's URL as it may be shown: no query (it may name a page marker).
    fn shown(&self, path: &str) -> String {
        let path = path.split('?').next().unwrap_or_default();
        crate::report::escape::controls(&format!("{}{path}", self.root.origin)).into_owned()
    }

    /// One try, the answer read to its end but never past the size cap.
    fn attempt(&self, req: &Request<'_>, timeout: Duration) -> Result<Answer, Failed> {
        let url = format!("{}{}", self.root.origin, req.path);
        let method = match req.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Patch => reqwest::Method::PATCH,
            Method::Delete => reqwest::Method::DELETE,
        };
        let mut builder = self
            .client
            .request(method, &url)
            .timeout(timeout)
            .header(self.auth.0, &self.auth.1)
            .header("accept", "application/json");
        if let Some(json) = req.json {
            builder = builder
                .header("content-type", "application/json")
                .body(json.to_string());
        }
        let mut response = builder.send().map_err(|e| self.failed(e))?;
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let rate = RateHeaders {
            retry_after: header("retry-after"),
            remaining: header("ratelimit-remaining"),
            reset: header("ratelimit-reset"),
        };
        let next_link = header("link").as_deref().and_then(super::link::next_page);
        let next_header = self.next.and_then(header).filter(|v| !v.trim().is_empty());
        let cap = self.limits.max_response_bytes;
        let mut bytes = Vec::new();
        response
            .by_ref()
            .take(cap as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| {
                if is_timeout(&e) {
                    Failed::TimedOut
                } else {
                    Failed::Network(scrub(error_chain(&e), &self.token))
                }
            })?;
        if bytes.len() > cap {
            return Err(Failed::TooLarge { status });
        }
        Ok(Answer {
            status,
            rate,
            reply: Reply {
                status,
                body: String::from_utf8_lossy(&bytes).into_owned(),
                next_link,
                next_header,
            },
        })
    }

    fn failed(&self, e: reqwest::Error) -> Failed {
        if e.is_timeout() {
            Failed::TimedOut
        } else {
            Failed::Network(scrub(error_chain(&e.without_url()), &self.token))
        }
    }
}

/// Any answer, before it is judged.
struct Answer {
    status: u16,
    rate: RateHeaders,
    reply: Reply,
}

/// Why one try got no answer we can judge.
enum Failed {
    Network(String),
    TimedOut,
    TooLarge { status: u16 },
}

/// Whether a read failed on the request's timeout (reqwest wraps it in an io error).
fn is_timeout(e: &std::io::Error) -> bool {
    if e.kind() == std::io::ErrorKind::TimedOut {
        return true;
    }
    let mut source = std::error::Error::source(e);
    while let Some(inner) = source {
        if inner
            .downcast_ref::<reqwest::Error>()
            .is_some_and(reqwest::Error::is_timeout)
        {
            return true;
        }
        source = inner.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots() {
        let root = Root::parse("https://gitlab.example.com/api/v4/", Host::GitLab).unwrap();
        assert_eq!(
            root,
            Root {
                origin: "https://gitlab.example.com".to_string(),
                prefix: "/api/v4".to_string(),
            }
        );
        let local = Root::parse("HTTP://127.0.0.1:8080/gl/api/v4", Host::GitLab).unwrap();
        assert_eq!(local.origin, "http://127.0.0.1:8080");
        assert_eq!(local.prefix, "/gl/api/v4");
        let reason = |url: &str| match Root::parse(url, Host::GitLab) {
            Err(PublishError::InvalidUrl { reason, .. }) => reason,
            other => format!("unexpected {other:?}"),
        };
        assert_eq!(reason("ftp://h/"), "the scheme must be https or http");
        assert_eq!(
            reason("https://h/api?x=1"),
            "a query or fragment is not allowed"
        );
        assert_eq!(
            reason("https://u:p@h/"),
            "credentials in the url are not allowed; pass the token on its own"
        );
        assert_eq!(reason("gitlab.com"), "relative URL without a base");
    }
}
