//! Inline waivers written as comments next to a resource:
//!
//! ```hcl
//! # aicost-policy:waive AIC-GPU-003 expires=2027-03-31 -- benchmarks need on-demand until Q1
//! resource "aws_eks_node_group" "bench" {
//!   # aicost-policy:waive AIC-TAG-001 -- tagged by the platform team's pipeline
//! }
//! ```
//!
//! A waiver applies to the block it is written in, or to the block that starts right after
//! the comment lines it is part of. It names one or more policy ids, an optional expiry
//! date, and a reason after `--`, which is required: a waiver nobody can explain later is
//! not accepted.

use crate::load::{expiry_error, owner_name};
use crate::model::{Date, InlineWaiver, InputError, Suppression};

use super::ast::Span;
use super::config::SourceFile;

const MARKER: &str = "aicost-policy:waive";

/// The waivers for the block at `span` in `file`, and any malformed waiver comments.
pub fn block_waivers(
    file: &SourceFile,
    span: Span,
) -> (Vec<(String, Suppression)>, Vec<InputError>) {
    let text: &str = &file.text;
    let mut waivers = Vec::new();
    let mut errors = Vec::new();
    // JSON has no comments: a `.tf.json` block, or a planned resource located in the plan
    // JSON (whatever its name; often one line of megabytes, which this scan would read up
    // to the resource, once per resource). HCL never starts with `{`.
    if file.path.ends_with(".json") || file.text.trim_start().starts_with('{') {
        return (waivers, errors);
    }
    let start = comment_lines_above(text, span.0);
    let end = span.1.min(text.len());
    let Some(region) = text.get(start..end) else {
        return (waivers, errors);
    };
    let mut offset = start;
    for line in region.split_inclusive('\n') {
        if let Some(pos) = line.find(MARKER) {
            let before = line.get(..pos).unwrap_or("").trim_end();
            if before.ends_with('#') || before.ends_with("//") || before.ends_with("/*") {
                let location = file.location((offset + pos, offset + line.trim_end().len()));
                let body = line
                    .get(pos + MARKER.len()..)
                    .unwrap_or("")
                    .trim()
                    .trim_end_matches("*/")
                    .trim();
                match parse(body) {
                    Ok(waiver) => waivers.extend(Suppression::for_policies(waiver, &location)),
                    Err(message) => errors.push(InputError::new(location, message).with_help(
                        "write `# aicost-policy:waive POLICY-ID [expires=YYYY-MM-DD] -- reason`",
                    )),
                }
            }
        }
        offset += line.len();
    }
    (waivers, errors)
}

/// Where the comment lines directly above the block header begin.
fn comment_lines_above(text: &str, header: usize) -> usize {
    let mut start = text
        .get(..header)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    while start > 0 {
        let prev_end = start - 1;
        let prev_start = text
            .get(..prev_end)
            .and_then(|t| t.rfind('\n'))
            .map_or(0, |i| i + 1);
        let line = text.get(prev_start..prev_end).unwrap_or("").trim();
        if line.starts_with('#')
            || line.starts_with("//")
            || line.starts_with("/*")
            || line.starts_with('*')
        {
            start = prev_start;
        } else {
            break;
        }
    }
    start
}

/// `ID[,ID...] [expires=YYYY-MM-DD] [owner=NAME] -- reason`
fn parse(body: &str) -> Result<InlineWaiver, String> {
    let (head, reason) = match body.split_once("--") {
        Some((h, r)) => (h, r.trim()),
        None => (body, ""),
    };
    let mut ids = Vec::new();
    let mut expires = None;
    let mut owner = None;
    for token in head
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|t| !t.is_empty())
    {
        if let Some(date) = token.strip_prefix("expires=") {
            expires = Some(Date::parse(date).map_err(expiry_error)?);
        } else if let Some(name) = token.strip_prefix("owner=") {
            owner = Some(owner_name(name)?);
        } else {
            ids.push(token.to_string());
        }
    }
    if ids.is_empty() {
        return Err("the waiver names no policy id".to_string());
    }
    if reason.is_empty() {
        return Err(format!("the waiver of {} gives no reason", ids.join(", ")));
    }
    Ok(InlineWaiver {
        ids,
        expires,
        owner,
        reason: reason.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new("main.tf".into(), text.into())
    }

    #[test]
    fn json_is_never_read_for_waivers() {
        // One line of plan JSON: a value of one resource must not waive another, whatever
        // the plan file is called.
        let text = r##"{"resource_changes":[{"address":"aws_instance.a","change":{"after":{"tags":{"note":"# aicost-policy:waive AIC-TAG-001 -- said a tag"}}}},{"address":"aws_instance.b"}]}"##;
        let start = text.find(r#""address":"aws_instance.b""#).unwrap();
        for name in ["plan.json", "tfplan"] {
            let f = SourceFile::new(name.into(), text.into());
            assert_eq!(block_waivers(&f, (start, start + 26)), (vec![], vec![]));
        }
    }

    #[test]
    fn waivers_above_and_inside_the_block_apply() {
        let text = "# unrelated\n\n# aicost-policy:waive AIC-GPU-003 expires=2027-03-31 -- benchmarks\nresource \"a\" \"b\" {\n  // aicost-policy:waive AIC-TAG-001, AIC-GPU-001 -- tagged elsewhere\n}\n";
        let f = file(text);
        let start = text.find("resource").unwrap();
        let (waivers, errors) = block_waivers(&f, (start, text.len()));
        assert!(errors.is_empty(), "{errors:?}");
        let summary: Vec<(String, Option<String>, String, u32)> = waivers
            .iter()
            .map(|(id, s)| {
                (
                    id.clone(),
                    s.expires.map(|d| d.to_string()),
                    s.reason.clone(),
                    s.location.as_ref().map_or(0, |l| l.line),
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                (
                    "AIC-GPU-003".into(),
                    Some("2027-03-31".into()),
                    "benchmarks".into(),
                    3
                ),
                ("AIC-TAG-001".into(), None, "tagged elsewhere".into(), 5),
                ("AIC-GPU-001".into(), None, "tagged elsewhere".into(), 5),
            ]
        );
    }

    #[test]
    fn a_comment_separated_by_code_does_not_apply() {
        let text = "# aicost-policy:waive AIC-TAG-001 -- old\nlocals {}\nresource \"a\" \"b\" {}\n";
        let start = text.find("resource").unwrap();
        let (waivers, _) = block_waivers(&file(text), (start, text.len()));
        assert!(waivers.is_empty());
    }

    #[test]
    fn a_waiver_without_a_reason_is_an_error() {
        let text = "resource \"a\" \"b\" {\n  # aicost-policy:waive AIC-TAG-001\n}\n";
        let (waivers, errors) = block_waivers(&file(text), (0, text.len()));
        assert!(waivers.is_empty());
        assert_eq!(
            errors[0].message,
            "the waiver of AIC-TAG-001 gives no reason"
        );
        assert_eq!(errors[0].location.line, 2);
    }

    #[test]
    fn an_expiry_that_is_not_a_calendar_day_is_an_error_at_its_line() {
        // Accepted before: the month and day were checked apart (day 01 to 31).
        let text = "resource \"a\" \"b\" {\n  # aicost-policy:waive AIC-TAG-001 expires=2025-04-31 -- x\n}\n";
        let (waivers, errors) = block_waivers(&file(text), (0, text.len()));
        assert!(waivers.is_empty());
        let found: Vec<_> = errors
            .iter()
            .map(|e| (e.location.line, e.message.as_str(), e.help.as_deref()))
            .collect();
        assert_eq!(
            found,
            vec![(
                2,
                "invalid waiver expiry date `2025-04-31`: there is no day 31 in April 2025, \
                 which has 30 days",
                Some("write `# aicost-policy:waive POLICY-ID [expires=YYYY-MM-DD] -- reason`")
            )]
        );
    }
}
