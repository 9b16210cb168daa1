//! `jsonencode` and `jsondecode`. The encoder writes exactly what Terraform writes:
//! compact, object keys sorted, `<`, `>`, `&`, U+2028 and U+2029 escaped as `\uXXXX`,
//! numbers without exponent and integers without a fraction.

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

/// Objects become maps and arrays lists; a later duplicate key wins.
pub fn jsondecode(args: Vec<Value>) -> FunctionResult {
    arity(&args, 1, 1)?;
    let text = string_arg(&args, 0)?;
    let mut parser = Parser {
        text: text.as_bytes(),
        pos: 0,
        built: 0,
        too_large: false,
    };
    match parser.document() {
        Ok(value) => Ok(value),
        Err(_) if parser.too_large => Err(FunctionError::too_large()),
        Err(m) => Err(FunctionError::at(0, format!("invalid JSON: {m}"))),
    }
}

/// Nesting deeper than this is refused rather than risking the stack.
const MAX_DEPTH: usize = 512;

/// A strict JSON parser (RFC 8259). Numbers are read with correct rounding, which
/// `serde_json` does not do without its `float_roundtrip` feature.
struct Parser<'t> {
    text: &'t [u8],
    pos: usize,
    /// The estimated size of what was built so far: `[0,0,0]` takes a few bytes of text
    /// but a value node per element, so the result can be much larger than the text.
    built: usize,
    too_large: bool,
}

impl Parser<'_> {
    fn document(&mut self) -> Result<Value, String> {
        let v = self.value(0)?;
        self.skip_ws();
        if self.pos < self.text.len() {
            return Err(format!(
                "unexpected text after the value at offset {}",
                self.pos
            ));
        }
        Ok(v)
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn expect(&mut self, b: u8) -> Result<(), String> {
        if self.peek() == Some(b) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    fn unexpected(&self) -> String {
        match self.peek() {
            Some(b) => format!("unexpected '{}' at offset {}", char::from(b), self.pos),
            None => "unexpected end of input".to_string(),
        }
    }

    fn literal(&mut self, word: &str, v: Value) -> Result<Value, String> {
        let end = self.pos + word.len();
        if self.text.get(self.pos..end) == Some(word.as_bytes()) {
            self.pos = end;
            Ok(v)
        } else {
            Err(self.unexpected())
        }
    }

    /// Counts `bytes` more of the result against the limit for one value.
    fn grow(&mut self, bytes: usize) -> Result<(), String> {
        self.built = self.built.saturating_add(bytes);
        if self.built > MAX_RESULT_BYTES {
            self.too_large = true;
            return Err("the result is too large".to_string());
        }
        Ok(())
    }

    fn value(&mut self, depth: usize) -> Result<Value, String> {
        if depth > MAX_DEPTH {
            return Err("the value is nested too deeply".to_string());
        }
        self.grow(node_bytes())?;
        self.skip_ws();
        match self.peek() {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => {
                let s = self.string()?;
                self.grow(s.len())?;
                Ok(Value::String(s))
            }
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.unexpected()),
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, String> {
        self.expect(b'{')?;
        let mut m = Map::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Map(m));
        }
        loop {
            self.skip_ws();
            let key = self.string()?;
            self.grow(entry_bytes(m.entries.len(), &key))?;
            self.skip_ws();
            self.expect(b':')?;
            let v = self.value(depth + 1)?;
            m.insert(key, v);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::Map(m));
                }
                _ => return Err(self.unexpected()),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, String> {
        self.expect(b'[')?;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::List(items));
        }
        loop {
            items.push(self.value(depth + 1)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::List(items));
                }
                _ => return Err(self.unexpected()),
            }
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<Value, String> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.unexpected()),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.unexpected());
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.unexpected());
            }
        }
        let text = std::str::from_utf8(self.text.get(start..self.pos).unwrap_or_default())
            .map_err(|e| e.to_string())?;
        match text.parse::<f64>() {
            Ok(n) if n.is_finite() => Ok(Value::Number(n)),
            _ => Err(format!("the number {text} is out of range")),
        }
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let digits = self
            .text
            .get(self.pos..self.pos + 4)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .ok_or_else(|| format!("invalid \\u escape at offset {}", self.pos))?;
        self.pos += 4;
        Ok(digits)
    }

    fn string(&mut self) -> Result<String, String> {
        self.expect(b'"')?;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let Some(b) = self.peek() else {
                return Err("unterminated string".to_string());
            };
            self.pos += 1;
            match b {
                b'"' => break,
                b'\\' => {
                    let e = self
                        .peek()
                        .ok_or_else(|| "unterminated string".to_string())?;
                    self.pos += 1;
                    let c = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return Err(format!("invalid escape at offset {}", self.pos - 1)),
                    };
                    let mut buf = [0; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                0..=0x1f => {
                    return Err(format!(
                        "control character in string at offset {}",
                        self.pos - 1
                    ))
                }
                other => out.push(other),
            }
        }
        String::from_utf8(out).map_err(|e| e.to_string())
    }

    /// After `\u`: one code point, joining surrogate pairs; a lone surrogate becomes
    /// U+FFFD as in Go.
    fn unicode_escape(&mut self) -> Result<char, String> {
        let first = self.hex4()?;
        if (0xD800..0xDC00).contains(&first)
            && self.text.get(self.pos..self.pos + 2) == Some(b"\\u")
        {
            let save = self.pos;
            self.pos += 2;
            let second = self.hex4()?;
            if (0xDC00..0xE000).contains(&second) {
                let c = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                return Ok(char::from_u32(c).unwrap_or('\u{FFFD}'));
            }
            self.pos = save;
        }
        Ok(char::from_u32(first).unwrap_or('\u{FFFD}'))
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

    #[test]
    fn numbers_print_without_exponent() {
        assert_eq!(
            enc(&Value::Number(1e21)),
            Ok("1000000000000000000000".to_string())
        );
        assert_eq!(enc(&Value::Number(1.25e-7)), Ok("0.000000125".to_string()));
    }
}
