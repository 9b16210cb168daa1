//! The JSON Schemas published in docs/schema/ hold for what the tool really writes and
//! reads: every JSON report (`check`, `cost`, `diff`) of a representative set of the test
//! trees validates against docs/schema/report.schema.json, and every `aicost-policy.toml`
//! of testdata/ and the starter file against docs/schema/config.schema.json. Mutated
//! reports and configurations must not validate, so the schemas are not vacuous, and the
//! report schema's version is the format's (`JSON_FORMAT_VERSION`). Validation is offline:
//! the schemas refer only to themselves.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use crate::common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use common::git_repo::{copy_dir, GitRepo};
use common::run::aicost;

const CRATE_DIR: &str = env!("CARGO_MANIFEST_DIR");
const TODAY: &str = "2026-12-01";

fn crate_path(rel: &str) -> PathBuf {
    Path::new(CRATE_DIR).join(rel)
}

fn read_schema(name: &str) -> Value {
    let text = std::fs::read_to_string(crate_path("docs/schema").join(name)).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn report_validator() -> jsonschema::Validator {
    let schema = read_schema("report.schema.json");
    jsonschema::draft202012::meta::validate(&schema).unwrap();
    jsonschema::draft202012::new(&schema).unwrap()
}

fn config_validator() -> jsonschema::Validator {
    let schema = read_schema("config.schema.json");
    jsonschema::draft7::meta::validate(&schema).unwrap();
    jsonschema::draft7::new(&schema).unwrap()
}

/// What `validator` finds wrong with `doc`, one line each.
fn errors(validator: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    validator
        .iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn assert_valid(validator: &jsonschema::Validator, doc: &Value, what: &str) {
    let errors = errors(validator, doc);
    assert!(errors.is_empty(), "{what} does not validate:\n{errors:#?}");
}

fn assert_invalid(validator: &jsonschema::Validator, doc: &Value, what: &str) {
    assert!(
        !validator.is_valid(doc),
        "{what} validates, but the schema should reject it"
    );
}

/// Runs aicost-policy in `dir` and parses its standard output as JSON; `code` is the exit
/// code the run must end with.
fn json_run(dir: &Path, args: &[&str], code: i32) -> Value {
    let run = aicost(dir, args, &[]);
    assert_eq!(
        run.code,
        code,
        "{args:?} in {}: {}",
        dir.display(),
        run.stderr
    );
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: not JSON: {e}\n{}", run.stdout))
}

/// `check DIR --format json` of the tree `rel` (run in the crate directory).
fn check(rel: &str, extra: &[&str], code: i32) -> Value {
    let mut args = vec!["check", rel, "--format", "json", "--today", TODAY];
    args.extend_from_slice(extra);
    json_run(Path::new(CRATE_DIR), &args, code)
}

/// Every value of `key` in the objects of `doc`'s array `array`.
fn values<'a>(doc: &'a Value, array: &str, key: &str) -> Vec<&'a Value> {
    doc[array]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| &x[key])
        .collect()
}

/// The check reports of a representative set of trees: Terraform with unknowns and
/// waivers, Kubernetes and AI configs (pods, Karpenter NodePools, LiteLLM routes), budgets,
/// input errors, a plan JSON and remote modules.
fn check_reports() -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for (rel, code) in [
        ("testdata/terraform/eks_gpu_training", 1),
        ("testdata/k8s_platform", 1),
        ("testdata/kubernetes", 2),
        ("testdata/terraform/cost_budgets", 1),
        ("testdata/codequality", 2),
        ("testdata/plan/recorded/resize.json", 0),
        ("testdata/registry", 2),
        ("testdata/terraform/module_tree", 1),
    ] {
        out.push((rel.to_string(), check(rel, &[], code)));
    }
    out
}

#[test]
fn check_reports_of_the_test_trees_validate() {
    let validator = report_validator();
    let reports = check_reports();
    for (what, doc) in &reports {
        assert_valid(&validator, doc, what);
    }
    // The set exercises what the schema describes, so its validating means something.
    let all = |array: &str, key: &str| -> BTreeSet<String> {
        reports
            .iter()
            .flat_map(|(_, doc)| values(doc, array, key))
            .map(|v| v.to_string())
            .collect()
    };
    let statuses = all("findings", "status");
    for status in ["\"fail\"", "\"unknown\"", "\"suppressed\""] {
        assert!(statuses.contains(status), "no {status} in {statuses:?}");
    }
    let workloads: BTreeSet<&str> = reports
        .iter()
        .flat_map(|(_, doc)| doc["resources"].as_array().unwrap())
        .filter_map(|r| r["workload"].as_object())
        .flat_map(|w| {
            ["pods", "node_pool", "llm_route"]
                .into_iter()
                .filter(|k| w.contains_key(*k))
        })
        .collect();
    assert_eq!(
        workloads,
        BTreeSet::from(["llm_route", "node_pool", "pods"])
    );
    let count = |array: &str| -> usize {
        reports
            .iter()
            .map(|(_, doc)| doc[array].as_array().unwrap().len())
            .sum()
    };
    assert!(count("errors") > 0, "no input errors");
    assert!(count("budgets") > 0, "no budgets");
    assert!(count("modules_not_loaded") > 0, "no remote modules");
}

#[test]
fn a_check_report_with_a_baseline_validates() {
    let repo = GitRepo::new();
    repo.commit_tree(&crate_path("testdata/baseline/repo"), "adopt");
    let created = aicost(&repo.path(), &["baseline", "create", "."], &[]);
    assert_eq!(created.code, 0, "{}", created.stderr);
    let doc = json_run(
        &repo.path(),
        &[
            "check",
            ".",
            "--baseline",
            "aicost-baseline.json",
            "--format",
            "json",
            "--today",
            TODAY,
        ],
        0,
    );
    assert!(values(&doc, "findings", "status").contains(&&json!("baselined")));
    assert_valid(&report_validator(), &doc, "check --baseline");
}

#[test]
fn cost_reports_validate() {
    let validator = report_validator();
    for (rel, extra) in [
        ("testdata/terraform/eks_gpu_training", &[][..]),
        ("testdata/k8s_platform", &["--group-by", "tag:team"][..]),
        ("testdata/terraform/cost_usage", &["--group-by", "type"][..]),
    ] {
        let mut args = vec!["cost", rel, "--format", "json"];
        args.extend_from_slice(extra);
        let doc = json_run(Path::new(CRATE_DIR), &args, 0);
        assert_valid(&validator, &doc, &format!("cost {rel} {extra:?}"));
        assert!(!doc["resources"].as_array().unwrap().is_empty());
    }
}

/// The diff of testdata/diff (base, then head) with file links.
fn diff_report() -> Value {
    let repo = GitRepo::new();
    repo.commit_tree(&crate_path("testdata/diff/base"), "base");
    repo.commit_tree(&crate_path("testdata/diff/head"), "head");
    json_run(
        &repo.path(),
        &[
            "diff",
            "infra",
            "--base",
            "HEAD~1",
            "--today",
            TODAY,
            "--format",
            "json",
            "--repo",
            "acme/infra",
        ],
        1,
    )
}

/// The guardrails change of testdata/guardrails with an approval rule, and `reviews` as
/// the approvals file.
fn approvals_diff(reviews: &Value) -> Value {
    let rules = "\n[guardrails]\nmax_monthly_increase = 1000\n\n[approvals]\nowners = \"finops\"\n\n[approvals.groups]\nfinops = [\"alice\"]\n";
    let repo = GitRepo::new();
    for side in ["base", "head"] {
        let scratch = tempfile::tempdir().unwrap();
        copy_dir(
            &crate_path("testdata/guardrails").join(side),
            scratch.path(),
        );
        let config = scratch.path().join("aicost-policy.toml");
        let text = std::fs::read_to_string(&config).unwrap() + rules;
        std::fs::write(&config, text).unwrap();
        repo.commit_tree(scratch.path(), side);
    }
    let head = repo.git(&["rev-parse", "HEAD"]).trim().to_string();
    let reviews = match reviews {
        Value::Array(list) => list
            .iter()
            .map(|r| {
                let mut r = r.clone();
                r["commit_id"] = json!(head);
                r
            })
            .collect(),
        other => panic!("not a list: {other}"),
    };
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), Value::Array(reviews).to_string()).unwrap();
    let approvals = file.path().to_str().unwrap().to_string();
    let args = [
        "diff",
        ".",
        "--base",
        "HEAD~1",
        "--format",
        "json",
        "--approvals",
        &approvals,
        "--author",
        "carol",
    ];
    let run = aicost(&repo.path(), &args, &[]);
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stderr))
}

#[test]
fn diff_reports_validate() {
    let validator = report_validator();
    let doc = diff_report();
    assert_eq!(doc["kind"], "diff");
    assert!(!doc["links"].is_null());
    assert!(!doc["resolved"].as_array().unwrap().is_empty());
    assert_valid(&validator, &doc, "diff of testdata/diff");

    let pending = approvals_diff(&json!([]));
    assert!(values(&pending, "findings", "status").contains(&&json!("pending_approval")));
    assert_valid(&validator, &pending, "diff with a pending approval");

    let review = json!({"id": 1, "user": {"login": "alice", "type": "User"}, "state": "APPROVED",
                        "commit_id": "", "submitted_at": "2026-11-02T10:00:00Z", "body": ""});
    let approved = approvals_diff(&json!([review]));
    assert!(
        values(&approved, "findings", "status").contains(&&json!("approved")),
        "{approved}"
    );
    assert_valid(&validator, &approved, "diff with an approval");

    // Savings advice on the resources the change adds, one of them saving all it costs
    // (scale to zero: suggested 0.00).
    let savings = json_run(
        Path::new(CRATE_DIR),
        &[
            "diff",
            "testdata/savings/head",
            "--base-path",
            "testdata/savings/base",
            "--today",
            TODAY,
            "--format",
            "json",
        ],
        1,
    );
    assert!(
        values(&savings, "savings", "suggested").contains(&&json!("0.00")),
        "{savings}"
    );
    assert_valid(&validator, &savings, "diff with savings advice");
}

/// `doc` with the value at the JSON pointer `at` replaced by `with` (or removed, for None).
fn mutated(doc: &Value, at: &str, with: Option<Value>) -> Value {
    let mut doc = doc.clone();
    let (parent, key) = at.rsplit_once('/').unwrap();
    let target = doc
        .pointer_mut(parent)
        .unwrap_or_else(|| panic!("no {parent}"));
    match with {
        Some(v) => {
            let slot = match target {
                Value::Array(a) => &mut a[key.parse::<usize>().unwrap()],
                Value::Object(o) => o.get_mut(key).unwrap_or_else(|| panic!("no {at}")),
                _ => panic!("{parent} holds no {key}"),
            };
            *slot = v;
        }
        None => {
            assert!(
                target.as_object_mut().unwrap().remove(key).is_some(),
                "no {at}"
            );
        }
    }
    doc
}

#[test]
fn reports_that_break_the_format_do_not_validate() {
    let validator = report_validator();
    let check = check("testdata/terraform/eks_gpu_training", &[], 1);
    assert_valid(&validator, &check, "the unmutated check report");
    for (at, with) in [
        ("/findings/0/status", Some(json!("waived"))),
        ("/findings/0/severity", Some(json!("urgent"))),
        ("/summary/failed", None),
        ("/resources/0/address", None),
        ("/summary/monthly_cost/baseline", Some(json!(35508.41))),
        ("/summary/monthly_cost/baseline", Some(json!("35508.4"))),
        ("/version", Some(json!(2))),
        ("/tool/name", Some(json!("other"))),
    ] {
        let doc = mutated(&check, at, with.clone());
        assert_invalid(
            &validator,
            &doc,
            &format!("the check report with {at} = {with:?}"),
        );
    }
    let mut extra = check.clone();
    extra["resources"][0]["colour"] = json!("red");
    assert_invalid(&validator, &extra, "a resource with an unknown field");

    let cost = json_run(
        Path::new(CRATE_DIR),
        &[
            "cost",
            "testdata/terraform/eks_gpu_training",
            "--format",
            "json",
        ],
        0,
    );
    assert_invalid(
        &validator,
        &mutated(&cost, "/summary/monthly_cost/depends_on_usage", None),
        "a cost report without depends_on_usage",
    );
    assert_invalid(
        &validator,
        &mutated(&cost, "/not_priced/0/no_charge", Some(json!("yes"))),
        "a cost report with a string no_charge",
    );

    let diff = diff_report();
    for (at, with) in [
        ("/findings/0/status", Some(json!("open"))),
        ("/findings/0/change", Some(json!(null))),
        ("/resources/0/change", Some(json!("moved"))),
        ("/summary/delta/baseline", Some(json!("-347.6"))),
        ("/kind", Some(json!("check"))),
        ("/summary/findings", None),
    ] {
        let doc = mutated(&diff, at, with.clone());
        assert_invalid(
            &validator,
            &doc,
            &format!("the diff report with {at} = {with:?}"),
        );
    }
    // Without its `kind`, a diff report is read as a check report, which it is not.
    assert_invalid(
        &validator,
        &mutated(&diff, "/kind", None),
        "a diff report without kind",
    );
}

#[test]
fn the_report_schema_is_for_the_current_format_version() {
    let schema = read_schema("report.schema.json");
    let version = aicost_policy::report::JSON_FORMAT_VERSION;
    for kind in ["check_report", "cost_report", "diff_report"] {
        assert_eq!(
            schema["$defs"][kind]["properties"]["version"]["const"],
            json!(version),
            "{kind}: bump the schema with JSON_FORMAT_VERSION"
        );
    }
    assert_eq!(
        schema["title"],
        json!(format!(
            "aicost-policy JSON report, format version {version}"
        ))
    );
    assert_eq!(
        schema["$id"],
        "https://raw.githubusercontent.com/aicost-policy/aicost-policy/main/docs/schema/report.schema.json"
    );
}

/// Every object property the schema defines, as its JSON pointer, whose subschema has no
/// `description`.
fn undescribed(schema: &Value, at: &str, out: &mut Vec<String>) {
    match schema {
        Value::Object(map) => {
            for (key, value) in map {
                let here = format!("{at}/{key}");
                if key == "properties" {
                    for (name, property) in value.as_object().unwrap() {
                        if property.get("description").is_none() {
                            out.push(format!("{here}/{name}"));
                        }
                    }
                }
                undescribed(value, &here, out);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                undescribed(item, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_key_of_the_schemas_has_a_description_for_editors() {
    for name in ["report.schema.json", "config.schema.json"] {
        let mut missing = Vec::new();
        undescribed(&read_schema(name), "", &mut missing);
        assert_eq!(
            missing,
            Vec::<String>::new(),
            "{name}: keys without a description"
        );
    }
}

/// Every key of `aicost-policy.toml` set, every array of tables with an entry.
const EVERY_KEY: &str = r#"
required_tags = ["team"]
exclude = ["**/examples/**"]
policy_dirs = []
builtin_policies = true
max_file_size = 1048576

[environment]
tag = "env"
production = ["prod"]
paths = [{ pattern = "envs/prod/**", environment = "prod" }]

[environments.dev]
allowed_accelerator_families = ["g5"]
max_accelerators = 8

[accelerators]
max_per_resource = 32

[[waivers]]
policy = "AIC-GPU-003"
resource = "aws_eks_node_group.benchmark*"
root = "infra"
reason = "benchmarks need on-demand capacity"
expires = "2027-03-31"
owner = "alice"

[waiver_rules]
allow_inline = false
require_expiry = true
max_days = 365
require_owner = true

[costs]
max_resource_ceiling = "50000.50"

[guardrails]
max_monthly_increase = 5000
max_increase_percent = 25.5
max_accelerators_added = 16
new_endpoint_environments = ["prod"]

[approvals]
owners = "finops"
required = 2

[approvals.groups]
finops = ["alice", "renovate[bot]", "@acme/finops"]

[kubernetes]
max_replicas = 20
daemonset_nodes = 12
kserve_default_deployment_mode = "RawDeployment"
default_gpu = "L4"

[pricing]
usage_file = "usage.yml"
spot_factors = { aws = 0.35, google = "0.4" }
region_fallback = true
extra_regions = ["us-south2"]
sustained_use_discounts = false

[[pricing.overrides]]
provider = "aws"
item = "p5.48xlarge"
region = "us-east-1"
usd_per_hour = 40.00

[[pricing.discounts]]
provider = "aws"
percent = 12.5
name = "enterprise agreement"

[[budget]]
name = "ml-platform"
monthly_limit = 250000
warn_ratio = 0.8
tags = { team = "ml-platform" }
paths = ["envs/prod/**"]

[tags]
case_insensitive_keys = true

[tags.patterns]
cost_center = { key = "cost-center", pattern = "^CC-[0-9]{4}$" }
"#;

/// A TOML document as the JSON value a schema validator reads.
fn toml_to_json(text: &str, what: &str) -> Value {
    let value: toml::Value = toml::from_str(text).unwrap_or_else(|e| panic!("{what}: {e}"));
    serde_json::to_value(value).unwrap()
}

/// Every `aicost-policy.toml` under `dir`.
fn config_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            config_files(&path, out);
        } else if path.file_name().is_some_and(|n| n == "aicost-policy.toml") {
            out.push(path);
        }
    }
}

#[test]
fn every_configuration_of_the_test_trees_and_the_starter_file_validate() {
    let validator = config_validator();
    let mut files = Vec::new();
    config_files(&crate_path("testdata"), &mut files);
    files.sort();
    assert!(files.len() >= 40, "found only {files:?}");
    for file in &files {
        let what = file.display().to_string();
        let doc = toml_to_json(&std::fs::read_to_string(file).unwrap(), &what);
        assert_valid(&validator, &doc, &what);
    }

    // What `init` writes, read back from disk.
    let dir = tempfile::tempdir().unwrap();
    let init = aicost(dir.path(), &["init", "."], &[]);
    assert_eq!(init.code, 0, "{}", init.stderr);
    let written = std::fs::read_to_string(dir.path().join("aicost-policy.toml")).unwrap();
    assert_eq!(written, aicost_policy::config::STARTER);
    let starter = toml_to_json(&written, "the starter file");
    assert_valid(&validator, &starter, "the starter file");
    // Its first line points taplo-based editors to the published schema.
    let id = read_schema("config.schema.json")["$id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        written.lines().next(),
        Some(format!("#:schema {id}").as_str())
    );

    // A configuration that sets every key: the loader accepts it and so does the schema.
    let every_key = toml_to_json(EVERY_KEY, "EVERY_KEY");
    assert_valid(&validator, &every_key, "a configuration with every key");
    let config = dir.path().join("aicost-policy.toml");
    std::fs::write(&config, EVERY_KEY).unwrap();
    std::fs::write(dir.path().join("usage.yml"), "version: 1\n").unwrap();
    let run = aicost(dir.path(), &["check", ".", "--format", "json"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn configurations_the_loader_rejects_do_not_validate() {
    let validator = config_validator();
    let empty = tempfile::tempdir().unwrap();
    for text in [
        "requred_tags = [\"team\"]\n",
        "[environments.dev]\nallowed_families = [\"g5\"]\n",
        "max_file_size = \"big\"\n",
        "builtin_policies = \"yes\"\n",
        "[kubernetes]\nkserve_default_deployment_mode = \"Raw\"\n",
        "[pricing]\nspot_factors = { aws = 1.5 }\n",
        "[[pricing.discounts]]\npercent = 150\nname = \"x\"\n",
        "[[budget]]\nname = \"b\"\nmonthly_limit = 0\n",
        "[[waivers]]\npolicy = \"AIC-TAG-001\"\nresource = \"*\"\n",
        "[approvals]\nrequired = 0\n",
        "[approvals.groups]\nfinops = [\"not a login\"]\n",
    ] {
        assert_invalid(&validator, &toml_to_json(text, text), text);
        // The loader rejects it too: the schema says no more than aicost-policy does.
        let config = empty.path().join("aicost-policy.toml");
        std::fs::write(&config, text).unwrap();
        let run = aicost(empty.path(), &["check", ".", "--format", "json"], &[]);
        assert_eq!(run.code, 2, "{text} was accepted: {}", run.stderr);
    }
}
