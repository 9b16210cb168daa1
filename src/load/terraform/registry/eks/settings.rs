//! Where one node group's settings come from. The EKS module reads every setting of a
//! group as `try(group.x, defaults.x, <module default>)`; [`Settings`] answers the first
//! two steps and says where the value is written, the caller supplies the third.

use crate::load::terraform::registry::Call;
use crate::model::{Location, Map, Unknown, Value};

/// A setting's value and where the caller wrote it (the innermost literal entry, else the
/// input that holds it).
#[derive(Clone, Debug)]
pub(super) struct Setting {
    pub value: Value,
    pub at: Location,
}

/// One place settings are read from, in the module's order.
enum Layer<'a> {
    /// One entry of a map input (`eks_managed_node_groups["gpu"]`).
    Entry {
        input: &'a str,
        key: String,
        value: Value,
    },
    /// The `*_node_group_defaults` input (v20 and earlier).
    Defaults { input: &'a str, value: Value },
    /// The call's own inputs: a standalone node-group submodule.
    Inputs,
    /// The set of groups itself is unknown: so is every setting, written at the input.
    Unknown(Unknown, Location),
}

/// The settings of one node group.
pub(super) struct Settings<'a> {
    call: &'a Call<'a>,
    layers: Vec<Layer<'a>>,
}

impl<'a> Settings<'a> {
    /// A group written as `key = { ... }` in `input`, over the `defaults` input.
    pub fn entry(call: &'a Call<'a>, input: &'a str, key: &str, value: Value) -> Settings<'a> {
        let mut layers = vec![Layer::Entry {
            input,
            key: key.to_string(),
            value,
        }];
        let defaults = match input {
            "eks_managed_node_groups" => "eks_managed_node_group_defaults",
            _ => "self_managed_node_group_defaults",
        };
        if let Some(value) = call.input(defaults) {
            layers.push(Layer::Defaults {
                input: defaults,
                value: value.clone(),
            });
        }
        Settings { call, layers }
    }

    /// A standalone submodule: the group's settings are the call's inputs.
    pub fn inputs(call: &'a Call<'a>) -> Settings<'a> {
        Settings {
            call,
            layers: vec![Layer::Inputs],
        }
    }

    /// Every setting of a group from a set that is unknown, written at `at`.
    pub fn unknown(call: &'a Call<'a>, why: Unknown, at: Location) -> Settings<'a> {
        Settings {
            call,
            layers: vec![Layer::Unknown(why, at)],
        }
    }

    /// The first layer that sets `name` (null counts as not set); `None` when no layer
    /// does, so the module's own default applies.
    pub fn get(&self, name: &str) -> Option<Setting> {
        for layer in &self.layers {
            let found = match layer {
                Layer::Entry { input, key, value } => {
                    from_object(value, name, || self.call.location(input, &[key, name]))
                }
                Layer::Defaults { input, value } => {
                    from_object(value, name, || self.call.location(input, &[name]))
                }
                Layer::Inputs => self.call.input(name).map(|v| Setting {
                    value: v.clone(),
                    at: self.call.location(name, &[]),
                }),
                Layer::Unknown(u, at) => Some(Setting {
                    value: Value::Unknown(u.clone()),
                    at: at.clone(),
                }),
            };
            if found.is_some() {
                return found;
            }
        }
        None
    }

    /// A setting's value, or `default` when nothing sets it.
    pub fn value_or(&self, name: &str, default: Value) -> Value {
        self.get(name).map_or(default, |s| s.value)
    }

    /// A bool setting: `Ok(b)` when known (the default when not set), `Err` when unknown
    /// or not a bool (then nothing can be said either way).
    pub fn flag(&self, name: &str, default: bool) -> Result<bool, Unknown> {
        match self.get(name).map(|s| s.value) {
            None => Ok(default),
            Some(Value::Bool(b)) => Ok(b),
            Some(Value::String(s)) if s == "true" || s == "false" => Ok(s == "true"),
            Some(Value::Unknown(u)) => Err(u),
            Some(other) => Err(Unknown::new(format!(
                "{name} is a {}, not a bool",
                other.type_name()
            ))),
        }
    }
}

/// `value.name` when `value` is an object that sets it; unknown when the object is, or
/// may hold more keys.
fn from_object(value: &Value, name: &str, at: impl Fn() -> Location) -> Option<Setting> {
    match value {
        Value::Map(m) => match m.get(name) {
            Some(v) if !v.is_null() => Some(Setting {
                value: v.clone(),
                at: at(),
            }),
            _ => m.more.as_ref().map(|u| Setting {
                value: Value::Unknown(u.clone()),
                at: at(),
            }),
        },
        Value::Unknown(u) => Some(Setting {
            value: Value::Unknown(u.clone()),
            at: at(),
        }),
        // `try(each.value.x, ...)` on anything else fails over to the next layer.
        _ => None,
    }
}

/// A map value from string pairs.
pub(super) fn string_map(pairs: &[(&str, Value)]) -> Value {
    let mut m = Map::new();
    for (k, v) in pairs {
        m.insert(*k, v.clone());
    }
    Value::Map(m)
}
