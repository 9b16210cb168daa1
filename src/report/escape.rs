//! Text from the input shown to a person. A terminal or a CI log obeys control characters:
//! ESC starts colour and cursor sequences (clear the screen, rewrite a line), CR returns to
//! the start of the line, a line feed can forge a summary line, and bidirectional overrides
//! reorder what is shown. Every human-readable report passes input text through
//! [`controls`], which writes such characters as Rust escapes (`\u{1b}`), visible and inert.

use std::borrow::Cow;

/// Whether `c` must not reach a terminal as it is: C0 controls (tab and line feed
/// included, since messages are one line), DEL, C1 controls, the Unicode line and
/// paragraph separators, and the bidirectional embedding, override and isolate marks.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
        )
}

/// `text` with every [`is_unsafe`] character written as `\u{..}`; borrowed when there is
/// none. A backslash is left as it is: the escapes show what was there, they are not meant
/// to be read back.
pub fn controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// As [`controls`], but tabs stay: a line of source code keeps its indentation.
pub fn source_line(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c != '\t' && is_unsafe(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c != '\t' && is_unsafe(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(controls("p5.48xlarge, $1.00"), Cow::Borrowed(_)));
    }

    #[test]
    fn controls_are_written_as_escapes() {
        assert_eq!(
            controls("a\u{1b}[2Jb\0c\rd\ne\tf\u{7f}g\u{9b}h"),
            "a\\u{1b}[2Jb\\u{0}c\\u{d}d\\u{a}e\\u{9}f\\u{7f}g\\u{9b}h"
        );
        assert_eq!(
            controls("x\u{202e}y\u{2066}z\u{2028}"),
            "x\\u{202e}y\\u{2066}z\\u{2028}"
        );
        // Printable non-ASCII text is left alone.
        assert_eq!(controls("café × 8 — ✅"), "café × 8 — ✅");
    }

    #[test]
    fn source_lines_keep_their_tabs() {
        assert_eq!(
            source_line("\tname = \"a\u{1b}b\""),
            "\tname = \"a\\u{1b}b\""
        );
    }
}
