//! End-to-end tests of the cost engine: `aicost-policy cost` and the cost findings of
//! `aicost-policy check` on the `testdata/terraform/cost_*` roots, run from the crate
//! directory.
//!
//! Every expected amount is worked out by hand from the catalog (the comment next to it
//! shows the arithmetic), not copied from the tool: a month is 730 hours; counts are
//! desired, else min, else 1 at the baseline and max at the ceiling; GKE counts are per
//! zone; spot is the listed spot price, else on-demand x the factor of
//! `catalog/spot_factors.csv` (AWS 0.4, Azure 0.20); disks are billed per GB-month.
//! Amounts in JSON are strings with two decimals; totals add the exact amounts and round
//! once. Prices used (us-east-1 / us-central1):
//!
//! | item | price | table |
//! |---|---|---|
//! | m5.xlarge | $0.192/h | aws_ec2_ondemand |
//! | g5.xlarge, g5.2xlarge | $1.006/h, $1.212/h | aws_ec2_ondemand |
//! | c5.2xlarge, t3.medium, p4d.24xlarge | $0.34/h, $0.0416/h, $21.957642/h | aws_ec2_ondemand |
//! | ml.g5.xlarge, ml.g5.2xlarge, ml.m5.xlarge | $1.4084/h, $1.515/h, $0.23/h | aws_sagemaker_hosting |
//! | EKS / GKE control plane | $0.10/h | kubernetes |
//! | EBS gp2, gp3, io2 | $0.10, $0.08, $0.125 per GB-month | storage |
//! | gp3 IOPS over 3000, MBps over 125; io2 IOPS | $0.005, $0.04, $0.065 per month | storage |
//! | S3 STANDARD | $0.023 per GB-month | storage |
//! | PD standard, balanced, SSD | $0.04, $0.10, $0.17 per GB-month | storage |
//! | n2-standard-8, n1-standard-4 | $0.3885/h, $0.19/h | gcp_machine_types |
//! | g2-standard-8 spot (L4 included) | $0.27/h | gcp_machine_types |
//! | nvidia-tesla-t4 | $0.35/h | gcp_gpus |
//! | azure/gpt-4o-2024-11-20 | $2.75 / $11 per 1M input / output tokens | llm_tokens |

// Test code: a failed expectation should stop the test loudly.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};

use crate::common;
use serde_json::{json, Value};

const TODAY: &str = "2026-11-28";
const TESTDATA: &str = "testdata/terraform";
const CRATE_DIR: &str = env!("CARGO_MANIFEST_DIR");

// ---------------------------------------------------------------------------------------
// Running the binary
// ---------------------------------------------------------------------------------------

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `aicost-policy <args>` in `dir`, with no `TF_VAR_*` or `NO_COLOR` from the
/// environment of the test run.
fn run_in(dir: &Path, args: &[&str]) -> Run {
    let mut cmd = common::run::command();
    cmd.current_dir(dir).args(args).env_remove("NO_COLOR");
    for (key, _) in std::env::vars() {
        if key.starts_with("TF_VAR_") {
            cmd.env_remove(key);
        }
    }
    let output = cmd.output().expect("the binary runs");
    Run {
        code: output.status.code().expect("the binary exits normally"),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

fn parse_report(run: &Run) -> Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| {
        panic!(
            "not a JSON report ({e}):\n{}\nstderr:\n{}",
            run.stdout, run.stderr
        )
    })
}

/// One testdata root (or any directory), run from the crate directory.
struct Root {
    dir: String,
}

impl Root {
    fn new(name: &str) -> Root {
        Root {
            dir: format!("{TESTDATA}/{name}"),
        }
    }

    fn at(dir: &Path) -> Root {
        Root {
            dir: dir.to_str().expect("a UTF-8 path").to_string(),
        }
    }

    fn path(&self, file: &str) -> String {
        format!("{}/{file}", self.dir)
    }

    fn run(&self, command: &str, extra: &[&str]) -> Run {
        let mut args = vec![command, self.dir.as_str(), "--color", "never"];
        args.extend_from_slice(extra);
        // The date of the run: waivers expire against it, and an EKS cluster's rate depends
        // on it.
        if matches!(command, "check" | "cost" | "diff") {
            args.extend_from_slice(&["--today", TODAY]);
        }
        run_in(Path::new(CRATE_DIR), &args)
    }

    /// `cost <root> --format json <extra>`: the exit code and the report.
    fn cost_json(&self, extra: &[&str]) -> (i32, Value) {
        let mut args = vec!["--format", "json"];
        args.extend_from_slice(extra);
        let run = self.run("cost", &args);
        (run.code, parse_report(&run))
    }

    /// `cost <root> <extra>`: the text table.
    fn cost_text(&self, extra: &[&str]) -> Run {
        self.run("cost", extra)
    }

    /// `check <root> --format json`: the exit code and the report.
    fn check_json(&self) -> (i32, Value) {
        let run = self.run("check", &["--format", "json"]);
        (run.code, parse_report(&run))
    }

    /// An expected finding; `at` is `file:line` within the root.
    fn finding(
        &self,
        policy: &str,
        status: &str,
        resource: &str,
        at: &str,
        message: &str,
    ) -> Value {
        let (file, line) = at.split_once(':').expect("file:line");
        json!({
            "policy_id": policy,
            "status": status,
            "resource": resource,
            "file": self.path(file),
            "line": line.parse::<u64>().expect("a line number"),
            "message": message,
        })
    }
}

// ---------------------------------------------------------------------------------------
// Reading reports
// ---------------------------------------------------------------------------------------

/// The `monthly_cost` object of the resource at `address`.
fn estimate<'a>(report: &'a Value, address: &str) -> &'a Value {
    let r = report["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .find(|r| r["address"] == address)
        .unwrap_or_else(|| panic!("no resource {address} in the report"));
    &r["monthly_cost"]
}

/// (baseline, ceiling) of a resource whose estimate is complete.
fn monthly(report: &Value, address: &str) -> (String, String) {
    let e = estimate(report, address);
    assert_eq!(e["complete"], true, "{address}: {e:#}");
    (
        e["baseline"].as_str().unwrap().to_string(),
        e["ceiling"].as_str().unwrap().to_string(),
    )
}

fn amounts(baseline: &str, ceiling: &str) -> (String, String) {
    (baseline.to_string(), ceiling.to_string())
}

/// What each component of a resource bills: name, unit price, baseline quantity and
/// baseline amount (JSON strings, `null` when absent).
fn components(report: &Value, address: &str) -> Vec<Value> {
    estimate(report, address)["components"]
        .as_array()
        .expect("components")
        .iter()
        .map(|c| json!([c["name"], c["unit_price"], c["quantity"], c["monthly"]]))
        .collect()
}

fn line(name: &str, unit_price: &str, quantity: &str, amount: &str) -> Value {
    json!([name, unit_price, quantity, amount])
}

fn notes(report: &Value, address: &str) -> Vec<String> {
    estimate(report, address)["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .map(|n| n.as_str().unwrap().to_string())
        .collect()
}

fn has_note(report: &Value, address: &str, note: &str) -> bool {
    notes(report, address).iter().any(|n| n == note)
}

/// The cost totals of a `cost` report.
fn totals(report: &Value) -> &Value {
    &report["summary"]["monthly_cost"]
}

/// What a finding says: policy, outcome, resource, where and what.
fn findings_of(report: &Value) -> Vec<Value> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            json!({
                "policy_id": f["policy_id"],
                "status": f["status"],
                "resource": f["resource"],
                "file": f["file"],
                "line": f["line"],
                "message": f["message"],
            })
        })
        .collect()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

// ---------------------------------------------------------------------------------------
// cost_aws_pools: node groups, an autoscaling group, count, EBS volumes, the control plane
// ---------------------------------------------------------------------------------------

fn aws_pools() -> Root {
    Root::new("cost_aws_pools")
}

#[test]
fn an_eks_node_group_bills_its_desired_nodes_and_can_scale_to_its_max() {
    let (code, report) = aws_pools().cost_json(&[]);
    assert_eq!(code, 0);
    assert_eq!(
        components(&report, "aws_eks_node_group.general"),
        vec![
            // desired 3: 2,190 h x $0.192.
            line(
                "Instance usage (on-demand, m5.xlarge)",
                "0.192",
                "2190",
                "420.48"
            ),
            // 3 x 50 GB; EKS node disks are gp2.
            line("Node storage (gp2)", "0.10", "150", "15.00"),
        ]
    );
    // max 6: 4,380 h x $0.192 = $840.96 + 300 GB x $0.10 = $30.00.
    assert_eq!(
        monthly(&report, "aws_eks_node_group.general"),
        amounts("435.48", "870.96")
    );
}

#[test]
fn an_autoscaling_group_without_desired_capacity_starts_at_its_min_size() {
    let (_, report) = aws_pools().cost_json(&[]);
    // c5.2xlarge from the launch template; min 2: 1,460 h x $0.34; max 5: 3,650 h x $0.34.
    assert_eq!(
        monthly(&report, "aws_autoscaling_group.workers"),
        amounts("496.40", "1241.00")
    );
    // The template itself launches nothing: it is not priced, so the cost report lists it
    // as costing nothing by itself, not among the priced resources.
    assert!(report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["address"] != "aws_launch_template.workers"));
    assert_eq!(
        report["not_priced"][0]["reason"], "no charge",
        "{}",
        report["not_priced"]
    );
}

#[test]
fn every_count_instance_is_priced_on_its_own() {
    let (_, report) = aws_pools().cost_json(&[]);
    for i in 0..3 {
        // t3.medium: 730 h x $0.0416 = $30.368.
        assert_eq!(
            monthly(&report, &format!("aws_instance.web[{i}]")),
            amounts("30.37", "30.37")
        );
    }
}

#[test]
fn gp3_iops_and_throughput_above_the_free_allowance_are_billed() {
    let (_, report) = aws_pools().cost_json(&[]);
    assert_eq!(
        components(&report, "aws_ebs_volume.scratch"),
        vec![
            line("Storage (gp3)", "0.08", "1000", "80.00"),
            // 6,000 provisioned, 3,000 free.
            line("Provisioned IOPS (gp3)", "0.005", "3000", "15.00"),
            // 500 MBps provisioned, 125 free.
            line("Provisioned Throughput (gp3)", "0.04", "375", "15.00"),
        ]
    );
    assert_eq!(
        monthly(&report, "aws_ebs_volume.scratch"),
        amounts("110.00", "110.00")
    );
    assert!(
        has_note(
            &report,
            "aws_ebs_volume.scratch",
            "the first 3000 IOPS of a gp3 volume are included"
        ),
        "{:?}",
        notes(&report, "aws_ebs_volume.scratch")
    );
    // io2 has no free IOPS: 200 GB x $0.125 = $25.00 + 1,000 x $0.065 = $65.00.
    assert_eq!(
        components(&report, "aws_ebs_volume.journal"),
        vec![
            line("Storage (io2)", "0.125", "200", "25.00"),
            line("Provisioned IOPS (io2)", "0.065", "1000", "65.00"),
        ]
    );
}

#[test]
fn an_instance_is_billed_with_its_root_block_device() {
    let (_, report) = aws_pools().cost_json(&[]);
    assert_eq!(
        components(&report, "aws_instance.build"),
        vec![
            line(
                "Instance usage (on-demand, m5.xlarge)",
                "0.192",
                "730",
                "140.16"
            ),
            line("Root volume (gp3)", "0.08", "100", "8.00"),
            // 4,000 IOPS and 250 MBps: 1,000 and 125 above the gp3 baseline.
            line("Provisioned IOPS (gp3)", "0.005", "1000", "5.00"),
            line("Provisioned Throughput (gp3)", "0.04", "125", "5.00"),
        ]
    );
    assert_eq!(
        monthly(&report, "aws_instance.build"),
        amounts("158.16", "158.16")
    );
    // Without a root_block_device the AMI decides the size: not priced, and said so.
    assert!(has_note(
        &report,
        "aws_instance.web[0]",
        "no root_block_device; the root volume's size comes from the AMI and is not priced"
    ));
}

#[test]
fn the_eks_control_plane_costs_73_dollars_a_month() {
    let (_, report) = aws_pools().cost_json(&[]);
    // 730 h x $0.10.
    assert_eq!(
        components(&report, "aws_eks_cluster.main"),
        vec![line("EKS control plane", "0.10", "730", "73.00")]
    );
}

#[test]
fn an_eks_spot_pool_is_priced_at_the_aws_spot_factor() {
    let (_, report) = aws_pools().cost_json(&[]);
    assert_eq!(
        components(&report, "aws_eks_node_group.inference_spot"),
        vec![
            // $1.006 x 0.4 = $0.4024; desired 2: 1,460 h = $587.504.
            line(
                "Instance usage (spot, g5.xlarge)",
                "0.4024",
                "1460",
                "587.50"
            ),
            // The default 20 GB node disk, twice.
            line("Node storage (gp2)", "0.10", "40", "4.00"),
        ]
    );
    // max 4: 2,920 h x $0.4024 = $1,175.008 + 80 GB = $8.00.
    assert_eq!(
        monthly(&report, "aws_eks_node_group.inference_spot"),
        amounts("591.50", "1183.01")
    );
}

#[test]
fn the_json_totals_add_the_exact_amounts_and_round_once() {
    let (_, report) = aws_pools().cost_json(&[]);
    // Baseline: 496.40 + 90 + 110 + 73 + 435.48 + 591.504 + 158.16 + 3 x 30.368 = 2,045.648.
    // Ceiling: 1,241 + 90 + 110 + 73 + 870.96 + 1,183.008 + 158.16 + 91.104 = 3,817.232.
    assert_eq!(
        totals(&report),
        &json!({
            "baseline": "2045.65", "ceiling": "3817.23",
            "priced": 10, "incomplete": 0, "unknown": 0, "depends_on_usage": 0,
        })
    );
    assert_eq!(report["summary"]["resources"], 11);
}

// The journal volume's unit price is its IOPS rate: $65.00 of its $90.00. The launch
// template costs nothing by itself and is named under the table.
const AWS_POOLS_TABLE: &str = "\
RESOURCE                           TYPE                   QUANTITY   UNIT PRICE             MONTHLY    CEILING
aws_autoscaling_group.workers      aws_autoscaling_group  2 (max 5)  $0.34 per hour         $496.40  $1,241.00
aws_ebs_volume.journal             aws_ebs_volume         1          $0.065 per IOPS-month   $90.00     $90.00
aws_ebs_volume.scratch             aws_ebs_volume         1          $0.08 per GB-month     $110.00    $110.00
aws_eks_cluster.main               aws_eks_cluster        1          $0.10 per hour          $73.00     $73.00
aws_eks_node_group.general         aws_eks_node_group     3 (max 6)  $0.192 per hour        $435.48    $870.96
aws_eks_node_group.inference_spot  aws_eks_node_group     2 (max 4)  $0.4024 per hour       $591.50  $1,183.01
    assumed: spot price estimated as the on-demand price x 0.4, the documented aws spot factor (spot_factors.csv); no spot price is listed for g5.xlarge
aws_instance.build                 aws_instance           1          $0.192 per hour        $158.16    $158.16
aws_instance.web[0]                aws_instance           1          $0.0416 per hour        $30.37     $30.37
aws_instance.web[1]                aws_instance           1          $0.0416 per hour        $30.37     $30.37
aws_instance.web[2]                aws_instance           1          $0.0416 per hour        $30.37     $30.37

  10 priced resources: $2,045.65 a month (ceiling $3,817.23); 1 not priced

Not priced:
  aws_launch_template.workers: no charge
";

#[test]
fn the_cost_table_lists_quantity_unit_price_baseline_and_ceiling() {
    let run = aws_pools().cost_text(&[]);
    assert_eq!(run.code, 0);
    assert_eq!(run.stdout, AWS_POOLS_TABLE);
    assert_eq!(run.stderr, "");
}

// ---------------------------------------------------------------------------------------
// cost_gke_pools: per-zone counts, total counts, attached GPUs, spot
// ---------------------------------------------------------------------------------------

fn gke_pools() -> Root {
    Root::new("cost_gke_pools")
}

#[test]
fn gke_per_zone_node_counts_are_multiplied_by_the_zones() {
    let (_, report) = gke_pools().cost_json(&[]);
    assert_eq!(
        components(&report, "google_container_node_pool.cpu"),
        vec![
            // min 1 per zone x 3 node_locations, with n2's full-month sustained-use
            // discount of 20%: $0.3885 x 0.80 = $0.3108; 2,190 h = $680.652.
            line(
                "Instance usage (on-demand, n2-standard-8)",
                "0.3108",
                "2190",
                "680.65"
            ),
            // 3 x 50 GB pd-ssd (disks get no sustained-use discount).
            line("Node boot disk (pd-ssd)", "0.17", "150", "25.50"),
        ]
    );
    // max 2 x 3 zones: 4,380 h = $1,361.304 + 300 GB = $51.00.
    assert_eq!(
        monthly(&report, "google_container_node_pool.cpu"),
        amounts("706.15", "1412.30")
    );
}

#[test]
fn gke_total_node_counts_are_not_multiplied_by_the_zones() {
    let (_, report) = gke_pools().cost_json(&[]);
    assert_eq!(
        components(&report, "google_container_node_pool.t4"),
        vec![
            // total_min_node_count 2 across both zones: 1,460 h, with n1's full-month
            // sustained-use discount of 30%: $0.19 x 0.70 = $0.133.
            line(
                "Instance usage (on-demand, n1-standard-4)",
                "0.133",
                "1460",
                "194.18"
            ),
            // An n1 machine bills its T4 separately, with the same 30%: $0.35 x 0.70.
            line(
                "GPU usage (on-demand, nvidia-tesla-t4)",
                "0.245",
                "1460",
                "357.70"
            ),
            line("Node boot disk (pd-balanced)", "0.10", "200", "20.00"),
        ]
    );
    // total_max_node_count 10: 7,300 h x ($0.133 + $0.245) = $2,759.40 + 1,000 GB = $100.00.
    assert_eq!(
        monthly(&report, "google_container_node_pool.t4"),
        amounts("571.88", "2859.40")
    );
}

#[test]
fn a_gke_spot_pool_is_priced_at_the_listed_spot_price_in_the_cluster_zones() {
    let (_, report) = gke_pools().cost_json(&[]);
    assert_eq!(
        components(&report, "google_container_node_pool.l4_spot"),
        vec![
            // node_count 1 in each of the cluster's 3 zones; the L4 is part of g2's price.
            line(
                "Instance usage (spot, g2-standard-8)",
                "0.27",
                "2190",
                "591.30"
            ),
            // GKE's default boot disk: 100 GB pd-balanced per node.
            line("Node boot disk (pd-balanced)", "0.10", "300", "30.00"),
        ]
    );
    assert_eq!(
        monthly(&report, "google_container_node_pool.l4_spot"),
        amounts("621.30", "621.30")
    );
}

#[test]
fn gke_totals_include_the_cluster_fee() {
    let (_, report) = gke_pools().cost_json(&[]);
    assert_eq!(
        monthly(&report, "google_container_cluster.serving"),
        amounts("73.00", "73.00")
    );
    // 73 + 706.152 + 571.88 + 621.30 = 1,972.332; 73 + 1,412.304 + 2,859.40 + 621.30 =
    // 4,966.004.
    assert_eq!(
        totals(&report),
        &json!({
            "baseline": "1972.33", "ceiling": "4966.00",
            "priced": 4, "incomplete": 0, "unknown": 0, "depends_on_usage": 0,
        })
    );
}

// ---------------------------------------------------------------------------------------
// cost_usage: aicost-usage.yml (type defaults, name[*] wildcards, exact addresses)
// ---------------------------------------------------------------------------------------

fn usage_root() -> Root {
    Root::new("cost_usage")
}

#[test]
fn stored_gigabytes_come_from_the_usage_file() {
    let (code, report) = usage_root().cost_json(&[]);
    assert_eq!(code, 0);
    // 50,000 GB x $0.023.
    assert_eq!(
        components(&report, "aws_s3_bucket.datasets"),
        vec![line("Storage (STANDARD)", "0.023", "50000", "1150.00")]
    );
    // shards[*] gives 1,000 GB to every shard; the exact address gives shard 1 3,000 GB.
    assert_eq!(
        monthly(&report, "aws_s3_bucket.shards[0]"),
        amounts("23.00", "23.00")
    );
    assert_eq!(
        monthly(&report, "aws_s3_bucket.shards[1]"),
        amounts("69.00", "69.00")
    );
}

#[test]
fn storage_without_usage_depends_on_usage_and_shows_its_unit_price() {
    let (_, report) = usage_root().cost_json(&[]);
    let scratch = estimate(&report, "aws_s3_bucket.scratch");
    assert_eq!(scratch["complete"], true, "usage is not a missing price");
    assert_eq!(scratch["baseline"], "0.00");
    assert_eq!(
        scratch["components"][0],
        json!({
            "name": "Storage (STANDARD)", "unit": "GB-months", "unit_price": "0.023",
            "quantity": null, "ceiling_quantity": null, "monthly": null,
            "ceiling_monthly": null, "usage_based": true, "missing": null,
        })
    );
    let table = usage_root().cost_text(&[]).stdout;
    let row = table
        .lines()
        .find(|l| l.starts_with("aws_s3_bucket.scratch "))
        .unwrap();
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(
        cells,
        [
            "aws_s3_bucket.scratch",
            "aws_s3_bucket",
            "1",
            "$0.023",
            "per",
            "GB-month",
            "usage",
            "usage"
        ]
    );
    assert!(table.contains(", 1 depending on usage;"), "{table}");
}

#[test]
fn notebook_hours_come_from_type_defaults_and_addresses() {
    let (_, report) = usage_root().cost_json(&[]);
    // The type default: 160 h x $1.4084 = $225.344.
    assert_eq!(
        components(&report, "aws_sagemaker_notebook_instance.research"),
        vec![line(
            "Instance usage (on-demand, ml.g5.xlarge)",
            "1.4084",
            "160",
            "225.34"
        )]
    );
    assert!(has_note(
        &report,
        "aws_sagemaker_notebook_instance.research",
        "160 hours a month, from the usage file"
    ));
    // The address wins over the type default: 40 h x $0.23.
    assert_eq!(
        monthly(&report, "aws_sagemaker_notebook_instance.intern"),
        amounts("9.20", "9.20")
    );
}

#[test]
fn a_sagemaker_endpoint_runs_all_month() {
    let (_, report) = usage_root().cost_json(&[]);
    // Not a notebook: 2 instances x 730 h x $1.515.
    assert_eq!(
        components(&report, "aws_sagemaker_endpoint_configuration.summarizer"),
        vec![line(
            "Instance usage (on-demand, ml.g5.2xlarge, variant primary)",
            "1.515",
            "1460",
            "2211.90"
        )]
    );
    // 1,150 + 0 + 23 + 69 + 2,211.90 + 9.20 + 225.344 = 3,688.444.
    assert_eq!(
        totals(&report),
        &json!({
            "baseline": "3688.44", "ceiling": "3688.44",
            "priced": 7, "incomplete": 0, "unknown": 0, "depends_on_usage": 1,
        })
    );
}

#[test]
fn a_mistyped_usage_key_is_an_error_with_a_suggestion() {
    let tmp = tempfile::tempdir().unwrap();
    let usage = write(
        tmp.path(),
        "aicost-usage.yml",
        "version: 1\nresources:\n  aws_s3_bucket.datasets:\n    storage_gbs: 50000\n",
    );
    let usage = usage.to_str().unwrap();
    let run = usage_root().cost_text(&["--usage-file", usage]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(&format!(
            "{usage}:4: unknown key `storage_gbs` in the usage file"
        )),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `storage_gb`?"),
        "{}",
        run.stderr
    );
    // `check` reports it as an input error too.
    let run = usage_root().run("check", &["--format", "json", "--usage-file", usage]);
    assert_eq!(run.code, 2);
    let errors = &parse_report(&run)["errors"];
    assert_eq!(
        errors[0]["message"],
        "unknown key `storage_gbs` in the usage file"
    );
    assert_eq!(errors[0]["help"], "did you mean `storage_gb`?");
    assert_eq!(errors[0]["line"], 4);
}

// ---------------------------------------------------------------------------------------
// cost_ai_services: Azure OpenAI tokens, Bedrock provisioned throughput
// ---------------------------------------------------------------------------------------

fn ai_services() -> Root {
    Root::new("cost_ai_services")
}

#[test]
fn an_azure_openai_deployment_is_priced_per_token_of_its_model_version() {
    let (_, report) = ai_services().cost_json(&[]);
    assert_eq!(
        components(&report, "azurerm_cognitive_deployment.chat"),
        vec![
            // 400M input tokens x $2.75 per 1M.
            line("Input tokens (gpt-4o)", "2.75", "400", "1100.00"),
            // 50M output tokens x $11 per 1M.
            line("Output tokens (gpt-4o)", "11.00", "50", "550.00"),
        ]
    );
    assert!(has_note(
        &report,
        "azurerm_cognitive_deployment.chat",
        "token prices of azure/gpt-4o-2024-11-20"
    ));
    assert_eq!(
        monthly(&report, "azurerm_cognitive_deployment.chat"),
        amounts("1650.00", "1650.00")
    );
}

#[test]
fn bedrock_provisioned_throughput_is_priced_from_a_configured_override() {
    let (_, report) = ai_services().cost_json(&[]);
    assert_eq!(
        components(&report, "aws_bedrock_provisioned_model_throughput.claude"),
        vec![line(
            "Provisioned throughput (anthropic.claude-instant-v1:2:100k)",
            "39.60",
            // 2 model units x 730 h x $39.60 (the us-east-1 override).
            "1460",
            "57816.00"
        )]
    );
    assert!(has_note(
        &report,
        "aws_bedrock_provisioned_model_throughput.claude",
        "anthropic.claude-instant-v1:2:100k priced from the configuration"
    ));
}

const TITAN_UNKNOWN: &str = "price unknown: AWS publishes no offline list price for provisioned throughput of amazon.titan-text-express-v1:0:8k; set one in [[pricing.overrides]] (provider = \"aws\", item = \"amazon.titan-text-express-v1:0:8k\")";

#[test]
fn bedrock_throughput_without_a_configured_price_is_price_unknown() {
    let (_, report) = ai_services().cost_json(&[]);
    let titan = estimate(&report, "aws_bedrock_provisioned_model_throughput.titan");
    assert_eq!(titan["complete"], false);
    assert_eq!(titan["missing"], json!([TITAN_UNKNOWN]));
    let c = &titan["components"][0];
    assert_eq!(
        (&c["unit_price"], &c["monthly"], &c["missing"]),
        (&Value::Null, &Value::Null, &json!(TITAN_UNKNOWN))
    );
    // 57,816 + 1,650; one estimate is incomplete.
    assert_eq!(totals(&report)["baseline"], "59466.00");
    assert_eq!(totals(&report)["incomplete"], 1);
}

#[test]
fn an_unpriced_bedrock_model_fails_aic_cost_001_and_leaves_aic_cost_002_unknown() {
    let root = ai_services();
    let (code, report) = root.check_json();
    assert_eq!(code, 1);
    let titan = "aws_bedrock_provisioned_model_throughput.titan";
    assert_eq!(
        findings_of(&report),
        vec![
            root.finding(
                "AIC-COST-001",
                "fail",
                titan,
                "main.tf:82",
                &format!("{titan} has no complete cost estimate: {TITAN_UNKNOWN}"),
            ),
            root.finding(
                "AIC-COST-002",
                "unknown",
                titan,
                "main.tf:82",
                &format!("cannot decide AIC-COST-002 for {titan}: monthly_cost_ceiling is unknown"),
            ),
        ]
    );
}

// ---------------------------------------------------------------------------------------
// cost_pricing_config: [[pricing.discounts]] and [pricing] spot_factors
// ---------------------------------------------------------------------------------------

fn pricing_config() -> Root {
    Root::new("cost_pricing_config")
}

#[test]
fn a_discount_applies_to_every_amount_of_the_provider_it_names() {
    let (_, report) = pricing_config().cost_json(&[]);
    // 12.5% off AWS: 730 h x $0.192 = $140.16 x 0.875.
    assert_eq!(
        monthly(&report, "aws_instance.app"),
        amounts("122.64", "122.64")
    );
    assert!(has_note(
        &report,
        "aws_instance.app",
        "12.5% enterprise agreement discount applied"
    ));
    // Google is not discounted by the AWS agreement, only by its own full-month
    // sustained-use discount (n2, 20%): 730 h x $0.3885 x 0.80 = $226.884, + the image's
    // 10 GB pd-standard $0.40.
    assert_eq!(
        monthly(&report, "google_compute_instance.api"),
        amounts("227.28", "227.28")
    );
    // 122.64 + 389.0495 + 227.284 = 738.9735; 122.64 + 778.099 + 227.284 = 1,128.023.
    assert_eq!(
        totals(&report),
        &json!({
            "baseline": "738.97", "ceiling": "1128.02",
            "priced": 3, "incomplete": 0, "unknown": 0, "depends_on_usage": 0,
        })
    );
}

#[test]
fn a_configured_spot_factor_replaces_the_catalog_factor() {
    let (_, report) = pricing_config().cost_json(&[]);
    let spot = "aws_eks_node_group.batch_spot";
    assert_eq!(
        components(&report, spot),
        vec![
            // $1.006 x 0.3 (configured, not the catalog's 0.4) x 0.875 (discount) =
            // $0.264075; desired 2: 1,460 h = $385.5495.
            line(
                "Instance usage (spot, g5.xlarge)",
                "0.264075",
                "1460",
                "385.55"
            ),
            // 40 GB x $0.10 x 0.875.
            line("Node storage (gp2)", "0.0875", "40", "3.50"),
        ]
    );
    assert!(has_note(
        &report,
        spot,
        "spot priced at 0.3 × on-demand (configured factor)"
    ));
    // max 4: (2,920 h x $0.3018 + 80 GB x $0.10) x 0.875 = $778.099.
    assert_eq!(monthly(&report, spot), amounts("389.05", "778.10"));
}

#[test]
fn group_by_provider_subtotals_each_provider() {
    let (_, report) = pricing_config().cost_json(&["--group-by", "provider"]);
    assert_eq!(
        report["groups"],
        json!([
            {
                "key": "aws",
                "resources": ["aws_eks_node_group.batch_spot", "aws_instance.app"],
                // 389.0495 + 122.64; 778.099 + 122.64.
                "monthly_cost": {
                    "baseline": "511.69", "ceiling": "900.74",
                    "priced": 2, "incomplete": 0, "unknown": 0, "depends_on_usage": 0,
                },
            },
            {
                "key": "google",
                "resources": ["google_compute_instance.api"],
                // n2 sustained-use discount: 730 x 0.3885 x 0.80 + 0.40 = 227.284.
                "monthly_cost": {
                    "baseline": "227.28", "ceiling": "227.28",
                    "priced": 1, "incomplete": 0, "unknown": 0, "depends_on_usage": 0,
                },
            },
        ])
    );
}

// ---------------------------------------------------------------------------------------
// cost_incomplete: an unknown type, an unresolved variable, a region the catalog lacks
// ---------------------------------------------------------------------------------------

fn incomplete() -> Root {
    Root::new("cost_incomplete")
}

const P9_UNKNOWN: &str =
    "price unknown: p9.mega is not in the AWS EC2 price table (as of 2026-07-20)";
const VAR_X_UNKNOWN: &str = "instance_type is unknown: var.x has no default";

#[test]
fn an_unknown_instance_type_is_price_unknown_never_zero() {
    let (_, report) = incomplete().cost_json(&[]);
    let e = estimate(&report, "aws_instance.prototype");
    assert_eq!(e["complete"], false);
    assert_eq!(e["missing"], json!([P9_UNKNOWN]));
    assert_eq!(
        components(&report, "aws_instance.prototype"),
        vec![json!([
            "Instance usage (on-demand, p9.mega)",
            null,
            "730",
            null
        ])]
    );
}

#[test]
fn a_variable_without_a_value_makes_the_estimate_incomplete_and_names_it() {
    let (_, report) = incomplete().cost_json(&[]);
    let e = estimate(&report, "aws_instance.from_var");
    assert_eq!(e["complete"], false);
    assert_eq!(e["missing"], json!([VAR_X_UNKNOWN]));
    assert_eq!(e["components"][0]["unit_price"], Value::Null);
    // Given a value, the estimate is complete: m5.xlarge, 730 h x $0.192.
    let (_, report) = incomplete().cost_json(&["--var", "x=m5.xlarge"]);
    assert_eq!(
        monthly(&report, "aws_instance.from_var"),
        amounts("140.16", "140.16")
    );
}

#[test]
fn a_region_missing_from_the_catalog_is_unknown_and_names_the_reference_rate() {
    let (_, report) = incomplete().cost_json(&[]);
    // eu-west-1 is not in the EC2 table: no price, never us-east-1's $0.192 called
    // eu-west-1's (that would be $140.16).
    let dublin = estimate(&report, "aws_instance.dublin");
    assert_eq!(
        (&dublin["baseline"], &dublin["ceiling"], &dublin["complete"]),
        (&json!("0.00"), &json!("0.00"), &json!(false))
    );
    assert_eq!(dublin["missing"], json!([DUBLIN_UNKNOWN]));
    // No amount anywhere: three estimates are unknown (so none is priced) and incomplete.
    assert_eq!(
        totals(&report),
        &json!({
            "baseline": "0.00", "ceiling": "0.00",
            "priced": 0, "incomplete": 3, "unknown": 3, "depends_on_usage": 0,
        })
    );
}

/// Why Dublin's m5.xlarge has no price: the catalog lists EC2 in us-east-1 only.
const DUBLIN_UNKNOWN: &str = "price unknown: the catalog's aws_ec2_ondemand table has no price in eu-west-1 (in us-east-1 it is $0.192/hour); set region_fallback = true under [pricing] to use that rate as an assumption";

#[test]
fn incomplete_estimates_fail_aic_cost_001_naming_what_is_missing() {
    let root = incomplete();
    let (code, report) = root.check_json();
    assert_eq!(code, 1);
    let cost_findings: Vec<Value> = findings_of(&report)
        .into_iter()
        .filter(|f| f["policy_id"].as_str().unwrap().starts_with("AIC-COST"))
        .collect();
    let ceiling_unknown = |address: &str, at: &str| {
        root.finding(
            "AIC-COST-002",
            "unknown",
            address,
            at,
            &format!("cannot decide AIC-COST-002 for {address}: monthly_cost_ceiling is unknown"),
        )
    };
    assert_eq!(
        cost_findings,
        vec![
            root.finding(
                "AIC-COST-001",
                "fail",
                "aws_instance.prototype",
                "main.tf:45",
                &format!("aws_instance.prototype has no complete cost estimate: {P9_UNKNOWN}"),
            ),
            ceiling_unknown("aws_instance.prototype", "main.tf:45"),
            root.finding(
                "AIC-COST-001",
                "fail",
                "aws_instance.from_var",
                "main.tf:50",
                &format!("aws_instance.from_var has no complete cost estimate: {VAR_X_UNKNOWN}"),
            ),
            ceiling_unknown("aws_instance.from_var", "main.tf:50"),
            root.finding(
                "AIC-COST-001",
                "fail",
                "aws_instance.dublin",
                "main.tf:57",
                &format!("aws_instance.dublin has no complete cost estimate: {DUBLIN_UNKNOWN}"),
            ),
            ceiling_unknown("aws_instance.dublin", "main.tf:57"),
        ]
    );
    // The summary says the total is a lower bound.
    let text = root.run("check", &[]).stdout;
    assert!(
        text.ends_with(", at least $0.00/month (ceiling at least $0.00)\n"),
        "{text}"
    );
}

// ---------------------------------------------------------------------------------------
// cost_budgets: [[budget]] caps by tag
// ---------------------------------------------------------------------------------------

fn budgets() -> Root {
    Root::new("cost_budgets")
}

fn members(root: &str, addresses: &[&str]) -> Vec<String> {
    addresses.iter().map(|a| format!("{root}:{a}")).collect()
}

#[test]
fn a_budget_over_its_limit_fails_and_one_past_its_warning_share_warns() {
    let root = budgets();
    let (code, report) = root.check_json();
    assert_eq!(code, 1, "the training budget fails the run");
    assert_eq!(
        findings_of(&report),
        vec![
            // 4 x p4d.24xlarge: 4 x 730 h x $21.957642 = $64,116.31464, 128% of $50,000.
            root.finding(
                "AIC-BUDGET-001",
                "fail",
                "budget.training",
                "aicost-policy.toml:1",
                "budget training is projected to cost $64,116.31 a month, over its limit of $50,000.00 (128%)",
            ),
            // 2 x g5.2xlarge: 2 x 730 h x $1.212 = $1,769.52, over 0.8 x $2,000.
            root.finding(
                "AIC-BUDGET-002",
                "fail",
                "budget.inference",
                "aicost-policy.toml:6",
                "budget inference is projected to cost $1,769.52 a month, 88% of its limit of $2,000.00 (warning above $1,600.00)",
            ),
        ]
    );
    let severities: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| &f["severity"])
        .collect();
    assert_eq!(severities, [&json!("high"), &json!("info")]);
    let root_dir = root.dir.as_str();
    let config = root.path("aicost-policy.toml");
    assert_eq!(
        report["budgets"],
        json!([
            {
                "name": "training", "monthly_cost": "64116.31", "ceiling": "64116.31",
                "limit": "50000.00", "warn_at": "40000.00", "percent_used": "128",
                "complete": true,
                "resources": members(root_dir, &[
                    "aws_instance.trainer[0]", "aws_instance.trainer[1]",
                    "aws_instance.trainer[2]", "aws_instance.trainer[3]",
                ]),
                "maybe_resources": [], "missing": [], "file": config, "line": 1,
            },
            {
                "name": "inference", "monthly_cost": "1769.52", "ceiling": "1769.52",
                "limit": "2000.00", "warn_at": "1600.00", "percent_used": "88",
                "complete": true,
                "resources": members(root_dir, &["aws_instance.inference[0]", "aws_instance.inference[1]"]),
                "maybe_resources": [], "missing": [], "file": config, "line": 6,
            },
            // The EKS control plane, $73.00: under half of $1,000.
            {
                "name": "platform", "monthly_cost": "73.00", "ceiling": "73.00",
                "limit": "1000.00", "warn_at": "500.00", "percent_used": "7",
                "complete": true,
                "resources": members(root_dir, &["aws_eks_cluster.platform"]),
                "maybe_resources": [], "missing": [], "file": config, "line": 11,
            },
        ])
    );
}

#[test]
fn the_text_report_shows_each_budget_as_used_of_limit() {
    let run = budgets().run("check", &[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.ends_with(
            "\nbudget training: $64,116.31 of $50,000.00 a month (128%), 4 resources in scope\n\
             budget inference: $1,769.52 of $2,000.00 a month (88%), 2 resources in scope\n\
             budget platform: $73.00 of $1,000.00 a month (7%), 1 resource in scope\n\
             \n  7 resources, 18 policies, 1 failed finding (1 policy), 1 notice, 0 unknown, $65,958.83/month (ceiling $65,958.83)\n"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn group_by_a_tag_subtotals_each_value() {
    let (_, report) = budgets().cost_json(&["--group-by", "tag:team"]);
    let group = |key: &str, resources: &[&str], amount: &str| {
        json!({
            "key": key,
            "resources": resources,
            "monthly_cost": {
                "baseline": amount, "ceiling": amount,
                "priced": resources.len(), "incomplete": 0, "unknown": 0, "depends_on_usage": 0,
            },
        })
    };
    assert_eq!(
        report["groups"],
        json!([
            group(
                "inference",
                &["aws_instance.inference[0]", "aws_instance.inference[1]"],
                "1769.52"
            ),
            group("platform", &["aws_eks_cluster.platform"], "73.00"),
            group(
                "training",
                &[
                    "aws_instance.trainer[0]",
                    "aws_instance.trainer[1]",
                    "aws_instance.trainer[2]",
                    "aws_instance.trainer[3]",
                ],
                "64116.31"
            ),
        ])
    );
    let text = budgets().cost_text(&["--group-by", "tag:team"]).stdout;
    for subtotal in [
        "\ninference\n",
        "  subtotal $1,769.52 a month (ceiling $1,769.52)\n",
        "\nplatform\n",
        "  subtotal $73.00 a month (ceiling $73.00)\n",
        "\ntraining\n",
        "  subtotal $64,116.31 a month (ceiling $64,116.31)\n",
        // 64,116.31464 + 1,769.52 + 73.
        "\n  7 priced resources: $65,958.83 a month (ceiling $65,958.83); 0 not priced\n",
    ] {
        assert!(text.contains(subtotal), "{subtotal:?} not in:\n{text}");
    }
}

// ---------------------------------------------------------------------------------------
// Known bugs outside the price engine (each test states the correct behaviour)
// ---------------------------------------------------------------------------------------

#[test]
fn a_discount_over_100_percent_is_a_configuration_error() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "main.tf",
        "provider \"aws\" {\n  region = \"us-east-1\"\n}\n\nresource \"aws_instance\" \"a\" {\n  ami           = \"ami-1\"\n  instance_type = \"m5.xlarge\"\n}\n",
    );
    write(
        tmp.path(),
        "aicost-policy.toml",
        "[[pricing.discounts]]\npercent = 150\nname = \"typo\"\n",
    );
    let run = Root::at(tmp.path()).cost_text(&[]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stderr.contains("percent"), "{}", run.stderr);
}

#[test]
fn the_cost_table_says_unknown_for_a_resource_without_any_price() {
    let table = incomplete().cost_text(&[]).stdout;
    let row = table
        .lines()
        .find(|l| l.starts_with("aws_instance.prototype "))
        .unwrap();
    let cells: Vec<&str> = row.split_whitespace().collect();
    // address, type, quantity, unit price, monthly, ceiling: never an amount of $0.
    assert_eq!(
        cells,
        [
            "aws_instance.prototype",
            "aws_instance",
            "1",
            "unknown",
            "unknown",
            "unknown"
        ]
    );
}

#[test]
fn every_production_variant_of_a_sagemaker_endpoint_is_priced() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "main.tf",
        r#"provider "aws" {
  region = "us-east-1"
}

resource "aws_sagemaker_endpoint_configuration" "ab" {
  name = "ab-test"

  production_variants {
    variant_name           = "current"
    model_name             = "summarizer-v1"
    instance_type          = "ml.g5.xlarge"
    initial_instance_count = 1
  }

  production_variants {
    variant_name           = "candidate"
    model_name             = "summarizer-v2"
    instance_type          = "ml.g5.2xlarge"
    initial_instance_count = 2
  }
}
"#,
    );
    let (_, report) = Root::at(tmp.path()).cost_json(&[]);
    // 730 h x $1.4084 = $1,028.132 + 1,460 h x $1.515 = $2,211.90.
    assert_eq!(
        monthly(&report, "aws_sagemaker_endpoint_configuration.ab"),
        amounts("3240.03", "3240.03")
    );
}

#[test]
fn the_default_node_pool_of_a_gke_cluster_is_priced() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "main.tf",
        r#"provider "google" {
  project = "acme"
  region  = "us-central1"
}

resource "google_container_cluster" "small" {
  name               = "small"
  location           = "us-central1-a"
  initial_node_count = 2

  node_config {
    machine_type = "e2-standard-4"
  }
}
"#,
    );
    let (_, report) = Root::at(tmp.path()).cost_json(&[]);
    // $73.00 + 2 nodes x 730 h x $0.13402 = $195.6692 + 2 x 100 GB pd-balanced = $20.00.
    assert_eq!(
        monthly(&report, "google_container_cluster.small"),
        amounts("288.67", "288.67")
    );
}
