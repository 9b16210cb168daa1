//! End-to-end tests of `aicost-policy check`: the real binary on the Terraform roots under
//! `testdata/terraform/`, run from the crate directory (so reported paths start with
//! `testdata/`). Each root's expected findings and resource facts were worked out from
//! Terraform and provider semantics and from `docs/policies.md`, and are compared whole.

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

/// The allowed families of `dev` and `staging` in the default configuration, as messages
/// list them.
const INFERENCE_FAMILIES: &str = "g4dn, g5, g6, g6e, inf2, g2, NCas_T4_v3, NVads_A10_v5";

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

/// `aicost-policy check <args> --today 2026-11-28`, from the crate directory.
fn check(args: &[&str]) -> Run {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--today", TODAY]);
    run_in(Path::new(CRATE_DIR), &all)
}

fn parse_report(run: &Run) -> Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| {
        panic!(
            "not a JSON report ({e}):\n{}\nstderr:\n{}",
            run.stdout, run.stderr
        )
    })
}

/// The fields of each object in `items` named in `keys`, in order.
fn pick(items: &Value, keys: &[&str]) -> Vec<Value> {
    items
        .as_array()
        .expect("an array")
        .iter()
        .map(|item| {
            let mut out = serde_json::Map::new();
            for key in keys {
                out.insert(key.to_string(), item[*key].clone());
            }
            Value::Object(out)
        })
        .collect()
}

/// What a finding says: policy, outcome, resource, where, what, and what it depends on.
fn findings_of(report: &Value) -> Vec<Value> {
    pick(
        &report["findings"],
        &[
            "policy_id",
            "status",
            "resource",
            "file",
            "line",
            "message",
            "unknowns",
        ],
    )
}

/// The facts of each resource that policies and prices read.
fn facts_of(report: &Value) -> Vec<Value> {
    pick(
        &report["resources"],
        &[
            "address",
            "provider_alias",
            "region",
            "environment",
            "tags",
            "tags_complete",
            "compute",
        ],
    )
}

/// One testdata root.
struct Root {
    dir: String,
}

impl Root {
    fn new(name: &str) -> Root {
        Root {
            dir: format!("{TESTDATA}/{name}"),
        }
    }

    fn path(&self, file: &str) -> String {
        format!("{}/{file}", self.dir)
    }

    /// `check <root> --format json <extra>`: the exit code and the report.
    fn json(&self, extra: &[&str]) -> (i32, Value) {
        let mut args = vec![self.dir.as_str(), "--format", "json"];
        args.extend_from_slice(extra);
        let run = check(&args);
        (run.code, parse_report(&run))
    }

    /// `check <root> --color never <extra>`.
    fn text(&self, extra: &[&str]) -> Run {
        let mut args = vec![self.dir.as_str(), "--color", "never"];
        args.extend_from_slice(extra);
        check(&args)
    }

    /// An expected failure; `at` is `file:line` within the root.
    fn fail(&self, policy: &str, resource: &str, at: &str, message: &str) -> Value {
        self.finding(policy, "fail", resource, at, message, &[])
    }

    /// An expected unknown, with the (fact, origin) pairs it depends on.
    fn unknown(
        &self,
        policy: &str,
        resource: &str,
        at: &str,
        message: &str,
        unknowns: &[(&str, &str)],
    ) -> Value {
        self.finding(policy, "unknown", resource, at, message, unknowns)
    }

    fn finding(
        &self,
        policy: &str,
        status: &str,
        resource: &str,
        at: &str,
        message: &str,
        unknowns: &[(&str, &str)],
    ) -> Value {
        let (file, line) = at.split_once(':').expect("file:line");
        json!({
            "policy_id": policy,
            "status": status,
            "resource": resource,
            "file": self.path(file),
            "line": line.parse::<u64>().expect("a line number"),
            "message": message,
            "unknowns": unknowns
                .iter()
                .map(|(fact, origin)| json!({"fact": fact, "origin": origin}))
                .collect::<Vec<_>>(),
        })
    }
}

/// Compute facts: the types (the first is the primary one), accelerators per unit,
/// [min, desired, max] units, capacity, and whether it is a scalable pool.
fn compute(
    types: &[&str],
    accelerator: Value,
    [min, desired, max]: [i64; 3],
    capacity: &str,
    pool: bool,
) -> Value {
    json!({
        "instance_type": types[0],
        "instance_types": types,
        "accelerator": accelerator,
        "count": {"min": min, "desired": desired, "max": max},
        "capacity": capacity,
        "pool": pool,
    })
}

fn gpus(model: &str, count: i64, memory_gib: i64) -> Value {
    json!({"type": model, "count": count, "memory_gib": memory_gib})
}

fn unknown_because(origin: &str) -> Value {
    json!({"unknown": origin})
}

/// Copies a testdata root into a fresh temporary directory (no `.git`, no config above it).
fn temp_copy(name: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join(name);
    copy_dir(&Path::new(CRATE_DIR).join(TESTDATA).join(name), &dest);
    (tmp, dest)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

fn arg(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

// ---------------------------------------------------------------------------------------
// eks_gpu_training: AWS default_tags per alias, tfvars, locals, node groups, ASG tags,
// an unresolved tag map, SageMaker, S3
// ---------------------------------------------------------------------------------------

fn eks() -> Root {
    Root::new("eks_gpu_training")
}

/// Why the SageMaker endpoint in us-west-2 has no price: the catalog lists SageMaker in
/// us-east-1 only ($7.09/hour for ml.g5.12xlarge there).
const SAGEMAKER_WEST: &str = "price unknown: the catalog's aws_sagemaker_hosting table has no price in us-west-2 (in us-east-1 it is $7.09/hour); set region_fallback = true under [pricing] to use that rate as an assumption";

/// Every finding of the EKS root with the default configuration (dev from default_tags).
fn eks_findings() -> Vec<Value> {
    let eks = eks();
    vec![
        // At max_size: 20 nodes x 730 h x $10.49264 (g6e.12xlarge, us-east-1) = $153,192.544;
        // the launch template has no block devices, so nothing else is billed.
        eks.fail(
            "AIC-COST-002",
            "aws_autoscaling_group.batch",
            "batch.tf:20",
            "aws_autoscaling_group.batch can cost $153,192.54 a month at maximum scale, more than the limit of $100,000.00",
        ),
        // max_size 20 x 4 L40S from the launch template; the group has no env tag (the
        // provider does not apply default_tags to ASGs), so the global limit of 64 applies.
        eks.fail(
            "AIC-GPU-002",
            "aws_autoscaling_group.batch",
            "batch.tf:20",
            "aws_autoscaling_group.batch can scale to 80 accelerators (20 x 4 L40S), more than the limit of 64",
        ),
        eks.fail(
            "AIC-TAG-001",
            "aws_autoscaling_group.batch",
            "batch.tf:28",
            "aws_autoscaling_group.batch is missing required tags: cost-center, env",
        ),
        eks.fail(
            "AIC-GPU-001",
            "aws_eks_node_group.train",
            "main.tf:26",
            &format!("aws_eks_node_group.train uses p5.48xlarge (family p5), which is not allowed in environment dev; allowed families: {INFERENCE_FAMILIES}"),
        ),
        eks.fail(
            "AIC-GPU-003",
            "aws_eks_node_group.train",
            "main.tf:27",
            "aws_eks_node_group.train is an accelerator pool in non-production environment dev on on-demand capacity (10 x p5.48xlarge)",
        ),
        // Savings advice (a notice): 2 x 730 h x $55.04 + 2 x 20 GB x $0.10 = $80,362.40 on
        // demand; on spot at the AWS factor 0.4, 2 x 730 h x $22.016 + $4.00 = $32,147.36.
        eks.fail(
            "AIC-SAVE-001",
            "aws_eks_node_group.train",
            "main.tf:27",
            "aws_eks_node_group.train in environment dev could save $48,215.04/month on spot capacity ($80,362.40/month → $32,147.36/month); assumed: spot price estimated as the on-demand price x 0.4, the documented aws spot factor (spot_factors.csv); no spot price is listed for p5.48xlarge",
        ),
        // terraform.tfvars raises max_size from the default 4 to 10: 10 x 730 h x $55.04
        // (p5.48xlarge) = $401,792.00, plus 10 x 20 GB of the default gp2 node disk x $0.10 =
        // $20.00.
        eks.fail(
            "AIC-COST-002",
            "aws_eks_node_group.train",
            "main.tf:33",
            "aws_eks_node_group.train can cost $401,812.00 a month at maximum scale, more than the limit of $100,000.00",
        ),
        // 10 x 8 H100.
        eks.fail(
            "AIC-GPU-002",
            "aws_eks_node_group.train",
            "main.tf:33",
            "aws_eks_node_group.train can scale to 80 accelerators (10 x 8 H100), more than the limit of 64",
        ),
        // The endpoint runs in us-west-2 (aws.west), where the catalog has no SageMaker
        // price: unknown, with the us-east-1 rate named, never that rate called us-west-2's.
        eks.fail(
            "AIC-COST-001",
            "aws_sagemaker_endpoint_configuration.llama",
            "serving.tf:22",
            &format!("aws_sagemaker_endpoint_configuration.llama has no complete cost estimate: {SAGEMAKER_WEST}"),
        ),
        eks.unknown(
            "AIC-COST-002",
            "aws_sagemaker_endpoint_configuration.llama",
            "serving.tf:22",
            "cannot decide AIC-COST-002 for aws_sagemaker_endpoint_configuration.llama: monthly_cost_ceiling is unknown",
            &[("monthly_cost_ceiling", SAGEMAKER_WEST)],
        ),
        // aws.west's default_tags have env and team but no cost-center.
        eks.fail(
            "AIC-TAG-001",
            "aws_sagemaker_endpoint_configuration.llama",
            "serving.tf:26",
            "aws_sagemaker_endpoint_configuration.llama is missing required tags: cost-center",
        ),
        eks.fail(
            "AIC-TAG-001",
            "aws_s3_bucket.checkpoints_replica",
            "serving.tf:36",
            "aws_s3_bucket.checkpoints_replica is missing required tags: cost-center",
        ),
        // var.extra_tags may override env: p3 is refused in dev and staging but allowed in
        // prod, so the answer depends on the environment.
        eks.unknown(
            "AIC-GPU-001",
            "aws_instance.workstation",
            "workstation.tf:3",
            "cannot decide AIC-GPU-001 for aws_instance.workstation: environment is unknown",
            &[("environment", "var.extra_tags has no default")],
        ),
        // team is not among the known keys, but var.extra_tags may add it: unknown, not fail.
        eks.unknown(
            "AIC-TAG-001",
            "aws_instance.workstation",
            "workstation.tf:11",
            "cannot decide AIC-TAG-001 for aws_instance.workstation: tags is unknown",
            &[("tags", "var.extra_tags has no default")],
        ),
    ]
}

#[test]
fn eks_root_fails_with_every_expected_finding() {
    let (code, report) = eks().json(&[]);
    assert_eq!(code, 1);
    assert_eq!(findings_of(&report), eks_findings());
    assert_eq!(
        report["summary"],
        json!({
            // 12 resource policies x 10 resources = 10 failed + 3 unknown + 107 passed (the
            // budget and change policies are not asked of resources).
            "resources": 10, "files": 7, "policies": 18, "failed": 10,
            // The spot advice on the dev training pool.
            "notices": 1, "unknown": 3,
            "suppressed": 0, "errors": 0, "passed": 107, "input_errors": 0, "warnings": 0,
            "baselined": 0,
            "modules_not_loaded": 0,
            // The sums of the resources' exact amounts (see eks_resources_are_priced_...),
            // rounded to cents once; the two buckets depend on usage and add nothing, and
            // the SageMaker endpoint in us-west-2 has no price.
            "monthly_cost": {
                "baseline": "83430.10", "ceiling": "560563.58", "priced": 7, "incomplete": 1, "unknown": 1,
            },
        })
    );
    assert_eq!(report["errors"], json!([]));
}

#[test]
fn eks_resources_merge_default_tags_per_provider_alias() {
    let (_, report) = eks().json(&[]);
    let east = json!({
        "cost-center": "cc-ml-4711", "env": "dev", "managed-by": "terraform",
        "project": "llm-training", "team": "ml-platform",
    });
    let with = |key: &str, value: &str| {
        let mut tags = east.clone();
        tags[key] = json!(value);
        tags
    };
    let extra_tags = "var.extra_tags has no default";
    assert_eq!(
        facts_of(&report),
        vec![
            json!({
                "address": "aws_autoscaling_group.batch",
                "provider_alias": null, "region": "us-east-1", "environment": null,
                // Only the group's own `tag` blocks: default_tags do not apply to ASGs.
                "tags": {"Name": "ml-batch", "team": "ml-platform"}, "tags_complete": true,
                "compute": compute(&["g6e.12xlarge"], gpus("L40S", 4, 48), [0, 0, 20], "on-demand", true),
            }),
            json!({
                "address": "aws_eks_cluster.main",
                "provider_alias": null, "region": "us-east-1", "environment": "dev",
                "tags": east, "tags_complete": true, "compute": null,
            }),
            json!({
                "address": "aws_eks_node_group.inference",
                "provider_alias": null, "region": "us-east-1", "environment": "dev",
                "tags": with("workload", "inference"), "tags_complete": true,
                "compute": compute(&["g5.2xlarge", "g5.4xlarge"], gpus("A10G", 1, 24), [0, 1, 8], "spot", true),
            }),
            json!({
                "address": "aws_eks_node_group.train",
                "provider_alias": null, "region": "us-east-1", "environment": "dev",
                "tags": with("workload", "training"), "tags_complete": true,
                "compute": compute(&["p5.48xlarge"], gpus("H100", 8, 80), [0, 2, 10], "on-demand", true),
            }),
            json!({
                "address": "aws_instance.workstation",
                "provider_alias": null, "region": "us-east-1",
                "environment": unknown_because(extra_tags),
                // The default keys are present, but var.extra_tags may override any value.
                "tags": {
                    "cost-center": unknown_because(extra_tags),
                    "env": unknown_because(extra_tags),
                    "managed-by": unknown_because(extra_tags),
                },
                "tags_complete": false,
                "compute": compute(&["p3.2xlarge"], gpus("V100", 1, 16), [1, 1, 1], "on-demand", false),
            }),
            json!({
                "address": "aws_launch_template.batch",
                "provider_alias": null, "region": "us-east-1", "environment": "dev",
                "tags": east, "tags_complete": true,
                // A template launches nothing itself; the group carries the counts.
                "compute": compute(&["g6e.12xlarge"], gpus("L40S", 4, 48), [0, 0, 0], "on-demand", false),
            }),
            json!({
                "address": "aws_s3_bucket.checkpoints",
                "provider_alias": null, "region": "us-east-1", "environment": "dev",
                "tags": east, "tags_complete": true, "compute": null,
            }),
            json!({
                "address": "aws_s3_bucket.checkpoints_replica",
                "provider_alias": "west", "region": "us-west-2", "environment": "dev",
                "tags": {"env": "dev", "team": "ml-inference"}, "tags_complete": true,
                "compute": null,
            }),
            json!({
                "address": "aws_sagemaker_endpoint_configuration.llama",
                "provider_alias": "west", "region": "us-west-2", "environment": "dev",
                "tags": {"env": "dev", "model": "llama-3-8b-instruct", "team": "ml-inference"},
                "tags_complete": true,
                "compute": compute(&["ml.g5.12xlarge"], gpus("A10G", 4, 24), [2, 2, 2], "on-demand", false),
            }),
            json!({
                "address": "aws_sagemaker_model.llama",
                "provider_alias": "west", "region": "us-west-2", "environment": "dev",
                "tags": {"cost-center": "cc-ml-4711", "env": "dev", "team": "ml-inference"},
                "tags_complete": true, "compute": null,
            }),
        ]
    );
}

/// (address, baseline, ceiling, complete) of each priced resource.
fn costs_of(report: &Value) -> Vec<(String, String, String, bool)> {
    report["resources"]
        .as_array()
        .expect("an array")
        .iter()
        .filter(|r| !r["monthly_cost"].is_null())
        .map(|r| {
            let c = &r["monthly_cost"];
            (
                r["address"].as_str().unwrap().to_string(),
                c["baseline"].as_str().unwrap().to_string(),
                c["ceiling"].as_str().unwrap().to_string(),
                c["complete"].as_bool().unwrap(),
            )
        })
        .collect()
}

fn cost(address: &str, baseline: &str, ceiling: &str) -> (String, String, String, bool) {
    (address.into(), baseline.into(), ceiling.into(), true)
}

/// Each amount worked out from the catalog: 730 hours a month; us-east-1 EC2 prices
/// (`catalog/aws_ec2_ondemand.csv`), the AWS spot factor 0.4 (`spot_factors.csv`), EBS gp2
/// $0.10 and gp3 $0.08 per GB-month, EKS $0.60 an hour (extended support); SageMaker is listed for us-east-1
/// only, so the endpoint in us-west-2 has no price.
#[test]
fn eks_resources_are_priced_from_the_catalog() {
    let (_, report) = eks().json(&[]);
    assert_eq!(
        costs_of(&report),
        vec![
            // desired 0 (written), max 20: 14,600 h x $10.49264 = $153,192.544.
            cost("aws_autoscaling_group.batch", "0.00", "153192.54"),
            // Kubernetes 1.31 left extended support on 2026-11-26 (catalog/eks_versions.csv):
            // on TODAY AWS has upgraded it to 1.32, in extended support: 0.60 x 730 = 438.00.
            cost("aws_eks_cluster.main", "438.00", "438.00"),
            // Spot, priced as the first type: g5.2xlarge $1.212 x 0.4 = $0.4848 an hour;
            // 1 node: 730 h = $353.904 + 20 GB gp2 = $2.00; 8 nodes: $2,831.232 + $16.00.
            cost("aws_eks_node_group.inference", "355.90", "2847.23"),
            // 2 nodes: 1,460 h x $55.04 = $80,358.40 + 40 GB gp2 = $4.00; 10 nodes: $401,812.00.
            cost("aws_eks_node_group.train", "80362.40", "401812.00"),
            // p3.2xlarge 730 h x $3.06 = $2,233.80 + 500 GB gp3 root volume = $40.00.
            cost("aws_instance.workstation", "2273.80", "2273.80"),
            // No usage file: storage depends on usage, nothing fixed.
            cost("aws_s3_bucket.checkpoints", "0.00", "0.00"),
            cost("aws_s3_bucket.checkpoints_replica", "0.00", "0.00"),
            // us-west-2: the catalog lists SageMaker in us-east-1 only, so no price (at
            // us-east-1's $7.09 it would be 1,460 h x $7.09 = $10,351.40, not shown as such).
            (
                "aws_sagemaker_endpoint_configuration.llama".to_string(),
                "0.00".to_string(),
                "0.00".to_string(),
                false
            ),
        ]
    );
}

/// The text report labels each failing resource with its monthly cost (and the ceiling when
/// it differs), points new cost findings at the maximum size, and ends with the totals.
const EKS_TEXT: &str = r##"AIC-COST-002 [high]

  × aws_autoscaling_group.batch can cost $153,192.54 a month at maximum scale, more than the limit
  │ of $100,000.00
    ╭─[testdata/terraform/eks_gpu_training/batch.tf:20:3]
 19 │   desired_capacity    = 0
 20 │   max_size            = 20
    ·   ────────────┬───────────
    ·               ╰── 0 × g6e.12xlarge (up to 20), 4 × L40S each, on-demand, $0.00/month (ceiling $153,192.54)
 21 │   vpc_zone_identifier = var.subnet_ids
    ╰────
  help: lower the maximum size or choose a smaller type, raise max_resource_ceiling under [costs]
        in the configuration, or waive AIC-COST-002 for this resource

AIC-GPU-002 [medium]

  ⚠ aws_autoscaling_group.batch can scale to 80 accelerators (20 x 4 L40S), more than the limit of
  │ 64
    ╭─[testdata/terraform/eks_gpu_training/batch.tf:20:3]
 19 │   desired_capacity    = 0
 20 │   max_size            = 20
    ·   ────────────┬───────────
    ·               ╰── 0 × g6e.12xlarge (up to 20), 4 × L40S each, on-demand, $0.00/month (ceiling $153,192.54)
 21 │   vpc_zone_identifier = var.subnet_ids
    ╰────
  help: lower the maximum size or the accelerators per node, raise the limit in the configuration
        (max_accelerators under [environments.NAME], or max_per_resource under [accelerators]), or
        waive AIC-GPU-002 for this resource

AIC-TAG-001 [high]

  × aws_autoscaling_group.batch is missing required tags: cost-center, env
    ╭─[testdata/terraform/eks_gpu_training/batch.tf:28:3]
 27 │ 
 28 │   tag {
    ·   ─┬─
    ·    ╰── 0 × g6e.12xlarge (up to 20), 4 × L40S each, on-demand, $0.00/month (ceiling $153,192.54)
 29 │     key                 = "team"
    ╰────
  help: add the tags to the resource, or set them once for every resource of a provider with
        provider "aws" { default_tags { tags = { ... } } } (AWS) or provider "google"
        { default_labels = { ... } } (Google); to accept the gap, waive AIC-TAG-001 for this
        resource

AIC-GPU-001 [high]

  × aws_eks_node_group.train uses p5.48xlarge (family p5), which is not allowed in environment
  │ dev; allowed families: g4dn, g5, g6, g6e, inf2, g2, NCas_T4_v3, NVads_A10_v5
    ╭─[testdata/terraform/eks_gpu_training/main.tf:26:3]
 25 │   subnet_ids      = var.subnet_ids
 26 │   instance_types  = ["p5.48xlarge"]
    ·   ────────────────┬────────────────
    ·                   ╰── 2 × p5.48xlarge (up to 10), 8 × H100 each, on-demand, $80,362.40/month (ceiling $401,812.00)
 27 │   capacity_type   = "ON_DEMAND"
    ╰────
  help: use an instance type from an allowed family (g4dn, g5, g6, g6e, inf2, g2, NCas_T4_v3,
        NVads_A10_v5), change allowed_accelerator_families for environment dev in the
        configuration, or waive AIC-GPU-001 for this resource

AIC-GPU-003 [medium]

  ⚠ aws_eks_node_group.train is an accelerator pool in non-production environment dev on on-demand
  │ capacity (10 x p5.48xlarge)
    ╭─[testdata/terraform/eks_gpu_training/main.tf:27:3]
 26 │   instance_types  = ["p5.48xlarge"]
 27 │   capacity_type   = "ON_DEMAND"
    ·   ──────────────┬──────────────
    ·                 ╰── 2 × p5.48xlarge (up to 10), 8 × H100 each, on-demand, $80,362.40/month (ceiling $401,812.00)
 28 │   ami_type        = "AL2_x86_64_GPU"
    ╰────
  help: use spot capacity: capacity_type = "SPOT" (EKS), spot = true or preemptible = true (GKE),
        priority = "Spot" (AKS); or waive AIC-GPU-003 for this resource

AIC-COST-002 [high]

  × aws_eks_node_group.train can cost $401,812.00 a month at maximum scale, more than the limit of
  │ $100,000.00
    ╭─[testdata/terraform/eks_gpu_training/main.tf:33:5]
 32 │     min_size     = 0
 33 │     max_size     = var.train_max_nodes
    ·     ─────────────────┬────────────────
    ·                      ╰── 2 × p5.48xlarge (up to 10), 8 × H100 each, on-demand, $80,362.40/month (ceiling $401,812.00)
 34 │   }
    ╰────
  help: lower the maximum size or choose a smaller type, raise max_resource_ceiling under [costs]
        in the configuration, or waive AIC-COST-002 for this resource

AIC-GPU-002 [medium]

  ⚠ aws_eks_node_group.train can scale to 80 accelerators (10 x 8 H100), more than the limit of 64
    ╭─[testdata/terraform/eks_gpu_training/main.tf:33:5]
 32 │     min_size     = 0
 33 │     max_size     = var.train_max_nodes
    ·     ─────────────────┬────────────────
    ·                      ╰── 2 × p5.48xlarge (up to 10), 8 × H100 each, on-demand, $80,362.40/month (ceiling $401,812.00)
 34 │   }
    ╰────
  help: lower the maximum size or the accelerators per node, raise the limit in the configuration
        (max_accelerators under [environments.NAME], or max_per_resource under [accelerators]), or
        waive AIC-GPU-002 for this resource

AIC-COST-001 [medium]

  ⚠ aws_sagemaker_endpoint_configuration.llama has no complete cost estimate: price unknown: the
  │ catalog's aws_sagemaker_hosting table has no price in us-west-2 (in us-east-1 it is $7.09/
  │ hour); set region_fallback = true under [pricing] to use that rate as an assumption
    ╭─[testdata/terraform/eks_gpu_training/serving.tf:22:5]
 21 │     model_name             = aws_sagemaker_model.llama.name
 22 │     instance_type          = "ml.g5.12xlarge"
    ·     ────────────────────┬────────────────────
    ·                         ╰── 2 × ml.g5.12xlarge, 4 × A10G each, on-demand, cost unknown
 23 │     initial_instance_count = 2
    ╰────
  help: give the missing values (variable defaults, --var, --var-file, the usage file), add the
        price with [[pricing.overrides]] in the configuration, or waive AIC-COST-001 for this
        resource

AIC-COST-002 [high, unknown]

  ⚠ cannot decide AIC-COST-002 for aws_sagemaker_endpoint_configuration.llama:
  │ monthly_cost_ceiling is unknown
    ╭─[testdata/terraform/eks_gpu_training/serving.tf:22:5]
 21 │     model_name             = aws_sagemaker_model.llama.name
 22 │     instance_type          = "ml.g5.12xlarge"
    ·     ────────────────────┬────────────────────
    ·                         ╰── monthly_cost_ceiling is unknown: price unknown: the catalog's aws_sagemaker_hosting table has no price in us-west-2 (in us-east-1 it is $7.09/hour); set region_fallback = true under [pricing] to use that rate as an assumption
 23 │     initial_instance_count = 2
    ╰────
  help: resolve the value (give the variable a default, or pass it with --var or --var-file) to
        get a definite answer; --unknown fail counts this as a failure

AIC-TAG-001 [high]

  × aws_sagemaker_endpoint_configuration.llama is missing required tags: cost-center
    ╭─[testdata/terraform/eks_gpu_training/serving.tf:26:3]
 25 │ 
 26 │   tags = {
    ·   ────┬───
    ·       ╰── 2 × ml.g5.12xlarge, 4 × A10G each, on-demand, cost unknown
 27 │     model = "llama-3-8b-instruct"
    ╰────
  help: add the tags to the resource, or set them once for every resource of a provider with
        provider "aws" { default_tags { tags = { ... } } } (AWS) or provider "google"
        { default_labels = { ... } } (Google); to accept the gap, waive AIC-TAG-001 for this
        resource

AIC-TAG-001 [high]

  × aws_s3_bucket.checkpoints_replica is missing required tags: cost-center
    ╭─[testdata/terraform/eks_gpu_training/serving.tf:36:1]
 35 │ 
 36 │ resource "aws_s3_bucket" "checkpoints_replica" {
    · ────────────────────────┬───────────────────────
    ·                         ╰── cost depends on usage
 37 │   provider = aws.west
    ╰────
  help: add the tags to the resource, or set them once for every resource of a provider with
        provider "aws" { default_tags { tags = { ... } } } (AWS) or provider "google"
        { default_labels = { ... } } (Google); to accept the gap, waive AIC-TAG-001 for this
        resource

AIC-GPU-001 [high, unknown]

  ⚠ cannot decide AIC-GPU-001 for aws_instance.workstation: environment is unknown
   ╭─[testdata/terraform/eks_gpu_training/workstation.tf:3:3]
 2 │   ami           = "ami-0123456789abcdef0"
 3 │   instance_type = "p3.2xlarge"
   ·   ──────────────┬─────────────
   ·                 ╰── environment is unknown: var.extra_tags has no default
 4 │   subnet_id     = var.subnet_ids[0]
   ╰────
  help: resolve the value (give the variable a default, or pass it with --var or --var-file) to
        get a definite answer; --unknown fail counts this as a failure

AIC-TAG-001 [high, unknown]

  ⚠ cannot decide AIC-TAG-001 for aws_instance.workstation: tags is unknown
    ╭─[testdata/terraform/eks_gpu_training/workstation.tf:11:3]
 10 │ 
 11 │   tags = var.extra_tags
    ·   ──────────┬──────────
    ·             ╰── tags is unknown: var.extra_tags has no default
 12 │ }
    ╰────
  help: resolve the value (give the variable a default, or pass it with --var or --var-file) to
        get a definite answer; --unknown fail counts this as a failure

AIC-SAVE-001 [info]

  ☞ aws_eks_node_group.train in environment dev could save $48,215.04/month on spot capacity
  │ ($80,362.40/month → $32,147.36/month); assumed: spot price estimated as the on-demand price x
  │ 0.4, the documented aws spot factor (spot_factors.csv); no spot price is listed for
  │ p5.48xlarge
    ╭─[testdata/terraform/eks_gpu_training/main.tf:27:3]
 26 │   instance_types  = ["p5.48xlarge"]
 27 │   capacity_type   = "ON_DEMAND"
    ·   ──────────────┬──────────────
    ·                 ╰── 2 × p5.48xlarge (up to 10), 8 × H100 each, on-demand, $80,362.40/month (ceiling $401,812.00)
 28 │   ami_type        = "AL2_x86_64_GPU"
    ╰────
  help: run it on spot capacity (capacity_type = "SPOT"); spot capacity can be reclaimed, so
        checkpoint long jobs; or waive AIC-SAVE-001 for this resource

assumed: aws_eks_cluster.main ($438.00/month): Kubernetes 1.31's extended support ended on 2026-11-26: by 2026-11-28 AWS has upgraded the cluster to 1.32, in extended support
assumed: aws_eks_node_group.inference ($355.90/month (ceiling $2,847.23)): spot price estimated as the on-demand price x 0.4, the documented aws spot factor (spot_factors.csv); no spot price is listed for g5.2xlarge
assumed: aws_eks_node_group.inference ($355.90/month (ceiling $2,847.23)): priced as g5.2xlarge, the first of 2 allowed instance types

  10 resources, 18 policies, 10 failed findings (6 policies), 1 notice, 3 unknown, at least $83,430.10/month (ceiling at least $560,563.58)
"##;

#[test]
fn eks_text_report_matches_exactly() {
    let run = eks().text(&[]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, EKS_TEXT);
    assert_eq!(run.stderr, "");
}

/// The EKS workstation after `var.extra_tags` is given one way or another.
struct Workstation {
    code: i32,
    findings: Vec<Value>,
    environment: Value,
    tags: Value,
}

fn workstation(extra: &[&str]) -> Workstation {
    let (code, report) = eks().json(extra);
    let findings = findings_of(&report)
        .into_iter()
        .filter(|f| f["resource"] == "aws_instance.workstation")
        .collect();
    let facts = facts_of(&report)
        .into_iter()
        .find(|r| r["address"] == "aws_instance.workstation")
        .expect("the workstation is a resource");
    Workstation {
        code,
        findings,
        environment: facts["environment"].clone(),
        tags: facts["tags"].clone(),
    }
}

#[test]
fn a_var_on_the_command_line_resolves_the_unknown_tags() {
    let w = workstation(&["--var", r#"extra_tags={team="ml-research", env="prod"}"#]);
    assert_eq!(w.code, 1, "the other resources still fail");
    // prod restricts no family, and every required tag is now known.
    assert_eq!(w.findings, Vec::<Value>::new());
    assert_eq!(w.environment, "prod");
    assert_eq!(
        w.tags,
        json!({
            "cost-center": "cc-ml-4711", "env": "prod", "managed-by": "terraform",
            "team": "ml-research",
        })
    );
}

#[test]
fn a_var_file_resolves_the_unknown_tags() {
    let w = workstation(&["--var-file", &eks().path("workstation.tfvars")]);
    // The file adds team and owner but keeps env from default_tags: dev refuses p3.
    assert_eq!(
        w.findings,
        vec![eks().fail(
            "AIC-GPU-001",
            "aws_instance.workstation",
            "workstation.tf:3",
            &format!("aws_instance.workstation uses p3.2xlarge (family p3), which is not allowed in environment dev; allowed families: {INFERENCE_FAMILIES}"),
        )]
    );
    assert_eq!(w.environment, "dev");
    assert_eq!(
        w.tags,
        json!({
            "cost-center": "cc-ml-4711", "env": "dev", "managed-by": "terraform",
            "owner": "jdoe", "team": "ml-research",
        })
    );
}

#[test]
fn the_later_of_var_and_var_file_wins() {
    let var_file = eks().path("workstation.tfvars");
    let prod = r#"extra_tags={team="ml-research", env="prod"}"#;
    let file_last = workstation(&["--var", prod, "--var-file", &var_file]);
    let var_last = workstation(&["--var-file", &var_file, "--var", prod]);
    assert_eq!(file_last.environment, "dev");
    assert_eq!(file_last.findings.len(), 1);
    assert_eq!(var_last.environment, "prod");
    assert_eq!(var_last.findings, Vec::<Value>::new());
}

// ---------------------------------------------------------------------------------------
// Exit-code options, on the EKS root (7 failures: high and medium; 2 unknowns) and on a
// root whose only finding is unknown
// ---------------------------------------------------------------------------------------

fn only_unknown() -> Root {
    Root::new("default_tags_matrix/resource_tags_unknown_variable")
}

#[test]
fn unknowns_do_not_fail_the_run_by_default() {
    assert_eq!(only_unknown().text(&[]).code, 0);
}

#[test]
fn unknown_fail_counts_unknowns_as_failures() {
    assert_eq!(only_unknown().text(&["--unknown", "fail"]).code, 1);
}

#[test]
fn unknown_ignore_counts_unknowns_without_showing_them() {
    let run = only_unknown().text(&["--unknown", "ignore"]);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.stdout,
        // The bucket's only cost is storage, which depends on usage: nothing fixed.
        "  1 resource, 18 policies, 0 failed findings, 1 unknown (not shown), $0.00/month (ceiling $0.00)\n"
    );
}

#[test]
fn unknown_warn_shows_unknowns() {
    let run = only_unknown().text(&["--unknown", "warn"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout
            .contains("AIC-TAG-001 [high, unknown]\n\n  ⚠ cannot decide AIC-TAG-001 for aws_s3_bucket.this: tags is unknown"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.ends_with(
        "\n  1 resource, 18 policies, 0 failed findings, 1 unknown, $0.00/month (ceiling $0.00)\n"
    ));
}

#[test]
fn soft_fail_reports_failures_but_exits_zero() {
    let (code, report) = eks().json(&["--soft-fail"]);
    assert_eq!(code, 0);
    assert_eq!(findings_of(&report), eks_findings());
}

#[test]
fn fail_severity_critical_passes_a_run_with_only_high_and_medium_failures() {
    assert_eq!(eks().text(&["--fail-severity", "critical"]).code, 0);
    assert_eq!(eks().text(&["--fail-severity", "high"]).code, 1);
}

/// The summary counts findings, not policies, and says when failures do not fail the
/// run: "9 failed" read as 9 of the 18 policies failing, and a soft-failed run looked
/// like a failed one.
#[test]
fn the_summary_counts_failed_findings_and_policies_and_says_why_they_do_not_fail() {
    const SUMMARY: &str =
        "\n  10 resources, 18 policies, 10 failed findings (6 policies), 1 notice, 3 unknown, at least $83,430.10/month (ceiling at least $560,563.58)\n";
    let plain = eks().text(&[]);
    assert_eq!(plain.code, 1);
    assert!(plain.stdout.ends_with(SUMMARY), "{}", plain.stdout);

    let soft = eks().text(&["--soft-fail"]);
    assert_eq!(soft.code, 0);
    assert!(
        soft.stdout.ends_with(&format!(
            "{SUMMARY}  --soft-fail: the failed findings do not fail the run\n"
        )),
        "{}",
        soft.stdout
    );

    // Four of the ten failures are medium (see eks_findings).
    let high = eks().text(&["--fail-severity", "high"]);
    assert_eq!(high.code, 1);
    assert!(
        high.stdout.ends_with(&format!(
            "{SUMMARY}  4 of the 10 failed findings are below --fail-severity high and do not fail the run\n"
        )),
        "{}",
        high.stdout
    );

    // When every report goes to a file, the terminal gets the same two lines.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    let critical = eks().text(&[
        "--fail-severity",
        "critical",
        "--format",
        "json",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(critical.code, 0);
    assert_eq!(
        critical.stderr,
        format!(
            "{}  the 10 failed findings are below --fail-severity critical and do not fail the run\n",
            &SUMMARY[1..]
        )
    );
}

/// Checkov's habits: `--check` / `--skip-check` (and our `--policy` / `--skip-policy`)
/// with globs pick the policies; `--compact` gives one line per finding, no snippet.
#[test]
fn check_and_skip_check_select_policies_by_glob_and_compact_drops_snippets() {
    let eks = eks();
    let run = eks.text(&[
        "--check",
        "AIC-GPU-*",
        "--skip-check",
        "AIC-GPU-003",
        "--compact",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let expected = r#"{D}/batch.tf:20:3: AIC-GPU-002 [medium] aws_autoscaling_group.batch can scale to 80 accelerators (20 x 4 L40S), more than the limit of 64 (0 × g6e.12xlarge (up to 20), 4 × L40S each, on-demand, $0.00/month (ceiling $153,192.54))
    help: lower the maximum size or the accelerators per node, raise the limit in the configuration (max_accelerators under [environments.NAME], or max_per_resource under [accelerators]), or waive AIC-GPU-002 for this resource
{D}/main.tf:26:3: AIC-GPU-001 [high] aws_eks_node_group.train uses p5.48xlarge (family p5), which is not allowed in environment dev; allowed families: g4dn, g5, g6, g6e, inf2, g2, NCas_T4_v3, NVads_A10_v5 (2 × p5.48xlarge (up to 10), 8 × H100 each, on-demand, $80,362.40/month (ceiling $401,812.00))
    help: use an instance type from an allowed family (g4dn, g5, g6, g6e, inf2, g2, NCas_T4_v3, NVads_A10_v5), change allowed_accelerator_families for environment dev in the configuration, or waive AIC-GPU-001 for this resource
{D}/main.tf:33:5: AIC-GPU-002 [medium] aws_eks_node_group.train can scale to 80 accelerators (10 x 8 H100), more than the limit of 64 (2 × p5.48xlarge (up to 10), 8 × H100 each, on-demand, $80,362.40/month (ceiling $401,812.00))
    help: lower the maximum size or the accelerators per node, raise the limit in the configuration (max_accelerators under [environments.NAME], or max_per_resource under [accelerators]), or waive AIC-GPU-002 for this resource
{D}/workstation.tf:3:3: AIC-GPU-001 [high, unknown] cannot decide AIC-GPU-001 for aws_instance.workstation: environment is unknown (environment is unknown: var.extra_tags has no default)
    help: resolve the value (give the variable a default, or pass it with --var or --var-file) to get a definite answer; --unknown fail counts this as a failure

assumed: aws_eks_cluster.main ($438.00/month): Kubernetes 1.31's extended support ended on 2026-11-26: by 2026-11-28 AWS has upgraded the cluster to 1.32, in extended support
assumed: aws_eks_node_group.inference ($355.90/month (ceiling $2,847.23)): spot price estimated as the on-demand price x 0.4, the documented aws spot factor (spot_factors.csv); no spot price is listed for g5.2xlarge
assumed: aws_eks_node_group.inference ($355.90/month (ceiling $2,847.23)): priced as g5.2xlarge, the first of 2 allowed instance types

  10 resources, 2 policies, 3 failed findings (2 policies), 1 unknown, at least $83,430.10/month (ceiling at least $560,563.58)
"#;
    assert_eq!(run.stdout, expected.replace("{D}", &eks.dir));
    // The long names are the same flags.
    let long = eks.text(&[
        "--policy",
        "AIC-GPU-*",
        "--skip-policy",
        "AIC-GPU-003",
        "--compact",
    ]);
    assert_eq!(long.stdout, run.stdout);
}

/// A typo in a policy id must not silently run every policy (or none).
#[test]
fn a_policy_id_that_matches_nothing_is_an_error_with_a_suggestion() {
    let run = eks().text(&["--policy", "AIC-GPU-01", "--skip-check", "NOPE-*"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "error: --policy `AIC-GPU-01` matches no policy\n  help: did you mean `AIC-GPU-001`?\n\
         error: --skip-policy `NOPE-*` matches no policy\n  help: policy ids are case-sensitive; the loaded policies are \
         `AIC-BUDGET-001`, `AIC-BUDGET-002`, `AIC-CHANGE-001`, `AIC-CHANGE-002`, `AIC-CHANGE-003`, `AIC-COST-001`, `AIC-COST-002`, `AIC-GOV-001`, `AIC-GPU-001`, `AIC-GPU-002`, \
         `AIC-GPU-003`, `AIC-K8S-001`, `AIC-K8S-002`, `AIC-K8S-003`, `AIC-K8S-004`, `AIC-K8S-005`, \
         `AIC-K8S-006`, `AIC-SAVE-001`, `AIC-SAVE-002`, `AIC-SAVE-003`, `AIC-TAG-001`\n"
    );
}

/// `--quiet`: the failures and the summary, nothing else (no unknowns, no budget lines).
#[test]
fn quiet_shows_only_failures_and_the_summary() {
    let run = eks().text(&["--quiet", "--compact"]);
    assert_eq!(run.code, 1);
    let findings: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with(&eks().dir))
        .collect();
    // The ten failures of eks_findings and its notice (the spot advice), none of its
    // three unknowns.
    assert_eq!(findings.len(), 11, "{}", run.stdout);
    assert!(!run.stdout.contains("unknown]"), "{}", run.stdout);
    assert!(run.stdout.ends_with(
        "\n\n  10 resources, 18 policies, 10 failed findings (6 policies), 1 notice, 3 unknown, at least $83,430.10/month (ceiling at least $560,563.58)\n"
    ), "{}", run.stdout);
    let full = eks().text(&["--compact"]);
    assert!(full.stdout.contains("unknown]"), "{}", full.stdout);
}

#[test]
fn soft_fail_does_not_hide_input_errors() {
    assert_eq!(Root::new("broken").text(&["--soft-fail"]).code, 2);
}

// ---------------------------------------------------------------------------------------
// Determinism
// ---------------------------------------------------------------------------------------

#[test]
fn the_same_input_gives_byte_identical_output() {
    // Every root at once: parallel loading and evaluation must not change the order.
    for format in ["text", "json"] {
        let first = check(&[TESTDATA, "--format", format, "--color", "never"]);
        let second = check(&[TESTDATA, "--format", format, "--color", "never"]);
        assert_eq!(first.code, 2, "testdata/terraform/broken has input errors");
        assert!(!first.stdout.is_empty());
        assert_eq!(first.stdout, second.stdout, "{format} output differs");
        assert_eq!(first.stderr, second.stderr);
    }
}

// ---------------------------------------------------------------------------------------
// gke_gpu_pool: default_labels, per-zone node counts, guest accelerators, spot
// ---------------------------------------------------------------------------------------

#[test]
fn gke_root_fails_on_the_h100_pool_the_t4_pool_and_the_a100_notebook() {
    let gke = Root::new("gke_gpu_pool");
    let (code, report) = gke.json(&[]);
    assert_eq!(code, 1);
    assert_eq!(
        findings_of(&report),
        vec![
            // At max: 4 nodes per zone x 2 zones = 8 x 730 h x $87.83247 (a3-highgpu-8g,
            // us-central1) = $512,941.6248, plus 8 x 200 GB pd-balanced x $0.10 = $160.00.
            gke.fail(
                "AIC-COST-002",
                "google_container_node_pool.h100_train",
                "main.tf:44",
                "google_container_node_pool.h100_train can cost $513,101.62 a month at maximum scale, more than the limit of $100,000.00",
            ),
            gke.fail(
                "AIC-GPU-001",
                "google_container_node_pool.h100_train",
                "main.tf:48",
                &format!("google_container_node_pool.h100_train uses a3-highgpu-8g (family a3), which is not allowed in environment dev; allowed families: {INFERENCE_FAMILIES}"),
            ),
            // No capacity argument: the finding points at the machine type.
            gke.fail(
                "AIC-GPU-003",
                "google_container_node_pool.h100_train",
                "main.tf:48",
                "google_container_node_pool.h100_train is an accelerator pool in non-production environment dev on on-demand capacity (8 x a3-highgpu-8g)",
            ),
            // No labels of its own, but its VMs carry the cluster's (the provider's
            // default_labels among them), so it is in environment dev, where n1 is not allowed.
            gke.fail(
                "AIC-GPU-001",
                "google_container_node_pool.t4_batch",
                "main.tf:99",
                &format!("google_container_node_pool.t4_batch uses n1-standard-8 (family n1), which is not allowed in environment dev; allowed families: {INFERENCE_FAMILIES}"),
            ),
            gke.fail(
                "AIC-GPU-001",
                "google_compute_instance.notebook",
                "main.tf:111",
                &format!("google_compute_instance.notebook uses a2-highgpu-1g (family a2), which is not allowed in environment dev; allowed families: {INFERENCE_FAMILIES}"),
            ),
        ]
    );
    // h100_train reaches exactly 64 H100 (4 per zone x 2 zones x 8): at the limit, not over.
    assert_eq!(report["summary"]["failed"], 5);
    // 12 resource policies x 6 resources, less the 5 failures.
    assert_eq!(report["summary"]["passed"], 67);
}

/// us-central1 prices from `catalog/gcp_machine_types.csv` and `gcp_gpus.csv` (spot prices
/// are listed), persistent disks from `storage.csv`; node counts per zone x zones.
#[test]
fn gke_resources_are_priced_per_zone_from_the_catalog() {
    let (_, report) = Root::new("gke_gpu_pool").json(&[]);
    assert_eq!(
        costs_of(&report),
        vec![
            // a2-highgpu-1g (A100 included) 730 h x $3.673385 = $2,681.57105; the 200 GB boot
            // disk has no type: pd-standard $0.04 = $8.00.
            cost("google_compute_instance.notebook", "2689.57", "2689.57"),
            cost("google_container_cluster.ml", "73.00", "73.00"),
            // min 0: nothing at the baseline; see the AIC-COST-002 finding for the ceiling.
            cost("google_container_node_pool.h100_train", "0.00", "513101.62"),
            // Spot g2-standard-24 $0.63 (L4s included); 1 node per zone x 3 zones: 2,190 h =
            // $1,379.70 + 3 x 100 GB pd-balanced = $30.00; max 3 x 3 zones: $4,139.10 + $90.00.
            cost("google_container_node_pool.l4_serve", "1409.70", "4229.10"),
            // Preemptible n1-standard-8 $0.08 + T4 $0.11 per node-hour; 2 nodes x 3 cluster
            // zones: 4,380 h = $350.40 + $481.80 + 6 x 100 GB pd-balanced = $60.00.
            cost("google_container_node_pool.t4_batch", "892.20", "892.20"),
            // GCS STANDARD in US depends on usage.
            cost("google_storage_bucket.datasets", "0.00", "0.00"),
        ]
    );
    // The totals add the exact amounts and round once: the ceilings' exact sum is
    // $520,985.49585.
    assert_eq!(
        report["summary"]["monthly_cost"],
        json!({"baseline": "5064.47", "ceiling": "520985.50", "priced": 6, "incomplete": 0, "unknown": 0})
    );
}

#[test]
fn gke_node_counts_are_per_zone_and_labels_follow_the_provider_rules() {
    let (_, report) = Root::new("gke_gpu_pool").json(&[]);
    let labels = json!({"cost-center": "cc-ml-2024", "env": "dev", "team": "ml-research"});
    let with = |key: &str, value: &str| {
        let mut tags = labels.clone();
        tags[key] = json!(value);
        tags
    };
    assert_eq!(
        facts_of(&report),
        vec![
            json!({
                "address": "google_compute_instance.notebook",
                "provider_alias": null, "region": "us-central1", "environment": "dev",
                "tags": with("owner", "jdoe"), "tags_complete": true,
                // a2-highgpu-1g carries its A100; there is no guest_accelerator block.
                "compute": compute(&["a2-highgpu-1g"], gpus("A100", 1, 40), [1, 1, 1], "on-demand", false),
            }),
            json!({
                "address": "google_container_cluster.ml",
                "provider_alias": null, "region": "us-central1", "environment": "dev",
                "tags": with("workload", "llm"), "tags_complete": true, "compute": null,
            }),
            json!({
                "address": "google_container_node_pool.h100_train",
                "provider_alias": null, "region": "us-central1", "environment": "dev",
                // Its own labels over the cluster's, which GKE puts on its VMs too.
                "tags": with("workload", "llm"), "tags_complete": true,
                // min 0 / max 4 per zone, two node_locations.
                "compute": compute(&["a3-highgpu-8g"], gpus("H100", 8, 80), [0, 0, 8], "on-demand", true),
            }),
            json!({
                "address": "google_container_node_pool.l4_serve",
                "provider_alias": null, "region": "us-central1", "environment": "dev",
                "tags": with("workload", "serving"), "tags_complete": true,
                // initial 1, min 1, max 3 per zone, three zones.
                "compute": compute(&["g2-standard-24"], gpus("L4", 2, 24), [3, 3, 9], "spot", true),
            }),
            json!({
                "address": "google_container_node_pool.t4_batch",
                "provider_alias": null, "region": "us-central1", "environment": "dev",
                // No labels of its own: the cluster's.
                "tags": with("workload", "llm"), "tags_complete": true,
                // node_count 2 in each of the cluster's three node_locations; preemptible.
                "compute": compute(&["n1-standard-8"], gpus("T4", 1, 16), [6, 6, 6], "spot", true),
            }),
            json!({
                "address": "google_storage_bucket.datasets",
                "provider_alias": null, "region": "US", "environment": "dev",
                "tags": labels, "tags_complete": true, "compute": null,
            }),
        ]
    );
}

// ---------------------------------------------------------------------------------------
// azure_nc_a100: VMs with count, AKS default and Spot pools, Azure ML low priority
// ---------------------------------------------------------------------------------------

#[test]
fn azure_root_fails_on_a100_outside_production_and_untagged_nics() {
    let az = Root::new("azure_nc_a100");
    let (code, report) = az.json(&[]);
    assert_eq!(code, 1);
    let a100_vm = |i: u32| {
        az.fail(
            "AIC-GPU-001",
            &format!("azurerm_linux_virtual_machine.a100[{i}]"),
            "vms.tf:20",
            &format!("azurerm_linux_virtual_machine.a100[{i}] uses Standard_NC24ads_A100_v4 (family NCads_A100_v4), which is not allowed in environment staging; allowed families: {INFERENCE_FAMILIES}"),
        )
    };
    // The 256 GB Premium_LRS OS disk is billed as a P15, whose price the catalog does not
    // have: the estimate is incomplete, so the ceiling cannot be compared with the limit.
    let p15 = "price unknown: azure managed disk tier P15 (Premium_LRS, up to 256 GiB) has no price in the Azure managed disk price table (as of 2026-11-28)";
    let no_estimate = |i: u32| {
        az.fail(
            "AIC-COST-001",
            &format!("azurerm_linux_virtual_machine.a100[{i}]"),
            "vms.tf:20",
            &format!(
                "azurerm_linux_virtual_machine.a100[{i}] has no complete cost estimate: {p15}"
            ),
        )
    };
    let ceiling_unknown = |i: u32| {
        az.unknown(
            "AIC-COST-002",
            &format!("azurerm_linux_virtual_machine.a100[{i}]"),
            "vms.tf:20",
            &format!("cannot decide AIC-COST-002 for azurerm_linux_virtual_machine.a100[{i}]: monthly_cost_ceiling is unknown"),
            &[("monthly_cost_ceiling", p15)],
        )
    };
    let untagged_nic = |i: u32| {
        az.fail(
            "AIC-TAG-001",
            &format!("azurerm_network_interface.a100[{i}]"),
            "vms.tf:1",
            &format!("azurerm_network_interface.a100[{i}] is missing required tags: team, cost-center, env"),
        )
    };
    assert_eq!(
        findings_of(&report),
        vec![
            az.fail(
                "AIC-GPU-001",
                "azurerm_kubernetes_cluster_node_pool.a100spot",
                "aks.tf:23",
                &format!("azurerm_kubernetes_cluster_node_pool.a100spot uses Standard_NC24ads_A100_v4 (family NCads_A100_v4), which is not allowed in environment staging; allowed families: {INFERENCE_FAMILIES}"),
            ),
            // T4 is allowed in staging, but the pool is on regular (on-demand) priority.
            az.fail(
                "AIC-GPU-003",
                "azurerm_kubernetes_cluster_node_pool.t4",
                "aks.tf:38",
                "azurerm_kubernetes_cluster_node_pool.t4 is an accelerator pool in non-production environment staging on on-demand capacity (4 x Standard_NC8as_T4_v3)",
            ),
            // Its spot advice, at the same line: 2 nodes
            // x 730 h x $0.752 = $1,097.92 on demand; spot at the Azure factor 0.20,
            // 2 x 730 h x $0.1504 = $219.584.
            az.fail(
                "AIC-SAVE-001",
                "azurerm_kubernetes_cluster_node_pool.t4",
                "aks.tf:38",
                "azurerm_kubernetes_cluster_node_pool.t4 in environment staging could save $878.34/month on spot capacity ($1,097.92/month → $219.58/month); assumed: spot price estimated as the on-demand price x 0.20, the documented azurerm spot factor (spot_factors.csv); no spot price is listed for Standard_NC8as_T4_v3",
            ),
            az.fail(
                "AIC-GPU-001",
                "azurerm_machine_learning_compute_cluster.train",
                "aml.tf:5",
                &format!("azurerm_machine_learning_compute_cluster.train uses Standard_ND96amsr_A100_v4 (family NDamsr_A100_v4), which is not allowed in environment staging; allowed families: {INFERENCE_FAMILIES}"),
            ),
            az.fail(
                "AIC-GPU-002",
                "azurerm_machine_learning_compute_cluster.train",
                "aml.tf:10",
                "azurerm_machine_learning_compute_cluster.train can scale to 80 accelerators (10 x 8 A100), more than the limit of 64",
            ),
            untagged_nic(0),
            untagged_nic(1),
            no_estimate(0),
            no_estimate(1),
            ceiling_unknown(0),
            ceiling_unknown(1),
            a100_vm(0),
            a100_vm(1),
        ]
    );
}

/// The catalog prices the Azure VM sizes in eastus (`catalog/azure_vms.csv`) and spot as
/// on-demand x 0.20; of the Premium SSD tiers it has P1, P4 and P10 only.
#[test]
fn azure_resources_are_priced_from_the_catalog() {
    let (_, report) = Root::new("azure_nc_a100").json(&[]);
    let vm = |i: u32| {
        (
            format!("azurerm_linux_virtual_machine.a100[{i}]"),
            // 730 h x $3.673; the P15 OS disk is not priced.
            "2681.29".to_string(),
            "2681.29".to_string(),
            false,
        )
    };
    assert_eq!(
        costs_of(&report),
        vec![
            // 3 system nodes x 730 h x $0.192 (Standard_D4s_v5); the Free tier costs $0.
            cost("azurerm_kubernetes_cluster.aks", "420.48", "420.48"),
            // Spot: $3.673 x 0.20 = $0.7346; min 0, max 8: 5,840 h = $4,290.064.
            cost(
                "azurerm_kubernetes_cluster_node_pool.a100spot",
                "0.00",
                "4290.06"
            ),
            // node_count 2, max 4, x 730 h x $0.752 (Standard_NC8as_T4_v3).
            cost(
                "azurerm_kubernetes_cluster_node_pool.t4",
                "1097.92",
                "2195.84"
            ),
            vm(0),
            vm(1),
            // LowPriority: $32.77 x 0.20 = $6.554; max 10: 7,300 h = $47,844.20.
            cost(
                "azurerm_machine_learning_compute_cluster.train",
                "0.00",
                "47844.20"
            ),
        ]
    );
}

#[test]
fn azure_facts_follow_the_resource_group_location_and_aks_priorities() {
    let (_, report) = Root::new("azure_nc_a100").json(&[]);
    let tags = json!({"cost-center": "cc-ai-310", "env": "staging", "team": "ml-research"});
    let a100 = gpus("A100", 1, 80);
    let vm = |i: u32| {
        json!({
            "address": format!("azurerm_linux_virtual_machine.a100[{i}]"),
            "provider_alias": null, "region": "eastus", "environment": "staging",
            "tags": tags, "tags_complete": true,
            "compute": compute(&["Standard_NC24ads_A100_v4"], a100.clone(), [1, 1, 1], "on-demand", false),
        })
    };
    let nic = |i: u32| {
        json!({
            "address": format!("azurerm_network_interface.a100[{i}]"),
            // location = azurerm_resource_group.ml.location ("East US").
            "provider_alias": null, "region": "eastus", "environment": null,
            "tags": {}, "tags_complete": true, "compute": null,
        })
    };
    let mut finetune = tags.clone();
    finetune["workload"] = json!("finetune");
    assert_eq!(
        facts_of(&report),
        vec![
            json!({
                "address": "azurerm_kubernetes_cluster.aks",
                "provider_alias": null, "region": "eastus", "environment": "staging",
                "tags": tags, "tags_complete": true,
                // The default node pool: three system nodes without GPUs.
                "compute": compute(&["Standard_D4s_v5"], Value::Null, [3, 3, 3], "on-demand", true),
            }),
            json!({
                "address": "azurerm_kubernetes_cluster_node_pool.a100spot",
                // A node pool runs in its cluster's region.
                "provider_alias": null, "region": "eastus", "environment": "staging",
                "tags": finetune, "tags_complete": true,
                "compute": compute(&["Standard_NC24ads_A100_v4"], a100.clone(), [0, 0, 8], "spot", true),
            }),
            json!({
                "address": "azurerm_kubernetes_cluster_node_pool.t4",
                "provider_alias": null, "region": "eastus", "environment": "staging",
                "tags": tags, "tags_complete": true,
                "compute": compute(&["Standard_NC8as_T4_v3"], gpus("T4", 1, 16), [1, 2, 4], "on-demand", true),
            }),
            vm(0),
            vm(1),
            json!({
                "address": "azurerm_machine_learning_compute_cluster.train",
                "provider_alias": null, "region": "eastus", "environment": "staging",
                "tags": tags, "tags_complete": true,
                // LowPriority is Azure ML's spot.
                "compute": compute(&["Standard_ND96amsr_A100_v4"], gpus("A100", 8, 80), [0, 0, 10], "spot", true),
            }),
            nic(0),
            nic(1),
            json!({
                "address": "azurerm_resource_group.ml",
                "provider_alias": null, "region": "eastus", "environment": "staging",
                "tags": tags, "tags_complete": true, "compute": null,
            }),
        ]
    );
}

// ---------------------------------------------------------------------------------------
// module_tree: count and for_each modules, nesting, a remote module, provider aliases
// ---------------------------------------------------------------------------------------

#[test]
fn module_tree_expands_module_instances_and_passes_providers_down() {
    let tree = Root::new("module_tree");
    let (code, report) = tree.json(&[]);
    assert_eq!(code, 1);
    // module.dr gets aws.west, whose default_tags lack cost-center and whose region
    // (us-west-2) has no EC2 prices in the catalog; every other module inherits the
    // default provider's complete default_tags and us-east-1.
    let dr_price = "price unknown: the catalog's aws_ec2_ondemand table has no price in us-west-2 (in us-east-1 it is $55.04/hour); set region_fallback = true under [pricing] to use that rate as an assumption";
    assert_eq!(
        findings_of(&report),
        vec![
            tree.fail(
                "AIC-COST-001",
                "module.dr.aws_instance.node[0]",
                "modules/gpu_node/main.tf:26",
                &format!("module.dr.aws_instance.node[0] has no complete cost estimate: {dr_price}"),
            ),
            tree.unknown(
                "AIC-COST-002",
                "module.dr.aws_instance.node[0]",
                "modules/gpu_node/main.tf:26",
                "cannot decide AIC-COST-002 for module.dr.aws_instance.node[0]: monthly_cost_ceiling is unknown",
                &[("monthly_cost_ceiling", dr_price)],
            ),
            tree.fail(
                "AIC-TAG-001",
                "module.dr.aws_instance.node[0]",
                "modules/gpu_node/main.tf:29",
                "module.dr.aws_instance.node[0] is missing required tags: cost-center",
            ),
        ]
    );
    let east = json!({"cost-center": "cc-100", "env": "prod", "team": "ml-platform"});
    let train = |cell: u32, node: u32| {
        let mut tags = east.clone();
        tags["Name"] = json!(format!("train-{cell}-{node}"));
        json!({
            "address": format!("module.train[{cell}].aws_instance.node[{node}]"),
            "provider_alias": null, "region": "us-east-1", "environment": "prod",
            "tags": tags, "tags_complete": true,
            "compute": compute(&["p4d.24xlarge"], gpus("A100", 8, 40), [1, 1, 1], "on-demand", false),
        })
    };
    let endpoint = |key: &str, instance_type: &str, accelerator: Value| {
        json!({
            "address": format!("module.serve[\"{key}\"].module.endpoint.aws_sagemaker_endpoint_configuration.this"),
            "provider_alias": null, "region": "us-east-1", "environment": "prod",
            "tags": east, "tags_complete": true,
            "compute": compute(&[instance_type], accelerator, [2, 2, 2], "on-demand", false),
        })
    };
    assert_eq!(
        facts_of(&report),
        vec![
            json!({
                "address": "aws_s3_bucket.artifacts",
                "provider_alias": null, "region": "us-east-1", "environment": "prod",
                "tags": east, "tags_complete": true, "compute": null,
            }),
            json!({
                "address": "module.dr.aws_instance.node[0]",
                "provider_alias": "west", "region": "us-west-2", "environment": "prod",
                "tags": {"Name": "dr-0", "env": "prod", "team": "ml-platform"},
                "tags_complete": true,
                "compute": compute(&["p5.48xlarge"], gpus("H100", 8, 80), [1, 1, 1], "on-demand", false),
            }),
            endpoint("a", "ml.g5.2xlarge", gpus("A10G", 1, 24)),
            endpoint("b", "ml.g6.2xlarge", gpus("L4", 1, 24)),
            train(0, 0),
            train(0, 1),
            train(1, 0),
            train(1, 1),
        ]
    );
    assert_eq!(
        report["modules_not_loaded"],
        json!([{
            "address": "module.vpc",
            "source": "terraform-aws-modules/vpc/aws",
            "version": "5.16.0",
            "file": tree.path("main.tf"),
            "line": 36,
        }])
    );
    assert_eq!(report["errors"], json!([]));
}

#[test]
fn every_module_and_count_instance_is_priced() {
    let (_, report) = Root::new("module_tree").json(&[]);
    // p4d.24xlarge: 730 h x $21.957642 = $16,029.07866 per node, four nodes.
    let train = |cell: u32, node: u32| {
        cost(
            &format!("module.train[{cell}].aws_instance.node[{node}]"),
            "16029.08",
            "16029.08",
        )
    };
    let endpoint = |key: &str, amount: &str| {
        cost(
            &format!(
                "module.serve[\"{key}\"].module.endpoint.aws_sagemaker_endpoint_configuration.this"
            ),
            amount,
            amount,
        )
    };
    assert_eq!(
        costs_of(&report),
        vec![
            cost("aws_s3_bucket.artifacts", "0.00", "0.00"),
            // us-west-2 is not in the EC2 table: no price (us-east-1's $55.04 is named in the
            // reason, never used as us-west-2's).
            (
                "module.dr.aws_instance.node[0]".to_string(),
                "0.00".to_string(),
                "0.00".to_string(),
                false
            ),
            // 2 instances x 730 h x $1.515 (ml.g5.2xlarge) and x $1.222 (ml.g6.2xlarge).
            endpoint("a", "2211.90"),
            endpoint("b", "1784.12"),
            train(0, 0),
            train(0, 1),
            train(1, 0),
            train(1, 1),
        ]
    );
    // 4 x $16,029.07866 + $2,211.90 + $1,784.12 = $68,112.33464 (module.dr has no price).
    assert_eq!(
        report["summary"]["monthly_cost"]["baseline"],
        json!("68112.33")
    );
}

#[test]
fn verbose_text_names_the_remote_module_that_was_not_loaded() {
    let run = Root::new("module_tree").text(&["--verbose"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.ends_with(
            "\nnote: module.vpc (terraform-aws-modules/vpc/aws 5.16.0) at testdata/terraform/module_tree/main.tf:36 is a remote module and was not loaded\n\
             note: `testdata/terraform/module_tree/modules/gpu_node` is evaluated as module.dr, module.train of the root `testdata/terraform/module_tree`, not as a root of its own\n\
             note: `testdata/terraform/module_tree/modules/sagemaker_endpoint` is evaluated as module.serve[\"a\"].module.endpoint, module.serve[\"b\"].module.endpoint of the root `testdata/terraform/module_tree`, not as a root of its own\n\
             note: `testdata/terraform/module_tree/modules/serving` is evaluated as module.serve of the root `testdata/terraform/module_tree`, not as a root of its own\n\
             \n  8 resources, 18 policies, 2 failed findings (2 policies), 1 unknown, 1 remote module not loaded, at least $68,112.33/month (ceiling at least $68,112.33)\n"
        ),
        "{}",
        run.stdout
    );
}

// ---------------------------------------------------------------------------------------
// default_tags_matrix: tflint-ruleset-aws's aws_resource_missing_tags test matrix, one root
// per row, each with its own required_tags in aicost-policy.toml
// ---------------------------------------------------------------------------------------

/// A matrix row: exit code, findings, and each resource's (address, tags).
fn matrix_row(row: &str) -> (Root, i32, Vec<Value>, Vec<Value>) {
    let root = Root::new(&format!("default_tags_matrix/{row}"));
    let (code, report) = root.json(&[]);
    assert_eq!(report["errors"], json!([]), "{row}");
    let tags = pick(&report["resources"], &["address", "tags"]);
    (root, code, findings_of(&report), tags)
}

#[test]
fn matrix_each_alias_brings_its_own_default_tags() {
    let (_, code, findings, tags) = matrix_row("aliased_providers_both_tagged");
    assert_eq!((code, findings), (0, vec![]));
    assert_eq!(
        tags,
        vec![
            json!({"address": "aws_s3_bucket.aliased_provider", "tags": {"Bazz": "Quxx", "Fooz": "Barz"}}),
            json!({"address": "aws_ssm_parameter.default_provider", "tags": {"Bazz": "Quxx", "Fooz": "Barz"}}),
        ]
    );
}

#[test]
fn matrix_a_resource_tag_overrides_the_default_value() {
    let (_, code, findings, tags) = matrix_row("resource_overrides_default_value");
    assert_eq!((code, findings), (0, vec![]));
    assert_eq!(
        tags,
        vec![json!({"address": "aws_s3_bucket.this", "tags": {"Foo": "Bazz"}})]
    );
}

#[test]
fn matrix_default_tags_alone_satisfy_the_policy() {
    let (_, code, findings, tags) = matrix_row("default_tags_only");
    assert_eq!((code, findings), (0, vec![]));
    assert_eq!(
        tags,
        vec![json!({"address": "aws_s3_bucket.this", "tags": {"Foo": "Bar"}})]
    );
}

#[test]
fn matrix_only_the_resource_missing_a_key_fails_at_its_header() {
    let (root, code, findings, _) = matrix_row("default_and_resource_tags_partial");
    assert_eq!(code, 1);
    assert_eq!(
        findings,
        vec![root.fail(
            "AIC-TAG-001",
            "aws_s3_bucket.a",
            "main.tf:13",
            "aws_s3_bucket.a is missing required tags: Bazz",
        )]
    );
}

#[test]
fn matrix_an_alias_without_default_tags_adds_nothing() {
    let (_, code, findings, tags) = matrix_row("alias_without_default_tags");
    assert_eq!((code, findings), (0, vec![]));
    assert_eq!(
        tags,
        vec![json!({"address": "aws_s3_bucket.this", "tags": {"Foo": "Bar"}})]
    );
}

/// tflint skips this resource silently; we report unknown on purpose (see the root's
/// comment): Foo is known, Bar may or may not be in var.tags.
#[test]
fn matrix_tags_from_a_variable_without_default_are_unknown_not_skipped() {
    let (root, code, findings, tags) = matrix_row("resource_tags_unknown_variable");
    assert_eq!(code, 0, "unknown does not fail by default");
    assert_eq!(
        findings,
        vec![root.unknown(
            "AIC-TAG-001",
            "aws_s3_bucket.this",
            "main.tf:20",
            "cannot decide AIC-TAG-001 for aws_s3_bucket.this: tags is unknown",
            &[("tags", "var.tags has no default")],
        )]
    );
    assert_eq!(
        tags,
        vec![
            json!({"address": "aws_s3_bucket.this", "tags": {"Foo": {"unknown": "var.tags has no default"}}})
        ]
    );
}

/// tflint skips this resource silently; we report unknown on purpose: the provider's
/// default_tags come from a variable without a default.
#[test]
fn matrix_default_tags_from_a_variable_without_default_are_unknown() {
    let (root, code, findings, tags) = matrix_row("default_tags_unknown_variable");
    assert_eq!(code, 0);
    assert_eq!(
        findings,
        vec![root.unknown(
            "AIC-TAG-001",
            "aws_s3_bucket.this",
            "main.tf:18",
            "cannot decide AIC-TAG-001 for aws_s3_bucket.this: tags is unknown",
            &[("tags", "var.default_tags has no default")],
        )]
    );
    assert_eq!(
        tags,
        vec![json!({"address": "aws_s3_bucket.this", "tags": {"Bar": "Baz"}})]
    );
}

#[test]
fn matrix_unknown_values_under_written_keys_pass() {
    let (_, code, findings, tags) = matrix_row("unknown_values_static_keys");
    assert_eq!((code, findings), (0, vec![]));
    assert_eq!(
        tags,
        vec![json!({"address": "aws_s3_bucket.this", "tags": {
            "Owner": {"unknown": "var.owner has no default"},
            "Project": {"unknown": "var.project has no default"},
        }})]
    );
}

/// tflint reports "missing Bar, Foo" here because it cannot see default_tags from a child
/// module; we inherit them from the root on purpose, as Terraform does.
#[test]
fn matrix_a_child_module_gets_the_default_tags_of_the_alias_passed_to_it() {
    let (_, code, findings, tags) = matrix_row("child_module_configuration_aliases");
    assert_eq!((code, findings), (0, vec![]));
    assert_eq!(
        tags,
        vec![
            json!({"address": "module.bucket.aws_s3_bucket.this", "tags": {"Bar": "2", "Foo": "1"}})
        ]
    );
}

#[test]
fn matrix_provider_aws_without_alias_is_the_default_configuration() {
    let (_, code, findings, tags) = matrix_row("explicit_default_provider");
    assert_eq!((code, findings), (0, vec![]));
    assert_eq!(
        tags,
        vec![json!({"address": "aws_s3_bucket.this", "tags": {"layer": "data", "type": "bucket"}})]
    );
}

#[test]
fn matrix_tag_keys_are_case_sensitive() {
    let (root, code, findings, _) = matrix_row("keys_are_case_sensitive");
    assert_eq!(code, 1);
    assert_eq!(
        findings,
        vec![root.fail(
            "AIC-TAG-001",
            "aws_s3_bucket.this",
            "main.tf:10",
            "aws_s3_bucket.this is missing required tags: Foo, Bar",
        )]
    );
}

/// tflint points at the resource header; we point at the group's tag blocks on purpose,
/// where the missing tag goes.
#[test]
fn matrix_autoscaling_groups_ignore_default_tags() {
    let (root, code, findings, tags) = matrix_row("autoscaling_group_tag_blocks");
    assert_eq!(code, 1);
    assert_eq!(
        findings,
        vec![root.fail(
            "AIC-TAG-001",
            "aws_autoscaling_group.incomplete",
            "main.tf:58",
            "aws_autoscaling_group.incomplete is missing required tags: Bar",
        )]
    );
    assert_eq!(
        tags,
        vec![
            json!({"address": "aws_autoscaling_group.complete", "tags": {"Bar": "baz", "Foo": "bar"}}),
            json!({"address": "aws_autoscaling_group.incomplete", "tags": {"Foo": "bar"}}),
            json!({"address": "aws_launch_template.base", "tags": {"Bar": "from-default-tags", "Foo": "bar"}}),
        ]
    );
}

// ---------------------------------------------------------------------------------------
// broken: a syntax error and a binary .tf next to a valid file
// ---------------------------------------------------------------------------------------

#[test]
fn a_broken_file_is_reported_at_its_position_and_the_valid_file_is_still_checked() {
    let broken = Root::new("broken");
    let (code, report) = broken.json(&[]);
    assert_eq!(code, 2);
    assert_eq!(
        report["errors"],
        json!([
            {
                "file": broken.path("legacy.tf"), "line": 1, "column": 1,
                "message": "the file looks binary (it contains NUL bytes) and was skipped",
                "help": null,
            },
            {
                "file": broken.path("network.tf"), "line": 9, "column": 3,
                "message": "syntax error: expected `]`",
                "help": "fix the syntax; the other files are still checked",
            },
        ])
    );
    assert_eq!(
        findings_of(&report),
        vec![broken.fail(
            "AIC-TAG-001",
            "aws_instance.gpu",
            "main.tf:9",
            "aws_instance.gpu is missing required tags: cost-center, env",
        )]
    );
    assert_eq!(report["summary"]["input_errors"], 2);
}

#[test]
fn broken_files_are_named_with_line_and_column_in_the_text_report() {
    let run = Root::new("broken").text(&[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stdout.starts_with(
            "  × testdata/terraform/broken/legacy.tf:1:1: the file looks binary (it contains NUL bytes) and was\n  │ skipped\n\n  × syntax error: expected `]`\n    ╭─[testdata/terraform/broken/network.tf:9:3]\n"
        ),
        "{}",
        run.stdout
    );
    assert!(run
        .stdout
        // g5.xlarge: 730 h x $1.006 = $734.38.
        .ends_with("\n  1 resource, 18 policies, 1 failed finding (1 policy), 0 unknown, 2 input errors, $734.38/month (ceiling $734.38)\n"));
}

// ---------------------------------------------------------------------------------------
// User policies and configuration
// ---------------------------------------------------------------------------------------

const NO_P5_OUTSIDE_PROD: &str = r#"// p5 (H100) machines are for production training only.
@id("ORG-GPU-010")
@severity("high")
@message("{address} uses {instance_type}; p5 machines are for production only")
@help("use a g6e or g5 instance outside production, or waive ORG-GPU-010 for this resource")
forbid (principal, action == Action::"check", resource)
when {
  !context.production &&
  resource has instance_type &&
  resource.instance_type like "p5.*"
};
"#;

#[test]
fn a_user_policy_directory_is_evaluated() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "no_p5_outside_prod.cedar", NO_P5_OUTSIDE_PROD);
    let (code, report) = eks().json(&["--no-builtin-policies", "--policy-dir", arg(tmp.path())]);
    assert_eq!(code, 1);
    // Only the dev training pool runs p5; the workstation's unknown environment does not
    // matter for a p3.
    assert_eq!(
        findings_of(&report),
        vec![eks().fail(
            "ORG-GPU-010",
            "aws_eks_node_group.train",
            "main.tf:26",
            "aws_eks_node_group.train uses p5.48xlarge; p5 machines are for production only",
        )]
    );
    assert_eq!(report["summary"]["policies"], 1);
    assert_eq!(report["summary"]["passed"], 9);
}

#[test]
fn an_invalid_user_policy_stops_the_run_at_its_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let policy = write(
        tmp.path(),
        "typo.cedar",
        "@id(\"ORG-BAD-001\")\n@severity(\"high\")\n@message(\"{address} is bad\")\nforbid (principal, action == Action::\"check\", resource)\nwhen { resource.instance_typo == \"p5.48xlarge\" };\n",
    );
    let run = eks().text(&["--policy-dir", arg(tmp.path())]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "", "nothing is checked");
    assert!(
        run.stderr
            .contains(&format!("╭─[{}:5:8]", policy.display())),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("attribute `instance_typo` on entity type `Resource` not found"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("help: did you mean `instance_type`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_config_with_an_unknown_key_is_an_error_with_a_suggestion() {
    let tmp = tempfile::tempdir().unwrap();
    let config = write(
        tmp.path(),
        "aicost-policy.toml",
        "requred_tags = [\"team\"]\n",
    );
    let run = eks().text(&["--config", arg(&config)]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.contains("unknown key `requred_tags`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains(&format!("╭─[{}:1:1]", config.display())),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("help: did you mean `required_tags`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_config_file_is_found_from_the_scanned_path_upward() {
    // The matrix row's own aicost-policy.toml requires Foo and Bazz; with --config pointing
    // at the defaults instead, the same resources miss team, cost-center and env.
    let tmp = tempfile::tempdir().unwrap();
    let defaults = write(tmp.path(), "aicost-policy.toml", "");
    let row = Root::new("default_tags_matrix/default_and_resource_tags_partial");
    let (_, report) = row.json(&["--config", arg(&defaults)]);
    assert_eq!(
        findings_of(&report)
            .iter()
            .map(|f| f["message"].as_str().unwrap().to_string())
            .collect::<Vec<_>>(),
        vec![
            "aws_s3_bucket.a is missing required tags: team, cost-center, env",
            "aws_s3_bucket.b is missing required tags: team, cost-center, env",
        ]
    );
}

#[test]
fn init_writes_a_config_that_check_accepts_and_that_means_the_defaults() {
    let (_tmp, root) = temp_copy("eks_gpu_training");
    let init = run_in(&root, &["init"]);
    assert_eq!(init.code, 0, "{}", init.stderr);
    assert_eq!(init.stdout, "wrote ./aicost-policy.toml\n");
    assert!(root.join("aicost-policy.toml").is_file());

    // Found by discovery from the scanned directory; same findings as with no file at all.
    let with_starter = run_in(&root, &["check", ".", "--format", "json", "--today", TODAY]);
    assert_eq!(with_starter.code, 1, "{}", with_starter.stderr);
    std::fs::remove_file(root.join("aicost-policy.toml")).unwrap();
    let without = run_in(&root, &["check", ".", "--format", "json", "--today", TODAY]);
    assert_eq!(
        findings_of(&parse_report(&with_starter)),
        findings_of(&parse_report(&without))
    );
    // As many as eks_findings(): 10 failures (two of them AIC-COST-002), 1 notice (the
    // spot advice) and 3 unknowns.
    assert_eq!(
        findings_of(&parse_report(&without)).len(),
        eks_findings().len()
    );
    assert_eq!(eks_findings().len(), 14);
}

#[test]
fn init_refuses_to_overwrite_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "aicost-policy.toml",
        "required_tags = [\"x\"]\n",
    );
    let run = run_in(tmp.path(), &["init", "."]);
    assert_eq!(run.code, 2);
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("aicost-policy.toml")).unwrap(),
        "required_tags = [\"x\"]\n"
    );
    assert_eq!(run_in(tmp.path(), &["init", ".", "--force"]).code, 0);
}

#[test]
fn check_help_lists_every_flag() {
    let run = run_in(Path::new(CRATE_DIR), &["check", "--help"]);
    assert_eq!(run.code, 0);
    for flag in [
        "--config",
        "--config-from",
        "--policy-dir",
        "--no-builtin-policies",
        "--var",
        "--var-file",
        "--format",
        "--output",
        "--unknown",
        "--soft-fail",
        "--fail-severity",
        "--exclude",
        "--max-file-size",
        "--today",
        "--color",
        "--verbose",
        "--help",
    ] {
        assert!(
            run.stdout.contains(&format!("{flag} ")) || run.stdout.contains(&format!("{flag}\n")),
            "check --help does not list {flag}:\n{}",
            run.stdout
        );
    }
    assert!(run.stdout.contains("Exit codes:"), "{}", run.stdout);
}

// ---------------------------------------------------------------------------------------
// Known bugs outside the loader and the reports
// ---------------------------------------------------------------------------------------

/// g5 is allowed in dev and staging and unrestricted everywhere else, so AIC-GPU-001
/// passes whatever the unknown environment turns out to be (docs/policies.md: "a condition
/// that is true or false whatever the unknown turns out to be gives fail or pass").
#[test]
fn an_allowed_family_passes_in_an_unknown_environment() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "main.tf",
        r#"provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = {
      team          = "ml-platform"
      "cost-center" = "cc-1"
      env           = "dev"
    }
  }
}

variable "extra_tags" {
  type = map(string)
}

resource "aws_instance" "inference" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "g5.xlarge"
  tags          = var.extra_tags
}
"#,
    );
    let run = run_in(
        tmp.path(),
        &["check", ".", "--format", "json", "--today", TODAY],
    );
    assert_eq!(run.code, 0);
    assert_eq!(findings_of(&parse_report(&run)), Vec::<Value>::new());
}

// ---------------------------------------------------------------------------------------
// A new user's habits (issue 20, points 6 and 7)
// ---------------------------------------------------------------------------------------

#[test]
fn an_output_named_like_a_format_is_refused_with_the_flag_meant() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["check", ".", "-o", "json"][..],
        &["check", ".", "--output", "sarif", "--format", "sarif"],
    ] {
        let run = run_in(dir.path(), args);
        let name = args.iter().find(|a| ["json", "sarif"].contains(a)).unwrap();
        assert_eq!(run.code, 2, "{args:?}");
        assert_eq!(run.stdout, "", "{args:?}");
        assert_eq!(
            run.stderr,
            format!("error: --output {name} names a format, not a file\n  help: did you mean `--format {name}`? (`-o`/`--output` is the file the report is written to; write `./{name}` for a file of that name)\n"),
        );
        assert!(!dir.path().join(name).exists());
    }
    // A path to a file of that name is still written.
    let run = run_in(
        dir.path(),
        &["check", ".", "-o", "./json", "--today", TODAY],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(dir.path().join("json").is_file());
}

#[test]
fn nothing_to_check_is_said_on_stderr_and_passes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("README.md"), "# notes\n").unwrap();
    let run = run_in(
        dir.path(),
        &["check", ".", "--today", TODAY, "--color", "never"],
    );
    assert_eq!(run.code, 0);
    assert_eq!(
        run.stdout,
        "  0 resources, 18 policies, 0 failed findings, 0 unknown\n"
    );
    assert_eq!(
        run.stderr,
        "note: no Terraform, Kubernetes or serving configuration found under .\n"
    );
}

#[test]
fn when_every_report_goes_to_a_file_the_summary_goes_to_stderr() {
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("report.json");
    let run = check(&[
        "testdata/terraform/asg_launch_configuration",
        "--format",
        "json",
        "--output",
        file.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(file.is_file());
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "  5 resources, 18 policies, 4 failed findings (2 policies), 2 unknown, at least $1,468.76/month (ceiling at least $5,768.75)\n"
    );
    // To standard output, the summary is in the report and not repeated on stderr.
    let run = check(&[
        "testdata/terraform/asg_launch_configuration",
        "--color",
        "never",
    ]);
    assert!(!run.stderr.contains("resource"), "{}", run.stderr);
}

/// `-v` says which configuration, policies, usage file and catalog the run used, on
/// standard error, so a surprising result can be traced to its source.
#[test]
fn verbose_names_the_configuration_policies_usage_file_and_catalog() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "no_p5_outside_prod.cedar", NO_P5_OUTSIDE_PROD);
    let run = check(&[
        "testdata/k8s_platform",
        "--verbose",
        "--policy-dir",
        arg(tmp.path()),
        "--color",
        "never",
    ]);
    let catalog = aicost_policy::report::diff::catalog_as_of();
    assert!(
        run.stderr.starts_with(&format!(
            "note: configuration: testdata/k8s_platform/aicost-policy.toml\n\
             note: policies: the built-in pack, {}\n\
             note: usage file: testdata/k8s_platform/aicost-usage.yml\n\
             note: catalog: built in, prices as of {catalog}\n",
            tmp.path().display()
        )),
        "{}",
        run.stderr
    );
    let quiet = check(&["testdata/k8s_platform", "--color", "never"]);
    assert!(
        !quiet.stderr.contains("note: configuration"),
        "{}",
        quiet.stderr
    );
}
