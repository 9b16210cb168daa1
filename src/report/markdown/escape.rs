//! Making text from the input inert in GitHub-Flavored Markdown. Resource names, file names,
//! tag values, messages, even a saved report's fields are written by whoever opens the pull
//! request; rendered as they are, a `for_each` key holding `|` forges table cells, and
//! `[x](https://…)`, `![img](…)`, `@user`, `#1` or `:emoji:` become links, images,
//! notifications and cross-references posted by the bot.
//!
//! Names go in code spans ([`code`], [`code_cell`]): nothing inside is Markdown, HTML, a
//! mention or an autolink. Prose goes through [`text`]: Markdown's inline punctuation is
//! backslash-escaped, and a zero-width space follows the `@`, `#` and `:` that could start a
//! GitHub mention, reference, e-mail autolink, URL or emoji, which GitHub finds in the
//! rendered text, after escapes are gone, and the `!`, `~`, `%` and `&` of GitLab's (and
//! Azure DevOps') references to merge requests, labels, milestones and epics. The same text
//! is safe on Azure DevOps, whose mentions (`@<id>`) and work item links (`#12`) start with
//! the same characters. Line breaks and tabs become spaces and other control
//! characters are written as escapes, so nothing from the input can start a block of its own.

/// After `@`, `#`, `:` (and inside `www.`, `GH-`): invisible, and no GitHub pattern matches
/// across it. Dependabot writes `@` the same way in the release notes it quotes.
const BREAK: char = '\u{200B}';

/// The text on one line: line breaks and tabs become spaces, other control characters (and
/// bidi marks) are written as `\u{1b}`, as in every human-readable report.
fn one_line(s: &str) -> String {
    let flat = s.replace(['\n', '\r', '\t'], " ");
    crate::report::escape::controls(&flat).into_owned()
}

/// `s` as a code span outside a table: the fence is one backtick longer than the longest
/// run of backticks in `s`, and padded with a space where CommonMark would otherwise eat
/// one or join the fence.
pub(super) fn code(s: &str) -> String {
    span(&one_line(s))
}

/// `s` as a code span in a table cell: as [`code`], with `|` written `\|`, which GitHub's
/// table parser needs even inside code spans (it splits the row first) and turns back into
/// `|` inside the span. A backslash already before a `|` gets a zero-width space after it:
/// table parsers differ on whether `\\|` is an escaped backslash or an escaped pipe.
pub(super) fn code_cell(s: &str) -> String {
    let content = one_line(s).replace("\\|", "\\\u{200B}|");
    span(&content).replace('|', "\\|")
}

fn span(s: &str) -> String {
    if s.is_empty() {
        // An empty code span cannot be written; `` ` ` `` shows one space, not nothing.
        return "` `".to_string();
    }
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let spaced_ends = s.starts_with(' ') && s.ends_with(' ') && s.chars().any(|c| c != ' ');
    if s.starts_with('`') || s.ends_with('`') || spaced_ends {
        format!("{fence} {s} {fence}")
    } else {
        format!("{fence}{s}{fence}")
    }
}

/// `s` as inert prose, in a paragraph, list item or table cell.
pub(super) fn text(s: &str) -> String {
    let chars: Vec<char> = one_line(s).chars().collect();
    let mut out = String::with_capacity(s.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let before = |n: usize| -> String {
            chars
                .get(i.saturating_sub(n)..i)
                .map(|p| p.iter().collect::<String>().to_ascii_lowercase())
                .unwrap_or_default()
        };
        let prev = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
        match c {
            // Inside a word (`aws_instance`) `_` can neither open nor close emphasis.
            '_' if prev.is_some_and(char::is_alphanumeric)
                && next.is_some_and(char::is_alphanumeric) =>
            {
                out.push('_');
            }
            // GitLab's references to labels (`~bug`, `~"a b"`) and epics (`&12`), found
            // like GitHub's in the rendered text: escaped, and broken after.
            '~' | '&' if next.is_some_and(|n| n.is_alphanumeric() || n == '"') => {
                out.push('\\');
                out.push(c);
                out.push(BREAK);
            }
            // Emphasis, strikethrough, code, links and images, HTML and entities, table
            // cells, and the escape itself.
            '\\' | '`' | '*' | '_' | '~' | '[' | ']' | '<' | '>' | '&' | '|' => {
                out.push('\\');
                out.push(c);
            }
            // Merge and pull requests (`!12`: GitLab, Azure DevOps) and GitLab milestones
            // (`%v1`, `%"Q3 release"`).
            '!' | '%' if next.is_some_and(|n| n.is_alphanumeric() || n == '"') => {
                out.push(c);
                out.push(BREAK);
            }
            // Math: `$…$` needs a closing `$` not followed by a digit; amounts like
            // `$1,200.00` stay as they are.
            '$' if !next.is_some_and(|n| n.is_ascii_digit()) => out.push_str("\\$"),
            '.' if before(3) == "www" => {
                out.push(BREAK);
                out.push_str("\\.");
            }
            '-' if before(2) == "gh" && next.is_some_and(|n| n.is_ascii_digit()) => {
                out.push(BREAK);
                out.push('-');
            }
            '#' if next.is_some_and(|n| n.is_alphanumeric()) => {
                out.push(c);
                out.push(BREAK);
            }
            // Mentions and e-mail autolinks (`a@.a` is one too); `:smile:` and `https://`.
            '@' | ':' if next.is_some_and(|n| !n.is_whitespace()) => {
                out.push(c);
                out.push(BREAK);
            }
            _ => out.push(c),
        }
    }
    out
}

/// Whether `url` can be written as a link destination as it is: http(s), and only
/// characters that cannot end the destination, the link or a table cell.
pub(super) fn safe_url(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    rest.is_some_and(|r| {
        !r.is_empty()
            && r.chars().all(|c| {
                c.is_ascii_alphanumeric()
                    || matches!(
                        c,
                        '-' | '.'
                            | '_'
                            | '~'
                            | '/'
                            | ':'
                            | '?'
                            | '#'
                            | '@'
                            | '!'
                            | '$'
                            | '&'
                            | '+'
                            | ','
                            | ';'
                            | '='
                            | '%'
                    )
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_fence_backticks_and_pad_where_needed() {
        assert_eq!(code("aws_instance.gpu"), "`aws_instance.gpu`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("a``b`"), "``` a``b` ```");
        assert_eq!(code("`x"), "`` `x ``");
        assert_eq!(code(" a "), "`  a  `");
        assert_eq!(code("   "), "`   `");
        assert_eq!(code(""), "` `");
        assert_eq!(code("a\nb\r\tc"), "`a b  c`");
        assert_eq!(code("a|b"), "`a|b`");
        assert_eq!(code_cell("a|b"), "`a\\|b`");
        assert_eq!(code_cell("a\\|b"), "`a\\\u{200B}\\|b`");
    }

    #[test]
    fn prose_escapes_markdown_and_breaks_github_references() {
        assert_eq!(text("plain words, 1.5"), "plain words, 1.5");
        assert_eq!(
            text("aws_instance.a_b _x_ y_ _"),
            "aws_instance.a_b \\_x\\_ y\\_ \\_"
        );
        assert_eq!(
            text("[x](https://e.com) ![i](y) *b* _i_ ~s~ `c` <b> &amp; a|b \\"),
            "\\[x\\](https:\u{200B}//e.com) !\\[i\\](y) \\*b\\* \\_i\\_ \\~\u{200B}s\\~ \\`c\\` \\<b\\> \\&\u{200B}amp; a\\|b \\\\"
        );
        // GitLab (and Azure DevOps) references: merge requests, labels, milestones, epics.
        assert_eq!(
            text("!12 ~bug ~\"a b\" %v1 %\"Q3\" &7 100% ! ~ &"),
            "!\u{200B}12 \\~\u{200B}bug \\~\u{200B}\"a b\" %\u{200B}v1 %\u{200B}\"Q3\" \\&\u{200B}7 100% ! \\~ \\&"
        );
        assert_eq!(
            text("@user @org/team #1 GH-2"),
            "@\u{200B}user @\u{200B}org/team #\u{200B}1 GH\u{200B}-2"
        );
        assert_eq!(
            text("a@b.com www.x.org :tada:"),
            "a@\u{200B}b.com www\u{200B}\\.x.org :\u{200B}tada:"
        );
        assert_eq!(
            text("costs $1,200.00 a month: $x$"),
            "costs $1,200.00 a month: \\$x\\$"
        );
        assert_eq!(text("tags: team\nx"), "tags: team x");
        assert_eq!(text("# 1 @ : "), "# 1 @ : ");
        // Azure DevOps and GitLab link `!12` to a pull (merge) request.
        assert_eq!(
            text("see !12, not! 3 !x"),
            "see !\u{200B}12, not! 3 !\u{200B}x"
        );
        // Found by the property test: comrak links `a@.a` as an e-mail address.
        assert_eq!(text("a@.a"), "a@\u{200B}.a");
    }

    #[test]
    fn only_plain_http_urls_are_linked() {
        assert!(safe_url("https://github.com/acme/infra/blob/0123abc"));
        assert!(safe_url("http://127.0.0.1:8080/a/b"));
        for bad in [
            "javascript:alert(1)",
            "https://e.com/a)b",
            "https://e.com/a b",
            "https://e.com/a|b",
            "https://e.com/<x>",
            "https://",
            "ftp://e.com",
        ] {
            assert!(!safe_url(bad), "{bad}");
        }
    }
}
