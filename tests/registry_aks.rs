//! The `Azure/aks/azurerm` module understood from its inputs: the real binary on the roots
//! under `testdata/registry/aks/`, run from the crate directory.
//!
//! Every amount is worked out by hand from the catalog (a month is 730 hours; counts are
//! desired, else min, at the baseline and max at the ceiling; Azure spot is on-demand ×
//! 0.20 from `catalog/spot_factors.csv`). Prices used:
//!
//! | item | eastus | westeurope | table |
//! |---|---|---|---|
//! | Standard_D2s_v3 | $0.096/h | | azure_vms |
//! | Standard_D4s_v5 | $0.192/h | $0.23/h | azure_vms |
//! | Standard_NC24ads_A100_v4 | $3.673/h | $4.775/h | azure_vms |
//! | Standard_NC40ads_H100_v5 | $6.98/h | | azure_vms |
//! | Standard_NC8as_T4_v3 | $0.752/h | $0.94/h | azure_vms |
//! | AKS Standard tier / Free tier | $0.10/h / $0 | | kubernetes |

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

const TODAY: &str = "2026-11-28";
const CRATE_DIR: &str = env!("CARGO_MANIFEST_DIR");

fn root(name: &str) -> String {
    format!("testdata/registry/aks/{name}")
}

fn run(command: &str, name: &str, extra: &[&str]) -> Run {
    let dir = root(name);
    let mut args = vec![command, dir.as_str(), "--color", "never"];
    args.extend_from_slice(extra);
    if command == "check" {
        args.extend_from_slice(&["--today", TODAY]);
    }
    aicost(Path::new(CRATE_DIR), &args, &[])
}

fn json_report(command: &str, name: &str) -> (i32, Value) {
    let out = run(command, name, &["--format", "json"]);
    let report = serde_json::from_str(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not a JSON report ({e}):\n{}\nstderr:\n{}",
            out.stdout, out.stderr
        )
    });
    (out.code, report)
}

/// Per resource: address, type, where, region, environment and the monthly baseline and
/// ceiling (`null` when the estimate is incomplete).
fn resources_of(report: &Value) -> Vec<Value> {
    report["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .map(|r| {
            let cost = &r["monthly_cost"];
            let complete = cost["complete"] == true;
            json!([
                r["address"],
                r["type"],
                r["line"],
                r["region"],
                r["environment"],
                if complete {
                    cost["baseline"].clone()
                } else {
                    Value::Null
                },
                if complete {
                    cost["ceiling"].clone()
                } else {
                    Value::Null
                },
            ])
        })
        .collect()
}

fn resource(
    address: &str,
    kind: &str,
    line: u64,
    region: &Value,
    environment: &Value,
    costs: Option<(&str, &str)>,
) -> Value {
    let (baseline, ceiling) = match costs {
        Some((b, c)) => (json!(b), json!(c)),
        None => (Value::Null, Value::Null),
    };
    json!([address, kind, line, region, environment, baseline, ceiling])
}

const CLUSTER: &str = "azurerm_kubernetes_cluster";
const POOL: &str = "azurerm_kubernetes_cluster_node_pool";

/// What each finding says: policy, outcome, resource, line and message.
fn findings_of(report: &Value) -> Vec<Value> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            assert_eq!(f["file"], format!("{}/main.tf", root_of(report)));
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

fn root_of(report: &Value) -> String {
    report["resources"][0]["root"].as_str().unwrap().to_string()
}

fn finding(policy: &str, status: &str, resource: &str, line: u64, message: &str) -> Value {
    json!([policy, status, resource, line, message])
}

#[test]
fn prod_cluster_and_pools_have_the_modules_addresses_lines_and_catalog_costs() {
    let (code, report) = json_report("cost", "prod");
    assert_eq!(code, 0);
    let eastus = &json!("eastus");
    let prod = &json!("prod");
    assert_eq!(
        resources_of(&report),
        vec![
            // 3 × 730 h × $0.192 = $420.48, plus the Standard tier: 730 h × $0.10 = $73.
            resource(
                "module.aks.cluster",
                CLUSTER,
                30,
                eastus,
                prod,
                Some(("493.48", "493.48"))
            ),
            // node_count 2, max 4: 1,460 h × $3.673 = $5,362.58; 2,920 h = $10,725.16.
            resource(
                "module.aks.node_pools[\"a100\"]",
                POOL,
                48,
                eastus,
                prod,
                Some(("5362.58", "10725.16"))
            ),
            // min 0, max 20: 14,600 h × $6.98 = $101,908.
            resource(
                "module.aks.node_pools[\"h100\"]",
                POOL,
                59,
                eastus,
                prod,
                Some(("0.00", "101908.00"))
            ),
            // 2 × 730 h × $0.752; no env tag, so no environment.
            resource(
                "module.aks.node_pools[\"t4\"]",
                POOL,
                69,
                eastus,
                &Value::Null,
                Some(("1097.92", "1097.92"))
            ),
        ]
    );
    // 493.48 + 5,362.58 + 0 + 1,097.92; 493.48 + 10,725.16 + 101,908 + 1,097.92.
    assert_eq!(
        report["summary"]["monthly_cost"],
        json!({
            "baseline": "6953.98",
            "ceiling": "114224.56",
            "priced": 4,
            "incomplete": 0,
            "unknown": 0,
            "depends_on_usage": 0,
        })
    );
}

#[test]
fn prod_findings_point_at_the_pool_entries_in_the_caller() {
    let (code, report) = json_report("check", "prod");
    assert_eq!(code, 1);
    assert_eq!(
        findings_of(&report),
        vec![
            finding(
                "AIC-COST-002",
                "fail",
                "module.aks.node_pools[\"h100\"]",
                64,
                "module.aks.node_pools[\"h100\"] can cost $101,908.00 a month at maximum scale, more than the limit of $100,000.00",
            ),
            // The module gives extra pools their own tags only, not var.tags.
            finding(
                "AIC-TAG-001",
                "fail",
                "module.aks.node_pools[\"t4\"]",
                69,
                "module.aks.node_pools[\"t4\"] is missing required tags: team, cost-center, env",
            ),
        ]
    );
    assert_eq!(report["errors"], json!([]));
    assert_eq!(report["modules_not_loaded"], json!([]));
}

#[test]
fn prod_output_is_byte_identical_across_runs() {
    let first = run("check", "prod", &["--format", "json"]);
    let second = run("check", "prod", &["--format", "json"]);
    assert_eq!(first.stdout, second.stdout);
}

#[test]
fn staging_pools_built_from_tfvars_are_priced_in_the_tfvars_region() {
    let (code, report) = json_report("cost", "staging");
    assert_eq!(code, 0);
    let westeurope = &json!("westeurope");
    let staging = &json!("staging");
    assert_eq!(
        resources_of(&report),
        vec![
            // Auto-scaled default pool, min 1 (no node_count), max 3: 730 h × $0.23 =
            // $167.90 and 2,190 h × $0.23 = $503.70; the Free tier costs $0.
            resource(
                "module.aks.cluster",
                CLUSTER,
                54,
                westeurope,
                staging,
                Some(("167.90", "503.70"))
            ),
            // Spot: $4.775 × 0.20 = $0.955; min 0, max 2: 1,460 h = $1,394.30.
            resource(
                "module.aks.node_pools[\"a100\"]",
                POOL,
                69,
                westeurope,
                staging,
                Some(("0.00", "1394.30"))
            ),
            // spot = false: on-demand; min 0, max 4: 2,920 h × $0.94 = $2,744.80.
            resource(
                "module.aks.node_pools[\"t4\"]",
                POOL,
                69,
                westeurope,
                staging,
                Some(("0.00", "2744.80"))
            ),
        ]
    );
    let pool = &report["resources"][1];
    assert_eq!(
        pool["tags"],
        json!({"cost-center": "cc-ai-310", "env": "staging", "pool": "a100", "team": "ml-research"})
    );
    assert_eq!(
        pool["compute"]["count"],
        json!({"min": 0, "desired": 0, "max": 2})
    );
    assert_eq!(pool["compute"]["capacity"], "spot");
}

#[test]
fn staging_findings_name_the_pools_from_tfvars() {
    let (code, report) = json_report("check", "staging");
    assert_eq!(code, 1);
    assert_eq!(
        findings_of(&report),
        vec![
            finding(
                "AIC-GPU-001",
                "fail",
                "module.aks.node_pools[\"a100\"]",
                69,
                "module.aks.node_pools[\"a100\"] uses Standard_NC24ads_A100_v4 (family NCads_A100_v4), which is not allowed in environment staging; allowed families: g4dn, g5, g6, g6e, inf2, g2, NCas_T4_v3, NVads_A10_v5",
            ),
            finding(
                "AIC-GPU-003",
                "fail",
                "module.aks.node_pools[\"t4\"]",
                69,
                "module.aks.node_pools[\"t4\"] is an accelerator pool in non-production environment staging on on-demand capacity (4 x Standard_NC8as_T4_v3)",
            ),
        ]
    );
}

#[test]
fn an_unset_map_of_pools_is_one_unknown_record_per_module_instance() {
    let (code, report) = json_report("check", "unresolved");
    assert_eq!(code, 1);
    let no_location = |team: &str| {
        format!("module.aks[\"{team}\"] sets no location: the module then takes the location of resource group \"rg-{team}\", read when Terraform runs (from v10 of the module `location` is required)")
    };
    let dev = &json!("dev");
    let why = "var.node_pools has no default";
    let unknown = |origin: &str| json!({ "unknown": origin });
    // The region is unknown, so the default pool is priced in the catalog's default
    // region: 2 (the module's agents_count) × 730 h × $0.096 (Standard_D2s_v3) = $140.16.
    assert_eq!(
        resources_of(&report),
        vec![
            resource(
                "module.aks[\"research\"].cluster",
                CLUSTER,
                8,
                &unknown(&no_location("research")),
                dev,
                Some(("140.16", "140.16"))
            ),
            resource(
                "module.aks[\"research\"].node_pools",
                POOL,
                25,
                &unknown(&no_location("research")),
                &unknown(why),
                None
            ),
            resource(
                "module.aks[\"serving\"].cluster",
                CLUSTER,
                8,
                &unknown(&no_location("serving")),
                dev,
                Some(("140.16", "140.16"))
            ),
            resource(
                "module.aks[\"serving\"].node_pools",
                POOL,
                25,
                &unknown(&no_location("serving")),
                &unknown(why),
                None
            ),
        ]
    );
    let cluster = &report["resources"][0];
    // The control plane's price is the same everywhere, but the region it would be read in
    // is said beside the amount.
    assert_eq!(
        cluster["monthly_cost"]["assumptions"],
        json!([format!(
            "the region is unknown ({}); priced at eastus rates",
            no_location("research")
        )])
    );
    let pools = &report["resources"][1];
    assert_eq!(
        pools["compute"]["count"],
        json!({"min": unknown(why), "desired": unknown(why), "max": unknown(why)})
    );
    assert_eq!(
        pools["monthly_cost"]["missing"],
        json!([format!("instance_type is unknown: {why}")])
    );
    let per_team = |team: &str| {
        let pools = format!("module.aks[\"{team}\"].node_pools");
        vec![
            finding(
                "AIC-COST-001",
                "fail",
                &pools,
                25,
                &format!("{pools} has no complete cost estimate: instance_type is unknown: {why}"),
            ),
            finding(
                "AIC-COST-002",
                "unknown",
                &pools,
                25,
                &format!("cannot decide AIC-COST-002 for {pools}: monthly_cost_ceiling is unknown"),
            ),
            finding(
                "AIC-GPU-001",
                "unknown",
                &pools,
                25,
                &format!("cannot decide AIC-GPU-001 for {pools}: accelerator_count, environment and instance_families are unknown"),
            ),
            finding(
                "AIC-GPU-002",
                "unknown",
                &pools,
                25,
                &format!("cannot decide AIC-GPU-002 for {pools}: accelerators_max is unknown"),
            ),
            finding(
                "AIC-GPU-003",
                "unknown",
                &pools,
                25,
                &format!("cannot decide AIC-GPU-003 for {pools}: accelerator_count and environment are unknown"),
            ),
            finding(
                "AIC-TAG-001",
                "unknown",
                &pools,
                25,
                &format!("cannot decide AIC-TAG-001 for {pools}: tags is unknown"),
            ),
        ]
    };
    let mut expected = Vec::new();
    for team in ["research", "serving"] {
        expected.extend(per_team(team));
    }
    let mut found = findings_of(&report);
    // Findings are sorted by policy, then resource; compare per team.
    found.sort_by_key(|f| (f[2].as_str().unwrap().to_string(), f[0].to_string()));
    assert_eq!(found, expected);
}

#[test]
fn input_mistakes_are_reported_where_they_are_written() {
    let (code, report) = json_report("check", "invalid");
    assert_eq!(code, 2);
    let file = format!("{}/main.tf", root("invalid"));
    assert_eq!(
        report["errors"],
        json!([
            {
                "file": file,
                "line": 10,
                // At the key, as an argument is located: `gpu = {`.
                "column": 5,
                "message": "node pool \"gpu\" of module.aks has no `vm_size`, which the module requires",
                "help": "add vm_size = \"...\" to the node pool",
            },
            {
                "file": file,
                "line": 15,
                "column": 5,
                "message": "node pool \"t4\" of module.aks is a string, but the module takes an object",
                "help": "write it as { name = \"...\", vm_size = \"...\" }",
            },
            {
                "file": file,
                "line": 25,
                "column": 3,
                "message": "`node_pools` of module.aks_batch is a list, but the module takes a map of node pool objects",
                "help": "write node_pools = { gpu = { name = \"gpu\", vm_size = \"...\" } }",
            },
        ])
    );
    // The pool without vm_size is still listed, with its cost unknown.
    let addresses: Vec<&str> = report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["address"].as_str().unwrap())
        .collect();
    assert_eq!(
        addresses,
        vec![
            "module.aks.cluster",
            "module.aks.node_pools[\"gpu\"]",
            "module.aks_batch.cluster",
        ]
    );
}
