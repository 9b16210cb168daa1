//! `regex`, `regexall` and the regular-expression form of `replace`. Terraform uses Go's
//! RE2 syntax; the `regex` crate reads almost the same language, and [`compile`]
//! rewrites the differences: `\d`, `\s`, `\w` and `\b` are ASCII-only in RE2, a `[`
//! inside a class is a literal, `&&`, `--`, `~~` inside a class are not operators, and
//! `\Q...\E` quotes text.
//! Repeated matching follows Go too: an empty match right after a match is skipped.

use std::collections::BTreeMap;

use ::regex::{Captures, Regex};

use super::args::string_arg;
use super::{arity, FunctionError, FunctionResult, MAX_RESULT_BYTES};
use crate::load::terraform::budget::{entry_bytes, node_bytes, value_bytes};
use crate::model::{Map, Value};

/// Compiles an RE2 pattern; the error says what is wrong with it.
pub fn compile(pattern: &str) -> Result<Regex, String> {
    let translated = translate(pattern)?;
    Regex::new(&translated).map_err(|e| format!("invalid regular expression: {e}"))
}

/// Rewrites RE2 syntax into the `regex` crate's equivalent.
fn translate(pattern: &str) -> Result<String, String> {
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut chars = pattern.chars().peekable();
    let mut in_class = false;
    // Just opened a class: a `]` here is a literal (`[]a]`, `[^]a]`).
    let mut class_start = false;
    let mut prev_in_class: Option<char> = None;
    while let Some(c) = chars.next() {
        if c == '\\' {
            let Some(e) = chars.next() else {
                return Err("the pattern ends with a lone backslash".to_string());
            };
            if e == 'Q' && !in_class {
                // `\Q...\E` quotes everything up to `\E` (or the end).
                let mut literal = String::new();
                while let Some(q) = chars.next() {
                    if q == '\\' && chars.peek() == Some(&'E') {
                        chars.next();
                        break;
                    }
                    literal.push(q);
                }
                out.push_str(&::regex::escape(&literal));
                continue;
            }
            let ascii = match (e, in_class) {
                ('d', false) => Some("[0-9]"),
                ('D', false) => Some("[^0-9]"),
                ('s', false) => Some("[\\t\\n\\f\\r ]"),
                ('S', false) => Some("[^\\t\\n\\f\\r ]"),
                ('w', false) => Some("[0-9A-Za-z_]"),
                ('W', false) => Some("[^0-9A-Za-z_]"),
                ('b', false) => Some("(?-u:\\b)"),
                ('B', false) => Some("(?-u:\\B)"),
                ('d', true) => Some("0-9"),
                ('D', true) => Some("[^0-9]"),
                ('s', true) => Some("\\t\\n\\f\\r "),
                ('S', true) => Some("[^\\t\\n\\f\\r ]"),
                ('w', true) => Some("0-9A-Za-z_"),
                ('W', true) => Some("[^0-9A-Za-z_]"),
                _ => None,
            };
            match ascii {
                Some(s) => out.push_str(s),
                None => {
                    out.push('\\');
                    out.push(e);
                }
            }
            class_start = false;
            prev_in_class = None;
            continue;
        }
        if in_class {
            match c {
                ']' if !class_start => in_class = false,
                '[' if chars.peek() == Some(&':') => {
                    // A POSIX class such as `[:alpha:]`: copy it whole.
                    out.push('[');
                    for p in chars.by_ref() {
                        out.push(p);
                        if p == ']' {
                            break;
                        }
                    }
                    class_start = false;
                    prev_in_class = None;
                    continue;
                }
                '[' | '&' | '~' => {
                    out.push('\\');
                    out.push(c);
                    class_start = false;
                    prev_in_class = Some(c);
                    continue;
                }
                '-' if prev_in_class == Some('-') => {
                    out.push_str("\\-");
                    class_start = false;
                    prev_in_class = None;
                    continue;
                }
                '^' if class_start && prev_in_class.is_none() && out.ends_with('[') => {
                    out.push(c);
                    continue;
                }
                _ => {}
            }
            class_start = false;
            prev_in_class = Some(c);
            out.push(c);
            continue;
        }
        match c {
            '[' => {
                in_class = true;
                class_start = true;
                prev_in_class = None;
            }
            '(' if chars.peek() == Some(&'?') => {
                // RE2 knows only the flags i, m, s and U.
                let rest: String = chars
                    .clone()
                    .skip(1)
                    .take_while(|f| *f != ')' && *f != ':')
                    .collect();
                if rest.chars().all(|f| f.is_ascii_alphabetic() || f == '-')
                    && rest.chars().any(|f| matches!(f, 'x' | 'u' | 'R'))
                {
                    return Err(format!("invalid or unsupported flag in (?{rest}"));
                }
            }
            _ => {}
        }
        out.push(c);
    }
    Ok(out)
}

/// Calls `f` with every match of `re` in `s`, as Go finds them (after a match, an empty
/// match at the position where it ended is skipped), until `f` returns false.
pub fn each_match<'h>(re: &Regex, s: &'h str, mut f: impl FnMut(Captures<'h>) -> bool) {
    let mut pos = 0;
    let mut prev_end: Option<usize> = None;
    while pos <= s.len() {
        let Some(caps) = re.captures_at(s, pos) else {
            break;
        };
        let Some(m) = caps.get(0) else {
            break;
        };
        let accept = !(m.is_empty() && prev_end == Some(m.start()));
        pos = if m.end() == pos {
            // Empty match: step over one character.
            pos + s
                .get(pos..)
                .and_then(|r| r.chars().next())
                .map_or(1, char::len_utf8)
        } else {
            m.end()
        };
        prev_end = Some(m.end());
        if accept && !f(caps) {
            return;
        }
    }
}

/// Replaces every match, expanding `$1`, `${name}` and `$$` in `replacement`; `None`
/// when the result would be longer than `max` bytes (`$0$0$0` repeats every match).
pub fn replace_all(re: &Regex, s: &str, replacement: &str, max: usize) -> Option<String> {
    // Each `$` reference expands to at most the whole match.
    let references = replacement.matches('$').count();
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    let mut pos = 0;
    while pos <= s.len() {
        if out.len() > max {
            return None;
        }
        let Some(caps) = re.captures_at(s, pos) else {
            break;
        };
        let Some(m) = caps.get(0) else {
            break;
        };
        out.push_str(s.get(last..m.start()).unwrap_or(""));
        // No replacement for an empty match right after the previous match.
        if m.end() > last || m.start() == 0 {
            let most = references
                .saturating_mul(m.len())
                .saturating_add(replacement.len());
            if out.len().saturating_add(most) > max {
                return None;
            }
            caps.expand(replacement, &mut out);
        }
        last = m.end();
        let width = s
            .get(pos..)
            .and_then(|r| r.chars().next())
            .map_or(1, char::len_utf8);
        pos = if pos + width > m.end() {
            pos + width
        } else {
            m.end()
        };
    }
    out.push_str(s.get(last..).unwrap_or(""));
    (out.len() <= max).then_some(out)
}

/// What one match becomes: the matched text without groups, a list for unnamed groups,
/// a map for named ones (a group that did not take part is null). `None` when that would
/// take more than `max` bytes: nested groups each copy the text they match.
fn match_value(re: &Regex, caps: &Captures<'_>, max: usize) -> Option<Value> {
    // Counted as a map of named groups, which is never smaller than a list of them.
    let size = caps.iter().enumerate().fold(node_bytes(), |n, (i, m)| {
        n.saturating_add(entry_bytes(i, ""))
            .saturating_add(node_bytes())
            .saturating_add(m.map_or(0, |m| m.len()))
    });
    if size > max {
        return None;
    }
    Some(match_value_unchecked(re, caps))
}

fn match_value_unchecked(re: &Regex, caps: &Captures<'_>) -> Value {
    let group = |i: usize| {
        caps.get(i)
            .map_or(Value::Null, |m| Value::String(m.as_str().to_string()))
    };
    if re.captures_len() == 1 {
        return group(0);
    }
    let names: Vec<Option<&str>> = re.capture_names().skip(1).collect();
    if names.iter().all(Option::is_some) {
        let entries: BTreeMap<String, Value> = names
            .iter()
            .enumerate()
            .filter_map(|(i, n)| n.map(|n| (n.to_string(), group(i + 1))))
            .collect();
        Value::Map(Map::from_entries(entries))
    } else {
        Value::List((1..re.captures_len()).map(group).collect())
    }
}

fn pattern_arg(args: &[Value]) -> Result<Regex, FunctionError> {
    let re = compile(&string_arg(args, 0)?).map_err(|m| FunctionError::at(0, m))?;
    let names: Vec<Option<&str>> = re.capture_names().skip(1).collect();
    if names.iter().any(Option::is_some) && names.iter().any(Option::is_none) {
        return Err(FunctionError::at(
            0,
            "named and unnamed capture groups cannot be mixed in one pattern",
        ));
    }
    Ok(re)
}

/// The first match; no match is an error.
pub fn regex(args: Vec<Value>) -> FunctionResult {
    arity(&args, 2, 2)?;
    let re = pattern_arg(&args)?;
    let s = string_arg(&args, 1)?;
    let caps = re.captures(&s).ok_or_else(|| {
        FunctionError::new("the pattern did not match any part of the given string")
    })?;
    match_value(&re, &caps, MAX_RESULT_BYTES).ok_or_else(FunctionError::too_large)
}

/// Every match, as a list (empty when nothing matches).
pub fn regexall(args: Vec<Value>) -> FunctionResult {
    arity(&args, 2, 2)?;
    let re = pattern_arg(&args)?;
    let s = string_arg(&args, 1)?;
    // Every match is a value of its own (an empty pattern matches between every two
    // characters), so the list is measured as it grows.
    let mut out = Vec::new();
    let mut size = node_bytes();
    let mut too_large = false;
    each_match(&re, &s, |caps| {
        match match_value(&re, &caps, MAX_RESULT_BYTES.saturating_sub(size)) {
            Some(v) => {
                size = size.saturating_add(value_bytes(&v));
                out.push(v);
                true
            }
            None => {
                too_large = true;
                false
            }
        }
    });
    if too_large {
        return Err(FunctionError::too_large());
    }
    Ok(Value::List(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find_all(pattern: &str, s: &str) -> Vec<String> {
        let re = compile(pattern).unwrap();
        let mut out = Vec::new();
        each_match(&re, s, |c| {
            out.push(c.get(0).unwrap().as_str().to_string());
            true
        });
        out
    }

    #[test]
    fn classes_are_ascii_like_re2() {
        assert_eq!(find_all(r"\d+", "١٢3"), vec!["3"]);
        assert_eq!(find_all(r"\w+", "héllo"), vec!["h", "llo"]);
        assert_eq!(find_all(r"[\d.]+", "a1.5b"), vec!["1.5"]);
        assert_eq!(find_all(r"\bx", "éx"), vec!["x"]);
    }

    #[test]
    fn class_syntax_is_literal_where_re2_is() {
        assert_eq!(find_all("[[]", "a[b"), vec!["["]);
        assert_eq!(find_all("[a&&b]", "&"), vec!["&"]);
        assert_eq!(find_all("[]a]+", "]a]"), vec!["]a]"]);
        assert_eq!(find_all("[[:digit:]x]+", "1x2"), vec!["1x2"]);
        assert!(compile("(?x) a").is_err());
        assert_eq!(find_all(r"\Qa.b\E+", "a.bb axb"), vec!["a.bb"]);
    }

    #[test]
    fn empty_matches_follow_go() {
        assert_eq!(find_all("a*", "baaab"), vec!["", "aaa", ""]);
        let re = compile("a*").unwrap();
        assert_eq!(replace_all(&re, "baaab", "-", 5).as_deref(), Some("-b-b-"));
        let re = compile("").unwrap();
        assert_eq!(replace_all(&re, "abc", "x", 7).as_deref(), Some("xaxbxcx"));
        assert_eq!(replace_all(&re, "abc", "x", 6), None);
    }
}
