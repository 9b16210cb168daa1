//! String functions. Arguments that are numbers or bools convert to strings first
//! (`upper(true)` is `"TRUE"`). Terraform counts and cuts strings by grapheme cluster;
//! this file uses characters, which differs only for combining sequences such as
//! `"e\u0301"`. Case mapping is per character, as Go's (`upper("ß")` stays `"ß"`).

use super::args::{elements_arg, integer_arg, ordinal, string_arg};
use super::regex::{compile, replace_all};
use super::{arity, within_limit, FunctionError, FunctionResult, MAX_RESULT_BYTES};
use crate::load::terraform::budget::node_bytes;
use crate::load::terraform::convert::to_string;
use crate::model::Value;

fn one_string(args: &[Value], f: impl Fn(&str) -> String) -> FunctionResult {
    arity(args, 1, 1)?;
    Ok(Value::String(f(&string_arg(args, 0)?)))
}

fn two_strings(args: &[Value]) -> Result<(String, String), FunctionError> {
    arity(args, 2, 2)?;
    Ok((string_arg(args, 0)?, string_arg(args, 1)?))
}

/// Removes all newline characters (`\n`, `\r\n`, `\r`) at the end.
pub fn chomp(args: Vec<Value>) -> FunctionResult {
    one_string(&args, |s| s.trim_end_matches(['\r', '\n']).to_string())
}

pub fn startswith(args: Vec<Value>) -> FunctionResult {
    let (s, prefix) = two_strings(&args)?;
    Ok(Value::Bool(s.starts_with(&prefix)))
}

pub fn strcontains(args: Vec<Value>) -> FunctionResult {
    let (s, part) = two_strings(&args)?;
    Ok(Value::Bool(s.contains(&part)))
}

pub fn endswith(args: Vec<Value>) -> FunctionResult {
    let (s, suffix) = two_strings(&args)?;
    Ok(Value::Bool(s.ends_with(&suffix)))
}

/// Removes the prefix once if present (not a character set).
pub fn trimprefix(args: Vec<Value>) -> FunctionResult {
    let (s, prefix) = two_strings(&args)?;
    Ok(Value::String(
        s.strip_prefix(prefix.as_str()).unwrap_or(&s).to_string(),
    ))
}

/// Removes the suffix once if present.
pub fn trimsuffix(args: Vec<Value>) -> FunctionResult {
    let (s, suffix) = two_strings(&args)?;
    Ok(Value::String(
        s.strip_suffix(suffix.as_str()).unwrap_or(&s).to_string(),
    ))
}

/// Removes every character of the cutset from both ends.
pub fn trim(args: Vec<Value>) -> FunctionResult {
    let (s, cutset) = two_strings(&args)?;
    Ok(Value::String(
        s.trim_matches(|c| cutset.contains(c)).to_string(),
    ))
}

/// Removes Unicode white space from both ends.
pub fn trimspace(args: Vec<Value>) -> FunctionResult {
    one_string(&args, |s| s.trim().to_string())
}

/// `join(separator, list...)`: the lists' strings joined by the separator.
pub fn join(args: Vec<Value>) -> FunctionResult {
    if args.len() < 2 {
        return Err(FunctionError::new(
            "join() needs a separator and at least one list",
        ));
    }
    let sep = string_arg(&args, 0)?;
    let mut parts = Vec::new();
    for i in 1..args.len() {
        for item in elements_arg(&args, i)? {
            match (item, to_string(item)) {
                (Value::Null, _) => {
                    return Err(FunctionError::at(
                        i,
                        "the list contains a null; null values cannot be joined",
                    ))
                }
                (_, Ok(Some(s))) => parts.push(s),
                _ => {
                    return Err(FunctionError::at(
                        i,
                        format!(
                            "the {} argument must be a list of strings, but it contains a {}",
                            ordinal(i),
                            item.type_name()
                        ),
                    ))
                }
            }
        }
    }
    // A long separator between many short strings multiplies: measure before joining.
    let text = parts.iter().fold(0usize, |n, p| n.saturating_add(p.len()));
    let seps = sep.len().saturating_mul(parts.len().saturating_sub(1));
    within_limit(node_bytes().saturating_add(text).saturating_add(seps))?;
    Ok(Value::String(parts.join(&sep)))
}

/// `split(separator, string)`. An empty separator splits into characters.
pub fn split(args: Vec<Value>) -> FunctionResult {
    let (sep, s) = two_strings(&args)?;
    // Each piece is a value node of its own, so a short string can split into a list
    // many times its size.
    let pieces = if sep.is_empty() {
        s.chars().count()
    } else {
        s.matches(sep.as_str()).count().saturating_add(1)
    };
    within_limit(
        pieces
            .saturating_add(1)
            .saturating_mul(node_bytes())
            .saturating_add(s.len()),
    )?;
    let parts: Vec<Value> = if sep.is_empty() {
        s.chars().map(|c| Value::String(c.to_string())).collect()
    } else {
        s.split(sep.as_str()).map(Value::string).collect()
    };
    Ok(Value::List(parts))
}

pub fn lower(args: Vec<Value>) -> FunctionResult {
    one_string(&args, |s| s.chars().map(simple_lower).collect())
}

pub fn upper(args: Vec<Value>) -> FunctionResult {
    one_string(&args, |s| s.chars().map(simple_upper).collect())
}

/// Upper-cases the first letter of each word; words are separated by anything but
/// ASCII letters, digits and `_`, or by white space outside ASCII (Go's `strings.Title`).
pub fn title(args: Vec<Value>) -> FunctionResult {
    one_string(&args, |s| {
        let mut prev = ' ';
        s.chars()
            .map(|c| {
                let out = if is_separator(prev) {
                    simple_title(c)
                } else {
                    c
                };
                prev = c;
                out
            })
            .collect()
    })
}

fn is_separator(c: char) -> bool {
    if c.is_ascii() {
        !(c.is_ascii_alphanumeric() || c == '_')
    } else {
        c.is_whitespace()
    }
}

/// One-to-one upper-case mapping: characters whose full mapping has several characters
/// (`ß` → `SS`) keep their simple mapping, which is usually themselves.
fn simple_upper(c: char) -> char {
    let code = u32::from(c);
    // Greek letters with ypogegrammeni have a one-character simple mapping.
    let special = match code {
        0x1F80..=0x1F87 | 0x1F90..=0x1F97 | 0x1FA0..=0x1FA7 => Some(code + 8),
        0x1FB3 => Some(0x1FBC),
        0x1FC3 => Some(0x1FCC),
        0x1FF3 => Some(0x1FFC),
        _ => None,
    };
    if let Some(mapped) = special.and_then(char::from_u32) {
        return mapped;
    }
    let mut it = c.to_uppercase();
    match (it.next(), it.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

fn simple_lower(c: char) -> char {
    if c == '\u{130}' {
        return 'i';
    }
    let mut it = c.to_lowercase();
    match (it.next(), it.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// Title case differs from upper case for the digraphs (`ǆ` → `ǅ`) and Georgian.
fn simple_title(c: char) -> char {
    match u32::from(c) {
        0x1C4..=0x1C6 => '\u{1C5}',
        0x1C7..=0x1C9 => '\u{1C8}',
        0x1CA..=0x1CC => '\u{1CB}',
        0x1F1..=0x1F3 => '\u{1F2}',
        0x10D0..=0x10FA | 0x10FD..=0x10FF => c,
        _ => simple_upper(c),
    }
}

pub fn strrev(args: Vec<Value>) -> FunctionResult {
    one_string(&args, |s| s.chars().rev().collect())
}

/// `substr(string, offset, length)`: a negative offset counts from the end, a negative
/// length takes the rest. Follows Terraform's loop exactly, including its quirk that a
/// zero length with a negative offset takes the rest.
pub fn substr(args: Vec<Value>) -> FunctionResult {
    arity(&args, 3, 3)?;
    let s = string_arg(&args, 0)?;
    let mut offset = integer_arg(&args, 1)?;
    let length = integer_arg(&args, 2)?;
    let chars: Vec<char> = s.chars().collect();
    let total = i64::try_from(chars.len()).unwrap_or(i64::MAX);
    if offset < 0 {
        offset += total;
    } else if length == 0 {
        return Ok(Value::string(""));
    }
    // An offset at or past the end leaves nothing.
    let start = usize::try_from(offset).unwrap_or(0);
    let rest = chars.get(start..).unwrap_or(&[]);
    let taken: String = if length <= 0 {
        rest.iter().collect()
    } else {
        rest.iter()
            .take(usize::try_from(length).unwrap_or(usize::MAX))
            .collect()
    };
    Ok(Value::String(taken))
}

/// `replace(string, search, replacement)`; a search wrapped in slashes is a regular
/// expression and the replacement may use `$1` and `${name}`.
pub fn replace(args: Vec<Value>) -> FunctionResult {
    arity(&args, 3, 3)?;
    let s = string_arg(&args, 0)?;
    let search = string_arg(&args, 1)?;
    let replacement = string_arg(&args, 2)?;
    if search.len() > 1 && search.starts_with('/') && search.ends_with('/') {
        let pattern = search.get(1..search.len() - 1).unwrap_or("");
        let re = compile(pattern).map_err(|m| FunctionError::at(1, m))?;
        return replace_all(&re, &s, &replacement, MAX_RESULT_BYTES)
            .map(Value::String)
            .ok_or_else(FunctionError::too_large);
    }
    // An empty search matches between every two characters.
    let matches = if search.is_empty() {
        s.chars().count().saturating_add(1)
    } else {
        s.matches(search.as_str()).count()
    };
    within_limit(
        node_bytes()
            .saturating_add(s.len())
            .saturating_add(matches.saturating_mul(replacement.len())),
    )?;
    Ok(Value::String(s.replace(&search, &replacement)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(f: fn(Vec<Value>) -> FunctionResult, args: &[&str]) -> FunctionResult {
        f(args.iter().map(|a| Value::string(*a)).collect())
    }

    #[test]
    fn trimprefix_removes_a_string_not_characters() {
        assert_eq!(call(trimprefix, &["aaab", "a"]), Ok(Value::string("aab")));
        assert_eq!(call(trimsuffix, &["baaa", "a"]), Ok(Value::string("baa")));
        assert_eq!(call(trim, &["aaba", "a"]), Ok(Value::string("b")));
    }

    #[test]
    fn collections_are_not_strings() {
        assert!(upper(vec![Value::List(vec![])]).is_err());
        assert!(upper(vec![Value::Null]).is_err());
        assert_eq!(upper(vec![Value::Bool(true)]), Ok(Value::string("TRUE")));
    }

    #[test]
    fn case_mapping_is_one_to_one() {
        assert_eq!(call(upper, &["straße"]), Ok(Value::string("STRAßE")));
        assert_eq!(call(lower, &["İ"]), Ok(Value::string("i")));
        assert_eq!(
            call(title, &["ǆemal o'neil"]),
            Ok(Value::string("ǅemal O'Neil"))
        );
    }
}
