//! YAML streams parsed into a small tree that keeps the byte span of every node, with
//! limits on aliases, depth and size so a hostile file cannot exhaust memory.
//!
//! Built on granit-parser's event stream (the parser under serde-saphyr). The text is first cut into documents at `---`
//! lines (YAML forbids such a line inside any scalar, so the cut is the one the parser
//! would make): a document over the size limit is refused unread, and a syntax error,
//! after which a parser cannot go on, costs only its own document.
//!
//! Spans are byte offsets into the whole file. A node's span covers what is written for
//! it: a block collection ends at the end of its last entry, a block scalar's span stops
//! before the line break after it, and a value that came from an alias has the alias's
//! span (its inner nodes keep those of the anchored node).

mod builder;

use std::cell::OnceCell;

use granit_parser::{Event, Parser};

use self::builder::{Builder, CharOffsets};
use crate::model::LineIndex;
pub use crate::model::Span;

/// A YAML node and where it is in the file.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: NodeValue,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum NodeValue {
    Null,
    /// A scalar as written. `plain` is true for unquoted scalars: `8` may be read as a
    /// number where a number is wanted, `"8"` stays text.
    Scalar {
        text: String,
        plain: bool,
    },
    Seq(Vec<Node>),
    /// Entries in document order (keys merged in with `<<` come after the others); keys
    /// are scalars and never repeat.
    Map(Vec<(String, Node)>),
}

/// One document of a stream.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    pub root: Node,
    /// The whole document, from its first content line (after `---` and comments) to its
    /// end: the span of the root node.
    pub span: Span,
}

/// Why a document could not be read, and where (byte offset in the file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentError {
    pub offset: usize,
    pub message: String,
    /// The text the document was cut from (from its `---` line to the next), for hints.
    pub document: Span,
    /// Whether the text is not YAML at all (as opposed to YAML this loader refuses: too
    /// large, too deep, duplicate keys). The message then starts with `invalid YAML: `.
    pub syntax: bool,
}

impl DocumentError {
    /// Whether the parser rejected the text (bad indentation, an unrendered template).
    pub fn is_syntax_error(&self) -> bool {
        self.syntax
    }
}

/// Bounds on what one document may expand to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Nodes per document after aliases are expanded.
    pub max_nodes: usize,
    /// Nesting depth.
    pub max_depth: usize,
    /// Bytes per document.
    pub max_document_bytes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_nodes: 1_000_000,
            max_depth: 128,
            max_document_bytes: 8 * 1024 * 1024,
        }
    }
}

/// Parses every document of a stream; a broken document does not stop the others. Empty
/// documents (nothing but comments, or `---` alone) give nothing.
pub fn parse_stream(text: &str, limits: &Limits) -> Vec<Result<Document, DocumentError>> {
    let mut out = Vec::new();
    // Built only if a message needs a line number.
    let lines = OnceCell::new();
    for (start, end) in split_documents(text) {
        if end - start > limits.max_document_bytes {
            let segment = text.get(start..end).unwrap_or("");
            out.push(Err(DocumentError {
                offset: start + content_start(segment),
                message: format!(
                    "the document is {} bytes, over the {}-byte limit for one YAML document; refusing to read it",
                    end - start,
                    limits.max_document_bytes
                ),
                document: (start, end),
                syntax: false,
            }));
            continue;
        }
        parse_segment(text, &lines, (start, end), limits, &mut out);
    }
    out
}

/// Byte ranges of the documents: cut before every `---` line, and before the directives
/// (`%YAML`, `%TAG`) that precede one.
fn split_documents(text: &str) -> Vec<(usize, usize)> {
    let mut starts = vec![0];
    let mut line_start = 0;
    let mut directives: Option<usize> = None;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        if is_document_start(body) {
            let at = directives.unwrap_or(line_start);
            if starts.last().is_some_and(|last| at > *last) {
                starts.push(at);
            }
            directives = None;
        } else if body.starts_with('%') {
            directives.get_or_insert(line_start);
        } else if !is_blank_or_comment(body) {
            directives = None;
        }
        line_start += line.len();
    }
    let ends = starts.iter().skip(1).copied().chain([text.len()]);
    starts.iter().copied().zip(ends).collect()
}

fn is_document_start(line: &str) -> bool {
    line.strip_prefix("---")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
}

fn is_blank_or_comment(line: &str) -> bool {
    let t = line.trim_start();
    t.is_empty() || t.starts_with('#')
}

/// The offset of the first line with content (not `---`, blank or a comment).
fn content_start(segment: &str) -> usize {
    let mut at = 0;
    for line in segment.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        if !is_blank_or_comment(body) && !is_document_start(body) {
            return at;
        }
        at += line.len();
    }
    0
}

/// Parses one cut of the text (usually one document; more when `...` separates them).
fn parse_segment(
    text: &str,
    lines: &OnceCell<LineIndex>,
    segment: Span,
    limits: &Limits,
    out: &mut Vec<Result<Document, DocumentError>>,
) {
    let Some(source) = text.get(segment.0..segment.1) else {
        return;
    };
    let offsets = CharOffsets::new(source);
    let mut builder = Builder::new(text, lines, segment, &offsets, limits);
    let mut failed: Option<DocumentError> = None;
    for item in Parser::new_from_str(source) {
        let (event, marks) = match item {
            Ok(x) => x,
            Err(e) => {
                // The first problem of the document is the one to fix.
                let error = failed.take().unwrap_or_else(|| DocumentError {
                    syntax: true,
                    ..builder.error(
                        builder.offset(*e.marker()),
                        format!("invalid YAML: {}", e.info()),
                    )
                });
                out.push(Err(error));
                return;
            }
        };
        match event {
            Event::DocumentStart(..) => {
                builder.reset();
                failed = None;
            }
            Event::DocumentEnd => {
                if let Some(error) = failed.take() {
                    out.push(Err(error));
                } else if let Some(root) = builder.root.take() {
                    if root.value != NodeValue::Null {
                        out.push(Ok(Document {
                            span: root.span,
                            root,
                        }));
                    }
                }
                builder.reset();
            }
            Event::StreamEnd => break,
            event => {
                if failed.is_none() {
                    if let Err(e) = builder.event(event, marks) {
                        failed = Some(e);
                        builder.reset();
                    }
                }
            }
        }
    }
}

impl Node {
    /// The value under `key` of a map.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            NodeValue::Map(entries) => entries.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The node at a dotted path of map keys (`spec.template.spec`).
    pub fn path(&self, path: &str) -> Option<&Node> {
        path.split('.').try_fold(self, |node, key| node.get(key))
    }

    /// The text of a scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            NodeValue::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// The items of a sequence (empty for anything else).
    pub fn items(&self) -> &[Node] {
        match &self.value {
            NodeValue::Seq(items) => items,
            _ => &[],
        }
    }

    /// The entries of a map (empty for anything else).
    pub fn entries(&self) -> &[(String, Node)] {
        match &self.value {
            NodeValue::Map(entries) => entries,
            _ => &[],
        }
    }
}

#[cfg(test)]
mod tests;
