//! Baselines (`baseline create`, `check --baseline`, `baseline update`): a repository's
//! findings recorded on adoption are reported as `baselined` and do not fail the run; a
//! finding whose resource changes fails again; a renamed file keeps its entries; entries
//! nothing matches are reported and pruned; with `--config-from` the revision's baseline
//! applies, so a pull request cannot baseline its own findings.
//!
//! The tree (testdata/baseline/repo) requires `team` and `cost-center`; `team` comes from
//! the provider's default_tags. aws_instance.trainer and aws_instance.notebook lack
//! `cost-center` (two AIC-TAG-001 failures); aws_instance.batch takes its tags from a
//! variable with no default (one AIC-TAG-001 unknown); the bucket has both tags.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use crate::common;

use std::path::Path;

use serde_json::{json, Value};

use common::git_repo::GitRepo;
use common::run::{aicost, Run};

const TODAY: &str = "2026-12-01";
const MAIN_TF: &str = "infra/main.tf";

/// A git repository holding a copy of the tree, committed.
fn repository() -> GitRepo {
    let repo = GitRepo::new();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/baseline/repo");
    repo.commit_tree(&source, "adopt aicost-policy");
    repo
}

fn run(repo: &GitRepo, args: &[&str]) -> Run {
    let mut all = args.to_vec();
    all.extend(["--today", TODAY]);
    aicost(&repo.path(), &all, &[])
}

fn edit(repo: &GitRepo, file: &str, from: &str, to: &str) {
    let path = repo.path().join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{from} not in {file}");
    std::fs::write(&path, text.replace(from, to)).unwrap();
}

fn baseline(repo: &GitRepo, name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(repo.path().join(name)).unwrap()).unwrap()
}

/// Each entry as (policy, file, address, status, message); fingerprints apart.
fn entries(doc: &Value) -> Vec<Value> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            json!([
                e["policy_id"],
                e["file"],
                e["address"],
                e["status"],
                e["message"]
            ])
        })
        .collect()
}

fn fingerprints(doc: &Value) -> Vec<String> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["fingerprint"].as_str().unwrap().to_string())
        .collect()
}

/// Each finding of a JSON report as (policy, status, resource).
fn findings(stdout: &str) -> Vec<Value> {
    let report: Value = serde_json::from_str(stdout).unwrap();
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| json!([f["policy_id"], f["status"], f["resource"]]))
        .collect()
}

fn recorded() -> Vec<Value> {
    vec![
        json!([
            "AIC-TAG-001",
            MAIN_TF,
            "aws_instance.batch",
            "unknown",
            "cannot decide AIC-TAG-001 for aws_instance.batch: tags is unknown"
        ]),
        json!([
            "AIC-TAG-001",
            MAIN_TF,
            "aws_instance.notebook",
            "fail",
            "aws_instance.notebook is missing required tags: cost-center"
        ]),
        json!([
            "AIC-TAG-001",
            MAIN_TF,
            "aws_instance.trainer",
            "fail",
            "aws_instance.trainer is missing required tags: cost-center"
        ]),
    ]
}

#[test]
fn create_records_failures_and_unknowns_and_check_passes_on_them() {
    let repo = repository();
    let created = run(&repo, &["baseline", "create", "."]);
    assert_eq!(created.code, 0, "{}", created.stderr);
    assert_eq!(created.stderr, "wrote 3 findings to aicost-baseline.json\n");
    let doc = baseline(&repo, "aicost-baseline.json");
    assert_eq!(doc["version"], 1);
    assert_eq!(entries(&doc), recorded());
    for fingerprint in fingerprints(&doc) {
        let hex = fingerprint.strip_prefix("sha256:").unwrap();
        assert_eq!(hex.len(), 64);
        assert!(hex.chars().all(|c| c.is_ascii_hexdigit()));
    }
    // The same tree, recorded again: the same bytes.
    let first = std::fs::read(repo.path().join("aicost-baseline.json")).unwrap();
    run(
        &repo,
        &["baseline", "create", ".", "--output", "again.json"],
    );
    assert_eq!(
        std::fs::read(repo.path().join("again.json")).unwrap(),
        first
    );

    // Without the baseline the run fails; with it, nothing fails and the summary says why.
    assert_eq!(run(&repo, &["check", "."]).code, 1);
    let checked = run(&repo, &["check", ".", "--baseline", "aicost-baseline.json"]);
    assert_eq!(checked.code, 0, "{}", checked.stdout);
    assert_eq!(
        checked.stdout,
        "  4 resources, 18 policies, 0 failed findings, 0 unknown, 3 baselined, $16,833.54/month (ceiling $16,833.54)\n"
    );
    assert_eq!(checked.stderr, "");
    let json = run(
        &repo,
        &[
            "check",
            ".",
            "--baseline",
            "aicost-baseline.json",
            "--format",
            "json",
        ],
    );
    assert_eq!(
        findings(&json.stdout),
        // In the report's order: by file and line.
        [
            json!(["AIC-TAG-001", "baselined", "aws_instance.trainer"]),
            json!(["AIC-TAG-001", "baselined", "aws_instance.notebook"]),
            json!(["AIC-TAG-001", "baselined", "aws_instance.batch"]),
        ]
    );
    let report: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        (
            &report["summary"]["failed"],
            &report["summary"]["unknown"],
            &report["summary"]["baselined"]
        ),
        (&json!(0), &json!(0), &json!(3))
    );
}

#[test]
fn a_changed_resource_fails_again_and_its_entry_is_stale_until_updated() {
    let repo = repository();
    run(&repo, &["baseline", "create", "."]);
    // The notebook grows: same finding, another resource.
    edit(&repo, MAIN_TF, "\"g5.xlarge\"", "\"g5.2xlarge\"");
    let checked = run(
        &repo,
        &[
            "check",
            ".",
            "--baseline",
            "aicost-baseline.json",
            "--format",
            "json",
        ],
    );
    assert_eq!(checked.code, 1);
    assert_eq!(
        findings(&checked.stdout),
        [
            json!(["AIC-TAG-001", "baselined", "aws_instance.trainer"]),
            json!(["AIC-TAG-001", "fail", "aws_instance.notebook"]),
            json!(["AIC-TAG-001", "baselined", "aws_instance.batch"]),
        ]
    );
    assert_eq!(
        checked.stderr,
        "note: 1 entry of aicost-baseline.json matches no finding any more (fixed, or changed and reported again); --verbose lists them\n  \
         help: `aicost-policy baseline update --baseline aicost-baseline.json` removes them\n"
    );
    let verbose = run(
        &repo,
        &["check", ".", "--baseline", "aicost-baseline.json", "-v"],
    );
    assert!(
        verbose.stderr.ends_with(
            "note: baseline entry matches no finding: AIC-TAG-001 aws_instance.notebook (infra/main.tf, fail)\n\
             note: 1 entry of aicost-baseline.json matches no finding any more (fixed, or changed and reported again)\n  \
             help: `aicost-policy baseline update --baseline aicost-baseline.json` removes them\n"
        ),
        "{}",
        verbose.stderr
    );

    // update prunes the stale entry and adds nothing: the notebook still fails.
    let updated = run(&repo, &["baseline", "update", "."]);
    assert_eq!(updated.code, 0, "{}", updated.stderr);
    assert_eq!(
        updated.stderr,
        "removed: AIC-TAG-001 aws_instance.notebook (infra/main.tf, fail)\n\
         kept 2 findings in aicost-baseline.json, removed 1 entry\n"
    );
    let mut expected = recorded();
    expected.remove(1);
    assert_eq!(entries(&baseline(&repo, "aicost-baseline.json")), expected);
    assert_eq!(
        run(&repo, &["check", ".", "--baseline", "aicost-baseline.json"]).code,
        1
    );
}

#[test]
fn moving_the_blocks_to_another_file_keeps_the_entries() {
    let repo = repository();
    run(&repo, &["baseline", "create", "."]);
    let before = baseline(&repo, "aicost-baseline.json");
    // Blocks moved to a renamed file, a line further down.
    let text = std::fs::read_to_string(repo.path().join(MAIN_TF)).unwrap();
    std::fs::remove_file(repo.path().join(MAIN_TF)).unwrap();
    std::fs::write(repo.path().join("infra/compute.tf"), format!("\n{text}")).unwrap();
    let checked = run(&repo, &["check", ".", "--baseline", "aicost-baseline.json"]);
    assert_eq!(checked.code, 0, "{}{}", checked.stdout, checked.stderr);
    assert_eq!(checked.stderr, "");
    // update records the new file name, with the same fingerprints.
    let updated = run(&repo, &["baseline", "update", "."]);
    assert_eq!(
        updated.stderr,
        "kept 3 findings in aicost-baseline.json, removed 0 entries\n"
    );
    let after = baseline(&repo, "aicost-baseline.json");
    let files: Vec<&Value> = after["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["file"])
        .collect();
    assert_eq!(files, [&json!("infra/compute.tf"); 3]);
    assert_eq!(fingerprints(&after), fingerprints(&before));
}

#[test]
fn a_sensitive_value_is_not_in_the_fingerprint_and_a_plain_one_is() {
    // aws_instance.trainer's user_data holds var.registry_password, which is sensitive.
    let repo = repository();
    run(&repo, &["baseline", "create", ".", "-o", "a.json"]);
    edit(&repo, MAIN_TF, "hunter2-registry", "swordfish-registry");
    run(&repo, &["baseline", "create", ".", "-o", "b.json"]);
    assert_eq!(
        fingerprints(&baseline(&repo, "b.json")),
        fingerprints(&baseline(&repo, "a.json"))
    );
    let text = std::fs::read_to_string(repo.path().join("a.json")).unwrap();
    assert!(!text.contains("hunter2"));
    // A string made with a sensitive value is sensitive as a whole; the trainer's other
    // arguments are not: changing its image changes its fingerprint (the last entry).
    edit(
        &repo,
        MAIN_TF,
        "instance_type = \"p4d.24xlarge\"",
        "instance_type = \"p4d.24xlarge\"\n  ebs_optimized = true",
    );
    run(&repo, &["baseline", "create", ".", "-o", "c.json"]);
    let (a, c) = (
        fingerprints(&baseline(&repo, "a.json")),
        fingerprints(&baseline(&repo, "c.json")),
    );
    assert_eq!(
        (a[0] == c[0], a[1] == c[1], a[2] == c[2]),
        (true, true, false)
    );
}

#[test]
fn sarif_marks_baselined_results_unchanged_and_suppressed() {
    let repo = repository();
    run(&repo, &["baseline", "create", "."]);
    let sarif = run(
        &repo,
        &[
            "check",
            ".",
            "--baseline",
            "aicost-baseline.json",
            "--format",
            "sarif",
        ],
    );
    let doc: Value = serde_json::from_str(&sarif.stdout).unwrap();
    let result = &doc["runs"][0]["results"][1];
    assert_eq!(result["ruleId"], "AIC-TAG-001");
    assert_eq!(result["baselineState"], "unchanged");
    assert_eq!(
        result["suppressions"],
        json!([{
            "kind": "external",
            "status": "accepted",
            "justification": "recorded in the baseline, unchanged since",
        }])
    );
}

#[test]
fn a_pull_request_cannot_baseline_its_own_finding() {
    let repo = repository();
    run(&repo, &["baseline", "create", "."]);
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "-m", "baseline"]);
    // The change adds a GPU without cost-center and records it in the baseline.
    let mut gpu = std::fs::read_to_string(repo.path().join(MAIN_TF)).unwrap();
    gpu.push_str("\nresource \"aws_instance\" \"extra\" {\n  ami           = \"ami-0c55b159cbfe1f0d0\"\n  instance_type = \"g5.xlarge\"\n}\n");
    std::fs::write(repo.path().join(MAIN_TF), gpu).unwrap();
    run(&repo, &["baseline", "create", "."]);
    assert_eq!(entries(&baseline(&repo, "aicost-baseline.json")).len(), 4);
    // Its own baseline passes it...
    assert_eq!(
        run(&repo, &["check", ".", "--baseline", "aicost-baseline.json"]).code,
        0
    );
    // ...the target branch's does not, and the edit is named.
    let gated = run(
        &repo,
        &[
            "check",
            ".",
            "--baseline",
            "aicost-baseline.json",
            "--config-from",
            "HEAD",
            "--format",
            "json",
        ],
    );
    assert_eq!(gated.code, 1, "{}", gated.stderr);
    assert_eq!(
        findings(&gated.stdout),
        [
            json!(["AIC-TAG-001", "baselined", "aws_instance.trainer"]),
            json!(["AIC-TAG-001", "baselined", "aws_instance.notebook"]),
            json!(["AIC-TAG-001", "baselined", "aws_instance.batch"]),
            json!(["AIC-TAG-001", "fail", "aws_instance.extra"]),
        ]
    );
    let report: Value = serde_json::from_str(&gated.stdout).unwrap();
    let warnings: Vec<(&Value, &Value)> = report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| (&w["file"], &w["message"]))
        .collect();
    assert_eq!(
        warnings,
        [(
            &json!("aicost-baseline.json"),
            &json!("the working tree edits aicost-baseline.json, the baseline of this check: the baseline applied is that of HEAD (--config-from), and the edits apply once they are merged there")
        )]
    );
}

#[test]
fn a_missing_or_broken_baseline_stops_the_run() {
    let repo = repository();
    let missing = run(&repo, &["check", ".", "--baseline", "nope.json"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.starts_with("error: cannot read the baseline nope.json: ")
            && missing.stderr.ends_with(
                "\n  help: create it with `aicost-policy baseline create --output nope.json`, or give the path of an existing one\n"
            ),
        "{}",
        missing.stderr
    );
    std::fs::write(
        repo.path().join("bad.json"),
        "{\"version\": 1,\n \"findings\": {}}\n",
    )
    .unwrap();
    let broken = run(&repo, &["check", ".", "--baseline", "bad.json"]);
    assert_eq!(broken.code, 2);
    assert_eq!(
        broken.stderr,
        "error: bad.json:2:13: not a baseline file: invalid type: map, expected a sequence\n  \
         help: write it with `aicost-policy baseline create`; the format is in docs/baselines.md\n"
    );
    assert_eq!(broken.stdout, "");
}

#[test]
fn an_input_error_leaves_the_baseline_incomplete_and_says_so() {
    let repo = repository();
    std::fs::write(
        repo.path().join("infra/broken.tf"),
        "resource \"aws_instance\" {\n",
    )
    .unwrap();
    let created = run(&repo, &["baseline", "create", "."]);
    assert_eq!(created.code, 2);
    assert!(
        created.stderr.ends_with(
            "wrote 3 findings to aicost-baseline.json\nerror: 1 input could not be checked, so the baseline lacks its findings\n  help: fix the input errors above and run the command again\n"
        ),
        "{}",
        created.stderr
    );
}
