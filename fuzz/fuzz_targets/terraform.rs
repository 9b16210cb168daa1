//! Any bytes as a module's `main.tf` and `main.tf.json`: loading and evaluating the built-in
//! policies must give resources or errors, never a panic, an abort or unbounded memory.
#![no_main]

use aicost_policy::discover::discover;
use aicost_policy::load::source::PathNamer;
use aicost_policy::load::terraform::{load, TerraformOptions};
use aicost_policy::model::Inventory;
use aicost_policy::policy::{Policies, Settings};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn policies() -> Option<&'static Policies> {
    static POLICIES: OnceLock<Option<Policies>> = OnceLock::new();
    POLICIES
        .get_or_init(|| Policies::load(&Default::default()).ok())
        .as_ref()
}

fuzz_target!(|data: &[u8]| {
    let Ok(dir) = tempfile::tempdir() else { return };
    // The same bytes through both syntaxes: most are not JSON, and then only HCL runs deep.
    for name in ["main.tf", "main.tf.json"] {
        let _ = std::fs::remove_file(dir.path().join("main.tf"));
        if std::fs::write(dir.path().join(name), data).is_err() {
            return;
        }
        let Ok(root) = dir.path().canonicalize() else {
            return;
        };
        let namer = PathNamer::new(root.clone());
        let found = discover(&[root], &namer, &globset::GlobSet::empty());
        let mut inventory = Inventory::default();
        let options = TerraformOptions {
            vars: Vec::new(),
            env: Vec::new(),
            max_file_size: 1 << 20,
            extra_regions: Vec::new(),
        };
        load(&found.terraform_modules, &namer, &options, &mut inventory);
        if let Some(policies) = policies() {
            let _ = policies.evaluate(&inventory.resources, &Settings::default());
        }
    }
});
