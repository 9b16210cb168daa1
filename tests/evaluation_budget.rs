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

const KEPT: &str = "evaluation budget exceeded: the roots of this root's group keep more than 96 MiB of values, the group's share of the 384 MiB one run may keep (roots are dealt in path order into 4 groups); the rest of the root is not evaluated";

const MADE: &str = "evaluation budget exceeded: the roots of this root's group make more than 12500 instances with count, for_each and repeated module calls, the group's share of the 50000 one run may make (roots are dealt in path order into 4 groups); the instances past it are not evaluated";

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
fn a_module_diamond_stops_at_the_instances_its_calls_make() {
    let (code, report) = check("module_diamond");
    assert_eq!(code, 2);
    // Each level calls the next twice; the second and later instances of a directory are
    // made by the evaluation, not written. Depth first, the calls on the deepest levels
    // pass the group's 12,500 made instances first: at a call on level 23.
    assert_eq!(
        report["errors"],
        json!([budget_error(
            "module_diamond",
            "modules/level23/main.tf",
            5,
            1,
            MADE
        )])
    );
    assert_eq!(priced(&report), vec![trainer()]);
}

#[test]
fn counts_nested_three_levels_deep_stop_at_the_instances_they_make() {
    let (code, report) = check("nested_counts");
    assert_eq!(code, 2);
    // Made by the evaluation (the first instance of each is written): 999 regions, 1,998
    // for the first region's 1000 racks (2 each, with their resource block), then 999
    // nodes per rack: after 9 racks 999 + 1,998 + 9 x 999 = 11,988, the tenth rack's
    // count passes the group's 12,500. None of module.region is reported, since what was
    // made before the limit is an arbitrary part of it.
    assert_eq!(
        report["errors"],
        json!([budget_error(
            "nested_counts",
            "modules/rack/main.tf",
            6,
            11,
            MADE
        )])
    );
    assert_eq!(priced(&report), vec![trainer()]);
}

#[test]
fn roots_share_the_run_s_budget_in_groups_dealt_in_path_order() {
    let (code, report) = check("many_roots");
    assert_eq!(code, 2);
    // Six roots keep 57.2 MiB each; alone each fits its group's 96 MiB. Dealt in path
    // order, a and e share group 0, b and f group 1: e and f run out at their third
    // string (57.2 + 3 x 14.3 MiB = 100.1 MiB), and the same two on every run.
    assert_eq!(
        report["errors"],
        json!([
            budget_error("many_roots", "e/main.tf", 12, 10, KEPT),
            budget_error("many_roots", "f/main.tf", 12, 10, KEPT),
        ])
    );
    let roots: Vec<(&str, &Value, &str)> = report["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .map(|r| {
            let root = r["root"].as_str().unwrap_or_default();
            let root = root.rsplit('/').next().unwrap_or_default();
            (
                root,
                &r["tags"]["pad"],
                r["monthly_cost"]["baseline"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    let known = json!("1234");
    let none = Value::Null;
    // The roots that fit are priced (730 h x $1.006); e and f are unknown, not unset: the
    // trainer's instance type reads as unknown, so its price and tags are too.
    assert_eq!(
        roots,
        vec![
            ("a", &known, "734.38"),
            ("b", &known, "734.38"),
            ("c", &known, "734.38"),
            ("d", &known, "734.38"),
            ("e", &none, "0.00"),
            ("f", &none, "0.00"),
        ]
    );
    let e = &report["resources"][4];
    assert_eq!(
        e["compute"]["instance_type"],
        json!({"unknown": "this root's evaluation budget (values kept in this run) is spent"})
    );
    assert_eq!(e["tags_complete"], json!(false));
    // Byte for byte the same on every run.
    let run = || {
        aicost(
            Path::new(env!("CARGO_MANIFEST_DIR")),
            &[
                "check",
                "testdata/terraform/budget/many_roots",
                "--format",
                "json",
            ],
            &[],
        )
        .stdout
    };
    assert_eq!(run(), run());
}
