//! Map and object functions: `merge`, `lookup`, `keys`, `values`, `zipmap` and
//! `transpose`. A [`Map`] whose `more` is set may hold keys we cannot see, so anything
//! that depends on the full key set is unknown.

use std::collections::BTreeMap;

use super::args::{arg, string_arg, wrong_type};
use super::{arity, within_limit, FunctionError, FunctionResult};
use crate::load::terraform::budget::{entry_bytes, node_bytes};
use crate::load::terraform::convert::to_string;
use crate::model::{Map, Value};

/// Later maps win and nulls are skipped. An unknown argument (or one that may hold more
/// keys) may override any key seen before it, so those values become unknown; keys from
/// later arguments keep their values.
pub fn merge(args: Vec<Value>) -> FunctionResult {
    let mut out = Map::new();
    for (i, a) in args.into_iter().enumerate() {
        match a {
            Value::Null => {}
            Value::Unknown(u) => {
                for v in out.entries.values_mut() {
                    *v = Value::Unknown(u.clone());
                }
                out.more.get_or_insert(u);
            }
            Value::Map(m) => {
                if let Some(u) = &m.more {
                    for (k, v) in &mut out.entries {
                        if !m.entries.contains_key(k) {
                            *v = Value::Unknown(u.clone());
                        }
                    }
                    out.more.get_or_insert_with(|| u.clone());
                }
                out.entries.extend(m.entries);
            }
            other => return Err(wrong_type(i, "a map or object", &other)),
        }
    }
    Ok(Value::Map(out))
}

/// `lookup(map, key)` or `lookup(map, key, default)`.
pub fn lookup(args: Vec<Value>) -> FunctionResult {
    arity(&args, 2, 3)?;
    let key = match arg(&args, 1)? {
        Value::Unknown(u) => return Ok(Value::Unknown(u.clone())),
        _ => string_arg(&args, 1)?,
    };
    let map = match arg(&args, 0)? {
        Value::Unknown(u) => return Ok(Value::Unknown(u.clone())),
        Value::Map(m) => m,
        other => return Err(wrong_type(0, "a map or object", other)),
    };
    if let Some(v) = map.get(&key) {
        return Ok(v.clone());
    }
    if let Some(u) = &map.more {
        return Ok(Value::Unknown(u.clone()));
    }
    match args.get(2) {
        Some(default) => Ok(default.clone()),
        None => Err(FunctionError::new(format!(
            "the map has no key \"{key}\" and no default was given"
        ))),
    }
}

/// The map argument of `keys` and `values`; `Err(Ok(unknown))` when the key set is unknown.
fn known_map(args: &[Value]) -> Result<&Map, Result<Value, FunctionError>> {
    arity(args, 1, 1).map_err(Err)?;
    match arg(args, 0).map_err(Err)? {
        Value::Unknown(u) => Err(Ok(Value::Unknown(u.clone()))),
        Value::Map(m) => match &m.more {
            Some(u) => Err(Ok(Value::Unknown(u.clone()))),
            None => Ok(m),
        },
        other => Err(Err(wrong_type(0, "a map or object", other))),
    }
}

/// The keys in lexical order.
pub fn keys(args: Vec<Value>) -> FunctionResult {
    match known_map(&args) {
        Ok(m) => Ok(Value::List(
            m.entries.keys().map(|k| Value::String(k.clone())).collect(),
        )),
        Err(result) => result,
    }
}

/// The values in the lexical order of their keys.
pub fn values(args: Vec<Value>) -> FunctionResult {
    match known_map(&args) {
        Ok(m) => Ok(Value::List(m.entries.values().cloned().collect())),
        Err(result) => result,
    }
}

/// A map from a list of keys and a list of values; a later duplicate key wins.
pub fn zipmap(args: Vec<Value>) -> FunctionResult {
    arity(&args, 2, 2)?;
    let keys = match arg(&args, 0)? {
        Value::Unknown(u) => return Ok(Value::Unknown(u.clone())),
        Value::List(items) | Value::Set(items) => items,
        other => return Err(wrong_type(0, "a list or set of strings", other)),
    };
    let values = match arg(&args, 1)? {
        Value::Unknown(u) => return Ok(Value::Unknown(u.clone())),
        Value::List(items) => items,
        other => return Err(wrong_type(1, "a list or tuple", other)),
    };
    if keys.len() != values.len() {
        return Err(FunctionError::new(format!(
            "the number of keys ({}) does not match the number of values ({})",
            keys.len(),
            values.len()
        )));
    }
    let mut out = Map::new();
    for (k, v) in keys.iter().zip(values) {
        match k {
            Value::Unknown(u) => {
                out.more.get_or_insert_with(|| u.clone());
            }
            Value::Null => {
                return Err(FunctionError::at(0, "the keys must not contain null"));
            }
            other => match to_string(other) {
                Ok(Some(s)) => out.insert(s, v.clone()),
                _ => {
                    return Err(FunctionError::at(
                        0,
                        format!("the keys must be strings, not {}", other.type_name()),
                    ))
                }
            },
        }
    }
    Ok(Value::Map(out))
}

/// Swaps keys and values of a map of lists of strings; each new list is sorted.
pub fn transpose(args: Vec<Value>) -> FunctionResult {
    arity(&args, 1, 1)?;
    let map = match arg(&args, 0)? {
        Value::Map(m) => m,
        other => return Err(wrong_type(0, "a map of lists of strings", other)),
    };
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    // Every element gets a copy of its key, so a long key in a long list multiplies.
    let mut size = node_bytes();
    for (key, list) in &map.entries {
        let items = list.as_elements().ok_or_else(|| {
            FunctionError::at(
                0,
                format!(
                    "the value for \"{key}\" must be a list of strings, not {}",
                    list.type_name()
                ),
            )
        })?;
        for item in items {
            let s = match (item, to_string(item)) {
                (Value::Null, _) => None,
                (_, Ok(s)) => s,
                (_, Err(_)) => None,
            }
            .ok_or_else(|| {
                FunctionError::at(
                    0,
                    format!(
                        "the list for \"{key}\" must contain only strings, not {}",
                        item.type_name()
                    ),
                )
            })?;
            if !out.contains_key(&s) {
                size = size.saturating_add(entry_bytes(out.len(), &s));
            }
            size = size.saturating_add(node_bytes()).saturating_add(key.len());
            within_limit(size)?;
            out.entry(s).or_default().push(key.clone());
        }
    }
    Ok(Value::map(
        out.into_iter()
            .map(|(k, mut vs)| {
                vs.sort();
                (k, Value::List(vs.into_iter().map(Value::String).collect()))
            })
            .collect(),
    ))
}

/// Used by the unit tests of other files to build open maps.
#[cfg(test)]
pub fn open_map(entries: &[(&str, Value)], more: &str) -> Value {
    let mut m = Map::new();
    for (k, v) in entries {
        m.insert(*k, v.clone());
    }
    m.more = Some(crate::model::Unknown::new(more));
    Value::Map(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Unknown;

    fn n(x: f64) -> Value {
        Value::Number(x)
    }

    fn map(entries: &[(&str, Value)]) -> Value {
        let mut m = Map::new();
        for (k, v) in entries {
            m.insert(*k, v.clone());
        }
        Value::Map(m)
    }

    #[test]
    fn merge_with_an_unknown_map() {
        let u = Value::unknown("var.extra has no default");
        let out = merge(vec![
            map(&[("a", n(1.0)), ("b", n(2.0))]),
            u.clone(),
            map(&[("b", n(3.0)), ("c", n(4.0))]),
        ]);
        let Ok(Value::Map(m)) = out else {
            panic!("merge failed: {out:?}")
        };
        assert_eq!(m.get("a"), Some(&u), "a may be overridden by var.extra");
        assert_eq!(m.get("b"), Some(&n(3.0)));
        assert_eq!(m.get("c"), Some(&n(4.0)));
        assert_eq!(m.more, Some(Unknown::new("var.extra has no default")));
    }

    #[test]
    fn merge_with_an_open_map_keeps_its_known_keys() {
        let out = merge(vec![
            map(&[("a", n(1.0)), ("b", n(2.0))]),
            open_map(&[("b", n(5.0))], "var.tags has no default"),
        ]);
        let Ok(Value::Map(m)) = out else {
            panic!("merge failed: {out:?}")
        };
        assert_eq!(m.get("a"), Some(&Value::unknown("var.tags has no default")));
        assert_eq!(m.get("b"), Some(&n(5.0)));
        assert!(m.more.is_some());
    }

    #[test]
    fn merge_skips_nulls_and_rejects_lists() {
        assert_eq!(
            merge(vec![Value::Null, map(&[("a", n(1.0))])]),
            Ok(map(&[("a", n(1.0))]))
        );
        assert!(merge(vec![Value::List(vec![])]).is_err());
    }

    #[test]
    fn lookup_in_open_maps() {
        let open = open_map(&[("a", n(1.0))], "var.x has no default");
        assert_eq!(lookup(vec![open.clone(), Value::string("a")]), Ok(n(1.0)));
        assert_eq!(
            lookup(vec![open, Value::string("b"), n(0.0)]),
            Ok(Value::unknown("var.x has no default"))
        );
        let u = Value::unknown("var.k has no default");
        assert_eq!(lookup(vec![map(&[]), u.clone(), n(0.0)]), Ok(u.clone()));
        assert_eq!(lookup(vec![u.clone(), Value::string("a")]), Ok(u));
        assert!(lookup(vec![map(&[]), Value::string("a")]).is_err());
    }

    #[test]
    fn keys_and_values_of_open_maps_are_unknown() {
        let open = open_map(&[("a", n(1.0))], "var.x has no default");
        let u = Value::unknown("var.x has no default");
        assert_eq!(keys(vec![open.clone()]), Ok(u.clone()));
        assert_eq!(values(vec![open]), Ok(u.clone()));
        assert_eq!(keys(vec![u.clone()]), Ok(u));
        assert_eq!(
            values(vec![map(&[("b", n(2.0)), ("a", Value::unknown("x"))])]),
            Ok(Value::List(vec![Value::unknown("x"), n(2.0)]))
        );
    }

    #[test]
    fn zipmap_with_unknown_keys() {
        let u = Value::unknown("var.k has no default");
        let out = zipmap(vec![
            Value::List(vec![Value::string("a"), u.clone()]),
            Value::List(vec![n(1.0), n(2.0)]),
        ]);
        let Ok(Value::Map(m)) = out else {
            panic!("zipmap failed: {out:?}")
        };
        assert_eq!(m.get("a"), Some(&n(1.0)));
        assert!(m.more.is_some());
        assert_eq!(zipmap(vec![u.clone(), Value::List(vec![])]), Ok(u));
    }
}
