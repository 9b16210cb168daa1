//! Text-level facts about a `.cedar` file that Cedar's API does not expose: where each
//! policy starts and ends, where an annotation is, and which resource facts a policy
//! mentions (in order). Works on a masked copy of the text (comments and string contents
//! blanked, byte offsets preserved). Does not parse Cedar; `PolicySet::from_str` does.

use std::sync::OnceLock;

use regex::Regex;

/// Byte range of one policy: from its first token (an annotation or the effect) up to
/// and including its terminating `;`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Span {
    pub start: usize,
    pub end: usize,
}

/// A resource fact a policy reads, for choosing the finding's location.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum FactRef {
    /// A `Resource` attribute (`instance_type`), or `tags` for tag access.
    Attribute(String),
    /// An argument path read through `resource.arguments.getTag("...")`/`hasTag`.
    Argument(String),
}

/// Copy of `text` with the characters of `//` comments and of string-literal contents
/// replaced by spaces (every byte of a multi-byte character becomes one space), so byte
/// offsets are the same as in `text`. The quotes of string literals are kept.
pub(crate) fn mask(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    fn blank(out: &mut String, c: char) {
        if c == '\n' {
            out.push('\n');
        } else {
            out.extend(std::iter::repeat_n(' ', c.len_utf8()));
        }
    }
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                blank(&mut out, c);
                for c in chars.by_ref() {
                    blank(&mut out, c);
                    if c == '\n' {
                        break;
                    }
                }
            }
            '"' => {
                out.push('"');
                while let Some(c) = chars.next() {
                    match c {
                        '"' => {
                            out.push('"');
                            break;
                        }
                        '\\' => {
                            blank(&mut out, c);
                            if let Some(next) = chars.next() {
                                blank(&mut out, next);
                            }
                        }
                        _ => blank(&mut out, c),
                    }
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// The spans of the policies in `masked` (see [`mask`]), in source order. The Nth span
/// belongs to the policy Cedar names `policyN`.
pub(crate) fn policy_spans(masked: &str) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in masked.char_indices() {
        if c == ';' {
            spans.push(Span {
                start: start.unwrap_or(i),
                end: i + 1,
            });
            start = None;
        } else if start.is_none() && !c.is_whitespace() {
            start = Some(i);
        }
    }
    // Text after the last `;` (a policy missing its terminator) still gets a span so
    // errors about it have somewhere to point.
    if let Some(s) = start {
        spans.push(Span {
            start: s,
            end: masked.len(),
        });
    }
    spans
}

/// The span of annotation `@name(...)` within `span` of `masked`, if present.
pub(crate) fn annotation_span(masked: &str, span: Span, name: &str) -> Option<Span> {
    let body = masked.get(span.start..span.end)?;
    let mut from = 0;
    while let Some(found) = body.get(from..)?.find('@') {
        let at = from + found;
        let rest = body.get(at + 1..)?;
        let ident_len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if rest.get(..ident_len) == Some(name) {
            let end = rest
                .find(')')
                .map_or(at + 1 + ident_len, |p| at + 1 + p + 1);
            return Some(Span {
                start: span.start + at,
                end: span.start + end,
            });
        }
        from = at + 1;
    }
    None
}

fn fact_regex() -> &'static Option<Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r#"resource\s*\.\s*(?:arguments|numbers)\s*\.\s*(?:hasTag|getTag)\s*\(\s*"|resource\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)|resource\s+has\s+([A-Za-z_][A-Za-z0-9_]*)"#,
        )
        .ok()
    })
}

/// The resource facts the policy in `span` reads, in the order they appear: attributes
/// (`resource.x`, `resource has x`), `tags` for tag access, and argument paths. Each
/// fact is listed once. `text` is the original text, `masked` its [`mask`].
pub(crate) fn fact_refs(text: &str, masked: &str, span: Span) -> Vec<FactRef> {
    let mut refs: Vec<FactRef> = Vec::new();
    let (Some(re), Some(body)) = (fact_regex().as_ref(), masked.get(span.start..span.end)) else {
        return refs;
    };
    for caps in re.captures_iter(body) {
        let name = caps.get(1).or_else(|| caps.get(2)).map(|m| m.as_str());
        let fact = match name {
            Some(
                "hasTag" | "getTag" | "tag_keys" | "tags_complete" | "tag_values"
                | "tag_value_matches",
            ) => FactRef::Attribute("tags".to_string()),
            Some("arguments" | "numbers") => continue,
            Some(attr) => FactRef::Attribute(attr.to_string()),
            None => {
                // The argument form: read the string literal from the original text.
                let Some(whole) = caps.get(0) else { continue };
                let open = span.start + whole.end();
                match string_literal_at(text, open) {
                    Some(path) => FactRef::Argument(path),
                    None => continue,
                }
            }
        };
        if !refs.contains(&fact) {
            refs.push(fact);
        }
    }
    refs
}

/// The contents of the string literal whose opening quote ends just before `offset`,
/// with simple escapes (`\"`, `\\`) resolved.
fn string_literal_at(text: &str, offset: usize) -> Option<String> {
    let rest = text.get(offset..)?;
    let mut out = String::new();
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '\\' => out.push(chars.next()?),
            _ => out.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "// first; not a policy end\n@id(\"a;b\")\nforbid (principal, action, resource)\nwhen { resource.hasTag(\"x;y\") };\n\n  permit (principal, action, resource) // trailing;\n  when { resource has region && resource.arguments.getTag(\"ami\") == \"é\" };\n";

    #[test]
    fn masking_keeps_offsets_and_hides_comments_and_strings() {
        let masked = mask(TEXT);
        assert_eq!(masked.len(), TEXT.len());
        assert!(!masked.contains("first"));
        assert!(!masked.contains("a;b"));
        assert!(masked.contains("@id(\"   \")"));
    }

    #[test]
    fn policies_end_at_top_level_semicolons() {
        let masked = mask(TEXT);
        let spans = policy_spans(&masked);
        assert_eq!(spans.len(), 2);
        let first = spans.first().copied().unwrap();
        assert!(TEXT[first.start..].starts_with("@id(\"a;b\")"));
        assert!(TEXT[..first.end].ends_with("\"x;y\") };"));
        let second = spans.get(1).copied().unwrap();
        assert!(TEXT[second.start..].starts_with("permit"));
        assert!(TEXT[..second.end].ends_with("== \"é\" };"));
    }

    #[test]
    fn annotations_are_found_inside_their_policy() {
        let masked = mask(TEXT);
        let spans = policy_spans(&masked);
        let first = spans.first().copied().unwrap();
        let at = annotation_span(&masked, first, "id").unwrap();
        assert_eq!(&TEXT[at.start..at.end], "@id(\"a;b\")");
        assert_eq!(annotation_span(&masked, first, "i"), None);
        assert_eq!(annotation_span(&masked, first, "severity"), None);
    }

    #[test]
    fn facts_are_listed_in_text_order() {
        let masked = mask(TEXT);
        let spans = policy_spans(&masked);
        let first = spans.first().copied().unwrap();
        assert_eq!(
            fact_refs(TEXT, &masked, first),
            vec![FactRef::Attribute("tags".into())]
        );
        let second = spans.get(1).copied().unwrap();
        assert_eq!(
            fact_refs(TEXT, &masked, second),
            vec![
                FactRef::Attribute("region".into()),
                FactRef::Argument("ami".into())
            ]
        );
    }

    #[test]
    fn an_unterminated_policy_still_gets_a_span() {
        let text = "forbid (principal, action, resource)\n";
        let spans = policy_spans(&mask(text));
        assert_eq!(
            spans,
            vec![Span {
                start: 0,
                end: text.len()
            }]
        );
    }
}
