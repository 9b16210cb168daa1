//! Helpers every host's client shares: checking and hiding the token, and the words of
//! messages (sizes, tries, the host's own error text, an error's causes).

use serde_json::Value;

use super::{Host, PublishError};

/// Checks the token can go in a header (octocrab would panic otherwise) and trims the line
/// break a token read from a file often ends with.
pub(crate) fn check_token(token: &str, host: Host) -> Result<&str, PublishError> {
    let token = token.trim();
    if token.is_empty() {
        return Err(PublishError::InvalidToken {
            host,
            reason: "it is empty".to_string(),
        });
    }
    if !token.chars().all(|c| c.is_ascii_graphic()) {
        return Err(PublishError::InvalidToken {
            host,
            reason: "it contains a space, a control character or a non-ASCII character".to_string(),
        });
    }
    Ok(token)
}

/// `text` with the token blanked out, should a server or a library ever echo it.
pub(crate) fn scrub(text: String, token: &str) -> String {
    // A token shorter than this is not a real one, and blanking it would garble words.
    if token.len() >= 8 && text.contains(token) {
        text.replace(token, "[token]")
    } else {
        text
    }
}

/// `10 MiB`, `512 bytes`.
pub(crate) fn size_text(bytes: usize) -> String {
    const MIB: usize = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= 1024 && bytes.is_multiple_of(1024) {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

pub(crate) fn count_tries(tries: u32) -> String {
    if tries == 1 {
        "1 try".to_string()
    } else {
        format!("{tries} tries")
    }
}

/// The host's own words from an error answer: `message` (GitHub, GitLab, Azure DevOps; GitLab
/// may give an object of field → messages) and each entry of `errors` (GitHub), else
/// `error` and `error_description` (GitLab's OAuth errors); else the start of the body; else
/// a note that there was none.
pub(crate) fn api_message(body: &str) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Ok(value) = serde_json::from_str::<Value>(body) {
        match value.get("message") {
            Some(Value::String(m)) => parts.push(m.to_string()),
            Some(Value::Object(fields)) => {
                for (field, messages) in fields {
                    let said = match messages {
                        Value::Array(list) => list
                            .iter()
                            .filter_map(Value::as_str)
                            .collect::<Vec<_>>()
                            .join(", "),
                        Value::String(m) => m.clone(),
                        other => other.to_string(),
                    };
                    parts.push(format!("{field} {said}"));
                }
            }
            _ => {}
        }
        for error in value
            .get("errors")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(m) = error.get("message").and_then(Value::as_str) {
                parts.push(m.to_string());
            } else if let Some(code) = error.get("code").and_then(Value::as_str) {
                let field = error
                    .get("field")
                    .and_then(Value::as_str)
                    .unwrap_or("request");
                parts.push(format!("{field}: {code}"));
            }
        }
        // Bitbucket: {"type": "error", "error": {"message": …, "detail": …}}.
        if let Some(Value::Object(error)) = value.get("error") {
            for key in ["message", "detail"] {
                if let Some(m) = error.get(key).and_then(Value::as_str) {
                    parts.push(m.to_string());
                }
            }
            if let Some(Value::Object(fields)) = error.get("fields") {
                for (field, messages) in fields {
                    for m in messages.as_array().into_iter().flatten() {
                        if let Some(m) = m.as_str() {
                            parts.push(format!("{field}: {m}"));
                        }
                    }
                }
            }
        }
        if parts.is_empty() {
            for key in ["error", "error_description"] {
                if let Some(m) = value.get(key).and_then(Value::as_str) {
                    parts.push(m.to_string());
                }
            }
        }
    }
    if !parts.is_empty() {
        return parts.join("; ");
    }
    let text: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        "no message".to_string()
    } else if text.chars().count() > 200 {
        format!("{}...", text.chars().take(200).collect::<String>())
    } else {
        text
    }
}

/// An error and its causes, each once: "Service Error: client error (Connect): tcp connect
/// error: Connection refused (os error 111)".
pub(crate) fn error_chain(error: &dyn std::error::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current = Some(error);
    while let Some(e) = current {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        current = e.source();
    }
    parts.join(": ")
}

/// A request method we use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

/// One request: `path` is path and query, prefix included; `action` says in words what it
/// does, for error messages ("update comment 7 on octo/app#5").
pub(crate) struct Request<'a> {
    pub method: Method,
    pub path: String,
    pub json: Option<&'a Value>,
    pub action: &'a str,
    /// Whether sending it twice does no harm. A request that timed out may have been done
    /// all the same, so only these are tried again after a timeout (a second new comment
    /// would be a duplicate).
    pub idempotent: bool,
}

impl<'a> Request<'a> {
    /// A GET: reading twice does no harm.
    pub(crate) fn get(path: String, action: &'a str) -> Request<'a> {
        Request {
            method: Method::Get,
            path,
            json: None,
            action,
            idempotent: true,
        }
    }
}

/// The comment as posted: the marker line for `tag`, a line break, then `body`; refused
/// before any request when the tag is not one we write or the whole is over the host's limit.
pub(crate) fn marked_body(tag: &str, body: &str, host: Host) -> Result<String, PublishError> {
    super::marker::check_tag(tag)?;
    let full = format!("{}\n{body}", super::marker::marker(tag));
    let chars = full.chars().count();
    if chars > host.body_limit() {
        return Err(PublishError::BodyTooLong {
            host,
            chars,
            limit: host.body_limit(),
            message: String::new(),
        });
    }
    Ok(full)
}

/// Whether `id` is a GUID, `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` in hexadecimal digits.
pub(crate) fn is_guid(id: &str) -> bool {
    let groups: Vec<&str> = id.split('-').collect();
    let lengths: Vec<usize> = groups.iter().map(|g| g.len()).collect();
    lengths == [8, 4, 4, 4, 12]
        && groups
            .iter()
            .all(|g| g.chars().all(|c| c.is_ascii_hexdigit()))
}

pub(crate) fn method_name(method: Method) -> &'static str {
    match method {
        Method::Get => "GET",
        Method::Post => "POST",
        Method::Put => "PUT",
        Method::Patch => "PATCH",
        Method::Delete => "DELETE",
    }
}

/// The error for a final non-2xx answer. `gave_up_after` is set when the answer was
/// retryable and the tries ran out; `access` when the host's words say the token may not
/// see the thing (GitHub answers some of those 404).
pub(crate) fn refusal(
    host: Host,
    req: &Request<'_>,
    status: u16,
    mut message: String,
    gave_up_after: Option<u32>,
    access: bool,
) -> PublishError {
    if let Some(tries) = gave_up_after {
        message.push_str(&format!(" (gave up after {})", count_tries(tries)));
    }
    let action = req.action.to_string();
    let lower = message.to_ascii_lowercase();
    // Bitbucket: "Please enter a non-empty value less than 32768 characters".
    let too_long =
        lower.contains("too long") || (lower.contains("less than") && lower.contains("characters"));
    match status {
        401 => PublishError::Unauthorized {
            host,
            action,
            message,
        },
        403 if gave_up_after.is_none() => PublishError::NoPermission {
            host,
            action,
            status,
            message,
        },
        404 if access => PublishError::NoPermission {
            host,
            action,
            status,
            message,
        },
        404 => PublishError::NotFound {
            host,
            action,
            message,
        },
        // GitHub answers 422, GitLab, Azure DevOps and Bitbucket 400 to a body over the limit.
        400 | 413 | 422 if too_long => PublishError::BodyTooLong {
            host,
            chars: req
                .json
                .and_then(|j| {
                    ["/body", "/content", "/content/raw"]
                        .iter()
                        .find_map(|p| j.pointer(p).and_then(Value::as_str))
                })
                .map_or(0, |b| b.chars().count()),
            limit: host.body_limit(),
            message,
        },
        _ => PublishError::Api {
            host,
            action,
            status,
            message,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens() {
        assert_eq!(check_token(" ghp_abc\n", Host::GitHub).unwrap(), "ghp_abc");
        for bad in ["", "  \n", "a b", "a\u{0}b", "tökén"] {
            assert!(
                matches!(
                    check_token(bad, Host::GitHub),
                    Err(PublishError::InvalidToken { .. })
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn api_messages() {
        assert_eq!(
            api_message(
                r#"{"message":"Validation Failed","errors":[{"resource":"IssueComment","code":"custom","field":"body","message":"body is too long (maximum is 65536 characters)"}]}"#
            ),
            "Validation Failed; body is too long (maximum is 65536 characters)"
        );
        assert_eq!(
            api_message(
                r#"{"message":"Validation Failed","errors":[{"field":"body","code":"missing_field"}]}"#
            ),
            "Validation Failed; body: missing_field"
        );
        assert_eq!(
            api_message("<html>\n  Bad gateway\n</html>"),
            "<html> Bad gateway </html>"
        );
        assert_eq!(api_message(""), "no message");
    }

    #[test]
    fn gitlab_messages() {
        assert_eq!(
            api_message(r#"{"message":"401 Unauthorized"}"#),
            "401 Unauthorized"
        );
        assert_eq!(
            api_message(r#"{"message":{"note":["is too long (maximum is 1000000 characters)"]}}"#),
            "note is too long (maximum is 1000000 characters)"
        );
        assert_eq!(
            api_message(r#"{"error":"insufficient_scope","error_description":"needs api"}"#),
            "insufficient_scope; needs api"
        );
    }

    #[test]
    fn bitbucket_messages() {
        assert_eq!(
            api_message(
                r#"{"type":"error","error":{"message":"Bad request","fields":{"content.raw":["x"]},"detail":"Please enter a non-empty value less than 32768 characters"}}"#
            ),
            "Bad request; Please enter a non-empty value less than 32768 characters; content.raw: x"
        );
        assert_eq!(
            api_message(
                r#"{"type":"error","error":{"message":"Token is invalid or not supported for this endpoint."}}"#
            ),
            "Token is invalid or not supported for this endpoint."
        );
    }
}
