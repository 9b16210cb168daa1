//! Type conversion functions: `tobool`, `tonumber`, `tostring`, `tolist`, `toset` and
//! `tomap`. A null converts to null; collections unify their elements to one type.

use super::args::{arg, number_value, wrong_type};
use super::unify::{unify, unify_map_values};
use super::{arity, FunctionError, FunctionResult};
use crate::load::terraform::convert::to_string;
use crate::model::Value;

pub fn tobool(args: Vec<Value>) -> FunctionResult {
    arity(&args, 1, 1)?;
    match arg(&args, 0)? {
        Value::Null => Ok(Value::Null),
        Value::Bool(b) => Ok(Value::Bool(*b)),
        Value::String(s) if s == "true" => Ok(Value::Bool(true)),
        Value::String(s) if s == "false" => Ok(Value::Bool(false)),
        Value::String(s) => Err(FunctionError::at(
            0,
            format!("cannot convert \"{s}\" to bool: only \"true\" or \"false\" are allowed"),
        )),
        other => Err(wrong_type(0, "a bool", other)),
    }
}

pub fn tonumber(args: Vec<Value>) -> FunctionResult {
    arity(&args, 1, 1)?;
    match arg(&args, 0)? {
        Value::Null => Ok(Value::Null),
        v @ (Value::Number(_) | Value::String(_)) => number_value(v)
            .map(Value::Number)
            .map_err(|m| FunctionError::at(0, format!("the argument {m}"))),
        other => Err(wrong_type(0, "a number", other)),
    }
}

pub fn tostring(args: Vec<Value>) -> FunctionResult {
    arity(&args, 1, 1)?;
    match arg(&args, 0)? {
        Value::Null => Ok(Value::Null),
        v => match to_string(v) {
            Ok(Some(s)) => Ok(Value::String(s)),
            _ => Err(wrong_type(0, "a string", v)),
        },
    }
}

/// Handles unknowns: an unknown list is unknown; unknown elements stay in place.
pub fn tolist(args: Vec<Value>) -> FunctionResult {
    arity(&args, 1, 1)?;
    match arg(&args, 0)? {
        Value::Null => Ok(Value::Null),
        Value::Unknown(u) => Ok(Value::Unknown(u.clone())),
        Value::List(items) | Value::Set(items) => unify(items.clone())
            .map(Value::List)
            .map_err(|m| FunctionError::at(0, format!("cannot convert to a list: {m}"))),
        other => Err(wrong_type(0, "a list, tuple or set", other)),
    }
}

pub fn toset(args: Vec<Value>) -> FunctionResult {
    arity(&args, 1, 1)?;
    match arg(&args, 0)? {
        Value::Null => Ok(Value::Null),
        Value::List(items) | Value::Set(items) => unify(items.clone())
            .map(Value::set)
            .map_err(|m| FunctionError::at(0, format!("cannot convert to a set: {m}"))),
        other => Err(wrong_type(0, "a list, tuple or set", other)),
    }
}

/// Handles unknowns: an unknown map is unknown; a map that may hold more keys keeps that.
pub fn tomap(args: Vec<Value>) -> FunctionResult {
    arity(&args, 1, 1)?;
    match arg(&args, 0)? {
        Value::Null => Ok(Value::Null),
        Value::Unknown(u) => Ok(Value::Unknown(u.clone())),
        Value::Map(m) => unify_map_values(m.clone())
            .map(Value::Map)
            .map_err(|m| FunctionError::at(0, format!("cannot convert to a map: {m}"))),
        other => Err(wrong_type(0, "a map or object", other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Map, Unknown};

    #[test]
    fn unknowns_pass_through_collections() {
        let u = Value::unknown("var.x has no default");
        assert_eq!(tolist(vec![u.clone()]), Ok(u.clone()));
        assert_eq!(tomap(vec![u.clone()]), Ok(u.clone()));
        assert_eq!(
            tolist(vec![Value::List(vec![u.clone(), Value::Number(1.0)])]),
            Ok(Value::List(vec![u, Value::Number(1.0)]))
        );
    }

    #[test]
    fn open_maps_stay_open() {
        let mut m = Map::new();
        m.insert("a", Value::Number(1.0));
        m.insert("b", Value::string("x"));
        m.more = Some(Unknown::new("var.extra has no default"));
        let Ok(Value::Map(out)) = tomap(vec![Value::Map(m)]) else {
            panic!("tomap failed");
        };
        assert_eq!(out.get("a"), Some(&Value::string("1")));
        assert!(out.more.is_some());
    }
}
