//! Terraform's type unification for values that carry no static type. Where Terraform
//! turns a tuple into a list or set, or several values into one type (`tolist`, `toset`,
//! `distinct`, `coalesce`, the set functions), it first finds one type every element
//! converts to and converts them: `[1, "a"]` becomes `["1", "a"]`, `[1, true]` is an error.

use crate::load::terraform::convert::to_string;
use crate::model::{Map, Value};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Bool,
    Number,
    String,
    Sequence,
    Map,
}

fn kind(v: &Value) -> Option<Kind> {
    match v {
        Value::Null | Value::Unknown(_) => None,
        Value::Bool(_) => Some(Kind::Bool),
        Value::Number(_) => Some(Kind::Number),
        Value::String(_) => Some(Kind::String),
        Value::List(_) | Value::Set(_) => Some(Kind::Sequence),
        Value::Map(_) => Some(Kind::Map),
        Value::Sensitive(inner) => kind(inner),
    }
}

/// Converts `values` to one common type, or says why there is none. Nulls and unknowns
/// fit any type and are left as they are.
pub fn unify(values: Vec<Value>) -> Result<Vec<Value>, String> {
    let kinds: Vec<Kind> = values.iter().filter_map(kind).collect();
    let Some(&first) = kinds.first() else {
        return Ok(values);
    };
    if kinds.iter().all(|k| *k == first) {
        return match first {
            Kind::Sequence => unify_sequences(values),
            Kind::Map => unify_maps(values),
            Kind::Bool | Kind::Number | Kind::String => Ok(values),
        };
    }
    let primitive = |k: &Kind| matches!(k, Kind::Bool | Kind::Number | Kind::String);
    if kinds.iter().all(primitive) {
        if !kinds.contains(&Kind::String) {
            return Err("bool and number values cannot be converted to one type".to_string());
        }
        return Ok(values
            .into_iter()
            .map(|v| match to_string(&v) {
                Ok(Some(s)) if !matches!(v, Value::Unknown(_)) => Value::String(s),
                _ => v,
            })
            .collect());
    }
    Err(
        "the values do not have a common type: collections and primitive values are mixed"
            .to_string(),
    )
}

/// Lists of the same length unify position by position (they may be tuples, whose
/// elements keep their own types); otherwise all elements unify to one element type.
fn unify_sequences(values: Vec<Value>) -> Result<Vec<Value>, String> {
    let lengths: Vec<Option<usize>> = values
        .iter()
        .map(|v| match v {
            Value::List(items) => Some(items.len()),
            _ => None,
        })
        .collect();
    let tuple_like = values
        .iter()
        .all(|v| matches!(v, Value::List(_) | Value::Null | Value::Unknown(_)))
        && lengths
            .iter()
            .flatten()
            .all(|n| Some(n) == lengths.iter().flatten().next());
    if tuple_like {
        let width = lengths.iter().flatten().next().copied().unwrap_or(0);
        let mut columns: Vec<Vec<Value>> = vec![Vec::new(); width];
        for v in &values {
            if let Value::List(items) = v {
                for (column, item) in columns.iter_mut().zip(items) {
                    column.push(item.clone());
                }
            }
        }
        let mut unified = Vec::with_capacity(width);
        for column in columns {
            unified.push(unify(column)?.into_iter());
        }
        return Ok(values
            .into_iter()
            .map(|v| match v {
                Value::List(_) => {
                    Value::List(unified.iter_mut().filter_map(Iterator::next).collect())
                }
                other => other,
            })
            .collect());
    }
    let mut all = Vec::new();
    for v in &values {
        if let Some(items) = v.as_elements() {
            all.extend(items.iter().cloned());
        }
    }
    let mut unified = unify(all)?.into_iter();
    Ok(values
        .into_iter()
        .map(|v| match v {
            Value::List(items) => Value::List(unified.by_ref().take(items.len()).collect()),
            Value::Set(items) => Value::set(unified.by_ref().take(items.len()).collect()),
            other => other,
        })
        .collect())
}

/// Maps with the same keys unify key by key (they may be objects); otherwise all values
/// unify to one element type.
fn unify_maps(values: Vec<Value>) -> Result<Vec<Value>, String> {
    let maps: Vec<&Map> = values.iter().filter_map(Value::as_map).collect();
    let same_keys = maps
        .windows(2)
        .all(|w| matches!(w, [a, b] if a.entries.keys().eq(b.entries.keys())));
    if same_keys {
        let keys: Vec<String> = maps
            .first()
            .map(|m| m.entries.keys().cloned().collect())
            .unwrap_or_default();
        let mut out = values;
        for key in keys {
            let column: Vec<Value> = out
                .iter()
                .filter_map(|v| v.as_map().and_then(|m| m.get(&key)).cloned())
                .collect();
            let mut unified = unify(column)?.into_iter();
            for v in &mut out {
                if let Value::Map(m) = v {
                    if let (Some(slot), Some(new)) = (m.entries.get_mut(&key), unified.next()) {
                        *slot = new;
                    }
                }
            }
        }
        return Ok(out);
    }
    let all: Vec<Value> = maps
        .iter()
        .flat_map(|m| m.entries.values().cloned())
        .collect();
    let mut unified = unify(all)?.into_iter();
    Ok(values
        .into_iter()
        .map(|v| match v {
            Value::Map(mut m) => {
                for slot in m.entries.values_mut() {
                    if let Some(new) = unified.next() {
                        *slot = new;
                    }
                }
                Value::Map(m)
            }
            other => other,
        })
        .collect())
}

/// Unifies the values of one map (`tomap`): all values get one element type.
pub fn unify_map_values(map: Map) -> Result<Map, String> {
    let Map { entries, more } = map;
    let keys: Vec<String> = entries.keys().cloned().collect();
    let values = unify(entries.into_values().collect())?;
    Ok(Map {
        entries: keys.into_iter().zip(values).collect(),
        more,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Value {
        Value::string(x)
    }

    #[test]
    fn primitives_unify_to_string() {
        assert_eq!(
            unify(vec![
                Value::Number(1.0),
                s("a"),
                Value::Bool(true),
                Value::Null
            ]),
            Ok(vec![s("1"), s("a"), s("true"), Value::Null])
        );
        assert!(unify(vec![Value::Number(1.0), Value::Bool(true)]).is_err());
    }

    #[test]
    fn tuples_of_equal_length_unify_by_position() {
        let a = Value::List(vec![Value::Number(1.0), s("x")]);
        let b = Value::List(vec![Value::Number(2.0), s("y")]);
        assert_eq!(unify(vec![a.clone(), b.clone()]), Ok(vec![a, b]));
        let c = Value::List(vec![Value::Number(1.0)]);
        let d = Value::List(vec![s("a"), s("b")]);
        assert_eq!(
            unify(vec![c, d]),
            Ok(vec![
                Value::List(vec![s("1")]),
                Value::List(vec![s("a"), s("b")])
            ])
        );
    }

    #[test]
    fn unknowns_fit_any_type() {
        let u = Value::unknown("var.x has no default");
        assert_eq!(
            unify(vec![u.clone(), Value::Number(1.0), s("a")]),
            Ok(vec![u, s("1"), s("a")])
        );
    }
}
