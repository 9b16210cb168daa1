//! `diff --base REF` exports from git only what the analysis of the base reads: the scanned
//! paths, the local modules they call wherever those are, and the configuration files.
//! testdata/diff_modules: production calls a GPU pool module outside `envs/prod`, which
//! calls `./nodes`; the head adds a node. g5.xlarge is $1.006/h: $734.38 a month.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use crate::common;

use std::path::Path;

use common::git_repo::{copy_dir, GitRepo};
use common::run::aicost;
use serde_json::{json, Value};

const TODAY: &str = "2026-11-28";
const CRATE_DIR: &str = env!("CARGO_MANIFEST_DIR");

fn data(side: &str) -> std::path::PathBuf {
    Path::new(CRATE_DIR)
        .join("testdata/diff_modules")
        .join(side)
}

fn diff(repo: &GitRepo) -> Value {
    let run = aicost(
        &repo.path(),
        &[
            "diff",
            "envs/prod",
            "--base",
            "HEAD~1",
            "--today",
            TODAY,
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    serde_json::from_str(&run.stdout).unwrap()
}

/// (address, change, before, after) of every resource.
fn changes(report: &Value) -> Vec<(String, String, Value, Value)> {
    report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["address"].as_str().unwrap().to_string(),
                r["change"].as_str().unwrap().to_string(),
                r["before"]["baseline"].clone(),
                r["after"]["baseline"].clone(),
            )
        })
        .collect()
}

fn expected() -> Vec<(String, String, Value, Value)> {
    let node = |i: usize, change: &str, before: Value| {
        (
            format!("module.pool.module.nodes.aws_instance.node[{i}]"),
            change.to_string(),
            before,
            json!("734.38"),
        )
    };
    vec![
        node(0, "unchanged", json!("734.38")),
        node(1, "unchanged", json!("734.38")),
        node(2, "added", Value::Null),
    ]
}

#[test]
fn modules_outside_the_scanned_path_are_read_from_the_base() {
    let repo = GitRepo::new();
    repo.commit_tree(&data("base"), "base");
    repo.commit_tree(&data("head"), "head");
    assert_eq!(changes(&diff(&repo)), expected());
}

#[test]
fn files_the_analysis_does_not_read_are_not_exported() {
    // The base also holds a file no file system here can hold (a 300-byte name) where
    // nothing scanned looks: exporting the whole commit failed on it.
    let repo = GitRepo::new();
    copy_dir(&data("base"), &repo.path());
    let weights = repo.path().join("weights.bin");
    std::fs::write(&weights, "not configuration").unwrap();
    let oid = repo.git(&["hash-object", "-w", "weights.bin"]);
    std::fs::remove_file(&weights).unwrap();
    repo.git(&["add", "-A"]);
    let long = format!("100644,{},models/{}.bin", oid.trim(), "x".repeat(300));
    repo.git(&["update-index", "--add", "--cacheinfo", &long]);
    repo.git(&["commit", "-q", "-m", "base"]);
    let listed = repo.git(&["ls-tree", "-r", "--name-only", "HEAD", "models"]);
    assert_eq!(listed.trim().len(), "models/".len() + 300 + ".bin".len());
    repo.commit_tree(&data("head"), "head");
    assert_eq!(changes(&diff(&repo)), expected());
}
