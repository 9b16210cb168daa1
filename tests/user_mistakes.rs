//! The mistakes a new user makes are caught and said plainly (issue 20): a value for a
//! variable no root declares, a variable file that does not exist, a waiver or
//! configuration naming a policy that does not exist.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use crate::common;

use std::path::Path;

use serde_json::{json, Value};

use common::run::{aicost, Run};

const VARS: &str = "testdata/mistakes/undeclared_vars";

fn check(args: &[&str]) -> Run {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--today", "2026-11-28"]);
    aicost(Path::new(env!("CARGO_MANIFEST_DIR")), &all, &[])
}

fn json_report(run: &Run) -> Value {
    serde_json::from_str(&run.stdout).unwrap()
}

const TFVARS_WARNING: &str = "value for undeclared variable `instance_typ`: the root module `testdata/mistakes/undeclared_vars` does not declare it, so the value is ignored";

#[test]
fn a_tfvars_value_for_an_undeclared_variable_is_a_warning_that_keeps_the_exit_code() {
    let run = check(&[VARS, "--format", "json"]);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    // Every policy passes: the warning does not change the exit code.
    assert_eq!(run.code, 0, "{}", run.stdout);
    let report = json_report(&run);
    assert_eq!(report["errors"], json!([]));
    assert_eq!(
        report["warnings"],
        json!([{
            "file": "testdata/mistakes/undeclared_vars/terraform.tfvars",
            "line": 4,
            "column": 1,
            "message": TFVARS_WARNING,
            "help": "did you mean `instance_type`?",
        }])
    );
    assert_eq!(report["summary"]["warnings"], 1);
    assert_eq!(report["summary"]["input_errors"], 0);
    // The declared variable still takes its value from the file.
    assert_eq!(report["resources"][0]["tags"]["team"], "ml-platform");

    let run = check(&[VARS]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout
            .starts_with("  ⚠ value for undeclared variable `instance_typ`"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("╭─[testdata/mistakes/undeclared_vars/terraform.tfvars:4:1]"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.ends_with(
            "  1 resource, 18 policies, 0 failed findings, 0 unknown, 1 warning, $70.08/month (ceiling $70.08)\n"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn a_var_for_an_undeclared_variable_is_an_error_with_the_likely_name() {
    let run = check(&[VARS, "--var", "instance_typ=m5.2xlarge", "--format", "json"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    let report = json_report(&run);
    assert_eq!(
        report["errors"],
        json!([{
            "file": "--var instance_typ",
            "line": 1,
            "column": 1,
            "message": "--var instance_typ: no checked root module declares a variable named `instance_typ`",
            "help": "did you mean `instance_type`?",
        }])
    );
    // The value went nowhere: the default stands.
    assert_eq!(
        report["resources"][0]["compute"]["instance_type"],
        "m5.large"
    );

    // A declared one is taken, with no error.
    let run = check(&[VARS, "--var", "instance_type=m5.xlarge", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let report = json_report(&run);
    assert_eq!(report["errors"], json!([]));
    assert_eq!(
        report["resources"][0]["compute"]["instance_type"],
        "m5.xlarge"
    );
}

#[test]
fn a_var_file_value_for_a_variable_no_root_declares_is_a_warning() {
    let extra = format!("{VARS}/extra.tfvars");
    let run = check(&[VARS, "--var-file", &extra, "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let report = json_report(&run);
    assert_eq!(
        report["warnings"],
        json!([
            {
                "file": "testdata/mistakes/undeclared_vars/extra.tfvars",
                "line": 2,
                "column": 1,
                "message": "value for undeclared variable `region`: no checked root module declares it, so the value is ignored",
                "help": "declare it with a `variable \"region\"` block to use the value, or remove the entry",
            },
            {
                "file": "testdata/mistakes/undeclared_vars/terraform.tfvars",
                "line": 4,
                "column": 1,
                "message": TFVARS_WARNING,
                "help": "did you mean `instance_type`?",
            },
        ])
    );
    assert_eq!(report["resources"][0]["tags"]["team"], "research");
}

#[test]
fn a_missing_var_file_stops_the_run_before_any_report() {
    for format in ["text", "json"] {
        let run = check(&[VARS, "--var-file", "missing.tfvars", "--format", format]);
        assert_eq!(run.code, 2);
        assert_eq!(run.stdout, "", "no report is written");
        assert!(
            run.stderr.starts_with(
                "  × --var-file missing.tfvars: cannot read the file: No such file or directory"
            ),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr
                .ends_with("  help: check that the file exists and is readable\n"),
            "{}",
            run.stderr
        );
    }
}

const WAIVERS: &str = "testdata/mistakes/unknown_waivers";

#[test]
fn a_waiver_naming_no_policy_is_an_input_error_with_the_likely_id() {
    let run = check(&[WAIVERS, "--format", "json"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    let report = json_report(&run);
    let error = |file: &str, line: u32, column: u32, given: &str, what: &str, help: &str| {
        json!({
            "file": format!("{WAIVERS}/{file}"),
            "line": line,
            "column": column,
            "message": format!("waiver: `{given}` {what}"),
            "help": help,
        })
    };
    let not_an_id = "is not the id of any loaded policy";
    let loaded = "policy ids are case-sensitive; the loaded policies are `AIC-BUDGET-001`, \
        `AIC-BUDGET-002`, `AIC-CHANGE-001`, `AIC-CHANGE-002`, `AIC-CHANGE-003`, \
        `AIC-COST-001`, `AIC-COST-002`, `AIC-GOV-001`, `AIC-GPU-001`, `AIC-GPU-002`, \
        `AIC-GPU-003`, `AIC-K8S-001`, `AIC-K8S-002`, `AIC-K8S-003`, `AIC-K8S-004`, \
        `AIC-K8S-005`, `AIC-K8S-006`, `AIC-SAVE-001`, `AIC-SAVE-002`, `AIC-SAVE-003`, `AIC-TAG-001`";
    assert_eq!(
        report["errors"],
        json!([
            // [[waivers]] in the configuration, at their entry; `AIC-GPU-*` matches.
            error(
                "aicost-policy.toml",
                1,
                1,
                "AIC-TAG-01",
                not_an_id,
                "did you mean `AIC-TAG-001`?"
            ),
            error(
                "aicost-policy.toml",
                11,
                1,
                "AIC-NET-*",
                "matches no loaded policy id",
                loaded
            ),
            // A Terraform comment: once, though the block has two instances.
            error(
                "main.tf",
                6,
                3,
                "AIC-COST-02",
                not_an_id,
                "did you mean `AIC-COST-002`?"
            ),
            // A Kubernetes annotation.
            error(
                "serving.yaml",
                11,
                5,
                "aic-gpu-002",
                not_an_id,
                "did you mean `AIC-GPU-002`?"
            ),
        ])
    );
}

const TAGS: &str = "testdata/mistakes/tag_keys";

const TAG_HELP: &str = "add the tags to the resource, or set them once for every resource of a provider with provider \"aws\" { default_tags { tags = { ... } } } (AWS) or provider \"google\" { default_labels = { ... } } (Google); to accept the gap, waive AIC-TAG-001 for this resource";

#[test]
fn required_tag_help_says_keys_are_case_sensitive_and_where_gke_pool_labels_go() {
    let run = check(&[TAGS, "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let report = json_report(&run);
    let shown: Vec<(String, String, u64, String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["policy_id"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
                f["help"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let main = format!("{TAGS}/main.tf");
    let serving = format!("{TAGS}/serving.yaml");
    assert_eq!(
        shown,
        vec![
            (
                "AIC-TAG-001".to_string(),
                main.clone(),
                15,
                "aws_instance.etl is missing required tags: team".to_string(),
                format!(
                    "tag keys are case-sensitive: `Team` is not `team` (rename the key to the \
                     required spelling, or set `[tags] case_insensitive_keys = true` in \
                     aicost-policy.toml); {TAG_HELP}"
                ),
            ),
            (
                "AIC-TAG-001".to_string(),
                main.clone(),
                23,
                "google_container_node_pool.batch is missing required tags: team, cost-center, env"
                    .to_string(),
                "add the labels to the cluster's resource_labels (or the provider's \
                 default_labels), which GKE puts on the VMs of every node pool, or to this \
                 pool's node_config.resource_labels (node_pools_resource_labels with the \
                 terraform-google-modules GKE module); node_config.labels are Kubernetes node \
                 labels, which billing does not see; to accept the gap, waive AIC-TAG-001 for \
                 this resource"
                    .to_string(),
            ),
            (
                "AIC-TAG-001".to_string(),
                main,
                40,
                "google_container_cluster.ml is missing required tags: team, cost-center, env"
                    .to_string(),
                TAG_HELP.to_string(),
            ),
            (
                "AIC-K8S-001".to_string(),
                serving,
                6,
                "Deployment/ml/reranker is missing required labels: team".to_string(),
                "label keys are case-sensitive: `Team` is not `team` (rename the key to the \
                 required spelling, or set `[tags] case_insensitive_keys = true` in \
                 aicost-policy.toml); add the labels under metadata.labels (for example with \
                 kustomize's `labels` or a Helm chart's common labels; servingEngineSpec.labels \
                 for vLLM values); to accept the gap, add the annotation \
                 `aicost-policy.io/ignore: AIC-K8S-001 <reason>`"
                    .to_string(),
            ),
        ]
    );
}

#[test]
fn an_undeclared_variable_used_in_several_places_is_one_error_listing_the_uses() {
    let run = check(&["testdata/mistakes/undeclared_reference", "--format", "json"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    let report = json_report(&run);
    assert_eq!(
        report["errors"],
        json!([{
            "file": "testdata/mistakes/undeclared_reference/batch.tf",
            "line": 3,
            "column": 19,
            "message": "reference to undeclared input variable `var.gpu_type`, used in 4 places: \
                batch.tf:3, main.tf:9, main.tf:15, main.tf:21",
            "help": "declare it with `variable \"gpu_type\" {}`",
        }])
    );
}

#[test]
fn kubernetes_findings_never_advise_terraform_variables() {
    let run = check(&["testdata/mistakes/k8s_help", "--format", "json"]);
    let report = json_report(&run);
    let helps: Vec<(&str, &str, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["policy_id"].as_str().unwrap(),
                f["status"].as_str().unwrap(),
                f["help"].as_str().unwrap(),
            )
        })
        .collect();
    let sources = "literal values in the manifest instead of placeholders, the node selector \
        or affinity that names the machine, the usage file";
    let resolve = format!(
        "resolve the value ({sources}) to get a definite answer; --unknown fail counts this as \
         a failure"
    );
    let give = format!(
        "give the missing values ({sources}), add the price with [[pricing.overrides]] in the \
         configuration, or waive AIC-COST-001 for this resource"
    );
    assert_eq!(
        helps,
        vec![
            ("AIC-COST-001", "fail", give.as_str()),
            ("AIC-COST-002", "unknown", resolve.as_str()),
            ("AIC-GPU-002", "unknown", resolve.as_str()),
        ]
    );
    assert!(!run.stdout.contains("--var"), "{}", run.stdout);
}

#[test]
fn case_insensitive_tag_keys_is_a_choice_of_the_configuration() {
    let run = check(&[
        "testdata/mistakes/tag_keys_case_insensitive",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let report = json_report(&run);
    let findings: Vec<(&str, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["policy_id"].as_str().unwrap(),
                f["message"].as_str().unwrap(),
            )
        })
        .collect();
    // `Team` and `Cost-Center` count; `ENV` counts for `env`; `team` is still missing.
    assert_eq!(
        findings,
        vec![(
            "AIC-TAG-001",
            "aws_instance.scratch is missing required tags: team"
        )]
    );
    // The report keeps the keys as written.
    assert_eq!(
        report["resources"][0]["tags"],
        json!({"Cost-Center": "cc-1234", "Team": "data-eng", "env": "dev"})
    );
}

#[test]
fn an_unknown_instance_type_gets_the_catalogs_likely_name() {
    let run = check(&["testdata/mistakes/unknown_type", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let report = json_report(&run);
    assert_eq!(report["findings"][0]["policy_id"], "AIC-COST-001");
    assert_eq!(
        report["findings"][0]["message"],
        "aws_instance.trainer has no complete cost estimate: price unknown: p5.48xlarg is not \
         in the AWS EC2 price table (as of 2026-07-20) (did you mean p5.48xlarge?)"
    );
}

#[test]
fn an_azure_vm_size_or_sagemaker_type_with_a_typo_names_the_likely_one() {
    let run = check(&[
        "testdata/mistakes/unknown_type_azure_sagemaker",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let report = json_report(&run);
    let incomplete: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["policy_id"] == "AIC-COST-001")
        .map(|f| &f["message"])
        .collect();
    assert_eq!(
        incomplete,
        [
            "azurerm_linux_virtual_machine.a100 has no complete cost estimate: price unknown: \
             Standard_NC24ads_A100_v3 is not in the Azure VM price table (as of 2026-06-18) \
             (did you mean Standard_NC24ads_A100_v4?)",
            "aws_sagemaker_endpoint_configuration.llama has no complete cost estimate: price \
             unknown: ml.g5.12xlarg is not in the AWS SageMaker hosting price table (as of \
             2025-01-26), and g5.12xlarg is not in the AWS EC2 price table (as of 2026-07-20) \
             (did you mean ml.g5.12xlarge?)",
        ]
    );
}

#[test]
fn cost_shows_the_variable_file_warning_too() {
    let run = aicost(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["cost", VARS, "--format", "json"],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    let report = json_report(&run);
    assert_eq!(report["warnings"][0]["message"], TFVARS_WARNING);

    let run = aicost(Path::new(env!("CARGO_MANIFEST_DIR")), &["cost", VARS], &[]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stderr.starts_with(
            "  ⚠ testdata/mistakes/undeclared_vars/terraform.tfvars:4: value for undeclared variable\n"
        ),
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
fn gke_node_pools_carry_their_clusters_labels_and_are_open_when_it_is_elsewhere() {
    // GKE puts a cluster's resource_labels (with the provider's default_labels) on every
    // pool's VMs; a pool's own node_config.resource_labels win (docs/policies.md).
    let dir = "testdata/terraform/gke_cluster_labels";
    let run = check(&[dir, "--format", "json"]);
    let report = json_report(&run);
    let tags: Vec<(&str, &Value, &Value)> = report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["address"].as_str().unwrap(),
                &r["tags"],
                &r["tags_complete"],
            )
        })
        .collect();
    let cluster = json!({"cost-center": "cc-4410", "env": "prod", "team": "ml-platform"});
    assert_eq!(
        tags,
        vec![
            ("google_container_cluster.ml", &cluster, &json!(true)),
            (
                "google_container_node_pool.l4",
                &json!({"cost-center": "cc-4410", "env": "staging", "team": "ml-platform"}),
                &json!(true)
            ),
            (
                "google_container_node_pool.shared",
                &json!({}),
                &json!(false)
            ),
            // Named by its cluster's name rather than a reference: the same labels.
            ("google_container_node_pool.t4", &cluster, &json!(true)),
        ]
    );
    // Only the pool of an unseen cluster is undecided, and the help says why.
    let tag_findings: Vec<(&str, &str, &str, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["policy_id"] == "AIC-TAG-001")
        .map(|f| {
            (
                f["resource"].as_str().unwrap(),
                f["status"].as_str().unwrap(),
                f["unknowns"][0]["origin"].as_str().unwrap(),
                f["help"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        tag_findings,
        vec![(
            "google_container_node_pool.shared",
            "unknown",
            "the node VMs also carry their cluster's resource_labels, and the cluster is not in this configuration",
            "scan the node pool with the configuration of its cluster, whose resource_labels GKE also puts on the pool's VMs, or set every required label in the pool's node_config.resource_labels; --unknown fail counts this as a failure",
        )]
    );
}
