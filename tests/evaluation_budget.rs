//! The evaluation budget (issue 12, point 6): a few lines of HCL that would grow without
//! bound (6-17 GB in a minute before the budget) stop at a limit with one input error naming
//! the expression, the budget and its limit, and the rest of the root is still checked and
//! priced. One fixture per pattern under `testdata/terraform/budget/`.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use crate::common;

use std::path::Path;

use common::run::aicost;
use serde_json::{json, Value};

const HELP: &str = "the value is unknown; the limits are fixed so that a pull request cannot raise them: simplify the configuration (see \"Evaluation budget\" in docs/security.md)";

const ONE_VALUE: &str = "evaluation budget exceeded: this expression builds a value larger than 16 MiB, the limit for one value";

const KEPT: &str = "evaluation budget exceeded: this root keeps more than 384 MiB of values, the limit for one root; the rest of the root is not evaluated";

const INSTANCES: &str = "evaluation budget exceeded: this root has more than 100000 resource and module instances, the limit for one root; the instances past it are not evaluated";

/// `check testdata/terraform/budget/<name> --format json`: the exit code and the report.
fn check(name: &str) -> (i32, Value) {
    let dir = format!("testdata/terraform/budget/{name}");
    let run = aicost(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["check", &dir, "--format", "json"],
        &[],
    );
    let report = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not a JSON report ({e}):\n{}\n{}", run.stdout, run.stderr));
    (run.code, report)
}

/// A budget error at `file:line:column` of the fixture.
fn budget_error(name: &str, file: &str, line: u64, column: u64, message: &str) -> Value {
    json!({
        "file": format!("testdata/terraform/budget/{name}/{file}"),
        "line": line,
        "column": column,
        "message": message,
        "help": HELP,
    })
}

/// Each resource's address and monthly baseline, in report order.
fn priced(report: &Value) -> Vec<(String, String)> {
    report["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .map(|r| {
            (
                r["address"].as_str().unwrap_or_default().to_string(),
                r["monthly_cost"]["baseline"]
                    .as_str()
                    .unwrap_or("unpriced")
                    .to_string(),
            )
        })
        .collect()
}

/// What the six fixtures share besides their pattern: an on-demand g5.xlarge trainer,
/// 730 h x $1.006 = $734.38 a month.
fn trainer() -> (String, String) {
    ("aws_instance.trainer".to_string(), "734.38".to_string())
}

/// A p5.48xlarge written next to the pattern, priced whatever the pattern did:
/// 730 h x $55.04 = $40,179.20 a month.
fn p5(address: &str) -> (String, String) {
    (address.to_string(), "40179.20".to_string())
}

/// The attribute `tags.<key>` of a resource in the report.
fn tag<'a>(report: &'a Value, address: &str, key: &str) -> &'a Value {
    let resource = report["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .find(|r| r["address"] == address)
        .unwrap_or_else(|| panic!("no {address}"));
    &resource["tags"][key]
}

#[test]
fn a_string_doubled_forty_times_stops_at_the_limit_for_one_value() {
    let (code, report) = check("string_doubling");
    assert_eq!(code, 2);
    // pad22 would be 4 x 2^22 = 16 MiB of text plus its node.
    assert_eq!(
        report["errors"],
        json!([budget_error(
            "string_doubling",
            "main.tf",
            37,
            11,
            ONE_VALUE
        )])
    );
    assert_eq!(priced(&report), vec![p5("aws_instance.padded"), trainer()]);
    // Everything built on the local that was too large is unknown, once, with its name.
    assert_eq!(
        tag(&report, "aws_instance.padded", "Name"),
        &json!({"unknown": "local.pad22 could not be evaluated"})
    );
}

#[test]
fn lists_tripled_through_locals_stop_at_the_limit_for_one_value() {
    let (code, report) = check("list_tripling");
    assert_eq!(code, 2);
    // zones10 holds 4 x 3^10 zone names. The levels above it list unknowns, which triple
    // too, so zones21 and zones32 are each too large again: each is its own expression.
    assert_eq!(
        report["errors"],
        json!([
            budget_error("list_tripling", "main.tf", 25, 13, ONE_VALUE),
            budget_error("list_tripling", "main.tf", 36, 13, ONE_VALUE),
            budget_error("list_tripling", "main.tf", 47, 13, ONE_VALUE),
        ])
    );
    assert_eq!(priced(&report), vec![p5("aws_instance.spread"), trainer()]);
    // zones40 lists zones39 three times; its elements are unknown, its length is not.
    assert_eq!(tag(&report, "aws_instance.spread", "zones"), &json!("3"));
}

#[test]
fn a_concat_chain_stops_when_its_arguments_outgrow_one_value() {
    let (code, report) = check("concat_chain");
    assert_eq!(code, 2);
    assert_eq!(
        report["errors"],
        json!([budget_error(
            "concat_chain",
            "main.tf",
            31,
            15,
            "evaluation budget exceeded: the arguments of this call are larger than 16 MiB together, the limit for one value"
        )])
    );
    assert_eq!(priced(&report), vec![trainer(), p5("aws_instance.wide")]);
    assert_eq!(
        tag(&report, "aws_instance.wide", "subnets"),
        &json!({"unknown": "local.subnets16 could not be evaluated"})
    );
}

#[test]
fn format_padding_over_a_range_stops_while_the_list_is_built() {
    let (code, report) = check("format_padding");
    assert_eq!(code, 2);
    // Each string is a million characters: the seventeenth does not fit.
    assert_eq!(
        report["errors"],
        json!([budget_error("format_padding", "main.tf", 15, 9, ONE_VALUE)])
    );
    assert_eq!(
        priced(&report),
        vec![p5("aws_instance.labelled"), trainer()]
    );
    assert_eq!(
        tag(&report, "aws_instance.labelled", "ids"),
        &json!({"unknown": "local.ids could not be evaluated"})
    );
}

#[test]
fn a_module_diamond_stops_at_the_root_budget_counted_across_levels() {
    let (code, report) = check("module_diamond");
    assert_eq!(code, 2);
    // The names passed up grow with the instances below: the values the root keeps run
    // out (at a call on level 19) before the instance
    // count does.
    assert_eq!(
        report["errors"],
        json!([budget_error(
            "module_diamond",
            "modules/level19/main.tf",
            10,
            1,
            KEPT
        )])
    );
    assert_eq!(priced(&report), vec![trainer()]);
}

#[test]
fn counts_nested_three_levels_deep_stop_at_the_root_instance_budget() {
    let (code, report) = check("nested_counts");
    assert_eq!(code, 2);
    // 1000 regions, then 1000 racks of the first region, then racks of 1000 nodes until
    // the hundred-thousandth instance: none of module.region is reported, since what was
    // made before the limit is an arbitrary part of it.
    assert_eq!(
        report["errors"],
        json!([budget_error(
            "nested_counts",
            "modules/rack/main.tf",
            6,
            11,
            INSTANCES
        )])
    );
    assert_eq!(priced(&report), vec![trainer()]);
}
