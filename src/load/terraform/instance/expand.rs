//! `count` and `for_each`: how many instances a resource or module block has, their keys,
//! and the `count` / `each` values bound inside each.

use super::*;

use crate::load::terraform::address::InstanceKey;
use crate::load::terraform::ast::{Expr, Span};
use crate::load::terraform::budget::value_bytes;
use crate::load::terraform::config::{ResourceBlock, SourceFile};
use crate::load::terraform::convert::to_integer;
use crate::load::terraform::eval::EvalError;
use crate::model::{InputError, Map, Note, Unknown, Value};

/// Most instances one block may expand into. Far above real use; protects memory.
pub(super) const MAX_INSTANCES: i64 = 100_000;

fn too_many(file: &SourceFile, expr: &Expr, n: &str) -> InputError {
    InputError::new(
        file.location(expr.span),
        format!("{n} instances is above the limit of {MAX_INSTANCES} for one block"),
    )
    .with_help("the block is checked once, with its instance count unknown")
}

pub(super) enum ExpansionState {
    InProgress,
    Done(Expansion),
}

impl<'r> Instance<'r> {
    /// Decides the instances of a block from its `count` or `for_each`.
    pub(super) fn expand(
        &self,
        count: Option<&Expr>,
        for_each: Option<&Expr>,
        file: &SourceFile,
    ) -> Expansion {
        if let Some(expr) = count {
            // A sensitive count is allowed, as in Terraform: instance indexes do not show it.
            let (v, marked) = self.eval_or_unknown(expr, file, &[]).unmark_deep();
            return match to_integer(&v) {
                Ok(Some(n)) if n > MAX_INSTANCES => {
                    self.cx.error(too_many(file, expr, &n.to_string()));
                    Expansion::Unknown(Unknown::new(format!(
                        "count is {n}, above the limit of {MAX_INSTANCES}"
                    )))
                }
                Ok(Some(n)) if n >= 0 => Expansion::Count(n),
                Ok(Some(n)) => {
                    self.cx.error(InputError::new(
                        file.location(expr.span),
                        format!("invalid count: {n} is negative"),
                    ));
                    Expansion::Count(0)
                }
                Ok(None) => Expansion::Unknown(unknown_reason(&v, "count")),
                Err(m) => {
                    let message = if marked {
                        "invalid count: the value is sensitive, so the error is not shown"
                            .to_string()
                    } else {
                        format!("invalid count: {m}")
                    };
                    self.cx
                        .error(InputError::new(file.location(expr.span), message));
                    Expansion::Unknown(Unknown::new("count is invalid"))
                }
            };
        }
        if let Some(expr) = for_each {
            let v = self.eval_or_unknown(expr, file, &[]);
            if v.is_marked() {
                // Instance keys are shown in every address: Terraform refuses them
                // sensitive. The elements of a map may be sensitive (`each.value`).
                self.cx.error(
                    InputError::new(
                        file.location(expr.span),
                        "invalid for_each argument: the value is sensitive, and instance keys \
                         would show it",
                    )
                    .with_help(
                        "Terraform rejects this too; if the keys are not secret, wrap them in \
                         nonsensitive()",
                    ),
                );
                return Expansion::Unknown(Unknown::new("for_each is sensitive"));
            }
            return match for_each_keys(&v) {
                Ok(Some(items))
                    if items.len() > usize::try_from(MAX_INSTANCES).unwrap_or(usize::MAX) =>
                {
                    self.cx
                        .error(too_many(file, expr, &items.len().to_string()));
                    Expansion::Unknown(Unknown::new(format!(
                        "for_each has {} keys, above the limit of {MAX_INSTANCES}",
                        items.len()
                    )))
                }
                Ok(Some(items)) => {
                    // The expansion keeps every instance's `each.value`.
                    if let Err(why) = self.keep(value_bytes(&v), file, expr.span) {
                        return Expansion::Unknown(why);
                    }
                    if let Value::Map(Map { more: Some(u), .. }) = &v {
                        self.cx.notes.borrow_mut().push(Note {
                            location: Some(file.location(expr.span)),
                            message: format!("for_each may have more keys than are known ({u}); only the known keys are checked"),
                        });
                    }
                    Expansion::ForEach(items)
                }
                Ok(None) => Expansion::Unknown(unknown_reason(&v, "for_each")),
                Err(m) => {
                    self.cx.error(
                        InputError::new(
                            file.location(expr.span),
                            format!("invalid for_each argument: {m}"),
                        )
                        .with_help(
                            "for_each needs a map, or a set of strings: wrap a list in toset()",
                        ),
                    );
                    Expansion::Unknown(Unknown::new("for_each is invalid"))
                }
            };
        }
        Expansion::Single
    }

    /// The instances of a resource block, decided on first use.
    pub(super) fn resource_expansion(
        &self,
        block: &ResourceBlock,
        span: Span,
    ) -> Result<Expansion, EvalError> {
        let key = format!("{}.{}", block.resource_type, block.name);
        match self.expansions.borrow().get(&key) {
            Some(ExpansionState::Done(e)) => return Ok(e.clone()),
            Some(ExpansionState::InProgress) => {
                return Err(EvalError::new(
                    format!("the count or for_each of `{key}` depends on `{key}` itself"),
                    span,
                ));
            }
            None => {}
        }
        self.expansions
            .borrow_mut()
            .insert(key.clone(), ExpansionState::InProgress);
        let expansion = self.expand(block.count.as_ref(), block.for_each.as_ref(), &block.file);
        // The first instance of every block was paid for with the module instance.
        let more = expansion.len().saturating_sub(1);
        let at = block
            .count
            .as_ref()
            .or(block.for_each.as_ref())
            .map_or(block.block.header_span, |e| e.span);
        let expansion = match self.charge_instances(more, 0, &block.file, at) {
            Ok(()) => expansion,
            Err(why) => Expansion::Unknown(why),
        };
        self.expansions
            .borrow_mut()
            .insert(key, ExpansionState::Done(expansion.clone()));
        Ok(expansion)
    }
}

pub(super) fn unknown_reason(v: &Value, what: &str) -> Unknown {
    match v.first_unknown() {
        Some(u) => Unknown {
            origin: format!("{what} depends on an unknown value: {}", u.origin).into(),
            reference: u.reference.clone(),
        },
        None => Unknown::new(format!("{what} is unknown")),
    }
}

/// The instance keys of a `for_each` value: a map, or a set of strings. `None` if unknown.
pub(super) fn for_each_keys(v: &Value) -> Result<Option<Vec<(String, Value)>>, String> {
    match v {
        Value::Map(m) => Ok(Some(
            m.entries
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        )),
        Value::Set(items) => {
            let mut out = Vec::new();
            for item in items {
                match item {
                    Value::String(s) => out.push((s.clone(), item.clone())),
                    Value::Unknown(_) => return Ok(None),
                    other => {
                        return Err(format!(
                            "a set of strings is required, but it contains a {}",
                            other.type_name()
                        ));
                    }
                }
            }
            Ok(Some(out))
        }
        Value::Unknown(_) => Ok(None),
        Value::Null => Err("the value is null".to_string()),
        Value::List(_) => {
            Err("a list was given; for_each needs a map or a set of strings".to_string())
        }
        other => Err(format!(
            "a {} was given; for_each needs a map or a set of strings",
            other.type_name()
        )),
    }
}

/// Names bound inside one instance (`count`, `each`).
pub(super) type Bindings = Vec<(String, Value)>;

/// How many instances a block has.
#[derive(Clone)]
pub(super) enum Expansion {
    Single,
    Count(i64),
    ForEach(Vec<(String, Value)>),
    Unknown(Unknown),
}

impl Expansion {
    /// Each instance's key and the names (`count`, `each`) bound inside it.
    pub(super) fn instances(&self) -> Vec<(Option<InstanceKey>, Bindings)> {
        match self {
            Expansion::Single => vec![(None, Vec::new())],
            Expansion::Count(n) => (0..*n)
                .map(|i| {
                    let key = InstanceKey::Index(i);
                    let mut count = Map::new();
                    count.insert("index", key.value());
                    (Some(key), vec![("count".to_string(), Value::Map(count))])
                })
                .collect(),
            Expansion::ForEach(items) => items
                .iter()
                .map(|(k, v)| {
                    let mut each = Map::new();
                    each.insert("key", Value::String(k.clone()));
                    each.insert("value", v.clone());
                    (
                        Some(InstanceKey::Key(k.clone())),
                        vec![("each".to_string(), Value::Map(each))],
                    )
                })
                .collect(),
            Expansion::Unknown(u) => {
                let mut count = Map::new();
                count.insert("index", Value::Unknown(u.clone()));
                let mut each = Map::new();
                each.insert("key", Value::Unknown(u.clone()));
                each.insert("value", Value::Unknown(u.clone()));
                vec![(
                    None,
                    vec![
                        ("count".to_string(), Value::Map(count)),
                        ("each".to_string(), Value::Map(each)),
                    ],
                )]
            }
        }
    }

    /// How many instances: an unknown number is checked as one.
    pub(super) fn len(&self) -> u64 {
        match self {
            Expansion::Single | Expansion::Unknown(_) => 1,
            Expansion::Count(n) => u64::try_from(*n).unwrap_or(0),
            Expansion::ForEach(items) => u64::try_from(items.len()).unwrap_or(u64::MAX),
        }
    }

    pub(super) fn unknown(&self) -> Option<Unknown> {
        match self {
            Expansion::Unknown(u) => Some(u.clone()),
            _ => None,
        }
    }
}
