//! Terraform as real repositories write it (issue 11): shared files linked into several
//! roots, override files, roots that call each other or that a pull request starts to call,
//! autoscaling groups with launch configurations and regional GKE clusters. The real binary
//! runs on `testdata/terraform/<case>` (or a copy of it in a temporary directory, where the
//! test makes the symbolic links git does not keep).
//!
//! Every amount is worked out by hand from the catalog (the comment next to it shows the
//! arithmetic): a month is 730 hours. Prices (us-east-1 / us-central1):
//!
//! | item | price | table |
//! |---|---|---|
//! | t3.medium, m5.xlarge | $0.0416/h, $0.192/h | aws_ec2_ondemand |
//! | g5.xlarge, g5.2xlarge, p4d.24xlarge | $1.006/h, $1.212/h, $21.957642/h | aws_ec2_ondemand |
//! | AWS spot | on-demand x 0.4 | spot_factors |
//! | EBS gp2 | $0.10 per GB-month | storage |
//! | g2-standard-8 (L4 included), n1-standard-4 | $0.91/h, $0.19/h | gcp_machine_types |
//! | GKE cluster management | $0.10/h | kubernetes |
//! | PD standard, balanced | $0.04, $0.10 per GB-month | storage |

// Test code: a failed expectation should stop the test loudly.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use crate::common;

use std::path::{Path, PathBuf};

use common::run::aicost;
use serde_json::{json, Value};

const TODAY: &str = "2026-11-28";
const CRATE_DIR: &str = env!("CARGO_MANIFEST_DIR");

fn testdata(case: &str) -> PathBuf {
    Path::new(CRATE_DIR).join("testdata/terraform").join(case)
}

/// `aicost-policy <command> <args> --format json` in `dir`: the exit code and the report.
fn json_report(dir: &Path, command: &str, args: &[&str]) -> (i32, Value) {
    let mut all = vec![command, "--today", TODAY, "--format", "json"];
    all.extend_from_slice(args);
    let run = aicost(dir, &all, &[]);
    let report = serde_json::from_str(&run.stdout).unwrap_or_else(|e| {
        panic!(
            "not a JSON report ({e}):\n{}\nstderr:\n{}",
            run.stdout, run.stderr
        )
    });
    (run.code, report)
}

/// `check <path>` from the crate directory.
fn check(case: &str, extra: &[&str]) -> (i32, Value) {
    let path = format!("testdata/terraform/{case}");
    let mut args = vec![path.as_str()];
    args.extend_from_slice(extra);
    json_report(Path::new(CRATE_DIR), "check", &args)
}

/// Each resource as [root, address, instance type, baseline, ceiling].
fn priced(report: &Value) -> Vec<Value> {
    report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            json!([
                r["root"],
                r["address"],
                r["compute"]["instance_type"],
                r["monthly_cost"]["baseline"],
                r["monthly_cost"]["ceiling"],
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
        .unwrap_or_else(|| panic!("no resource {address} in {:#}", report["resources"]))
}

/// Each input error as "file:line: message".
fn errors(report: &Value) -> Vec<String> {
    report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}:{}: {}",
                e["file"].as_str().unwrap(),
                e["line"],
                e["message"].as_str().unwrap()
            )
        })
        .collect()
}

#[cfg(unix)]
fn link(dir: &Path, link: &str, target: &str) {
    std::os::unix::fs::symlink(target, dir.join(link)).unwrap();
}

// ---------------------------------------------------------------------------------------
// 1. A shared file linked into several roots
// ---------------------------------------------------------------------------------------

/// A copy of `shared_links` with `_shared/common.tf` and `_shared/shared.auto.tfvars`
/// linked into `envs/dev` and `envs/prod`, as repositories with a `_shared_config`
/// directory do.
#[cfg(unix)]
fn shared_links() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::git_repo::copy_dir(&testdata("shared_links"), dir.path());
    for env in ["dev", "prod"] {
        link(
            dir.path(),
            &format!("envs/{env}/common.tf"),
            "../../_shared/common.tf",
        );
        link(
            dir.path(),
            &format!("envs/{env}/shared.auto.tfvars"),
            "../../_shared/shared.auto.tfvars",
        );
    }
    dir
}

#[cfg(unix)]
#[test]
fn a_file_linked_into_several_roots_is_part_of_each() {
    let dir = shared_links();
    let (code, report) = json_report(dir.path(), "check", &["."]);
    assert_eq!(errors(&report), Vec::<String>::new());
    assert_eq!(
        priced(&report),
        vec![
            // `_shared` is a root of its own too (nothing calls it); its environment has
            // no value there. t3.medium: 730 h x $0.0416 = $30.368.
            json!([
                "_shared",
                "aws_instance.bastion",
                "t3.medium",
                "30.37",
                "30.37"
            ]),
            // Each environment declares the bastion through the linked file.
            json!([
                "envs/dev",
                "aws_instance.bastion",
                "t3.medium",
                "30.37",
                "30.37"
            ]),
            // g5.xlarge (the shared default): 730 h x $1.006 = $734.38.
            json!([
                "envs/dev",
                "aws_instance.gpu",
                "g5.xlarge",
                "734.38",
                "734.38"
            ]),
            json!([
                "envs/prod",
                "aws_instance.bastion",
                "t3.medium",
                "30.37",
                "30.37"
            ]),
            // g5.2xlarge from prod's terraform.tfvars: 730 h x $1.212 = $884.76 each.
            json!([
                "envs/prod",
                "aws_instance.gpu[0]",
                "g5.2xlarge",
                "884.76",
                "884.76"
            ]),
            json!([
                "envs/prod",
                "aws_instance.gpu[1]",
                "g5.2xlarge",
                "884.76",
                "884.76"
            ]),
        ]
    );
    // The provider's default tags come from the linked file and each root's variables,
    // the team from the linked shared.auto.tfvars.
    let prod_gpu = report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["root"] == "envs/prod" && r["address"] == "aws_instance.gpu[0]")
        .unwrap();
    assert_eq!(
        prod_gpu["tags"],
        json!({"cost-center": "cc-1234", "env": "prod", "team": "ml-platform"})
    );
    assert_eq!(prod_gpu["environment"], "prod");
    // Locations name the file by the path it is linked at.
    let dev_bastion = report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["root"] == "envs/dev" && r["address"] == "aws_instance.bastion")
        .unwrap();
    assert_eq!(dev_bastion["file"], "envs/dev/common.tf");
    assert_eq!(dev_bastion["line"], 27);
    // common.tf is one file, read once: 1 + 2 main.tf files.
    assert_eq!(report["summary"]["files"], 3);
    // Every required tag is set (the bastion of `_shared` has an unknown `env`, which the
    // tag policy does not need to know).
    assert_eq!(report["findings"], json!([]));
    assert_eq!(code, 0);
}

#[cfg(unix)]
#[test]
fn a_root_gives_the_same_result_whatever_else_is_scanned() {
    let dir = shared_links();
    let (_, everything) = json_report(dir.path(), "check", &["."]);
    for env in ["envs/dev", "envs/prod"] {
        let (_, alone) = json_report(dir.path(), "check", &[env]);
        assert_eq!(errors(&alone), Vec::<String>::new());
        let of_root = |report: &Value| -> Vec<Value> {
            report["resources"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|r| r["root"] == env)
                .cloned()
                .collect()
        };
        assert_eq!(of_root(&alone), of_root(&everything), "{env}");
        assert_eq!(
            of_root(&alone).len(),
            alone["resources"].as_array().unwrap().len()
        );
    }
    // A linked file named on the command line stands for the directory it is linked in.
    let (_, by_file) = json_report(dir.path(), "check", &["envs/prod/common.tf"]);
    let roots: Vec<&Value> = by_file["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["root"])
        .collect();
    assert_eq!(roots, vec!["envs/prod", "envs/prod", "envs/prod"]);
}

/// The base of a diff read from git keeps the links: a linked file is read as the file it
/// names, so an unchanged tree is unchanged (and the base has no false errors).
#[cfg(unix)]
#[test]
fn a_diff_against_git_reads_linked_files_in_the_base() {
    let repo = common::git_repo::GitRepo::new();
    let dir = repo.path();
    common::git_repo::copy_dir(&testdata("shared_links"), &dir);
    for env in ["dev", "prod"] {
        link(
            &dir,
            &format!("envs/{env}/common.tf"),
            "../../_shared/common.tf",
        );
        link(
            &dir,
            &format!("envs/{env}/shared.auto.tfvars"),
            "../../_shared/shared.auto.tfvars",
        );
    }
    // A link out of the repository is not followed.
    link(&dir, "envs/dev/outside.tf", "../../../outside.tf");
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "-m", "shared files"]);
    let mode = repo.git(&["ls-files", "-s", "envs/prod/common.tf"]);
    assert!(mode.starts_with("120000 "), "{mode}");
    std::fs::remove_file(dir.join("envs/dev/outside.tf")).unwrap();
    let (code, report) = json_report(&dir, "diff", &[".", "--base", "HEAD"]);
    assert_eq!(errors(&report), Vec::<String>::new());
    let changed: Vec<&Value> = report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["change"] != "unchanged")
        .collect();
    assert_eq!(changed, Vec::<&Value>::new());
    assert_eq!(report["resources"].as_array().unwrap().len(), 6);
    assert_eq!(code, 0);
}

// ---------------------------------------------------------------------------------------
// 3. Override files
// ---------------------------------------------------------------------------------------

#[test]
fn an_override_file_changes_the_resource_and_findings_point_at_it() {
    let (code, report) = check("override_files", &[]);
    assert_eq!(errors(&report), Vec::<String>::new());
    let trainer = resource(&report, "aws_instance.trainer");
    assert_eq!(trainer["compute"]["instance_type"], "p4d.24xlarge");
    // The override replaces the whole root_block_device block: 500 GB of the default
    // type (gp2), not main.tf's gp3.
    let components: Vec<Value> = trainer["monthly_cost"]["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| json!([c["name"], c["unit_price"], c["quantity"], c["monthly"]]))
        .collect();
    assert_eq!(
        components,
        vec![
            // 730 h x $21.957642 = $16,029.07866.
            json!([
                "Instance usage (on-demand, p4d.24xlarge)",
                "21.957642",
                "730",
                "16029.08"
            ]),
            // 500 GB x $0.10.
            json!(["Root volume (gp2)", "0.10", "500", "50.00"]),
        ]
    );
    // p4d is not an allowed family in dev: the finding points at the override's line.
    let gpu = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["policy_id"] == "AIC-GPU-001")
        .unwrap();
    assert_eq!(
        gpu["file"],
        "testdata/terraform/override_files/trainer_override.tf"
    );
    assert_eq!(gpu["line"], 3);
    assert_eq!(code, 1);
}

// ---------------------------------------------------------------------------------------
// 4. Roots
// ---------------------------------------------------------------------------------------

#[test]
fn recursive_modules_are_errors_at_the_call_and_nothing_vanishes() {
    let (code, report) = check("recursive_modules", &[]);
    let base = "testdata/terraform/recursive_modules";
    assert_eq!(
        errors(&report),
        vec![
            format!("{base}/pong/main.tf:7: module `ping` calls `{base}/ping`, which is already being evaluated above this call: a module cannot call itself, directly or through other modules"),
            format!("{base}/self_call/main.tf:11: module `again` calls `{base}/self_call`, which is already being evaluated above this call: a module cannot call itself, directly or through other modules"),
        ]
    );
    // ping and pong only call each other: ping (first by path) is the root, pong is
    // evaluated through it. m5.xlarge: 730 h x $0.192 = $140.16.
    assert_eq!(
        priced(&report),
        vec![
            json!([
                format!("{base}/ping"),
                "aws_instance.ping",
                "m5.xlarge",
                "140.16",
                "140.16"
            ]),
            json!([
                format!("{base}/ping"),
                "module.pong.aws_instance.pong",
                "m5.xlarge",
                "140.16",
                "140.16"
            ]),
            json!([
                format!("{base}/self_call"),
                "aws_instance.app",
                "m5.xlarge",
                "140.16",
                "140.16"
            ]),
        ]
    );
    assert_eq!(code, 2);
}

/// A copy of `root_call_pr/<name>` outside the crate's git repository, so that it is a
/// repository of its own (file names start at `envs/`).
fn copy_of(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::git_repo::copy_dir(&testdata("root_call_pr").join(name), dir.path());
    dir
}

/// `diff envs` of `root_call_pr/<head>` against `root_call_pr/base` (`--base-path`).
fn diff_against_base(head: &str) -> (i32, Value) {
    let head = copy_of(head);
    let base = copy_of("base");
    let base_path = base.path().to_str().unwrap().to_string();
    json_report(head.path(), "diff", &["envs", "--base-path", &base_path])
}

/// `check envs --verbose` of `root_call_pr/<head>`: the text output.
fn verbose_check(head: &str) -> String {
    let head = copy_of(head);
    let args = [
        "check",
        "envs",
        "--verbose",
        "--today",
        TODAY,
        "--color",
        "never",
    ];
    aicost(head.path(), &args, &[]).stdout
}

/// Each resource of a diff report as [root, address, change, before, after].
fn changes(report: &Value) -> Vec<Value> {
    report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            json!([
                r["root"],
                r["address"],
                r["change"],
                r["before"]["baseline"],
                r["after"]["baseline"]
            ])
        })
        .collect()
}

#[test]
fn a_call_with_no_instances_does_not_hide_the_root_it_calls() {
    let (code, report) = diff_against_base("head_no_instance");
    assert_eq!(errors(&report), Vec::<String>::new());
    // prod is still checked as a root: nothing changes.
    assert_eq!(
        changes(&report),
        vec![
            json!([
                "envs/dev",
                "aws_instance.gpu",
                "unchanged",
                "734.38",
                "734.38"
            ]),
            json!([
                "envs/prod",
                "aws_instance.gpu",
                "unchanged",
                "884.76",
                "884.76"
            ]),
        ]
    );
    assert_eq!(code, 0);
}

#[test]
fn a_call_that_instantiates_a_root_moves_its_resources_visibly() {
    let (_, report) = diff_against_base("head_instance");
    assert_eq!(errors(&report), Vec::<String>::new());
    assert_eq!(
        changes(&report),
        vec![
            json!([
                "envs/dev",
                "aws_instance.gpu",
                "unchanged",
                "734.38",
                "734.38"
            ]),
            // prod's configuration now runs from dev with a g5.xlarge: $734.38.
            json!([
                "envs/dev",
                "module.prod_copy.aws_instance.gpu",
                "added",
                null,
                "734.38"
            ]),
            json!(["envs/prod", "aws_instance.gpu", "removed", "884.76", null]),
        ]
    );
    let text = verbose_check("head_instance");
    assert!(
        text.contains("note: `envs/prod` is evaluated as module.prod_copy of the root `envs/dev`, not as a root of its own"),
        "{text}"
    );
}

#[test]
fn a_called_directory_with_its_own_variable_files_stays_a_root() {
    let (_, report) = diff_against_base("head_own_settings");
    assert_eq!(errors(&report), Vec::<String>::new());
    assert_eq!(
        changes(&report),
        vec![
            json!([
                "envs/dev",
                "aws_instance.gpu",
                "unchanged",
                "734.38",
                "734.38"
            ]),
            json!([
                "envs/dev",
                "module.prod_copy.aws_instance.gpu",
                "added",
                null,
                "734.38"
            ]),
            json!([
                "envs/prod",
                "aws_instance.gpu",
                "unchanged",
                "884.76",
                "884.76"
            ]),
        ]
    );
    let text = verbose_check("head_own_settings");
    assert!(
        text.contains("note: `envs/prod` is called as a module, but has its own variable files or backend, so it is also checked as a root"),
        "{text}"
    );
}

// ---------------------------------------------------------------------------------------
// 5. Autoscaling groups with a launch configuration
// ---------------------------------------------------------------------------------------

#[test]
fn an_autoscaling_group_reads_its_launch_configuration() {
    let (_, report) = check("asg_launch_configuration", &[]);
    assert_eq!(errors(&report), Vec::<String>::new());
    let group = |address: &str| {
        let r = resource(&report, address);
        json!([
            r["compute"]["instance_type"],
            r["compute"]["capacity"],
            r["compute"]["count"],
            r["monthly_cost"]["baseline"],
            r["monthly_cost"]["ceiling"],
            r["monthly_cost"]["missing"],
        ])
    };
    // desired 2, max 4 of g5.xlarge: 2 x 730 h x $1.006 = $1,468.76; 4 x = $2,937.52.
    assert_eq!(
        group("aws_autoscaling_group.inference"),
        json!(["g5.xlarge", "on-demand", {"min": 1, "desired": 2, "max": 4}, "1468.76", "2937.52", []])
    );
    // spot_price makes it spot: $1.212 x 0.4 = $0.4848/h; min 0, max 8:
    // 8 x 730 h x $0.4848 = $2,831.232.
    assert_eq!(
        group("aws_autoscaling_group.batch"),
        json!(["g5.2xlarge", "spot", {"min": 0, "desired": 0, "max": 8}, "0.00", "2831.23", []])
    );
    let legacy = resource(&report, "aws_autoscaling_group.legacy");
    assert_eq!(
        legacy["compute"]["instance_type"],
        json!({"unknown": "the instance type comes from a launch configuration that is not in this configuration"})
    );
}

// ---------------------------------------------------------------------------------------
// 6. Regional GKE clusters without node_locations
// ---------------------------------------------------------------------------------------

#[test]
fn a_regional_cluster_without_node_locations_runs_in_three_zones() {
    let (_, report) = check("gke_regional_zones", &[]);
    assert_eq!(errors(&report), Vec::<String>::new());
    let pool = resource(&report, "google_container_node_pool.l4");
    assert_eq!(
        pool["compute"]["count"],
        json!({"min": 3, "desired": 3, "max": 3})
    );
    let note = "the pool is regional (us-central1) and node_locations is not set: GKE's default of 3 zones is assumed, and node counts are per zone; set node_locations to the zones the pool runs in";
    // GKE's default zones change the amount: an assumption, not a note, that says how to
    // state the zones.
    assert_eq!(pool["monthly_cost"]["assumptions"], json!([note]));
    // 1 node per zone x 3 zones of g2-standard-8: 3 x 730 h x $0.91 = $1,992.90, and three
    // 100 GB pd-balanced boot disks: 300 x $0.10 = $30.00.
    assert_eq!(pool["monthly_cost"]["baseline"], "2022.90");
    let cluster = resource(&report, "google_container_cluster.with_default_pool");
    // Management $0.10 x 730 = $73.00; the default pool: 1 node per zone x 3 zones of
    // n1-standard-4 with n1's full-month sustained-use discount of 30%, 3 x 730 h x $0.19
    // x 0.70 = $291.27; three 50 GB pd-standard disks: 150 x $0.04 = $6.00.
    assert_eq!(cluster["monthly_cost"]["baseline"], "370.27");
    assert_eq!(
        cluster["monthly_cost"]["assumptions"],
        json!(["the default pool is regional (us-central1) and node_locations is not set: GKE's default of 3 zones is assumed, and node counts are per zone; set node_locations to the zones the default pool runs in"])
    );
}
