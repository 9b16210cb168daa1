//! Terraform's operators on values: attribute access and indexing, arithmetic,
//! comparison and logic, with unknowns kept (a known decisive operand of `&&`/`||` does not
//! decide: Terraform answers unknown too).

use super::ast::{BinaryOp, Span, UnaryOp};
use super::convert::{equals, to_bool, to_integer, to_number, to_string};
use super::eval::EvalError;
use crate::model::{format_number, Value};

/// Terraform converts the two results of a conditional to one type. The cases that matter
/// here: a number or bool meeting a string becomes a string, and a list or tuple meeting a
/// set becomes a set (`false ? toset(["a"]) : []` is an empty set, a valid `for_each`).
/// `other` is `None` when the other result failed: it then takes the chosen one's type.
pub fn unify_branch(chosen: Value, other: Option<&Value>) -> Value {
    match (&chosen, other) {
        (Value::Number(_) | Value::Bool(_), Some(Value::String(_))) => match to_string(&chosen) {
            Ok(Some(s)) => Value::String(s),
            _ => chosen,
        },
        (Value::List(_), Some(Value::Set(_))) => super::functions::lookup("toset")
            .and_then(|f| (f.call)(vec![chosen.clone()]).ok())
            .unwrap_or(chosen),
        _ => chosen,
    }
}

pub fn get_attr(value: &Value, name: &str, span: Span) -> Result<Value, EvalError> {
    match value {
        Value::Unknown(_) => Ok(value.clone()),
        Value::Map(m) => match m.entries.get(name) {
            Some(v) => Ok(v.clone()),
            None => match &m.more {
                Some(u) => Ok(Value::Unknown(u.clone())),
                None => Err(EvalError::new(
                    format!("this object does not have an attribute named `{name}`"),
                    span,
                )),
            },
        },
        Value::Null => Err(EvalError::new(
            format!("attempt to get attribute `{name}` from a null value"),
            span,
        )),
        other => Err(EvalError::new(
            format!("cannot get attribute `{name}` from a {}", other.type_name()),
            span,
        )),
    }
}

pub fn index(value: &Value, key: &Value, span: Span) -> Result<Value, EvalError> {
    if let Value::Unknown(u) = key {
        return Ok(Value::Unknown(u.clone()));
    }
    match value {
        Value::Unknown(_) => Ok(value.clone()),
        Value::List(items) => {
            let i =
                to_integer(key).map_err(|m| EvalError::new(format!("invalid index: {m}"), span))?;
            let Some(i) = i else {
                return Ok(Value::unknown("unknown index"));
            };
            usize::try_from(i)
                .ok()
                .and_then(|i| items.get(i))
                .cloned()
                .ok_or_else(|| {
                    EvalError::new(
                        format!(
                            "invalid index: the list has {} elements, index {i} is out of range",
                            items.len()
                        ),
                        span,
                    )
                })
        }
        Value::Map(_) => {
            let k = to_string(key)
                .map_err(|m| EvalError::new(format!("invalid key: {m}"), span))?
                .unwrap_or_default();
            get_attr(value, &k, span).map_err(|_| {
                EvalError::new(
                    format!("invalid index: the map has no element for the key \"{k}\""),
                    span,
                )
            })
        }
        Value::Set(_) => Err(EvalError::new(
            "elements of a set cannot be selected by index; convert it with tolist() first",
            span,
        )),
        Value::Null => Err(EvalError::new("cannot index a null value", span)),
        other => Err(EvalError::new(
            format!("cannot index a {}", other.type_name()),
            span,
        )),
    }
}

pub fn unary(op: UnaryOp, v: &Value, span: Span) -> Result<Value, EvalError> {
    match op {
        UnaryOp::Neg => {
            match to_number(v).map_err(|m| EvalError::new(format!("invalid operand: {m}"), span))? {
                Some(n) => Ok(Value::Number(-n)),
                None => Ok(v.clone()),
            }
        }
        UnaryOp::Not => {
            match to_bool(v).map_err(|m| EvalError::new(format!("invalid operand: {m}"), span))? {
                Some(b) => Ok(Value::Bool(!b)),
                None => Ok(v.clone()),
            }
        }
    }
}

pub fn binary(op: BinaryOp, l: &Value, r: &Value, span: Span) -> Result<Value, EvalError> {
    let operand = |m: String| EvalError::new(format!("invalid operand: {m}"), span);
    match op {
        BinaryOp::Eq | BinaryOp::NotEq => match equals(l, r) {
            Some(eq) => Ok(Value::Bool(eq == (op == BinaryOp::Eq))),
            None => Ok(first_unknown_of(l, r)),
        },
        BinaryOp::And | BinaryOp::Or => {
            let a = to_bool(l).map_err(operand)?;
            let b = to_bool(r).map_err(operand)?;
            // Terraform does not short-circuit: `false && unknown` is unknown.
            match (a, b) {
                (Some(a), Some(b)) if op == BinaryOp::And => Ok(Value::Bool(a && b)),
                (Some(a), Some(b)) => Ok(Value::Bool(a || b)),
                _ => Ok(first_unknown_of(l, r)),
            }
        }
        _ => {
            let (Some(a), Some(b)) = (
                to_number(l).map_err(operand)?,
                to_number(r).map_err(operand)?,
            ) else {
                return Ok(first_unknown_of(l, r));
            };
            let n = match op {
                BinaryOp::Plus => a + b,
                BinaryOp::Minus => a - b,
                BinaryOp::Mul => a * b,
                BinaryOp::Div => {
                    if b == 0.0 {
                        return Err(EvalError::new("division by zero", span));
                    }
                    a / b
                }
                BinaryOp::Mod => {
                    if b == 0.0 {
                        return Err(EvalError::new("modulo by zero", span));
                    }
                    a % b
                }
                BinaryOp::Less => return Ok(Value::Bool(a < b)),
                BinaryOp::LessEq => return Ok(Value::Bool(a <= b)),
                BinaryOp::Greater => return Ok(Value::Bool(a > b)),
                BinaryOp::GreaterEq => return Ok(Value::Bool(a >= b)),
                BinaryOp::Eq | BinaryOp::NotEq | BinaryOp::And | BinaryOp::Or => {
                    return Err(EvalError::new("internal: operator handled above", span))
                }
            };
            if !n.is_finite() {
                return Err(EvalError::new(
                    format!(
                        "arithmetic overflow: the result of {} and {} is too large",
                        format_number(a),
                        format_number(b)
                    ),
                    span,
                ));
            }
            Ok(Value::Number(n))
        }
    }
}

fn first_unknown_of(l: &Value, r: &Value) -> Value {
    match l.first_unknown().or_else(|| r.first_unknown()) {
        Some(u) => Value::Unknown(u.clone()),
        None => Value::unknown("unknown operand"),
    }
}
