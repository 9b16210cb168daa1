//! Instance addresses exactly as Terraform writes them: `aws_instance.gpu[0]`,
//! `aws_instance.gpu["a"]`, `module.train[1].aws_instance.node[0]`.

use crate::model::{format_number, Value};

/// The key of one instance of a block with `count` or `for_each`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum InstanceKey {
    Index(i64),
    Key(String),
}

impl InstanceKey {
    /// The `[0]` or `["name"]` suffix.
    pub fn suffix(&self) -> String {
        match self {
            InstanceKey::Index(i) => format!("[{i}]"),
            InstanceKey::Key(k) => format!("[{}]", quote(k)),
        }
    }

    /// The value `count.index` or `each.key` has for this instance.
    pub fn value(&self) -> Value {
        match self {
            #[expect(clippy::cast_precision_loss, reason = "instance counts are small")]
            InstanceKey::Index(i) => Value::Number(*i as f64),
            InstanceKey::Key(k) => Value::String(k.clone()),
        }
    }
}

/// Quotes a string the way Terraform prints it inside an address.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Joins a module instance address and a local name: `module.a[0]` + `aws_instance.x`.
pub fn join(module: &str, local: &str) -> String {
    if module.is_empty() {
        local.to_string()
    } else {
        format!("{module}.{local}")
    }
}

/// Renders a number key for messages.
pub fn describe(v: &Value) -> String {
    match v {
        Value::Number(n) => format_number(*n),
        other => other.display(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_quoted_like_terraform() {
        assert_eq!(InstanceKey::Index(3).suffix(), "[3]");
        assert_eq!(InstanceKey::Key("a\"b".into()).suffix(), "[\"a\\\"b\"]");
        assert_eq!(
            join("module.a[0]", "aws_instance.x[1]"),
            "module.a[0].aws_instance.x[1]"
        );
        assert_eq!(join("", "aws_instance.x"), "aws_instance.x");
    }
}
