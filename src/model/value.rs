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
    /// A value Terraform marks sensitive (`sensitive = true` on a variable or output, the
    /// `sensitive()` function, or a value derived from one): usable for evaluation, never
    /// shown. Never wraps another mark, an unknown or null (see [`Value::mark`]).
    Sensitive(Box<Value>),
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

    /// This value marked sensitive. An unknown shows no value and null none worth hiding,
    /// so both stay as they are; a marked value is not marked twice.
    pub fn mark(self) -> Value {
        match self {
            Value::Null | Value::Unknown(_) | Value::Sensitive(_) => self,
            other => Value::Sensitive(Box::new(other)),
        }
    }

    /// This value marked sensitive when `sensitive` is true.
    pub fn mark_if(self, sensitive: bool) -> Value {
        if sensitive {
            self.mark()
        } else {
            self
        }
    }

    /// Whether this value itself is marked sensitive (not looking inside).
    pub fn is_marked(&self) -> bool {
        matches!(self, Value::Sensitive(_))
    }

    /// Whether this value or anything inside it is marked sensitive.
    pub fn has_marks(&self) -> bool {
        match self {
            Value::Sensitive(_) => true,
            Value::List(v) | Value::Set(v) => v.iter().any(Value::has_marks),
            Value::Map(m) => m.entries.values().any(Value::has_marks),
            _ => false,
        }
    }

    /// The value without its own mark, and whether it had one; marks inside stay.
    pub fn peel(self) -> (Value, bool) {
        match self {
            Value::Sensitive(inner) => (*inner, true),
            other => (other, false),
        }
    }

    /// The value with every mark removed, and whether there was any.
    pub fn unmark_deep(self) -> (Value, bool) {
        if !self.has_marks() {
            return (self, false);
        }
        (self.strip(), true)
    }

    fn strip(self) -> Value {
        match self {
            Value::Sensitive(inner) => inner.strip(),
            Value::List(v) => Value::List(v.into_iter().map(Value::strip).collect()),
            Value::Set(v) => Value::Set(v.into_iter().map(Value::strip).collect()),
            Value::Map(m) => Value::Map(Map {
                entries: m.entries.into_iter().map(|(k, v)| (k, v.strip())).collect(),
                more: m.more,
            }),
            other => other,
        }
    }

    /// A copy with every sensitive part replaced by an unknown: what the value looks like
    /// to someone who may not see it. Whatever differs from the value itself depends on a
    /// sensitive value.
    pub fn masked(&self) -> Value {
        match self {
            Value::Sensitive(_) => Value::unknown(SENSITIVE_ORIGIN),
            Value::List(v) => Value::List(v.iter().map(Value::masked).collect()),
            Value::Set(v) => Value::Set(v.iter().map(Value::masked).collect()),
            Value::Map(m) => Value::Map(Map {
                entries: m
                    .entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.masked()))
                    .collect(),
                more: m.more.clone(),
            }),
            other => other.clone(),
        }
    }

    /// This value with a mark on every part that differs from `masked`, the same value
    /// computed without the sensitive values (see [`Value::masked`]): what depends on a
    /// sensitive value, for code that reads values without marks.
    pub fn marked_where_different(self, masked: &Value) -> Value {
        if self == *masked {
            return self;
        }
        match (self, masked) {
            (Value::Map(real), Value::Map(shown)) => Value::Map(Map {
                entries: real
                    .entries
                    .into_iter()
                    .map(|(k, v)| {
                        let v = match shown.entries.get(&k) {
                            Some(s) => v.marked_where_different(s),
                            None => v.mark(),
                        };
                        (k, v)
                    })
                    .collect(),
                more: real.more,
            }),
            (Value::List(real), Value::List(shown)) if real.len() == shown.len() => Value::List(
                real.into_iter()
                    .zip(shown)
                    .map(|(v, s)| v.marked_where_different(s))
                    .collect(),
            ),
            (real, _) => real.mark(),
        }
    }

    /// The text of every primitive marked sensitive inside this value (strings as they
    /// are, numbers and bools as Terraform prints them), for taking them out of messages.
    pub fn sensitive_texts(&self, out: &mut std::collections::BTreeSet<String>) {
        match self {
            Value::Sensitive(inner) => inner.all_texts(out),
            Value::List(v) | Value::Set(v) => v.iter().for_each(|e| e.sensitive_texts(out)),
            Value::Map(m) => m.entries.values().for_each(|e| e.sensitive_texts(out)),
            _ => {}
        }
    }

    fn all_texts(&self, out: &mut std::collections::BTreeSet<String>) {
        match self {
            Value::String(s) => {
                out.insert(s.clone());
            }
            Value::Number(n) => {
                out.insert(format_number(*n));
            }
            Value::Bool(b) => {
                out.insert(b.to_string());
            }
            Value::List(v) | Value::Set(v) => v.iter().for_each(|e| e.all_texts(out)),
            Value::Map(m) => m.entries.values().for_each(|e| e.all_texts(out)),
            Value::Sensitive(inner) => inner.all_texts(out),
            Value::Null | Value::Unknown(_) => {}
        }
    }

    /// The first unknown found anywhere inside this value, depth first in key order.
    pub fn first_unknown(&self) -> Option<&Unknown> {
        match self {
            Value::Unknown(u) => Some(u),
            Value::Sensitive(inner) => inner.first_unknown(),
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
            Value::Sensitive(inner) => inner.type_name(),
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
            Value::Sensitive(_) => out.push_str(SENSITIVE),
        }
    }
}

/// How a sensitive value is shown, as Terraform shows it.
pub const SENSITIVE: &str = "(sensitive value)";

/// Why a masked value (see [`Value::masked`]) is unknown.
pub const SENSITIVE_ORIGIN: &str = "the value is sensitive";

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
    // A mark does not change where a value sorts.
    if let Value::Sensitive(inner) = a {
        return set_order(inner, b);
    }
    if let Value::Sensitive(inner) = b {
        return set_order(a, inner);
    }
    fn rank(v: &Value) -> u8 {
        match v {
            Value::Null => 0,
            Value::Bool(_) => 1,
            Value::Number(_) => 2,
            Value::String(_) => 3,
            Value::List(_) => 4,
            Value::Set(_) => 5,
            Value::Map(_) => 6,
            Value::Unknown(_) | Value::Sensitive(_) => 7,
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
    fn marks_are_shown_masked_and_found_again() {
        let mut m = Map::new();
        m.insert("team", Value::string("ml"));
        m.insert("owner", Value::string("alice").mark());
        let v = Value::Map(m);
        assert_eq!(v.display(), "{owner = (sensitive value), team = \"ml\"}");
        assert!(v.has_marks() && !v.is_marked());
        assert_eq!(Value::Null.mark(), Value::Null);
        assert_eq!(Value::string("a").mark().mark(), Value::string("a").mark());
        let masked = v.masked();
        assert_eq!(
            masked.display(),
            "{owner = (unknown: the value is sensitive), team = \"ml\"}"
        );
        let (plain, marked) = v.clone().unmark_deep();
        assert!(marked);
        assert_eq!(plain.marked_where_different(&masked), v);
        let mut texts = std::collections::BTreeSet::new();
        v.sensitive_texts(&mut texts);
        assert_eq!(texts.into_iter().collect::<Vec<_>>(), ["alice"]);
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
