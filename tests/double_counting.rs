//! One scan holding a cluster's node groups or pools and the pods scheduled onto them
//! (`testdata/double/`): a workload that selects a pool of the scan keeps its own estimate
//! but is counted in the pool, so run totals and budgets count the nodes once.
//!
//! Prices (catalog, us-east-1): g6e.12xlarge $10.49264 an hour on demand (4 L40S); the
//! EKS control plane $0.10 an hour; a node group's unset disk is 20 GB of gp2 at $0.10 a
//! GB-month. A month is 730 hours.
//! - `aws_eks_node_group.gpu`: 2 nodes × 730 × 10.49264 = 15,319.2544, plus 2 × 20 GB ×
//!   0.10 = 4 → $15,323.25; at its max of 4 nodes 30,638.5088 + 8 → $30,646.51.
//! - `aws_eks_cluster.ml`: Kubernetes 1.35, in standard support on [`TODAY`] (until
//!   2027-03-27, `catalog/eks_versions.csv`): 0.10 × 730 = $73.00.
//! - each vLLM Deployment: 2 pods, each all 4 GPUs of a g6e.12xlarge, so a whole node:
//!   2 × 730 × 10.49264 = $15,319.25 (fixed replicas: ceiling the same).

#![allow(clippy::panic, clippy::unwrap_used, clippy::indexing_slicing)]

use crate::common;

use std::path::Path;

use serde_json::{json, Value};

const CRATE_DIR: &str = env!("CARGO_MANIFEST_DIR");
const EKS_POOL: &str = "testdata/double/eks/infra:aws_eks_node_group.gpu";
/// The date every run is for: an EKS cluster's rate depends on it.
const TODAY: &str = "2026-11-28";

/// `aicost-policy ARGS --today TODAY` in the crate's directory.
fn run(args: &[&str]) -> common::run::Run {
    let mut all = args.to_vec();
    all.extend(["--today", TODAY]);
    common::run::aicost(Path::new(CRATE_DIR), &all, &[])
}

fn json_of(args: &[&str]) -> Value {
    let r = run(args);
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", r.stdout, r.stderr))
}

/// (address, baseline, ceiling, counted_in) of every priced resource.
fn costs(report: &Value) -> Vec<(String, String, String, Value)> {
    report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| !r["monthly_cost"].is_null())
        .map(|r| {
            let c = &r["monthly_cost"];
            (
                r["address"].as_str().unwrap().to_string(),
                c["baseline"].as_str().unwrap().to_string(),
                c["ceiling"].as_str().unwrap().to_string(),
                c["counted_in"].clone(),
            )
        })
        .collect()
}

fn row(
    address: &str,
    baseline: &str,
    ceiling: &str,
    counted_in: Value,
) -> (String, String, String, Value) {
    (
        address.to_string(),
        baseline.to_string(),
        ceiling.to_string(),
        counted_in,
    )
}

#[test]
fn pods_on_an_eks_node_group_of_the_scan_are_counted_in_the_group_once() {
    let r = run(&["cost", "testdata/double/eks"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Run total: 73 + 15,323.2544 = $15,396.25; ceiling 73 + 30,646.5088 = $30,719.51.
    // Adding the pods again would make it $30,715.51 (ceiling $46,038.76).
    assert_eq!(
        r.stdout,
        "\
RESOURCE                             TYPE                QUANTITY   UNIT PRICE                 MONTHLY     CEILING
aws_eks_cluster.ml                   aws_eks_cluster     1          $0.10 per hour              $73.00      $73.00
aws_eks_node_group.gpu               aws_eks_node_group  2 (max 4)  $10.49264 per hour      $15,323.25  $30,646.51
Deployment/inference/vllm-llama-70b  Deployment          2          $10.49264 per pod-hour  $15,319.25  $15,319.25
    assumed: g6e.12xlarge priced at its us-east-1 rate: a manifest does not name its region
    counted in testdata/double/eks/infra:aws_eks_node_group.gpu (not added to the totals)

  2 priced resources: $15,396.25 a month (ceiling $30,719.51), 1 workload counted in its node pool; 0 not priced
"
    );

    let report = json_of(&["check", "testdata/double/eks", "--format", "json"]);
    assert_eq!(
        costs(&report),
        vec![
            row("aws_eks_cluster.ml", "73.00", "73.00", Value::Null),
            row(
                "aws_eks_node_group.gpu",
                "15323.25",
                "30646.51",
                Value::Null
            ),
            row(
                "Deployment/inference/vllm-llama-70b",
                "15319.25",
                "15319.25",
                json!(EKS_POOL)
            ),
        ]
    );
    let pod = &report["resources"][2]["monthly_cost"];
    assert_eq!(
        pod["notes"].as_array().unwrap().last().unwrap(),
        "runs on testdata/double/eks/infra:aws_eks_node_group.gpu (eks.amazonaws.com/nodegroup: gpu), whose nodes are counted there: left out of the totals and budgets"
    );
    assert_eq!(
        report["summary"]["monthly_cost"],
        json!({"baseline": "15396.25", "ceiling": "30719.51", "priced": 2, "incomplete": 0,
               "unknown": 0, "counted_in_pools": 1})
    );
    // The budget counts the nodes once: $15,396.25 is under its $16,000 warning line
    // (0.8 × $20,000), so AIC-BUDGET-001 and -002 pass and there is no finding at all.
    let budget = &report["budgets"][0];
    assert_eq!(budget["monthly_cost"], "15396.25");
    assert_eq!(budget["ceiling"], "30719.51");
    assert_eq!(budget["percent_used"], "77");
    assert_eq!(report["findings"], json!([]));

    let text = run(&["check", "testdata/double/eks"]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert_eq!(
        text.stdout,
        "\
assumed: Deployment/inference/vllm-llama-70b ($15,319.25/month, counted in testdata/double/eks/infra:aws_eks_node_group.gpu): g6e.12xlarge priced at its us-east-1 rate: a manifest does not name its region

budget ml-cluster: $15,396.25 of $20,000.00 a month (77%), 3 resources in scope

  3 resources, 18 policies, 0 failed findings, 0 unknown, $15,396.25/month (ceiling $30,719.51), 1 workload counted in its node pool
"
    );
}

#[test]
fn pods_on_a_node_group_not_in_the_scan_are_counted_on_their_own() {
    // The same Deployment, but for node group `gpu-l40s`, which the scan does not hold:
    // 73 + 15,323.2544 + 15,319.2544 (elsewhere) = $30,715.51, ceiling 73 + 30,646.5088 +
    // 15,319.2544 = $46,038.76; the eks Deployment is still counted in its group.
    let report = json_of(&[
        "check",
        "testdata/double/eks",
        "testdata/double/elsewhere",
        "--config",
        "testdata/double/eks/aicost-policy.toml",
        "--format",
        "json",
    ]);
    assert_eq!(
        costs(&report),
        vec![
            row("aws_eks_cluster.ml", "73.00", "73.00", Value::Null),
            row(
                "aws_eks_node_group.gpu",
                "15323.25",
                "30646.51",
                Value::Null
            ),
            row(
                "Deployment/inference/vllm-llama-70b",
                "15319.25",
                "15319.25",
                json!(EKS_POOL)
            ),
            row(
                "Deployment/inference/vllm-llama-70b",
                "15319.25",
                "15319.25",
                Value::Null
            ),
        ]
    );
    assert_eq!(
        report["summary"]["monthly_cost"],
        json!({"baseline": "30715.51", "ceiling": "46038.76", "priced": 3, "incomplete": 0,
               "unknown": 0, "counted_in_pools": 1})
    );
    let findings: Vec<(&str, &str, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["policy_id"].as_str().unwrap(),
                f["status"].as_str().unwrap(),
                f["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        findings,
        vec![(
            "AIC-BUDGET-001",
            "fail",
            "budget ml-cluster is projected to cost $30,715.51 a month, over its limit of $20,000.00 (154%)"
        )]
    );
}

#[test]
fn pods_on_a_karpenter_node_pool_of_the_scan_are_its_baseline() {
    // The pool launches nothing by itself ($0); its nodes are those it launches for the
    // pods: $15,319.25. Its ceiling is its limit of 16 GPUs: 4 nodes × 730 × 10.49264 =
    // $30,638.51. Counting the pods as well would make the ceiling $45,957.76.
    let r = run(&["cost", "testdata/double/karpenter"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "\
RESOURCE                             TYPE        QUANTITY  UNIT PRICE                  MONTHLY     CEILING
Deployment/inference/vllm-llama-70b  Deployment  2         $10.49264 per pod-hour   $15,319.25  $15,319.25
    assumed: g6e.12xlarge priced at its us-east-1 rate: a manifest does not name its region
    counted in testdata/double/karpenter:NodePool/gpu (not added to the totals)
NodePool/gpu                         NodePool    -         $10.49264 per node-hour  $15,319.25  $30,638.51
    baseline: the nodes it launches for the pods counted in it: testdata/double/karpenter:Deployment/inference/vllm-llama-70b $15,319.25

  1 priced resource: $15,319.25 a month (ceiling $30,638.51), 1 workload counted in its node pool; 0 not priced
"
    );
    let report = json_of(&["cost", "testdata/double/karpenter", "--format", "json"]);
    assert_eq!(
        costs(&report),
        vec![
            row(
                "Deployment/inference/vllm-llama-70b",
                "15319.25",
                "15319.25",
                json!("testdata/double/karpenter:NodePool/gpu")
            ),
            row("NodePool/gpu", "15319.25", "30638.51", Value::Null),
        ]
    );
    assert_eq!(
        report["resources"][1]["monthly_cost"]["notes"],
        json!([
            "GPU limit 16 / 4 GPUs per g6e.12xlarge node = 4 nodes",
            "baseline: the nodes it launches for the pods counted in it: testdata/double/karpenter:Deployment/inference/vllm-llama-70b $15,319.25"
        ])
    );
}

#[test]
fn adding_pods_to_a_node_group_of_the_scan_does_not_move_the_diff_total() {
    // Base: the cluster alone; head: the vLLM Deployment on its GPU group as well. The
    // nodes were already paid for, so the total stays $15,396.25 (it would be +$15,319.25
    // if the pods were added on top).
    let repo = common::git_repo::GitRepo::new();
    repo.commit_tree(&Path::new(CRATE_DIR).join("testdata/double/eks"), "cluster");
    repo.git(&["rm", "-q", "-r", "--cached", "k8s"]);
    repo.git(&["commit", "-q", "-m", "the cluster without its pods"]);
    let r = common::run::aicost(
        &repo.path(),
        &[
            "diff", ".", "--base", "HEAD", "--today", TODAY, "--color", "never",
        ],
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "\
assumed: Deployment/inference/vllm-llama-70b ($15,319.25/month, counted in infra:aws_eks_node_group.gpu): g6e.12xlarge priced at its us-east-1 rate: a manifest does not name its region

budget ml-cluster: $15,396.25 of $20,000.00 a month (77%), 3 resources in scope

Cost changes:
+ Deployment/inference/vllm-llama-70b (k8s/vllm.yaml:2)
    +$15,319.25/month (- → $15,319.25), ceiling - → $15,319.25
    counted in infra:aws_eks_node_group.gpu (not added to the totals)
    assumed: g6e.12xlarge priced at its us-east-1 rate: a manifest does not name its region

  monthly cost $15,396.25 → $15,396.25 ($0.00, 0.0%), ceiling $30,719.51 → $30,719.51 ($0.00)
  0 changed, 1 added, 0 removed, 2 unchanged, 0 new failures (0 existing), 0 new unknowns (0 existing)
"
    );
}

#[test]
fn pods_on_a_gke_node_pool_of_the_scan_are_counted_in_it_but_not_pods_allowed_on_two() {
    // GKE (us-central1): g2-standard-8 $0.91 an hour with its L4; a node's 100 GB
    // pd-balanced boot disk $0.10 a GB-month; the cluster fee $0.10 an hour.
    // - node pool l4: 2 × 730 × 0.91 = 1,328.60 + 2 × 100 × 0.10 = 20 → $1,348.60.
    // - embeddings (2 pods, 1 L4 each): they name no node type, so they run on the pool's
    //   g2-standard-8, one L4 each, a whole node per pod: 2 × 730 × 0.91 = $1,328.60,
    //   counted in the pool.
    // - reranker (`In [l4-pool, l4-spare]`, tied to no single pool): 2 × 730 × 0.031611 =
    //   46.15206, 8 × 730 × 0.004237 = 24.74408, 730 × 0.56004 = 408.8292: $479.73.
    // Total: 73 + 1,348.60 + 479.72534 = $1,901.33.
    let r = run(&["cost", "testdata/double/gke"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "\
RESOURCE                         TYPE                        QUANTITY  UNIT PRICE               MONTHLY    CEILING
Deployment/search/embeddings     Deployment                  2         $0.91 per pod-hour     $1,328.60  $1,328.60
    assumed: g2-standard-8 priced at its us-central1 rate: a manifest does not name its region
    assumed: runs on g2-standard-8 nodes: the only instance type of testdata/double/gke:google_container_node_pool.l4 (cloud.google.com/gke-nodepool: l4-pool), the one pool of the scan it can run on
    counted in testdata/double/gke:google_container_node_pool.l4 (not added to the totals)
Deployment/search/reranker       Deployment                  1         $0.56004 per GPU-hour    $479.73    $479.73
google_container_cluster.search  google_container_cluster    1         $0.10 per hour            $73.00     $73.00
google_container_node_pool.l4    google_container_node_pool  2         $0.91 per hour         $1,348.60  $1,348.60

  3 priced resources: $1,901.33 a month (ceiling $1,901.33), 1 workload counted in its node pool; 0 not priced
"
    );
    let report = json_of(&["cost", "testdata/double/gke", "--format", "json"]);
    let pools: Vec<&Value> = report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["workload"]["pods"]["node_pool"])
        .collect();
    assert_eq!(
        pools,
        vec![
            &json!({"label": "cloud.google.com/gke-nodepool", "name": "l4-pool"}),
            &Value::Null,
            &Value::Null,
            &Value::Null,
        ]
    );
}

#[test]
fn a_node_group_name_two_clusters_of_the_scan_share_ties_the_pods_to_neither() {
    // Staging and prod each have the node group `gpu`: the pods run on one of them, and
    // which is not in the files, so they count on their own, with a note saying why.
    // 2 × (73 + 15,323.2544) + 15,319.2544 = $46,111.76; ceiling 2 × (73 + 30,646.5088) +
    // 15,319.2544 = $76,758.27.
    let report = json_of(&["cost", "testdata/double/two-clusters", "--format", "json"]);
    assert_eq!(
        report["summary"]["monthly_cost"],
        json!({"baseline": "46111.76", "ceiling": "76758.27", "priced": 5, "incomplete": 0,
               "unknown": 0, "depends_on_usage": 0})
    );
    let pod = &report["resources"][0];
    assert_eq!(pod["address"], "Deployment/inference/vllm-llama-70b");
    assert_eq!(pod["monthly_cost"]["counted_in"], Value::Null);
    assert_eq!(
        pod["monthly_cost"]["notes"].as_array().unwrap().last().unwrap(),
        "eks.amazonaws.com/nodegroup: gpu names 2 pools of the scan (testdata/double/two-clusters/prod:aws_eks_node_group.gpu, testdata/double/two-clusters/staging:aws_eks_node_group.gpu), so it is counted on its own"
    );
}

#[test]
fn pods_on_an_eks_module_group_named_without_a_prefix_are_counted_in_it() {
    // The EKS module names a managed group `KEY-<random>` unless use_name_prefix = false.
    // - gpu (`use_name_prefix = false`, so named `gpu`): $15,323.25 (ceiling $30,646.51)
    //   as in `eks/`; the vLLM Deployment selecting it is counted there.
    // - cpu (prefixed): 2 × m6i.xlarge at $0.192 × 730 = 280.32 + 2 × 20 GB × 0.10 = 4 →
    //   $284.32; ceiling 4 nodes: 560.64 + 8 = $568.64. The gateway selecting `cpu` is
    //   counted on its own: 2 pods × 730 h × (1 vCPU × 0.031611 + 2 GiB × 0.004237) =
    //   46.15206 + 12.37204 = $58.52.
    // Total 73 + 284.32 + 15,323.2544 + 58.5241 = $15,739.10; ceiling 73 + 568.64 +
    // 30,646.5088 + 58.5241 = $31,346.67.
    let r = run(&["cost", "testdata/double/eks-module"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "\
RESOURCE                                   TYPE                QUANTITY   UNIT PRICE                  MONTHLY     CEILING
module.eks.cluster                         aws_eks_cluster     1          $0.10 per hour               $73.00      $73.00
module.eks.eks_managed_node_groups[\"cpu\"]  aws_eks_node_group  2 (max 4)  $0.192 per hour             $284.32     $568.64
module.eks.eks_managed_node_groups[\"gpu\"]  aws_eks_node_group  2 (max 4)  $10.49264 per hour       $15,323.25  $30,646.51
Deployment/inference/gateway               Deployment          2          $0.031611 per vCPU-hour      $58.52      $58.52
Deployment/inference/vllm-llama-70b        Deployment          2          $10.49264 per pod-hour   $15,319.25  $15,319.25
    assumed: g6e.12xlarge priced at its us-east-1 rate: a manifest does not name its region
    counted in testdata/double/eks-module/infra:module.eks.eks_managed_node_groups[\"gpu\"] (not added to the totals)

  4 priced resources: $15,739.10 a month (ceiling $31,346.67), 1 workload counted in its node pool; 0 not priced
"
    );
}

#[test]
fn pods_on_an_aks_agent_pool_of_the_scan_are_counted_in_it() {
    // Azure (eastus): Standard_NC24ads_A100_v4 $3.673 an hour (1 A100), Standard_D4s_v5
    // $0.192 an hour; the AKS free tier has no control-plane fee.
    // - the cluster, with its default pool `system`: 1 × 730 × 0.192 = $140.16.
    // - agent pool gpua100: 2 × 730 × 3.673 = $5,362.58.
    // - triton (2 pods, each the node's one GPU, so a whole node): $5,362.58, counted in
    //   the agent pool.
    // - metrics (1 pod on `system`, default unit rates): 730 × 0.031611 + 2 × 730 ×
    //   0.004237 = 23.07603 + 6.18602 = $29.26, counted in the cluster, which holds its
    //   default pool.
    // Total 140.16 + 5,362.58 = $5,502.74, not $10,894.58.
    let r = run(&["cost", "testdata/double/aks"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "\
RESOURCE                                  TYPE                                  QUANTITY  UNIT PRICE                 MONTHLY    CEILING
Deployment/inference/triton               Deployment                            2         $3.673 per pod-hour      $5,362.58  $5,362.58
    assumed: Standard_NC24ads_A100_v4 priced at its eastus rate: a manifest does not name its region
    counted in testdata/double/aks:azurerm_kubernetes_cluster_node_pool.gpu (not added to the totals)
Deployment/monitoring/metrics             Deployment                            1         $0.031611 per vCPU-hour     $29.26     $29.26
    counted in testdata/double/aks:azurerm_kubernetes_cluster.ml (not added to the totals)
azurerm_kubernetes_cluster.ml             azurerm_kubernetes_cluster            1         $0.192 per hour            $140.16    $140.16
azurerm_kubernetes_cluster_node_pool.gpu  azurerm_kubernetes_cluster_node_pool  2         $3.673 per hour          $5,362.58  $5,362.58

  2 priced resources: $5,502.74 a month (ceiling $5,502.74), 2 workloads counted in their node pools; 1 not priced

Not priced:
  azurerm_resource_group.ml: no charge
"
    );
    let report = json_of(&["cost", "testdata/double/aks", "--format", "json"]);
    assert_eq!(
        report["resources"][0]["workload"]["pods"]["node_pool"],
        json!({"label": "kubernetes.azure.com/agentpool", "name": "gpua100"})
    );
}

#[test]
fn pods_on_a_gke_cluster_s_default_pool_are_counted_in_the_cluster() {
    // GKE (us-central1): e2-standard-4 $0.13402 an hour; 100 GB pd-balanced boot disks at
    // $0.10 a GB-month; the cluster fee $0.10 an hour. The cluster keeps `default-pool`
    // (2 nodes): 73 + 2 × 730 × 0.13402 + 2 × 100 × 0.10 = 73 + 195.6692 + 20 = $288.67.
    // The dashboard (2 pods of 0.5 vCPU and 1 GiB at default rates, 2 × (11.538015 +
    // 3.09301) = $29.26) runs on `default-pool`: counted in the cluster.
    let r = run(&["cost", "testdata/double/gke-default"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "\
RESOURCE                        TYPE                      QUANTITY  UNIT PRICE               MONTHLY  CEILING
Deployment/tools/dashboard      Deployment                2         $0.031611 per vCPU-hour   $29.26   $29.26
    counted in testdata/double/gke-default:google_container_cluster.tools (not added to the totals)
google_container_cluster.tools  google_container_cluster  1         $0.13402 per hour        $288.67  $288.67

  1 priced resource: $288.67 a month (ceiling $288.67), 1 workload counted in its node pool; 0 not priced
"
    );
}

#[test]
fn pods_on_a_pool_chosen_by_labels_its_definition_sets_are_counted_in_it() {
    // us-east-1: g6e.12xlarge $10.49264 an hour (4 L40S), g5.2xlarge $1.212 (1 A10G),
    // m6i.xlarge $0.192 (4 vCPUs).
    // - the EKS group (named ml-prod-gpu-inference, labelled NodeGroupType=gpu-inference):
    //   $15,323.25 (ceiling $30,646.51) as in `eks/`; vllm selects it by that label alone:
    //   $15,319.25, counted there.
    // - reranker also wants team=search, which no group sets: 730 × 10.49264 = $7,659.63
    //   on its own.
    // - embeddings select the Karpenter pool g5-gpu by its template labels and name no GPU
    //   model: the pool launches only g5.2xlarge, so 2 × 730 × 1.212 = $1,769.52, the
    //   pool's baseline. Its ceiling: 8 GPUs / 1 per node × 730 × 1.212 = $7,078.08.
    // - router wants type=karpenter, which both pools set: $29.26 on its own (default
    //   rates, 1 vCPU and 2 GiB).
    // - x86-cpu: $0 baseline; ceiling 64 vCPUs / 4 = 16 nodes × 730 × 0.192 = $2,242.56
    //   (its NodeGroupType requirement is a label it sets, not a limit on types).
    // Total 73 + 15,323.2544 + 7,659.6272 + 29.26205 + 1,769.52 = $24,854.66; before, the
    // two counted workloads were added again and embeddings was incomplete.
    let r = run(&["cost", "testdata/double/labels"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "\
RESOURCE                             TYPE                QUANTITY   UNIT PRICE                  MONTHLY     CEILING
aws_eks_cluster.ml                   aws_eks_cluster     1          $0.10 per hour               $73.00      $73.00
aws_eks_node_group.gpu               aws_eks_node_group  2 (max 4)  $10.49264 per hour       $15,323.25  $30,646.51
Deployment/inference/embeddings      Deployment          2          $1.212 per pod-hour       $1,769.52   $1,769.52
    assumed: g5.2xlarge priced at its us-east-1 rate: a manifest does not name its region
    assumed: runs on g5.2xlarge nodes: the only instance type of testdata/double/labels/k8s:NodePool/g5-gpu (NodeGroupType: g5-gpu-karpenter, type: karpenter), the one pool of the scan it can run on
    counted in testdata/double/labels/k8s:NodePool/g5-gpu (not added to the totals)
Deployment/inference/reranker        Deployment          1          $10.49264 per pod-hour    $7,659.63   $7,659.63
    assumed: g6e.12xlarge priced at its us-east-1 rate: a manifest does not name its region
Deployment/inference/router          Deployment          1          $0.031611 per vCPU-hour      $29.26      $29.26
Deployment/inference/vllm-llama-70b  Deployment          2          $10.49264 per pod-hour   $15,319.25  $15,319.25
    assumed: g6e.12xlarge priced at its us-east-1 rate: a manifest does not name its region
    counted in testdata/double/labels/infra:aws_eks_node_group.gpu (not added to the totals)
NodePool/g5-gpu                      NodePool            -          $1.212 per node-hour      $1,769.52   $7,078.08
    baseline: the nodes it launches for the pods counted in it: testdata/double/labels/k8s:Deployment/inference/embeddings $1,769.52
NodePool/x86-cpu                     NodePool            -          $0.192 per node-hour          $0.00   $2,242.56

  6 priced resources: $24,854.66 a month (ceiling $47,729.04), 2 workloads counted in their node pools; 0 not priced
"
    );
    let report = json_of(&["cost", "testdata/double/labels", "--format", "json"]);
    let by_address = |address: &str| {
        report["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["address"] == address)
            .unwrap()
            .clone()
    };
    let last_note = |address: &str| {
        by_address(address)["monthly_cost"]["notes"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()
            .clone()
    };
    assert_eq!(
        last_note("Deployment/inference/vllm-llama-70b"),
        "runs on testdata/double/labels/infra:aws_eks_node_group.gpu (NodeGroupType: gpu-inference), whose nodes are counted there: left out of the totals and budgets"
    );
    assert_eq!(
        last_note("Deployment/inference/router"),
        "type: karpenter names 2 pools of the scan (testdata/double/labels/k8s:NodePool/g5-gpu, testdata/double/labels/k8s:NodePool/x86-cpu), so it is counted on its own"
    );
    let reranker = by_address("Deployment/inference/reranker");
    assert_eq!(reranker["monthly_cost"]["counted_in"], Value::Null);
    assert_eq!(
        reranker["workload"]["pods"]["node_labels"],
        json!({"NodeGroupType": "gpu-inference", "team": "search"})
    );
    // The inherited type is the pool's, and so is the GPU model policies read.
    let embeddings = by_address("Deployment/inference/embeddings");
    assert_eq!(
        embeddings["workload"]["pods"]["node_instance_type"],
        "g5.2xlarge"
    );
    assert_eq!(embeddings["workload"]["pods"]["accelerator_type"], "A10G");
    assert_eq!(
        by_address("NodePool/x86-cpu")["monthly_cost"]["notes"],
        json!(["cpu limit 64 / 4 vCPUs per m6i.xlarge node = 16 nodes"])
    );
}

#[test]
fn pods_on_a_gke_pool_chosen_by_its_node_labels_take_its_machine_type() {
    // The pool (g2-standard-8, one L4, $0.91 an hour) labels its nodes workload=embeddings;
    // the Deployment selects that label and names no GPU model. Priced as the pool's
    // whole node per pod: 2 × 730 × 0.91 = $1,328.60, counted in the pool. The run total
    // is the cluster's $73 and the pool's $1,348.60 (with 2 × 100 GB of boot disk); before,
    // the pods were an incomplete estimate added on top.
    let r = run(&["cost", "testdata/double/gke-labels"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "\
RESOURCE                         TYPE                        QUANTITY  UNIT PRICE            MONTHLY    CEILING
Deployment/search/embeddings     Deployment                  2         $0.91 per pod-hour  $1,328.60  $1,328.60
    assumed: g2-standard-8 priced at its us-central1 rate: a manifest does not name its region
    assumed: runs on g2-standard-8 nodes: the only instance type of testdata/double/gke-labels:google_container_node_pool.l4 (workload: embeddings), the one pool of the scan it can run on
    counted in testdata/double/gke-labels:google_container_node_pool.l4 (not added to the totals)
google_container_cluster.search  google_container_cluster    1         $0.10 per hour         $73.00     $73.00
google_container_node_pool.l4    google_container_node_pool  2         $0.91 per hour      $1,348.60  $1,348.60

  2 priced resources: $1,421.60 a month (ceiling $1,421.60), 1 workload counted in its node pool; 0 not priced
"
    );
}

#[test]
fn a_karpenter_pool_whose_pods_are_not_fully_priced_is_incomplete_and_says_why() {
    // The Job's parallelism is a placeholder: its cost is unknown, so the pool it is
    // counted in has a baseline of at least $0.00, incomplete with the Job's reason; its
    // ceiling is still its limit (16 GPUs: 4 × g6e.12xlarge × 730 × 10.49264 = $30,638.51).
    let r = run(&["cost", "testdata/double/karpenter-partial"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "\
RESOURCE               TYPE      QUANTITY  UNIT PRICE               MONTHLY      CEILING
Job/training/finetune  Job       ?         $10.49264 per pod-hour   unknown      unknown
    assumed: g6e.12xlarge priced at its us-east-1 rate: a manifest does not name its region
    counted in testdata/double/karpenter-partial:NodePool/gpu (not added to the totals)
    missing: the number of units is unknown: spec.parallelism is a placeholder: ${TRAINERS}
NodePool/gpu           NodePool  -         $10.49264 per node-hour   ≥$0.00  ≥$30,638.51
    baseline: the nodes it launches for the pods counted in it: testdata/double/karpenter-partial:Job/training/finetune $0.00
    missing: testdata/double/karpenter-partial:Job/training/finetune: the number of units is unknown: spec.parallelism is a placeholder: ${TRAINERS}

  1 priced resource: at least $0.00 a month (ceiling at least $30,638.51), 1 workload counted in its node pool, 1 with an incomplete estimate (≥); 0 not priced
"
    );
    let report = json_of(&[
        "cost",
        "testdata/double/karpenter-partial",
        "--format",
        "json",
    ]);
    let pool = &report["resources"][1]["monthly_cost"];
    assert_eq!(pool["complete"], false);
    assert_eq!(
        pool["missing"],
        json!(["testdata/double/karpenter-partial:Job/training/finetune: the number of units is unknown: spec.parallelism is a placeholder: ${TRAINERS}"])
    );
}
