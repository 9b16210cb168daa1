//! Terraform itself is the oracle for the evaluator: every fixture under
//! `testdata/terraform/oracle/<case>/` is a root configuration of `terraform_data`
//! resources, and its `expected.json` is what `terraform plan` gave for each resource's
//! `input` with the command line in `case.json` (see `scripts/golden/terraform_plans.py`).
//! Our loader must give the same instances, the same values, and unknown values exactly
//! where Terraform's are unknown. All differences are reported together.

// Test code: a malformed fixture should stop the test loudly.
#![allow(
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::unwrap_used
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use aicost_policy::discover::discover;
use aicost_policy::load::source::PathNamer;
use aicost_policy::load::terraform::{load, TerraformOptions, VarArg};
use aicost_policy::model::{Inventory, Value};
use serde_json::{json, Value as Json};

fn oracle_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/terraform/oracle")
}

fn cases() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(oracle_dir())
        .expect("the oracle directory")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.join("case.json").is_file())
        .collect();
    dirs.sort();
    dirs
}

/// The command line of a case, as our loader takes it.
fn options(case_dir: &Path, case: &Json) -> TerraformOptions {
    let mut vars = Vec::new();
    for arg in case["args"].as_array().into_iter().flatten() {
        let kind = arg[0].as_str().expect("an argument kind");
        let value = arg[1].as_str().expect("an argument value");
        match kind {
            "-var-file" => vars.push(VarArg::File(case_dir.join(value))),
            "-var" => {
                let (name, value) = value.split_once('=').expect("-var name=value");
                vars.push(VarArg::Assign {
                    name: name.to_string(),
                    value: value.to_string(),
                });
            }
            other => panic!("unexpected argument kind {other}"),
        }
    }
    let env = case["env"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.as_str().expect("a string").to_string()))
        .collect();
    TerraformOptions {
        vars,
        env,
        max_file_size: 10 << 20,
        extra_regions: Vec::new(),
    }
}

fn load_case(case_dir: &Path, options: &TerraformOptions) -> Inventory {
    let root = case_dir.canonicalize().expect("the case directory");
    let namer = PathNamer::new(root.clone());
    let found = discover(&[root], &namer, &globset::GlobSet::empty());
    assert!(found.errors.is_empty(), "{:?}", found.errors);
    let mut inventory = Inventory::default();
    load(&found.terraform_modules, &namer, options, &mut inventory);
    inventory.sort();
    inventory
}

/// Whether Terraform would see the whole value as unknown. A map that may hold more keys
/// cannot be represented in Terraform: it is an unknown map there.
fn wholly_unknown(v: &Value) -> bool {
    match v {
        Value::Unknown(_) => true,
        Value::Map(m) => m.more.is_some(),
        _ => false,
    }
}

/// Our value as the plan prints `after`: unknown parts left out of objects, null in lists.
fn planned_json(v: &Value) -> Json {
    if wholly_unknown(v) {
        return Json::Null;
    }
    match v {
        // The plan writes a sensitive value in clear (its mask is apart).
        Value::Sensitive(inner) => planned_json(inner),
        Value::Null | Value::Unknown(_) => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        // Whole numbers as integers, so reports read like Terraform's JSON.
        Value::Number(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => json!(*n as i64),
        Value::Number(n) => serde_json::Number::from_f64(*n)
            .map(Json::Number)
            .unwrap_or_else(|| Json::String(format!("non-finite number {n}"))),
        Value::String(s) => Json::String(s.clone()),
        Value::List(items) | Value::Set(items) => {
            Json::Array(items.iter().map(planned_json).collect())
        }
        Value::Map(m) => Json::Object(
            m.entries
                .iter()
                .filter(|(_, item)| !wholly_unknown(item))
                .map(|(k, item)| (k.clone(), planned_json(item)))
                .collect(),
        ),
    }
}

/// Where our value is unknown, in the normalised form of the script's `after_unknown`.
fn unknown_mask(v: &Value) -> Json {
    if wholly_unknown(v) {
        return Json::Bool(true);
    }
    match v {
        Value::List(items) | Value::Set(items) => {
            let masks: Vec<Json> = items.iter().map(unknown_mask).collect();
            if masks.iter().all(|m| *m == Json::Bool(false)) {
                Json::Bool(false)
            } else {
                Json::Array(masks)
            }
        }
        Value::Map(m) => {
            let masks: serde_json::Map<String, Json> = m
                .entries
                .iter()
                .map(|(k, item)| (k.clone(), unknown_mask(item)))
                .filter(|(_, mask)| *mask != Json::Bool(false))
                .collect();
            if masks.is_empty() {
                Json::Bool(false)
            } else {
                Json::Object(masks)
            }
        }
        _ => Json::Bool(false),
    }
}

/// JSON equality with numbers compared as f64.
fn same(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x.as_f64() == y.as_f64(),
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(l, r)| same(l, r))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, l)| y.get(k).is_some_and(|r| same(l, r)))
        }
        _ => a == b,
    }
}

/// The paths (`.tags.owner`, `[2]`) where two JSON values differ, for short reports.
fn differences(path: &str, want: &Json, got: &Json, out: &mut Vec<String>) {
    match (want, got) {
        (Json::Array(w), Json::Array(g)) if w.len() == g.len() => {
            for (i, (w, g)) in w.iter().zip(g).enumerate() {
                differences(&format!("{path}[{i}]"), w, g, out);
            }
        }
        (Json::Object(w), Json::Object(g)) => {
            let keys: std::collections::BTreeSet<&String> = w.keys().chain(g.keys()).collect();
            for k in keys {
                let (w, g) = (w.get(k), g.get(k));
                match (w, g) {
                    (Some(w), Some(g)) => differences(&format!("{path}.{k}"), w, g, out),
                    _ => out.push(format!(
                        "{path}.{k}: want {}, got {}",
                        w.map_or("nothing".to_string(), Json::to_string),
                        g.map_or("nothing".to_string(), Json::to_string)
                    )),
                }
            }
        }
        _ if same(want, got) => {}
        _ => out.push(format!(
            "{}: want {want}, got {got}",
            if path.is_empty() { "(whole)" } else { path }
        )),
    }
}

/// Every difference between our evaluation of one case and Terraform's plan.
fn compare_case(case_dir: &Path) -> Vec<String> {
    let name = case_dir.file_name().unwrap().to_string_lossy().to_string();
    let case: Json = serde_json::from_str(
        &std::fs::read_to_string(case_dir.join("case.json")).expect("case.json"),
    )
    .expect("case.json is JSON");
    let expected: Vec<Json> = serde_json::from_str(
        &std::fs::read_to_string(case_dir.join("expected.json")).unwrap_or_else(|e| {
            panic!("{name}/expected.json: {e}; run scripts/golden/terraform_plans.py")
        }),
    )
    .expect("expected.json is JSON");
    assert!(
        !expected.is_empty(),
        "{name}/expected.json has no resources"
    );

    let inventory = load_case(case_dir, &options(case_dir, &case));
    let mut problems: Vec<String> = inventory
        .errors
        .iter()
        .map(|e| {
            format!(
                "{name}: loader error at {}:{}: {}",
                e.location.file, e.location.line, e.message
            )
        })
        .collect();

    let mut ours: BTreeMap<String, (Json, Json)> = BTreeMap::new();
    for r in inventory
        .resources
        .iter()
        .filter(|r| r.resource_type == "terraform_data")
    {
        let input = r.attributes.entries.get("input").unwrap_or(&Value::Null);
        let previous = ours.insert(
            r.address.clone(),
            (planned_json(input), unknown_mask(input)),
        );
        if previous.is_some() {
            problems.push(format!("{name}: {} is produced twice", r.address));
        }
    }
    for want in &expected {
        let address = want["address"].as_str().expect("an address");
        let want_input = &want["input"];
        let want_unknown = &want["unknown"];
        let Some((input, unknown)) = ours.remove(address) else {
            problems.push(format!("{name}: {address}: Terraform plans it, we do not"));
            continue;
        };
        for (what, want, got) in [
            ("input", want_input, &input),
            ("unknown parts", want_unknown, &unknown),
        ] {
            let mut paths = Vec::new();
            differences("", want, got, &mut paths);
            if !paths.is_empty() {
                problems.push(format!(
                    "{name}: {address}: {what}\n    {}",
                    paths.join("\n    ")
                ));
            }
        }
    }
    for address in ours.keys() {
        problems.push(format!(
            "{name}: {address}: we produce it, Terraform does not"
        ));
    }
    problems
}

#[test]
fn the_evaluator_matches_terraform_plans() {
    let problems: Vec<String> = cases().iter().flat_map(|c| compare_case(c)).collect();
    assert!(
        problems.is_empty(),
        "{} differences from Terraform's plans:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn every_case_is_present() {
    let names: Vec<String> = cases()
        .iter()
        .map(|c| c.file_name().unwrap().to_string_lossy().to_string())
        .collect();
    for name in [
        "conditionals",
        "count_for_each",
        "locals_order",
        "modules",
        "overrides",
        "unknowns",
        "variable_precedence",
    ] {
        assert!(names.iter().any(|n| n == name), "case {name} is missing");
    }
}

#[test]
fn unknown_masks_are_normalised_like_the_script() {
    let mut m = aicost_policy::model::Map::new();
    m.insert("known", Value::List(vec![Value::Number(1.0)]));
    m.insert(
        "partly",
        Value::List(vec![Value::unknown("x"), Value::string("a")]),
    );
    let v = Value::Map(m);
    assert_eq!(unknown_mask(&v), json!({"partly": [true, false]}));
    assert_eq!(
        planned_json(&v),
        json!({"known": [1], "partly": [null, "a"]})
    );
    assert_eq!(unknown_mask(&Value::unknown("x")), json!(true));
    assert_eq!(unknown_mask(&Value::List(vec![])), json!(false));
    let mut open = aicost_policy::model::Map::new();
    open.more = Some(aicost_policy::model::Unknown::new("x"));
    assert_eq!(unknown_mask(&Value::Map(open.clone())), json!(true));
    assert_eq!(planned_json(&Value::Map(open)), json!(null));

    let mut paths = Vec::new();
    differences(
        "",
        &json!({"a": [1, 2.5], "b": "x", "c": 1}),
        &json!({"a": [1.0, 2], "b": "x", "d": 1}),
        &mut paths,
    );
    assert_eq!(
        paths,
        vec![
            ".a[1]: want 2.5, got 2",
            ".c: want 1, got nothing",
            ".d: want nothing, got 1"
        ]
    );
}
