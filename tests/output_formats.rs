//! End-to-end tests of the `github`, `sarif` and `junit` report formats: the real binary on
//! the roots under `testdata/`, run from the crate directory (so reported paths start with
//! `testdata/`), or on copies in a temporary directory where a test edits the input. SARIF
//! output is validated against the OASIS SARIF 2.1.0 schema in `testdata/sarif/`.

// Test code: a failed expectation should stop the test loudly.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use crate::common;

use std::path::Path;

use common::sarif::errors as sarif_errors;
use serde_json::{json, Value};

const TODAY: &str = "2026-11-28";
const CRATE_DIR: &str = env!("CARGO_MANIFEST_DIR");
const EKS: &str = "testdata/terraform/eks_gpu_training";
const WAIVERS: &str = "testdata/kubernetes/waivers";
const FINGERPRINT: &str = "aicostPolicyFinding/v1";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// `aicost-policy check <args> --today 2026-11-28` in `dir`, with nothing from the
/// environment that changes the output (colour, Terraform variables, GitHub Actions).
fn check_in(dir: &Path, args: &[&str]) -> Run {
    let mut cmd = common::run::command();
    cmd.current_dir(dir)
        .arg("check")
        .args(args)
        .args(["--today", TODAY])
        .env_remove("NO_COLOR")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_TOKEN")
        .env_remove("GITHUB_REPOSITORY")
        .env_remove("GITHUB_SERVER_URL")
        .env_remove("GITHUB_SHA")
        .env_remove("GITHUB_REF")
        .env_remove("GITHUB_EVENT_PATH")
        .env_remove("GITHUB_RUN_ID");
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

fn check(args: &[&str]) -> Run {
    check_in(Path::new(CRATE_DIR), args)
}

/// The SARIF log for `path`, run from `dir`, validated against the schema.
fn sarif_in(dir: &Path, path: &str) -> Value {
    let run = check_in(dir, &[path, "--format", "sarif"]);
    assert!(run.code <= 2, "{}", run.stderr);
    assert!(run.stdout.ends_with("}\n"), "{}", run.stdout);
    let doc: Value = serde_json::from_str(&run.stdout).expect("the output is JSON");
    assert_valid_sarif(&doc);
    doc
}

fn sarif(path: &str) -> Value {
    sarif_in(Path::new(CRATE_DIR), path)
}

fn assert_valid_sarif(doc: &Value) {
    assert_eq!(sarif_errors(doc), Vec::<String>::new());
}

/// The only run of a SARIF log.
fn run_of(doc: &Value) -> &Value {
    let runs = doc["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    &runs[0]
}

fn results(doc: &Value) -> &Vec<Value> {
    run_of(doc)["results"].as_array().unwrap()
}

/// The result of `policy` on `address`; exactly one must exist.
fn result_for<'a>(doc: &'a Value, policy: &str, address: &str) -> &'a Value {
    let found: Vec<&Value> = results(doc)
        .iter()
        .filter(|r| {
            r["ruleId"] == policy
                && r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == address
        })
        .collect();
    assert_eq!(found.len(), 1, "{policy} on {address}");
    found[0]
}

/// Copies a directory tree (files only) into `to`.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A copy of the EKS training root at `<tmp>/eks`.
fn eks_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&Path::new(CRATE_DIR).join(EKS), &tmp.path().join("eks"));
    tmp
}

// ---------------------------------------------------------------------------------------
// github
// ---------------------------------------------------------------------------------------

/// One annotation per failure and unknown, in reading order; `:` and `,` in the title are
/// escaped, the help follows the message after an escaped line break.
#[test]
fn github_annotations_for_the_eks_training_root() {
    let run = check(&[EKS, "--format", "github"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    assert_eq!(run.stdout, EKS_GITHUB);
}

const EKS_GITHUB: &str = r#"::error file=testdata/terraform/eks_gpu_training/batch.tf,line=20,endLine=20,col=3,title=AIC-COST-002%3A aws_autoscaling_group.batch::aws_autoscaling_group.batch can cost $153,192.54 a month at maximum scale, more than the limit of $100,000.00%0Alower the maximum size or choose a smaller type, raise max_resource_ceiling under [costs] in the configuration, or waive AIC-COST-002 for this resource
::error file=testdata/terraform/eks_gpu_training/batch.tf,line=20,endLine=20,col=3,title=AIC-GPU-002%3A aws_autoscaling_group.batch::aws_autoscaling_group.batch can scale to 80 accelerators (20 x 4 L40S), more than the limit of 64%0Alower the maximum size or the accelerators per node, raise the limit in the configuration (max_accelerators under [environments.NAME], or max_per_resource under [accelerators]), or waive AIC-GPU-002 for this resource
::error file=testdata/terraform/eks_gpu_training/batch.tf,line=28,endLine=28,col=3,title=AIC-TAG-001%3A aws_autoscaling_group.batch::aws_autoscaling_group.batch is missing required tags: cost-center, env%0Aadd the tags to the resource, or set them once for every resource of a provider with provider "aws" { default_tags { tags = { ... } } } (AWS) or provider "google" { default_labels = { ... } } (Google); to accept the gap, waive AIC-TAG-001 for this resource
::error file=testdata/terraform/eks_gpu_training/main.tf,line=26,endLine=26,col=3,title=AIC-GPU-001%3A aws_eks_node_group.train::aws_eks_node_group.train uses p5.48xlarge (family p5), which is not allowed in environment dev; allowed families: g4dn, g5, g6, g6e, inf2, g2, NCas_T4_v3, NVads_A10_v5%0Ause an instance type from an allowed family (g4dn, g5, g6, g6e, inf2, g2, NCas_T4_v3, NVads_A10_v5), change allowed_accelerator_families for environment dev in the configuration, or waive AIC-GPU-001 for this resource
::error file=testdata/terraform/eks_gpu_training/main.tf,line=27,endLine=27,col=3,title=AIC-GPU-003%3A aws_eks_node_group.train::aws_eks_node_group.train is an accelerator pool in non-production environment dev on on-demand capacity (10 x p5.48xlarge)%0Ause spot capacity: capacity_type = "SPOT" (EKS), spot = true or preemptible = true (GKE), priority = "Spot" (AKS); or waive AIC-GPU-003 for this resource
::notice file=testdata/terraform/eks_gpu_training/main.tf,line=27,endLine=27,col=3,title=AIC-SAVE-001%3A aws_eks_node_group.train::aws_eks_node_group.train in environment dev could save $48,215.04/month on spot capacity ($80,362.40/month → $32,147.36/month); assumed: spot price estimated as the on-demand price x 0.4, the documented aws spot factor (spot_factors.csv); no spot price is listed for p5.48xlarge%0Arun it on spot capacity (capacity_type = "SPOT"); spot capacity can be reclaimed, so checkpoint long jobs; or waive AIC-SAVE-001 for this resource
::error file=testdata/terraform/eks_gpu_training/main.tf,line=33,endLine=33,col=5,title=AIC-COST-002%3A aws_eks_node_group.train::aws_eks_node_group.train can cost $401,812.00 a month at maximum scale, more than the limit of $100,000.00%0Alower the maximum size or choose a smaller type, raise max_resource_ceiling under [costs] in the configuration, or waive AIC-COST-002 for this resource
::error file=testdata/terraform/eks_gpu_training/main.tf,line=33,endLine=33,col=5,title=AIC-GPU-002%3A aws_eks_node_group.train::aws_eks_node_group.train can scale to 80 accelerators (10 x 8 H100), more than the limit of 64%0Alower the maximum size or the accelerators per node, raise the limit in the configuration (max_accelerators under [environments.NAME], or max_per_resource under [accelerators]), or waive AIC-GPU-002 for this resource
::error file=testdata/terraform/eks_gpu_training/serving.tf,line=22,endLine=22,col=5,title=AIC-COST-001%3A aws_sagemaker_endpoint_configuration.llama::aws_sagemaker_endpoint_configuration.llama has no complete cost estimate: price unknown: the catalog's aws_sagemaker_hosting table has no price in us-west-2 (in us-east-1 it is $7.09/hour); set region_fallback = true under [pricing] to use that rate as an assumption%0Agive the missing values (variable defaults, --var, --var-file, the usage file), add the price with [[pricing.overrides]] in the configuration, or waive AIC-COST-001 for this resource
::warning file=testdata/terraform/eks_gpu_training/serving.tf,line=22,endLine=22,col=5,title=AIC-COST-002%3A aws_sagemaker_endpoint_configuration.llama::cannot decide AIC-COST-002 for aws_sagemaker_endpoint_configuration.llama: monthly_cost_ceiling is unknown (depends on monthly_cost_ceiling: price unknown: the catalog's aws_sagemaker_hosting table has no price in us-west-2 (in us-east-1 it is $7.09/hour); set region_fallback = true under [pricing] to use that rate as an assumption)%0Aresolve the value (give the variable a default, or pass it with --var or --var-file) to get a definite answer; --unknown fail counts this as a failure
::error file=testdata/terraform/eks_gpu_training/serving.tf,line=26,endLine=28,col=3,title=AIC-TAG-001%3A aws_sagemaker_endpoint_configuration.llama::aws_sagemaker_endpoint_configuration.llama is missing required tags: cost-center%0Aadd the tags to the resource, or set them once for every resource of a provider with provider "aws" { default_tags { tags = { ... } } } (AWS) or provider "google" { default_labels = { ... } } (Google); to accept the gap, waive AIC-TAG-001 for this resource
::error file=testdata/terraform/eks_gpu_training/serving.tf,line=36,endLine=39,col=1,title=AIC-TAG-001%3A aws_s3_bucket.checkpoints_replica::aws_s3_bucket.checkpoints_replica is missing required tags: cost-center%0Aadd the tags to the resource, or set them once for every resource of a provider with provider "aws" { default_tags { tags = { ... } } } (AWS) or provider "google" { default_labels = { ... } } (Google); to accept the gap, waive AIC-TAG-001 for this resource
::warning file=testdata/terraform/eks_gpu_training/workstation.tf,line=3,endLine=3,col=3,title=AIC-GPU-001%3A aws_instance.workstation::cannot decide AIC-GPU-001 for aws_instance.workstation: environment is unknown (depends on environment: var.extra_tags has no default)%0Aresolve the value (give the variable a default, or pass it with --var or --var-file) to get a definite answer; --unknown fail counts this as a failure
::warning file=testdata/terraform/eks_gpu_training/workstation.tf,line=11,endLine=11,col=3,title=AIC-TAG-001%3A aws_instance.workstation::cannot decide AIC-TAG-001 for aws_instance.workstation: tags is unknown (depends on tags: var.extra_tags has no default)%0Aresolve the value (give the variable a default, or pass it with --var or --var-file) to get a definite answer; --unknown fail counts this as a failure
10 resources, 18 policies, 10 failed findings (6 policies), 1 notice, 3 unknown, at least $83,430.10/month (ceiling at least $560,563.58)
"#;

/// Suppressed findings are not annotated; input errors are, with their own title.
#[test]
fn github_annotations_for_input_errors_leave_out_waived_findings() {
    let run = check(&[WAIVERS, "--format", "github"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        concat!(
            "::error file=testdata/kubernetes/waivers/annotated.yaml,line=29,endLine=29,col=5,title=aicost-policy%3A input error::the waiver of AIC-K8S-001 in the annotation aicost-policy.io/ignore gives no reason%0Awrite `aicost-policy.io/ignore: POLICY-ID reason` (several ids separated by commas, an optional `expires=YYYY-MM-DD` after them)\n",
            "::error file=testdata/kubernetes/waivers/annotated.yaml,line=6,endLine=7,col=3,title=AIC-K8S-001%3A Deployment/perf/benchmark::Deployment/perf/benchmark is missing required labels: cost-center, env%0Aadd the labels under metadata.labels (for example with kustomize's `labels` or a Helm chart's common labels; servingEngineSpec.labels for vLLM values); to accept the gap, add the annotation `aicost-policy.io/ignore: AIC-K8S-001 <reason>`\n",
            "::error file=testdata/kubernetes/waivers/annotated.yaml,line=11,endLine=11,col=3,title=AIC-COST-001%3A Deployment/perf/benchmark::Deployment/perf/benchmark has no complete cost estimate: no node selector names the GPU model: add a nodeSelector or node affinity on nvidia.com/gpu.product, cloud.google.com/gke-accelerator or karpenter.k8s.aws/instance-gpu-name, or an instance type, or set default_gpu under [kubernetes]; at the catalog's GPU rates its 43,800 GPU-hours a month cost $15,330.00 (T4) to $493,932.60 (B200)%0Agive the missing values (literal values in the manifest instead of placeholders, the node selector or affinity that names the machine, the usage file), add the price with [[pricing.overrides]] in the configuration, or waive AIC-COST-001 for this resource\n",
            "::warning file=testdata/kubernetes/waivers/annotated.yaml,line=11,endLine=11,col=3,title=AIC-COST-002%3A Deployment/perf/benchmark::cannot decide AIC-COST-002 for Deployment/perf/benchmark: monthly_cost_ceiling is unknown (depends on monthly_cost_ceiling: no node selector names the GPU model: add a nodeSelector or node affinity on nvidia.com/gpu.product, cloud.google.com/gke-accelerator or karpenter.k8s.aws/instance-gpu-name, or an instance type, or set default_gpu under [kubernetes]; at the catalog's GPU rates its 43,800 GPU-hours a month cost $15,330.00 (T4) to $493,932.60 (B200))%0Aresolve the value (literal values in the manifest instead of placeholders, the node selector or affinity that names the machine, the usage file) to get a definite answer; --unknown fail counts this as a failure\n",
            "::error file=testdata/kubernetes/waivers/annotated.yaml,line=25,endLine=29,col=1,title=AIC-K8S-001%3A Deployment/perf/forgotten::Deployment/perf/forgotten is missing required labels: team, cost-center, env%0Aadd the labels under metadata.labels (for example with kustomize's `labels` or a Helm chart's common labels; servingEngineSpec.labels for vLLM values); to accept the gap, add the annotation `aicost-policy.io/ignore: AIC-K8S-001 <reason>`\n",
            "2 resources, 18 policies, 3 failed findings (2 policies), 1 unknown, 1 suppressed, 1 input error, at least $17,021.04/month (ceiling at least $17,021.04)\n",
        )
    );
}

// ---------------------------------------------------------------------------------------
// junit
// ---------------------------------------------------------------------------------------

/// Every policy is a suite; failures, the waived finding and the input error are cases,
/// and the counts add up.
#[test]
fn junit_report_for_the_waivers_root() {
    let run = check(&[WAIVERS, "--format", "junit"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.stdout, WAIVERS_JUNIT);
}

const WAIVERS_JUNIT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="aicost-policy" tests="20" failures="3" errors="1" skipped="2">
  <testsuite name="AIC-BUDGET-001" tests="1" failures="0" errors="0" skipped="0">
    <testcase name="all resources" classname="AIC-BUDGET-001"/>
  </testsuite>
  <testsuite name="AIC-BUDGET-002" tests="1" failures="0" errors="0" skipped="0">
    <testcase name="all resources" classname="AIC-BUDGET-002"/>
  </testsuite>
  <testsuite name="AIC-CHANGE-001" tests="1" failures="0" errors="0" skipped="0">
    <testcase name="all resources" classname="AIC-CHANGE-001"/>
  </testsuite>
  <testsuite name="AIC-CHANGE-002" tests="1" failures="0" errors="0" skipped="0">
    <testcase name="all resources" classname="AIC-CHANGE-002"/>
  </testsuite>
  <testsuite name="AIC-CHANGE-003" tests="1" failures="0" errors="0" skipped="0">
    <testcase name="all resources" classname="AIC-CHANGE-003"/>
  </testsuite>
  <testsuite name="AIC-COST-001" tests="1" failures="1" errors="0" skipped="0">
    <testcase name="Deployment/perf/benchmark" classname="AIC-COST-001" file="testdata/kubernetes/waivers/annotated.yaml" line="11">
      <failure message="Deployment/perf/benchmark has no complete cost estimate: no node selector names the GPU model: add a nodeSelector or node affinity on nvidia.com/gpu.product, cloud.google.com/gke-accelerator or karpenter.k8s.aws/instance-gpu-name, or an instance type, or set default_gpu under [kubernetes]; at the catalog&apos;s GPU rates its 43,800 GPU-hours a month cost $15,330.00 (T4) to $493,932.60 (B200)" type="medium">testdata/kubernetes/waivers/annotated.yaml:11: Deployment/perf/benchmark has no complete cost estimate: no node selector names the GPU model: add a nodeSelector or node affinity on nvidia.com/gpu.product, cloud.google.com/gke-accelerator or karpenter.k8s.aws/instance-gpu-name, or an instance type, or set default_gpu under [kubernetes]; at the catalog's GPU rates its 43,800 GPU-hours a month cost $15,330.00 (T4) to $493,932.60 (B200)
help: give the missing values (literal values in the manifest instead of placeholders, the node selector or affinity that names the machine, the usage file), add the price with [[pricing.overrides]] in the configuration, or waive AIC-COST-001 for this resource</failure>
    </testcase>
  </testsuite>
  <testsuite name="AIC-COST-002" tests="1" failures="0" errors="0" skipped="1">
    <testcase name="Deployment/perf/benchmark" classname="AIC-COST-002" file="testdata/kubernetes/waivers/annotated.yaml" line="11">
      <skipped message="unknown: monthly_cost_ceiling: no node selector names the GPU model: add a nodeSelector or node affinity on nvidia.com/gpu.product, cloud.google.com/gke-accelerator or karpenter.k8s.aws/instance-gpu-name, or an instance type, or set default_gpu under [kubernetes]; at the catalog&apos;s GPU rates its 43,800 GPU-hours a month cost $15,330.00 (T4) to $493,932.60 (B200)"/>
    </testcase>
  </testsuite>
  <testsuite name="AIC-GOV-001" tests="1" failures="0" errors="0" skipped="0">
    <testcase name="all resources" classname="AIC-GOV-001"/>
  </testsuite>
  <testsuite name="AIC-GPU-001" tests="1" failures="0" errors="0" skipped="0">
    <testcase name="all resources" classname="AIC-GPU-001"/>
  </testsuite>
  <testsuite name="AIC-GPU-002" tests="1" failures="0" errors="0" skipped="0">
    <testcase name="all resources" classname="AIC-GPU-002"/>
  </testsuite>
  <testsuite name="AIC-GPU-003" tests="1" failures="0" errors="0" skipped="0">
    <testcase name="all resources" classname="AIC-GPU-003"/>
  </testsuite>
  <testsuite name="AIC-K8S-001" tests="2" failures="2" errors="0" skipped="0">
    <testcase name="Deployment/perf/benchmark" classname="AIC-K8S-001" file="testdata/kubernetes/waivers/annotated.yaml" line="6">
      <failure message="Deployment/perf/benchmark is missing required labels: cost-center, env" type="high">testdata/kubernetes/waivers/annotated.yaml:6: Deployment/perf/benchmark is missing required labels: cost-center, env
help: add the labels under metadata.labels (for example with kustomize's `labels` or a Helm chart's common labels; servingEngineSpec.labels for vLLM values); to accept the gap, add the annotation `aicost-policy.io/ignore: AIC-K8S-001 &lt;reason&gt;`</failure>
    </testcase>
    <testcase name="Deployment/perf/forgotten" classname="AIC-K8S-001" file="testdata/kubernetes/waivers/annotated.yaml" line="25">
      <failure message="Deployment/perf/forgotten is missing required labels: team, cost-center, env" type="high">testdata/kubernetes/waivers/annotated.yaml:25: Deployment/perf/forgotten is missing required labels: team, cost-center, env
help: add the labels under metadata.labels (for example with kustomize's `labels` or a Helm chart's common labels; servingEngineSpec.labels for vLLM values); to accept the gap, add the annotation `aicost-policy.io/ignore: AIC-K8S-001 &lt;reason&gt;`</failure>
    </testcase>
  </testsuite>
  <testsuite name="AIC-K8S-002" tests="1" failures="0" errors="0" skipped="0">
    <testcase name="all resources" classname="AIC-K8S-002"/>
  </testsuite>
  <testsuite name="AIC-K8S-003" tests="1" failures="0" errors="0" skipped="0">
    <testcase name="all resources" classname="AIC-K8S-003"/>
  </testsuite>
  <testsuite name="AIC-K8S-004" tests="1" failures="0" errors="0" skipped="1">
    <testcase name="Deployment/perf/benchmark" classname="AIC-K8S-004" file="testdata/kubernetes/waivers/annotated.yaml" line="11">
      <skipped message="suppressed: benchmarks need 60 fixed on-demand replicas (until 2027-03-31)"/>
    </testcase>
  </testsuite>
  <testsuite name="AIC-K8S-005" tests="1" failures="0" errors="0" skipped="0">
    <testcase name="all resources" classname="AIC-K8S-005"/>
  </testsuite>
  <testsuite name="AIC-K8S-006" tests="1" failures="0" errors="0" skipped="0">
    <testcase name="all resources" classname="AIC-K8S-006"/>
  </testsuite>
  <testsuite name="AIC-TAG-001" tests="1" failures="0" errors="0" skipped="0">
    <testcase name="all resources" classname="AIC-TAG-001"/>
  </testsuite>
  <testsuite name="input" tests="1" failures="0" errors="1" skipped="0">
    <testcase name="testdata/kubernetes/waivers/annotated.yaml:29" classname="input" file="testdata/kubernetes/waivers/annotated.yaml" line="29">
      <error message="the waiver of AIC-K8S-001 in the annotation aicost-policy.io/ignore gives no reason" type="input error">testdata/kubernetes/waivers/annotated.yaml:29: the waiver of AIC-K8S-001 in the annotation aicost-policy.io/ignore gives no reason
help: write `aicost-policy.io/ignore: POLICY-ID reason` (several ids separated by commas, an optional `expires=YYYY-MM-DD` after them)</error>
    </testcase>
  </testsuite>
</testsuites>
"#;

/// A policy with no findings still shows up, as one passing case.
#[test]
fn junit_counts_match_the_cases_on_a_clean_policy_set() {
    let run = check(&["testdata/kubernetes/litellm", "--format", "junit"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let passing = run
        .stdout
        .matches("<testcase name=\"all resources\" classname=\"")
        .count();
    assert_eq!(passing, 17);
    assert_eq!(
        run.stdout.lines().nth(1).unwrap(),
        "<testsuites name=\"aicost-policy\" tests=\"19\" failures=\"2\" errors=\"0\" skipped=\"0\">"
    );
    assert_eq!(run.stdout.matches("<testsuite name=").count(), 18);
    assert_eq!(run.stdout.matches("<failure message=").count(), 2);
}

// ---------------------------------------------------------------------------------------
// sarif
// ---------------------------------------------------------------------------------------

/// Every root validates against the SARIF 2.1.0 schema, as one run with every policy as a
/// rule, sorted by id, and one result per finding.
#[test]
fn sarif_is_valid_for_every_kind_of_root() {
    let policies = std::fs::read_dir(Path::new(CRATE_DIR).join("policies"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "cedar")
        })
        .count();
    // approvals.cedar says who may approve a change's failure: no rule of its own.
    assert_eq!(policies, 19);
    let policies = policies - 1;
    // Savings advice adds the rule of each AIC-SAVE kind it gives, and a result (EKS:
    // AIC-SAVE-001 on the dev training pool; the platform: AIC-SAVE-002 on chat-dev).
    for (root, results_expected, advice_rules) in [
        (EKS, 14, 1),
        ("testdata/k8s_platform", 13, 1),
        (WAIVERS, 5, 0),
        ("testdata/terraform/broken", 1, 0),
        ("testdata/kubernetes/litellm", 2, 0),
    ] {
        let doc = sarif(root);
        assert_eq!(doc["version"], "2.1.0");
        let run = run_of(&doc);
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        assert_eq!(rules.len(), policies + advice_rules, "{root}");
        let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        assert_eq!(ids, sorted, "{root}");
        assert_eq!(results(&doc).len(), results_expected, "{root}");
        for r in results(&doc) {
            let index = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[index]["id"], r["ruleId"], "{root}");
            assert!(
                r["locations"][0]["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap()
                    >= 1
            );
        }
        assert_eq!(run["automationDetails"], json!({"id": "aicost-policy/"}));
    }
}

/// The schema check itself catches a wrong level and a path that is not a URI.
#[test]
fn the_schema_check_rejects_invalid_sarif() {
    let mut doc = sarif("testdata/kubernetes/litellm");
    doc["runs"][0]["results"][0]["level"] = json!("fatal");
    doc["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] =
        json!("config dir/config.yaml");
    let paths: Vec<String> = sarif_errors(&doc)
        .iter()
        .map(|e| e.split(' ').next().unwrap().to_string())
        .collect();
    assert_eq!(
        paths,
        vec![
            "/runs/0/results/0/level",
            "/runs/0/results/1/locations/0/physicalLocation/artifactLocation/uri",
        ]
    );
}

/// The tool, a rule and a result of the EKS root, field by field.
#[test]
fn sarif_rule_and_result_values() {
    let doc = sarif(EKS);
    let run = run_of(&doc);
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "aicost-policy");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(driver["informationUri"], env!("CARGO_PKG_REPOSITORY"));
    assert_eq!(
        driver["rules"][10],
        json!({
            "id": "AIC-GPU-003",
            "name": "AIC-GPU-003",
            "shortDescription": {"text": "On-demand accelerator pool outside production"},
            "fullDescription": {"text": "{address} is an accelerator pool in non-production environment {environment} on on-demand capacity ({count_max} x {instance_type})"},
            "help": {
                "text": "use spot capacity: capacity_type = \"SPOT\" (EKS), spot = true or preemptible = true (GKE), priority = \"Spot\" (AKS); or waive AIC-GPU-003 for this resource",
                "markdown": "use spot capacity: capacity_type = \"SPOT\" (EKS), spot = true or preemptible = true (GKE), priority = \"Spot\" (AKS); or waive AIC-GPU-003 for this resource",
            },
            "defaultConfiguration": {"level": "warning"},
            "properties": {
                "severity": "medium",
                "tags": ["cost"],
                "builtin": true,
                "source": "builtin/nonprod_accelerator_pool_on_demand.cedar:3",
            },
        })
    );
    assert_eq!(
        result_for(&doc, "AIC-GPU-003", "aws_eks_node_group.train"),
        &json!({
            "ruleId": "AIC-GPU-003",
            "ruleIndex": 10,
            "kind": "fail",
            "level": "warning",
            "message": {"text": "aws_eks_node_group.train is an accelerator pool in non-production environment dev on on-demand capacity (10 x p5.48xlarge)"},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": {
                        "uri": "testdata/terraform/eks_gpu_training/main.tf",
                        "uriBaseId": "%SRCROOT%",
                    },
                    "region": {"startLine": 27, "startColumn": 3, "endLine": 27},
                },
                "logicalLocations": [{"fullyQualifiedName": "aws_eks_node_group.train", "kind": "resource"}],
            }],
            "partialFingerprints": {FINGERPRINT: "7fe0f01fb2adf8e9516f407ac1754aec"},
            "properties": {
                "severity": "medium",
                "status": "fail",
                "root": "testdata/terraform/eks_gpu_training",
                "resourceType": "aws_eks_node_group",
                "help": "use spot capacity: capacity_type = \"SPOT\" (EKS), spot = true or preemptible = true (GKE), priority = \"Spot\" (AKS); or waive AIC-GPU-003 for this resource",
            },
        })
    );
    // An unknown is a result to review, naming the value it depends on.
    let unknown = result_for(&doc, "AIC-TAG-001", "aws_instance.workstation");
    assert_eq!(unknown["kind"], "review");
    assert_eq!(unknown["level"], "none");
    assert_eq!(
        unknown["message"]["text"],
        "cannot decide AIC-TAG-001 for aws_instance.workstation: tags is unknown (depends on tags: var.extra_tags has no default)"
    );
    assert_eq!(
        run["invocations"],
        json!([{"executionSuccessful": true, "toolExecutionNotifications": []}])
    );
}

/// A waiver in the source is an in-source suppression with its reason and expiry; input
/// errors are tool notifications and make the run unsuccessful.
#[test]
fn sarif_in_source_suppressions_and_input_errors() {
    let doc = sarif(WAIVERS);
    let waived = result_for(&doc, "AIC-K8S-004", "Deployment/perf/benchmark");
    assert_eq!(waived["kind"], "fail");
    assert_eq!(waived["level"], "warning");
    assert_eq!(
        waived["suppressions"],
        json!([{
            "kind": "inSource",
            "status": "accepted",
            "justification": "benchmarks need 60 fixed on-demand replicas",
            "location": {"physicalLocation": {
                "artifactLocation": {"uri": "testdata/kubernetes/waivers/annotated.yaml", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 9, "startColumn": 5, "endLine": 9},
            }},
            "properties": {"expires": "2027-03-31"},
        }])
    );
    assert_eq!(
        run_of(&doc)["invocations"],
        json!([{
            "executionSuccessful": false,
            "toolExecutionNotifications": [{
                "level": "error",
                "message": {"text": "the waiver of AIC-K8S-001 in the annotation aicost-policy.io/ignore gives no reason\nwrite `aicost-policy.io/ignore: POLICY-ID reason` (several ids separated by commas, an optional `expires=YYYY-MM-DD` after them)"},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": "testdata/kubernetes/waivers/annotated.yaml", "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": 29, "startColumn": 5, "endLine": 29},
                }}],
            }],
        }])
    );
    let broken = sarif("testdata/terraform/broken");
    let notifications = run_of(&broken)["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    let places: Vec<(&str, u64)> = notifications
        .iter()
        .map(|n| {
            let p = &n["locations"][0]["physicalLocation"];
            (
                p["artifactLocation"]["uri"].as_str().unwrap(),
                p["region"]["startLine"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        places,
        vec![
            ("testdata/terraform/broken/legacy.tf", 1),
            ("testdata/terraform/broken/network.tf", 9),
        ]
    );
}

/// A waiver in the configuration file is an external suppression.
#[test]
fn sarif_config_waivers_are_external_suppressions() {
    let tmp = eks_copy();
    std::fs::write(
        tmp.path().join("eks/aicost-policy.toml"),
        "[[waivers]]\npolicy = \"AIC-GPU-003\"\nresource = \"aws_eks_node_group.train\"\nreason = \"reserved capacity for the Q1 runs\"\nexpires = \"2027-03-31\"\n",
    )
    .unwrap();
    let doc = sarif_in(tmp.path(), "eks");
    let waived = result_for(&doc, "AIC-GPU-003", "aws_eks_node_group.train");
    assert_eq!(waived["properties"]["status"], "suppressed");
    assert_eq!(
        waived["suppressions"],
        json!([{
            "kind": "external",
            "status": "accepted",
            "justification": "reserved capacity for the Q1 runs",
            "location": {"physicalLocation": {
                "artifactLocation": {"uri": "eks/aicost-policy.toml", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 1, "startColumn": 1, "endLine": 1},
            }},
            "properties": {"expires": "2027-03-31"},
        }])
    );
}

/// Lines inserted above a resource move its results but keep their fingerprints.
#[test]
fn sarif_fingerprints_survive_line_moves() {
    let tmp = eks_copy();
    let before = sarif_in(tmp.path(), "eks");
    let main = tmp.path().join("eks/main.tf");
    let text = std::fs::read_to_string(&main).unwrap();
    std::fs::write(&main, format!("\n\n\n\n{text}")).unwrap();
    let after = sarif_in(tmp.path(), "eks");

    let old = result_for(&before, "AIC-GPU-003", "aws_eks_node_group.train");
    let new = result_for(&after, "AIC-GPU-003", "aws_eks_node_group.train");
    let line = |r: &Value| r["locations"][0]["physicalLocation"]["region"]["startLine"].clone();
    assert_eq!((line(old), line(new)), (json!(27), json!(31)));
    assert_eq!(old["partialFingerprints"], new["partialFingerprints"]);
    // The root is part of the identity: the copy's fingerprint differs from the original's.
    assert_ne!(
        old["partialFingerprints"][FINGERPRINT],
        "7fe0f01fb2adf8e9516f407ac1754aec"
    );
    let prints = |doc: &Value| {
        let mut all: Vec<String> = results(doc)
            .iter()
            .map(|r| {
                r["partialFingerprints"][FINGERPRINT]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        all.sort();
        all
    };
    assert_eq!(prints(&before), prints(&after));
    let mut unique = prints(&before);
    unique.dedup();
    // eks_findings() and the spot advice on the training pool.
    assert_eq!(unique.len(), 14, "every finding has its own fingerprint");
}

#[test]
fn sarif_is_byte_identical_across_runs() {
    let first = check(&["testdata/k8s_platform", "--format", "sarif"]);
    let second = check(&["testdata/k8s_platform", "--format", "sarif"]);
    assert_eq!(first.code, 1, "{}", first.stderr);
    assert_eq!(first.stdout, second.stdout);
}

// ---------------------------------------------------------------------------------------
// several formats in one run
// ---------------------------------------------------------------------------------------

/// Each `--output` goes with the `--format` before it; the one format without a file goes
/// to standard output. Each report is the same as when run alone.
#[test]
fn several_format_output_pairs_write_every_report() {
    let tmp = tempfile::tempdir().unwrap();
    let sarif_path = tmp.path().join("a.sarif");
    let junit_path = tmp.path().join("b.xml");
    let run = check(&[
        EKS,
        "--format",
        "github",
        "--format",
        "sarif",
        "--output",
        sarif_path.to_str().unwrap(),
        "--format",
        "junit",
        "--output",
        junit_path.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    assert_eq!(run.stdout, EKS_GITHUB);
    assert_eq!(
        std::fs::read_to_string(&sarif_path).unwrap(),
        check(&[EKS, "--format", "sarif"]).stdout
    );
    assert_eq!(
        std::fs::read_to_string(&junit_path).unwrap(),
        check(&[EKS, "--format", "junit"]).stdout
    );
}

#[test]
fn two_formats_to_standard_output_are_a_usage_error() {
    let run = check(&[EKS, "--format", "github", "--format", "sarif"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "error: formats github, sarif would all be written to standard output\n  help: give all but one of them --output FILE\n"
    );
}

#[test]
fn an_output_before_any_format_is_a_usage_error() {
    let run = check(&[
        EKS, "--output", "x.sarif", "--format", "github", "--format", "sarif",
    ]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "error: --output x.sarif comes before any --format\n  help: with several formats, write each --output after its --format\n"
    );
}

#[test]
fn markdown_for_check_lists_failures_and_budgets_with_links_inside_github_actions() {
    let mut cmd = common::run::command();
    let out = cmd
        .current_dir(CRATE_DIR)
        .args([
            "check",
            "testdata/diff/base/infra",
            "--today",
            TODAY,
            "--format",
            "markdown",
        ])
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("GITHUB_SERVER_URL")
        .env("GITHUB_REPOSITORY", "acme/ml-infra")
        .env("GITHUB_SHA", "0123456789abcdef0123456789abcdef01234567")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let blob = "https://github.com/acme/ml-infra/blob/0123456789abcdef0123456789abcdef01234567";
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!(
            "\
### 💰 aicost-policy: $27,041 / month

6 resources, $27,041.48 / month (ceiling $35,326.60); 18 policies: 2 failed findings (1 policy), 1 notice, 0 unknown, 0 suppressed.

#### ❌ 2 policy failures

- **AIC-TAG-001** (high) `aws_instance.legacy` at [`testdata/diff/base/infra/legacy.tf:2`]({blob}/testdata/diff/base/infra/legacy.tf#L2): aws_instance.legacy is missing required tags: cost-center
- **AIC-TAG-001** (high) `aws_instance.notebook` at [`testdata/diff/base/infra/training.tf:44`]({blob}/testdata/diff/base/infra/training.tf#L44): aws_instance.notebook is missing required tags: cost-center

#### Budgets

| Budget | Used / limit | |
|:--|--:|:--|
| [`ml-platform`]({blob}/testdata/diff/base/aicost-policy.toml#L4) | $27,041.48 / $30,000.00 (90%) | \u{26a0}\u{fe0f} near |

#### \u{2139}\u{fe0f} 1 notice

- **AIC-BUDGET-002** (info) `budget.ml-platform` at [`testdata/diff/base/aicost-policy.toml:4`]({blob}/testdata/diff/base/aicost-policy.toml#L4): budget ml-platform is projected to cost $27,041.48 a month, 90% of its limit of $30,000.00 (warning above $24,000.00)

<sub>List prices in USD from the aicost-policy catalog as of {}; 730 hours a month. \\* partial estimate. aicost-policy {}.</sub>
",
            aicost_policy::report::diff::catalog_as_of(),
            env!("CARGO_PKG_VERSION")
        )
    );
}

#[test]
fn check_appends_its_markdown_to_the_github_job_summary() {
    let summary = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(summary.path(), "earlier step\n").unwrap();
    let run = |format: &str| {
        common::run::command()
            .current_dir(CRATE_DIR)
            .args([
                "check",
                "testdata/diff/base/infra",
                "--today",
                TODAY,
                "--format",
                format,
            ])
            .env("GITHUB_STEP_SUMMARY", summary.path())
            .env_remove("GITHUB_REPOSITORY")
            .env_remove("GITHUB_SHA")
            .output()
            .unwrap()
    };
    let text = run("text");
    assert_eq!(text.status.code(), Some(1));
    // The summary gets the Markdown whatever --format is; the text goes to stdout as usual.
    let markdown = String::from_utf8(run("markdown").stdout).unwrap();
    assert!(markdown.starts_with("### 💰 aicost-policy: $27,041 / month\n"));
    assert_eq!(
        std::fs::read_to_string(summary.path()).unwrap(),
        format!("earlier step\n{markdown}{markdown}")
    );
}
