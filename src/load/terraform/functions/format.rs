//! `format` and `formatlist`: printf-style formatting with Terraform's verbs.
//!
//! `%v` (strings as is, numbers as `%g`, anything else as JSON; `%#v` always JSON), `%t`,
//! `%d %b %o %x %X` (whole numbers only), `%e %E %f %g %G`, `%s`, `%q` (JSON-quoted)
//! and `%%`, with the flags `0 - + # space`, a width, a precision and an argument index
//! `%[n]d`. Numbers print as Go prints them (`%g` of 1000000 is `1e+06`). A missing
//! argument is an error, and so is an argument after the last one used.

use super::args::{number_value, ordinal, string_arg};
use super::encoding::{encode, quote, TOO_LARGE};
use super::{arity, FunctionError, FunctionResult, MAX_RESULT_BYTES};
use crate::load::terraform::budget::node_bytes;
use crate::load::terraform::convert::{to_bool, to_string};
use crate::model::Value;

pub fn format(args: Vec<Value>) -> FunctionResult {
    arity(&args, 1, usize::MAX)?;
    let spec = string_arg(&args, 0)?;
    render(&spec, args.get(1..).unwrap_or(&[]), MAX_RESULT_BYTES)
        .map(Value::String)
        .map_err(Failure::into_error)
}

/// Why rendering stopped: a mistake in the format or its arguments, or a result that
/// would be larger than the limit for one value.
#[derive(Debug, PartialEq, Eq)]
enum Failure {
    Invalid(String),
    TooLarge,
}

impl Failure {
    fn into_error(self) -> FunctionError {
        match self {
            Failure::Invalid(m) => FunctionError::new(m),
            Failure::TooLarge => FunctionError::too_large(),
        }
    }
}

impl From<String> for Failure {
    fn from(m: String) -> Failure {
        Failure::Invalid(m)
    }
}

/// Formats once per element of the list arguments (which must have equal lengths);
/// other arguments are reused for every element.
pub fn formatlist(args: Vec<Value>) -> FunctionResult {
    arity(&args, 1, usize::MAX)?;
    let spec = string_arg(&args, 0)?;
    let values = args.get(1..).unwrap_or(&[]);
    let mut length: Option<(usize, usize)> = None;
    for (i, v) in values.iter().enumerate() {
        if let Some(items) = v.as_elements() {
            match length {
                None => length = Some((items.len(), i)),
                Some((n, first)) if n != items.len() => {
                    return Err(FunctionError::at(
                        i + 1,
                        format!(
                            "the {} argument has length {}, but the {} has length {n}",
                            ordinal(i + 1),
                            items.len(),
                            ordinal(first + 1)
                        ),
                    ))
                }
                Some(_) => {}
            }
        }
    }
    let rounds = length.map_or(1, |(n, _)| n);
    let mut out = Vec::with_capacity(rounds);
    // The whole list counts as one value: each round may use only what is left.
    let mut size = node_bytes();
    for round in 0..rounds {
        let call: Vec<Value> = values
            .iter()
            .map(|v| match v.as_elements() {
                Some(items) => items.get(round).cloned().unwrap_or(Value::Null),
                None => v.clone(),
            })
            .collect();
        size += node_bytes();
        let left = MAX_RESULT_BYTES.saturating_sub(size);
        let s = render(&spec, &call, left).map_err(|f| match f {
            Failure::Invalid(m) => {
                FunctionError::new(format!("error on format iteration {round}: {m}"))
            }
            Failure::TooLarge => FunctionError::too_large(),
        })?;
        size += s.len();
        out.push(Value::String(s));
    }
    Ok(Value::List(out))
}

/// One `%` directive.
#[derive(Default)]
struct Verb {
    raw: String,
    offset: usize,
    mode: char,
    zero: bool,
    sharp: bool,
    minus: bool,
    plus: bool,
    space: bool,
    width: Option<usize>,
    precision: Option<usize>,
}

/// Widths and precisions above Go's own limit (10^6) would only exhaust memory.
const MAX_WIDTH: usize = 1_000_000;

fn bounded(n: usize, what: &str) -> Result<usize, String> {
    if n > MAX_WIDTH {
        Err(format!(
            "the {what} {n} is too large (the limit is {MAX_WIDTH})"
        ))
    } else {
        Ok(n)
    }
}

fn digits_while(chars: &[char], i: &mut usize) -> usize {
    let mut n: usize = 0;
    while let Some(d) = chars.get(*i).and_then(|c| c.to_digit(10)) {
        n = n.saturating_mul(10).saturating_add(d as usize);
        *i += 1;
    }
    n
}

/// Renders the format string with `args`, into at most `max` bytes.
fn render(spec: &str, args: &[Value], max: usize) -> Result<String, Failure> {
    let chars: Vec<char> = spec.chars().collect();
    let mut out = String::new();
    let mut next_arg = 1;
    // The highest argument number used: every argument up to the last must be used.
    let mut max_used = 0;
    let mut verbs = 0;
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        // Many verbs each padded to the widest width Go allows would still be too much.
        if out.len() > max {
            return Err(Failure::TooLarge);
        }
        if c != '%' {
            out.push(c);
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        if chars.get(i) == Some(&'%') {
            out.push('%');
            i += 1;
            continue;
        }
        let mut verb = Verb {
            offset: start,
            ..Verb::default()
        };
        while let Some(&f) = chars.get(i) {
            match f {
                '0' => verb.zero = true,
                '#' => verb.sharp = true,
                '-' => verb.minus = true,
                '+' => verb.plus = true,
                ' ' => verb.space = true,
                _ => break,
            }
            i += 1;
        }
        let mut arg_num = next_arg;
        if chars.get(i) == Some(&'[') {
            i += 1;
            if !chars.get(i).is_some_and(|c| matches!(c, '1'..='9')) {
                return Err(unrecognized(&chars, i).into());
            }
            arg_num = digits_while(&chars, &mut i);
            if chars.get(i) != Some(&']') {
                return Err(unrecognized(&chars, i).into());
            }
            i += 1;
        }
        if chars.get(i).is_some_and(|c| matches!(c, '1'..='9')) {
            verb.width = Some(bounded(digits_while(&chars, &mut i), "width")?);
        }
        if chars.get(i) == Some(&'.') {
            i += 1;
            verb.precision = Some(bounded(digits_while(&chars, &mut i), "precision")?);
        }
        match chars.get(i) {
            Some(&m) if m.is_ascii_alphabetic() => verb.mode = m,
            Some(_) => return Err(unrecognized(&chars, i).into()),
            None => return Err(format!("invalid format string starting at offset {start}").into()),
        }
        i += 1;
        verb.raw = chars.get(start..i).unwrap_or(&[]).iter().collect();
        let arg = args.get(arg_num - 1).ok_or_else(|| {
            format!(
                "not enough arguments for \"{}\" at {}: need index {arg_num} but have {} total",
                verb.raw,
                verb.offset,
                args.len()
            )
        })?;
        append(&verb, arg, &mut out)?;
        verbs += 1;
        max_used = max_used.max(arg_num);
        next_arg = arg_num + 1;
    }
    if max_used < args.len() {
        return Err(if verbs == 0 {
            "too many arguments; no verbs in format string".to_string()
        } else {
            format!("too many arguments; only {max_used} used by format string")
        }
        .into());
    }
    if out.len() > max {
        return Err(Failure::TooLarge);
    }
    Ok(out)
}

fn unrecognized(chars: &[char], i: usize) -> String {
    match chars.get(i) {
        Some(c) => format!("unrecognized format character '{c}' at offset {i}"),
        None => format!("invalid format string ending at offset {i}"),
    }
}

fn append(verb: &Verb, arg: &Value, out: &mut String) -> Result<(), Failure> {
    let unsupported = |why: &str| {
        Failure::Invalid(format!(
            "unsupported value for \"{}\" at {}: {why}",
            verb.raw, verb.offset
        ))
    };
    if verb.mode != 'v' && arg.is_null() {
        return Err(unsupported("null value cannot be formatted"));
    }
    match verb.mode {
        'v' => {
            let text = match arg {
                Value::String(s) if !verb.sharp => s.clone(),
                Value::Number(n) if !verb.sharp => {
                    let sign = if n.is_sign_negative() && *n != 0.0 {
                        "-"
                    } else {
                        ""
                    };
                    format!("{sign}{}", float_g(n.abs(), None, false))
                }
                other => {
                    let mut json = String::new();
                    encode(other, &mut json).map_err(|m| {
                        if m == TOO_LARGE {
                            Failure::TooLarge
                        } else {
                            unsupported(&m)
                        }
                    })?;
                    json
                }
            };
            out.push_str(&pad(verb, text));
        }
        't' => match to_bool(arg) {
            Ok(Some(b)) => out.push_str(if b { "true" } else { "false" }),
            _ => {
                return Err(unsupported(&format!(
                    "a bool is required, not a {}",
                    arg.type_name()
                )))
            }
        },
        'b' | 'd' | 'o' | 'x' | 'X' => {
            let n = number_value(arg).map_err(|m| unsupported(&format!("the value {m}")))?;
            out.push_str(&integer(verb, n).ok_or_else(|| unsupported("an integer is required"))?);
        }
        'e' | 'E' | 'f' | 'g' | 'G' => {
            let n = number_value(arg).map_err(|m| unsupported(&format!("the value {m}")))?;
            out.push_str(&float(verb, n));
        }
        's' | 'q' => {
            let s = match to_string(arg) {
                Ok(Some(s)) => s,
                _ => {
                    return Err(unsupported(&format!(
                        "a string is required, not a {}",
                        arg.type_name()
                    )))
                }
            };
            let s = match verb.precision {
                Some(p) if p > 0 => s.chars().take(p).collect(),
                _ => s,
            };
            if verb.mode == 'q' {
                let mut quoted = String::new();
                quote(&s, &mut quoted);
                out.push_str(&pad(verb, quoted));
            } else {
                out.push_str(&pad(verb, s));
            }
        }
        other => {
            return Err(format!(
                "unsupported format verb '{other}' in \"{}\" at offset {}",
                verb.raw, verb.offset
            )
            .into())
        }
    }
    Ok(())
}

/// Pads to the width, counted in characters; `0` pads with zeros even for strings.
fn pad(verb: &Verb, s: String) -> String {
    let len = s.chars().count();
    let Some(width) = verb.width.filter(|w| *w > len) else {
        return s;
    };
    let fill = if verb.zero { "0" } else { " " }.repeat(width - len);
    if verb.minus {
        s + &fill
    } else {
        fill + &s
    }
}

fn sign(verb: &Verb, negative: bool) -> &'static str {
    if negative {
        "-"
    } else if verb.plus {
        "+"
    } else if verb.space {
        " "
    } else {
        ""
    }
}

/// `%b %d %o %x %X` as Go formats a big integer; `None` for a fraction.
fn integer(verb: &Verb, n: f64) -> Option<String> {
    if n.fract() != 0.0 || !n.is_finite() {
        return None;
    }
    let base = match verb.mode {
        'b' => 2,
        'o' => 8,
        'x' | 'X' => 16,
        _ => 10,
    };
    let abs = n.abs();
    let mut digits = if abs < 1.7e38 {
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "a whole non-negative number below 2^127"
        )]
        to_base(abs as u128, base)
    } else if base == 10 {
        format!("{abs:.0}")
    } else {
        return None;
    };
    if verb.mode == 'X' {
        digits = digits.to_uppercase();
    }
    let sign = sign(verb, n < 0.0);
    let prefix = match (verb.sharp, verb.mode) {
        (true, 'b') => "0b",
        (true, 'o') => "0",
        (true, 'x') => "0x",
        (true, 'X') => "0X",
        _ => "",
    };
    let mut zeros = 0;
    if let Some(p) = verb.precision {
        if digits.len() < p {
            zeros = p - digits.len();
        } else if digits == "0" && p == 0 {
            // Go prints nothing at all for zero with precision zero.
            return Some(String::new());
        }
    }
    let (mut left, mut right) = (0, 0);
    let length = sign.len() + prefix.len() + zeros + digits.len();
    if let Some(w) = verb.width.filter(|w| *w > length) {
        let d = w - length;
        if verb.minus {
            right = d;
        } else if verb.zero && verb.precision.is_none() {
            zeros += d;
        } else {
            left = d;
        }
    }
    Some(format!(
        "{}{sign}{prefix}{}{digits}{}",
        " ".repeat(left),
        "0".repeat(zeros),
        " ".repeat(right)
    ))
}

fn to_base(mut n: u128, base: u128) -> String {
    if n == 0 {
        return "0".to_string();
    }
    let mut out = Vec::new();
    while n > 0 {
        let d = u32::try_from(n % base).unwrap_or(0);
        out.push(char::from_digit(d, 36).unwrap_or('?'));
        n /= base;
    }
    out.iter().rev().collect()
}

/// `%e %E %f %g %G` as Go formats a big float.
fn float(verb: &Verb, n: f64) -> String {
    let abs = n.abs();
    let body = match verb.mode {
        'e' | 'E' => float_e(abs, verb.precision.unwrap_or(6), verb.mode == 'E'),
        'f' => format!("{abs:.*}", verb.precision.unwrap_or(6)),
        _ => float_g(abs, verb.precision, verb.mode == 'G'),
    };
    let sign = sign(verb, n.is_sign_negative() && n != 0.0);
    let len = sign.len() + body.len();
    match verb.width.filter(|w| *w > len) {
        None => format!("{sign}{body}"),
        Some(w) if verb.zero => format!("{sign}{}{body}", "0".repeat(w - len)),
        Some(w) if verb.minus => format!("{sign}{body}{}", " ".repeat(w - len)),
        Some(w) => format!("{}{sign}{body}", " ".repeat(w - len)),
    }
}

/// The decimal digits of `abs` without trailing zeros and the position of the decimal
/// point (value = 0.DIGITS × 10^point); shortest when `significant` is `None`.
fn decimal(abs: f64, significant: Option<usize>) -> (Vec<u8>, i32) {
    if abs == 0.0 {
        return (Vec::new(), 0);
    }
    let text = match significant {
        None => format!("{abs:e}"),
        Some(n) => format!("{abs:.*e}", n.saturating_sub(1)),
    };
    let (mantissa, exp) = text.split_once('e').unwrap_or((&text, "0"));
    let mut digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    while digits.last() == Some(&b'0') {
        digits.pop();
    }
    (digits, exp.parse::<i32>().unwrap_or(0) + 1)
}

fn float_e(abs: f64, precision: usize, upper: bool) -> String {
    let (digits, point) = decimal(abs, Some(precision + 1));
    e_form(&digits, point, precision, upper)
}

/// Go's `%e` layout from decimal digits: d.ddd e±XX.
fn e_form(digits: &[u8], point: i32, precision: usize, upper: bool) -> String {
    let mut out = String::new();
    out.push(char::from(digits.first().copied().unwrap_or(b'0')));
    if precision > 0 {
        out.push('.');
        for i in 1..=precision {
            out.push(char::from(digits.get(i).copied().unwrap_or(b'0')));
        }
    }
    out.push(if upper { 'E' } else { 'e' });
    let exp = if digits.is_empty() { 0 } else { point - 1 };
    out.push(if exp < 0 { '-' } else { '+' });
    out.push_str(&format!("{:02}", exp.abs()));
    out
}

/// Go's `%f` layout from decimal digits.
fn f_form(digits: &[u8], point: i32, precision: usize) -> String {
    let digit = |i: i32| {
        usize::try_from(i)
            .ok()
            .and_then(|i| digits.get(i))
            .map_or('0', |d| char::from(*d))
    };
    let mut out: String = if point > 0 {
        (0..point).map(digit).collect()
    } else {
        "0".to_string()
    };
    if precision > 0 {
        out.push('.');
        for i in 0..i32::try_from(precision).unwrap_or(0) {
            out.push(digit(point + i));
        }
    }
    out
}

/// `%g`: `%e` for large or small exponents, `%f` otherwise, without trailing zeros. With
/// no precision the shortest digits are used and `%e` starts at exponent 6 (as Go does
/// for big floats, so `%g` of 1000000 is `1e+06`).
fn float_g(abs: f64, precision: Option<usize>, upper: bool) -> String {
    let shortest = precision.is_none();
    let wanted = precision.map(|p| p.max(1));
    let (digits, point) = decimal(abs, wanted);
    let len = i32::try_from(digits.len()).unwrap_or(i32::MAX);
    let mut prec = wanted.map_or(len, |p| i32::try_from(p).unwrap_or(i32::MAX));
    let mut eprec = prec;
    if eprec > len && len >= point {
        eprec = len;
    }
    if shortest {
        eprec = 6;
    }
    let exp = point - 1;
    if exp < -4 || exp >= eprec {
        prec = prec.min(len);
        return e_form(
            &digits,
            point,
            usize::try_from(prec - 1).unwrap_or(0),
            upper,
        );
    }
    if prec > point {
        prec = len;
    }
    f_form(
        &digits,
        point,
        usize::try_from((prec - point).max(0)).unwrap_or(0),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn huge_widths_are_refused() {
        let err = super::format(vec![
            crate::model::Value::string("%999999999d"),
            crate::model::Value::Number(1.0),
        ])
        .unwrap_err();
        assert_eq!(
            err.message,
            "the width 999999999 is too large (the limit is 1000000)"
        );
    }

    use super::*;

    fn fmt(spec: &str, args: &[Value]) -> Result<String, String> {
        render(spec, args, MAX_RESULT_BYTES).map_err(|f| format!("{f:?}"))
    }

    fn n(x: f64) -> Value {
        Value::Number(x)
    }

    #[test]
    fn g_matches_go_big_float() {
        assert_eq!(fmt("%g", &[n(1_000_000.0)]), Ok("1e+06".to_string()));
        assert_eq!(fmt("%g", &[n(123_456.0)]), Ok("123456".to_string()));
        assert_eq!(fmt("%g", &[n(0.00001)]), Ok("1e-05".to_string()));
        assert_eq!(fmt("%.3g", &[n(1234.5678)]), Ok("1.23e+03".to_string()));
        assert_eq!(fmt("%.3g", &[n(100.0)]), Ok("100".to_string()));
        assert_eq!(fmt("%g", &[n(0.0)]), Ok("0".to_string()));
        assert_eq!(fmt("%.0g", &[n(123.0)]), Ok("1e+02".to_string()));
    }

    #[test]
    fn integers_match_go_big_int() {
        assert_eq!(fmt("%05d", &[n(-42.0)]), Ok("-0042".to_string()));
        assert_eq!(fmt("%-+6d|", &[n(3.0)]), Ok("+3    |".to_string()));
        assert_eq!(fmt("%8.3d|", &[n(7.0)]), Ok("     007|".to_string()));
        assert_eq!(fmt("%#x", &[n(255.0)]), Ok("0xff".to_string()));
        assert_eq!(fmt("%.0d", &[n(0.0)]), Ok(String::new()));
        assert!(fmt("%d", &[n(1.5)]).is_err());
    }

    #[test]
    fn arguments_must_all_be_used() {
        assert!(fmt("%s", &[Value::string("a"), Value::string("b")]).is_err());
        assert!(fmt("plain", &[n(1.0)]).is_err());
        assert_eq!(
            fmt(
                "%[2]s %s",
                &[Value::string("a"), Value::string("b"), Value::string("c")]
            ),
            Ok("b c".to_string())
        );
        assert!(fmt("%s %s", &[Value::string("a")]).is_err());
        assert_eq!(
            fmt("%[2]s %[1]s", &[Value::string("a"), Value::string("b")]),
            Ok("b a".to_string())
        );
        assert!(fmt("%[1]s %[1]s", &[Value::string("a"), Value::string("b")]).is_err());
    }
}
