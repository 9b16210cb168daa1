//! Spans of nodes that were copied into a document from another file.
//!
//! A document built by kustomize is its resource file's tree with values from patches and
//! from the kustomization file merged in. Every node keeps one `Span`; nodes from the
//! resource file keep their offsets in it, and nodes from elsewhere get offsets in a
//! *virtual* range above [`VIRTUAL_START`], which no real file reaches. [`Regions`] maps a
//! virtual offset back to its file and offset there, so a finding about a replica count set
//! by an overlay's patch points at the patch's line. It must not be used for anything but
//! locations: virtual offsets index no text.

use std::sync::Arc;

use super::yaml::{Node, NodeValue, Span};
use crate::load::source::SourceFile;
use crate::model::Location;

/// The first virtual offset. A file this large cannot be held in memory, so a real offset
/// never reaches it.
pub const VIRTUAL_START: usize = usize::MAX / 2 + 1;

/// Whether `offset` is a virtual one (a node copied from another file).
pub fn is_virtual(offset: usize) -> bool {
    offset >= VIRTUAL_START
}

/// A run of virtual offsets and where it came from.
#[derive(Clone, Debug)]
struct Region {
    /// The first virtual offset of the region.
    base: usize,
    len: usize,
    file: Arc<SourceFile>,
    /// The offset in `file` that `base` stands for.
    local: usize,
    /// How far back a key may be looked for before a value in this region (the start of
    /// the patch document, or the value itself for a value taken from a kustomization).
    floor: usize,
    /// Every offset of the region stands for `local` (text whose lines could not be matched
    /// to the file, such as a quoted multi-line inline patch).
    collapsed: bool,
}

/// Where an offset resolves to.
pub struct Resolved<'a> {
    pub file: &'a SourceFile,
    pub offset: usize,
    pub floor: usize,
    /// The offset stands for a whole region of text (see `Region::collapsed`).
    pub collapsed: bool,
}

/// Every virtual region handed out, in offset order.
#[derive(Debug, Default)]
pub struct Regions {
    list: Vec<Region>,
}

impl Regions {
    /// Reserves `len` virtual offsets standing for `file` from offset `local` on, keys
    /// looked for no further back than `floor`. `None` when the virtual range is used up
    /// (it never is by anything a file system can hold).
    pub fn add(
        &mut self,
        file: &Arc<SourceFile>,
        local: usize,
        len: usize,
        floor: usize,
        collapsed: bool,
    ) -> Option<usize> {
        let base = match self.list.last() {
            // One spare offset between regions, so a span's end never lands on the next one.
            Some(last) => last.base.checked_add(last.len)?.checked_add(1)?,
            None => VIRTUAL_START,
        };
        base.checked_add(len)?;
        self.list.push(Region {
            base,
            len,
            file: file.clone(),
            local,
            floor: floor.min(local),
            collapsed,
        });
        Some(base)
    }

    /// Reserves `len` virtual offsets for text whose pieces come from different places in
    /// `file` (an inline patch: one piece per line, without the indentation the file has).
    /// `pieces` are (offset in the text, offset in the file), ascending, the first at 0.
    pub fn add_pieces(
        &mut self,
        file: &Arc<SourceFile>,
        len: usize,
        pieces: &[(usize, usize)],
        floor: usize,
    ) -> Option<usize> {
        if pieces.first().is_none_or(|(at, _)| *at != 0) {
            return None;
        }
        let base = match self.list.last() {
            Some(last) => last.base.checked_add(last.len)?.checked_add(1)?,
            None => VIRTUAL_START,
        };
        base.checked_add(len)?;
        let ends = pieces.iter().skip(1).map(|(at, _)| *at).chain([len]);
        for ((at, local), end) in pieces.iter().zip(ends) {
            self.list.push(Region {
                base: base.checked_add(*at)?,
                len: end.saturating_sub(*at),
                file: file.clone(),
                local: *local,
                floor: floor.min(*local),
                collapsed: false,
            });
        }
        Some(base)
    }

    /// The file and offset a virtual `offset` stands for.
    pub fn resolve(&self, offset: usize) -> Option<Resolved<'_>> {
        let region = self.region(offset)?;
        let within = if region.collapsed {
            0
        } else {
            offset.saturating_sub(region.base)
        };
        Some(Resolved {
            file: &region.file,
            offset: region.local.saturating_add(within),
            floor: region.floor,
            collapsed: region.collapsed,
        })
    }

    /// The location of a span when it is virtual; `None` for a real one.
    pub fn location(&self, span: Span) -> Option<Location> {
        if !is_virtual(span.0) {
            return None;
        }
        let start = self.resolve(span.0)?;
        // The last byte is looked up on its own: inline patches have one region per line,
        // so a node over several lines ends in another region of the same file.
        let end = match span.1.checked_sub(1).filter(|last| *last >= span.0) {
            Some(last) if !start.collapsed => self
                .resolve(last)
                .filter(|e| std::ptr::eq(e.file, start.file) && !e.collapsed)
                .map_or(start.offset, |e| e.offset.saturating_add(1)),
            _ => start.offset,
        };
        Some(start.file.location((start.offset, end.max(start.offset))))
    }

    fn region(&self, offset: usize) -> Option<&Region> {
        let i = self.list.partition_point(|r| r.base <= offset);
        let region = self.list.get(i.checked_sub(1)?)?;
        (offset <= region.base.saturating_add(region.len)).then_some(region)
    }
}

/// Moves every span of `node` by `delta` (from a parsed text's offsets to its region's
/// virtual ones).
pub fn shift(node: &mut Node, delta: usize) {
    node.span = (
        node.span.0.saturating_add(delta),
        node.span.1.saturating_add(delta),
    );
    match &mut node.value {
        NodeValue::Seq(items) => items.iter_mut().for_each(|n| shift(n, delta)),
        NodeValue::Map(entries) => entries.iter_mut().for_each(|(_, n)| shift(n, delta)),
        NodeValue::Null | NodeValue::Scalar { .. } => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> Arc<SourceFile> {
        Arc::new(SourceFile::new(Arc::from("patch.yaml"), Arc::from(text)))
    }

    #[test]
    fn a_virtual_span_resolves_to_its_file_and_line() {
        let f = file("kind: Deployment\nspec:\n  replicas: 4\n");
        let mut regions = Regions::default();
        let at = f.text.find("4").unwrap();
        let base = regions.add(&f, 0, f.text.len(), 0, false).unwrap();
        assert_eq!(base, VIRTUAL_START);
        let loc = regions.location((base + at, base + at + 1)).unwrap();
        assert_eq!(
            (loc.file.as_ref(), loc.line, loc.column),
            ("patch.yaml", 3, 13)
        );
        assert_eq!(loc.span, (at, at + 1));
        assert!(regions.location((at, at + 1)).is_none());
        // A second region starts past the first, and resolves on its own.
        let second = regions.add(&f, at, 1, at, true).unwrap();
        assert!(second > base + f.text.len());
        let loc = regions.location((second, second + 1)).unwrap();
        assert_eq!((loc.line, loc.column), (3, 13));
        assert!(regions.location((second + 5, second + 6)).is_none());
    }
}
