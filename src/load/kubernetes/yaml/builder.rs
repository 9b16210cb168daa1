//! The tree builder: turns granit-parser events into [`Node`]s with byte spans, counting
//! nodes, depth and copied text as they are built so that alias expansion is refused
//! before it allocates.

use std::cell::OnceCell;
use std::collections::HashMap;

use granit_parser::{Event, Marker, ScalarStyle, Span as Marks, Tag};

use super::{DocumentError, Limits, Node, NodeValue, Span};
use crate::model::LineIndex;

/// Character index → byte offset (the parser counts characters).
pub(super) struct CharOffsets<'a> {
    text: &'a str,
    /// Byte offset of every `STRIDE`-th character; `None` when the text is ASCII.
    checkpoints: Option<Vec<usize>>,
}

const STRIDE: usize = 256;

impl<'a> CharOffsets<'a> {
    pub(super) fn new(text: &'a str) -> CharOffsets<'a> {
        let checkpoints = (!text.is_ascii()).then(|| {
            text.char_indices()
                .step_by(STRIDE)
                .map(|(i, _)| i)
                .collect()
        });
        CharOffsets { text, checkpoints }
    }

    fn byte(&self, index: usize) -> usize {
        let len = self.text.len();
        let Some(checkpoints) = &self.checkpoints else {
            return index.min(len);
        };
        let Some(from) = checkpoints.get(index / STRIDE).copied() else {
            return len;
        };
        self.text
            .get(from..)
            .and_then(|t| t.char_indices().nth(index % STRIDE))
            .map_or(len, |(i, _)| from + i)
    }
}

/// A node already counted: how many nodes it holds and how many collections deep it is.
struct Sized {
    node: Node,
    size: usize,
    height: usize,
    /// Bytes of text (scalars) in it.
    bytes: usize,
}

struct Frame {
    start: usize,
    anchor: usize,
    /// Nodes so far, this collection included.
    size: usize,
    /// Height of the tallest child.
    height: usize,
    bytes: usize,
    /// End of the last child.
    last_end: usize,
    collection: Collection,
}

enum Collection {
    Seq(Vec<Node>),
    Map(MapBuilder),
}

/// A map being read: its entries, the key waiting for its value, and `<<` merges.
#[derive(Default)]
struct MapBuilder {
    entries: Vec<(String, Node)>,
    key_offsets: Vec<usize>,
    /// Key → entry, built once the map is large enough for a linear scan to be slow.
    index: HashMap<String, usize>,
    pending: Option<PendingKey>,
    merges: Vec<(Node, usize)>,
}

struct PendingKey {
    text: String,
    offset: usize,
    merge: bool,
}

impl MapBuilder {
    fn position(&mut self, key: &str) -> Option<usize> {
        if self.entries.len() < 16 {
            return self.entries.iter().position(|(k, _)| k == key);
        }
        for (i, (k, _)) in self.entries.iter().enumerate().skip(self.index.len()) {
            self.index.entry(k.clone()).or_insert(i);
        }
        self.index.get(key).copied()
    }

    fn push(&mut self, key: String, offset: usize, node: Node) {
        self.entries.push((key, node));
        self.key_offsets.push(offset);
    }
}

/// Builds the tree of one document from events, counting nodes as it goes.
pub(super) struct Builder<'a> {
    text: &'a str,
    lines: &'a OnceCell<LineIndex>,
    segment: Span,
    offsets: &'a CharOffsets<'a>,
    limits: &'a Limits,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Sized>,
    nodes: usize,
    /// Bytes of text copied by aliases.
    alias_bytes: usize,
    /// Whether an alias has been expanded (for the message when the count is exceeded).
    expanded: bool,
    pub(super) root: Option<Node>,
}

impl<'a> Builder<'a> {
    pub(super) fn new(
        text: &'a str,
        lines: &'a OnceCell<LineIndex>,
        segment: Span,
        offsets: &'a CharOffsets<'a>,
        limits: &'a Limits,
    ) -> Builder<'a> {
        Builder {
            text,
            lines,
            segment,
            offsets,
            limits,
            stack: Vec::new(),
            anchors: HashMap::new(),
            nodes: 0,
            alias_bytes: 0,
            expanded: false,
            root: None,
        }
    }

    pub(super) fn reset(&mut self) {
        self.stack.clear();
        self.anchors.clear();
        self.nodes = 0;
        self.alias_bytes = 0;
        self.expanded = false;
        self.root = None;
    }

    pub(super) fn offset(&self, marker: Marker) -> usize {
        let within = marker
            .byte_offset()
            .unwrap_or_else(|| self.offsets.byte(marker.index()));
        self.segment.0 + within
    }

    pub(super) fn error(&self, offset: usize, message: impl Into<String>) -> DocumentError {
        DocumentError {
            offset,
            message: message.into(),
            document: self.segment,
            syntax: false,
        }
    }

    /// The map waiting for a key, if the next node is one.
    fn key_position(&mut self) -> Option<&mut MapBuilder> {
        match self.stack.last_mut().map(|f| &mut f.collection) {
            Some(Collection::Map(map)) if map.pending.is_none() => Some(map),
            _ => None,
        }
    }

    fn count(&mut self, n: usize, at: usize) -> Result<(), DocumentError> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes <= self.limits.max_nodes {
            return Ok(());
        }
        let max = self.limits.max_nodes;
        Err(self.error(
            at,
            if self.expanded {
                format!("the document would expand to more than {max} nodes through its aliases; refusing to read it")
            } else {
                format!("the document has more than {max} nodes; refusing to read it")
            },
        ))
    }

    /// `depth` counts the collections around the deepest one (the root's is 0).
    fn check_depth(&self, depth: usize, at: usize) -> Result<(), DocumentError> {
        if depth <= self.limits.max_depth {
            return Ok(());
        }
        Err(self.error(
            at,
            format!(
                "the document nests more than {} levels deep; refusing to read it",
                self.limits.max_depth
            ),
        ))
    }

    /// Text copied by aliases is bounded like the document itself, so a long string
    /// aliased many times is refused before it is copied.
    fn count_bytes(&mut self, bytes: usize, at: usize) -> Result<(), DocumentError> {
        self.alias_bytes = self.alias_bytes.saturating_add(bytes);
        if self.alias_bytes <= self.limits.max_document_bytes {
            return Ok(());
        }
        Err(self.error(
            at,
            format!(
                "the document would expand to more than {} bytes through its aliases; refusing to read it",
                self.limits.max_document_bytes
            ),
        ))
    }

    fn complex_key(&self, at: usize) -> DocumentError {
        self.error(at, "a mapping key must be a scalar, not a map or a list")
    }

    pub(super) fn event(&mut self, event: Event<'_>, marks: Marks) -> Result<(), DocumentError> {
        let start = self.offset(marks.start);
        let end = self.offset(marks.end).max(start);
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let end = trimmed_end(self.text, start, end);
                let node = scalar(text.into_owned(), style, tag.as_deref(), (start, end));
                let bytes = match &node.value {
                    NodeValue::Scalar { text, .. } => text.len(),
                    _ => 0,
                };
                if anchor != 0 {
                    self.anchors.insert(
                        anchor,
                        Sized {
                            node: node.clone(),
                            size: 1,
                            height: 0,
                            bytes,
                        },
                    );
                }
                if self.key_position().is_some() {
                    let merge = matches!(&node.value, NodeValue::Scalar { text, plain: true } if text == "<<");
                    let text = match node.value {
                        NodeValue::Scalar { text, .. } => text,
                        _ => self.text.get(start..end).unwrap_or("").to_string(),
                    };
                    // A key is a node too: aliasing a map copies its keys.
                    self.count(1, start)?;
                    let Some(map) = self.key_position() else {
                        return Ok(());
                    };
                    map.pending = Some(PendingKey {
                        text,
                        offset: start,
                        merge,
                    });
                    return Ok(());
                }
                self.count(1, start)?;
                self.attach(Sized {
                    node,
                    size: 1,
                    height: 0,
                    bytes,
                })
            }
            Event::Alias(id) => self.alias(id, (start, end)),
            Event::SequenceStart(_, anchor, _) | Event::MappingStart(_, anchor, _) => {
                if self.key_position().is_some() {
                    return Err(self.complex_key(start));
                }
                self.count(1, start)?;
                self.check_depth(self.stack.len(), start)?;
                let collection = if matches!(event, Event::SequenceStart(..)) {
                    Collection::Seq(Vec::new())
                } else {
                    Collection::Map(MapBuilder::default())
                };
                self.stack.push(Frame {
                    start,
                    anchor,
                    size: 1,
                    height: 0,
                    bytes: 0,
                    last_end: start,
                    collection,
                });
                Ok(())
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Ok(());
                };
                // A flow collection's end event covers its bracket; a block one's is empty.
                let end = if end > start { end } else { frame.last_end };
                let value = match frame.collection {
                    Collection::Seq(items) => NodeValue::Seq(items),
                    Collection::Map(map) => NodeValue::Map(self.merged(map)?),
                };
                let sized = Sized {
                    node: Node {
                        value,
                        span: (frame.start, end),
                    },
                    size: frame.size,
                    height: frame.height + 1,
                    bytes: frame.bytes,
                };
                if frame.anchor != 0 {
                    // Inside another anchored node the kept copy is counted too: nested
                    // anchors would otherwise each copy their whole subtree (depth x size,
                    // gigabytes from a small file) with no alias at all.
                    if self.stack.iter().any(|f| f.anchor != 0) {
                        self.expanded = true;
                        self.count(sized.size, frame.start)?;
                    }
                    self.anchors.insert(
                        frame.anchor,
                        Sized {
                            node: sized.node.clone(),
                            ..sized
                        },
                    );
                }
                self.attach(sized)
            }
            _ => Ok(()),
        }
    }

    /// An alias: a copy of the anchored node, counted (and refused) before it is made.
    fn alias(&mut self, id: usize, span: Span) -> Result<(), DocumentError> {
        let is_key = self.key_position().is_some();
        let Some(anchored) = self.anchors.get(&id) else {
            return Err(self.error(
                span.0,
                "the alias refers to a node that contains it; refusing to read it",
            ));
        };
        if is_key {
            let NodeValue::Scalar { text, .. } = &anchored.node.value else {
                return Err(self.complex_key(span.0));
            };
            let pending = PendingKey {
                text: text.clone(),
                offset: span.0,
                merge: false,
            };
            self.count(1, span.0)?;
            if let Some(map) = self.key_position() {
                map.pending = Some(pending);
            }
            return Ok(());
        }
        let (size, height, bytes) = (anchored.size, anchored.height, anchored.bytes);
        self.expanded = true;
        self.count(size, span.0)?;
        self.count_bytes(bytes, span.0)?;
        self.check_depth((self.stack.len() + height).saturating_sub(1), span.0)?;
        let Some(anchored) = self.anchors.get(&id) else {
            return Ok(());
        };
        let mut node = anchored.node.clone();
        node.span = span;
        self.attach(Sized {
            node,
            size,
            height,
            bytes,
        })
    }

    /// Adds a finished node to its parent (or makes it the root).
    fn attach(&mut self, sized: Sized) -> Result<(), DocumentError> {
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some(sized.node);
            return Ok(());
        };
        frame.size = frame.size.saturating_add(sized.size);
        frame.bytes = frame.bytes.saturating_add(sized.bytes);
        frame.height = frame.height.max(sized.height);
        frame.last_end = frame.last_end.max(sized.node.span.1);
        let map = match &mut frame.collection {
            Collection::Seq(items) => {
                items.push(sized.node);
                return Ok(());
            }
            Collection::Map(map) => map,
        };
        let Some(key) = map.pending.take() else {
            return Ok(());
        };
        frame.size = frame.size.saturating_add(1);
        frame.bytes = frame.bytes.saturating_add(key.text.len());
        if key.merge {
            map.merges.push((sized.node, key.offset));
            return Ok(());
        }
        if let Some(i) = map.position(&key.text) {
            let first = map.key_offsets.get(i).copied().unwrap_or(0);
            let (line, _) = self
                .lines
                .get_or_init(|| LineIndex::new(self.text))
                .line_col(self.text, first);
            return Err(self.error(
                key.offset,
                format!(
                    "duplicate key `{}` (first on line {line}); kubectl rejects duplicate keys, keep one",
                    key.text
                ),
            ));
        }
        map.push(key.text, key.offset, sized.node);
        Ok(())
    }

    /// The entries of a finished map with its `<<` merges applied: keys written in the map
    /// win over merged ones, and an earlier merged map wins over a later one.
    fn merged(&self, mut map: MapBuilder) -> Result<Vec<(String, Node)>, DocumentError> {
        for (source, offset) in std::mem::take(&mut map.merges) {
            let sources = match source.value {
                NodeValue::Map(_) => vec![source],
                NodeValue::Seq(items)
                    if items.iter().all(|i| matches!(i.value, NodeValue::Map(_))) =>
                {
                    items
                }
                _ => {
                    return Err(
                        self.error(offset, "the merge key `<<` takes a map or a list of maps")
                    )
                }
            };
            for source in sources {
                let NodeValue::Map(entries) = source.value else {
                    continue;
                };
                for (key, node) in entries {
                    if map.position(&key).is_none() {
                        let at = node.span.0;
                        map.push(key, at, node);
                    }
                }
            }
        }
        Ok(map.entries)
    }
}

/// The end of a scalar without the line breaks and indentation a block scalar's span takes.
fn trimmed_end(text: &str, start: usize, end: usize) -> usize {
    text.get(start..end)
        .map_or(end, |s| start + s.trim_end().len())
}

fn scalar(text: String, style: ScalarStyle, tag: Option<&Tag>, span: Span) -> Node {
    let tagged_str = tag.is_some_and(|t| {
        (t.handle() == "tag:yaml.org,2002:" || t.handle() == "!!") && t.suffix() == "str"
    });
    let plain = style == ScalarStyle::Plain && !tagged_str;
    let value = if plain && matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL") {
        NodeValue::Null
    } else {
        NodeValue::Scalar { text, plain }
    };
    Node { value, span }
}
