//! Values produced by evaluating infrastructure code: Terraform's value model (null, bool,
//! number, string, list, set, map) plus [`Value::Unknown`], which remembers *why* a value
//! could not be known statically. No I/O and no knowledge of any input format.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// A value that can be known without applying the configuration, or an explicit unknown.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    /// Lists and tuples (Terraform converts freely between them).
    List(Vec<Value>),
    /// Sets: deduplicated and kept in Terraform's set order (see [`set_order`]).
    Set(Vec<Value>),
    /// Maps and objects. `BTreeMap` gives Terraform's lexical key order.
    Map(Map),
    Unknown(Unknown),
}

/// A map or object. `more` is set when the map may hold keys beyond `entries`, for example
/// `merge(local.tags, var.extra)` where `var.extra` is unknown.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Map {
    pub entries: BTreeMap<String, Value>,
    pub more: Option<Unknown>,
}

/// Why a value is unknown, in words a user understands (`var.instance_type has no default`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Unknown {
    pub origin: Arc<str>,
    /// The resource address when the value is an attribute of another resource, so later
    /// stages can follow the reference (a node group's launch template, say).
    pub reference: Option<Arc<str>>,
}

impl Unknown {
    pub fn new(origin: impl Into<Arc<str>>) -> Unknown {
        Unknown {
            origin: origin.into(),
            reference: None,
        }
    }

    pub fn referring_to(origin: impl Into<Arc<str>>, address: impl Into<Arc<str>>) -> Unknown {
        Unknown {
            origin: origin.into(),
            reference: Some(address.into()),
        }
    }
}

impl fmt::Display for Unknown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.origin)
    }
}

impl Map {
    pub fn new() -> Map {
        Map::default()
    }

    pub fn from_entries(entries: BTreeMap<String, Value>) -> Map {
        Map {
            entries,
            more: None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries.get(key)
    }

    pub fn insert(&mut self, key: impl Into<String>, value: Value) {
        self.entries.insert(key.into(), value);
    }
}

impl Value {
    pub fn unknown(origin: impl Into<Arc<str>>) -> Value {
        Value::Unknown(Unknown::new(origin))
    }

    pub fn string(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }

    pub fn map(entries: BTreeMap<String, Value>) -> Value {
        Value::Map(Map::from_entries(entries))
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&Map> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_unknown(&self) -> Option<&Unknown> {
        match self {
            Value::Unknown(u) => Some(u),
            _ => None,
        }
    }

    /// The elements of a list, tuple or set.
    pub fn as_elements(&self) -> Option<&[Value]> {
        match self {
            Value::List(v) | Value::Set(v) => Some(v),
            _ => None,
        }
    }

    /// The first unknown found anywhere inside this value, depth first in key order.
    pub fn first_unknown(&self) -> Option<&Unknown> {
        match self {
            Value::Unknown(u) => Some(u),
            Value::List(v) | Value::Set(v) => v.iter().find_map(Value::first_unknown),
            Value::Map(m) => m
                .entries
                .values()
                .find_map(Value::first_unknown)
                .or(m.more.as_ref()),
            _ => None,
        }
    }

    /// Whether the value is fully known (no unknown anywhere inside).
    pub fn is_wholly_known(&self) -> bool {
        self.first_unknown().is_none()
    }

    /// Terraform's name for the type of this value, used in error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::List(_) => "list",
            Value::Set(_) => "set",
            Value::Map(_) => "map",
            Value::Unknown(_) => "unknown",
        }
    }

    /// Builds a set: sorts and deduplicates the elements the way Terraform orders sets.
    pub fn set(mut elements: Vec<Value>) -> Value {
        elements.sort_by(set_order);
        elements.dedup();
        Value::Set(elements)
    }

    /// Renders a value for a human: strings bare, numbers as Terraform prints them,
    /// collections in HCL-like syntax, unknowns as `(unknown: why)`.
    pub fn display(&self) -> String {
        let mut out = String::new();
        self.write_display(&mut out, true);
        out
    }

    fn write_display(&self, out: &mut String, top: bool) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Number(n) => out.push_str(&format_number(*n)),
            Value::String(s) if top => out.push_str(s),
            Value::String(s) => {
                out.push('"');
                out.push_str(s);
                out.push('"');
            }
            Value::List(v) | Value::Set(v) => {
                out.push('[');
                for (i, e) in v.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    e.write_display(out, false);
                }
                out.push(']');
            }
            Value::Map(m) => {
                out.push('{');
                for (i, (k, v)) in m.entries.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(k);
                    out.push_str(" = ");
                    v.write_display(out, false);
                }
                if m.more.is_some() {
                    if !m.entries.is_empty() {
                        out.push_str(", ");
                    }
                    out.push_str("...");
                }
                out.push('}');
            }
            Value::Unknown(u) => {
                out.push_str("(unknown: ");
                out.push_str(&u.origin);
                out.push(')');
            }
        }
    }
}

/// Formats a number as Terraform does: integers without a fraction, others in the
/// shortest form that reads back to the same value.
pub fn format_number(n: f64) -> String {
    if n.is_finite() && n.fract() == 0.0 && n.abs() < 1e21 {
        format!("{n:.0}")
    } else if n.is_nan() {
        "NaN".to_string()
    } else if n.is_infinite() {
        if n > 0.0 { "+Inf" } else { "-Inf" }.to_string()
    } else {
        format!("{n}")
    }
}

/// Terraform's order for set elements: by type first (bool, number, string, then the
/// rest), numbers numerically, strings lexically by bytes.
pub fn set_order(a: &Value, b: &Value) -> Ordering {
    fn rank(v: &Value) -> u8 {
        match v {
            Value::Null => 0,
            Value::Bool(_) => 1,
            Value::Number(_) => 2,
            Value::String(_) => 3,
            Value::List(_) => 4,
            Value::Set(_) => 5,
            Value::Map(_) => 6,
            Value::Unknown(_) => 7,
        }
    }
    match (a, b) {
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Number(x), Value::Number(y)) => x.partial_cmp(y).unwrap_or(Ordering::Equal),
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::List(x), Value::List(y)) | (Value::Set(x), Value::Set(y)) => {
            for (l, r) in x.iter().zip(y) {
                let o = set_order(l, r);
                if o != Ordering::Equal {
                    return o;
                }
            }
            x.len().cmp(&y.len())
        }
        (Value::Map(x), Value::Map(y)) => {
            for ((lk, lv), (rk, rv)) in x.entries.iter().zip(&y.entries) {
                let o = lk.cmp(rk).then_with(|| set_order(lv, rv));
                if o != Ordering::Equal {
                    return o;
                }
            }
            x.entries.len().cmp(&y.entries.len())
        }
        (Value::Unknown(x), Value::Unknown(y)) => x.cmp(y),
        _ => rank(a).cmp(&rank(b)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_like_terraform() {
        assert_eq!(format_number(3.0), "3");
        assert_eq!(format_number(-0.5), "-0.5");
        assert_eq!(format_number(1e20), "100000000000000000000");
        assert_eq!(format_number(2.5e-7), "0.00000025");
    }

    #[test]
    fn sets_sort_and_dedup() {
        let s = Value::set(vec![
            Value::string("b"),
            Value::string("a"),
            Value::string("b"),
        ]);
        assert_eq!(s, Value::Set(vec![Value::string("a"), Value::string("b")]));
    }

    #[test]
    fn first_unknown_includes_open_maps() {
        let mut m = Map::new();
        m.insert("team", Value::string("ml"));
        m.more = Some(Unknown::new("var.extra has no default"));
        let v = Value::Map(m);
        assert_eq!(
            v.first_unknown().map(|u| u.origin.to_string()),
            Some("var.extra has no default".to_string())
        );
        assert_eq!(v.display(), "{team = \"ml\", ...}");
    }
}
