//! Regions (issue 20): a region the provider does not have (AWS, Google Cloud, Azure) is an
//! input error at the line that writes it, with the closest real one; a real region without
//! catalog prices is an incomplete estimate that names the reference region's rate, never
//! that rate called complete; `[pricing] region_fallback` makes it an assumption shown
//! beside the amount; `[pricing] extra_regions` accepts a region newer than the lists.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use crate::common;

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

const GOOGLE_TAIL: &str = "Google Cloud checks regions when it applies the plan; for a region newer than aicost-policy's list (as of 2026-07-27), add it to `extra_regions` under [pricing] in aicost-policy.toml.";
const AZURE_TAIL: &str = "Azure checks regions when it applies the plan; for a region newer than aicost-policy's list (as of 2026-06-18), add it to `extra_regions` under [pricing] in aicost-policy.toml.";

/// The `missing` of a resource priced from `table` at `rate` in the reference region.
fn unknown_in(table: &str, region: &str, reference: &str, rate: &str) -> String {
    format!("price unknown: the catalog's {table} table has no price in {region} (in {reference} it is {rate}); set region_fallback = true under [pricing] to use that rate as an assumption")
}

fn resource<'a>(report: &'a Value, address: &str) -> &'a Value {
    report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == address)
        .unwrap()
}

#[test]
fn a_google_provider_region_typo_is_an_input_error_at_the_provider_and_prices_nothing() {
    let (code, report) = json_of("testdata/regions/google_typo");
    assert_eq!(code, 2);
    assert_eq!(report["errors"].as_array().unwrap().len(), 2);
    assert_eq!(
        report["errors"][0],
        json!({
            "file": "testdata/regions/google_typo/main.tf", "line": 5, "column": 13,
            "message": "`us-centrall` is not a Google Cloud region",
            "help": format!("did you mean `us-central1`? {GOOGLE_TAIL}"),
        })
    );
    // The instance has no zone of its own: it is in the provider's mistyped region, and
    // us-central1's rate is named, not used.
    let cost = &resource(&report, "google_compute_instance.trainer")["monthly_cost"];
    assert_eq!(cost["complete"], false);
    assert_eq!(cost["baseline"], "0.00");
    assert_eq!(
        cost["missing"],
        json!([
            unknown_in(
                "gcp_machine_types",
                "us-centrall",
                "us-central1",
                "$3.673385/hour"
            ),
            unknown_in("storage", "us-centrall", "us-central1", "$0.04/GB-month"),
        ])
    );
}

#[test]
fn a_gke_node_pool_zone_typo_is_checked_by_its_region_and_suggests_the_zone() {
    let (code, report) = json_of("testdata/regions/google_typo");
    assert_eq!(code, 2);
    assert_eq!(
        report["errors"][1],
        json!({
            "file": "testdata/regions/google_typo/main.tf", "line": 50, "column": 3,
            "message": "`us-centrl1-a` is not a Google Cloud zone: `us-centrl1` is not a region",
            "help": format!("did you mean `us-central1-a`? {GOOGLE_TAIL}"),
        })
    );
    let pool = resource(&report, "google_container_node_pool.l4");
    assert_eq!(pool["region"], "us-centrl1");
    assert_eq!(pool["monthly_cost"]["complete"], false);
    assert_eq!(
        pool["monthly_cost"]["missing"],
        json!([
            unknown_in(
                "gcp_machine_types",
                "us-centrl1",
                "us-central1",
                "$0.91/hour"
            ),
            unknown_in("storage", "us-centrl1", "us-central1", "$0.10/GB-month"),
        ])
    );
    // Its cluster, in us-central1, is priced.
    let cluster = &resource(&report, "google_container_cluster.gpu")["monthly_cost"];
    assert_eq!(
        (&cluster["baseline"], &cluster["complete"]),
        (&json!("73.00"), &json!(true))
    );
}

#[test]
fn an_azure_location_typo_is_one_error_where_it_is_written_and_the_vm_in_it_is_unpriced() {
    let (code, report) = json_of("testdata/regions/azure_typo");
    assert_eq!(code, 2);
    // The VM reads the group's location: the error is on the group's line only.
    assert_eq!(
        report["errors"],
        json!([{
            "file": "testdata/regions/azure_typo/main.tf", "line": 5, "column": 3,
            "message": "`westeurop` is not an Azure region",
            "help": format!("did you mean `westeurope`? {AZURE_TAIL}"),
        }])
    );
    let vm = &resource(&report, "azurerm_linux_virtual_machine.trainer")["monthly_cost"];
    assert_eq!(
        (&vm["baseline"], &vm["complete"]),
        (&json!("0.00"), &json!(false))
    );
    assert_eq!(
        vm["missing"],
        json!([
            unknown_in("azure_vms", "westeurop", "eastus", "$3.673/hour"),
            unknown_in(
                "azure_managed_disks",
                "westeurop",
                "eastus",
                "$5.28/disk-month"
            ),
        ])
    );
}

#[test]
fn an_azure_display_name_is_a_region_and_a_mistyped_one_is_not() {
    let (code, report) = json_of("testdata/regions/azure_display_name");
    assert_eq!(code, 2);
    // "West Europe" is accepted; only "North Europ" is an error, its suggestion in ARM form.
    assert_eq!(
        report["errors"],
        json!([{
            "file": "testdata/regions/azure_display_name/main.tf", "line": 48, "column": 3,
            "message": "`North Europ` is not an Azure region",
            "help": format!("did you mean `northeurope`? {AZURE_TAIL}"),
        }])
    );
    // Standard_NC24ads_A100_v4 is $4.775 an hour in westeurope: 730 h = $3,485.75.
    let vm = resource(&report, "azurerm_linux_virtual_machine.trainer");
    assert_eq!(vm["region"], "westeurope");
    assert_eq!(vm["monthly_cost"]["baseline"], "3485.75");
}

#[test]
fn extra_regions_accepts_a_region_newer_than_the_list_and_leaves_it_unpriced() {
    let (code, report) = json_of("testdata/regions/extra_regions");
    // AIC-GPU and cost policies fail; no input error.
    assert_eq!(code, 1);
    assert_eq!(report["errors"], json!([]));
    let cost = &resource(&report, "google_compute_instance.trainer")["monthly_cost"];
    assert_eq!(
        (&cost["baseline"], &cost["complete"]),
        (&json!("0.00"), &json!(false))
    );
    assert_eq!(
        cost["missing"],
        json!([
            unknown_in(
                "gcp_machine_types",
                "us-south2",
                "us-central1",
                "$3.673385/hour"
            ),
            unknown_in("storage", "us-south2", "us-central1", "$0.04/GB-month"),
        ])
    );
}

#[test]
fn a_pod_that_names_its_region_is_priced_there_not_at_the_reference_region() {
    // g5.2xlarge is $1.212 an hour in us-east-1, the EC2 table's only region: the Virginia
    // pod (a whole node for its one GPU) is $884.76 with no assumption; the Ireland pod's
    // price is unknown, naming that rate, where it used to be us-east-1's "as the manifest
    // does not name its region".
    let run = aicost(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["cost", "testdata/regions/pod_region", "--color", "never"],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "\
RESOURCE                      TYPE        QUANTITY  UNIT PRICE           MONTHLY  CEILING
Deployment/ml/embed-ireland   Deployment  1         unknown              unknown  unknown
    missing: price unknown: the catalog's aws_ec2_ondemand table has no price in eu-west-1 (in us-east-1 it is $1.212/hour); set region_fallback = true under [pricing] to use that rate as an assumption
Deployment/ml/embed-virginia  Deployment  1         $1.212 per pod-hour  $884.76  $884.76

  1 priced resource: at least $884.76 a month (ceiling at least $884.76); 1 with cost unknown; 0 not priced
"
    );
}
