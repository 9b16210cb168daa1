//! Kubernetes object names and namespaces, checked as the API server checks them (RFC 1123
//! DNS names). A name Kubernetes would refuse is an input error: the object cannot exist,
//! and its name would otherwise reach every report (addresses, messages) as written,
//! control characters and all.

/// Longest DNS-1123 subdomain (most object names) and label (namespaces).
const MAX_SUBDOMAIN: usize = 253;
const MAX_LABEL: usize = 63;

/// Characters of a refused name quoted in a message.
const QUOTED: usize = 64;

pub const NAME_HELP: &str = "a Kubernetes name is at most 253 characters: lowercase letters, \
                             digits, `-` and `.`, starting and ending with a letter or digit \
                             (an RFC 1123 DNS subdomain)";

pub const NAMESPACE_HELP: &str = "a namespace is at most 63 characters: lowercase letters, \
                                  digits and `-`, starting and ending with a letter or digit \
                                  (an RFC 1123 DNS label)";

/// Why `name` is not a DNS-1123 subdomain; `None` when it is one.
pub fn subdomain_problem(name: &str) -> Option<&'static str> {
    if name.len() > MAX_SUBDOMAIN {
        return Some("it is longer than 253 characters");
    }
    // A subdomain is labels joined by dots; each label is checked like a namespace, but
    // may be up to the whole name's length.
    name.split('.').find_map(|label| {
        label_problem(label, MAX_SUBDOMAIN).map(|p| match p {
            BAD_LABEL_CHARACTER => BAD_NAME_CHARACTER,
            other => other,
        })
    })
}

/// Why `namespace` is not a DNS-1123 label; `None` when it is one.
pub fn namespace_problem(namespace: &str) -> Option<&'static str> {
    label_problem(namespace, MAX_LABEL)
}

const BAD_LABEL_CHARACTER: &str =
    "it has a character other than a lowercase letter, a digit or `-`";
const BAD_NAME_CHARACTER: &str =
    "it has a character other than a lowercase letter, a digit, `-` or `.`";

/// Why `generateName` cannot start a valid name; `None` when it can. The API server adds
/// five characters, so the prefix may end with `-` or `.`.
pub fn prefix_problem(prefix: &str) -> Option<&'static str> {
    subdomain_problem(&format!("{prefix}x"))
}

fn label_problem(label: &str, max: usize) -> Option<&'static str> {
    let starts_and_ends_alphanumeric = |s: &str| {
        let ok = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
        ok(s.chars().next()) && ok(s.chars().next_back())
    };
    if label.is_empty() {
        Some("it is empty or has an empty part between dots")
    } else if label.len() > max {
        Some("it is longer than 63 characters")
    } else if !label
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        Some(BAD_LABEL_CHARACTER)
    } else if !starts_and_ends_alphanumeric(label) {
        Some("it does not start and end with a lowercase letter or a digit")
    } else {
        None
    }
}

/// A refused name as a message shows it: control characters escaped, cut to 64
/// characters.
pub fn quoted(name: &str) -> String {
    let mut kept: String = name.chars().take(QUOTED).collect();
    if kept.len() < name.len() {
        kept.push('…');
    }
    format!("`{}`", crate::report::escape::controls(&kept))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_names_pass() {
        for name in [
            "llama",
            "llama-3-70b",
            "a",
            "0",
            "vllm.serving.v1",
            &"a".repeat(253),
        ] {
            assert_eq!(subdomain_problem(name), None, "{name}");
        }
        assert_eq!(namespace_problem("ml-serving"), None);
        assert_eq!(prefix_problem("train-"), None);
    }

    #[test]
    fn invalid_names_say_why() {
        assert_eq!(
            subdomain_problem("Llama"),
            Some("it has a character other than a lowercase letter, a digit, `-` or `.`")
        );
        assert_eq!(
            subdomain_problem("x\u{1b}[2Jy"),
            Some("it has a character other than a lowercase letter, a digit, `-` or `.`")
        );
        assert_eq!(
            subdomain_problem("-x"),
            Some("it does not start and end with a lowercase letter or a digit")
        );
        assert_eq!(
            subdomain_problem("a..b"),
            Some("it is empty or has an empty part between dots")
        );
        assert_eq!(
            subdomain_problem(""),
            Some("it is empty or has an empty part between dots")
        );
        assert_eq!(
            subdomain_problem(&"a".repeat(254)),
            Some("it is longer than 253 characters")
        );
        assert_eq!(
            namespace_problem(&"a".repeat(64)),
            Some("it is longer than 63 characters")
        );
        assert_eq!(
            namespace_problem("ml.serving"),
            Some("it has a character other than a lowercase letter, a digit or `-`")
        );
        assert_eq!(
            prefix_problem("Train-"),
            Some("it has a character other than a lowercase letter, a digit, `-` or `.`")
        );
    }

    #[test]
    fn quoted_names_are_escaped_and_short() {
        assert_eq!(quoted("a\rb"), "`a\\u{d}b`");
        assert_eq!(quoted(&"x".repeat(100)), format!("`{}…`", "x".repeat(64)));
    }
}
