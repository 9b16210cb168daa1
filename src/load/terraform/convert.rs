//! Terraform's automatic conversions between primitive types (`"5"` is a number where a
//! number is needed, `true` is `"true"` in a string), shared by operators and functions.

use crate::model::{format_number, Value};

/// Converts to a string the way Terraform does for templates and string arguments.
/// `Ok(None)` means the value is unknown; `Err` names what was given instead.
pub fn to_string(v: &Value) -> Result<Option<String>, String> {
    match v {
        Value::String(s) => Ok(Some(s.clone())),
        Value::Number(n) => Ok(Some(format_number(*n))),
        Value::Bool(b) => Ok(Some(b.to_string())),
        Value::Unknown(_) => Ok(None),
        Value::Null => Err("a string is required, but the value is null".to_string()),
        other => Err(format!(
            "a string is required, but a {} was given",
            other.type_name()
        )),
    }
}

/// Converts to a number (`"5"` → 5). `Ok(None)` means unknown.
pub fn to_number(v: &Value) -> Result<Option<f64>, String> {
    match v {
        Value::Number(n) => Ok(Some(*n)),
        Value::String(s) => parse_number(s)
            .map(Some)
            .ok_or_else(|| format!("a number is required, but \"{s}\" is not a number")),
        Value::Unknown(_) => Ok(None),
        Value::Null => Err("a number is required, but the value is null".to_string()),
        other => Err(format!(
            "a number is required, but a {} was given",
            other.type_name()
        )),
    }
}

/// Converts to a bool (`"true"` → true). `Ok(None)` means unknown.
pub fn to_bool(v: &Value) -> Result<Option<bool>, String> {
    match v {
        Value::Bool(b) => Ok(Some(*b)),
        Value::String(s) if s == "true" => Ok(Some(true)),
        Value::String(s) if s == "false" => Ok(Some(false)),
        Value::Unknown(_) => Ok(None),
        Value::Null => Err("a bool is required, but the value is null".to_string()),
        other => Err(format!(
            "a bool is required, but a {} was given",
            other.type_name()
        )),
    }
}

/// Converts to a whole number, for indexes, counts and sizes.
pub fn to_integer(v: &Value) -> Result<Option<i64>, String> {
    match to_number(v)? {
        None => Ok(None),
        Some(n) if n.fract() == 0.0 && n.abs() < 9.0e15 =>
        {
            #[expect(
                clippy::cast_possible_truncation,
                reason = "checked to be a small whole number"
            )]
            Ok(Some(n as i64))
        }
        Some(n) => Err(format!(
            "a whole number is required, but {} was given",
            format_number(n)
        )),
    }
}

/// Parses a number the way Terraform reads one from a string: decimal with optional
/// fraction and exponent; no hex, no `inf`, no surrounding spaces.
pub fn parse_number(s: &str) -> Option<f64> {
    let body = s
        .strip_prefix('-')
        .or_else(|| s.strip_prefix('+'))
        .unwrap_or(s);
    let valid = !body.is_empty()
        && body
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || c == '.')
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'));
    if !valid {
        return None;
    }
    s.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// Deep equality as Terraform's `==`: values of different types are unequal; lists,
/// tuples and sets compare element-wise, in order, and the first pair that is not known
/// to be equal decides (`[1, unknown] == [2, "a"]` is false, `[unknown, 1] == ["a", 2]` is
/// unknown). `None` when an unknown decides the answer.
pub fn equals(a: &Value, b: &Value) -> Option<bool> {
    match (a, b) {
        (Value::Unknown(_), _) | (_, Value::Unknown(_)) => None,
        (Value::Null, Value::Null) => Some(true),
        (Value::Bool(x), Value::Bool(y)) => Some(x == y),
        (Value::Number(x), Value::Number(y)) => Some(x == y),
        (Value::String(x), Value::String(y)) => Some(x == y),
        (Value::List(x), Value::List(y)) | (Value::Set(x), Value::Set(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            for (l, r) in x.iter().zip(y) {
                if !equals(l, r)? {
                    return Some(false);
                }
            }
            Some(true)
        }
        // Terraform compares object attributes in no fixed order, so an unknown attribute
        // and a differing one give either answer there; a known difference decides here.
        (Value::Map(x), Value::Map(y)) => {
            if x.more.is_some() || y.more.is_some() {
                return None;
            }
            if x.entries.len() != y.entries.len() || !x.entries.keys().eq(y.entries.keys()) {
                return Some(false);
            }
            let mut unknown = false;
            for (l, r) in x.entries.values().zip(y.entries.values()) {
                match equals(l, r) {
                    Some(false) => return Some(false),
                    None => unknown = true,
                    Some(true) => {}
                }
            }
            if unknown {
                None
            } else {
                Some(true)
            }
        }
        _ => Some(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_convert_to_numbers_strictly() {
        assert_eq!(parse_number("5"), Some(5.0));
        assert_eq!(parse_number("-1.5e3"), Some(-1500.0));
        assert_eq!(parse_number(" 5"), None);
        assert_eq!(parse_number("inf"), None);
        assert_eq!(parse_number("0x10"), None);
    }

    #[test]
    fn equality_is_typed() {
        assert_eq!(
            equals(&Value::Number(1.0), &Value::string("1")),
            Some(false)
        );
        assert_eq!(equals(&Value::unknown("x"), &Value::Null), None);
    }

    #[test]
    fn the_first_undecided_element_decides_list_equality() {
        let list = |a: Value, b: Value| Value::List(vec![a, b]);
        let u = || Value::unknown("x");
        let n = |x: f64| Value::Number(x);
        assert_eq!(
            equals(&list(u(), n(1.0)), &list(Value::string("a"), n(2.0))),
            None
        );
        assert_eq!(
            equals(&list(n(1.0), u()), &list(n(2.0), Value::string("a"))),
            Some(false)
        );
        assert_eq!(
            equals(&list(u(), n(1.0)), &Value::List(vec![u()])),
            Some(false)
        );
    }
}
