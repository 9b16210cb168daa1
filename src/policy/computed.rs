//! Computed facts for common policy needs (see docs/policies.md): the values of a
//! resource's tags (`tag_values`), the configured tag-value patterns its tags match
//! (`tag_value_matches`; Cedar has no regex, so matching happens here), and the
//! flattening of arguments into the `Attributes` (text) and `Numbers` (whole numbers)
//! entities. Does not evaluate anything.

use cedar_policy::RestrictedExpression;
use regex::{Regex, RegexBuilder};

use super::entities::Builder;
use crate::model::{Fact, Map, Resource, Value};

/// Most memory one compiled tag-value pattern may use, in bytes. The configuration can
/// come from the pull request being checked, so a pattern must not be able to make the
/// run slow or large; real tag patterns compile to a few kilobytes.
pub const PATTERN_SIZE_LIMIT: usize = 64 * 1024;

/// A configured tag-value pattern (`[tags.patterns]`), compiled once per run.
#[derive(Clone, Debug)]
pub struct TagPattern {
    /// The name policies test with `tag_value_matches.contains(...)`.
    pub name: String,
    /// The tag key whose value is matched.
    pub key: String,
    regex: Regex,
}

impl TagPattern {
    /// Compiles `pattern` (Rust `regex` syntax, linear-time, at most
    /// [`PATTERN_SIZE_LIMIT`] bytes compiled).
    pub fn new(name: &str, key: &str, pattern: &str) -> Result<TagPattern, regex::Error> {
        let regex = RegexBuilder::new(pattern)
            .size_limit(PATTERN_SIZE_LIMIT)
            .dfa_size_limit(PATTERN_SIZE_LIMIT)
            .build()?;
        Ok(TagPattern {
            name: name.to_string(),
            key: key.to_string(),
            regex,
        })
    }

    /// The pattern as written.
    pub fn pattern(&self) -> &str {
        self.regex.as_str()
    }

    pub fn matches(&self, value: &str) -> bool {
        self.regex.is_match(value)
    }
}

impl PartialEq for TagPattern {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.key == other.key && self.pattern() == other.pattern()
    }
}

impl Eq for TagPattern {}

/// A set-valued computed fact: known, or unknown under a name whose origin the
/// resource's entities already record (`tag:<key>`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Computed {
    Known(Vec<String>),
    Unknown(String),
}

impl Computed {
    pub(super) fn expr(&self) -> RestrictedExpression {
        match self {
            Computed::Known(v) => RestrictedExpression::new_set(
                v.iter()
                    .map(|s| RestrictedExpression::new_string(s.clone())),
            ),
            Computed::Unknown(name) => RestrictedExpression::new_unknown(name),
        }
    }
}

/// The values of the known tags; unknown (named after the first tag whose value is
/// unknown) when any value is, since a policy must not pass or fail on a guess.
pub(super) fn tag_values(r: &Resource) -> Computed {
    let mut values = Vec::new();
    for (key, value) in &r.tags.entries {
        match value {
            Fact::Known(v) => values.push(v.clone()),
            Fact::Unknown(_) => return Computed::Unknown(format!("tag:{key}")),
        }
    }
    values.sort();
    values.dedup();
    Computed::Known(values)
}

/// The names of the patterns whose key the resource carries with a matching value;
/// unknown when a pattern's key has an unknown value.
pub(super) fn tag_value_matches(r: &Resource, patterns: &[TagPattern]) -> Computed {
    let mut names = Vec::new();
    for p in patterns {
        match r.tags.entries.get(&p.key) {
            Some(Fact::Known(v)) if p.matches(v) => names.push(p.name.clone()),
            None | Some(Fact::Known(_)) => {}
            Some(Fact::Unknown(_)) => return Computed::Unknown(format!("tag:{}", p.key)),
        }
    }
    names.sort();
    names.dedup();
    Computed::Known(names)
}

/// Arguments flattened to dotted paths: every known scalar as text, and whole numbers
/// also as Longs.
#[derive(Default)]
pub(super) struct Flattened {
    pub arguments: Vec<(String, RestrictedExpression)>,
    pub numbers: Vec<(String, RestrictedExpression)>,
}

/// Whole numbers up to 2^53 in magnitude: arguments are read as f64, and beyond that a
/// whole f64 may not be the number written.
fn whole(n: f64) -> Option<i64> {
    const EXACT: f64 = 9_007_199_254_740_992.0;
    // The range check makes the cast exact.
    #[allow(clippy::cast_possible_truncation)]
    (n.fract() == 0.0 && n.abs() <= EXACT).then_some(n as i64)
}

/// Flattens arguments to dotted paths: map keys and list indexes joined with `.`, nulls
/// left out, unknowns named `argument:<path>` in both entities (an unknown might be a
/// number, so a numeric check on it is unknown rather than skipped).
pub(super) fn flatten(map: &Map, prefix: &str, out: &mut Flattened, b: &mut Builder) {
    for (key, value) in &map.entries {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        flatten_value(value, path, out, b);
    }
}

fn flatten_value(value: &Value, path: String, out: &mut Flattened, b: &mut Builder) {
    match value {
        Value::Null => {}
        Value::Sensitive(inner) => flatten_value(inner, path, out, b),
        Value::Map(m) => flatten(m, &path, out, b),
        Value::List(items) | Value::Set(items) => {
            for (i, item) in items.iter().enumerate() {
                flatten_value(item, format!("{path}.{i}"), out, b);
            }
        }
        Value::Unknown(u) => {
            let expr = b.unknown(format!("argument:{path}"), u);
            out.numbers.push((path.clone(), expr.clone()));
            out.arguments.push((path, expr));
        }
        Value::Number(n) => {
            if let Some(n) = whole(*n) {
                out.numbers
                    .push((path.clone(), RestrictedExpression::new_long(n)));
            }
            out.arguments
                .push((path, RestrictedExpression::new_string(value.display())));
        }
        Value::Bool(_) | Value::String(_) => {
            out.arguments
                .push((path, RestrictedExpression::new_string(value.display())));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_flatten_to_dotted_paths() {
        let mut b = Builder::default();
        let mut disk = Map::new();
        disk.insert("volume_size", Value::Number(100.0));
        disk.insert("iops", Value::Number(2.5));
        disk.insert("encrypted", Value::Null);
        let mut root = Map::new();
        root.insert(
            "root_block_device",
            Value::List(vec![Value::map(disk.entries)]),
        );
        root.insert("ami", Value::unknown("var.ami has no default"));
        let mut out = Flattened::default();
        flatten(&root, "", &mut out, &mut b);
        let paths = |v: &[(String, RestrictedExpression)]| -> Vec<String> {
            v.iter().map(|(p, _)| p.clone()).collect()
        };
        assert_eq!(
            paths(&out.arguments),
            vec![
                "ami",
                "root_block_device.0.iops",
                "root_block_device.0.volume_size"
            ]
        );
        assert_eq!(
            paths(&out.numbers),
            vec!["ami", "root_block_device.0.volume_size"]
        );
        assert_eq!(
            b.origins.get("argument:ami").map(String::as_str),
            Some("var.ami has no default")
        );
    }

    #[test]
    fn only_exact_whole_numbers_are_longs() {
        assert_eq!(whole(100.0), Some(100));
        assert_eq!(whole(-3.0), Some(-3));
        assert_eq!(whole(0.5), None);
        assert_eq!(whole(9_007_199_254_740_992.0), Some(9_007_199_254_740_992));
        assert_eq!(whole(1e19), None);
        assert_eq!(whole(f64::NAN), None);
        assert_eq!(whole(f64::INFINITY), None);
    }

    #[test]
    fn oversized_patterns_are_refused() {
        assert!(TagPattern::new("p", "k", "^CC-[0-9]{4}$").is_ok());
        let err = TagPattern::new("p", "k", "(?:[a-z]{1000}){1000}").unwrap_err();
        assert!(
            matches!(err, regex::Error::CompiledTooBig(PATTERN_SIZE_LIMIT)),
            "{err}"
        );
    }
}
