//! Any bytes as `terraform show -json` output: reading both sides of the plan and extracting
//! facts must give resources or an error, never a panic or an abort.
#![no_main]

use aicost_policy::load::source::PathNamer;
use aicost_policy::load::terraform::config::ModuleConfig;
use aicost_policy::load::terraform::facts::extract_all;
use aicost_policy::load::terraform::instance::ModuleSource;
use aicost_policy::load::terraform::plan::{read, PlanSide};
use libfuzzer_sys::fuzz_target;
use std::path::Path;
use std::sync::Arc;

struct NoModules;

impl ModuleSource for NoModules {
    fn module(&self, _: &Path) -> Option<Arc<ModuleConfig>> {
        None
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(dir) = tempfile::tempdir() else { return };
    let path = dir.path().join("plan.json");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let namer = PathNamer::new(dir.path().to_path_buf());
    let Ok(plan) = read(&path, &namer, 1 << 20) else {
        return;
    };
    for side in [PlanSide::Before, PlanSide::After] {
        let resources = plan.resources(side, &Arc::from("plan"), None, &NoModules);
        let _ = extract_all(resources);
    }
});
