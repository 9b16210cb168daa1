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

const GOLDEN: &str = include_str!("../testdata/terraform/functions/golden.jsonl");

/// A JSON value that keeps numbers as written: `serde_json` rounds some decimals to
/// the wrong double without its `float_roundtrip` feature.
#[derive(Debug, PartialEq)]
enum Json {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    fn show(&self) -> String {
        match self {
            Json::Null => "null".to_string(),
            Json::Bool(b) => b.to_string(),
            Json::Number(n) => n.clone(),
            Json::String(s) => format!("{s:?}"),
            Json::Array(items) => format!(
                "[{}]",
                items.iter().map(Json::show).collect::<Vec<_>>().join(",")
            ),
            Json::Object(entries) => format!(
                "{{{}}}",
                entries
                    .iter()
                    .map(|(k, v)| format!("{k:?}:{}", v.show()))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        }
    }
}

/// Parses one JSON value from the start of `s`, returning it and the rest of `s`.
fn parse(s: &str) -> (Json, &str) {
    let s = s.trim_start();
    let first = s.chars().next().expect("a JSON value");
    match first {
        'n' => (Json::Null, &s[4..]),
        't' => (Json::Bool(true), &s[4..]),
        'f' => (Json::Bool(false), &s[5..]),
        '"' => {
            let mut end = 1;
            let bytes = s.as_bytes();
            while bytes[end] != b'"' {
                end += if bytes[end] == b'\\' { 2 } else { 1 };
            }
            let text: String = serde_json::from_str(&s[..=end]).expect("a JSON string");
            (Json::String(text), &s[end + 1..])
        }
        '[' => {
            let mut items = Vec::new();
            let mut rest = s[1..].trim_start();
            if let Some(r) = rest.strip_prefix(']') {
                return (Json::Array(items), r);
            }
            loop {
                let (item, r) = parse(rest);
                items.push(item);
                let r = r.trim_start();
                match r.strip_prefix(',') {
                    Some(r) => rest = r,
                    None => return (Json::Array(items), r.strip_prefix(']').expect("]")),
                }
            }
        }
        '{' => {
            let mut entries = Vec::new();
            let mut rest = s[1..].trim_start();
            if let Some(r) = rest.strip_prefix('}') {
                return (Json::Object(entries), r);
            }
            loop {
                let (Json::String(key), r) = parse(rest) else {
                    panic!("object keys are strings")
                };
                let (value, r) = parse(r.trim_start().strip_prefix(':').expect(":"));
                entries.push((key, value));
                let r = r.trim_start();
                match r.strip_prefix(',') {
                    Some(r) => rest = r,
                    None => return (Json::Object(entries), r.strip_prefix('}').expect("}")),
                }
            }
        }
        _ => {
            let end = s
                .find(|c: char| !(c.is_ascii_digit() || "+-.eE".contains(c)))
                .unwrap_or(s.len());
            (Json::Number(s[..end].to_string()), &s[end..])
        }
    }
}

/// Our value as Terraform's `jsonencode` would see it; `Err` where jsonencode fails.
fn to_json(v: &Value) -> Result<Json, String> {
    Ok(match v {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Number(n) if n.is_finite() => Json::Number(format!("{n:?}")),
        Value::Number(n) => return Err(format!("{n} is not a finite number")),
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

/// Numbers compare as f64; Terraform's whole numbers must also be exactly what an f64
/// can hold, so a golden 9007199254740993 is not matched by 9007199254740992.
fn same_number(ours: &str, golden: &str) -> bool {
    let (Ok(a), Ok(b)) = (ours.parse::<f64>(), golden.parse::<f64>()) else {
        return false;
    };
    if a != b {
        return false;
    }
    let whole = !golden.contains(['.', 'e', 'E']);
    !whole || b == 0.0 || shortest_integer(b) == golden.trim_start_matches('+')
}

fn same(ours: &Json, golden: &Json) -> bool {
    match (ours, golden) {
        (Json::Number(x), Json::Number(y)) => same_number(x, y),
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(l, r)| same(l, r))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((lk, lv), (rk, rv))| lk == rk && same(lv, rv))
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
    let (Json::Object(entries), _) = parse(line) else {
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
                Ok(Ok(got)) => Some(format!("want {}, got {}", want.show(), got.show())),
                Ok(Err(e)) => Some(format!(
                    "want {}, got a value jsonencode rejects: {e}",
                    want.show()
                )),
                Err(e) => Some(format!("want {}, got error: {}", want.show(), e.message)),
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
fn the_json_reader_keeps_number_text() {
    let (v, rest) = parse(r#"{"a": [1.6989700043360185, "x\"y", null, true]} "#);
    assert_eq!(rest.trim(), "");
    assert_eq!(
        v,
        Json::Object(vec![(
            "a".to_string(),
            Json::Array(vec![
                Json::Number("1.6989700043360185".to_string()),
                Json::String("x\"y".to_string()),
                Json::Null,
                Json::Bool(true),
            ])
        )])
    );
    assert!(same_number(
        "12157665459056929000.0",
        "12157665459056929000"
    ));
    assert!(!same_number("9007199254740992.0", "9007199254740993"));
}
