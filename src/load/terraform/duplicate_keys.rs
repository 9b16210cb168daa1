//! Terraform accepts an object literal with a repeated key (`{ a = 1, a = 2 }`: the last
//! wins) but hcl-edit rejects it. Each rejected key is renamed in a private copy of the text
//! to a unique name of the same length, so every span stays valid, and lowering puts the
//! original name back.

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::hcl::SyntaxError;

/// What hcl-edit parsed, from which text (with repeated keys renamed), and the original
/// name of each renamed key by where it starts.
pub(super) struct Parsed<'a, T> {
    pub(super) value: T,
    pub(super) text: Cow<'a, str>,
    pub(super) renamed: BTreeMap<usize, String>,
}

/// Most repeated object keys a file may contain before we give up renaming them.
pub(super) const MAX_DUPLICATE_KEYS: usize = 256;

/// Terraform accepts `{ a = 1, a = 2 }` (the last wins) but hcl-edit rejects it. Each
/// rejected key is renamed in a copy of the source to a unique name of the same length,
/// so spans stay valid, and the original name is put back after lowering.
pub(super) fn parse_allowing_duplicate_keys<T>(
    source: &str,
    parse: fn(&str) -> Result<T, hcl::edit::parser::Error>,
) -> Result<Parsed<'_, T>, SyntaxError> {
    let mut text = Cow::Borrowed(source);
    let mut renamed = BTreeMap::new();
    loop {
        match parse(&text) {
            Ok(value) => {
                return Ok(Parsed {
                    value,
                    text,
                    renamed,
                })
            }
            Err(e) => {
                let offset = e.location().offset();
                let error = SyntaxError {
                    message: e.message().to_string(),
                    offset,
                };
                if !e.message().contains("redefined object key")
                    || renamed.len() >= MAX_DUPLICATE_KEYS
                {
                    return Err(error);
                }
                let owned = text.to_mut();
                let Some((key_start, original)) = rename_key_at(owned, offset, renamed.len())
                else {
                    return Err(error);
                };
                renamed.insert(key_start, original);
            }
        }
    }
}

/// Renames the object key starting at `offset` in place; returns where the name starts and
/// the original name.
pub(super) fn rename_key_at(
    text: &mut String,
    offset: usize,
    attempt: usize,
) -> Option<(usize, String)> {
    let rest = text.get(offset..)?;
    let (start, len) = if rest.starts_with('"') {
        let mut escaped = false;
        let mut end = None;
        for (i, c) in rest.char_indices().skip(1) {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                end = Some(i);
                break;
            }
        }
        (offset + 1, end? - 1)
    } else {
        let len = rest
            .char_indices()
            .find(|(_, c)| !(c.is_alphanumeric() || *c == '_' || *c == '-'))
            .map_or(rest.len(), |(i, _)| i);
        (offset, len)
    };
    if len == 0 {
        return None;
    }
    let original = text.get(start..start + len)?.to_string();
    if !original.is_ascii() {
        return None;
    }
    let replacement = placeholder_name(len, attempt);
    text.replace_range(start..start + len, &replacement);
    Some((start, original))
}

/// A name of exactly `len` ASCII characters, different for each attempt.
pub(super) fn placeholder_name(len: usize, attempt: usize) -> String {
    const FIRST: &[u8] = b"_ZYXWVUTSRQPONMLKJIHGFEDCBAzyxwvutsrqponmlkjihgfedcba";
    const REST: &[u8] = b"_0123456789zyxwvutsrqponmlkjihgfedcba";
    let mut n = attempt;
    let mut out = String::with_capacity(len);
    for i in 0..len {
        let alphabet = if i == 0 { FIRST } else { REST };
        let pick = alphabet.get(n % alphabet.len()).copied().unwrap_or(b'_');
        out.push(char::from(pick));
        n /= alphabet.len();
    }
    out
}
