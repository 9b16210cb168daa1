//! Kustomize, through the real binary and the loader: `testdata/kustomize/` (a base, a
//! component and two overlays using every patch style) and `testdata/kustomize-errors/`
//! (what `kustomize build` refuses, and what is not applied). Costs were worked out by hand
//! from the catalog's default rates (comments give the arithmetic).

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use crate::common;

use std::path::{Path, PathBuf};

use aicost_policy::load::kubernetes;
use aicost_policy::load::source::PathNamer;
use aicost_policy::model::{Inventory, Location, Resource};
use serde_json::Value;

const CRATE_DIR: &str = env!("CARGO_MANIFEST_DIR");

fn check(args: &[&str]) -> (i32, Value, String) {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let run = common::run::aicost(Path::new(CRATE_DIR), &all, &[]);
    let report = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", run.stdout, run.stderr));
    (run.code, report, run.stderr)
}

/// (root, address, file:line, baseline, ceiling, complete) of every resource.
fn resources(report: &Value) -> Vec<(String, String, String, String, String, bool)> {
    report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let c = &r["monthly_cost"];
            (
                r["root"].as_str().unwrap().to_string(),
                r["address"].as_str().unwrap().to_string(),
                format!("{}:{}", r["file"].as_str().unwrap(), r["line"]),
                c["baseline"].as_str().unwrap().to_string(),
                c["ceiling"].as_str().unwrap().to_string(),
                c["complete"].as_bool().unwrap(),
            )
        })
        .collect()
}

fn res(
    root: &str,
    address: &str,
    at: &str,
    baseline: &str,
    ceiling: &str,
) -> (String, String, String, String, String, bool) {
    (
        root.into(),
        address.into(),
        at.into(),
        baseline.into(),
        ceiling.into(),
        true,
    )
}

/// (policy, status, resource, file:line) of every finding.
fn findings(report: &Value) -> Vec<(String, String, String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["policy_id"].as_str().unwrap().to_string(),
                f["status"].as_str().unwrap().to_string(),
                f["resource"].as_str().unwrap().to_string(),
                format!("{}:{}", f["file"].as_str().unwrap(), f["line"]),
            )
        })
        .collect()
}

fn finding(
    policy: &str,
    status: &str,
    resource: &str,
    at: &str,
) -> (String, String, String, String) {
    (policy.into(), status.into(), resource.into(), at.into())
}

/// (file:line, message) of every input error or note.
fn messages(report: &Value, key: &str) -> Vec<(String, String)> {
    report[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let at = match e["file"].as_str() {
                Some(file) => format!("{file}:{}", e["line"]),
                None => String::new(),
            };
            (at, e["message"].as_str().unwrap().to_string())
        })
        .collect()
}

fn m(at: &str, message: &str) -> (String, String) {
    (at.into(), message.into())
}

const K: &str = "testdata/kustomize";

#[test]
fn each_overlay_prices_the_base_with_its_own_patches_and_the_base_is_not_priced_alone() {
    let (code, report, stderr) = check(&[K]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        resources(&report),
        vec![
            // Spot T4 (component + dev patch), 2 vCPU + 0.1 for the sidecar, 8 GiB + 128 MiB,
            // one replica (the HPA is deleted): 2.1 x 730 x $0.006655 + 8.125 x 730 x
            // $0.000892 + 730 x $0.11 (T4 spot).
            res(
                "testdata/kustomize/overlays/dev",
                "Deployment/ml-dev/dev-llm-server",
                "testdata/kustomize/base/deployment.yaml:1",
                "95.79",
                "95.79"
            ),
            // `replicas: [{name: router, count: 1}]`: 0.5 x 730 x $0.031611 + 1 x 730 x $0.004237.
            res(
                "testdata/kustomize/overlays/dev",
                "Deployment/ml-dev/dev-router",
                "testdata/kustomize/base/router.yaml:1",
                "14.63",
                "14.63"
            ),
            // Two H100s ($9.79655), 24.1 vCPU and 200.125 GiB a pod, 2 to 8 pods from the
            // inline JSON patch of the HPA: $21.203854725 an hour a pod.
            res(
                "testdata/kustomize/overlays/prod",
                "Deployment/ml-prod/prod-llm-server",
                "testdata/kustomize/base/deployment.yaml:1",
                "30956.17",
                "123824.67"
            ),
            // 3 replicas from patchesJson6902.
            res(
                "testdata/kustomize/overlays/prod",
                "Deployment/ml-prod/prod-router",
                "testdata/kustomize/base/router.yaml:1",
                "43.89",
                "43.89"
            ),
        ]
    );
    assert_eq!(
        findings(&report),
        vec![
            // Dev's labels add env and team, not cost-center; the labels are where the base
            // writes them.
            finding(
                "AIC-K8S-001",
                "fail",
                "Deployment/ml-dev/dev-llm-server",
                "testdata/kustomize/base/deployment.yaml:5"
            ),
            finding(
                "AIC-K8S-001",
                "fail",
                "Deployment/ml-dev/dev-router",
                "testdata/kustomize/base/router.yaml:5"
            ),
            // 8 replicas and $123,824.67 at most: the inline patch's `value: 8`.
            finding(
                "AIC-COST-002",
                "fail",
                "Deployment/ml-prod/prod-llm-server",
                "testdata/kustomize/overlays/prod/kustomization.yaml:30"
            ),
            finding(
                "AIC-K8S-004",
                "fail",
                "Deployment/ml-prod/prod-llm-server",
                "testdata/kustomize/overlays/prod/kustomization.yaml:30"
            ),
        ]
    );
    assert_eq!(messages(&report, "errors"), vec![]);
    assert_eq!(report["summary"]["files"], 13, "{}", report["summary"]);
}

#[test]
fn scanning_the_base_alone_prices_it_with_its_autoscaler() {
    let (code, report, stderr) = check(&["testdata/kustomize/base"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        resources(&report),
        vec![
            // One L4, 4.1 vCPU, 16.125 GiB; the HPA's 1 to 4 replicas.
            res(
                "testdata/kustomize/base",
                "Deployment/default/llm-server",
                "testdata/kustomize/base/deployment.yaml:1",
                "553.32",
                "2213.26"
            ),
            res(
                "testdata/kustomize/base",
                "Deployment/default/router",
                "testdata/kustomize/base/router.yaml:1",
                "29.26",
                "29.26"
            ),
        ]
    );
}

#[test]
fn an_overlay_scanned_alone_reads_its_base_and_component_outside_the_scan() {
    let (_, report, _) = check(&["testdata/kustomize/overlays/dev"]);
    let got: Vec<(String, String, String)> = resources(&report)
        .into_iter()
        .map(|r| (r.0, r.1, r.3))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "testdata/kustomize/overlays/dev".to_string(),
                "Deployment/ml-dev/dev-llm-server".to_string(),
                "95.79".to_string()
            ),
            (
                "testdata/kustomize/overlays/dev".to_string(),
                "Deployment/ml-dev/dev-router".to_string(),
                "14.63".to_string()
            ),
        ]
    );
}

/// The inventory of `testdata/kustomize`, read by the loader as the binary reads it.
fn inventory() -> Inventory {
    let root = PathBuf::from(CRATE_DIR).canonicalize().unwrap();
    let namer = PathNamer::new(root.clone());
    let mut files = Vec::new();
    for entry in walk(&root.join(K)) {
        let name = entry.file_name().unwrap().to_string_lossy().to_string();
        if name.ends_with(".yaml") {
            files.push(entry);
        }
    }
    files.sort();
    let mut inventory = Inventory::default();
    kubernetes::load(&files, None, &namer, 1 << 20, &mut inventory);
    inventory
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

fn find<'a>(inventory: &'a Inventory, address: &str) -> &'a Resource {
    inventory
        .resources
        .iter()
        .find(|r| r.address == address)
        .unwrap_or_else(|| panic!("no {address}"))
}

fn at(r: &Resource, fact: &str) -> String {
    let loc: &Location = r.fact_locations.get(fact).unwrap_or_else(|| {
        panic!(
            "{} has no location for {fact}: {:?}",
            r.address,
            r.fact_locations.keys()
        )
    });
    format!("{}:{}", loc.file, loc.line)
}

#[test]
fn values_set_by_patches_and_kustomizations_point_at_their_lines() {
    let inv = inventory();
    assert_eq!(inv.errors, vec![]);
    let dev_router = find(&inv, "Deployment/ml-dev/dev-router");
    // `count: 1` under `replicas:` in the overlay.
    assert_eq!(
        at(dev_router, "replicas_desired"),
        "testdata/kustomize/overlays/dev/kustomization.yaml:27"
    );
    assert_eq!(
        at(dev_router, "namespace"),
        "testdata/kustomize/overlays/dev/kustomization.yaml:5"
    );
    // The labels map is the base's, with the overlay's pairs merged in.
    assert_eq!(
        at(dev_router, "tags"),
        "testdata/kustomize/base/router.yaml:5"
    );
    let dev_llm = find(&inv, "Deployment/ml-dev/dev-llm-server");
    // Untouched by the overlay: the base's own line.
    assert_eq!(
        at(dev_llm, "replicas_desired"),
        "testdata/kustomize/base/deployment.yaml:8"
    );
    let prod_router = find(&inv, "Deployment/ml-prod/prod-router");
    assert_eq!(
        at(prod_router, "replicas_desired"),
        "testdata/kustomize/overlays/prod/router-replicas.yaml:3"
    );
    let prod_llm = find(&inv, "Deployment/ml-prod/prod-llm-server");
    assert_eq!(
        at(prod_llm, "replicas_min"),
        "testdata/kustomize/overlays/prod/kustomization.yaml:27"
    );
    assert_eq!(
        at(prod_llm, "replicas_max"),
        "testdata/kustomize/overlays/prod/kustomization.yaml:30"
    );
}

#[test]
fn a_yaml_file_beside_a_kustomization_that_does_not_list_it_is_not_read() {
    let inv = inventory();
    // The patch the prod overlay leaves out (commented out in its kustomization).
    let notes: Vec<&str> = inv.notes.iter().map(|n| n.message.as_str()).collect();
    assert!(
        notes.contains(&"`testdata/kustomize/overlays/prod/spot-canary.yaml` is not listed by the kustomization in its directory, so kustomize does not deploy it; not checked"),
        "{notes:?}"
    );
    assert!(!inv
        .sources
        .contains_key("testdata/kustomize/overlays/prod/spot-canary.yaml"));
    assert_eq!(inv.resources.len(), 4);
}

const E: &str = "testdata/kustomize-errors";

#[test]
fn what_kustomize_refuses_is_an_input_error_at_the_kustomizations_line_and_the_rest_is_built() {
    let (code, report, stderr) = check(&[E]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(
        messages(&report, "errors"),
        vec![
            m(
                "testdata/kustomize-errors/cycle/b/Kustomization:2",
                "kustomizations refer to each other in a cycle: testdata/kustomize-errors/cycle/a -> testdata/kustomize-errors/cycle/b -> testdata/kustomize-errors/cycle/a"
            ),
            m(
                "testdata/kustomize-errors/missing/kustomization.yaml:3",
                "`statefulset.yaml` does not exist"
            ),
            m(
                "testdata/kustomize-errors/missing/kustomization.yaml:5",
                "`gpu-patch.yaml` does not exist"
            ),
            m(
                "testdata/kustomize-errors/outside/app/kustomization.yaml:2",
                "`testdata/kustomize-errors/outside/shared/worker.yaml` is not in or below `testdata/kustomize-errors/outside/app`, so kustomize refuses to read it"
            ),
            m(
                "testdata/kustomize-errors/patch-target/kustomization.yaml:5",
                "the patch is empty"
            ),
            m(
                "testdata/kustomize-errors/patch-target/kustomization.yaml:7",
                "the patch holds 2 documents; an entry of `patches` holds one"
            ),
            m(
                "testdata/kustomize-errors/patch-target/kustomization.yaml:9",
                "no resource matches the patch for Deployment default/rerank (apps/v1) (testdata/kustomize-errors/patch-target/wrong-name.yaml:1)"
            ),
            // The operation's line inside the inline patch.
            m(
                "testdata/kustomize-errors/patch-target/kustomization.yaml:18",
                "replace: `/spec/template/spec/nodeSelector/pool` does not exist (patching Deployment default/reranker (apps/v1))"
            ),
            m(
                "testdata/kustomize-errors/unsupported/kustomization.yaml:20",
                "`patchesStrategicMerg` is not a kustomization field"
            ),
        ]
    );
    assert_eq!(
        report["errors"][8]["help"],
        "did you mean `patchesStrategicMerge`? `kustomize build` refuses unknown fields"
    );
    let got: Vec<(String, String, String)> = resources(&report)
        .into_iter()
        .map(|r| (r.0, r.1, r.3))
        .collect();
    let r = |root: &str, address: &str, baseline: &str| {
        (root.to_string(), address.to_string(), baseline.to_string())
    };
    assert_eq!(
        got,
        vec![
            // The missing files are skipped; `replicas` still sets 4 pods of 1 vCPU and 4 GiB:
            // 4 x 730 x (1 x $0.031611 + 4 x $0.004237).
            r(
                "testdata/kustomize-errors/missing",
                "Deployment/default/embedder",
                "141.79"
            ),
            // Refused by the kustomization, so read as a plain manifest of its own directory
            // (it requests nothing, so its cost is unknown).
            r(
                "testdata/kustomize-errors/outside/shared",
                "Deployment/default/worker",
                "0.00"
            ),
            // The patches that failed left it as written: 1 replica, not 5.
            r(
                "testdata/kustomize-errors/patch-target",
                "Deployment/default/reranker",
                "17.72"
            ),
            // 2 hours (activeDeadlineSeconds) x (8 x $0.031611 + 32 x $0.004237); its GPU
            // names no model, so the GPU has no price and the estimate is incomplete.
            r(
                "testdata/kustomize-errors/unsupported",
                "Job/default/eval",
                "0.78"
            ),
        ]
    );
}

#[test]
fn what_is_not_applied_is_named_in_a_note() {
    let root = PathBuf::from(CRATE_DIR).canonicalize().unwrap();
    let namer = PathNamer::new(root.clone());
    let mut files: Vec<PathBuf> = walk(&root.join(E));
    files.sort();
    let mut inventory = Inventory::default();
    kubernetes::load(&files, None, &namer, 1 << 20, &mut inventory);
    inventory.sort();
    let notes: Vec<String> = inventory
        .notes
        .iter()
        .map(|n| {
            let at = n
                .location
                .as_ref()
                .map_or(String::new(), |l| format!("{}:{}", l.file, l.line));
            format!("{at}: {}", n.message)
        })
        .collect();
    assert_eq!(
        notes,
        vec![
            "testdata/kustomize-errors/patch-target/kustomization.yaml:11: the patch's target matches no resource, so it changes nothing",
            "testdata/kustomize-errors/unsupported/kustomization.yaml:4: remote resource `https://github.com/example/llm-stack//deploy/base?ref=v1.2.0` is not fetched (this tool works offline), so what it holds is not checked",
            "testdata/kustomize-errors/unsupported/kustomization.yaml:6: kustomization field `helmCharts`: Helm charts are not inflated; render them with `kustomize build --enable-helm` and pass the output",
            "testdata/kustomize-errors/unsupported/kustomization.yaml:10: kustomization field `replacements`: replacements are not applied; fields they set keep the values written in the resources",
        ]
    );
    // Every kustomization file and every file they read is counted once.
    assert_eq!(inventory.files, 13);
}

#[test]
fn the_same_scan_gives_byte_identical_output() {
    let run = || {
        common::run::aicost(
            Path::new(CRATE_DIR),
            &["check", K, E, "--format", "json"],
            &[],
        )
    };
    let (a, b) = (run(), run());
    assert_eq!(a.code, 2);
    assert_eq!(a.stdout, b.stdout);
}
