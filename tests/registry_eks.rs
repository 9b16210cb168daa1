//! End-to-end tests of `terraform-aws-modules/eks/aws` calls understood from their inputs,
//! on the roots under `testdata/registry/eks/`, run from the crate directory:
//!
//! - `v20_platform`: v20 input names, `eks_managed_node_group_defaults` with per-group
//!   overrides, and the `eks-managed-node-group` submodule with `for_each` over a map of
//!   pools from `terraform.tfvars`; provider `default_tags` supply `cost-center`.
//! - `v21_inference`: v21 input names (`name`, `kubernetes_version`) from a git URL, managed
//!   groups from a `for` expression over a local map, a self-managed spot group with a
//!   mixed instances policy, the Karpenter submodule, and an untagged standalone
//!   self-managed group.
//! - `unknown_groups`: the map of node groups comes from a variable with no value.
//!
//! Prices (us-east-1, a month is 730 hours; AWS spot = on-demand x 0.4 from
//! `catalog/spot_factors.csv`; EKS node disks not set are 20 GB of gp2 at $0.10/GB-month):
//! m6i.large $0.096/h, m6i.xlarge $0.192/h, t3.medium $0.0416/h, g5.xlarge $1.006/h,
//! g5.2xlarge $1.212/h, g5.12xlarge $5.672/h, g6.xlarge $0.8048/h, g6e.xlarge $1.861/h,
//! EKS control plane $0.10/h ($0.60/h in extended support: Kubernetes 1.31 on TODAY).

// Test code: a failed expectation should stop the test loudly.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use crate::common;

use std::path::Path;

use serde_json::{json, Value};

use common::run::{aicost, Run};

const CRATE_DIR: &str = env!("CARGO_MANIFEST_DIR");
const TODAY: &str = "2026-11-28";

fn root(name: &str) -> String {
    format!("testdata/registry/eks/{name}")
}

fn run(args: &[&str]) -> Run {
    let mut all = args.to_vec();
    all.extend_from_slice(&["--color", "never"]);
    aicost(Path::new(CRATE_DIR), &all, &[])
}

/// `check <root> --format json`: the exit code and the report.
fn check_json(name: &str, extra: &[&str]) -> (i32, Value) {
    let dir = root(name);
    let mut args = vec!["check", dir.as_str(), "--format", "json", "--today", TODAY];
    args.extend_from_slice(extra);
    let out = run(&args);
    let report = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", out.stdout, out.stderr));
    (out.code, report)
}

/// Every resource as [address, type, file:line].
fn resources(report: &Value) -> Vec<Value> {
    report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            json!([
                r["address"],
                r["type"],
                format!("{}:{}", r["file"].as_str().unwrap(), r["line"])
            ])
        })
        .collect()
}

fn resource<'a>(report: &'a Value, address: &str) -> &'a Value {
    report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == address)
        .unwrap_or_else(|| panic!("no resource {address}"))
}

/// (baseline, ceiling) of a complete estimate.
fn monthly(report: &Value, address: &str) -> (String, String) {
    let cost = &resource(report, address)["monthly_cost"];
    assert_eq!(cost["complete"], true, "{address}: {cost:#}");
    (
        cost["baseline"].as_str().unwrap().to_string(),
        cost["ceiling"].as_str().unwrap().to_string(),
    )
}

fn amounts(baseline: &str, ceiling: &str) -> (String, String) {
    (baseline.to_string(), ceiling.to_string())
}

/// Each component as [name, unit price, baseline quantity, baseline amount].
fn components(report: &Value, address: &str) -> Vec<Value> {
    resource(report, address)["monthly_cost"]["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| json!([c["name"], c["unit_price"], c["quantity"], c["monthly"]]))
        .collect()
}

/// Each finding as [policy, status, resource, file:line, message].
fn findings(report: &Value) -> Vec<Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            json!([
                f["policy_id"],
                f["status"],
                f["resource"],
                format!("{}:{}", f["file"].as_str().unwrap(), f["line"]),
                f["message"]
            ])
        })
        .collect()
}

/// The `note:` lines of `check --verbose`.
fn notes(name: &str) -> Vec<String> {
    let dir = root(name);
    let out = run(&["check", dir.as_str(), "--verbose", "--today", TODAY]);
    out.stdout
        .lines()
        .filter(|l| l.starts_with("note:"))
        .map(str::to_string)
        .collect()
}

// ---------------------------------------------------------------------------------------
// v20_platform
// ---------------------------------------------------------------------------------------

#[test]
fn v20_groups_and_submodule_pools_become_resources_at_their_entries() {
    let (_, report) = check_json("v20_platform", &[]);
    let main = "testdata/registry/eks/v20_platform/main.tf";
    assert_eq!(
        resources(&report),
        vec![
            json!([
                "module.eks.cluster",
                "aws_eks_cluster",
                format!("{main}:12")
            ]),
            json!([
                "module.eks.eks_managed_node_groups[\"gpu\"]",
                "aws_eks_node_group",
                format!("{main}:30")
            ]),
            json!([
                "module.eks.eks_managed_node_groups[\"system\"]",
                "aws_eks_node_group",
                format!("{main}:24")
            ]),
            json!([
                "module.gpu_pool[\"a10\"].node_group",
                "aws_eks_node_group",
                format!("{main}:56")
            ]),
            json!([
                "module.gpu_pool[\"l4\"].node_group",
                "aws_eks_node_group",
                format!("{main}:56")
            ]),
        ]
    );
    assert_eq!(report["modules_not_loaded"], json!([]));
}

#[test]
fn v20_costs_follow_the_defaults_the_overrides_and_the_tfvars_pools() {
    let (_, report) = check_json("v20_platform", &[]);
    // Control plane: Kubernetes 1.31's extended support ended on 2026-11-26, so on TODAY
    // AWS has upgraded it to 1.32, in extended support: 730 h x $0.60 = $438.00.
    assert_eq!(
        monthly(&report, "module.eks.cluster"),
        amounts("438.00", "438.00")
    );
    // m6i.large from the defaults; desired 2: 2 x 730 x $0.096 = $140.16 + 2 x 20 GB x
    // $0.10 = $4.00; max 4: $280.32 + $8.00.
    assert_eq!(
        monthly(&report, "module.eks.eks_managed_node_groups[\"system\"]"),
        amounts("144.16", "288.32")
    );
    // g5.xlarge overrides the default type; desired 1: 730 x $1.006 = $734.38; the
    // disk_size of 200 is ignored (the module's launch template), so 20 GB: $2.00.
    assert_eq!(
        components(&report, "module.eks.eks_managed_node_groups[\"gpu\"]"),
        vec![
            json!([
                "Instance usage (on-demand, g5.xlarge)",
                "1.006",
                "730",
                "734.38"
            ]),
            json!(["Node storage (gp2)", "0.10", "20", "2.00"]),
        ]
    );
    // max 3: 3 x $734.38 = $2,203.14 + $6.00.
    assert_eq!(
        monthly(&report, "module.eks.eks_managed_node_groups[\"gpu\"]"),
        amounts("736.38", "2209.14")
    );
    // Spot g5.2xlarge: $1.212 x 0.4 = $0.4848/h; desired 0; max 4: 4 x 730 x $0.4848 =
    // $1,415.616 + 4 x 100 GB x $0.10 = $40.00 (disk_size applies without the module's
    // launch template).
    assert_eq!(
        monthly(&report, "module.gpu_pool[\"a10\"].node_group"),
        amounts("0.00", "1455.62")
    );
    // On-demand g6.xlarge; max 2: 2 x 730 x $0.8048 = $1,175.008 + 2 x 100 GB x $0.10.
    assert_eq!(
        monthly(&report, "module.gpu_pool[\"l4\"].node_group"),
        amounts("0.00", "1195.01")
    );
    // 438.00 + 144.16 + 736.38; ceilings 438.00 + 288.32 + 2,209.14 + 1,455.616 + 1,195.008.
    assert_eq!(
        report["summary"]["monthly_cost"],
        json!({"baseline": "1318.54", "ceiling": "5586.08", "priced": 5, "incomplete": 0, "unknown": 0})
    );
}

#[test]
fn v20_tags_merge_the_module_tags_the_group_name_and_provider_default_tags() {
    let (_, report) = check_json("v20_platform", &[]);
    assert_eq!(
        resource(&report, "module.eks.eks_managed_node_groups[\"gpu\"]")["tags"],
        json!({"Name": "gpu", "cost-center": "ml-1234", "env": "dev", "team": "ml-platform"})
    );
    assert_eq!(
        resource(&report, "module.eks.cluster")["tags"],
        json!({
            "cost-center": "ml-1234",
            "env": "dev",
            "team": "ml-platform",
            "terraform-aws-modules": "eks"
        })
    );
}

#[test]
fn v20_on_demand_gpu_pools_in_dev_fail_at_the_line_that_decides_them() {
    let (code, report) = check_json("v20_platform", &[]);
    let main = "testdata/registry/eks/v20_platform/main.tf";
    assert_eq!(code, 1);
    assert_eq!(
        findings(&report),
        vec![
            json!([
                "AIC-GPU-003",
                "fail",
                "module.eks.eks_managed_node_groups[\"gpu\"]",
                format!("{main}:32"),
                "module.eks.eks_managed_node_groups[\"gpu\"] is an accelerator pool in \
                 non-production environment dev on on-demand capacity (3 x g5.xlarge)"
            ]),
            // Its spot advice (a notice): 1 x 730 h x $1.006 (g5.xlarge) + 20 GB x $0.10 =
            // $736.38 on demand; spot at the AWS factor 0.4, 730 h x $0.4024 + $2.00 =
            // $295.752. The l4 pool runs no node at its baseline (min 0): nothing to save
            // there.
            json!([
                "AIC-SAVE-001",
                "fail",
                "module.eks.eks_managed_node_groups[\"gpu\"]",
                format!("{main}:32"),
                "module.eks.eks_managed_node_groups[\"gpu\"] in environment dev could save \
                 $440.63/month on spot capacity ($736.38/month → $295.75/month); assumed: spot \
                 price estimated as the on-demand price x 0.4, the documented aws spot factor \
                 (spot_factors.csv); no spot price is listed for g5.xlarge"
            ]),
            json!([
                "AIC-GPU-003",
                "fail",
                "module.gpu_pool[\"l4\"].node_group",
                format!("{main}:66"),
                "module.gpu_pool[\"l4\"].node_group is an accelerator pool in \
                 non-production environment dev on on-demand capacity (2 x g6.xlarge)"
            ]),
        ]
    );
    // In production the same pools pass.
    let (code, report) = check_json("v20_platform", &["--var", "env=prod"]);
    assert_eq!((code, findings(&report)), (0, Vec::<Value>::new()));
}

#[test]
fn v20_an_ignored_disk_size_is_a_note() {
    assert_eq!(
        notes("v20_platform"),
        vec![
            "note: testdata/registry/eks/v20_platform/main.tf:37: \
             module.eks.eks_managed_node_groups[\"gpu\"]: disk_size is ignored while the module \
             uses its own launch template (use_custom_launch_template defaults to true); set \
             block_device_mappings, or use_custom_launch_template = false"
        ]
    );
}

// ---------------------------------------------------------------------------------------
// v21_inference
// ---------------------------------------------------------------------------------------

#[test]
fn v21_names_for_expressions_and_self_managed_groups_are_read() {
    let (_, report) = check_json("v21_inference", &[]);
    let main = "testdata/registry/eks/v21_inference/main.tf";
    assert_eq!(
        resources(&report),
        vec![
            json!([
                "module.eks.cluster",
                "aws_eks_cluster",
                format!("{main}:28")
            ]),
            // A `for` expression has no literal entries: the groups point at the input.
            json!([
                "module.eks.eks_managed_node_groups[\"embed\"]",
                "aws_eks_node_group",
                format!("{main}:31")
            ]),
            json!([
                "module.eks.eks_managed_node_groups[\"llm\"]",
                "aws_eks_node_group",
                format!("{main}:31")
            ]),
            json!([
                "module.eks.self_managed_node_groups[\"batch\"]",
                "aws_autoscaling_group",
                format!("{main}:41")
            ]),
            json!([
                "module.eks.self_managed_node_groups[\"batch\"].launch_template",
                "aws_launch_template",
                format!("{main}:41")
            ]),
            json!([
                "module.scratch.autoscaling_group",
                "aws_autoscaling_group",
                format!("{main}:76")
            ]),
            json!([
                "module.scratch.launch_template",
                "aws_launch_template",
                format!("{main}:76")
            ]),
        ]
    );
    // The Karpenter submodule is understood (no compute), not listed as not loaded.
    assert_eq!(report["modules_not_loaded"], json!([]));
}

#[test]
fn v21_costs_of_pools_spot_mixed_groups_and_the_scratch_group() {
    let (_, report) = check_json("v21_inference", &[]);
    // g5.12xlarge desired 1: 730 x $5.672 = $4,140.56 + 20 GB x $0.10; max 2: x2.
    assert_eq!(
        monthly(&report, "module.eks.eks_managed_node_groups[\"llm\"]"),
        amounts("4142.56", "8285.12")
    );
    // g6e.xlarge desired 1: 730 x $1.861 = $1,358.53 + $2.00; max 6: $8,151.18 + $12.00.
    assert_eq!(
        monthly(&report, "module.eks.eks_managed_node_groups[\"embed\"]"),
        amounts("1360.53", "8163.18")
    );
    // 0 on-demand above a base of 0: spot, priced as the first override, m6i.xlarge:
    // $0.192 x 0.4 = $0.0768/h; desired 2: 1,460 h; max 10: 7,300 h.
    assert_eq!(
        components(&report, "module.eks.self_managed_node_groups[\"batch\"]"),
        vec![json!([
            "Instance usage (spot, m6i.xlarge)",
            "0.0768",
            "1460",
            "112.13"
        ])]
    );
    assert_eq!(
        monthly(&report, "module.eks.self_managed_node_groups[\"batch\"]"),
        amounts("112.13", "560.64")
    );
    // The submodule's desired 1 and the given max 2: 730 x $0.0416 = $30.368.
    assert_eq!(
        monthly(&report, "module.scratch.autoscaling_group"),
        amounts("30.37", "60.74")
    );
    // A launch template launches nothing and is not priced.
    assert_eq!(
        resource(&report, "module.scratch.launch_template")["monthly_cost"],
        Value::Null
    );
}

#[test]
fn v21_self_managed_tags_carry_the_cluster_ownership_and_group_tags() {
    let (_, report) = check_json("v21_inference", &[]);
    assert_eq!(
        resource(&report, "module.eks.self_managed_node_groups[\"batch\"]")["tags"],
        json!({
            "Name": "batch",
            "cost-center": "cc-42",
            "env": "prod",
            "k8s.io/cluster/inference": "owned",
            "kubernetes.io/cluster/inference": "owned",
            "team": "batch"
        })
    );
    // The module's launch template gets var.tags only.
    assert_eq!(
        resource(
            &report,
            "module.eks.self_managed_node_groups[\"batch\"].launch_template"
        )["tags"],
        json!({"cost-center": "cc-42", "env": "prod", "team": "inference"})
    );
}

#[test]
fn v21_the_untagged_scratch_group_fails_the_tag_policy() {
    let (code, report) = check_json("v21_inference", &[]);
    let at = "testdata/registry/eks/v21_inference/main.tf:76";
    assert_eq!(code, 1);
    assert_eq!(
        findings(&report),
        vec![
            json!([
                "AIC-TAG-001",
                "fail",
                "module.scratch.autoscaling_group",
                at,
                "module.scratch.autoscaling_group is missing required tags: team, cost-center, env"
            ]),
            json!([
                "AIC-TAG-001",
                "fail",
                "module.scratch.launch_template",
                at,
                "module.scratch.launch_template is missing required tags: team, cost-center, env"
            ]),
        ]
    );
}

#[test]
fn v21_karpenter_is_a_note_about_where_its_nodes_are_priced() {
    assert_eq!(
        notes("v21_inference"),
        vec![
            "note: testdata/registry/eks/v21_inference/main.tf:68: module.karpenter \
             (terraform-aws-modules/eks/aws//modules/karpenter) creates Karpenter's IAM roles, \
             SQS queue and EventBridge rules, no compute; the nodes Karpenter launches are \
             priced from the Karpenter NodePool manifests"
        ]
    );
}

// ---------------------------------------------------------------------------------------
// unknown_groups
// ---------------------------------------------------------------------------------------

#[test]
fn an_unknown_map_of_groups_is_one_resource_of_unknown_cost() {
    let (code, report) = check_json("unknown_groups", &[]);
    let at = "testdata/registry/eks/unknown_groups/main.tf:18";
    let why = "var.node_groups has no default";
    let group = resource(&report, "module.eks.eks_managed_node_groups");
    assert_eq!(
        (
            &group["line"],
            &group["compute"]["instance_type"],
            &group["compute"]["count"]["max"]
        ),
        (
            &json!(18),
            &json!({"unknown": why}),
            &json!({"unknown": why})
        )
    );
    assert_eq!(group["monthly_cost"]["complete"], false);
    assert_eq!(code, 1);
    let unknown = |policy: &str, message: &str| {
        json!([
            policy,
            "unknown",
            "module.eks.eks_managed_node_groups",
            at,
            message
        ])
    };
    assert_eq!(
        findings(&report),
        vec![
            json!([
                "AIC-COST-001",
                "fail",
                "module.eks.eks_managed_node_groups",
                at,
                format!(
                    "module.eks.eks_managed_node_groups has no complete cost estimate: \
                     instance_type is unknown: {why}; price unknown: the catalog's storage table \
                     has no price in us-west-2 (in us-east-1 it is $0.10/GB-month); set \
                     region_fallback = true under [pricing] to use that rate as an assumption; \
                     ami_type is unknown ({why}): a Windows or other licensed image would be \
                     billed above the Linux price the catalog has"
                )
            ]),
            unknown(
                "AIC-COST-002",
                "cannot decide AIC-COST-002 for module.eks.eks_managed_node_groups: \
                 monthly_cost_ceiling is unknown"
            ),
            unknown(
                "AIC-GPU-001",
                "cannot decide AIC-GPU-001 for module.eks.eks_managed_node_groups: \
                 accelerator_count, environment and instance_families are unknown"
            ),
            unknown(
                "AIC-GPU-002",
                "cannot decide AIC-GPU-002 for module.eks.eks_managed_node_groups: \
                 accelerators_max is unknown"
            ),
            unknown(
                "AIC-GPU-003",
                "cannot decide AIC-GPU-003 for module.eks.eks_managed_node_groups: \
                 accelerator_count, capacity_type and environment are unknown"
            ),
        ]
    );
}

// ---------------------------------------------------------------------------------------
// wrong_type
// ---------------------------------------------------------------------------------------

#[test]
fn a_list_of_groups_is_an_input_error_that_says_how_to_write_it() {
    let (code, report) = check_json("wrong_type", &[]);
    assert_eq!(code, 2);
    assert_eq!(
        report["errors"],
        json!([{
            "file": "testdata/registry/eks/wrong_type/main.tf",
            "line": 12,
            "column": 3,
            "message": "eks_managed_node_groups of module.eks is a list, not a map of node groups",
            "help": "write eks_managed_node_groups = { name = { instance_types = [...], \
                     min_size = ..., max_size = ... } }"
        }])
    );
    // The cluster is still read.
    assert_eq!(
        resources(&report),
        vec![json!([
            "module.eks.cluster",
            "aws_eks_cluster",
            "testdata/registry/eks/wrong_type/main.tf:9"
        ])]
    );
}
