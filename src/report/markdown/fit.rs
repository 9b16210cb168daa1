//! Fitting the comment into the host's limit: sections of items that can be cut from the end,
//! each leaving a note that says how many are not shown.

use rust_decimal::Decimal;

use super::COMMENT_LIMIT;

/// A list that may be cut to fit the limit: its heading, items and closing text.
pub(super) struct Section {
    head: String,
    items: Vec<String>,
    tail: String,
    kept: usize,
    /// What to call the items in the "not shown" note.
    noun: &'static str,
    /// Keep the heading when every item is cut (a count worth seeing); else the section
    /// shrinks to its note.
    head_when_empty: bool,
    /// The host's limit, as the "not shown" note states it.
    shown_limit: usize,
}

impl Section {
    pub(super) fn new(
        head: String,
        items: Vec<String>,
        tail: String,
        noun: &'static str,
    ) -> Section {
        let kept = items.len();
        Section {
            head,
            items,
            tail,
            kept,
            noun,
            head_when_empty: false,
            shown_limit: COMMENT_LIMIT,
        }
    }

    pub(super) fn keeping_head(mut self) -> Section {
        self.head_when_empty = true;
        self
    }

    /// Whether the heading and closing text are shown.
    fn framed(&self) -> bool {
        self.kept > 0 || self.items.is_empty() || self.head_when_empty
    }

    pub(super) fn fixed(text: String) -> Section {
        Section::new(text, Vec::new(), String::new(), "")
    }

    fn omission(&self) -> String {
        let hidden = self.items.len() - self.kept;
        if hidden == 0 {
            return String::new();
        }
        format!(
            "\n_… {hidden} more {} not shown: the comment is limited to {} characters. The full list is in the job output (`aicost-policy diff`)._\n",
            self.noun,
            thousands(self.shown_limit)
        )
    }

    fn render(&self, out: &mut String) {
        if self.framed() {
            out.push_str(&self.head);
        }
        for item in self.items.iter().take(self.kept) {
            out.push_str(item);
        }
        out.push_str(&self.omission());
        if self.framed() {
            out.push_str(&self.tail);
        }
    }

    fn chars(&self) -> usize {
        let items: usize = self
            .items
            .iter()
            .take(self.kept)
            .map(|i| i.chars().count())
            .sum();
        let frame = if self.framed() {
            self.head.chars().count() + self.tail.chars().count()
        } else {
            0
        };
        frame + items + self.omission().chars().count()
    }
}

/// Joins the sections, cutting items from sections in `cut_order` (indices, least
/// important first) until the text fits in `limit` characters.
pub(super) fn assemble(sections: Vec<Section>, cut_order: &[usize], limit: usize) -> String {
    assemble_within(sections, cut_order, limit, COMMENT_LIMIT)
}

/// [`assemble`], the "not shown" notes naming `shown_limit` (the host's limit; `limit`
/// leaves room for the marker line).
pub(super) fn assemble_within(
    mut sections: Vec<Section>,
    cut_order: &[usize],
    limit: usize,
    shown_limit: usize,
) -> String {
    for section in &mut sections {
        section.shown_limit = shown_limit;
    }
    let mut total: usize = sections.iter().map(Section::chars).sum();
    for index in cut_order {
        if total <= limit {
            break;
        }
        let Some(section) = sections.get_mut(*index) else {
            continue;
        };
        let before = section.chars();
        // Drop items from the end until this section has given back enough, or is empty;
        // the omission note grows by a few characters, so measure again after.
        let mut excess = total.saturating_sub(limit);
        while section.kept > 0 && excess > 0 {
            section.kept -= 1;
            let freed = section
                .items
                .get(section.kept)
                .map_or(0, |i| i.chars().count());
            excess = excess.saturating_sub(freed);
        }
        while section.kept > 0 && total - before + section.chars() > limit {
            section.kept -= 1;
        }
        total = total - before + section.chars();
    }
    let mut out = String::new();
    for s in &sections {
        s.render(&mut out);
    }
    if out.chars().count() > limit {
        // Only the fixed parts are left and they are still too long: cut the text itself.
        let mut cut: String = out.chars().take(limit.saturating_sub(80)).collect();
        cut.push_str("\n\n_… cut at the comment size limit._\n");
        return cut;
    }
    out
}

fn thousands(n: usize) -> String {
    crate::model::grouped(Decimal::from(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("- item {i:03}\n")).collect()
    }

    #[test]
    fn text_that_fits_is_left_whole() {
        let sections = vec![
            Section::fixed("head\n".to_string()),
            Section::new(
                "list:\n".to_string(),
                items(3),
                "end\n".to_string(),
                "items",
            ),
        ];
        let text = "head\nlist:\n- item 000\n- item 001\n- item 002\nend\n";
        assert_eq!(assemble(sections, &[1], text.chars().count()), text);
    }

    #[test]
    fn the_first_section_in_cut_order_loses_items_from_its_end_with_a_note() {
        let sections = vec![
            Section::new(String::new(), items(2), String::new(), "kept"),
            Section::new(
                "<d>\n".to_string(),
                items(100),
                "</d>\n".to_string(),
                "rows",
            ),
        ];
        let out = assemble(sections, &[1, 0], 400);
        assert!(out.chars().count() <= 400);
        let shown = out.lines().filter(|l| l.starts_with("- item")).count();
        // Both of the first section's items are kept; the second gave back the rest.
        assert!(
            out.starts_with("- item 000\n- item 001\n<d>\n- item 000\n"),
            "{out}"
        );
        assert!(out.contains(&format!(
            "_… {} more rows not shown: the comment is limited to 65,536 characters.",
            102 - shown
        )));
        assert!(out.ends_with("</d>\n"), "{out}");
    }

    #[test]
    fn the_note_states_the_hosts_limit() {
        let rows = Section::new(String::new(), items(100), String::new(), "rows");
        let out = assemble_within(vec![rows], &[0], 400, 1_000_000);
        assert!(out.chars().count() <= 400);
        let shown = out.lines().filter(|l| l.starts_with("- item")).count();
        assert!(
            out.ends_with(&format!(
                "_… {} more rows not shown: the comment is limited to 1,000,000 characters. The full list is in the job output (`aicost-policy diff`)._\n",
                100 - shown
            )),
            "{out}"
        );
    }

    #[test]
    fn an_emptied_section_keeps_only_its_note_unless_its_heading_counts() {
        let collapsed = Section::new("<d>\n".to_string(), items(50), "</d>\n".to_string(), "rows");
        let counted = Section::new(
            "## 50 failures\n".to_string(),
            items(50),
            String::new(),
            "failures",
        )
        .keeping_head();
        let out = assemble(vec![collapsed, counted], &[0, 1], 300);
        assert!(!out.contains("<d>"), "{out}");
        assert!(out.contains("_… 50 more rows not shown"), "{out}");
        assert!(out.contains("## 50 failures\n"), "{out}");
        assert!(out.chars().count() <= 300, "{}", out.chars().count());
    }

    #[test]
    fn limits_count_characters_not_bytes() {
        let wide: Vec<String> = (0..10).map(|_| "- ✅✅✅✅\n".to_string()).collect();
        let bytes: usize = wide.iter().map(String::len).sum();
        let chars: usize = wide.iter().map(|w| w.chars().count()).sum();
        assert!(bytes > chars);
        let out = assemble(
            vec![Section::new(String::new(), wide, String::new(), "x")],
            &[0],
            chars,
        );
        assert_eq!(out.chars().count(), chars);
    }

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(65_536), "65,536");
        assert_eq!(thousands(7), "7");
    }
}
