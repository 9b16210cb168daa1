//! Numbers read from JSON: plan JSON and `jsondecode` both read them with serde_json, and
//! every build must read them the same way. Without `float_roundtrip` on the normal
//! dependency, the release build read `1.6989700043360185` as `1.6989700043360183`
//! while test builds (where a dev-dependency turned the feature on) read it right.

// Test code: a failed setup step should stop the test loudly.
#![allow(clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::sync::Arc;

use aicost_policy::load::source::PathNamer;
use aicost_policy::load::terraform::config::ModuleConfig;
use aicost_policy::load::terraform::eval::eval_standalone;
use aicost_policy::load::terraform::instance::ModuleSource;
use aicost_policy::load::terraform::plan::{read, PlanSide};
use aicost_policy::model::Value;

struct NoModules;

impl ModuleSource for NoModules {
    fn module(&self, _: &Path) -> Option<Arc<ModuleConfig>> {
        None
    }
}

/// Each JSON number text and the double it must become: the nearest one (ties to even),
/// with the sign of zero kept.
const NUMBERS: &[(&str, f64)] = &[
    ("0.1", 0.1),
    ("1.6989700043360185", 1.698_970_004_336_018_5),
    ("0.9527508552417675", 0.952_750_855_241_767_5),
    ("-2.5e-3", -0.0025),
    ("1E+2", 100.0),
    ("9007199254740993", 9_007_199_254_740_992.0),
    ("18446744073709551616", 18_446_744_073_709_551_616.0),
    ("-9223372036854775809", -9_223_372_036_854_775_808.0),
    ("1e308", 1e308),
    ("4.9e-324", 5e-324),
    ("1e-400", 0.0),
    ("-1e-400", -0.0),
    ("-0", -0.0),
    ("-0.0", -0.0),
];

fn bits(values: &[Value]) -> Vec<(u64, String)> {
    values
        .iter()
        .map(|v| match v {
            Value::Number(n) => (n.to_bits(), format!("{n:?}")),
            other => panic!("a number expected, got {other:?}"),
        })
        .collect()
}

fn expected() -> Vec<(u64, String)> {
    NUMBERS
        .iter()
        .map(|(_, n)| (n.to_bits(), format!("{n:?}")))
        .collect()
}

fn texts() -> String {
    NUMBERS
        .iter()
        .map(|(text, _)| *text)
        .collect::<Vec<_>>()
        .join(", ")
}

fn plan_with(numbers: &str) -> String {
    format!(
        r#"{{"format_version": "1.2", "resource_changes": [{{
  "address": "aws_instance.a", "mode": "managed", "type": "aws_instance", "name": "a",
  "provider_name": "registry.terraform.io/hashicorp/aws",
  "change": {{"actions": ["create"], "before": null,
    "after": {{"numbers": [{numbers}]}},
    "after_unknown": {{}}, "before_sensitive": false, "after_sensitive": {{}}}}
}}]}}"#
    )
}

fn read_plan(text: &str) -> Result<Vec<Value>, String> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("plan.json");
    std::fs::write(&path, text).expect("write plan");
    let namer = PathNamer::new(dir.path().canonicalize().expect("temp dir exists"));
    let plan = read(&path, &namer, 1 << 20).map_err(|e| {
        format!(
            "{}:{}:{}: {}",
            e.location.file, e.location.line, e.location.column, e.message
        )
    })?;
    let resources = plan.resources(PlanSide::After, &Arc::from("plan"), None, &NoModules);
    let [resource] = resources.as_slice() else {
        panic!("one resource expected, got {}", resources.len())
    };
    match resource.attributes.get("numbers") {
        Some(Value::List(items)) => Ok(items.clone()),
        other => panic!("a list expected, got {other:?}"),
    }
}

#[test]
fn plan_json_numbers_are_the_nearest_double() {
    let values = read_plan(&plan_with(&texts())).expect("the plan is read");
    assert_eq!(bits(&values), expected());
}

#[test]
fn jsondecode_numbers_are_the_nearest_double() {
    let source = format!("jsondecode(\"[{}]\")", texts());
    let Ok(Value::List(values)) = eval_standalone(&source) else {
        panic!("{source} gives a list")
    };
    assert_eq!(bits(&values), expected());
}

#[test]
fn numbers_beyond_a_double_are_errors_that_say_where() {
    assert_eq!(
        read_plan(&plan_with("1, 1e400")),
        Err(
            "plan.json:5:34: the plan is not valid JSON: number out of range at line 5 column 34"
                .to_string()
        )
    );
    let error = eval_standalone(r#"jsondecode("[1, -1e400]")"#).expect_err("out of range");
    assert_eq!(
        error.message,
        "invalid call to jsondecode(): invalid JSON: number out of range at line 1 column 10"
    );
}

/// The feature must be on the normal dependency: `cargo test` unifies it in from any
/// dev-dependency, so the tests above pass either way; this one does not.
#[test]
fn serde_json_rounds_correctly_in_release_builds_too() {
    let manifest: toml::Table = include_str!("../Cargo.toml")
        .parse()
        .expect("Cargo.toml parses");
    let features = manifest
        .get("dependencies")
        .and_then(|d| d.get("serde_json"))
        .and_then(|s| s.get("features"))
        .and_then(toml::Value::as_array)
        .map(|f| f.iter().filter_map(toml::Value::as_str).collect::<Vec<_>>());
    // raw_value: `pricing import` reads Azure's prices as the digits written.
    assert_eq!(features, Some(vec!["float_roundtrip", "raw_value"]));
}
