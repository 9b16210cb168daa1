//! Argument helpers shared by the function files: reading one argument as the type a
//! parameter declares, with Terraform's automatic conversions between primitives, and
//! the wording of the errors when that fails.

use super::FunctionError;
use crate::load::terraform::convert::{parse_number, to_bool, to_number, to_string};
use crate::model::{format_number, Value};

/// "first", "second", ... for error messages.
pub fn ordinal(i: usize) -> String {
    match i {
        0 => "first".to_string(),
        1 => "second".to_string(),
        2 => "third".to_string(),
        3 => "fourth".to_string(),
        4 => "fifth".to_string(),
        n => format!("{}th", n + 1),
    }
}

/// "a list", "an unknown value": the article matters in messages.
pub fn a_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a bool",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::List(_) => "a list",
        Value::Set(_) => "a set",
        Value::Map(_) => "a map",
        Value::Unknown(_) => "an unknown value",
        Value::Sensitive(inner) => a_type(inner),
    }
}

/// The error for argument `i` when it is not of the wanted kind.
pub fn wrong_type(i: usize, wanted: &str, v: &Value) -> FunctionError {
    match v {
        Value::Null => {
            FunctionError::at(i, format!("the {} argument must not be null", ordinal(i)))
        }
        other => FunctionError::at(
            i,
            format!(
                "the {} argument must be {wanted}, not {}",
                ordinal(i),
                a_type(other)
            ),
        ),
    }
}

/// Argument `i`; a missing one is an arity error the caller should have caught.
pub fn arg(args: &[Value], i: usize) -> Result<&Value, FunctionError> {
    args.get(i)
        .ok_or_else(|| FunctionError::new(format!("the {} argument is missing", ordinal(i))))
}

/// Argument `i` as a string: numbers and bools convert, as in Terraform.
pub fn string_arg(args: &[Value], i: usize) -> Result<String, FunctionError> {
    let v = arg(args, i)?;
    match to_string(v) {
        Ok(Some(s)) => Ok(s),
        _ => Err(wrong_type(i, "a string", v)),
    }
}

/// Argument `i` as a number: numeric strings convert.
pub fn number_arg(args: &[Value], i: usize) -> Result<f64, FunctionError> {
    let v = arg(args, i)?;
    number_value(v).map_err(|m| FunctionError::at(i, format!("the {} argument {m}", ordinal(i))))
}

/// Converts one value to a number; the error completes "the ... argument".
pub fn number_value(v: &Value) -> Result<f64, String> {
    match (v, to_number(v)) {
        (_, Ok(Some(n))) => Ok(n),
        (Value::String(s), _) if parse_number(s).is_none() => {
            Err(format!("must be a number, but \"{s}\" is not a number"))
        }
        (Value::Null, _) => Err("must not be null".to_string()),
        (other, _) => Err(format!("must be a number, not {}", a_type(other))),
    }
}

/// Argument `i` as a whole number (indexes, counts, bases).
pub fn integer_arg(args: &[Value], i: usize) -> Result<i64, FunctionError> {
    let n = number_arg(args, i)?;
    whole(n).ok_or_else(|| {
        FunctionError::at(
            i,
            format!(
                "the {} argument must be a whole number, not {}",
                ordinal(i),
                format_number(n)
            ),
        )
    })
}

/// `n` as an `i64` when it is a whole number small enough to be exact.
pub fn whole(n: f64) -> Option<i64> {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        #[expect(
            clippy::cast_possible_truncation,
            reason = "checked to be a small whole number"
        )]
        Some(n as i64)
    } else {
        None
    }
}

/// A value as a bool: the strings "true" and "false" convert.
pub fn bool_value(v: &Value) -> Option<bool> {
    to_bool(v).ok().flatten()
}

/// The elements of argument `i`, which must be a list, tuple or set.
pub fn elements_arg(args: &[Value], i: usize) -> Result<&[Value], FunctionError> {
    let v = arg(args, i)?;
    v.as_elements()
        .ok_or_else(|| wrong_type(i, "a list, tuple or set", v))
}

/// Converts a usize count to a Terraform number.
#[expect(
    clippy::cast_precision_loss,
    reason = "collection sizes are far below 2^52"
)]
pub fn count(n: usize) -> Value {
    Value::Number(n as f64)
}
