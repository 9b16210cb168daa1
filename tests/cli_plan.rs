//! End-to-end tests of Terraform plan JSON input (`--plan`, or a PATH that is plan JSON):
//! the adapted recordings in testdata/plan/adapted, run through the real binary.
//! Amounts are computed by hand from the catalog: EKS $0.10/h; m7i.xlarge $0.2016/h,
//! c7i.large $0.08925/h, g5.2xlarge $1.212/h, p5.48xlarge $55.04/h, g6e.12xlarge $10.49264/h
//! on demand (spot: x 0.4 = $4.197056/h); EKS node disks gp2 $0.10/GB-month (20 GB when
//! disk_size is not set), gp3 $0.08/GB-month; 730 hours a month.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use crate::common;

use std::path::{Path, PathBuf};

use common::git_repo::copy_dir;
use common::run::{aicost, Run};
use serde_json::{json, Value};

const TODAY: &str = "2026-11-28";

/// What pricing the plans' EKS cluster (Kubernetes 1.31) on TODAY assumes.
const EKS_1_31: &str = "Kubernetes 1.31's extended support ended on 2026-11-26: by 2026-11-28 AWS has upgraded the cluster to 1.32, in extended support";
const CRATE_DIR: &str = env!("CARGO_MANIFEST_DIR");

fn testdata(rel: &str) -> PathBuf {
    Path::new(CRATE_DIR).join("testdata/plan").join(rel)
}

/// A directory outside any git repository holding copies of the named plan fixtures.
fn scratch(plans: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in plans {
        std::fs::copy(
            testdata(&format!("adapted/{name}.json")),
            dir.path().join(format!("{name}.json")),
        )
        .unwrap();
    }
    dir
}

fn json_of(run: &Run) -> Value {
    assert!(run.stderr.is_empty(), "unexpected stderr: {}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

/// (address, file, line, baseline, ceiling) of every resource.
fn resources(report: &Value) -> Vec<(String, String, u64, Value, Value)> {
    report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let cost = &r["monthly_cost"];
            (
                r["address"].as_str().unwrap().to_string(),
                r["file"].as_str().unwrap().to_string(),
                r["line"].as_u64().unwrap(),
                cost["baseline"].clone(),
                cost["ceiling"].clone(),
            )
        })
        .collect()
}

/// (policy, status, resource, line, message) of every finding.
fn findings(report: &Value) -> Vec<(String, String, String, u64, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["policy_id"].as_str().unwrap().to_string(),
                f["status"].as_str().unwrap().to_string(),
                f["resource"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn row(
    a: &str,
    file: &str,
    line: u64,
    base: &str,
    ceil: &str,
) -> (String, String, u64, Value, Value) {
    (a.into(), file.into(), line, json!(base), json!(ceil))
}

fn finding(p: &str, s: &str, r: &str, line: u64, m: &str) -> (String, String, String, u64, String) {
    (p.into(), s.into(), r.into(), line, m.into())
}

#[test]
fn the_eks_gpu_cluster_plan_is_priced_and_checked_with_its_tags_all() {
    let dir = scratch(&["create"]);
    // Detected by content: a PATH that is plan JSON.
    let run = aicost(
        dir.path(),
        &["check", "create.json", "--today", TODAY, "--format", "json"],
        &[],
    );
    assert_eq!(run.code, 1);
    let report = json_of(&run);
    let f = "create.json";
    assert_eq!(
        resources(&report),
        vec![
            // Kubernetes 1.31, past extended support on TODAY: upgraded by AWS to 1.32, in
            // extended support: 0.60 x 730
            row("aws_eks_cluster.cluster", f, 832, "438.00", "438.00"),
            // 3 x 0.2016 x 730 + 3 x 20 GB x 0.10; ceiling 6 nodes
            row(
                "aws_eks_node_group.system_pool[\"core\"]",
                f,
                1003,
                "447.50",
                "895.01"
            ),
            // 2 x 0.08925 x 730 + 2 x 20 GB x 0.10; ceiling 4 nodes
            row(
                "aws_eks_node_group.system_pool[\"ingress\"]",
                f,
                1066,
                "134.31",
                "268.61"
            ),
            // 1.212 x 730 + 200 GB gp3 x 0.08
            row("aws_instance.inference[0]", f, 895, "900.76", "900.76"),
            row("aws_instance.inference[1]", f, 949, "900.76", "900.76"),
            // spot: 1 x 4.197056 x 730 + 500 GB x 0.10; ceiling 8 nodes
            row(
                "module.gpu_pool[\"batch\"].aws_eks_node_group.node_group",
                f,
                1129,
                "3113.85",
                "24910.81"
            ),
            // 2 x 55.04 x 730 + 2 x 500 GB x 0.10; ceiling 4 nodes
            row(
                "module.gpu_pool[\"training\"].aws_eks_node_group.node_group",
                f,
                1215,
                "80458.40",
                "160916.80"
            ),
        ]
    );
    assert_eq!(
        report["summary"]["monthly_cost"],
        json!({"baseline": "86393.58", "ceiling": "189230.75", "priced": 7, "incomplete": 0, "unknown": 0})
    );
    // tags_all carries the provider's default_tags (team, cost-center): only env is missing.
    let missing_env = |r: &str, line| {
        finding(
            "AIC-TAG-001",
            "fail",
            r,
            line,
            &format!("{r} is missing required tags: env"),
        )
    };
    assert_eq!(
        findings(&report),
        vec![
            missing_env("aws_eks_cluster.cluster", 832),
            missing_env("aws_instance.inference[0]", 895),
            missing_env("aws_instance.inference[1]", 949),
            missing_env("aws_eks_node_group.system_pool[\"core\"]", 1003),
            missing_env("aws_eks_node_group.system_pool[\"ingress\"]", 1066),
            missing_env("module.gpu_pool[\"batch\"].aws_eks_node_group.node_group", 1129),
            finding(
                "AIC-COST-002",
                "fail",
                "module.gpu_pool[\"training\"].aws_eks_node_group.node_group",
                1215,
                "module.gpu_pool[\"training\"].aws_eks_node_group.node_group can cost $160,916.80 a month at maximum scale, more than the limit of $100,000.00",
            ),
            missing_env("module.gpu_pool[\"training\"].aws_eks_node_group.node_group", 1215),
        ]
    );
    let inference = &report["resources"][3];
    assert_eq!(inference["region"], "us-east-1");
    assert_eq!(
        inference["tags"],
        json!({"Name": "inference-0", "cluster": "ml-prod", "cost-center": "cc-4471", "environment": "prod", "team": "ml-platform"})
    );
    // The bootstrap token is sensitive in the plan and never printed.
    assert!(!run.stdout.contains("not-a-real-token"));
}

#[test]
fn locations_are_in_the_tf_files_when_present_and_the_root_is_not_read_twice() {
    let run = aicost(
        Path::new(CRATE_DIR),
        &[
            "check",
            "--plan",
            "testdata/plan/adapted/create.json",
            "testdata/plan/configs/eks",
            "--today",
            TODAY,
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(run.code, 1);
    let report = json_of(&run);
    let main = "testdata/plan/configs/eks/main.tf";
    let pool = "testdata/plan/configs/eks/modules/pool/main.tf";
    let places: Vec<(String, String, u64)> = resources(&report)
        .into_iter()
        .map(|(a, f, l, _, _)| (a, f, l))
        .collect();
    let place = |a: &str, f: &str, l| (a.to_string(), f.to_string(), l);
    // Seven resources: the root the plan stands for is not also evaluated from its files.
    assert_eq!(
        places,
        vec![
            place("aws_eks_cluster.cluster", main, 22),
            place("aws_eks_node_group.system_pool[\"core\"]", main, 33),
            place("aws_eks_node_group.system_pool[\"ingress\"]", main, 33),
            place("aws_instance.inference[0]", main, 51),
            place("aws_instance.inference[1]", main, 51),
            place(
                "module.gpu_pool[\"batch\"].aws_eks_node_group.node_group",
                pool,
                35
            ),
            place(
                "module.gpu_pool[\"training\"].aws_eks_node_group.node_group",
                pool,
                35
            ),
        ]
    );
    assert!(report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["root"] == "testdata/plan/configs/eks"));
    // Findings point at the argument that decided them: the tags, the node group's max size.
    let lines: Vec<(String, String, u64)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["policy_id"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let at = |p: &str, f: &str, l| (p.to_string(), f.to_string(), l);
    assert_eq!(
        lines,
        vec![
            at("AIC-TAG-001", main, 30),
            at("AIC-TAG-001", main, 48),
            at("AIC-TAG-001", main, 48),
            at("AIC-TAG-001", main, 61),
            at("AIC-TAG-001", main, 61),
            at("AIC-COST-002", pool, 45),
            at("AIC-TAG-001", pool, 55),
            at("AIC-TAG-001", pool, 55),
        ]
    );

    let verbose = aicost(
        Path::new(CRATE_DIR),
        &[
            "check",
            "--plan",
            "testdata/plan/adapted/create.json",
            "testdata/plan/configs/eks",
            "--today",
            TODAY,
            "--verbose",
            "--color",
            "never",
        ],
        &[],
    );
    assert!(
        verbose.stdout.contains("\nnote: `testdata/plan/configs/eks` is read from the plan testdata/plan/adapted/create.json, not from its .tf files\n"),
        "{}",
        verbose.stdout
    );
}

#[test]
fn a_remote_module_is_located_where_terraform_init_installed_it() {
    // The module call comes from a registry; `terraform init` put its files under
    // .terraform/modules and listed them in modules.json (which discovery never scans).
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy_dir(
        &Path::new(CRATE_DIR).join("testdata/plan/configs/eks"),
        root,
    );
    let installed = root.join(".terraform/modules/gpu_pool");
    std::fs::create_dir_all(&installed).unwrap();
    std::fs::rename(root.join("modules/pool/main.tf"), installed.join("main.tf")).unwrap();
    std::fs::remove_dir_all(root.join("modules")).unwrap();
    let main = std::fs::read_to_string(root.join("main.tf")).unwrap();
    let registry = "source   = \"acme/gpu-pool/aws\"\n  version  = \"1.4.0\"";
    std::fs::write(
        root.join("main.tf"),
        main.replace("source   = \"./modules/pool\"", registry),
    )
    .unwrap();
    std::fs::write(
        root.join(".terraform/modules/modules.json"),
        r#"{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"gpu_pool","Source":"registry.terraform.io/acme/gpu-pool/aws","Version":"1.4.0","Dir":".terraform/modules/gpu_pool"}]}"#,
    )
    .unwrap();
    let plan =
        std::fs::read_to_string(Path::new(CRATE_DIR).join("testdata/plan/adapted/create.json"))
            .unwrap()
            .replace(
                "\"source\": \"./modules/pool\"",
                "\"source\": \"acme/gpu-pool/aws\"",
            );
    std::fs::write(root.join("plan.json"), plan).unwrap();

    let run = aicost(
        root,
        &["cost", "plan.json", "--today", TODAY, "--format", "json"],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = json_of(&run);
    let places: Vec<(String, String, u64)> = resources(&report)
        .into_iter()
        .filter(|(a, ..)| a.starts_with("module."))
        .map(|(a, f, l, _, _)| (a, f, l))
        .collect();
    let pool = ".terraform/modules/gpu_pool/main.tf";
    assert_eq!(
        places,
        vec![
            (
                "module.gpu_pool[\"batch\"].aws_eks_node_group.node_group".to_string(),
                pool.to_string(),
                35
            ),
            (
                "module.gpu_pool[\"training\"].aws_eks_node_group.node_group".to_string(),
                pool.to_string(),
                35
            ),
        ]
    );
}

#[test]
fn the_plans_own_directory_gives_the_locations() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&testdata("configs/eks"), dir.path());
    std::fs::copy(
        testdata("adapted/create.json"),
        dir.path().join("plan.json"),
    )
    .unwrap();
    let run = aicost(
        dir.path(),
        &[
            "cost",
            "--plan",
            "plan.json",
            "--today",
            TODAY,
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = json_of(&run);
    let places: Vec<(String, String, u64)> = resources(&report)
        .into_iter()
        .map(|(a, f, l, _, _)| (a, f, l))
        .filter(|(a, _, _)| a.starts_with("module."))
        .collect();
    let file = "modules/pool/main.tf".to_string();
    assert_eq!(
        places,
        vec![
            (
                "module.gpu_pool[\"batch\"].aws_eks_node_group.node_group".to_string(),
                file.clone(),
                35
            ),
            (
                "module.gpu_pool[\"training\"].aws_eks_node_group.node_group".to_string(),
                file,
                35
            ),
        ]
    );
    assert_eq!(report["resources"][0]["root"], ".");
}

#[test]
fn diff_plan_reports_the_resize_from_the_plans_own_before_and_after() {
    let dir = scratch(&["resize"]);
    let run = aicost(
        dir.path(),
        &[
            "diff",
            "--plan",
            "resize.json",
            "--today",
            TODAY,
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(run.code, 0);
    let report = json_of(&run);
    assert_eq!(
        report["base"],
        json!({"ref": null, "commit": null, "path": null, "plan": "resize.json"})
    );
    // p5.48xlarge: 2 -> 4 nodes (55.04 x 730 each, + 20 GB gp2 x 0.10), max 4 -> 6. The
    // cluster's Kubernetes 1.31 is past extended support on TODAY: AWS has upgraded it to
    // 1.32, in extended support, 0.60 x 730 = 438.00.
    assert_eq!(
        report["resources"],
        json!([
            {
                "change": "unchanged", "address": "aws_eks_cluster.cluster", "root": ".",
                "type": "aws_eks_cluster", "file": "resize.json", "line": 268,
                "base_file": null, "base_line": null,
                "before": {"baseline": "438.00", "ceiling": "438.00", "complete": true,
                    "assumptions": [EKS_1_31]},
                "after": {"baseline": "438.00", "ceiling": "438.00", "complete": true,
                    "assumptions": [EKS_1_31]},
                "delta": {"baseline": "0.00", "ceiling": "0.00"}
            },
            {
                "change": "changed", "address": "aws_eks_node_group.gpu", "root": ".",
                "type": "aws_eks_node_group", "file": "resize.json", "line": 313,
                "base_file": null, "base_line": null,
                "before": {"baseline": "80362.40", "ceiling": "160724.80", "complete": true},
                "after": {"baseline": "160724.80", "ceiling": "241087.20", "complete": true},
                "delta": {"baseline": "80362.40", "ceiling": "80362.40"}
            }
        ])
    );
    assert_eq!(
        report["summary"]["before"],
        json!({"baseline": "80800.40", "ceiling": "161162.80"})
    );
    assert_eq!(
        report["summary"]["after"],
        json!({"baseline": "161162.80", "ceiling": "241525.20"})
    );

    let text = aicost(
        dir.path(),
        &[
            "diff",
            "--plan",
            "resize.json",
            "--today",
            TODAY,
            "--color",
            "never",
        ],
        &[],
    );
    assert_eq!(text.code, 0);
    assert_eq!(
        text.stdout,
        format!("assumed: aws_eks_cluster.cluster ($438.00/month): {EKS_1_31}\n\n") +
        "Cost changes:\n\
         ~ aws_eks_node_group.gpu (resize.json:313)\n    \
         +$80,362.40/month ($80,362.40 → $160,724.80), ceiling $160,724.80 → $241,087.20\n\
         \n  before: the prior state recorded in resize.json\n  \
         monthly cost $80,800.40 → $161,162.80 (+$80,362.40, +99.5%), ceiling $161,162.80 → $241,525.20 (+$80,362.40)\n  \
         1 changed, 0 added, 0 removed, 1 unchanged, 0 new failures (3 existing), 0 new unknowns (0 existing)\n"
    );
}

#[test]
fn a_value_known_only_after_apply_leaves_the_cost_unknown_with_its_reason() {
    let dir = scratch(&["unknown"]);
    let run = aicost(
        dir.path(),
        &[
            "check",
            "--plan",
            "unknown.json",
            "--today",
            TODAY,
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(run.code, 1);
    let report = json_of(&run);
    let gpu = &report["resources"][0];
    assert_eq!(gpu["address"], "aws_eks_node_group.gpu");
    let why = "aws_eks_node_group.gpu.scaling_config[0].desired_size is known only after apply";
    assert_eq!(
        gpu["compute"]["count"],
        json!({"min": 0, "desired": {"unknown": why}, "max": 4})
    );
    assert_eq!(gpu["monthly_cost"]["complete"], false);
    assert_eq!(
        gpu["monthly_cost"]["missing"],
        json!([format!("the number of units is unknown: {why}")])
    );
    let pool = &report["resources"][1];
    assert_eq!(
        pool["compute"]["instance_type"],
        json!({"unknown": "google_container_node_pool.h100_pool.node_config[0].machine_type is known only after apply"})
    );
    let decided: Vec<(String, String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["policy_id"] != "AIC-TAG-001")
        .map(|f| {
            (
                f["policy_id"].as_str().unwrap().to_string(),
                f["status"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let d = |p: &str, s: &str, m: &str| (p.to_string(), s.to_string(), m.to_string());
    assert_eq!(
        decided,
        vec![
            d("AIC-COST-001", "fail", &format!("aws_eks_node_group.gpu has no complete cost estimate: the number of units is unknown: {why}")),
            d("AIC-COST-002", "fail", "aws_eks_node_group.gpu can cost at least $160,724.80 a month at maximum scale, more than the limit of $100,000.00"),
            // The catalog lists the H100 in us-east4 only, so the pool's GPUs in us-central1
            // have no price either (at us-east4's rate its 48 H100 would cost $343,271.11).
            d("AIC-COST-001", "fail", "google_container_node_pool.h100_pool has no complete cost estimate: instance_type is unknown: google_container_node_pool.h100_pool.node_config[0].machine_type is known only after apply; price unknown: the catalog's gcp_gpus table has no price in us-central1 (in us-east4 it is $9.79655/GPU-hour); set region_fallback = true under [pricing] to use that rate as an assumption"),
            d("AIC-COST-002", "unknown", "cannot decide AIC-COST-002 for google_container_node_pool.h100_pool: monthly_cost_ceiling is unknown"),
            // Its cluster (ml-prod-gke) is not in the plan, and GKE puts the cluster's labels
            // on the pool's VMs: an env label may come from there.
            d("AIC-GPU-001", "unknown", "cannot decide AIC-GPU-001 for google_container_node_pool.h100_pool: environment and instance_families are unknown"),
            d("AIC-GPU-003", "unknown", "cannot decide AIC-GPU-003 for google_container_node_pool.h100_pool: environment is unknown"),
        ]
    );
}

#[test]
fn a_targeted_plan_keeps_the_resources_it_does_not_change() {
    // -target=aws_eks_node_group.gpu: the cluster is only in prior_state, yet it exists
    // before and after, so the diff is the resize's, with the cluster unchanged.
    let dir = scratch(&["targeted", "refresh_only"]);
    let run = aicost(
        dir.path(),
        &[
            "diff",
            "--plan",
            "targeted.json",
            "--today",
            TODAY,
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(run.code, 0);
    let report = json_of(&run);
    let changes: Vec<(&str, &str, &str, &str)> = report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["address"].as_str().unwrap(),
                r["change"].as_str().unwrap(),
                r["before"]["baseline"].as_str().unwrap(),
                r["after"]["baseline"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        changes,
        [
            // Kubernetes 1.31 past extended support: 1.32's extended rate, 0.60 x 730.
            ("aws_eks_cluster.cluster", "unchanged", "438.00", "438.00"),
            // p5.48xlarge 2 -> 4 nodes: 55.04 x 730 = 40,179.20 each, + 20 GB gp2 at $0.10.
            ("aws_eks_node_group.gpu", "changed", "80362.40", "160724.80"),
        ]
    );
    // A refresh-only plan changes nothing: its resources are the prior state's.
    let run = aicost(
        dir.path(),
        &[
            "cost",
            "--plan",
            "refresh_only.json",
            "--today",
            TODAY,
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(run.code, 0);
    let report = json_of(&run);
    assert_eq!(
        report["summary"],
        json!({"resources": 2, "monthly_cost": {
            "baseline": "80800.40", "ceiling": "161162.80",
            "priced": 2, "incomplete": 0, "unknown": 0, "depends_on_usage": 0
        }})
    );
}

#[test]
fn a_binary_plan_says_how_to_make_plan_json() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("plan.out"),
        b"PK\x03\x04\x14\x00\x08\x00tfplan",
    )
    .unwrap();
    for args in [
        &["check", "plan.out"][..],
        &["diff", "--plan", "plan.out"][..],
    ] {
        let run = aicost(dir.path(), args, &[]);
        assert_eq!(run.code, 2);
        assert_eq!(
            run.stderr,
            "error: plan.out is a binary Terraform plan\n  help: run `terraform show -json plan.out > plan.json` and pass plan.json\n"
        );
        assert_eq!(run.stdout, "");
    }
}

#[test]
fn a_plan_carries_its_own_base() {
    let dir = scratch(&["resize"]);
    let run = aicost(
        dir.path(),
        &["diff", "--plan", "resize.json", "--base", "main"],
        &[],
    );
    assert_eq!(run.code, 2);
    assert!(run
        .stderr
        .starts_with("error: the argument '--plan <FILE>' cannot be used with '--base <REF>'\n"));
}

#[test]
fn the_pull_request_comment_of_a_plan_is_the_diff_markdown() {
    let dir = scratch(&["resize"]);
    let diff = aicost(
        dir.path(),
        &[
            "diff",
            "--plan",
            "resize.json",
            "--today",
            TODAY,
            "--format",
            "markdown",
        ],
        &[],
    );
    assert_eq!(diff.code, 0);
    assert!(diff.stdout.starts_with(
        "### 💰 aicost-policy: +$80,362 / month (+100%)\n\nBefore is the prior state recorded in `resize.json`. Monthly cost **$80,800.40 → $161,162.80**;"
    ), "{}", diff.stdout);
    // Findings present before the change are the prior state's, not a branch's.
    assert_eq!(
        diff.stdout
            .lines()
            .filter(|l| l.starts_with("<details><summary>"))
            .collect::<Vec<_>>(),
        ["<details><summary>3 findings already in the prior state</summary>"]
    );
    let comment = aicost(
        dir.path(),
        &[
            "comment",
            "github",
            "--plan",
            "resize.json",
            "--today",
            TODAY,
            "--dry-run",
        ],
        &[],
    );
    assert_eq!(comment.code, 0, "{}", comment.stderr);
    // The text report, then the comment that would be posted.
    let text = aicost(
        dir.path(),
        &["diff", "--plan", "resize.json", "--today", TODAY],
        &[],
    );
    assert_eq!(comment.stdout, format!("{}{}", text.stdout, diff.stdout));
}
