//! `for` expressions: `[for x in xs : ...]`, `{for k, v in m : k => v}` with `if` and
//! grouping (`...`), and [`iterate`], the pairs a `for` or a `for_each` visits. The result
//! is measured as it grows, so it cannot outgrow the limit for one value.

use std::collections::BTreeMap;

use super::{hide_if, mark_sized, EvalError, Evaluator};
use crate::load::terraform::ast::{ForExpr, Span};
use crate::load::terraform::budget::{entry_bytes, node_bytes, payload};
use crate::load::terraform::convert::{to_bool, to_string};
use crate::model::{Map, Unknown, Value};

impl Evaluator<'_> {
    pub(super) fn for_expr(
        &mut self,
        f: &ForExpr,
        span: Span,
    ) -> Result<(Value, usize), EvalError> {
        // Over a sensitive collection, with a sensitive key or condition, the result shows
        // the sensitive value: it is sensitive as a whole. Elements keep their own marks.
        let (coll, marked) = self.eval(&f.collection)?.peel();
        let mut sensitive = marked;
        let (result, size) = self.for_items(f, coll, span, &mut sensitive)?;
        Ok(mark_sized(result, size, sensitive))
    }

    fn for_items(
        &mut self,
        f: &ForExpr,
        coll: Value,
        span: Span,
        sensitive: &mut bool,
    ) -> Result<(Value, usize), EvalError> {
        let Some(items) = iterate(&coll, f.collection.span)? else {
            return Ok((
                Value::Unknown(
                    coll.first_unknown()
                        .cloned()
                        .unwrap_or_else(|| Unknown::new("unknown collection")),
                ),
                node_bytes(),
            ));
        };
        drop(coll);
        self.meter.charge(node_bytes(), span)?;
        let mut built = Built {
            size: node_bytes(),
            span,
        };
        let mut list = Vec::new();
        let mut map: BTreeMap<String, Value> = BTreeMap::new();
        let mut groups: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        let mut unknown_key: Option<Unknown> = None;
        for (k, v) in items {
            let depth = self.bindings.len();
            if let Some(kv) = &f.key_var {
                self.bindings.push((kv.clone(), k));
            }
            self.bindings.push((f.value_var.clone(), v));
            let result = self.for_item(
                f,
                Collected {
                    built: &mut built,
                    list: &mut list,
                    map: &mut map,
                    groups: &mut groups,
                    unknown_key: &mut unknown_key,
                    sensitive,
                },
            );
            self.bindings.truncate(depth);
            if let Some(u) = result? {
                return Ok((Value::Unknown(u), node_bytes()));
            }
        }
        if f.key.is_none() {
            return Ok((Value::List(list), built.size));
        }
        let mut out = Map::new();
        if f.grouping {
            for (k, vs) in groups {
                out.insert(k, Value::List(vs));
            }
        } else {
            out.entries = map;
        }
        out.more = unknown_key;
        Ok((Value::Map(out), built.size))
    }

    /// One iteration of a `for` expression. Returns `Some` when the whole result becomes
    /// unknown (an unknown condition).
    fn for_item(&mut self, f: &ForExpr, out: Collected<'_>) -> Result<Option<Unknown>, EvalError> {
        let Collected {
            built,
            list,
            map,
            groups,
            unknown_key,
            sensitive,
        } = out;
        if let Some(cond) = &f.cond {
            let (c, marked) = self.eval(cond)?.unmark_deep();
            *sensitive |= marked;
            match to_bool(&c).map_err(|m| {
                hide_if(
                    marked,
                    EvalError::new(format!("invalid for condition: {m}"), cond.span),
                    "the for condition",
                )
            })? {
                None => return Ok(c.first_unknown().cloned()),
                Some(false) => return Ok(None),
                Some(true) => {}
            }
        }
        let (value, value_size) = self.eval_sized(&f.value)?;
        let Some(key_expr) = &f.key else {
            self.grow(built, value_size)?;
            list.push(value);
            return Ok(None);
        };
        let (key, marked) = self.eval(key_expr)?.unmark_deep();
        *sensitive |= marked;
        let key = match to_string(&key) {
            Ok(Some(k)) => k,
            Ok(None) => {
                if let Value::Unknown(u) = key {
                    unknown_key.get_or_insert(u);
                }
                return Ok(None);
            }
            Err(m) => {
                return Err(hide_if(
                    marked,
                    EvalError::new(format!("invalid object key: {m}"), key_expr.span),
                    "the for key",
                ))
            }
        };
        // A group's list holds whole values; a map entry holds its value's node in a leaf.
        let (entries, added) = if f.grouping {
            (groups.len(), value_size)
        } else {
            (map.len(), payload(value_size))
        };
        let entry = entry_bytes(entries, &key);
        self.meter.charge(entry, built.span)?;
        self.grow(built, entry.saturating_add(added))?;
        if f.grouping {
            groups.entry(key).or_default().push(value);
        } else {
            match map.entry(key) {
                std::collections::btree_map::Entry::Occupied(e) => {
                    return Err(hide_if(
                        marked,
                        EvalError::new(
                            format!("duplicate object key `{}` in a for expression", e.key()),
                            key_expr.span,
                        )
                        .with_help(
                            "add `...` after the value to group values with the same key into lists",
                        ),
                        "the for key",
                    ));
                }
                std::collections::btree_map::Entry::Vacant(e) => {
                    e.insert(value);
                }
            }
        }
        Ok(None)
    }

    /// Adds an element of `size` to a `for` expression's result, which may not outgrow
    /// the limit for one value.
    fn grow(&mut self, built: &mut Built, size: usize) -> Result<(), EvalError> {
        built.size = built.size.saturating_add(size);
        self.meter.fits(built.size, built.span)
    }
}

/// Where one iteration of a `for` expression puts its result.
struct Collected<'a> {
    built: &'a mut Built,
    list: &'a mut Vec<Value>,
    map: &'a mut BTreeMap<String, Value>,
    groups: &'a mut BTreeMap<String, Vec<Value>>,
    unknown_key: &'a mut Option<Unknown>,
    sensitive: &'a mut bool,
}

/// The estimated size of a `for` expression's result so far, and where it is written.
struct Built {
    size: usize,
    span: Span,
}

/// The (key, value) pairs a `for` expression or `for_each` visits: index and element for
/// lists, the element twice for sets, key and value for maps. `None` when unknown.
pub fn iterate(coll: &Value, span: Span) -> Result<Option<Vec<(Value, Value)>>, EvalError> {
    match coll {
        Value::List(items) => Ok(Some(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| (Value::Number(usize_to_f64(i)), v.clone()))
                .collect(),
        )),
        Value::Set(items) => Ok(Some(items.iter().map(|v| (v.clone(), v.clone())).collect())),
        Value::Map(m) => {
            if m.more.is_some() {
                return Ok(None);
            }
            Ok(Some(
                m.entries
                    .iter()
                    .map(|(k, v)| (Value::String(k.clone()), v.clone()))
                    .collect(),
            ))
        }
        Value::Unknown(_) => Ok(None),
        Value::Null => Err(EvalError::new("cannot iterate over a null value", span)),
        other => Err(EvalError::new(
            format!(
                "cannot iterate over a {}: a list, set or map is required",
                other.type_name()
            ),
            span,
        )),
    }
}

#[expect(
    clippy::cast_precision_loss,
    reason = "collection indexes are far below 2^52"
)]
fn usize_to_f64(i: usize) -> f64 {
    i as f64
}
