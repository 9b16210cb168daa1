//! Text from the input is inert in the Markdown reports (the pull-request comment, `diff
//! --format markdown`, the job summary): what we render is parsed with comrak, a port of
//! GitHub's own cmark-gfm with its extensions, and checked for the exact table cells, the
//! exact text of each finding, and no link, image, raw HTML, math, mention (`@name`),
//! reference (`#1`) or emoji code (`:name:`) that the input brought.
//!
//! End to end: the real binary on testdata/markdown_injection (a `for_each` key that would
//! forge the cost cells of a p5.48xlarge row, keys that would be links, images and
//! mentions, a budget named like a row). Property: random names and messages in a diff
//! report give exactly the expected cells and text.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use crate::common;

use std::path::Path;

use aicost_policy::report::diff::{
    DiffReport, DiffSummary, ErrorEntry, FindingCounts, FindingEntry, Links, Money, ResourceCounts,
    ResourceDelta, Side, SideCost, Tool,
};
use aicost_policy::report::markdown;
use comrak::nodes::{AstNode, NodeValue};
use comrak::{parse_document, Arena, Options};
use proptest::prelude::*;
use rust_decimal::Decimal;

use common::run::aicost;

const CRATE_DIR: &str = env!("CARGO_MANIFEST_DIR");

// ---------------------------------------------------------------------------------------
// Reading Markdown as GitHub does
// ---------------------------------------------------------------------------------------

/// GitHub's extensions: tables, strikethrough, autolinks (bare URLs, `www.`, e-mail),
/// footnotes and `$math$` (the tag filter only changes how HTML is written out).
fn github_options() -> Options<'static> {
    let mut options = Options::default();
    options.extension.table = true;
    options.extension.strikethrough = true;
    options.extension.autolink = true;
    options.extension.footnotes = true;
    options.extension.math_dollars = true;
    options
}

/// What a reader sees of a node: its text and code, zero-width spaces removed (they are
/// invisible; `escape.rs` puts them after `@`, `#` and `:`).
fn visible<'a>(node: &'a AstNode<'a>) -> String {
    let mut out = String::new();
    for n in node.descendants() {
        match &n.data.borrow().value {
            NodeValue::Text(t) => out.push_str(t),
            NodeValue::Code(c) => out.push_str(&c.literal),
            NodeValue::SoftBreak | NodeValue::LineBreak => out.push(' '),
            _ => {}
        }
    }
    out.replace('\u{200B}', "")
}

/// The rows of every table after its heading row, as the visible text of each cell.
fn table_rows<'a>(root: &'a AstNode<'a>) -> Vec<Vec<String>> {
    root.descendants()
        .filter(|n| matches!(n.data.borrow().value, NodeValue::TableRow(false)))
        .map(|row| row.children().map(visible).collect())
        .collect()
}

/// The visible text of every list item.
fn list_items<'a>(root: &'a AstNode<'a>) -> Vec<String> {
    root.descendants()
        .filter(|n| matches!(n.data.borrow().value, NodeValue::Item(_)))
        .map(visible)
        .collect()
}

/// The link targets in the document.
fn links<'a>(root: &'a AstNode<'a>) -> Vec<String> {
    root.descendants()
        .filter_map(|n| match &n.data.borrow().value {
            NodeValue::Link(l) => Some(l.url.clone()),
            _ => None,
        })
        .collect()
}

/// Everything that must not come from the input: images, math, footnotes, strikethrough,
/// raw HTML other than our own tags, and GitHub's mentions, references and emoji in the
/// text of a paragraph or cell (GitHub finds them in the rendered text, outside code).
fn active<'a>(root: &'a AstNode<'a>) -> Vec<String> {
    const OURS: [&str; 4] = ["<sub>", "</sub>", "<details>", "</details>"];
    let mut found = Vec::new();
    for n in root.descendants() {
        match &n.data.borrow().value {
            NodeValue::Image(l) => found.push(format!("image {}", l.url)),
            NodeValue::Math(m) => found.push(format!("math {}", m.literal)),
            NodeValue::FootnoteReference(f) => found.push(format!("footnote {}", f.name)),
            NodeValue::Strikethrough => found.push("strikethrough".to_string()),
            NodeValue::HtmlInline(h) if !OURS.contains(&h.as_str()) => {
                found.push(format!("html {h}"))
            }
            NodeValue::HtmlBlock(h)
                if !(h.literal.starts_with("<details><summary>")
                    || h.literal.starts_with("</details>")) =>
            {
                found.push(format!("html block {}", h.literal))
            }
            NodeValue::Paragraph | NodeValue::TableCell | NodeValue::Heading(_) => {
                let text = text_outside_code(n);
                for pattern in github_patterns(&text) {
                    found.push(format!("{pattern} in {text:?}"));
                }
            }
            _ => {}
        }
    }
    found
}

/// The rendered text of a block as GitHub's filters see it: text nodes joined, code spans
/// (which they skip) as a separator.
fn text_outside_code<'a>(block: &'a AstNode<'a>) -> String {
    let mut out = String::new();
    for n in block.descendants() {
        match &n.data.borrow().value {
            NodeValue::Text(t) => out.push_str(t),
            NodeValue::Code(_) | NodeValue::SoftBreak | NodeValue::LineBreak => out.push('\u{1}'),
            _ => {}
        }
    }
    out
}

/// `@name`, `#1`, `GH-1` and `:name:` as GitHub finds them in rendered text.
fn github_patterns(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let word = |c: Option<&char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    let mut found = Vec::new();
    for (i, c) in chars.iter().enumerate() {
        let next = chars.get(i + 1);
        let prev = i.checked_sub(1).and_then(|p| chars.get(p));
        match c {
            '@' if word(next) => found.push("mention".to_string()),
            '#' if next.is_some_and(|n| n.is_ascii_digit()) && !word(prev) => {
                found.push("reference".to_string())
            }
            '-' if next.is_some_and(|n| n.is_ascii_digit())
                && i >= 2
                && chars[i - 2..i]
                    .iter()
                    .collect::<String>()
                    .eq_ignore_ascii_case("gh") =>
            {
                found.push("GH reference".to_string())
            }
            ':' => {
                let name: String = chars[i + 1..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '-'))
                    .collect();
                if !name.is_empty() && chars.get(i + 1 + name.chars().count()) == Some(&':') {
                    found.push(format!("emoji :{name}:"));
                }
            }
            _ => {}
        }
    }
    found
}

fn with_document<T>(markdown: &str, f: impl for<'a> FnOnce(&'a AstNode<'a>) -> T) -> T {
    let arena = Arena::new();
    let root = parse_document(&arena, markdown, &github_options());
    f(root)
}

// ---------------------------------------------------------------------------------------
// End to end
// ---------------------------------------------------------------------------------------

const FORGED: &str = "a | +$1.00 | $1.00 | $1.00 | $1.00";
const ACTIVE: &str = "[x](https://evil.example/pay) ![img](https://evil.example/p.png) @octocat @acme/platform #1 GH-2 <b>hi</b> `x` www.evil.example :tada: $x$";

fn head_dir() -> std::path::PathBuf {
    Path::new(CRATE_DIR).join("testdata/markdown_injection/head")
}

#[test]
fn the_comment_keeps_names_in_their_cells_and_links_nothing_from_the_input() {
    let run = aicost(
        &head_dir(),
        &[
            "diff",
            "infra",
            "--base-path",
            "../base",
            "--format",
            "markdown",
            "--repo",
            "acme/ml-infra",
        ],
        &[],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let markdown = run.stdout;
    with_document(&markdown, |root| {
        let gpu = format!("aws_instance.gpu[\"{FORGED}\"] (added)");
        let notes = format!("aws_instance.notes[\"{ACTIVE}\"] (added)");
        assert_eq!(
            table_rows(root),
            vec![
                vec![
                    gpu.as_str(),
                    "+$40,179.20",
                    "– → $40,179.20",
                    "– → $40,179.20"
                ],
                vec![notes.as_str(), "+$734.38", "– → $734.38", "– → $734.38"],
                // The budget table.
                vec![
                    "ml | $0.00 / $1.00 (0%) | ✅",
                    "$40,913.58 / $50,000.00 (82%)",
                    "–",
                    "⚠\u{fe0f} near"
                ],
            ]
        );
        // No link but the two to the files of the added resources, on github.com.
        let sha_links = links(root);
        assert!(
            sha_links
                .iter()
                .all(|l| l.starts_with("https://github.com/acme/ml-infra/blob/")),
            "{sha_links:?}"
        );
        assert_eq!(active(root), Vec::<String>::new(), "{markdown}");
        let items = list_items(root);
        assert!(
            items.contains(&format!(
                "AIC-TAG-001 (high) aws_instance.notes[\"{ACTIVE}\"] at testdata/markdown_injection/head/infra/main.tf:20: aws_instance.notes[\"{ACTIVE}\"] is missing required tags: cost-center"
            )),
            "{items:#?}"
        );
    });
}

#[test]
fn the_job_summary_renders_the_same_names_inert() {
    let run = aicost(
        &head_dir(),
        &["check", "infra", "--format", "markdown"],
        &[
            ("GITHUB_REPOSITORY", "acme/ml-infra"),
            ("GITHUB_SHA", "0123456789abcdef0123456789abcdef01234567"),
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    with_document(&run.stdout, |root| {
        assert_eq!(active(root), Vec::<String>::new(), "{}", run.stdout);
        assert_eq!(
            table_rows(root),
            vec![vec![
                "ml | $0.00 / $1.00 (0%) | ✅",
                "$40,913.58 / $50,000.00 (82%)",
                "⚠\u{fe0f} near"
            ]]
        );
        let items = list_items(root);
        for address in [
            format!("aws_instance.gpu[\"{FORGED}\"]"),
            format!("aws_instance.notes[\"{ACTIVE}\"]"),
        ] {
            assert!(
                items.iter().any(|i| i.ends_with(&format!(
                    ": {address} is missing required tags: cost-center"
                ))),
                "{items:#?}"
            );
        }
    });
}

// ---------------------------------------------------------------------------------------
// Property: random names and messages
// ---------------------------------------------------------------------------------------

fn side(amount: i64, assumed: &str) -> SideCost {
    SideCost {
        counted_in: None,
        baseline: Decimal::new(amount, 2),
        ceiling: Decimal::new(amount * 2, 2),
        complete: true,
        assumptions: vec![assumed.to_string()],
    }
}

fn money(amount: i64) -> Money {
    Money {
        baseline: Decimal::new(amount, 2),
        ceiling: Decimal::new(amount * 2, 2),
    }
}

/// A diff that adds one resource per name (the n-th costing n+1 dollars, resting on an
/// assumption that is the matching entry of `messages`) with one new failure each, whose
/// message is that entry too, and one input warning in each name's file, with that entry
/// as its message and help.
fn report(names: &[String], messages: &[String], blob_url: &str) -> DiffReport {
    let resources: Vec<ResourceDelta> = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let cents = 100 * (i as i64 + 1);
            ResourceDelta {
                change: "added".to_string(),
                address: name.clone(),
                root: ".".to_string(),
                resource_type: "aws_instance".to_string(),
                file: name.clone(),
                line: 1,
                base_file: None,
                base_line: None,
                before: None,
                after: Some(side(cents, messages.get(i).map_or("", String::as_str))),
                delta: money(cents),
            }
        })
        .collect();
    let findings: Vec<FindingEntry> = names
        .iter()
        .zip(messages)
        .map(|(name, message)| FindingEntry {
            change: Some("new".to_string()),
            policy_id: "AIC-TAG-001".to_string(),
            severity: "high".to_string(),
            status: "fail".to_string(),
            resource: name.clone(),
            root: ".".to_string(),
            resource_type: "aws_instance".to_string(),
            file: name.clone(),
            line: 7,
            message: message.clone(),
            help: None,
            unknowns: Vec::new(),
            suppression: None,
            approval: None,
        })
        .collect();
    DiffReport {
        version: 1,
        kind: "diff".to_string(),
        tool: Tool {
            name: "aicost-policy".to_string(),
            version: "0.1.0".to_string(),
        },
        catalog_as_of: "2026-11-01".to_string(),
        base: Side::default(),
        head: Side::default(),
        links: Some(Links {
            blob_url: blob_url.to_string(),
        }),
        resources,
        findings,
        resolved: Vec::new(),
        budgets: Vec::new(),
        errors: Vec::new(),
        base_errors: Vec::new(),
        warnings: names
            .iter()
            .zip(messages)
            .map(|(name, message)| ErrorEntry {
                file: name.clone(),
                line: 4,
                message: message.clone(),
                help: Some(message.clone()),
            })
            .collect(),
        savings: Vec::new(),
        summary: DiffSummary {
            before: money(0),
            after: money(0),
            delta: money(0),
            percent: None,
            ceiling_percent: None,
            incomplete_before: 0,
            incomplete_after: 0,
            resources: ResourceCounts::default(),
            findings: FindingCounts::default(),
            policies: 1,
            input_errors: 0,
            base_input_errors: 0,
        },
    }
}

/// What a reader must see of `s`: line breaks and other control characters as spaces.
fn shown(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Names and messages rich in what Markdown and GitHub give meaning to.
fn hostile() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[a-z0-9 |`\\\\*_~\\[\\]()!@#<>&$:.\\-/\"'{}^=+\n\té中]{1,24}")
        .unwrap()
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn random_names_give_exactly_the_expected_cells(
        names in proptest::collection::vec(hostile(), 1..4),
        messages in proptest::collection::vec(hostile(), 4),
        linked in any::<bool>(),
    ) {
        let blob = if linked { "https://github.com/acme/infra/blob/0123abc" } else { "https://e.example/a)b" };
        let markdown = markdown::render_diff(&report(&names, &messages, blob), markdown::COMMENT_LIMIT);
        with_document(&markdown, |root| {
            // Largest first: the n-th name costs n+1 dollars.
            let expected: Vec<Vec<String>> = names
                .iter()
                .enumerate()
                .rev()
                .map(|(i, name)| {
                    let dollars = format!("${}.00", i + 1);
                    vec![
                        format!("{} (added)", shown(name)),
                        format!("+{dollars}"),
                        format!("– → {dollars}†"),
                        format!("– → ${}.00†", 2 * (i + 1)),
                    ]
                })
                .collect();
            let rows = table_rows(root);
            prop_assert_eq!(&rows, &expected, "{}", markdown);
            let mut items = list_items(root);
            let mut wanted: Vec<String> = names
                .iter()
                .zip(&messages)
                .map(|(name, message)| {
                    // A paragraph's trailing spaces are not part of its text.
                    format!(
                        "AIC-TAG-001 (high) {} at {}:7: {}",
                        shown(name),
                        shown(name),
                        shown(message)
                    )
                    .trim_end()
                    .to_string()
                })
                .collect();
            // Each assumption, listed under the table with its footnote marker.
            wanted.extend(names.iter().zip(&messages).map(|(name, message)| {
                format!("† {}: {}", shown(name), shown(message))
                    .trim_end()
                    .to_string()
            }));
            // Each input warning, with its help.
            wanted.extend(names.iter().zip(&messages).map(|(name, message)| {
                format!("{}:4: {} — {}", shown(name), shown(message), shown(message))
                    .trim_end()
                    .to_string()
            }));
            items.sort();
            wanted.sort();
            prop_assert_eq!(items, wanted, "{}", markdown);
            let found = active(root);
            prop_assert!(found.is_empty(), "{:?}\n{}", found, markdown);
            // Only our links, to files under the blob url, and none from an unsafe one.
            for link in links(root) {
                prop_assert!(linked, "{}", link);
                prop_assert!(link.starts_with("https://github.com/acme/infra/blob/0123abc/"), "{}", link);
            }
            Ok(())
        })?;
    }
}
