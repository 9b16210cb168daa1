//! HTTP calls to the GitHub REST and GraphQL APIs through octocrab's raw methods, so we see
//! every status code and header ourselves, with our retry policy around each call.
//!
//! Octocrab's base URI is the API origin alone (`scheme://host:port`) and every request
//! carries its full path: the REST prefix (`/api/v3` on GitHub Enterprise Server) is ours
//! to add. That keeps REST and GraphQL (`/api/graphql` on GHES, not `/api/v3/graphql`) on
//! one client, and lets a pagination link's path be sent as it is. Octocrab adds the token
//! only to URIs without a host, so no request ever names one.

use std::time::{Duration, SystemTime};

use http_body_util::{BodyExt, LengthLimitError, Limited};
use octocrab::Octocrab;
use serde_json::{json, Value};

use crate::publish::common::{
    api_message, check_token, count_tries, error_chain, method_name, refusal, scrub, size_text,
};
pub(crate) use crate::publish::common::{Method, Request};
use crate::publish::retry::{RateHeaders, RetryPolicy};
use crate::publish::{duration_text, Host, Limits, PublishError};

/// A successful (2xx) answer.
#[derive(Debug)]
pub(crate) struct Reply {
    pub status: u16,
    pub body: String,
    /// The next page, from the `Link` header, as path and query.
    pub next: Option<String>,
}

/// Any answer, before it is judged.
struct Raw {
    status: u16,
    rate: RateHeaders,
    link: Option<String>,
    body: String,
}

/// Why one try got no answer we can judge.
enum Failed {
    /// Connection, TLS or protocol error, with its causes.
    Network(String),
    /// No complete answer within the request timeout.
    TimedOut,
    /// The answer's body is over the size cap (the status is GitHub's).
    TooLarge { status: u16 },
}

/// Where the API lives: the origin octocrab gets, and the paths we put in front.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiUrl {
    pub origin: String,
    /// `""` for api.github.com, `/api/v3` for GitHub Enterprise Server.
    pub rest_prefix: String,
    /// `/graphql`, or `/api/graphql` on GitHub Enterprise Server.
    pub graphql_path: String,
}

impl ApiUrl {
    pub(crate) fn parse(url: &str) -> Result<ApiUrl, PublishError> {
        // The url is shown without the credentials it may carry (which are refused).
        let invalid = |reason: &str| PublishError::InvalidUrl {
            host: Host::GitHub,
            url: crate::redact::url(url),
            reason: reason.to_string(),
        };
        let trimmed = url.trim();
        let (scheme, rest) = trimmed
            .split_once("://")
            .ok_or_else(|| invalid("it does not start with https:// or http://"))?;
        if !(scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("http")) {
            return Err(invalid("the scheme must be https or http"));
        }
        if rest.contains(['?', '#']) {
            return Err(invalid("a query or fragment is not allowed"));
        }
        if rest.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid("it contains a space or a control character"));
        }
        let (authority, path) = match rest.find('/') {
            Some(slash) => (
                rest.get(..slash).unwrap_or_default(),
                rest.get(slash..).unwrap_or_default(),
            ),
            None => (rest, ""),
        };
        if authority.is_empty() {
            return Err(invalid("it has no host"));
        }
        if authority.contains('@') {
            return Err(invalid(
                "credentials in the url are not allowed; pass the token on its own",
            ));
        }
        let rest_prefix = path.trim_end_matches('/').to_string();
        let graphql_base = rest_prefix.strip_suffix("/v3").unwrap_or(&rest_prefix);
        Ok(ApiUrl {
            origin: format!("{}://{authority}", scheme.to_ascii_lowercase()),
            graphql_path: format!("{graphql_base}/graphql"),
            rest_prefix,
        })
    }
}

/// An authenticated GitHub client with a retry policy and bounds on each request.
pub(crate) struct Client {
    octo: Octocrab,
    url: ApiUrl,
    retry: RetryPolicy,
    limits: Limits,
    /// Kept only to blank it out of any message, should one ever echo it.
    token: String,
}

impl Client {
    pub(crate) fn new(
        url: ApiUrl,
        token: &str,
        retry: &RetryPolicy,
        limits: &Limits,
    ) -> Result<Client, PublishError> {
        let token = check_token(token, Host::GitHub)?.to_string();
        // Our own timeout bounds each try as a whole; octocrab's bound each read and write
        // (a server sending a byte a minute never trips those).
        let timeout = limits.request_timeout;
        let octo = Octocrab::builder()
            .personal_token(token.clone())
            .set_connect_timeout(Some(timeout.min(Duration::from_secs(15))))
            .set_read_timeout(Some(timeout))
            .set_write_timeout(Some(timeout))
            .base_uri(url.origin.as_str())
            .map_err(|_| PublishError::InvalidUrl {
                host: Host::GitHub,
                url: url.origin.clone(),
                reason: "octocrab cannot parse it".to_string(),
            })?
            .build()
            .map_err(|e| PublishError::Network {
                host: Host::GitHub,
                message: format!("cannot set up the HTTP client: {}", error_chain(&e)),
            })?;
        Ok(Client {
            octo,
            url,
            retry: retry.clone(),
            limits: limits.clone(),
            token,
        })
    }

    pub(crate) fn limits(&self) -> &Limits {
        &self.limits
    }

    /// A REST path with the API prefix in front.
    pub(crate) fn rest(&self, path: &str) -> String {
        format!("{}{path}", self.url.rest_prefix)
    }

    /// Sends `req`, retrying as the policy says; any non-2xx final answer is an error.
    pub(crate) async fn send(&self, req: &Request<'_>) -> Result<Reply, PublishError> {
        let tries = self.retry.tries();
        let mut retry = 0u32;
        loop {
            let last = retry + 1 >= tries;
            let answer = tokio::time::timeout(self.limits.request_timeout, self.attempt(req))
                .await
                .unwrap_or(Err(Failed::TimedOut));
            match answer {
                Ok(raw) if (200..300).contains(&raw.status) => {
                    return Ok(Reply {
                        status: raw.status,
                        next: raw
                            .link
                            .as_deref()
                            .and_then(crate::publish::link::next_page),
                        body: raw.body,
                    });
                }
                Ok(raw) => {
                    let wait =
                        self.retry
                            .wait(retry, raw.status, &raw.rate, &raw.body, SystemTime::now());
                    match wait {
                        Some(wait) if !last => tokio::time::sleep(wait).await,
                        Some(_) => return Err(self.failure(req, &raw, Some(tries))),
                        None => return Err(self.failure(req, &raw, None)),
                    }
                }
                Err(Failed::TooLarge { status }) => {
                    return Err(PublishError::Api {
                        host: Host::GitHub,
                        action: req.action.to_string(),
                        status,
                        message: format!(
                            "the answer is larger than {}; it was not read further",
                            size_text(self.limits.max_response_bytes)
                        ),
                    });
                }
                Err(Failed::TimedOut) if !req.idempotent => {
                    return Err(PublishError::Network {
                        host: Host::GitHub,
                        message: format!(
                            "could not {} ({} {}{}): no complete answer within {} \
                             (--request-timeout); it may have been done all the same, so it \
                             was not tried again",
                            req.action,
                            method_name(req.method),
                            self.url.origin,
                            req.path,
                            duration_text(self.limits.request_timeout)
                        ),
                    });
                }
                Err(_) if !last => tokio::time::sleep(self.retry.backoff(retry)).await,
                Err(failed) => {
                    let message = match failed {
                        Failed::Network(message) => message,
                        _ => format!(
                            "no complete answer within {} (--request-timeout)",
                            duration_text(self.limits.request_timeout)
                        ),
                    };
                    return Err(PublishError::Network {
                        host: Host::GitHub,
                        message: self.scrub(format!(
                            "could not {} ({} {}{}) after {}: {message}",
                            req.action,
                            method_name(req.method),
                            self.url.origin,
                            req.path,
                            count_tries(tries)
                        )),
                    });
                }
            }
            retry += 1;
        }
    }

    /// Posts a GraphQL query and returns its `data`. GraphQL reports errors in an `errors`
    /// array of an HTTP 200 answer; those are failures too.
    pub(crate) async fn graphql(
        &self,
        query: &str,
        variables: Value,
        action: &str,
    ) -> Result<Value, PublishError> {
        let json = json!({ "query": query, "variables": variables });
        let req = Request {
            method: Method::Post,
            path: self.url.graphql_path.clone(),
            json: Some(&json),
            action,
            // Our queries read, and hiding a hidden comment again changes nothing.
            idempotent: true,
        };
        let reply = self.send(&req).await?;
        let value: Value = serde_json::from_str(&reply.body).map_err(|e| PublishError::Api {
            host: Host::GitHub,
            action: action.to_string(),
            status: reply.status,
            message: format!("the GraphQL answer is not JSON ({e})"),
        })?;
        let errors = value
            .get("errors")
            .and_then(Value::as_array)
            .filter(|errors| !errors.is_empty());
        if let Some(errors) = errors {
            let message = self.scrub(api_message(&reply.body));
            let has_type = |wanted: &str| {
                errors
                    .iter()
                    .any(|e| e.get("type").and_then(Value::as_str) == Some(wanted))
            };
            return Err(if has_type("FORBIDDEN") || about_access(&message) {
                PublishError::NoPermission {
                    host: Host::GitHub,
                    action: action.to_string(),
                    status: reply.status,
                    message,
                }
            } else if has_type("NOT_FOUND") {
                PublishError::NotFound {
                    host: Host::GitHub,
                    action: action.to_string(),
                    message,
                }
            } else {
                PublishError::Api {
                    host: Host::GitHub,
                    action: action.to_string(),
                    status: reply.status,
                    message,
                }
            });
        }
        Ok(value.get("data").cloned().unwrap_or(Value::Null))
    }

    /// One try, the answer read to its end but never past the size cap.
    async fn attempt(&self, req: &Request<'_>) -> Result<Raw, Failed> {
        let path = req.path.as_str();
        let response = match req.method {
            Method::Get => self.octo._get(path).await,
            Method::Post => self.octo._post(path, req.json).await,
            Method::Put => self.octo._put(path, req.json).await,
            Method::Patch => self.octo._patch(path, req.json).await,
            Method::Delete => self.octo._delete(path, None::<&()>).await,
        }
        .map_err(|e| Failed::Network(error_chain(&e)))?;
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
            remaining: header("x-ratelimit-remaining"),
            reset: header("x-ratelimit-reset"),
        };
        let link = header("link");
        let limited = Limited::new(response.into_body(), self.limits.max_response_bytes);
        let bytes = match limited.collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => {
                return Err(Failed::TooLarge { status });
            }
            Err(e) => return Err(Failed::Network(error_chain(&*e))),
        };
        Ok(Raw {
            status,
            rate,
            link,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        })
    }

    /// The error for a final non-2xx answer; `gave_up_after` is set when it was retryable.
    fn failure(&self, req: &Request<'_>, raw: &Raw, gave_up_after: Option<u32>) -> PublishError {
        let message = self.scrub(api_message(&raw.body));
        let access = about_access(&message);
        refusal(
            Host::GitHub,
            req,
            raw.status,
            message,
            gave_up_after,
            access,
        )
    }

    fn scrub(&self, text: String) -> String {
        scrub(text, &self.token)
    }
}

/// Whether GitHub's message is the one it gives a token without access.
fn about_access(message: &str) -> bool {
    message
        .to_ascii_lowercase()
        .contains("not accessible by integration")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_urls() {
        let dotcom = ApiUrl::parse("https://api.github.com/").unwrap();
        assert_eq!(
            dotcom,
            ApiUrl {
                origin: "https://api.github.com".to_string(),
                rest_prefix: String::new(),
                graphql_path: "/graphql".to_string(),
            }
        );
        let ghes = ApiUrl::parse("https://ghe.example.com/api/v3").unwrap();
        assert_eq!(
            ghes,
            ApiUrl {
                origin: "https://ghe.example.com".to_string(),
                rest_prefix: "/api/v3".to_string(),
                graphql_path: "/api/graphql".to_string(),
            }
        );
        let local = ApiUrl::parse("HTTP://127.0.0.1:8080/proxy").unwrap();
        assert_eq!(local.origin, "http://127.0.0.1:8080");
        assert_eq!(local.rest_prefix, "/proxy");
        assert_eq!(local.graphql_path, "/proxy/graphql");
    }

    #[test]
    fn bad_api_urls() {
        let reason = |url: &str| match ApiUrl::parse(url) {
            Err(PublishError::InvalidUrl { reason, .. }) => reason,
            other => format!("unexpected {other:?}"),
        };
        assert_eq!(
            reason("api.github.com"),
            "it does not start with https:// or http://"
        );
        assert_eq!(reason("ftp://h/"), "the scheme must be https or http");
        assert_eq!(reason("https:///api"), "it has no host");
        assert_eq!(
            reason("https://h/api?x=1"),
            "a query or fragment is not allowed"
        );
        assert_eq!(
            reason("https://h/a b"),
            "it contains a space or a control character"
        );
        assert_eq!(
            reason("https://u:p@h/"),
            "credentials in the url are not allowed; pass the token on its own"
        );
    }
}
