//! Bounds and refusals on kustomization trees built in a temporary directory: nesting,
//! the node budget, a link out of a kustomization's directory, a kustomization that lists
//! itself.

use std::path::{Path, PathBuf};

use super::*;

fn write(root: &Path, path: &str, text: &str) -> PathBuf {
    let p = root.join(path);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    p.canonicalize().unwrap()
}

fn run(root: &Path, files: &[PathBuf], budget: usize) -> Built {
    let namer = PathNamer::new(root.to_path_buf());
    load_within(
        files,
        &namer,
        1 << 20,
        &Limits::default(),
        budget,
        Options::default(),
    )
}

fn messages(built: &Built) -> Vec<String> {
    built
        .errors
        .iter()
        .map(|e| format!("{}:{}: {}", e.location.file, e.location.line, e.message))
        .collect()
}

const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: worker\nspec:\n  template:\n    spec:\n      containers:\n        - name: worker\n          resources: {requests: {cpu: '1', memory: 1Gi}}\n";

#[test]
fn a_chain_of_overlays_deeper_than_the_limit_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    write(&root, "k40/deployment.yaml", DEPLOYMENT);
    write(
        &root,
        "k40/kustomization.yaml",
        "resources: [deployment.yaml]\n",
    );
    let mut files = Vec::new();
    for i in 0..40 {
        let text = format!("namePrefix: p{i}-\nresources: [../k{}]\n", i + 1);
        files.push(write(&root, &format!("k{i}/kustomization.yaml"), &text));
    }
    let built = run(&root, &files, loader::NODE_BUDGET);
    assert_eq!(
        messages(&built),
        vec!["k31/kustomization.yaml:2: kustomizations nest more than 32 deep here"]
    );
    assert!(built.resources.is_empty());
}

#[test]
fn a_base_multiplied_through_nested_overlays_stops_at_the_node_budget() {
    // Each level lists the next twice under two prefixes: 2^12 copies of the Deployment.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    write(&root, "l12/deployment.yaml", DEPLOYMENT);
    write(
        &root,
        "l12/kustomization.yaml",
        "resources: [deployment.yaml]\n",
    );
    let mut files = Vec::new();
    for i in 0..12 {
        let next = i + 1;
        files.push(write(
            &root,
            &format!("l{i}/kustomization.yaml"),
            &format!("resources: [../a{i}, ../b{i}]\n"),
        ));
        for side in ["a", "b"] {
            files.push(write(
                &root,
                &format!("{side}{i}/kustomization.yaml"),
                &format!("namePrefix: {side}-\nresources: [../l{next}]\n"),
            ));
        }
    }
    let built = run(&root, &files, 10_000);
    let errors = messages(&built);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].ends_with(
            "the kustomizations expand to more than 10000 YAML nodes; the rest is not built"
        ),
        "{errors:?}"
    );
    // A Deployment here is 15 nodes: no more than 10,000 / 15 of them were copied.
    assert!(
        built.resources.len() <= 10_000 / 15,
        "{}",
        built.resources.len()
    );
    // With the real budget the whole tree is built.
    let built = run(&root, &files, loader::NODE_BUDGET);
    assert_eq!(messages(&built), Vec::<String>::new());
    assert_eq!(built.resources.len(), 4096);
}

#[cfg(unix)]
#[test]
fn a_link_out_of_the_kustomizations_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    write(&root, "secret/deployment.yaml", DEPLOYMENT);
    let k = write(
        &root,
        "app/kustomization.yaml",
        "resources: [deployment.yaml]\n",
    );
    std::os::unix::fs::symlink(
        root.join("secret/deployment.yaml"),
        root.join("app/deployment.yaml"),
    )
    .unwrap();
    let built = run(&root, &[k], loader::NODE_BUDGET);
    assert_eq!(
        messages(&built),
        vec!["app/kustomization.yaml:1: `secret/deployment.yaml` is not in or below `app`, so kustomize refuses to read it"]
    );
    assert!(built.files.iter().all(|f| !f.path.contains("secret")));
}

#[test]
fn a_kustomization_listing_itself_is_a_cycle() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    write(&root, "app/deployment.yaml", DEPLOYMENT);
    let k = write(
        &root,
        "app/kustomization.yaml",
        "resources:\n  - deployment.yaml\n  - .\n",
    );
    let built = run(&root, &[k], loader::NODE_BUDGET);
    assert_eq!(
        messages(&built),
        vec!["app/kustomization.yaml:3: kustomizations refer to each other in a cycle: app -> app"]
    );
    assert_eq!(built.resources.len(), 1);
}
