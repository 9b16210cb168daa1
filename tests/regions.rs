//! Regions (issue 20): a region the AWS provider does not have is an input error at the
//! line that writes it, with the closest real one; a real region without catalog prices is
//! an incomplete estimate that names the reference region's rate, never that rate called
//! complete; `[pricing] region_fallback` makes it an assumption shown beside the amount.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod common;

use std::path::Path;

use serde_json::{json, Value};

use common::run::{aicost, Run};

fn check(dir: &str, extra: &[&str]) -> Run {
    let mut all = vec!["check", dir, "--today", "2026-11-28"];
    all.extend_from_slice(extra);
    aicost(Path::new(env!("CARGO_MANIFEST_DIR")), &all, &[])
}

fn json_of(dir: &str) -> (i32, Value) {
    let run = check(dir, &["--format", "json"]);
    (run.code, serde_json::from_str(&run.stdout).unwrap())
}

const HELP_TAIL: &str = "The AWS provider refuses a region it does not know. For a region newer than aicost-policy's list (as of 2026-12-07), set `skip_region_validation = true` in the provider block.";

/// p4d.24xlarge is $21.957642 an hour in us-east-1, the only region of the EC2 table.
fn p4d_unknown(region: &str) -> String {
    format!("price unknown: the catalog's aws_ec2_ondemand table has no price in {region} (in us-east-1 it is $21.957642/hour); set region_fallback = true under [pricing] to use that rate as an assumption")
}

#[test]
fn a_region_the_aws_provider_does_not_have_is_an_input_error_with_the_closest_region() {
    let (code, report) = json_of("testdata/regions/typo");
    assert_eq!(code, 2);
    assert_eq!(
        report["errors"],
        json!([
            {
                "file": "testdata/regions/typo/main.tf", "line": 4, "column": 12,
                "message": "`eu-west-9` is not an AWS region",
                "help": format!("did you mean `eu-west-1`? {HELP_TAIL}"),
            },
            {
                "file": "testdata/regions/typo/main.tf", "line": 20, "column": 3,
                "message": "`us-esat-1` is not an AWS region",
                "help": format!("did you mean `us-east-1`? {HELP_TAIL}"),
            },
        ])
    );
    // Neither is priced at us-east-1's rate as if it were the region asked.
    let trainer = &report["resources"][1]["monthly_cost"];
    assert_eq!(report["resources"][1]["address"], "aws_instance.trainer");
    assert_eq!(trainer["complete"], false);
    assert_eq!(trainer["missing"], json!([p4d_unknown("eu-west-9")]));
    assert_eq!(report["summary"]["monthly_cost"]["baseline"], "0.00");
}

#[test]
fn skip_region_validation_accepts_the_region_and_leaves_it_unpriced() {
    let (code, report) = json_of("testdata/regions/skip_validation");
    // AIC-GPU-001 fails (p4d in dev); no input error.
    assert_eq!(code, 1);
    assert_eq!(report["errors"], json!([]));
    let cost = &report["resources"][0]["monthly_cost"];
    assert_eq!(cost["complete"], false);
    assert_eq!(cost["missing"], json!([p4d_unknown("eu-west-9")]));
}

#[test]
fn a_real_region_without_prices_is_incomplete_and_names_the_reference_rate() {
    let (code, report) = json_of("testdata/regions/ireland");
    assert_eq!(code, 1);
    assert_eq!(report["errors"], json!([]));
    let cost = &report["resources"][0]["monthly_cost"];
    assert_eq!(
        (&cost["baseline"], &cost["ceiling"], &cost["complete"]),
        (&json!("0.00"), &json!("0.00"), &json!(false))
    );
    assert_eq!(cost["missing"], json!([p4d_unknown("eu-west-1")]));
    assert_eq!(cost["assumptions"], json!([]));
    let cost_findings: Vec<(&str, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["policy_id"].as_str().unwrap().starts_with("AIC-COST"))
        .map(|f| {
            (
                f["policy_id"].as_str().unwrap(),
                f["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        cost_findings,
        vec![("AIC-COST-001", "fail"), ("AIC-COST-002", "unknown")]
    );
}

#[test]
fn region_fallback_prices_at_the_reference_rate_as_a_shown_assumption() {
    const ASSUMED: &str = "priced at the us-east-1 rate ($21.957642/hour): the catalog's aws_ec2_ondemand table has no price in eu-west-1 ([pricing] region_fallback)";
    let (code, report) = json_of("testdata/regions/ireland_fallback");
    assert_eq!(code, 1);
    let cost = &report["resources"][0]["monthly_cost"];
    // 730 h x $21.957642 = $16,029.07866.
    assert_eq!(
        (&cost["baseline"], &cost["complete"]),
        (&json!("16029.08"), &json!(true))
    );
    assert_eq!(cost["assumptions"], json!([ASSUMED]));
    let text = check("testdata/regions/ireland_fallback", &["--color", "never"]).stdout;
    assert!(
        text.contains(&format!(
            "\nassumed: aws_instance.trainer ($16,029.08/month): {ASSUMED}\n"
        )),
        "{text}"
    );
}

#[test]
fn an_unknown_region_is_priced_at_the_reference_rate_as_a_shown_assumption() {
    let (_, report) = json_of("testdata/regions/unset");
    assert_eq!(report["errors"], json!([]));
    let cost = &report["resources"][0]["monthly_cost"];
    assert_eq!(
        (&cost["baseline"], &cost["complete"]),
        (&json!("16029.08"), &json!(true))
    );
    assert_eq!(
        cost["assumptions"],
        json!(["the region is unknown (var.region has no default); priced at us-east-1 rates"])
    );
}
