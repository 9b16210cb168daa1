//! Plan JSON values turned into our [`Value`]: Terraform marks what is known only after
//! apply in `after_unknown` and what is sensitive in `*_sensitive`, beside the values
//! themselves. Both become [`Value::Unknown`] with a reason, so a sensitive value (which
//! the plan writes in clear) never reaches a report.

use serde_json::Value as Json;

use crate::model::{Map, Unknown, Value};

/// Why a value at a path is unknown: given the attribute path (`scaling_config[0].desired_size`),
/// the unknown to use. The plan reader decides the words and any reference to follow.
pub trait Reasons {
    fn after_apply(&self, path: &str) -> Unknown;
    fn sensitive(&self, path: &str) -> Unknown;
}

/// The attributes of one resource object (`change.after` or `change.before`): every key of
/// the object, plus every key the unknown mask marks `true` (Terraform leaves those out of
/// the object).
pub fn attributes(object: &Json, unknown: &Json, sensitive: &Json, reasons: &dyn Reasons) -> Map {
    let mut map = Map::new();
    let empty = serde_json::Map::new();
    let values = object.as_object().unwrap_or(&empty);
    let all_sensitive = sensitive == &Json::Bool(true);
    for (key, value) in values {
        if all_sensitive {
            map.insert(key.clone(), Value::Unknown(reasons.sensitive(key)));
            continue;
        }
        let v = convert(
            value,
            unknown.get(key),
            sensitive.get(key),
            key.clone(),
            reasons,
        );
        map.insert(key.clone(), v);
    }
    if let Some(mask) = unknown.as_object() {
        for (key, m) in mask {
            if m == &Json::Bool(true) && !values.contains_key(key) {
                map.insert(key.clone(), Value::Unknown(reasons.after_apply(key)));
            }
        }
    }
    map
}

/// One value with its masks (`None` when the mask says nothing about this path).
fn convert(
    value: &Json,
    unknown: Option<&Json>,
    sensitive: Option<&Json>,
    path: String,
    reasons: &dyn Reasons,
) -> Value {
    if unknown == Some(&Json::Bool(true)) {
        return Value::Unknown(reasons.after_apply(&path));
    }
    if sensitive == Some(&Json::Bool(true)) {
        return Value::Unknown(reasons.sensitive(&path));
    }
    match value {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => n.as_f64().map_or_else(
            || Value::unknown(format!("{path} is a number out of range")),
            Value::Number,
        ),
        Json::String(s) => Value::String(s.clone()),
        Json::Array(items) => Value::List(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    convert(
                        item,
                        unknown.and_then(|m| m.get(i)),
                        sensitive.and_then(|m| m.get(i)),
                        format!("{path}[{i}]"),
                        reasons,
                    )
                })
                .collect(),
        ),
        Json::Object(entries) => {
            let mut map = Map::new();
            for (key, item) in entries {
                map.insert(
                    key.clone(),
                    convert(
                        item,
                        unknown.and_then(|m| m.get(key)),
                        sensitive.and_then(|m| m.get(key)),
                        format!("{path}.{key}"),
                        reasons,
                    ),
                );
            }
            // Keys missing from the object but unknown in the mask.
            if let Some(mask) = unknown.and_then(Json::as_object) {
                for (key, m) in mask {
                    if m == &Json::Bool(true) && !entries.contains_key(key) {
                        map.insert(
                            key.clone(),
                            Value::Unknown(reasons.after_apply(&format!("{path}.{key}"))),
                        );
                    }
                }
            }
            Value::Map(map)
        }
    }
}

/// A plain JSON value (a variable's value, a provider argument's constant) as a [`Value`].
pub fn plain(value: &Json) -> Value {
    match value {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => n
            .as_f64()
            .map_or_else(|| Value::unknown("a number out of range"), Value::Number),
        Json::String(s) => Value::String(s.clone()),
        Json::Array(items) => Value::List(items.iter().map(plain).collect()),
        Json::Object(entries) => Value::Map(Map::from_entries(
            entries.iter().map(|(k, v)| (k.clone(), plain(v))).collect(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    struct Words;

    impl Reasons for Words {
        fn after_apply(&self, path: &str) -> Unknown {
            Unknown::new(format!("x.{path} is known only after apply"))
        }
        fn sensitive(&self, path: &str) -> Unknown {
            Unknown::new(format!("x.{path} is sensitive"))
        }
    }

    #[test]
    fn unknown_keys_absent_from_the_object_are_added_as_unknown() {
        let after =
            json!({"scaling_config": [{"max_size": 4, "min_size": 0}], "tags": {"team": "ml"}});
        let unknown = json!({"id": true, "scaling_config": [{"desired_size": true}], "tags": {}});
        let map = attributes(&after, &unknown, &json!({}), &Words);
        assert_eq!(
            Value::Map(map).display(),
            "{id = (unknown: x.id is known only after apply), scaling_config = [{desired_size = \
             (unknown: x.scaling_config[0].desired_size is known only after apply), max_size = 4, \
             min_size = 0}], tags = {team = \"ml\"}}"
        );
    }

    #[test]
    fn unknown_list_elements_and_sensitive_values_are_unknown() {
        let after = json!({"tags": ["gpu", null], "user_data": "--token secret"});
        let unknown = json!({"tags": [false, true]});
        let sensitive = json!({"user_data": true});
        let map = attributes(&after, &unknown, &sensitive, &Words);
        let shown = Value::Map(map).display();
        assert_eq!(
            shown,
            "{tags = [\"gpu\", (unknown: x.tags[1] is known only after apply)], user_data = \
             (unknown: x.user_data is sensitive)}"
        );
        assert!(!shown.contains("secret"));
    }

    #[test]
    fn a_sensitive_element_inside_a_block_is_hidden() {
        let before = json!({"block": [{"password": "hunter2", "size": 3}]});
        let sensitive = json!({"block": [{"password": true}]});
        let map = attributes(&before, &json!({}), &sensitive, &Words);
        assert_eq!(
            Value::Map(map).display(),
            "{block = [{password = (unknown: x.block[0].password is sensitive), size = 3}]}"
        );
    }
}
