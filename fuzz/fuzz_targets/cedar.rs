//! Any text as a user policy file (a policy directory can come from the repository under
//! review): loading must give policies or errors at a line, never a stack overflow or a
//! panic; a policy that loads is evaluated once.
#![no_main]

use aicost_policy::policy::{Policies, Settings};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    if let Ok(policies) = Policies::from_sources(false, &[("fuzz.cedar".to_string(), text)]) {
        let _ = policies.evaluate(&[], &Settings::default());
    }
});
