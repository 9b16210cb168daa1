//! Turning byte offsets into lines and columns without rescanning the file each time: a
//! [`LineIndex`] records where every line starts (one pass over the text), and a lookup is
//! a binary search. Columns count characters; for text with multi-byte characters, the
//! count of continuation bytes is kept every [`BLOCK`] bytes, so a column costs at most one
//! block of scanning even on a single-line file (plan JSON is written as one line).
//!
//! [`IndexedSource`] gives miette only the lines around a snippet, so drawing one snippet
//! does not read the file from its start either.

use std::sync::Arc;

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use super::location::{to_u32, Location};

/// Bytes between two checkpoints of the continuation-byte count.
const BLOCK: usize = 4096;

/// Where each line of a text starts, and what columns need.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineIndex {
    /// Byte offset of the start of each line; the first is 0.
    starts: Vec<usize>,
    /// Number of UTF-8 continuation bytes before each multiple of [`BLOCK`]; empty when the
    /// text is ASCII (a column is then a byte distance).
    continuations: Vec<usize>,
}

impl LineIndex {
    /// Indexes `text` in one pass.
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        starts.extend(
            bytes
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i + 1),
        );
        let continuations = if text.is_ascii() {
            Vec::new()
        } else {
            let mut seen = 0;
            bytes
                .chunks(BLOCK)
                .map(|block| {
                    let before = seen;
                    seen += block.iter().filter(|b| is_continuation(**b)).count();
                    before
                })
                .collect()
        };
        LineIndex {
            starts,
            continuations,
        }
    }

    /// 1-based line and column (in characters) of byte `offset` in `text`, the text this
    /// index was built from. Offsets past the end are clamped; the same answers as
    /// [`super::line_col`].
    pub fn line_col(&self, text: &str, offset: usize) -> (u32, u32) {
        let offset = clamp_to_char_boundary(text, offset);
        let line = self.starts.partition_point(|s| *s <= offset).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        let column = self.chars_between(text, start, offset) + 1;
        (to_u32(line), to_u32(column))
    }

    /// Byte offset of the start of 1-based `line` (0 for line 0 or 1, the text's length
    /// past the last line), as [`super::line_start_offset`].
    pub fn line_start(&self, text: &str, line: u32) -> usize {
        let index = usize::try_from(line)
            .unwrap_or(usize::MAX)
            .saturating_sub(1);
        self.starts.get(index).copied().unwrap_or(text.len())
    }

    /// The 0-based line that byte `offset` is on, with the byte range of that line (without
    /// its line break).
    pub fn line_around(&self, text: &str, offset: usize) -> (usize, usize, usize) {
        let line = self.line_of(offset);
        let (begin, end) = self.line_range(text, line).unwrap_or((0, text.len()));
        (line, begin, end)
    }

    /// The byte range of 0-based line `line` without its line break; `None` past the end.
    pub fn line_range(&self, text: &str, line: usize) -> Option<(usize, usize)> {
        let begin = *self.starts.get(line)?;
        let end = match self.starts.get(line + 1) {
            Some(next) => next - 1,
            None => text.len(),
        };
        Some((begin, end.max(begin)))
    }

    /// The 0-based line that byte `offset` is on.
    fn line_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|s| *s <= offset)
            .saturating_sub(1)
    }

    /// The end of 0-based line `line`, after its line break (the text's length for the
    /// last line).
    fn after_line(&self, text: &str, line: usize) -> usize {
        self.starts.get(line + 1).copied().unwrap_or(text.len())
    }

    /// The offset of the line break that ends the line byte `offset` is on (the text's
    /// length on the last line).
    pub fn line_end(&self, text: &str, offset: usize) -> usize {
        match self.starts.get(self.line_of(offset) + 1) {
            Some(next) => next - 1,
            None => text.len(),
        }
    }

    /// Characters in `text[from..to]` (both on character boundaries, `from <= to`).
    fn chars_between(&self, text: &str, from: usize, to: usize) -> usize {
        if self.continuations.is_empty() {
            return to.saturating_sub(from);
        }
        let continuations = self
            .continuations_before(text, to)
            .saturating_sub(self.continuations_before(text, from));
        to.saturating_sub(from).saturating_sub(continuations)
    }

    fn continuations_before(&self, text: &str, offset: usize) -> usize {
        let block = offset / BLOCK;
        let checkpoint = self.continuations.get(block).copied().unwrap_or(0);
        let rest = text
            .as_bytes()
            .get(block * BLOCK..offset)
            .map_or(0, |b| b.iter().filter(|b| is_continuation(**b)).count());
        checkpoint + rest
    }

    /// A location from a byte span of `text`, as [`Location::from_span`] builds it.
    pub fn location(&self, file: Arc<str>, text: &str, start: usize, end: usize) -> Location {
        let (line, column) = self.line_col(text, start);
        let (end_line, _) = self.line_col(text, end.max(start));
        Location {
            file,
            line,
            column,
            end_line,
            span: (start, end.max(start)),
        }
    }
}

fn is_continuation(b: u8) -> bool {
    b & 0b1100_0000 == 0b1000_0000
}

fn clamp_to_char_boundary(text: &str, offset: usize) -> usize {
    let mut o = offset.min(text.len());
    while o > 0 && !text.is_char_boundary(o) {
        o -= 1;
    }
    o
}

/// A file's text with its line index, as miette source code: a snippet reads only the
/// lines it shows (miette's own `str` source scans from the start of the file).
#[derive(Clone, Debug)]
pub struct IndexedSource {
    text: Arc<str>,
    lines: Arc<LineIndex>,
}

impl IndexedSource {
    pub fn new(text: Arc<str>, lines: Arc<LineIndex>) -> IndexedSource {
        IndexedSource { text, lines }
    }

    /// Indexes `text` (one pass); for a text shown once or a few times.
    pub fn of(text: Arc<str>) -> IndexedSource {
        let lines = Arc::new(LineIndex::new(&text));
        IndexedSource { text, lines }
    }

    pub fn text(&self) -> &Arc<str> {
        &self.text
    }

    pub fn lines(&self) -> &Arc<LineIndex> {
        &self.lines
    }
}

impl SourceCode for IndexedSource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let text: &str = &self.text;
        let start = span.offset();
        let end = start.saturating_add(span.len());
        if end > text.len() {
            return Err(MietteError::OutOfBounds);
        }
        // The lines the snippet shows, plus the line after them, so miette sees the same
        // line breaks it would in the whole text.
        let first_line = self.lines.line_of(start);
        let last_line = self.lines.line_of(end.saturating_sub(1).max(start));
        let mut first = first_line.saturating_sub(context_lines_before);
        let mut window_start = self.lines.line_start(text, to_u32(first + 1));
        let mut window_end = self
            .lines
            .after_line(text, last_line.saturating_add(context_lines_after + 1));
        let (mut before, mut after) = (context_lines_before, context_lines_after);
        // A very long line (minified JSON) is cut around the span, without the lines
        // around it, so one snippet never prints a whole file.
        if window_end - window_start > MAX_SNIPPET && first_line == last_line {
            let line_start = self.lines.line_start(text, to_u32(first_line + 1));
            let line_end = self.lines.line_end(text, start);
            window_start = floor_char_boundary(text, start.saturating_sub(CUT).max(line_start));
            window_end = ceil_char_boundary(text, end.saturating_add(CUT).min(line_end).max(end));
            (first, before, after) = (first_line, before.min(1), after.min(1));
        }
        let window = text.get(window_start..window_end).unwrap_or("");
        let inner_span = SourceSpan::from((start - window_start, span.len()));
        let inner = window.read_span(&inner_span, before, after)?;
        // A cut line's first column is not the line's first (miette counts columns in
        // bytes).
        let line_start = self.lines.line_start(text, to_u32(first + 1));
        let column = match inner.line() {
            0 => inner.column() + (window_start - line_start),
            _ => inner.column(),
        };
        Ok(Box::new(MietteSpanContents::new(
            inner.data(),
            SourceSpan::from((window_start + inner.span().offset(), inner.span().len())),
            first + inner.line(),
            column,
            first + inner.line_count(),
        )))
    }
}

/// Bytes of context beyond which a snippet's long line is cut.
const MAX_SNIPPET: usize = 4096;
/// Bytes kept on each side of the span on a cut line.
const CUT: usize = 160;

fn floor_char_boundary(text: &str, offset: usize) -> usize {
    clamp_to_char_boundary(text, offset)
}

fn ceil_char_boundary(text: &str, offset: usize) -> usize {
    let mut o = offset.min(text.len());
    while o < text.len() && !text.is_char_boundary(o) {
        o += 1;
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{line_col, line_start_offset};

    const TEXT: &str = "a = 1\nbé = 2\n\nlast é line";

    #[test]
    fn lines_and_columns_match_a_scan_from_the_start() {
        let index = LineIndex::new(TEXT);
        for offset in 0..=TEXT.len() + 3 {
            assert_eq!(
                index.line_col(TEXT, offset),
                line_col(TEXT, offset),
                "{offset}"
            );
        }
        for line in 0..7 {
            assert_eq!(
                index.line_start(TEXT, line),
                line_start_offset(TEXT, line),
                "{line}"
            );
        }
    }

    #[test]
    fn columns_on_a_long_line_count_characters_across_blocks() {
        let text = format!("{}\n{}x", "é".repeat(5000), "ü".repeat(3000));
        let index = LineIndex::new(&text);
        let x = text.len() - 1;
        assert_eq!(index.line_col(&text, x), (2, 3001));
        assert_eq!(index.line_col(&text, x), line_col(&text, x));
        let middle = 2 * 4321;
        assert_eq!(index.line_col(&text, middle), (1, 4322));
    }

    #[test]
    fn a_snippet_on_a_very_long_line_shows_only_its_neighbourhood() {
        let text = format!(
            "{{\"a\": \"{}\", \"address\": \"x\"}}\n",
            "é".repeat(10_000)
        );
        let source = IndexedSource::of(Arc::from(text.as_str()));
        let at = text.find("\"address").unwrap();
        let span = SourceSpan::from((at, 14));
        let ours = source.read_span(&span, 2, 2).unwrap();
        assert!(
            ours.data().len() <= 2 * CUT + 14 + 4,
            "{}",
            ours.data().len()
        );
        assert!(std::str::from_utf8(ours.data())
            .unwrap()
            .contains("\"address\": \"x\""));
        assert_eq!(ours.line(), 0);
        // The column a span starting there has in the whole text.
        let whole = text.as_str().read_span(&span, 0, 0).unwrap();
        let first = source.read_span(&span, 0, 0).unwrap();
        assert_eq!(first.column(), whole.column());
        assert_eq!(first.column(), 20_010);
    }

    #[test]
    fn a_snippet_reads_the_same_lines_as_the_whole_text() {
        let text: String = (1..=50).map(|i| format!("line {i} é\n")).collect();
        let source = IndexedSource::of(Arc::from(text.as_str()));
        let at = text.find("line 30").unwrap();
        for (before, after) in [(0, 0), (2, 2), (40, 40)] {
            let span = SourceSpan::from((at, 7));
            let ours = source.read_span(&span, before, after).unwrap();
            let theirs = text.as_str().read_span(&span, before, after).unwrap();
            assert_eq!(ours.data(), theirs.data());
            assert_eq!(ours.span(), theirs.span());
            assert_eq!(ours.line(), theirs.line());
            assert_eq!(ours.column(), theirs.column());
            assert_eq!(ours.line_count(), theirs.line_count());
        }
    }
}
