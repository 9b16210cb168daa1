//! The few lines of a source file a text diagnostic shows: the label's line, with the line
//! before and after it as context, numbered as in the file. miette is never handed the
//! whole file:
//!
//! - A line longer than [`MAX_LINE`] characters (minified JSON, a plan written by
//!   `terraform show -json`, a line of tabs) is shown as the label's own text only, cut to
//!   [`MAX_LINE`] characters, with `…` where something was left out. What stands beside the
//!   label on such a line (a plan's `variables`, another resource's values) is never
//!   printed, and no column reaches the 65,535 miette's width formatting allows.
//! - A context line longer than that is shown as `…`.
//! - Control characters are escaped ([`super::escape::source_line`]), tabs kept.

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use super::escape;
use crate::model::LineIndex;

/// Characters of one line shown whole; a longer line shows only its label.
pub const MAX_LINE: usize = 200;

/// What is shown where text was left out.
const CUT: &str = "…";

/// A window on one source file and the label's span inside it.
#[derive(Debug)]
pub struct Snippet {
    name: String,
    /// The lines shown, joined by `\n`.
    text: String,
    /// The file's line number (from 0) of the window's first line.
    first_line: usize,
    /// The label's line (from 0) and byte column in the file, for the `[file:line:col]`
    /// header, which miette reads from the primary label.
    label_line: usize,
    label_column: usize,
    /// The label inside `text`.
    label: SourceSpan,
}

impl Snippet {
    /// The window around `start..end` (byte offsets into `source`; `end` is cut to the
    /// end of the line of `start`).
    #[cfg(test)]
    pub fn new(name: &str, source: &str, start: usize, end: usize) -> Snippet {
        Snippet::with_lines(name, source, &LineIndex::new(source), start, end)
    }

    /// As [`Snippet::new`], with the file's line index built once by the caller: the window
    /// is found by binary search, never by scanning the file (a plan is one line of
    /// megabytes, and a report may show thousands of snippets of it).
    pub fn with_lines(
        name: &str,
        source: &str,
        lines: &LineIndex,
        start: usize,
        end: usize,
    ) -> Snippet {
        let start = floor_boundary(source, start.min(source.len()));
        let (line_number, line_begin, line_end) = lines.line_around(source, start);
        let end = floor_boundary(source, end.clamp(start, line_end));
        let line = source.get(line_begin..line_end).unwrap_or("");
        let (shown, label_start, label_len) =
            label_line(line, start - line_begin, end - line_begin);

        let mut text = String::new();
        let mut first_line = line_number;
        if let Some((before_begin, before_end)) = line_number
            .checked_sub(1)
            .and_then(|before| lines.line_range(source, before))
        {
            text.push_str(&context_line(
                source.get(before_begin..before_end).unwrap_or(""),
            ));
            text.push('\n');
            first_line -= 1;
        }
        let label_offset = text.len() + label_start;
        text.push_str(&shown);
        if let Some((after_begin, after_end)) = lines.line_range(source, line_number + 1) {
            text.push('\n');
            text.push_str(&context_line(
                source.get(after_begin..after_end).unwrap_or(""),
            ));
        }
        Snippet {
            name: escape::controls(name).into_owned(),
            text,
            first_line,
            label_line: line_number,
            label_column: start - line_begin,
            label: SourceSpan::from((label_offset, label_len)),
        }
    }

    /// The label's span inside the snippet.
    pub fn label(&self) -> SourceSpan {
        self.label
    }
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner =
            self.text
                .as_str()
                .read_span(span, context_lines_before, context_lines_after)?;
        // The primary label is read without context, for the header's line and column.
        let (line, column) = if context_lines_before == 0 && *span == self.label {
            (self.label_line, self.label_column)
        } else {
            (self.first_line + inner.line(), inner.column())
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            line,
            column,
            inner.line_count(),
        )))
    }
}

/// The label's line as shown, and the label's start and length in it. A short line is
/// shown whole; a long one as the label only, cut to [`MAX_LINE`] characters.
fn label_line(line: &str, start: usize, end: usize) -> (String, usize, usize) {
    let line = line.strip_suffix('\r').unwrap_or(line);
    let start = start.min(line.len());
    let end = end.clamp(start, line.len());
    if !longer_than(line, MAX_LINE) {
        let before = escape::source_line(line.get(..start).unwrap_or(""));
        let label = escape::source_line(line.get(start..end).unwrap_or(""));
        let after = escape::source_line(line.get(end..).unwrap_or(""));
        return (format!("{before}{label}{after}"), before.len(), label.len());
    }
    let label = line.get(start..end).unwrap_or("");
    let kept: String = label.chars().take(MAX_LINE).collect();
    let prefix = if start > 0 { CUT } else { "" };
    let suffix = if kept.len() < line.len() - start {
        CUT
    } else {
        ""
    };
    let kept = escape::source_line(&kept);
    (format!("{prefix}{kept}{suffix}"), prefix.len(), kept.len())
}

/// A line around the label: whole when short, else only `…`.
fn context_line(line: &str) -> String {
    let line = line.strip_suffix('\r').unwrap_or(line);
    if !longer_than(line, MAX_LINE) {
        escape::source_line(line).into_owned()
    } else {
        CUT.to_string()
    }
}

/// Whether `line` has more than `n` characters, counting at most `n + 1` of them: a
/// minified file's one line can be megabytes long, and is looked at once per finding.
fn longer_than(line: &str, n: usize) -> bool {
    line.len() > n && line.chars().nth(n).is_some()
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn longer_than_counts_characters_not_bytes() {
        assert!(!longer_than("abc", 3));
        assert!(longer_than("abcd", 3));
        // Three characters in nine bytes are not longer than three.
        assert!(!longer_than("日本語", 3));
        assert!(longer_than("日本語x", 3));
    }

    fn read(s: &Snippet) -> (String, usize, usize) {
        let c = s.read_span(&s.label(), 0, 0).unwrap();
        let label = s
            .text
            .get(s.label.offset()..s.label.offset() + s.label.len())
            .unwrap()
            .to_string();
        (label, c.line(), c.column())
    }

    #[test]
    fn a_short_line_is_shown_with_its_neighbours_and_real_line_numbers() {
        let src = "a\nb = 1\nname = \"x\"\nc\nd\n";
        let start = src.find("name").unwrap();
        let s = Snippet::new("f.tf", src, start, start + 4);
        assert_eq!(s.text, "b = 1\nname = \"x\"\nc");
        assert_eq!(s.first_line, 1);
        assert_eq!(read(&s), ("name".to_string(), 2, 0));
        let context = s.read_span(&s.label(), 1, 1).unwrap();
        assert_eq!(context.line(), 1);
    }

    #[test]
    fn a_long_line_shows_only_the_label_cut_to_the_limit() {
        let secret = "\"variables\":{\"token\":{\"value\":\"hunter2\"}}";
        let src = format!("{{{secret},\"resource_changes\":[{{\"address\":\"aws_instance.a\",\"change\":{{\"after\":{{\"x\":\"{}\"}}}}}}]}}", "y".repeat(300));
        let start = src.find("\"address\"").unwrap();
        let end = start + "\"address\":\"aws_instance.a\"".len();
        let s = Snippet::new("plan.json", &src, start, end);
        assert_eq!(s.text, "…\"address\":\"aws_instance.a\"…");
        assert!(!s.text.contains("hunter2"));
        assert_eq!(
            read(&s),
            ("\"address\":\"aws_instance.a\"".to_string(), 0, start)
        );

        // A label that is the whole long line is cut to the limit.
        let s = Snippet::new("plan.json", &src, 0, src.len());
        assert_eq!(s.text.chars().count(), MAX_LINE + 1);
        assert!(s.text.ends_with('…'));
    }

    #[test]
    fn an_empty_label_on_a_long_line_shows_nothing_of_the_line() {
        let src = "\t".repeat(16_400) + "x";
        let s = Snippet::new("main.tf", &src, 16_400, 16_400);
        // Text was left out on both sides of the (empty) label.
        assert_eq!(s.text, "……");
        assert_eq!(read(&s), (String::new(), 0, 16_400));
    }

    #[test]
    fn long_context_lines_are_left_out_and_controls_escaped() {
        let src = format!(
            "{}\nname = \"a\u{1b}[2Jb\"\r\n{}",
            "x".repeat(500),
            "y".repeat(500)
        );
        let start = src.find("name").unwrap();
        let s = Snippet::new("k\u{1b}.yaml", &src, start, start + 4);
        assert_eq!(s.text, "…\nname = \"a\\u{1b}[2Jb\"\n…");
        assert_eq!(s.name, "k\\u{1b}.yaml");
        // The label after an escaped character keeps its place.
        let at = src.find("b\"").unwrap();
        let s = Snippet::new("k.yaml", &src, at, at + 1);
        assert_eq!(read(&s).0, "b");
    }
}
