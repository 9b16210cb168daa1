//! The labels, resource labels and network tags of each pool, merged as the module merges
//! `node_pools_labels`, `node_pools_resource_labels` and `node_pools_tags`: the `all`
//! entry, then the pool's own entry (which wins), after the module's own labels and tags
//! unless a `default_values` entry switches them off.

use super::{Placement, Reader};
use crate::load::terraform::ast::ExprKind;
use crate::load::terraform::convert::to_bool;
use crate::load::terraform::functions;
use crate::model::{Location, Map, Unknown, Value};

/// The pool's `labels`, `resource_labels` and `tags`, merged as the module merges them,
/// with where each is written: the pool's own entry, else `all`, else the input when it
/// is not a literal (the values come from elsewhere).
pub(super) fn pool_maps(
    reader: &mut Reader<'_, '_>,
    placement: &Placement,
    pool: &str,
) -> Vec<(&'static str, Value, Option<Location>)> {
    let call = reader.call;
    // The module's network tag: "gke-${var.name}".
    let network_tag = match &placement.name {
        Value::String(n) => Value::string(format!("gke-{n}")),
        other => other.clone(),
    };
    let pool_tag = match &network_tag {
        Value::String(t) => Value::string(format!("{t}-{pool}")),
        other => other.clone(),
    };
    let label_flags = default_values(call.input("node_pools_labels"));
    let tag_flags = default_values(call.input("node_pools_tags"));
    let labels_defaults = vec![
        when(
            lookup_flag(&label_flags, "cluster_name", 0),
            single("cluster_name", placement.name.clone()),
            Value::Map(Map::new()),
        ),
        when(
            lookup_flag(&label_flags, "node_pool", 1),
            single("node_pool", Value::string(pool)),
            Value::Map(Map::new()),
        ),
    ];
    let tags_defaults = vec![
        when(
            lookup_flag(&tag_flags, "", 0),
            Value::List(vec![network_tag]),
            Value::List(Vec::new()),
        ),
        when(
            lookup_flag(&tag_flags, "", 1),
            Value::List(vec![pool_tag]),
            Value::List(Vec::new()),
        ),
    ];
    vec![
        by_pool(
            reader,
            "node_pools_labels",
            "labels",
            Ok(pool),
            labels_defaults,
        ),
        by_pool(
            reader,
            "node_pools_resource_labels",
            "resource_labels",
            Ok(pool),
            Vec::new(),
        ),
        by_pool(reader, "node_pools_tags", "tags", Ok(pool), tags_defaults),
    ]
}

/// `input["all"]` and `input[pool]` (each empty when absent) combined after `defaults`
/// with `merge` (maps of labels) or `concat` (lists of network tags). A pool whose name
/// is unknown (`Err`) has unknown entries of its own.
pub(super) fn by_pool(
    reader: &mut Reader<'_, '_>,
    input: &str,
    argument: &'static str,
    pool: Result<&str, Unknown>,
    defaults: Vec<Value>,
) -> (&'static str, Value, Option<Location>) {
    let call = reader.call;
    let combine = if argument == "tags" {
        "concat"
    } else {
        "merge"
    };
    let empty = if combine == "merge" {
        Value::Map(Map::new())
    } else {
        Value::List(Vec::new())
    };
    let part = |key: &str| -> Value {
        match call.input(input) {
            None => empty.clone(),
            Some(Value::Map(m)) => match (m.entries.get(key), &m.more) {
                (Some(v), _) => v.clone(),
                (None, Some(u)) => Value::Unknown(u.clone()),
                (None, None) => empty.clone(),
            },
            Some(other) => other.clone(),
        }
    };
    let mut args = defaults;
    args.push(part("all"));
    args.push(match &pool {
        Ok(name) => part(name),
        Err(u) => Value::Unknown(u.clone()),
    });
    let value = match functions::lookup(combine).map(|f| (f.call)(args)) {
        Some(Ok(v)) => v,
        Some(Err(e)) => {
            reader.error(call.location(input, &[]), format!("{input}: {}", e.message));
            Value::unknown(format!("{input} is not valid: {}", e.message))
        }
        None => Value::unknown(format!("{combine} is not available")),
    };
    let literal = call
        .inputs
        .get(input)
        .is_some_and(|i| matches!(i.expr.kind, ExprKind::Object(_)));
    let at = pool
        .ok()
        .and_then(|name| call.written(input, &[name]))
        .or_else(|| call.written(input, &["all"]))
        .or_else(|| {
            (call.inputs.contains_key(input) && !literal).then(|| call.location(input, &[]))
        });
    (argument, value, at)
}

/// The `default_values` entry of `node_pools_labels` or `node_pools_tags`, which switches
/// the module's own labels or network tags off.
fn default_values(input: Option<&Value>) -> Option<Value> {
    match input? {
        Value::Map(m) => match (m.entries.get("default_values"), &m.more) {
            (Some(v), _) => Some(v.clone()),
            (None, Some(u)) => Some(Value::Unknown(u.clone())),
            (None, None) => None,
        },
        other => Some(other.clone()),
    }
}

/// A flag of `default_values` (a map of flags for labels, a two-element list for tags);
/// on when absent.
fn lookup_flag(flags: &Option<Value>, key: &str, index: usize) -> Value {
    let flag = match flags {
        None => return Value::Bool(true),
        Some(Value::Map(m)) => m.entries.get(key).cloned(),
        Some(Value::List(items)) => items.get(index).cloned(),
        Some(other) => Some(other.clone()),
    };
    match flag {
        None => Value::Bool(true),
        Some(v) => match to_bool(&v) {
            Ok(Some(b)) => Value::Bool(b),
            Ok(None) => v,
            Err(_) => Value::unknown("a default_values flag is not a bool"),
        },
    }
}

/// `flag ? then : otherwise`, unknown when the flag is.
fn when(flag: Value, then: Value, otherwise: Value) -> Value {
    match flag {
        Value::Bool(true) => then,
        Value::Bool(false) => otherwise,
        unknown => unknown,
    }
}

fn single(key: &str, value: Value) -> Value {
    let mut m = Map::new();
    m.insert(key, value);
    Value::Map(m)
}
