//! Golden tests for Terraform's built-in functions: every expression in
//! `testdata/terraform/functions/golden.jsonl` was evaluated by real Terraform
//! (`scripts/golden/functions.py`); our evaluator must give the same JSON value, or an
//! error where Terraform gave one. All mismatches are reported together.

// Test code: a malformed golden file should stop the test loudly.
#![allow(
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::unwrap_used
)]

use aicost_policy::load::terraform::eval::eval_standalone;
use aicost_policy::model::Value;
use serde_json::{Number, Value as Json};

const GOLDEN: &str = include_str!("../testdata/terraform/functions/golden.jsonl");

/// Our value as Terraform's `jsonencode` would see it; `Err` where jsonencode fails.
fn to_json(v: &Value) -> Result<Json, String> {
    Ok(match v {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Number(n) => match Number::from_f64(*n) {
            Some(n) => Json::Number(n),
            None => return Err(format!("{n} is not a finite number")),
        },
        Value::String(s) => Json::String(s.clone()),
        Value::List(items) | Value::Set(items) => {
            Json::Array(items.iter().map(to_json).collect::<Result<_, _>>()?)
        }
        Value::Map(m) => {
            if m.more.is_some() {
                return Err("the map may hold unknown keys".to_string());
            }
            Json::Object(
                m.entries
                    .iter()
                    .map(|(k, item)| Ok((k.clone(), to_json(item)?)))
                    .collect::<Result<_, String>>()?,
            )
        }
        Value::Unknown(u) => return Err(format!("unknown value: {u}")),
        Value::Sensitive(inner) => to_json(inner)?,
    })
}

/// The decimal digits of a whole `f64` as Terraform prints a float: the shortest digits
/// that read back to it, padded with zeros (`3^40` prints as 12157665459056929000).
fn shortest_integer(n: f64) -> String {
    let sci = format!("{:e}", n.abs());
    let (mantissa, exp) = sci.split_once('e').expect("exponent");
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let width = exp.parse::<usize>().expect("a whole number") + 1;
    let sign = if n < 0.0 { "-" } else { "" };
    format!("{sign}{digits:0<width$}")
}

/// Numbers compare as f64; a whole golden number that serde_json reads exactly (within
/// 64 bits) must also be what Terraform prints for our double, so a golden
/// 9007199254740993 is not matched by 9007199254740992.
fn same_number(ours: &Number, golden: &Number) -> bool {
    let (Some(a), Some(b)) = (ours.as_f64(), golden.as_f64()) else {
        return false;
    };
    if a != b {
        return false;
    }
    let whole = golden.is_u64() || golden.is_i64();
    !whole || b == 0.0 || shortest_integer(b) == golden.to_string()
}

fn same(ours: &Json, golden: &Json) -> bool {
    match (ours, golden) {
        (Json::Number(x), Json::Number(y)) => same_number(x, y),
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(l, r)| same(l, r))
        }
        // Terraform's objects and maps have no order of their own.
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len()
                && y.iter()
                    .all(|(k, want)| x.get(k).is_some_and(|got| same(got, want)))
        }
        _ => ours == golden,
    }
}

/// What Terraform recorded for one expression.
enum Expected {
    Value(Json),
    Error,
    Unknown,
}

fn read_case(line: &str) -> (String, Expected) {
    let Ok(Json::Object(entries)) = serde_json::from_str::<Json>(line) else {
        panic!("each line is an object: {line}")
    };
    let mut expr = None;
    let mut expected = None;
    for (k, v) in entries {
        match (k.as_str(), v) {
            ("expr", Json::String(s)) => expr = Some(s),
            ("json", v) => expected = Some(Expected::Value(v)),
            ("error", _) => expected = Some(Expected::Error),
            ("unknown", _) => expected = Some(Expected::Unknown),
            (other, _) => panic!("unexpected field {other} in {line}"),
        }
    }
    (
        expr.expect("an expr field"),
        expected.expect("a json, error or unknown field"),
    )
}

#[test]
fn functions_match_terraform() {
    let mut mismatches = Vec::new();
    let mut cases = 0;
    for line in GOLDEN.lines().filter(|l| !l.trim().is_empty()) {
        let (expr, expected) = read_case(line);
        cases += 1;
        let ours = eval_standalone(&expr);
        let problem = match expected {
            Expected::Error => match &ours {
                Err(_) => None,
                Ok(v) => Some(format!("Terraform errors, we gave {}", v.display())),
            },
            Expected::Unknown => match &ours {
                Ok(Value::Unknown(_)) => None,
                other => Some(format!(
                    "Terraform gives an unknown value, we gave {other:?}"
                )),
            },
            Expected::Value(want) => match ours.as_ref().map(to_json) {
                Ok(Ok(got)) if same(&got, &want) => None,
                Ok(Ok(got)) => Some(format!("want {}, got {}", want, got)),
                Ok(Err(e)) => Some(format!(
                    "want {}, got a value jsonencode rejects: {e}",
                    want
                )),
                Err(e) => Some(format!("want {want}, got error: {}", e.message)),
            },
        };
        if let Some(p) = problem {
            mismatches.push(format!("{expr}\n    {p}"));
        }
    }
    assert!(cases > 0, "golden.jsonl has no cases");
    assert!(
        mismatches.is_empty(),
        "{} of {cases} golden cases differ from Terraform:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

#[test]
fn golden_numbers_compare_exactly() {
    let number = |text: &str| serde_json::from_str::<Number>(text).expect("a JSON number");
    let ours = |n: f64| Number::from_f64(n).expect("finite");
    // Read as the nearest double (serde_json's float_roundtrip).
    assert_eq!(
        number("1.6989700043360185").as_f64(),
        Some(1.698_970_004_336_018_5)
    );
    // pow(3, 40): Terraform prints the double's shortest digits padded with zeros.
    assert!(same_number(
        &ours(12_157_665_459_056_929_000.0),
        &number("12157665459056929000")
    ));
    assert!(!same_number(
        &ours(9_007_199_254_740_992.0),
        &number("9007199254740993")
    ));
    assert!(same_number(&ours(-0.0), &number("-0")));
    assert!(!same_number(&ours(1.5), &number("1.25")));
}
