//! A bound on how deep a policy's expression can be, checked on the text before Cedar
//! parses it. Cedar turns a policy into a tree and walks it recursively (parsing,
//! converting, dropping), so 1,000 nested parentheses or a chain of 200,000 `&&` overflow
//! the stack and abort the process. Policy files can come from the repository under review,
//! so the depth is bounded first.
//!
//! The scan works on the masked text (see [`super::source::mask`]: comments and string
//! contents blanked) and counts brackets (`(`, `[`, `{`) and operators. Inside one pair of
//! brackets, each operator can add at most one level to the tree, so the depth of a
//! bracket's contents is at most its operators plus the deepest bracket inside it; that
//! estimate is what [`MAX_DEPTH`] bounds. It never undercounts, so a policy it accepts
//! cannot be deeper than the limit.

use super::source::Span;

/// Brackets nested inside one another.
pub(crate) const MAX_NESTING: usize = 32;

/// The estimated depth of a policy's expression: chained operators and brackets.
pub(crate) const MAX_DEPTH: usize = 1000;

/// Words that are operators in Cedar.
const WORD_OPERATORS: &[&str] = &["in", "has", "like", "is", "if", "then", "else"];

/// A policy that is too deep: what is wrong and the token where the limit was passed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TooDeep {
    pub message: String,
    pub at: Span,
}

/// One open bracket (or the top level of a policy).
#[derive(Default)]
struct Level {
    operators: usize,
    /// The deepest bracket closed inside this one.
    deepest_inside: usize,
}

impl Level {
    fn depth(&self) -> usize {
        self.operators + self.deepest_inside
    }
}

/// The first place in `masked` (a whole masked `.cedar` file) where a policy passes
/// [`MAX_NESTING`] or [`MAX_DEPTH`]; `None` when every policy is within both. Brackets left
/// open at a `;` stay open (Cedar reads the text that way too), so a `;` cannot hide
/// nesting.
pub(crate) fn check(masked: &str) -> Option<TooDeep> {
    let bytes = masked.as_bytes();
    let mut levels = vec![Level::default()];
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let mut len = 1;
        let mut operator = false;
        match b {
            b'(' | b'[' | b'{' => {
                if levels.len() > MAX_NESTING {
                    return Some(TooDeep {
                        message: format!(
                            "brackets are nested more than {MAX_NESTING} deep in this policy"
                        ),
                        at: Span {
                            start: i,
                            end: i + 1,
                        },
                    });
                }
                levels.push(Level::default());
            }
            // An unmatched closer is Cedar's syntax error to report.
            b')' | b']' | b'}' if levels.len() > 1 => {
                let closed = levels.pop().map_or(0, |l| l.depth() + 1);
                if let Some(parent) = levels.last_mut() {
                    parent.deepest_inside = parent.deepest_inside.max(closed);
                }
            }
            b')' | b']' | b'}' => {}
            b';' if levels.len() == 1 => levels = vec![Level::default()],
            b'&' | b'|' | b'=' if bytes.get(i + 1) == Some(&b) => {
                operator = true;
                len = 2;
            }
            b'!' | b'<' | b'>' => {
                operator = true;
                if bytes.get(i + 1) == Some(&b'=') {
                    len = 2;
                }
            }
            b'+' | b'-' | b'*' | b'.' => operator = true,
            b if b.is_ascii_alphabetic() || b == b'_' => {
                let word_len = bytes
                    .get(i..)
                    .unwrap_or_default()
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
                    .count();
                len = word_len;
                let word = masked.get(i..i + word_len).unwrap_or("");
                operator = WORD_OPERATORS.contains(&word);
            }
            _ => {}
        }
        if operator {
            if let Some(level) = levels.last_mut() {
                level.operators += 1;
            }
        }
        // Checked where it can grow, so a long chain is refused at the operator that
        // passes the limit and the rest of the text is not scanned.
        if let Some(level) = levels.last() {
            if level.depth() + levels.len() - 1 > MAX_DEPTH {
                return Some(TooDeep {
                    message: format!(
                        "this policy's expression is more than {MAX_DEPTH} operators deep (operators chained one after another, and the brackets around them)"
                    ),
                    at: Span {
                        start: i,
                        end: i + len,
                    },
                });
            }
        }
        i += len;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::source::mask;

    fn policy(condition: &str) -> String {
        format!(
            "@id(\"X-1\")\n@severity(\"low\")\nforbid (principal, action, resource)\nwhen {{\n  {condition}\n}};\n"
        )
    }

    fn first_problem(text: &str) -> Option<(String, usize)> {
        check(&mask(text)).map(|p| {
            let line = text[..p.at.start].matches('\n').count() + 1;
            (p.message, line)
        })
    }

    #[test]
    fn ordinary_policies_pass() {
        let text = policy(
            "resource.instance_type like \"p5.*\" && !(resource has tags && resource.tags.hasTag(\"team\")) || [1, 2, 3].contains(context.x + 1)",
        );
        assert_eq!(first_problem(&text), None);
    }

    #[test]
    fn nesting_past_the_limit_is_refused_at_the_bracket() {
        let inside = format!("{}true{}", "(".repeat(32), ")".repeat(32));
        // `when {` is one level already.
        assert_eq!(
            first_problem(&policy(&inside)).map(|p| p.0),
            Some(format!(
                "brackets are nested more than {MAX_NESTING} deep in this policy"
            ))
        );
        let inside = format!("{}true{}", "(".repeat(31), ")".repeat(31));
        assert_eq!(first_problem(&policy(&inside)), None);
        let lists = format!("{}{} == []", "[".repeat(3000), "]".repeat(3000));
        assert_eq!(first_problem(&policy(&lists)).map(|p| p.1), Some(5));
    }

    #[test]
    fn a_long_chain_is_refused_at_the_operator_past_the_limit() {
        let chain = vec!["true"; 200_000].join(" &&\n  ");
        let (message, line) = first_problem(&policy(&chain)).unwrap();
        assert!(message.starts_with("this policy's expression is more than 1000 operators deep"));
        // The 1000th `&&` ends line 1004 (the condition starts on line 5): the `when`
        // braces count one level.
        assert_eq!(line, 1004);
        let chain = vec!["true"; 999].join(" && ");
        assert_eq!(first_problem(&policy(&chain)), None);
    }

    #[test]
    fn chains_inside_nested_brackets_add_up() {
        // 20 levels, each with 60 operators before the next: 1,200 deep in all.
        let mut condition = String::new();
        for _ in 0..20 {
            condition.push('(');
            condition.push_str(&"context.a && ".repeat(30));
        }
        condition.push_str("true");
        condition.push_str(&")".repeat(20));
        assert!(first_problem(&policy(&condition)).is_some());
        // The same operators side by side are not deep.
        let flat = vec!["(context.a && true)"; 600].join(" || ");
        assert_eq!(first_problem(&policy(&flat)), None);
    }

    /// The condition `make(n)` for the largest `n` the limits accept.
    fn at_the_limit(make: impl Fn(usize) -> String) -> String {
        let accepted = |n: usize| first_problem(&policy(&make(n))).is_none();
        let n = (1..=MAX_DEPTH).rev().find(|n| accepted(*n)).unwrap();
        assert!(!accepted(n + 1));
        make(n)
    }

    #[test]
    fn policies_at_the_limits_load_on_a_thread_with_a_small_stack() {
        let parens = |inner: String| format!("{}{inner}{}", "(".repeat(31), ")".repeat(31));
        let conditions = [
            at_the_limit(|n| parens(vec!["true"; n].join(" && "))),
            at_the_limit(|n| {
                parens(format!(
                    "{}true{}",
                    "if true then ".repeat(n),
                    " else false".repeat(n)
                ))
            }),
            at_the_limit(|n| parens(format!("{} == 0", vec!["1"; n].join(" - ")))),
            at_the_limit(|n| format!("{} == 1", vec!["1"; n].join(" * "))),
        ];
        let text: String = conditions
            .iter()
            .enumerate()
            .map(|(i, c)| {
                format!(
                    "@id(\"X-{i}\")\n@severity(\"low\")\n@message(\"m\")\n@help(\"h\")\nforbid (principal, action == Action::\"check\", resource)\nwhen {{ {c} }};\n"
                )
            })
            .collect();
        // Rayon's worker threads and test threads get 2 MiB; the main thread has more.
        let loaded = std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(move || {
                crate::policy::Policies::from_sources(false, &[("deep.cedar".to_string(), text)])
                    .map(|p| p.len())
                    .map_err(|e| format!("{:?}", e.errors))
            })
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(loaded, Ok(4));
    }

    #[test]
    fn strings_and_comments_do_not_count_and_semicolons_do_not_reset_open_brackets() {
        let quoted = format!(
            "\"{}\" == context.s // {}",
            "(".repeat(100),
            "[".repeat(100)
        );
        assert_eq!(first_problem(&policy(&quoted)), None);
        let split = format!(
            "{};{}true{}",
            "(".repeat(20),
            "(".repeat(20),
            ")".repeat(40)
        );
        assert!(first_problem(&policy(&split)).is_some());
    }
}
