//! Values Terraform marks sensitive (`sensitive = true` on a variable or output,
//! `sensitive()`, and what is derived from them), end to end: they price resources and decide
//! policies like any other value, and no report shows them (testdata/hostile/sensitive).
//! p5.48xlarge costs $55.04/h and g5.xlarge $1.006/h on demand in us-east-1; 730 hours a
//! month.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use crate::common;

use std::path::{Path, PathBuf};

use common::run::{aicost, Run};
use serde_json::{json, Value};

const TODAY: &str = "2026-11-28";
const CRATE_DIR: &str = env!("CARGO_MANIFEST_DIR");
const FORMATS: [&str; 6] = ["text", "json", "markdown", "sarif", "junit", "github"];

fn dir() -> PathBuf {
    Path::new(CRATE_DIR).join("testdata/hostile/sensitive")
}

/// `check infra` with the owner from the environment and the cost center from `--var`; the
/// instance type comes from infra/terraform.tfvars.
fn check_infra(extra: &[&str]) -> Run {
    let mut args = vec![
        "check",
        "infra",
        "--color",
        "never",
        "--today",
        TODAY,
        "--var",
        "cost_center=cc-4471-secret",
    ];
    args.extend_from_slice(extra);
    aicost(&dir(), &args, &[("TF_VAR_owner", "alice@example.com")])
}

/// Every sensitive value of the fixture, and what is derived from it.
const SECRETS: [&str; 6] = [
    "alice",
    "cc-4471-secret",
    "falcon-finetune",
    "p5.48xlarge",
    "H100",
    "p5",
];

#[test]
fn sensitive_values_price_and_decide_but_no_report_shows_them() {
    for format in FORMATS {
        let run = check_infra(&["--format", format]);
        assert_eq!(run.code, 1, "{format}: {}", run.stderr);
        for secret in SECRETS {
            assert!(
                !run.stdout.contains(secret) && !run.stderr.contains(secret),
                "{format} shows {secret}: {}",
                run.stdout
            );
        }
    }
    // The family rule still sees p5.48xlarge: not allowed in dev.
    let run = check_infra(&[]);
    assert_eq!(
        run.stdout,
        "AIC-GPU-001 [high]

  × aws_instance.trainer uses (sensitive value) (family (sensitive value)), which is not allowed
  │ in environment dev; allowed families: g4dn, g5, g6, g6e, inf2, g2, NCas_T4_v3, NVads_A10_v5
    ╭─[testdata/hostile/sensitive/infra/main.tf:40:3]
 39 │ resource \"aws_instance\" \"trainer\" {
 40 │   instance_type = var.instance_type
    ·   ────────────────┬────────────────
    ·                   ╰── 1 × (sensitive value), on-demand, $40,179.20/month
 41 │   tags          = local.tags
    ╰────
  help: use an instance type from an allowed family (g4dn, g5, g6, g6e, inf2, g2, NCas_T4_v3,
        NVads_A10_v5), change allowed_accelerator_families for environment dev in the
        configuration, or waive AIC-GPU-001 for this resource

  2 resources, 18 policies, 1 failed finding (1 policy), 0 unknown, $40,913.58/month (ceiling $40,913.58)
"
    );
}

#[test]
fn the_json_report_writes_sensitive_values_as_terraform_shows_them() {
    let run = check_infra(&["--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    let hidden = "(sensitive value)";
    let resource = |address: &str| {
        doc["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["address"] == address)
            .unwrap()
            .clone()
    };
    // merge() keeps each tag's own mark: the notebook's own Name is shown.
    let notebook = resource("aws_instance.notebook");
    assert_eq!(
        notebook["tags"],
        json!({"Name": "notebook", "cost-center": hidden, "env": "dev", "owner": hidden,
            "project": hidden, "team": "ml-platform"})
    );
    assert_eq!(notebook["compute"]["instance_type"], "g5.xlarge");
    assert_eq!(notebook["monthly_cost"]["baseline"], "734.38");

    // The Name a module derives from the owner is sensitive too.
    let trainer = resource("aws_instance.trainer");
    assert_eq!(
        trainer["tags"],
        json!({"Name": hidden, "cost-center": hidden, "env": "dev", "owner": hidden,
            "project": hidden, "team": "ml-platform"})
    );
    assert_eq!(trainer["compute"]["instance_type"], hidden);
    assert_eq!(trainer["compute"]["instance_types"], json!([hidden]));
    assert_eq!(
        trainer["compute"]["accelerator"],
        json!({"unknown": hidden})
    );
    assert_eq!(trainer["monthly_cost"]["baseline"], "40179.20");
    assert_eq!(
        trainer["monthly_cost"]["components"][0]["name"],
        "Instance usage (on-demand, (sensitive value))"
    );
    assert_eq!(
        trainer["monthly_cost"]["components"][0]["unit_price"],
        "55.04"
    );
}

#[test]
fn a_cost_table_grouped_by_a_sensitive_tag_does_not_name_the_group() {
    let run = aicost(
        &dir(),
        &[
            "cost",
            "infra",
            "--group-by",
            "tag:owner",
            "--var",
            "cost_center=cc-4471-secret",
        ],
        &[("TF_VAR_owner", "alice@example.com")],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "RESOURCE               TYPE          QUANTITY  UNIT PRICE          MONTHLY     CEILING

(sensitive value)
aws_instance.notebook  aws_instance  1         $1.006 per hour     $734.38     $734.38
aws_instance.trainer   aws_instance  1         $55.04 per hour  $40,179.20  $40,179.20
  subtotal $40,913.58 a month (ceiling $40,913.58)

  2 priced resources: $40,913.58 a month (ceiling $40,913.58); 0 not priced
"
    );
}

#[test]
fn sensitive_values_at_the_edges_behave_as_in_terraform() {
    let run = aicost(
        &dir(),
        &[
            "check",
            "edges",
            "--color",
            "never",
            "--today",
            TODAY,
            "--format",
            "json",
            "--var",
            "gpu_type=g6e.12xlarge",
        ],
        &[
            ("TF_VAR_zones", "[\"us-east-1a\", \"us-east-1b\"]"),
            ("TF_VAR_replicas", "2"),
            ("TF_VAR_batch_size", "two-hundred"),
        ],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(!run.stdout.contains("two-hundred") && !run.stdout.contains("us-east-1a"));
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    let errors: Vec<(&str, u64, &str)> = doc["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["file"].as_str().unwrap(),
                e["line"].as_u64().unwrap(),
                e["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        [
            (
                "testdata/hostile/sensitive/edges/main.tf",
                31,
                "invalid value for the sensitive variable `batch_size` from environment variable TF_VAR_batch_size; the error is not shown, since it could include the value"
            ),
            (
                "testdata/hostile/sensitive/edges/main.tf",
                41,
                "invalid for_each argument: the value is sensitive, and instance keys would show it"
            ),
        ]
    );
    let resources: Vec<(&str, &Value, &Value)> = doc["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| !r["compute"].is_null())
        .map(|r| {
            (
                r["address"].as_str().unwrap(),
                &r["compute"]["instance_type"],
                &r["monthly_cost"]["baseline"],
            )
        })
        .collect();
    // nonsensitive() shows the type again; a sensitive count still makes its instances;
    // the node group the registry module makes of a sensitive type hides it.
    // g6e.12xlarge $10.49264/h, g6.xlarge $0.8048/h; the node group is 2 nodes with a 20 GB
    // gp2 disk each ($0.10/GB-month).
    assert_eq!(
        resources,
        [
            ("aws_instance.batch", &json!("g6.xlarge"), &json!("0.00")),
            ("aws_instance.per_zone", &json!("g6.xlarge"), &json!("0.00")),
            (
                "aws_instance.shown",
                &json!("g6e.12xlarge"),
                &json!("7659.63")
            ),
            (
                "aws_instance.workers[0]",
                &json!("g6.xlarge"),
                &json!("587.50")
            ),
            (
                "aws_instance.workers[1]",
                &json!("g6.xlarge"),
                &json!("587.50")
            ),
            (
                "module.eks.eks_managed_node_groups[\"gpu\"]",
                &json!("(sensitive value)"),
                &json!("15323.25")
            ),
        ]
    );
}
