//! YAML streams parsed into a small tree that keeps the byte span of every node, with
//! limits on aliases, depth and size so a hostile file cannot exhaust memory.
//! (Interface fixed; the parser is being written.)

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
    /// Entries in document order; keys are scalars.
    Map(Vec<(String, Node)>),
}

/// One document of a stream.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    pub root: Node,
    /// The whole document, from its first line (after `---`) to its end.
    pub span: Span,
}

/// Why a document could not be read, and where (byte offset in the file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentError {
    pub offset: usize,
    pub message: String,
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

/// Parses every document of a stream; a broken document does not stop the others.
pub fn parse_stream(_text: &str, _limits: &Limits) -> Vec<Result<Document, DocumentError>> {
    Vec::new()
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
