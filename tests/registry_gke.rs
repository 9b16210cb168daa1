//! End-to-end tests of the GKE registry module adapter: the real binary on the roots under
//! `testdata/registry/gke/`, which call terraform-google-modules/kubernetes-engine/google
//! (and its submodules) the way the module's README shows, run from the crate directory.
//!
//! Every amount is worked out by hand from the catalog (the comment next to it shows the
//! arithmetic): a month is 730 hours; GKE counts are per zone, so a pool's nodes are the
//! per-zone count times its zones; the baseline is the pool's `initial_node_count` (the
//! module's default: `min_count`, else 1) or fixed `node_count`, the ceiling its
//! `max_count` (default 100) or `total_max_count`; the module's node disks default to
//! 100 GB pd-standard. Prices (us-central1):
//!
//! | item | price | table |
//! |---|---|---|
//! | e2-standard-4, n1-standard-4, n1-standard-8 | $0.13402/h, $0.19/h, $0.38/h | gcp_machine_types |
//! | n1-standard-8 spot | $0.08/h | gcp_machine_types |
//! | g2-standard-8 (L4 included) | $0.91/h | gcp_machine_types |
//! | nvidia-tesla-t4, spot | $0.35/h, $0.11/h | gcp_gpus |
//! | nvidia-tesla-v100 spot | $0.74/h | gcp_gpus |
//! | GKE cluster management | $0.10/h | kubernetes |
//!
//! On-demand N1 machines and the GPUs attached to them run the whole month and get
//! Google's full-month sustained-use discount of 30% (docs/pricing.md); spot, e2 and g2
//! machines get none.
//! | PD standard, balanced | $0.04, $0.10 per GB-month | storage |

// Test code: a failed expectation should stop the test loudly.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::path::Path;

use crate::common;
use serde_json::{json, Value};

const TODAY: &str = "2026-11-28";
const CRATE_DIR: &str = env!("CARGO_MANIFEST_DIR");
const TESTDATA: &str = "testdata/registry/gke";

/// The allowed families of `dev` in the default configuration, as messages list them.
const DEV_FAMILIES: &str = "g4dn, g5, g6, g6e, inf2, g2, NCas_T4_v3, NVads_A10_v5";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// `aicost-policy check <root> --today 2026-11-28 <extra>` from the crate directory, with
/// nothing from the environment that changes the result (GitHub Actions variables, colour,
/// `TF_VAR_*`).
fn check(root: &str, extra: &[&str]) -> Run {
    let dir = format!("{TESTDATA}/{root}");
    let mut cmd = common::run::command();
    cmd.current_dir(Path::new(CRATE_DIR))
        .args(["check", dir.as_str(), "--today", TODAY, "--color", "never"])
        .args(extra);
    for (key, _) in std::env::vars() {
        if key.starts_with("TF_VAR_") || key.starts_with("GITHUB_") {
            cmd.env_remove(key);
        }
    }
    cmd.env_remove("NO_COLOR");
    let out = cmd.output().expect("the binary runs");
    Run {
        code: out.status.code().expect("the binary exits normally"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

fn report(root: &str) -> (i32, Value) {
    let run = check(root, &["--format", "json"]);
    let parsed = serde_json::from_str(&run.stdout).unwrap_or_else(|e| {
        panic!(
            "not a JSON report ({e}):\n{}\nstderr:\n{}",
            run.stdout, run.stderr
        )
    });
    (run.code, parsed)
}

/// Where each resource is and what it costs: address, type, provider, lines, region,
/// environment, baseline and ceiling.
fn resources_of(report: &Value) -> Vec<Value> {
    report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            json!([
                r["address"],
                r["type"],
                r["provider"],
                [r["line"], r["end_line"]],
                r["region"],
                r["environment"],
                [r["monthly_cost"]["baseline"], r["monthly_cost"]["ceiling"]],
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

/// Each cost component of a resource: name, unit price, baseline quantity and amount,
/// ceiling quantity and amount.
fn components(report: &Value, address: &str) -> Vec<Value> {
    resource(report, address)["monthly_cost"]["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            json!([
                c["name"],
                c["unit_price"],
                c["quantity"],
                c["monthly"],
                c["ceiling_quantity"],
                c["ceiling_monthly"]
            ])
        })
        .collect()
}

/// What a finding says: policy, outcome, resource, line and message (all findings of a
/// root are in one file).
fn findings_of(report: &Value, file: &str) -> Vec<Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            assert_eq!(f["file"], file, "{f}");
            json!([
                f["policy_id"],
                f["status"],
                f["resource"],
                f["line"],
                f["message"]
            ])
        })
        .collect()
}

fn main_tf(root: &str) -> String {
    format!("{TESTDATA}/{root}/main.tf")
}

// ---------------------------------------------------------------------------------------
// regional_serving: the private-cluster submodule, a literal list of pools
// ---------------------------------------------------------------------------------------

#[test]
fn regional_serving_pools_are_resources_under_the_module_with_costs_per_zone() {
    let (_, report) = report("regional_serving");
    let pool = |name: &str, lines: [u64; 2], env: Value, cost: [&str; 2]| {
        json!([
            format!("module.gke.node_pools[\"{name}\"]"),
            "google_container_node_pool",
            "google",
            lines,
            "us-central1",
            env,
            cost
        ])
    };
    assert_eq!(
        resources_of(&report),
        vec![
            // The control plane only: remove_default_node_pool = true.
            json!([
                "module.gke.cluster",
                "google_container_cluster",
                "google",
                [17, 17],
                "us-central1",
                "dev",
                ["73.00", "73.00"]
            ]),
            // g2-standard-8, autoscaling = false: 2 per zone in its own 2 node_locations
            // = 4 nodes: 2,920 h x $0.91 = $2,657.20 + 400 GB x $0.04 = $16.00.
            pool("l4-serve", [55, 61], json!("dev"), ["2673.20", "2673.20"]),
            // e2-standard-4, min 1 / max 3 per zone in the 3 zones from terraform.tfvars:
            // 2,190 h x $0.13402 = $293.5038 + 300 GB x $0.04 = $12.00 = $305.5038;
            // 6,570 h = $880.5114 + 900 GB = $36.00 = $916.5114. No env label of its own:
            // the cluster's, which GKE puts on its VMs.
            pool("system", [38, 43], json!("dev"), ["305.50", "916.51"]),
            // Spot n1-standard-8 + 1 T4, min 0 / max 4 per zone: nothing at the baseline;
            // 12 nodes: 8,760 h x ($0.08 + $0.11) = $1,664.40 + 2,400 GB pd-balanced x
            // $0.10 = $240.00.
            pool("t4-batch", [44, 54], json!("dev"), ["0.00", "1904.40"]),
            // n1-standard-4 + 2 T4, on demand the whole month: n1's sustained-use discount
            // of 30% on both, $0.19 x 0.70 = $0.133 and $0.35 x 0.70 = $0.245.
            // initial_node_count defaults to 1 per zone (3 nodes), total_max_count 6:
            // 2,190 h x $0.133 = $291.27 + 4,380 GPU-h x $0.245 = $1,073.10 + 300 GB x
            // $0.04 = $12.00; at 6 nodes twice that.
            pool(
                "t4-interactive",
                [62, 70],
                json!("dev"),
                ["1376.37", "2752.74"]
            ),
        ]
    );
    assert_eq!(
        components(&report, "module.gke.node_pools[\"t4-interactive\"]"),
        vec![
            json!([
                "Instance usage (on-demand, n1-standard-4)",
                "0.133",
                "2190",
                "291.27",
                "4380",
                "582.54"
            ]),
            json!([
                "GPU usage (on-demand, nvidia-tesla-t4)",
                "0.245",
                "4380",
                "1073.10",
                "8760",
                "2146.20"
            ]),
            json!([
                "Node boot disk (pd-standard)",
                "0.04",
                "300",
                "12.00",
                "600",
                "24.00"
            ]),
        ]
    );
    // $73 + $2,673.20 + $305.5038 + $0 + $1,376.37 = $4,428.0738; ceilings $73 + $2,673.20 +
    // $916.5114 + $1,904.40 + $2,752.74 = $8,319.8514.
    assert_eq!(
        report["summary"]["monthly_cost"],
        json!({"baseline": "4428.07", "ceiling": "8319.85", "priced": 5, "incomplete": 0, "unknown": 0})
    );
}

#[test]
fn regional_serving_pools_carry_facts_and_labels_as_the_module_sets_them() {
    let (_, report) = report("regional_serving");
    let cluster = resource(&report, "module.gke.cluster");
    // cluster_resource_labels over the provider's default_labels.
    assert_eq!(
        cluster["tags"],
        json!({"cost-center": "cc-300", "env": "dev", "team": "ml-serving", "workload": "llm-serving"})
    );
    let t4 = resource(&report, "module.gke.node_pools[\"t4-batch\"]");
    assert_eq!(
        t4["compute"],
        json!({
            "instance_type": "n1-standard-8",
            "instance_types": ["n1-standard-8"],
            "accelerator": {"type": "T4", "count": 1, "memory_gib": 16},
            "count": {"min": 0, "desired": 0, "max": 12},
            "capacity": "spot",
            "pool": true
        })
    );
    // The cluster's labels (which GKE puts on every pool's VMs), then the `all` entry
    // merged with the pool's own.
    assert_eq!(
        t4["tags"],
        json!({"cost-center": "cc-300", "env": "dev", "team": "ml-serving", "workload": "llm-serving"})
    );
    assert_eq!(
        resource(&report, "module.gke.node_pools[\"system\"]")["tags"],
        json!({"cost-center": "cc-300", "env": "dev", "team": "ml-serving", "workload": "llm-serving"})
    );
}

#[test]
fn regional_serving_findings_point_at_the_pool_entries_in_the_module_call() {
    let (code, report) = report("regional_serving");
    assert_eq!(code, 1);
    let l4 = "module.gke.node_pools[\"l4-serve\"]";
    let t4 = "module.gke.node_pools[\"t4-batch\"]";
    let t4i = "module.gke.node_pools[\"t4-interactive\"]";
    let system = "module.gke.node_pools[\"system\"]";
    assert_eq!(
        findings_of(&report, &main_tf("regional_serving")),
        vec![
            // The machine_type entry of the pool.
            json!(["AIC-GPU-001", "fail", t4, 46, format!("{t4} uses n1-standard-8 (family n1), which is not allowed in environment dev; allowed families: {DEV_FAMILIES}")]),
            // No spot or preemptible written: the finding points at the machine type.
            json!(["AIC-GPU-003", "fail", l4, 57, format!("{l4} is an accelerator pool in non-production environment dev on on-demand capacity (4 x g2-standard-8)")]),
            // Spot advice (notices) at the same entries: 4 nodes x
            // 730 h x $0.91 (g2-standard-8, GPUs included) + 400 GB x $0.04 = $2,673.20;
            // at the listed spot price $0.27, $788.40 + $16.00 = $804.40.
            json!(["AIC-SAVE-001", "fail", l4, 57, format!("{l4} in environment dev could save $1,868.80/month on spot capacity ($2,673.20/month → $804.40/month)")]),
            json!(["AIC-GPU-001", "fail", t4i, 64, format!("{t4i} uses n1-standard-4 (family n1), which is not allowed in environment dev; allowed families: {DEV_FAMILIES}")]),
            json!(["AIC-GPU-003", "fail", t4i, 64, format!("{t4i} is an accelerator pool in non-production environment dev on on-demand capacity (6 x n1-standard-4)")]),
            json!(["AIC-SAVE-001", "fail", t4i, 64, format!("{t4i} in environment dev could save $794.97/month on spot capacity ($1,376.37/month → $581.40/month)")]),
            // The system pool sets only `team`, but its VMs carry the cluster's labels too:
            // no missing tags.
        ]
    );
    assert!(resource(&report, system)["tags"]["env"] == "dev");
    // 5 resources x 12 resource policies, less the 4 failures.
    assert_eq!(report["summary"]["passed"], 56);
    assert_eq!(report["errors"], json!([]));
    assert_eq!(report["modules_not_loaded"], json!([]));
}

#[test]
fn regional_serving_text_report_ends_with_the_totals_and_is_the_same_every_run() {
    let first = check("regional_serving", &[]);
    let second = check("regional_serving", &[]);
    assert_eq!(first.code, 1);
    assert_eq!(first.stdout, second.stdout);
    assert_eq!(
        first.stdout.lines().last(),
        Some(
            "  5 resources, 18 policies, 4 failed findings (2 policies), 2 notices, 0 unknown, $4,428.07/month (ceiling $8,319.85)"
        )
    );
}

// ---------------------------------------------------------------------------------------
// zonal_training: a git URL to the beta update variant, pools from terraform.tfvars
// ---------------------------------------------------------------------------------------

#[test]
fn zonal_training_pools_come_from_tfvars_through_a_for_expression() {
    let (code, report) = report("zonal_training");
    assert_eq!(code, 1);
    // The pools are built by a `for` expression: they are where `node_pools` is written.
    let pool = |name: &str, cost: [&str; 2]| {
        json!([
            format!("module.gke.node_pools[\"{name}\"]"),
            "google_container_node_pool",
            "google-beta",
            [50, 50],
            "us-central1",
            "prod",
            cost
        ])
    };
    assert_eq!(
        resources_of(&report),
        vec![
            json!([
                "module.gke.cluster",
                "google_container_cluster",
                "google-beta",
                [38, 38],
                "us-central1",
                "prod",
                ["73.00", "73.00"]
            ]),
            // On-demand (its own spot = false wins over the defaults) n1-standard-8 + 1 T4,
            // 1 node in each of the 2 zones, both with n1's 30% sustained-use discount:
            // 1,460 h x ($0.38 x 0.70 + $0.35 x 0.70) = 1,460 x $0.511 = $746.06 +
            // 2 x 200 GB x $0.04 = $16.00.
            pool("t4-eval", ["762.06", "762.06"]),
            // Spot n1-standard-8 + 4 V100, min 0 / max 10 per zone x 2 zones: 20 nodes x
            // 730 h x ($0.08 + 4 x $0.74) = $44,384.00 + 20 x 200 GB x $0.04 = $160.00.
            pool("v100-train", ["0.00", "44544.00"]),
        ]
    );
    // The module keeps its default pool (remove_default_node_pool defaults to false) with
    // initial_node_count 0 nodes of the first pool's machine type.
    assert_eq!(
        components(&report, "module.gke.cluster"),
        vec![
            json!([
                "GKE cluster management",
                "0.10",
                "730",
                "73.00",
                "730",
                "73.00"
            ]),
            // $0.38 x 0.70 (n1 sustained-use discount).
            json!([
                "Default node pool (on-demand, n1-standard-8)",
                "0.266",
                "0",
                "0.00",
                "0",
                "0.00"
            ]),
            json!([
                "Node boot disk (pd-balanced)",
                "0.10",
                "0",
                "0.00",
                "0",
                "0.00"
            ]),
        ]
    );
    let v100 = "module.gke.node_pools[\"v100-train\"]";
    assert_eq!(
        findings_of(&report, &main_tf("zonal_training")),
        vec![json!([
            "AIC-GPU-002",
            "fail",
            v100,
            50,
            format!("{v100} can scale to 80 accelerators (20 x 4 V100), more than the limit of 64")
        ])]
    );
    // node_pools_resource_labels.all reaches every pool.
    assert_eq!(
        resource(&report, v100)["tags"],
        json!({"cost-center": "cc-ml-2024", "env": "prod", "team": "ml-research"})
    );
}

// ---------------------------------------------------------------------------------------
// mistakes: input errors at their lines, pools from a variable with no value
// ---------------------------------------------------------------------------------------

#[test]
fn mistakes_in_the_module_inputs_are_errors_at_their_lines() {
    let (code, report) = report("mistakes");
    assert_eq!(code, 2);
    let file = main_tf("mistakes");
    let prefix = "module.zonal (terraform-google-modules/kubernetes-engine/google)";
    let errors: Vec<Value> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| json!([e["file"], e["line"], e["message"], e["help"]]))
        .collect();
    let help = "see the module's documentation of its inputs";
    assert_eq!(
        errors,
        vec![
            json!([file, 27, format!("{prefix}: a zonal cluster (`regional = false`) needs `zones`"), help]),
            json!([file, 32, format!("{prefix}: node_pools[\"cpu\"].max_count: a number is required, but \"lots\" is not a number"), help]),
            json!([file, 34, format!("{prefix}: node_pools[1] has no `name`"), help]),
            json!([file, 72, "module.duplicate (terraform-google-modules/kubernetes-engine/google): two node pools are named \"cpu\"; the module keeps one of them (which one depends on Terraform's set order), so the last one written is read", help]),
        ]
    );
    // Of the two pools named "cpu", the last one written is read.
    let cpu = resource(&report, "module.duplicate.node_pools[\"cpu\"]");
    assert_eq!(
        (&cpu["line"], &cpu["compute"]["instance_type"]),
        (&json!(72), &json!("n2-standard-8"))
    );
}

#[test]
fn pools_from_a_variable_without_a_value_are_one_resource_of_unknown_cost() {
    let (_, report) = report("mistakes");
    let why = "var.node_pools has no default";
    let pools = resource(&report, "module.from_var.node_pools");
    assert_eq!(pools["line"], 53);
    assert_eq!(
        pools["compute"]["count"],
        json!({"min": {"unknown": why}, "desired": {"unknown": why}, "max": {"unknown": why}})
    );
    assert_eq!(pools["monthly_cost"]["complete"], false);
    // Whatever the pools are, they carry the `all` labels (a pool's own entry may change
    // their values).
    assert_eq!(
        pools["tags"],
        json!({"cost-center": {"unknown": why}, "env": {"unknown": why}, "team": {"unknown": why}})
    );
    let from_var = "module.from_var.node_pools";
    let cluster = "module.from_var.cluster";
    let findings: Vec<Value> = findings_of(&report, &main_tf("mistakes"))
        .into_iter()
        .filter(|f| f[2] == from_var || f[2] == cluster)
        .collect();
    assert_eq!(
        findings,
        vec![
            // The beta submodule uses google-beta, which has no default_labels here.
            json!(["AIC-TAG-001", "fail", cluster, 47, format!("{cluster} is missing required tags: team, cost-center, env")]),
            json!(["AIC-COST-001", "fail", from_var, 53, format!("{from_var} has no complete cost estimate: instance_type is unknown: {why}; node_config.disk_size_gb is unknown: {why}")]),
            json!(["AIC-COST-002", "unknown", from_var, 53, format!("cannot decide AIC-COST-002 for {from_var}: monthly_cost_ceiling is unknown")]),
            json!(["AIC-GPU-001", "unknown", from_var, 53, format!("cannot decide AIC-GPU-001 for {from_var}: accelerator_count, environment and instance_families are unknown")]),
            json!(["AIC-GPU-002", "unknown", from_var, 53, format!("cannot decide AIC-GPU-002 for {from_var}: accelerators_max is unknown")]),
            json!(["AIC-GPU-003", "unknown", from_var, 53, format!("cannot decide AIC-GPU-003 for {from_var}: accelerator_count, capacity_type and environment are unknown")]),
        ]
    );
}

#[test]
fn module_pools_carry_the_module_clusters_labels_even_when_its_name_is_unknown() {
    // `name = var.cluster_name` (no default): the pools' `cluster` is unknown, but they
    // are the module's own cluster's pools, whose resource_labels GKE puts on their VMs.
    let (code, report) = report("cluster_name_unknown");
    let labels = json!({"cost-center": "cc-4410", "env": "prod", "team": "ml-platform"});
    for address in ["module.gke.cluster", "module.gke.node_pools[\"l4\"]"] {
        let r = resource(&report, address);
        assert_eq!(r["tags"], labels, "{address}");
        assert_eq!(r["tags_complete"], true, "{address}");
    }
    assert_eq!(report["findings"], json!([]));
    assert_eq!(code, 0);
}
