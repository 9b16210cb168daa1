//! The hidden marker that makes a pull-request comment ours: an HTML comment on the first
//! line, invisible in the rendered comment, naming the tag so several runs (one per
//! environment, say) can each keep their own comment.

use super::PublishError;

/// The longest tag accepted; the marker stays one short line.
pub const MAX_TAG_LEN: usize = 64;

/// The marker line for `tag`: `<!-- aicost-policy:comment tag=TAG -->`.
pub fn marker(tag: &str) -> String {
    format!("<!-- aicost-policy:comment tag={tag} -->")
}

/// Whether a comment body carries the marker of exactly `tag` on its first line.
///
/// The whole first line must equal the marker, so tag `prod` never claims a comment of
/// `non-prod` or `prod2`. Surrounding whitespace and a `\r` (GitHub stores `\r\n` after an
/// edit in its web editor) are ignored.
pub fn is_ours(body: &str, tag: &str) -> bool {
    body.trim_start()
        .lines()
        .next()
        .is_some_and(|first| first.trim() == marker(tag))
}

/// Checks that `tag` is 1 to 64 characters of `A-Z a-z 0-9 . _ -`, so it can never end the
/// HTML comment early or match another tag's marker.
pub fn check_tag(tag: &str) -> Result<(), PublishError> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
    let reason = if tag.is_empty() {
        "it is empty".to_string()
    } else if let Some(bad) = tag.chars().find(|c| !allowed(*c)) {
        format!("it contains {bad:?}")
    } else if tag.len() > MAX_TAG_LEN {
        // Only ASCII is left, so bytes are characters.
        format!(
            "it is {} characters long; the limit is {MAX_TAG_LEN}",
            tag.len()
        )
    } else {
        return Ok(());
    };
    Err(PublishError::InvalidTag {
        tag: tag.to_string(),
        reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marker_is_one_html_comment_line() {
        assert_eq!(marker("prod"), "<!-- aicost-policy:comment tag=prod -->");
    }

    #[test]
    fn is_ours_matches_the_exact_tag_on_the_first_line() {
        let body = format!("{}\n## Cost\n", marker("prod"));
        assert!(is_ours(&body, "prod"));
        assert!(is_ours(&format!("{}\r\ntext", marker("prod")), "prod"));
        assert!(is_ours(&format!("\n  {}  \ntext", marker("prod")), "prod"));
        assert!(!is_ours(&body, "non-prod"));
        assert!(!is_ours(&body, "pro"));
        assert!(!is_ours(&format!("{}\n", marker("non-prod")), "prod"));
        assert!(!is_ours(&format!("{}\n", marker("prod2")), "prod"));
        // Quoted in a reply, or further down: not ours.
        assert!(!is_ours(&format!("> {}\n", marker("prod")), "prod"));
        assert!(!is_ours(&format!("hello\n{}\n", marker("prod")), "prod"));
        assert!(!is_ours("", "prod"));
    }

    #[test]
    fn tags_are_checked() {
        assert!(check_tag("prod").is_ok());
        assert!(check_tag("eu-west_1.v2").is_ok());
        assert!(check_tag(&"a".repeat(64)).is_ok());
        let reason = |tag: &str| match check_tag(tag) {
            Err(PublishError::InvalidTag { reason, .. }) => reason,
            other => format!("unexpected {other:?}"),
        };
        assert_eq!(reason(""), "it is empty");
        assert_eq!(
            reason(&"a".repeat(65)),
            "it is 65 characters long; the limit is 64"
        );
        assert_eq!(reason("a -->b"), "it contains ' '");
        assert_eq!(reason("a-->"), "it contains '>'");
        assert_eq!(reason("prød"), "it contains 'ø'");
    }
}
