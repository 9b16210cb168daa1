//! Variable type constraints (`type = map(object({ size = optional(number, 100) }))`) and
//! the conversions Terraform applies when a value is assigned to a typed variable:
//! primitives convert, object attributes get their optional defaults, extra attributes are
//! dropped.

use std::collections::BTreeMap;

use super::ast::{Expr, ExprKind, ObjectKey};
use super::budget::{entry_bytes, mib, value_bytes, MAX_VALUE_BYTES};
use super::convert::{to_bool, to_number, to_string};
use super::eval::{Evaluator, NoNames};
use crate::model::{Map, Value};

#[derive(Clone, Debug, PartialEq)]
pub enum Type {
    Any,
    String,
    Number,
    Bool,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    Tuple(Vec<Type>),
    Object(BTreeMap<String, Attribute>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    pub ty: Type,
    pub optional: bool,
    pub default: Option<Value>,
}

/// Reads a type constraint expression.
pub fn parse_type(expr: &Expr) -> Result<Type, String> {
    match &expr.kind {
        ExprKind::Variable(name) => match name.as_str() {
            "any" => Ok(Type::Any),
            "string" => Ok(Type::String),
            "number" => Ok(Type::Number),
            "bool" => Ok(Type::Bool),
            "list" => Ok(Type::List(Box::new(Type::Any))),
            "map" => Ok(Type::Map(Box::new(Type::Any))),
            "set" => Ok(Type::Set(Box::new(Type::Any))),
            other => Err(format!("`{other}` is not a type")),
        },
        // Terraform 0.11 style: type = "list".
        ExprKind::String(s) => match s.as_str() {
            "string" => Ok(Type::String),
            "list" => Ok(Type::List(Box::new(Type::Any))),
            "map" => Ok(Type::Map(Box::new(Type::Any))),
            other => Err(format!("`\"{other}\"` is not a type")),
        },
        ExprKind::Call { name, args, .. } => {
            let single = || match args.as_slice() {
                [a] => parse_type(a),
                _ => Err(format!("`{name}(...)` takes exactly one type")),
            };
            match name.as_str() {
                "list" => Ok(Type::List(Box::new(single()?))),
                "set" => Ok(Type::Set(Box::new(single()?))),
                "map" => Ok(Type::Map(Box::new(single()?))),
                "tuple" => match args.as_slice() {
                    [Expr {
                        kind: ExprKind::Array(items),
                        ..
                    }] => Ok(Type::Tuple(
                        items.iter().map(parse_type).collect::<Result<_, _>>()?,
                    )),
                    _ => Err("`tuple(...)` takes a list of types".to_string()),
                },
                "object" => match args.as_slice() {
                    [Expr {
                        kind: ExprKind::Object(items),
                        ..
                    }] => {
                        let mut attrs = BTreeMap::new();
                        for (key, value) in items {
                            let name = match key {
                                ObjectKey::Ident(s) => s.clone(),
                                ObjectKey::Expr(e) => match &e.kind {
                                    ExprKind::String(s) => s.clone(),
                                    ExprKind::Variable(s) => s.clone(),
                                    _ => {
                                        return Err(
                                            "object attribute names must be names".to_string()
                                        )
                                    }
                                },
                            };
                            attrs.insert(name, parse_attribute(value)?);
                        }
                        Ok(Type::Object(attrs))
                    }
                    _ => Err("`object(...)` takes an object of attribute types".to_string()),
                },
                other => Err(format!("`{other}(...)` is not a type")),
            }
        }
        _ => Err("this is not a type constraint".to_string()),
    }
}

fn parse_attribute(expr: &Expr) -> Result<Attribute, String> {
    if let ExprKind::Call { name, args, .. } = &expr.kind {
        if name == "optional" {
            let (ty, default) = match args.as_slice() {
                [t] => (parse_type(t)?, None),
                [t, d] => {
                    let ty = parse_type(t)?;
                    let value = Evaluator::new(&NoNames)
                        .eval(d)
                        .map_err(|e| format!("invalid optional default: {}", e.message))?;
                    let value = convert(value, &ty)
                        .map_err(|e| format!("invalid optional default: {e}"))?;
                    (ty, Some(value))
                }
                _ => return Err("`optional(...)` takes a type and an optional default".to_string()),
            };
            return Ok(Attribute {
                ty,
                optional: true,
                default,
            });
        }
    }
    Ok(Attribute {
        ty: parse_type(expr)?,
        optional: false,
        default: None,
    })
}

/// Converts a value to a type the way Terraform does for variables. Unknowns stay unknown.
pub fn convert(value: Value, ty: &Type) -> Result<Value, String> {
    let mut left = MAX_VALUE_BYTES;
    convert_within(value, ty, &mut left)
}

/// Converts, adding at most `left` bytes: the attributes an object type adds (defaults
/// and nulls) are copied into every object of a list, so a long list of empty objects
/// could grow without bound.
fn convert_within(value: Value, ty: &Type, left: &mut usize) -> Result<Value, String> {
    // A sensitive value converts like any other and stays sensitive.
    if let Value::Sensitive(inner) = value {
        return convert_within(*inner, ty, left).map(Value::mark);
    }
    if matches!(value, Value::Unknown(_) | Value::Null) || *ty == Type::Any {
        return Ok(value);
    }
    match ty {
        Type::Any => Ok(value),
        Type::String => Ok(Value::String(to_string(&value)?.unwrap_or_default())),
        Type::Number => Ok(Value::Number(to_number(&value)?.unwrap_or_default())),
        Type::Bool => Ok(Value::Bool(to_bool(&value)?.unwrap_or_default())),
        Type::List(inner) | Type::Set(inner) => {
            let items = match value {
                Value::List(items) | Value::Set(items) => items,
                other => {
                    return Err(format!(
                        "a list is required, but a {} was given",
                        other.type_name()
                    ))
                }
            };
            let converted = items
                .into_iter()
                .map(|v| convert_within(v, inner, left))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(if matches!(ty, Type::Set(_)) {
                // An element is its own key in a set: a sensitive one marks the set, as
                // in Terraform.
                let (set, marked) = Value::List(converted).unmark_deep();
                let elements = set.as_elements().map(<[Value]>::to_vec).unwrap_or_default();
                Value::set(elements).mark_if(marked)
            } else {
                Value::List(converted)
            })
        }
        Type::Tuple(types) => {
            let items = match value {
                Value::List(items) | Value::Set(items) => items,
                other => {
                    return Err(format!(
                        "a tuple is required, but a {} was given",
                        other.type_name()
                    ))
                }
            };
            if items.len() != types.len() {
                return Err(format!(
                    "a tuple of {} elements is required, but {} were given",
                    types.len(),
                    items.len()
                ));
            }
            let converted = items
                .into_iter()
                .zip(types)
                .map(|(v, t)| convert_within(v, t, left))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Value::List(converted))
        }
        Type::Map(inner) => {
            let Value::Map(map) = value else {
                return Err(format!(
                    "a map is required, but a {} was given",
                    value.type_name()
                ));
            };
            let mut out = Map::new();
            for (k, v) in map.entries {
                let v =
                    convert_within(v, inner, left).map_err(|e| format!("element \"{k}\": {e}"))?;
                out.entries.insert(k, v);
            }
            out.more = map.more;
            Ok(Value::Map(out))
        }
        Type::Object(attrs) => {
            let Value::Map(mut map) = value else {
                return Err(format!(
                    "an object is required, but a {} was given",
                    value.type_name()
                ));
            };
            let mut out = Map::new();
            for (name, attr) in attrs {
                let given = map.entries.remove(name);
                let v = match given {
                    Some(Value::Null) | None if attr.optional => {
                        let added = attr.default.as_ref().map_or(0, value_bytes);
                        spend(
                            left,
                            added.saturating_add(entry_bytes(out.entries.len(), name)),
                        )?;
                        attr.default.clone().unwrap_or(Value::Null)
                    }
                    Some(v) => convert_within(v, &attr.ty, left)
                        .map_err(|e| format!("attribute \"{name}\": {e}"))?,
                    None => match &map.more {
                        Some(u) => {
                            spend(left, entry_bytes(out.entries.len(), name))?;
                            Value::Unknown(u.clone())
                        }
                        None => return Err(format!("attribute \"{name}\" is required")),
                    },
                };
                out.entries.insert(name.clone(), v);
            }
            Ok(Value::Map(out))
        }
    }
}

/// Takes `bytes` an object type adds from what a conversion may still add.
fn spend(left: &mut usize, bytes: usize) -> Result<(), String> {
    *left = left.checked_sub(bytes).ok_or_else(|| {
        format!(
            "evaluation budget exceeded: the attributes the type adds make the value larger than {}, the limit for one value",
            mib(MAX_VALUE_BYTES as u64)
        )
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::terraform::eval::eval_standalone;
    use crate::load::terraform::hcl::parse_expression;

    fn ty(src: &str) -> Type {
        parse_type(&parse_expression(src).unwrap()).unwrap()
    }

    #[test]
    fn optional_attributes_get_defaults_and_extras_are_dropped() {
        let t = ty("map(object({ size = optional(number, 100), type = string }))");
        let v = eval_standalone(
            "{ a = { type = \"gp3\", extra = 1 }, b = { type = \"io2\", size = \"50\" } }",
        )
        .unwrap();
        let out = convert(v, &t).unwrap();
        assert_eq!(
            out.display(),
            "{a = {size = 100, type = \"gp3\"}, b = {size = 50, type = \"io2\"}}"
        );
    }

    #[test]
    fn missing_required_attribute_is_an_error() {
        let t = ty("object({ type = string })");
        let err = convert(eval_standalone("{}").unwrap(), &t).unwrap_err();
        assert_eq!(err, "attribute \"type\" is required");
    }

    #[test]
    fn what_a_type_adds_to_many_objects_is_limited() {
        // 2000 empty objects each get a 10 kB default: 20 MB from a few bytes of input.
        let t = ty("list(object({ pad = optional(string, format(\"%9999s\", \"\")) }))");
        let v = eval_standalone("concat([for i in range(1000) : {}], [for i in range(1000) : {}])")
            .unwrap();
        assert_eq!(
            convert(v, &t).unwrap_err(),
            "evaluation budget exceeded: the attributes the type adds make the value larger than 16 MiB, the limit for one value"
        );
        let v = eval_standalone("[for i in range(1000) : {}]").unwrap();
        assert!(convert(v, &t).is_ok());
    }

    #[test]
    fn sets_are_sorted_and_numbers_become_strings() {
        let t = ty("set(string)");
        let out = convert(eval_standalone("[\"b\", 1, \"a\"]").unwrap(), &t).unwrap();
        assert_eq!(out.display(), "[\"1\", \"a\", \"b\"]");
    }
}
