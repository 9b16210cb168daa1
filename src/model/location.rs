//! Where something is in the user's files: a repository-relative path, 1-based lines and
//! columns, and the byte span used to draw source snippets.

use std::sync::Arc;

use serde::Serialize;

/// A byte range in a file.
pub type Span = (usize, usize);

/// A position in an input file. `file` is relative to the repository root and always uses
/// forward slashes, so reports are identical across machines.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Location {
    pub file: Arc<str>,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    /// Byte offsets into the file, for source snippets.
    #[serde(skip)]
    pub span: (usize, usize),
}

impl Location {
    /// Builds a location from a byte span in `source`.
    pub fn from_span(file: Arc<str>, source: &str, start: usize, end: usize) -> Location {
        let (line, column) = line_col(source, start);
        let (end_line, _) = line_col(source, end.max(start));
        Location {
            file,
            line,
            column,
            end_line,
            span: (start, end.max(start)),
        }
    }

    /// A location for a whole file when nothing more precise is known.
    pub fn file_start(file: Arc<str>) -> Location {
        Location {
            file,
            line: 1,
            column: 1,
            end_line: 1,
            span: (0, 0),
        }
    }

    /// The same place, as a one-line location (the first line of this one).
    pub fn first_line(&self) -> Location {
        Location {
            end_line: self.line,
            ..self.clone()
        }
    }
}

/// 1-based line and column (in characters) of byte `offset` in `source`.
pub fn line_col(source: &str, offset: usize) -> (u32, u32) {
    let offset = clamp_to_char_boundary(source, offset);
    let before = source.get(..offset).unwrap_or("");
    let line = before.bytes().filter(|b| *b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (to_u32(line), to_u32(column))
}

/// Byte offset of the start of 1-based `line` in `source`.
pub fn line_start_offset(source: &str, line: u32) -> usize {
    if line <= 1 {
        return 0;
    }
    let mut seen = 1;
    for (i, b) in source.bytes().enumerate() {
        if b == b'\n' {
            seen += 1;
            if seen == line {
                return i + 1;
            }
        }
    }
    source.len()
}

fn clamp_to_char_boundary(source: &str, offset: usize) -> usize {
    let mut o = offset.min(source.len());
    while o > 0 && !source.is_char_boundary(o) {
        o -= 1;
    }
    o
}

/// A count or offset as a line or column number, saturating.
pub fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based() {
        let src = "a = 1\nbé = 2\n";
        assert_eq!(line_col(src, 0), (1, 1));
        assert_eq!(line_col(src, 6), (2, 1));
        // the byte after the two-byte 'é' is the third character
        assert_eq!(line_col(src, 9), (2, 3));
        assert_eq!(line_start_offset(src, 2), 6);
    }

    #[test]
    fn offsets_past_the_end_are_clamped() {
        assert_eq!(line_col("x\ny", 99), (2, 2));
    }
}
