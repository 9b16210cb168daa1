//! End-to-end tests of what the `cost` report says about each resource beyond its amount:
//! the resources that are not priced and why, estimates without any amount (not counted as
//! priced), the unit price of the component that costs most, plurals, and "at least" on
//! both totals of a partial estimate wherever they are shown. Amounts are worked out from
//! the catalog in the comments (730 hours a month).

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use crate::common;

use std::path::Path;

use common::run::{aicost, Run};
use serde_json::{json, Value};

const CRATE_DIR: &str = env!("CARGO_MANIFEST_DIR");
const TODAY: &str = "2026-11-28";
const NOT_PRICED: &str = "testdata/terraform/cost_not_priced";

fn run(args: &[&str]) -> Run {
    let mut all = args.to_vec();
    all.extend_from_slice(&["--color", "never"]);
    aicost(Path::new(CRATE_DIR), &all, &[])
}

fn cost_json(path: &str) -> Value {
    let r = run(&["cost", path, "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

// p4d.24xlarge $21.957642/h x 730 = $16,029.08 + 500 GB gp3 x $0.08 = $16,069.08;
// m5.xlarge $0.192/h x 730 = $140.16, its disk unknown. Together $16,209.24.
const NOT_PRICED_TABLE: &str = "\
RESOURCE                TYPE          QUANTITY  UNIT PRICE              MONTHLY     CEILING
aws_instance.prototype  aws_instance  1         unknown                 unknown     unknown
    missing: price unknown: p9.mega is not in the AWS EC2 price table (as of 2026-07-20)
aws_instance.scratch    aws_instance  1         $0.192 per hour        ≥$140.16    ≥$140.16
    missing: volume_size is unknown: var.scratch_gb has no default
aws_instance.trainer    aws_instance  1         $21.957642 per hour  $16,069.08  $16,069.08

  2 priced resources: at least $16,209.24 a month (ceiling at least $16,209.24), 1 with an incomplete estimate (≥); 1 with cost unknown; 10 not priced

Not priced:
  aws_cloudwatch_log_group.audit, aws_cloudwatch_log_group.eval, aws_cloudwatch_log_group.serving and 1 more: not priced by aicost-policy (no price model for aws_cloudwatch_log_group)
  aws_nat_gateway.egress: not priced by aicost-policy (no price model for aws_nat_gateway)
  5 resources with no charge: aws_iam_role (2), aws_iam_role_policy_attachment, aws_launch_template, aws_security_group
";

#[test]
fn the_cost_table_names_what_is_not_priced_and_why() {
    let r = run(&["cost", NOT_PRICED]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, NOT_PRICED_TABLE);
    assert_eq!(r.stderr, "");
}

#[test]
fn the_json_cost_report_lists_every_resource_not_priced_with_its_reason() {
    let report = cost_json(NOT_PRICED);
    let entry = |address: &str, line: u32, free: bool| {
        let (kind, _) = address.split_once('.').unwrap();
        let reason = if free {
            "no charge".to_string()
        } else {
            format!("not priced by aicost-policy (no price model for {kind})")
        };
        json!({
            "address": address,
            "root": NOT_PRICED,
            "type": kind,
            "file": format!("{NOT_PRICED}/main.tf"),
            "line": line,
            "no_charge": free,
            "reason": reason,
        })
    };
    assert_eq!(
        report["not_priced"],
        json!([
            entry("aws_cloudwatch_log_group.audit", 49, false),
            entry("aws_cloudwatch_log_group.eval", 45, false),
            entry("aws_cloudwatch_log_group.serving", 41, false),
            entry("aws_cloudwatch_log_group.training", 37, false),
            entry("aws_iam_role.cluster", 18, true),
            entry("aws_iam_role.node", 13, true),
            entry("aws_iam_role_policy_attachment.node_worker", 23, true),
            entry("aws_launch_template.gpu", 32, true),
            entry("aws_nat_gateway.egress", 53, false),
            entry("aws_security_group.nodes", 28, true),
        ])
    );
    // The unknown estimate is not priced, but its incompleteness still makes the totals
    // lower bounds.
    assert_eq!(
        report["summary"],
        json!({
            "resources": 13,
            "monthly_cost": {
                "baseline": "16209.24", "ceiling": "16209.24",
                "priced": 2, "incomplete": 2, "unknown": 1, "depends_on_usage": 0,
            },
        })
    );
}

#[test]
fn a_single_resource_with_no_charge_is_named() {
    let r = run(&["cost", "testdata/terraform/cost_aws_pools"]);
    assert!(
        r.stdout
            .ends_with("; 1 not priced\n\nNot priced:\n  aws_launch_template.workers: no charge\n"),
        "{}",
        r.stdout
    );
}

// A NodePool without limits has no amount: it is listed, not counted as priced. Each unit
// price is the rate of the component that costs most: the InferenceService's L4 at
// $0.56004 per GPU-hour ($408.83 of its $621.52), not its vCPUs.
const K8S_PLATFORM_TABLE: &str = "\
RESOURCE                                        TYPE              QUANTITY    UNIT PRICE                  MONTHLY      CEILING
DaemonSet/gpu-operator/dcgm-exporter            DaemonSet         6           $0.031611 per vCPU-hour      $43.89       $43.89
NodePool/inference-l40s                         NodePool          -           $15.06559 per node-hour       $0.00   $87,983.05
NodePool/research-h100                          NodePool          -           unknown                     unknown      unknown
    missing: the node pool sets no spec.limits, so nothing bounds what it can launch
LiteLLMRoute/claude-sonnet                      LiteLLMRoute      -           $15.00 per 1M tokens        $810.00      $810.00
LiteLLMRoute/gpt-4o                             LiteLLMRoute      -           $2.50 per 1M tokens       $1,600.00    $1,600.00
Deployment/assistants/vllm-llama-70b            Deployment        2 (max 30)  $10.978821 per pod-hour  $16,029.08  $240,436.18
    assumed: p4d.24xlarge priced at its us-east-1 rate: a manifest does not name its region
InferenceService/chat-dev/chat-llama/predictor  InferenceService  1 (max 3)   $0.56004 per GPU-hour       $621.52    $1,864.55
StatefulSet/search/text-embeddings              StatefulSet       2           $0.11 per GPU-hour          $190.45      $190.45
RayCluster/research/finetune/head               RayCluster        1           $0.031611 per vCPU-hour     $141.79      $141.79
RayCluster/research/finetune/worker:h100        RayCluster        1 (max 2)   $22.016 per pod-hour     $16,071.68   $32,143.36
    assumed: spot price estimated as the on-demand price x 0.4, the documented aws spot factor (spot_factors.csv); no spot price is listed for p5.48xlarge
    assumed: p5.48xlarge priced at its us-east-1 rate: a manifest does not name its region

  9 priced resources: at least $35,508.41 a month (ceiling at least $365,213.27); 1 with cost unknown; 0 not priced
";

#[test]
fn an_estimate_without_any_amount_is_listed_as_unknown_not_priced() {
    let r = run(&["cost", "testdata/k8s_platform"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, K8S_PLATFORM_TABLE);
    let report = cost_json("testdata/k8s_platform");
    assert_eq!(
        report["summary"]["monthly_cost"],
        json!({
            "baseline": "35508.41", "ceiling": "365213.27",
            "priced": 9, "incomplete": 1, "unknown": 1, "depends_on_usage": 0,
        })
    );
    assert_eq!(report["not_priced"], json!([]));
}

#[test]
fn one_priced_resource_is_singular() {
    let r = run(&["cost", "testdata/regions/ireland_fallback"]);
    assert!(
        r.stdout.ends_with(
            "\n  1 priced resource: $16,029.08 a month (ceiling $16,029.08); 0 not priced\n"
        ),
        "{}",
        r.stdout
    );
}

#[test]
fn a_partial_total_says_at_least_of_its_ceiling_too() {
    let check = run(&["check", NOT_PRICED, "--today", TODAY]);
    assert!(
        check.stdout.ends_with(
            "\n  13 resources, 18 policies, 14 failed findings (2 policies), 2 unknown, at least $16,209.24/month (ceiling at least $16,209.24)\n"
        ),
        "{}",
        check.stdout
    );
    let markdown = run(&[
        "check", NOT_PRICED, "--today", TODAY, "--format", "markdown",
    ]);
    assert_eq!(
        markdown.stdout.lines().nth(2),
        Some("13 resources, at least $16,209.24 / month (ceiling at least $16,209.24); 18 policies: 14 failed findings (2 policies), 2 unknown, 0 suppressed.")
    );
    let empty = tempfile::tempdir().unwrap();
    let base = empty.path().to_str().unwrap();
    let diff = run(&[
        "diff",
        "testdata/unnamed_gpu/deployment.yaml",
        "--base-path",
        base,
        "--today",
        TODAY,
    ]);
    assert!(
        diff.stdout.contains(
            "\n  monthly cost $0.00 → at least $3,060.49 (+$3,060.49), ceiling $0.00 → at least $3,060.49 (+$3,060.49)\n"
        ),
        "{}",
        diff.stdout
    );
}

#[test]
fn addresses_and_types_not_priced_are_escaped() {
    let r = run(&["cost", "--plan", "testdata/hostile/unpriced/plan.json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "\
RESOURCE  TYPE  QUANTITY  UNIT PRICE  MONTHLY  CEILING

  0 priced resources: $0.00 a month (ceiling $0.00); 2 not priced

Not priced:
  aws_x\\u{1b}[2J.evil: not priced by aicost-policy (no price model for aws_x\\u{1b}[2J)
  aws_iam_role.r: no charge
"
    );
}

#[test]
fn what_an_estimate_lacks_is_escaped_under_its_row() {
    let r = run(&["cost", "testdata/hostile/controls/infra"]);
    assert_eq!(
        r.stdout,
        "\
RESOURCE              TYPE          QUANTITY  UNIT PRICE  MONTHLY  CEILING
aws_instance.trainer  aws_instance  1         unknown     unknown  unknown
    assumed: the region is unknown (provider \"aws\" sets no region (it comes from AWS_REGION when Terraform runs)); priced at us-east-1 rates
    missing: price unknown: p5.48xlarge\\u{1b}[2J\\u{1b}[H\\u{d}\\u{a}  0 resources, 0 policies, 0 failed, 0 unknown is not in the AWS EC2 price table (as of 2026-07-20)

  0 priced resources: at least $0.00 a month (ceiling at least $0.00); 1 with cost unknown; 0 not priced
"
    );
}

#[test]
fn a_partial_estimate_shows_its_first_missing_reason_and_how_many_more() {
    let r = run(&["cost", "testdata/kubernetes/nim"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // The GPU is priced: 730 h x $0.2231 = $162.86, two pods at most $325.73; its CPU and
    // memory are not.
    assert_eq!(
        r.stdout,
        "\
RESOURCE                             TYPE        QUANTITY   UNIT PRICE             MONTHLY   CEILING
NIMService/nim-service/llama-3-2-1b  NIMService  1 (max 2)  $0.2231 per GPU-hour  ≥$162.86  ≥$325.73
    missing: the CPU request is unknown: spec.resources of NIMService llama-3-2-1b sets no cpu requests or limits (and 1 more)

  1 priced resource: at least $162.86 a month (ceiling at least $325.73), 1 with an incomplete estimate (≥); 0 not priced
"
    );
}

#[test]
fn rows_of_one_address_in_two_roots_say_their_root() {
    // The same Deployment in `unnamed_gpu/` and `unnamed_gpu/assumed/`: without the root
    // the two rows would read the same.
    let r = run(&["cost", "testdata/unnamed_gpu"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.contains("Deployment  "))
        .map(|l| l.split("  ").next().unwrap())
        .collect();
    assert_eq!(
        rows,
        vec![
            "testdata/unnamed_gpu:Deployment/inference/tgi-mixtral",
            "testdata/unnamed_gpu/assumed:Deployment/inference/tgi-mixtral",
        ]
    );
    // An address held once keeps its plain form.
    let one = run(&["cost", "testdata/unnamed_gpu/assumed"]);
    assert!(
        one.stdout
            .lines()
            .nth(1)
            .unwrap()
            .starts_with("Deployment/inference/tgi-mixtral  "),
        "{}",
        one.stdout
    );
}
