//! Reading YAML nodes as facts and values: whole numbers, strings and flags with their
//! origin when they are placeholders (`${GPU_COUNT}`, `{{ .Values.x }}`) or malformed, and
//! whole documents converted to a [`Map`] so policies can read any field.

use std::collections::BTreeMap;

use super::super::yaml::{Node, NodeValue};
use crate::model::{Fact, Location, Map, Unknown, Value};

/// Argument locations recorded per document at most; beyond that findings point at the
/// document (a guard against huge documents, not a limit real manifests reach).
const MAX_ARGUMENT_LOCATIONS: usize = 4096;

/// Whether a scalar is a template placeholder rather than a value: Helm's `{{ }}`,
/// `${NAME}`, Kubernetes' `$(NAME)`, or a whole scalar that is envsubst's bare `$NAME`
/// (manifests meant for `envsubst < job.yaml | kubectl apply -f -`).
pub fn is_placeholder(text: &str) -> bool {
    text.contains("${")
        || text.contains("$(")
        || text.contains("{{")
        || is_bare_variable(text.trim())
}

/// `$NAME` with a shell variable name (a letter or `_`, then letters, digits, `_`).
fn is_bare_variable(text: &str) -> bool {
    let Some(name) = text.strip_prefix('$') else {
        return false;
    };
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Why a placeholder is unknown: `spec.replicas is a placeholder: ${REPLICAS}`.
pub fn placeholder(path: &str, text: &str) -> Unknown {
    Unknown::new(format!("{path} is a placeholder: {}", text.trim()))
}

/// The node, or `None` when it is absent or null.
pub fn present(node: Option<&Node>) -> Option<&Node> {
    node.filter(|n| !matches!(n.value, NodeValue::Null))
}

/// A whole number at `path` (`None` when absent or null).
pub fn int(node: Option<&Node>, path: &str) -> Option<Fact<i64>> {
    let node = present(node)?;
    Some(match node.as_str() {
        Some(t) if is_placeholder(t) => Fact::Unknown(placeholder(path, t)),
        Some(t) => match t.trim().parse::<i64>() {
            Ok(n) => Fact::Known(n),
            Err(_) => Fact::Unknown(Unknown::new(format!(
                "{path} is not a whole number: {}",
                t.trim()
            ))),
        },
        None => Fact::Unknown(Unknown::new(format!("{path} is not a whole number"))),
    })
}

/// A string at `path` (`None` when absent or null).
pub fn string(node: Option<&Node>, path: &str) -> Option<Fact<String>> {
    let node = present(node)?;
    Some(match node.as_str() {
        Some(t) if is_placeholder(t) => Fact::Unknown(placeholder(path, t)),
        Some(t) => Fact::Known(t.to_string()),
        None => Fact::Unknown(Unknown::new(format!("{path} is not a string"))),
    })
}

/// A flag at `path`; YAML 1.1 spellings (`yes`, `on`) are accepted, as Kubernetes and
/// Python read them.
pub fn flag(node: Option<&Node>, path: &str) -> Option<Fact<bool>> {
    let node = present(node)?;
    Some(match node.as_str() {
        Some(t) if is_placeholder(t) => Fact::Unknown(placeholder(path, t)),
        Some(t) => match t.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" | "y" => Fact::Known(true),
            "false" | "no" | "off" | "n" => Fact::Known(false),
            other => Fact::Unknown(Unknown::new(format!(
                "{path} is not true or false: {other}"
            ))),
        },
        None => Fact::Unknown(Unknown::new(format!("{path} is not true or false"))),
    })
}

/// The text of a scalar, when it is a known value (not a placeholder).
pub fn text(node: Option<&Node>) -> Option<&str> {
    present(node)?.as_str().filter(|t| !is_placeholder(t))
}

/// `a.b` joined with `c`; an empty prefix yields `c`.
pub fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

/// How scalars of a format are read into values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Kubernetes,
    /// LiteLLM: `os.environ/NAME` is read from the environment at run time, and secrets
    /// written inline are not copied.
    LiteLlm,
}

/// A node as a value: plain scalars become numbers, bools and nulls where YAML's core
/// schema says so; placeholders become unknowns with their path.
pub fn to_value(node: &Node, path: &str, style: Style) -> Value {
    match &node.value {
        NodeValue::Null => Value::Null,
        NodeValue::Scalar { text, plain } => scalar_value(text, *plain, path, style),
        NodeValue::Seq(items) => Value::List(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| to_value(item, &format!("{path}[{i}]"), style))
                .collect(),
        ),
        NodeValue::Map(entries) => {
            let mut map = Map::new();
            for (key, value) in entries {
                let child = join(path, key);
                let v = if style == Style::LiteLlm && is_secret_key(key) {
                    match value.as_str() {
                        Some(t) if t.starts_with("os.environ/") => to_value(value, &child, style),
                        Some(_) => Value::string("(redacted)"),
                        None => to_value(value, &child, style),
                    }
                } else {
                    to_value(value, &child, style)
                };
                map.insert(key.clone(), v);
            }
            Value::Map(map)
        }
    }
}

/// The node as a map value (empty when it is not a map).
pub fn to_map(node: &Node, path: &str, style: Style) -> Map {
    match to_value(node, path, style) {
        Value::Map(m) => m,
        _ => Map::new(),
    }
}

fn scalar_value(text: &str, plain: bool, path: &str, style: Style) -> Value {
    if is_placeholder(text) {
        return Value::Unknown(placeholder(path, text));
    }
    if style == Style::LiteLlm {
        if let Some(var) = text.strip_prefix("os.environ/") {
            return Value::Unknown(Unknown::new(format!(
                "{path} is read from the environment variable {var}"
            )));
        }
    }
    if !plain {
        return Value::string(text);
    }
    match text {
        "null" | "Null" | "NULL" | "~" | "" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    if looks_numeric(text) {
        if let Ok(n) = text.parse::<f64>() {
            if n.is_finite() {
                return Value::Number(n);
            }
        }
    }
    Value::string(text)
}

/// Digits with an optional sign, point and exponent: what YAML's core schema reads as a
/// number (Rust would also accept `inf` and `NaN`).
fn looks_numeric(text: &str) -> bool {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    body.bytes()
        .next()
        .is_some_and(|b| b.is_ascii_digit() || b == b'.')
        && body.bytes().any(|b| b.is_ascii_digit())
        && body
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
}

/// Keys whose literal values are credentials.
fn is_secret_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    [
        "api_key",
        "access_key",
        "secret_key",
        "secret",
        "password",
        "master_key",
        "credentials",
        "token",
    ]
    .iter()
    .any(|s| k.ends_with(s))
}

/// Where every map entry under `node` is written, keyed by its path (`spec.replicas`,
/// `spec.template.spec.containers[0].resources`), pointing at the key's line.
pub fn argument_locations(
    node: &Node,
    prefix: &str,
    locate: &dyn Fn(&str, &Node) -> Location,
) -> BTreeMap<String, Location> {
    let mut out = BTreeMap::new();
    walk(node, prefix, locate, &mut out);
    out
}

fn walk(
    node: &Node,
    path: &str,
    locate: &dyn Fn(&str, &Node) -> Location,
    out: &mut BTreeMap<String, Location>,
) {
    match &node.value {
        NodeValue::Map(entries) => {
            for (key, value) in entries {
                if out.len() >= MAX_ARGUMENT_LOCATIONS {
                    return;
                }
                let child = join(path, key);
                out.insert(child.clone(), locate(key, value));
                walk(value, &child, locate, out);
            }
        }
        NodeValue::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(item, &format!("{path}[{i}]"), locate, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scalar(text: &str, plain: bool) -> Node {
        Node {
            value: NodeValue::Scalar {
                text: text.to_string(),
                plain,
            },
            span: (0, 0),
        }
    }

    #[test]
    fn placeholders_are_helm_envsubst_braced_and_bare() {
        for t in [
            "{{ .Values.gpus }}",
            "${GPU_PER_NODE}",
            "$GPU_PER_NODE",
            " $_n2 ",
        ] {
            assert!(is_placeholder(t), "{t}");
        }
        for t in ["8", "$", "$8", "$GPU PER NODE", "cost: $5", "500m"] {
            assert!(!is_placeholder(t), "{t}");
        }
    }

    #[test]
    fn scalars_read_as_yaml_core_schema() {
        let v = |t, p| scalar_value(t, p, "x", Style::Kubernetes);
        assert_eq!(v("3", true), Value::Number(3.0));
        assert_eq!(v("3", false), Value::string("3"));
        assert_eq!(v("1.5e3", true), Value::Number(1500.0));
        assert_eq!(v("inf", true), Value::string("inf"));
        assert_eq!(v("1.2.3", true), Value::string("1.2.3"));
        assert_eq!(v("true", true), Value::Bool(true));
        assert_eq!(v("~", true), Value::Null);
        assert_eq!(v("16Gi", true), Value::string("16Gi"));
        assert_eq!(v("${X}", true), Value::unknown("x is a placeholder: ${X}"));
    }

    #[test]
    fn facts_carry_their_origin() {
        assert_eq!(
            int(Some(&scalar("4", true)), "spec.replicas"),
            Some(Fact::Known(4))
        );
        assert_eq!(
            int(Some(&scalar("${REPLICAS}", true)), "spec.replicas"),
            Some(Fact::Unknown(Unknown::new(
                "spec.replicas is a placeholder: ${REPLICAS}"
            )))
        );
        assert_eq!(
            int(Some(&scalar("two", true)), "spec.replicas"),
            Some(Fact::Unknown(Unknown::new(
                "spec.replicas is not a whole number: two"
            )))
        );
        assert_eq!(
            flag(Some(&scalar("yes", true)), "x"),
            Some(Fact::Known(true))
        );
        assert_eq!(int(None, "x"), None);
    }

    #[test]
    fn litellm_secrets_and_environment_values() {
        let v = scalar_value("os.environ/AZURE_KEY", true, "api_key", Style::LiteLlm);
        assert_eq!(
            v,
            Value::unknown("api_key is read from the environment variable AZURE_KEY")
        );
        assert!(is_secret_key("api_key"));
        assert!(is_secret_key("aws_secret_access_key"));
        assert!(is_secret_key("hf_token"));
        assert!(!is_secret_key("max_tokens"));
    }
}
