//! Any bytes as a Kubernetes manifest stream on standard input: reading, the kinds and the
//! built-in policies must give resources, notes or errors, never a panic or an abort.
#![no_main]

use aicost_policy::load::kubernetes::{load, read_stdin};
use aicost_policy::load::source::PathNamer;
use aicost_policy::model::Inventory;
use aicost_policy::policy::{Policies, Settings};
use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::OnceLock;

fn policies() -> Option<&'static Policies> {
    static POLICIES: OnceLock<Option<Policies>> = OnceLock::new();
    POLICIES
        .get_or_init(|| Policies::load(&Default::default()).ok())
        .as_ref()
}

fuzz_target!(|data: &[u8]| {
    let Ok(stdin) = read_stdin(data, 1 << 20) else {
        return;
    };
    let namer = PathNamer::new(PathBuf::from("/"));
    let mut inventory = Inventory::default();
    load(&[], Some(stdin), &namer, 1 << 20, &mut inventory);
    if let Some(policies) = policies() {
        let _ = policies.evaluate(&inventory.resources, &Settings::default());
    }
});
