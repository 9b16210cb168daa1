//! The findings waivers suppress: who waived what, until when and why, folded away so a
//! comment leads with what fails.

use super::escape::{code, text};
use super::fit::Section;
use super::{place, plural, Links, Report};
use crate::model::Status;

pub(super) fn section(report: &Report, links: Option<&Links>) -> Section {
    let items: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Suppressed)
        .filter_map(|f| {
            let s = f.suppression.as_ref()?;
            let by = s
                .owner
                .as_ref()
                .map_or(String::new(), |o| format!(" by {}", text(o)));
            let until = s.expires.map_or(String::new(), |d| format!(" until {d}"));
            let at = s.location.as_ref().map_or(String::new(), |l| {
                format!(" ({})", place(&l.file, l.line, links))
            });
            Some(format!(
                "- **{}** {}: waived{by}{until}{at}: {}\n",
                text(&f.policy_id),
                code(&f.address),
                text(&s.reason)
            ))
        })
        .collect();
    if items.is_empty() {
        return Section::fixed(String::new());
    }
    Section::new(
        format!(
            "\n<details><summary>🔕 {}</summary>\n\n",
            plural(items.len(), "waived finding", "waived findings")
        ),
        items,
        "\n</details>\n".to_string(),
        "waived findings",
    )
}
