//! `jsonencode` and `jsondecode`. The encoder writes exactly what Terraform writes:
//! compact, object keys sorted, `<`, `>`, `&`, U+2028 and U+2029 escaped as `\uXXXX`,
//! numbers without exponent and integers without a fraction.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::args::{arg, string_arg};
use super::{arity, FunctionError, FunctionResult, MAX_RESULT_BYTES};
use crate::load::terraform::budget::{entry_bytes, node_bytes};
use crate::model::{format_number, Map, Value};

pub fn jsonencode(args: Vec<Value>) -> FunctionResult {
    arity(&args, 1, 1)?;
    let mut out = String::new();
    encode(arg(&args, 0)?, &mut out).map_err(|m| {
        if m == TOO_LARGE {
            FunctionError::too_large()
        } else {
            FunctionError::at(0, m)
        }
    })?;
    Ok(Value::String(out))
}

/// The error of [`encode`] when the text would be longer than [`MAX_RESULT_BYTES`]:
/// escaping makes a control character six bytes long.
pub const TOO_LARGE: &str = "the JSON text is too large";

/// Appends the JSON encoding of `v`; unknowns and non-finite numbers cannot be encoded,
/// and text longer than [`MAX_RESULT_BYTES`] is [`TOO_LARGE`].
pub fn encode(v: &Value, out: &mut String) -> Result<(), String> {
    if out.len() > MAX_RESULT_BYTES {
        return Err(TOO_LARGE.to_string());
    }
    match v {
        Value::Sensitive(inner) => encode(inner, out)?,
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) if n.is_finite() => out.push_str(&format_number(*n)),
        Value::Number(n) => return Err(format!("{} cannot be encoded as JSON", format_number(*n))),
        Value::String(s) => quote(s, out),
        Value::List(items) | Value::Set(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                encode(item, out)?;
            }
            out.push(']');
        }
        Value::Map(m) => {
            if m.more.is_some() {
                return Err("a map with unknown keys cannot be encoded".to_string());
            }
            out.push('{');
            for (i, (k, item)) in m.entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                quote(k, out);
                out.push(':');
                encode(item, out)?;
            }
            out.push('}');
        }
        Value::Unknown(u) => return Err(format!("an unknown value cannot be encoded: {u}")),
    }
    if out.len() > MAX_RESULT_BYTES {
        return Err(TOO_LARGE.to_string());
    }
    Ok(())
}

/// Appends `s` as a JSON string, escaped the way Go's encoder does.
/// Stops early once `out` is longer than [`MAX_RESULT_BYTES`]; callers check for that.
pub fn quote(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        if out.len() > MAX_RESULT_BYTES {
            return;
        }
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' | '\0'..='\u{1f}' => {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Objects become maps and arrays lists; a later duplicate key wins. Read by serde_json
/// (with `float_roundtrip`, so numbers round correctly), nesting at most 127 deep.
pub fn jsondecode(args: Vec<Value>) -> FunctionResult {
    arity(&args, 1, 1)?;
    let text = string_arg(&args, 0)?;
    let text = replace_lone_surrogates(&text);
    let mut budget = Budget::default();
    let mut reader = serde_json::Deserializer::from_str(&text);
    let decoded = Decode(&mut budget)
        .deserialize(&mut reader)
        .and_then(|value| reader.end().map(|()| value));
    match decoded {
        Ok(value) => Ok(value),
        Err(_) if budget.exceeded => Err(FunctionError::too_large()),
        Err(e) => Err(FunctionError::at(0, format!("invalid JSON: {e}"))),
    }
}

/// Go's decoder, and so Terraform's, reads an escaped UTF-16 surrogate without its other
/// half as U+FFFD; serde_json refuses it. Such escapes become `\ufffd` first: the same
/// length, so the positions in error messages stay right.
fn replace_lone_surrogates(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b != b'\\' {
            i += 1;
            continue;
        }
        if bytes.get(i + 1) != Some(&b'u') {
            // `\\`, `\"` and the others: the next byte is not the start of an escape.
            i += 2;
            continue;
        }
        let lone = match hex4(bytes, i + 2) {
            Some(0xD800..=0xDBFF) => {
                let low = bytes.get(i + 6..i + 8) == Some(b"\\u".as_slice())
                    && matches!(hex4(bytes, i + 8), Some(0xDC00..=0xDFFF));
                if low {
                    i += 12;
                    continue;
                }
                true
            }
            Some(0xDC00..=0xDFFF) => true,
            // Not four hex digits: serde_json reports it.
            _ => false,
        };
        if lone {
            // Escapes are ASCII, so these offsets are on character boundaries.
            out.push_str(text.get(copied..i + 2).unwrap_or_default());
            out.push_str("fffd");
            copied = i + 6;
        }
        i += 6;
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(text.get(copied..).unwrap_or_default());
    Cow::Owned(out)
}

/// The four hex digits at `at`, if they are (`u32::from_str_radix` alone takes a `+`).
fn hex4(bytes: &[u8], at: usize) -> Option<u32> {
    let digits = bytes.get(at..at + 4)?;
    if !digits.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    u32::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()
}

/// The estimated size of what was decoded so far: `[0,0,0]` takes a few bytes of text but
/// a value node per element, so the result can be much larger than the text.
#[derive(Default)]
struct Budget {
    built: usize,
    exceeded: bool,
}

impl Budget {
    /// Counts `bytes` more of the result against the limit for one value, before it is
    /// built.
    fn grow<E: de::Error>(&mut self, bytes: usize) -> Result<(), E> {
        self.built = self.built.saturating_add(bytes);
        if self.built > MAX_RESULT_BYTES {
            self.exceeded = true;
            return Err(E::custom("the result is too large"));
        }
        Ok(())
    }
}

/// Builds our [`Value`] straight from serde_json's events, metered by the [`Budget`].
struct Decode<'b>(&'b mut Budget);

impl<'de> DeserializeSeed<'de> for Decode<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Decode<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.0.grow(node_bytes())?;
        Ok(Value::Null)
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Value, E> {
        self.0.grow(node_bytes())?;
        Ok(Value::Bool(b))
    }

    // Whole numbers within 64 bits arrive as integers; `as` rounds them to the nearest
    // double, as parsing their text would.
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Value, E> {
        self.visit_f64(n as f64)
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Value, E> {
        self.visit_f64(n as f64)
    }

    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Value, E> {
        self.0.grow(node_bytes())?;
        Ok(Value::Number(n))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Value, E> {
        self.0.grow(node_bytes().saturating_add(s.len()))?;
        Ok(Value::string(s))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.0.grow(node_bytes())?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Decode(&mut *self.0))? {
            items.push(item);
        }
        Ok(Value::List(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.0.grow(node_bytes())?;
        let mut m = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            self.0.grow(entry_bytes(m.entries.len(), &key))?;
            let value = map.next_value_seed(Decode(&mut *self.0))?;
            m.insert(key, value);
        }
        Ok(Value::Map(m))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(v: &Value) -> Result<String, String> {
        let mut out = String::new();
        encode(v, &mut out).map(|()| out)
    }

    #[test]
    fn escapes_like_go() {
        assert_eq!(
            enc(&Value::string("<a&b>\u{1}\u{2028}")),
            Ok("\"\\u003ca\\u0026b\\u003e\\u0001\\u2028\"".to_string())
        );
    }

    #[test]
    fn unknowns_cannot_be_encoded() {
        assert!(enc(&Value::List(vec![Value::unknown("x")])).is_err());
        assert!(enc(&super::super::maps::open_map(&[], "y")).is_err());
    }

    fn dec(text: &str) -> FunctionResult {
        jsondecode(vec![Value::string(text)])
    }

    #[test]
    fn decoding_is_strict_and_exact() {
        assert_eq!(
            dec("1.6989700043360185"),
            Ok(Value::Number(1.698_970_004_336_018_5))
        );
        assert_eq!(
            dec(" [1, \"\\u00e9\\ud83d\\ude00\"] "),
            Ok(Value::List(vec![Value::Number(1.0), Value::string("é😀")]))
        );
        assert_eq!(dec("\"\\ud800x\""), Ok(Value::string("\u{FFFD}x")));
        for bad in [
            "",
            "[1,]",
            "{\"a\":1} x",
            "01",
            "1.",
            "NaN",
            "'a'",
            "{a:1}",
            "\"\t\"",
        ] {
            assert!(dec(bad).is_err(), "{bad}");
        }
        let Ok(Value::Map(m)) = dec("{\"a\":1,\"a\":2}") else {
            panic!("object expected")
        };
        assert_eq!(m.get("a"), Some(&Value::Number(2.0)));
    }

    fn number(text: &str) -> f64 {
        match dec(text) {
            Ok(Value::Number(n)) => n,
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn numbers_are_the_nearest_double() {
        assert_eq!(number("0.1"), 0.1);
        assert_eq!(number("0.1").to_bits(), 0.1_f64.to_bits());
        // 2^53 + 1 is halfway between two doubles: ties go to the even one.
        assert_eq!(number("9007199254740993"), 9_007_199_254_740_992.0);
        assert_eq!(number("18446744073709551616"), 18_446_744_073_709_551_616.0);
        assert_eq!(number("-9223372036854775809"), -9_223_372_036_854_775_808.0);
        assert_eq!(number("1e308"), 1e308);
        assert_eq!(number("2.5E-3"), 0.0025);
        // Underflow is zero, keeping the sign; negative zero stays negative.
        assert_eq!(number("1e-400").to_bits(), 0.0_f64.to_bits());
        assert_eq!(number("-1e-400").to_bits(), (-0.0_f64).to_bits());
        assert_eq!(number("-0").to_bits(), (-0.0_f64).to_bits());
        assert_eq!(number("-0.0").to_bits(), (-0.0_f64).to_bits());
        // A long decimal rounds once, to the nearest double (1 + 2^-52 here).
        assert_eq!(
            number("1.00000000000000022204460492503130808472633361816406250000001"),
            1.000_000_000_000_000_2
        );
        assert_eq!(
            dec("1e400").map_err(|e| e.message),
            Err("invalid JSON: number out of range at line 1 column 5".to_string())
        );
    }

    #[test]
    fn errors_say_where() {
        let message = |text: &str| dec(text).err().map(|e| e.message);
        assert_eq!(
            message("[1,]"),
            Some("invalid JSON: trailing comma at line 1 column 4".to_string())
        );
        assert_eq!(
            message("{\"a\":1}\n x"),
            Some("invalid JSON: trailing characters at line 2 column 2".to_string())
        );
        assert_eq!(
            message(""),
            Some("invalid JSON: EOF while parsing a value at line 1 column 0".to_string())
        );
    }

    #[test]
    fn lone_surrogates_are_replaced_like_go() {
        assert_eq!(dec("\"\\udc00\""), Ok(Value::string("\u{FFFD}")));
        assert_eq!(
            dec("\"\\ud800\\ud83d\\ude00\\ud800\""),
            Ok(Value::string("\u{FFFD}😀\u{FFFD}"))
        );
        // An escaped backslash is not the start of an escape.
        assert_eq!(dec("\"\\\\ud800\""), Ok(Value::string("\\ud800")));
        // Keys too; the replacement keeps the error's column where the text has it.
        let Ok(Value::Map(m)) = dec("{\"\\ud800\":1}") else {
            panic!("object expected")
        };
        assert_eq!(m.get("\u{FFFD}"), Some(&Value::Number(1.0)));
        assert_eq!(
            dec("[\"\\ud800\" x]").map_err(|e| e.message),
            Err("invalid JSON: expected `,` or `]` at line 1 column 11".to_string())
        );
    }

    #[test]
    fn malformed_escapes_are_refused() {
        // The old parser read these with `u32::from_str_radix`, which takes a sign.
        assert!(dec("\"\\u+041\"").is_err());
        assert!(dec("\"\\ud800\\u+c00\"").is_err());
        assert!(dec("\"\\u12\"").is_err());
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(dec(&deep(127)).is_ok());
        assert_eq!(
            dec(&deep(128)).map_err(|e| e.message),
            Err("invalid JSON: recursion limit exceeded at line 1 column 128".to_string())
        );
        assert!(dec(&deep(100_000)).is_err());
    }

    #[test]
    fn the_result_is_metered_before_it_is_built() {
        // 3 bytes of text per element, a value node each: over the limit long before
        // the text is.
        let many = format!("[{}0]", "0,".repeat(MAX_RESULT_BYTES / node_bytes()));
        assert!(many.len() < MAX_RESULT_BYTES);
        assert_eq!(dec(&many), Err(FunctionError::too_large()));
    }

    #[test]
    fn numbers_print_without_exponent() {
        assert_eq!(
            enc(&Value::Number(1e21)),
            Ok("1000000000000000000000".to_string())
        );
        assert_eq!(enc(&Value::Number(1.25e-7)), Ok("0.000000125".to_string()));
    }
}
