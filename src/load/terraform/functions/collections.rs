//! List and set functions: `length`, `concat`, `flatten`, `element`, `index`,
//! `contains`, `coalesce`, `coalescelist`, `compact`, `distinct`, `one`, `reverse`,
//! `slice`, `sort`, `sum`, `range`, `alltrue` and `anytrue`.

use super::args::{
    a_type, arg, bool_value, count, elements_arg, integer_arg, number_arg, number_value, ordinal,
    wrong_type,
};
use super::unify::unify;
use super::{arity, FunctionError, FunctionResult};
use std::cmp::Ordering;

use crate::load::terraform::convert::{equals, to_string};
use crate::model::{set_order, Value};

/// Terraform's `range` refuses to build more elements than this.
const RANGE_LIMIT: usize = 1024;

/// Strings count characters (Terraform counts grapheme clusters, so a letter followed by
/// a combining accent is 1 there and 2 here). Collections with unknown elements still
/// have a known length, except sets (unknown elements may turn out equal) and maps that
/// may hold more keys.
pub fn length(args: Vec<Value>) -> FunctionResult {
    arity(&args, 1, 1)?;
    match arg(&args, 0)? {
        Value::Unknown(u) => Ok(Value::Unknown(u.clone())),
        Value::String(s) => Ok(count(s.chars().count())),
        Value::List(items) => Ok(count(items.len())),
        Value::Set(items) => match items.iter().find_map(Value::first_unknown) {
            Some(u) => Ok(Value::Unknown(u.clone())),
            None => Ok(count(items.len())),
        },
        Value::Map(m) => match &m.more {
            Some(u) => Ok(Value::Unknown(u.clone())),
            None => Ok(count(m.entries.len())),
        },
        other => Err(wrong_type(0, "a string, list, set or map", other)),
    }
}

/// Lists only (not sets); an unknown list makes the result unknown.
pub fn concat(args: Vec<Value>) -> FunctionResult {
    arity(&args, 1, usize::MAX)?;
    let mut out = Vec::new();
    let mut unknown = None;
    for (i, a) in args.iter().enumerate() {
        match a {
            Value::List(items) => out.extend(items.iter().cloned()),
            Value::Unknown(u) => {
                unknown.get_or_insert_with(|| u.clone());
            }
            other => return Err(wrong_type(i, "a list or tuple", other)),
        }
    }
    Ok(match unknown {
        Some(u) => Value::Unknown(u),
        None => Value::List(out),
    })
}

/// An unknown element might be a list, so it makes the whole result unknown.
pub fn flatten(args: Vec<Value>) -> FunctionResult {
    fn walk(items: &[Value], out: &mut Vec<Value>) -> Option<Value> {
        for item in items {
            match item {
                Value::List(inner) | Value::Set(inner) => {
                    if let Some(u) = walk(inner, out) {
                        return Some(u);
                    }
                }
                Value::Unknown(_) => return Some(item.clone()),
                other => out.push(other.clone()),
            }
        }
        None
    }
    arity(&args, 1, 1)?;
    match arg(&args, 0)? {
        Value::Unknown(u) => Ok(Value::Unknown(u.clone())),
        Value::List(items) | Value::Set(items) => {
            let mut out = Vec::new();
            Ok(walk(items, &mut out).unwrap_or(Value::List(out)))
        }
        other => Err(wrong_type(0, "a list, tuple or set", other)),
    }
}

/// `element(list, n)` wraps around: it reads element `n mod length`.
pub fn element(args: Vec<Value>) -> FunctionResult {
    arity(&args, 2, 2)?;
    let index = match arg(&args, 1)? {
        Value::Unknown(u) => Some(Value::Unknown(u.clone())),
        _ => None,
    };
    let i = match index {
        Some(_) => 0,
        None => integer_arg(&args, 1)?,
    };
    if i < 0 {
        return Err(FunctionError::at(
            1,
            "cannot use element() with a negative index",
        ));
    }
    match arg(&args, 0)? {
        Value::Unknown(u) => Ok(Value::Unknown(u.clone())),
        Value::List(items) => {
            if let Some(u) = index {
                return Ok(u);
            }
            if items.is_empty() {
                return Err(FunctionError::at(
                    0,
                    "cannot use element() with an empty list",
                ));
            }
            let at = usize::try_from(i).unwrap_or(0) % items.len();
            items
                .get(at)
                .cloned()
                .ok_or_else(|| FunctionError::at(1, "index out of range"))
        }
        other => Err(wrong_type(0, "a list or tuple", other)),
    }
}

/// The position of the first element equal to the value.
/// The unknown that leaves a comparison of `a` and `b` undecided.
fn undecided(a: &Value, b: &Value) -> Value {
    match a.first_unknown().or_else(|| b.first_unknown()) {
        Some(u) => Value::Unknown(u.clone()),
        None => Value::unknown("unknown comparison"),
    }
}

/// Handles unknowns: elements are searched in order, and one whose comparison is unknown
/// before a match makes the answer unknown.
pub fn index(args: Vec<Value>) -> FunctionResult {
    arity(&args, 2, 2)?;
    let items = match arg(&args, 0)? {
        Value::Unknown(u) => return Ok(Value::Unknown(u.clone())),
        Value::List(items) => items,
        other => return Err(wrong_type(0, "a list or tuple", other)),
    };
    if items.is_empty() {
        return Err(FunctionError::at(0, "cannot search an empty list"));
    }
    let value = arg(&args, 1)?;
    if let Value::Unknown(u) = value {
        return Ok(Value::Unknown(u.clone()));
    }
    for (i, e) in items.iter().enumerate() {
        match equals(e, value) {
            Some(true) => return Ok(count(i)),
            Some(false) => {}
            None => return Ok(undecided(e, value)),
        }
    }
    Err(FunctionError::new("item not found"))
}

/// Elements compare with `==`: `1` and `"1"` differ. Handles unknowns: a known match
/// decides even when other elements are unknown; without one, an unknown element makes
/// the answer unknown.
pub fn contains(args: Vec<Value>) -> FunctionResult {
    arity(&args, 2, 2)?;
    let items = match arg(&args, 0)? {
        Value::Unknown(u) => return Ok(Value::Unknown(u.clone())),
        Value::List(items) | Value::Set(items) => items,
        other => return Err(wrong_type(0, "a list, tuple or set", other)),
    };
    let value = arg(&args, 1)?;
    if value.is_null() {
        return Err(FunctionError::at(
            1,
            "the value to search for must not be null",
        ));
    }
    if let Value::Unknown(u) = value {
        return Ok(Value::Unknown(u.clone()));
    }
    let mut unknown = None;
    for e in items {
        match equals(e, value) {
            Some(true) => return Ok(Value::Bool(true)),
            Some(false) => {}
            None => {
                unknown.get_or_insert_with(|| undecided(e, value));
            }
        }
    }
    Ok(unknown.unwrap_or(Value::Bool(false)))
}

/// The first argument that is neither null nor an empty string, after converting all of
/// them to one type. An unknown before it makes the result unknown.
pub fn coalesce(args: Vec<Value>) -> FunctionResult {
    arity(&args, 1, usize::MAX)?;
    let values = unify(args)
        .map_err(|m| FunctionError::new(format!("all arguments must have the same type: {m}")))?;
    for v in values {
        match &v {
            Value::Unknown(_) => return Ok(v),
            Value::Null => {}
            Value::String(s) if s.is_empty() => {}
            _ => return Ok(v),
        }
    }
    Err(FunctionError::new(
        "no non-null, non-empty-string arguments",
    ))
}

/// The first non-empty list. An unknown before it makes the result unknown.
pub fn coalescelist(args: Vec<Value>) -> FunctionResult {
    arity(&args, 1, usize::MAX)?;
    let any_unknown = args.iter().any(|a| matches!(a, Value::Unknown(_)));
    for (i, a) in args.iter().enumerate() {
        match a {
            Value::Unknown(_) => return Ok(a.clone()),
            Value::List(items) if !items.is_empty() && any_unknown => return Ok(a.clone()),
            Value::List(_) => {}
            other => return Err(wrong_type(i, "a list or tuple", other)),
        }
    }
    args.into_iter()
        .find(|a| matches!(a, Value::List(items) if !items.is_empty()))
        .ok_or_else(|| FunctionError::new("all the lists are empty"))
}

/// The elements of a list of strings; numbers and bools convert, `None` for nulls.
fn string_elements(args: &[Value], i: usize) -> Result<Vec<Option<String>>, FunctionError> {
    elements_arg(args, i)?
        .iter()
        .map(|e| match (e, to_string(e)) {
            (Value::Null, _) => Ok(None),
            (_, Ok(Some(s))) => Ok(Some(s)),
            _ => Err(FunctionError::at(
                i,
                format!(
                    "the {} argument must be a list of strings, but it contains {}",
                    ordinal(i),
                    a_type(e)
                ),
            )),
        })
        .collect()
}

/// Drops empty strings and nulls.
pub fn compact(args: Vec<Value>) -> FunctionResult {
    arity(&args, 1, 1)?;
    Ok(Value::List(
        string_elements(&args, 0)?
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .map(Value::String)
            .collect(),
    ))
}

/// Keeps the first occurrence of each element, in order. An element with an unknown
/// inside is never known to equal another, so it is kept. Known elements are sorted in
/// set order, where `Equal` is equality, so this takes n log n comparisons, not n².
pub fn distinct(args: Vec<Value>) -> FunctionResult {
    arity(&args, 1, 1)?;
    let items = unify(elements_arg(&args, 0)?.to_vec())
        .map_err(|m| FunctionError::at(0, format!("cannot convert to a list: {m}")))?;
    let mut known: Vec<(usize, &Value)> = items
        .iter()
        .enumerate()
        .filter(|(_, v)| v.is_wholly_known())
        .collect();
    known.sort_by(|(i, a), (j, b)| set_order(a, b).then(i.cmp(j)));
    let mut repeated = vec![false; items.len()];
    for pair in known.windows(2) {
        if let [(_, a), (j, b)] = pair {
            if set_order(a, b) == Ordering::Equal {
                if let Some(r) = repeated.get_mut(*j) {
                    *r = true;
                }
            }
        }
    }
    let out = items
        .iter()
        .zip(&repeated)
        .filter(|(_, r)| !**r)
        .map(|(v, _)| v.clone())
        .collect();
    Ok(Value::List(out))
}

/// The only element of a list or set, null for an empty one, an error for more.
pub fn one(args: Vec<Value>) -> FunctionResult {
    arity(&args, 1, 1)?;
    match arg(&args, 0)? {
        Value::Unknown(u) => Ok(Value::Unknown(u.clone())),
        v @ (Value::List(items) | Value::Set(items)) => match items.as_slice() {
            [] => Ok(Value::Null),
            [only] => Ok(only.clone()),
            _ => match (v, items.iter().find_map(Value::first_unknown)) {
                // Unknown set elements may turn out equal and collapse to one.
                (Value::Set(_), Some(u)) => Ok(Value::Unknown(u.clone())),
                _ => Err(FunctionError::at(
                    0,
                    format!("must have zero or one elements, but has {}", items.len()),
                )),
            },
        },
        other => Err(wrong_type(0, "a list, tuple or set", other)),
    }
}

pub fn reverse(args: Vec<Value>) -> FunctionResult {
    arity(&args, 1, 1)?;
    match arg(&args, 0)? {
        Value::Unknown(u) => Ok(Value::Unknown(u.clone())),
        Value::List(items) | Value::Set(items) => {
            Ok(Value::List(items.iter().rev().cloned().collect()))
        }
        other => Err(wrong_type(0, "a list, tuple or set", other)),
    }
}

/// `slice(list, start, end)`: elements from `start` up to but not including `end`.
pub fn slice(args: Vec<Value>) -> FunctionResult {
    arity(&args, 3, 3)?;
    if let Some(u) = args.iter().find_map(Value::as_unknown) {
        if !matches!(arg(&args, 0)?, Value::List(_) | Value::Unknown(_)) {
            return Err(wrong_type(0, "a list or tuple", arg(&args, 0)?));
        }
        return Ok(Value::Unknown(u.clone()));
    }
    let items = match arg(&args, 0)? {
        Value::List(items) => items,
        other => return Err(wrong_type(0, "a list or tuple", other)),
    };
    let start = integer_arg(&args, 1)?;
    let end = integer_arg(&args, 2)?;
    if start < 0 {
        return Err(FunctionError::at(1, "the start index must not be negative"));
    }
    let (Ok(start), Ok(end)) = (usize::try_from(start), usize::try_from(end)) else {
        return Err(FunctionError::at(2, "the end index must not be negative"));
    };
    if end > items.len() {
        return Err(FunctionError::at(
            2,
            format!(
                "the end index {end} is greater than the length of the list ({})",
                items.len()
            ),
        ));
    }
    if start > end {
        return Err(FunctionError::at(
            1,
            "the start index must not be greater than the end index",
        ));
    }
    Ok(Value::List(
        items.get(start..end).unwrap_or_default().to_vec(),
    ))
}

/// Sorts strings by their bytes; numbers and bools are converted to strings first.
pub fn sort(args: Vec<Value>) -> FunctionResult {
    arity(&args, 1, 1)?;
    let mut items = string_elements(&args, 0)?
        .into_iter()
        .collect::<Option<Vec<String>>>()
        .ok_or_else(|| FunctionError::at(0, "a null string cannot be sorted"))?;
    items.sort();
    Ok(Value::List(items.into_iter().map(Value::String).collect()))
}

pub fn sum(args: Vec<Value>) -> FunctionResult {
    arity(&args, 1, 1)?;
    let items = elements_arg(&args, 0)?;
    if items.is_empty() {
        return Err(FunctionError::at(0, "cannot sum an empty list"));
    }
    let mut total = 0.0;
    for item in items {
        total += number_value(item)
            .map_err(|m| FunctionError::at(0, format!("every element to sum {m}")))?;
    }
    if !total.is_finite() {
        return Err(FunctionError::at(0, "the sum is too large"));
    }
    Ok(Value::Number(total))
}

/// `range(end)`, `range(start, end)` or `range(start, end, step)`; the default step is
/// 1, or -1 when `end` is below `start`.
pub fn range(args: Vec<Value>) -> FunctionResult {
    arity(&args, 1, 3)?;
    let nums = (0..args.len())
        .map(|i| number_arg(&args, i))
        .collect::<Result<Vec<f64>, FunctionError>>()?;
    let (start, end, step) = match nums.as_slice() {
        [end] => (0.0, *end, if *end < 0.0 { -1.0 } else { 1.0 }),
        [start, end] => (*start, *end, if end < start { -1.0 } else { 1.0 }),
        [start, end, step] => (*start, *end, *step),
        _ => return Err(FunctionError::new("range() takes one to three arguments")),
    };
    if step == 0.0 {
        return Err(FunctionError::at(2, "the step must not be zero"));
    }
    let down = step < 0.0;
    if down && end > start {
        return Err(FunctionError::new(
            "when the step is negative, the start must not be less than the end",
        ));
    }
    if !down && end < start {
        return Err(FunctionError::new(
            "when the step is positive, the start must not be greater than the end",
        ));
    }
    let mut out = Vec::new();
    let mut n = start;
    while if down { n > end } else { n < end } {
        if out.len() >= RANGE_LIMIT {
            return Err(FunctionError::new(format!(
                "more than {RANGE_LIMIT} values would be generated; use a smaller range or a larger step"
            )));
        }
        out.push(Value::Number(n));
        n += step;
    }
    Ok(Value::List(out))
}

/// The elements of a list of bools ("true"/"false" convert), `None` for nulls.
fn bool_elements(args: &[Value]) -> Result<Vec<Option<bool>>, FunctionError> {
    elements_arg(args, 0)?
        .iter()
        .map(|e| match e {
            Value::Null => Ok(None),
            other => bool_value(other).map(Some).ok_or_else(|| {
                FunctionError::at(
                    0,
                    format!("the list must contain only bools, not {}", a_type(other)),
                )
            }),
        })
        .collect()
}

/// True when every element is true; a null element counts as false.
pub fn alltrue(args: Vec<Value>) -> FunctionResult {
    arity(&args, 1, 1)?;
    Ok(Value::Bool(
        bool_elements(&args)?.iter().all(|b| *b == Some(true)),
    ))
}

pub fn anytrue(args: Vec<Value>) -> FunctionResult {
    arity(&args, 1, 1)?;
    Ok(Value::Bool(bool_elements(&args)?.contains(&Some(true))))
}

#[cfg(test)]
mod tests {
    use super::super::maps::open_map;
    use super::*;

    fn n(x: f64) -> Value {
        Value::Number(x)
    }

    fn u(why: &str) -> Value {
        Value::unknown(why)
    }

    #[test]
    fn searches_decide_around_unknown_elements() {
        let list = |items: Vec<Value>| Value::List(items);
        let a = || Value::string("a");
        let b = || Value::string("b");
        // What Terraform gives for the same calls.
        assert_eq!(
            contains(vec![list(vec![u("x"), a()]), a()]),
            Ok(Value::Bool(true))
        );
        assert_eq!(contains(vec![list(vec![u("x"), a()]), b()]), Ok(u("x")));
        assert_eq!(contains(vec![list(vec![]), u("y")]), Ok(u("y")));
        assert_eq!(index(vec![list(vec![a(), u("x")]), a()]), Ok(n(0.0)));
        assert_eq!(index(vec![list(vec![u("x"), a()]), a()]), Ok(u("x")));
        assert_eq!(index(vec![list(vec![a(), u("x")]), b()]), Ok(u("x")));
    }

    #[test]
    fn length_of_partly_unknown_values() {
        assert_eq!(length(vec![Value::List(vec![u("a"), n(1.0)])]), Ok(n(2.0)));
        assert_eq!(
            length(vec![u("var.x has no default")]),
            Ok(u("var.x has no default"))
        );
        assert_eq!(
            length(vec![open_map(&[("a", n(1.0))], "var.tags has no default")]),
            Ok(u("var.tags has no default"))
        );
        assert_eq!(length(vec![Value::Set(vec![n(1.0), u("b")])]), Ok(u("b")));
        assert!(length(vec![Value::Null]).is_err());
    }

    #[test]
    fn coalesce_stops_at_unknowns() {
        assert_eq!(
            coalesce(vec![
                Value::Null,
                u("var.x has no default"),
                Value::string("b")
            ]),
            Ok(u("var.x has no default"))
        );
        assert_eq!(
            coalesce(vec![Value::string("a"), u("var.x has no default")]),
            Ok(Value::string("a"))
        );
        assert_eq!(coalesce(vec![Value::string(""), u("x")]), Ok(u("x")));
    }

    #[test]
    fn coalescelist_stops_at_unknowns() {
        let empty = Value::List(vec![]);
        let full = Value::List(vec![n(1.0)]);
        assert_eq!(
            coalescelist(vec![empty.clone(), u("x"), full.clone()]),
            Ok(u("x"))
        );
        assert_eq!(coalescelist(vec![full.clone(), u("x")]), Ok(full));
    }

    #[test]
    fn concat_and_flatten_with_unknowns() {
        let list = Value::List(vec![n(1.0), u("e")]);
        assert_eq!(
            concat(vec![list.clone(), Value::List(vec![n(2.0)])]),
            Ok(Value::List(vec![n(1.0), u("e"), n(2.0)]))
        );
        assert_eq!(concat(vec![list.clone(), u("var.l")]), Ok(u("var.l")));
        assert_eq!(flatten(vec![Value::List(vec![list])]), Ok(u("e")));
        assert_eq!(flatten(vec![u("var.l")]), Ok(u("var.l")));
    }

    #[test]
    fn element_slice_one_reverse_with_unknowns() {
        let list = Value::List(vec![n(1.0), n(2.0)]);
        assert_eq!(element(vec![list.clone(), u("i")]), Ok(u("i")));
        assert_eq!(element(vec![u("l"), n(0.0)]), Ok(u("l")));
        assert!(element(vec![u("l"), n(-1.0)]).is_err());
        assert_eq!(slice(vec![list.clone(), n(0.0), u("end")]), Ok(u("end")));
        assert_eq!(one(vec![u("l")]), Ok(u("l")));
        assert_eq!(one(vec![Value::Set(vec![u("a"), u("b")])]), Ok(u("a")));
        assert_eq!(reverse(vec![u("l")]), Ok(u("l")));
        assert_eq!(
            reverse(vec![Value::List(vec![u("a"), n(1.0)])]),
            Ok(Value::List(vec![n(1.0), u("a")]))
        );
    }

    #[test]
    fn range_counts_down_and_limits_its_size() {
        assert_eq!(
            range(vec![n(3.0), n(0.0)]),
            Ok(Value::List(vec![n(3.0), n(2.0), n(1.0)]))
        );
        assert!(range(vec![n(2000.0)]).is_err());
    }
}
