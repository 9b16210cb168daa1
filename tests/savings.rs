//! Savings advice (AIC-SAVE-001..003): exact findings and amounts on
//! `testdata/savings/head`, `cost --suggest`, the "Could save" section of the pull-request
//! comment, and the `[savings]` settings.
//!
//! The amounts, from the catalog rows (us-east-1 unless said):
//!
//! - `aws_eks_node_group.train`, 2 x g5.12xlarge in dev (`aws_ec2_ondemand.csv`
//!   `us-east-1,g5.12xlarge,5.672000`) plus two 20 GB gp2 root volumes at $0.10 a GB-month
//!   ($4.00): 5.672 x 730 x 2 + 4 = $8,285.12. On spot, the AWS factor 0.4
//!   (`spot_factors.csv` `aws,*,0.4`): 5.672 x 0.4 = 2.2688 x 730 x 2 + 4 = $3,316.448.
//!   Saving 8,285.12 - 3,316.448 = $4,968.672 → $4,968.67 (AIC-SAVE-001).
//! - `aws_eks_node_group.serve`: the same in prod: no spot advice.
//! - `InferenceService/dev/chat/predictor`: one replica of a g5.xlarge-share pod
//!   (`us-east-1,g5.xlarge,1.006000`): 1.006 x 730 = $734.38; with minReplicas 0 the
//!   baseline is $0.00, so scaling to zero saves up to $734.38 (AIC-SAVE-002).
//! - `aws_instance.trainium`, trn1n.32xlarge (`us-east-1,trn1n.32xlarge,24.780000`;
//!   `accelerators.csv` `aws,trn1n.32xlarge,Trainium,16,32`; sizes 128 vCPUs, 512 GiB):
//!   24.78 x 730 = $18,089.40. trn1.32xlarge has the same row in `accelerators.csv` and
//!   `aws_instance_sizes.csv` and costs `us-east-1,trn1.32xlarge,21.500000`: 21.5 x 730 =
//!   $15,695.00. Saving $2,394.40 (AIC-SAVE-003), in prod as well.
//! - `aws_instance.v100`, p3.2xlarge (one V100 16 GB, 8 vCPUs, 61 GiB): the other V100
//!   types have 4 or 8 of them, so no advice.
//! - `google_container_node_pool.t4`, 2 x n1-standard-8 + 1 T4 in us-central1-a, dev
//!   (`gcp_machine_types.csv` `us-central1,n1-standard-8,0.38,0.08`; `gcp_gpus.csv`
//!   `us-central1,nvidia-tesla-t4,0.35,0.11`): on demand with the 30% sustained-use
//!   discount 0.266 x 1,460 = 388.36 + 0.245 x 1,460 = 357.70 + boot disks 200 GB x 0.10
//!   = 20.00 → $766.06; on spot (listed preemptible rates, no sustained use) 0.08 x 1,460
//!   = 116.80 + 0.11 x 1,460 = 160.60 + 20.00 → $297.40. Saving $468.66 (AIC-SAVE-001).

#![allow(clippy::panic, clippy::unwrap_used, clippy::indexing_slicing)]

use std::path::Path;

use crate::common;

const HEAD: &str = "testdata/savings/head";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn run(args: &[&str]) -> common::run::Run {
    common::run::aicost(repo(), args, &[])
}

fn advice(json: &serde_json::Value) -> Vec<(String, String, String, String)> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["policy_id"].as_str().unwrap().starts_with("AIC-SAVE-"))
        .map(|f| {
            (
                f["policy_id"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
                f["status"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn check_json(extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["check", HEAD, "--format", "json", "--today", "2026-11-28"];
    args.extend_from_slice(extra);
    let r = run(&args);
    serde_json::from_str(&r.stdout).unwrap()
}

fn owned(items: &[(&str, &str, &str, &str)]) -> Vec<(String, String, String, String)> {
    items
        .iter()
        .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string()))
        .collect()
}

#[test]
fn check_gives_each_saving_as_a_notice_with_its_amount() {
    let json = check_json(&[]);
    assert_eq!(
        advice(&json),
        owned(&[
            ("AIC-SAVE-001", "info", "fail", "google_container_node_pool.t4 in environment dev could save $468.66/month on spot capacity ($766.06/month → $297.40/month)"),
            ("AIC-SAVE-002", "info", "fail", "InferenceService/dev/chat/predictor in environment dev could save up to $734.38/month by scaling to zero when idle ($734.38/month → $0.00/month)"),
            ("AIC-SAVE-001", "info", "fail", "aws_eks_node_group.train in environment dev could save $4,968.67/month on spot capacity ($8,285.12/month → $3,316.45/month); assumed: spot price estimated as the on-demand price x 0.4, the documented aws spot factor (spot_factors.csv); no spot price is listed for g5.12xlarge"),
            ("AIC-SAVE-003", "info", "fail", "aws_instance.trainium could save $2,394.40/month on trn1.32xlarge, which has the same accelerators and at least the same vCPUs and memory ($18,089.40/month → $15,695.00/month)"),
        ])
    );
    // Notices: the four pieces of advice, never failures.
    assert_eq!(json["summary"]["notices"], 4);
    assert_eq!(json["summary"]["failed"], 5);
}

#[test]
fn advice_never_fails_a_run_unless_its_severity_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("head");
    common::git_repo::copy_dir(&repo().join(HEAD), &target);
    // Only the advice: every other policy skipped.
    let only = [
        "check",
        "head",
        "--policy",
        "AIC-SAVE-*",
        "--today",
        "2026-11-28",
    ];
    let r = common::run::aicost(dir.path(), &only, &[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    // No Cedar policy is selected ("0 policies"): the four pieces of advice are notices.
    assert!(
        r.stdout.ends_with("  7 resources, 0 policies, 0 failed findings, 4 notices, 0 unknown, $38,501.34/month (ceiling $55,805.96)\n"),
        "{}",
        r.stdout
    );
    let mut fail = only.to_vec();
    fail.extend(["--fail-severity", "info"]);
    assert_eq!(common::run::aicost(dir.path(), &fail, &[]).code, 1);
    std::fs::write(
        dir.path().join("aicost-policy.toml"),
        "[savings]\nseverity = \"low\"\nmin_monthly_saving = 700\n",
    )
    .unwrap();
    let r = common::run::aicost(dir.path(), &only, &[]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    // $468.66 is under the minimum of $700: three pieces of advice, now failures.
    assert!(
        r.stdout.ends_with("  7 resources, 0 policies, 3 failed findings (3 policies), 0 unknown, $38,501.34/month (ceiling $55,805.96)\n"),
        "{}",
        r.stdout
    );
    std::fs::write(
        dir.path().join("aicost-policy.toml"),
        "[savings]\nenabled = false\n",
    )
    .unwrap();
    let r = common::run::aicost(dir.path(), &only, &[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.ends_with("  7 resources, 0 policies, 0 failed findings, 0 unknown, $38,501.34/month (ceiling $55,805.96)\n"),
        "{}",
        r.stdout
    );
}

#[test]
fn skip_policy_and_waivers_reach_the_advice() {
    let json = check_json(&[
        "--skip-policy",
        "AIC-SAVE-001",
        "--skip-policy",
        "AIC-SAVE-002",
    ]);
    assert_eq!(
        advice(&json).into_iter().map(|a| a.0).collect::<Vec<_>>(),
        ["AIC-SAVE-003"]
    );
    let dir = tempfile::tempdir().unwrap();
    common::git_repo::copy_dir(&repo().join(HEAD), &dir.path().join("head"));
    std::fs::write(
        dir.path().join("aicost-policy.toml"),
        "[[waivers]]\npolicy = \"AIC-SAVE-003\"\nresource = \"aws_instance.trainium\"\nreason = \"needs the trn1n network\"\n",
    )
    .unwrap();
    let r = common::run::aicost(
        dir.path(),
        &[
            "check",
            "head",
            "--policy",
            "AIC-SAVE-003",
            "--format",
            "json",
        ],
        &[],
    );
    let json: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(advice(&json)[0].2, "suppressed");
}

#[test]
fn cost_suggest_lists_the_advice_after_the_table() {
    let r = run(&["cost", HEAD, "--suggest", "--today", "2026-11-28"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (_, suggestions) = r.stdout.split_once("0 not priced\n").unwrap();
    // The total counts each resource's largest saving once:
    // 4,968.67 + 2,394.40 + 734.38 + 468.66 = 8,566.11.
    assert_eq!(
        suggestions,
        "
SUGGESTION                           KIND              CHANGE                      MONTHLY   SUGGESTED     SAVING
aws_eks_node_group.train             spot              spot capacity             $8,285.12   $3,316.45  $4,968.67
    assumed: spot price estimated as the on-demand price x 0.4, the documented aws spot factor (spot_factors.csv); no spot price is listed for g5.12xlarge
aws_instance.trainium                cheaper-instance  trn1.32xlarge            $18,089.40  $15,695.00  $2,394.40
InferenceService/dev/chat/predictor  scale-to-zero     scale to zero when idle     $734.38       $0.00    $734.38
google_container_node_pool.t4        spot              spot capacity               $766.06     $297.40    $468.66

  could save $8,566.11 a month on 4 resources (the largest saving of each)
"
    );
    // Without --suggest the output is the table alone.
    let plain = run(&["cost", HEAD, "--today", "2026-11-28"]);
    assert!(plain.stdout.ends_with("0 not priced\n"), "{}", plain.stdout);
}

/// The base has the dev and prod node groups already: the comment's "Could save" lists
/// advice on what the change adds (the node group's spot advice is not about this change).
#[test]
fn the_pull_request_comment_has_a_could_save_section() {
    let base = tempfile::tempdir().unwrap();
    let at = base.path().join(HEAD);
    std::fs::create_dir_all(&at).unwrap();
    std::fs::copy(
        repo().join("testdata/savings/base/main.tf"),
        at.join("main.tf"),
    )
    .unwrap();
    let r = run(&[
        "diff",
        HEAD,
        "--base-path",
        base.path().to_str().unwrap(),
        "--today",
        "2026-11-28",
        "--format",
        "markdown",
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    // 2,394.40 + 734.38 + 468.66 = 3,597.44.
    let section = r.stdout.split_once("#### 💡").unwrap().1;
    let section = section.split_once("\n<details>").unwrap().0;
    assert_eq!(
        section,
        " Could save up to $3,597.44/month

_Advice on what this change adds or changes; each resource's largest saving counts once in the total._

- `aws_instance.trainium` at `testdata/savings/head/main.tf:48`: trn1.32xlarge (AIC-SAVE-003) saves **$2,394.40**/month ($18,089.40 → $15,695.00)
- `InferenceService/dev/chat/predictor` at `testdata/savings/head/isvc.yaml:13`: scale to zero when idle (AIC-SAVE-002) saves **$734.38**/month ($734.38 → $0.00)
- `google_container_node_pool.t4` at `testdata/savings/head/gke.tf:20`: spot capacity (AIC-SAVE-001) saves **$468.66**/month ($766.06 → $297.40)
"
    );
    // Advice is not repeated among the notices or the failures.
    assert!(!r.stdout.contains("notice"), "{}", r.stdout);
    assert!(!r.stdout.contains("**AIC-SAVE-"), "{}", r.stdout);
}
