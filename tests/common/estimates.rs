//! The cost estimates of a `check --format json` report, as rows to compare exactly.

use std::path::Path;

use serde_json::Value;

use super::run::aicost;

/// One resource's estimate: address, region (or `unknown`), baseline, complete, missing,
/// assumptions, and the notes that start with one of the asked prefixes.
#[derive(Debug, PartialEq, Eq)]
pub struct Estimate {
    pub address: String,
    pub region: String,
    pub baseline: String,
    pub complete: bool,
    pub missing: Vec<String>,
    pub assumptions: Vec<String>,
    pub notes: Vec<String>,
}

impl Estimate {
    /// A row to compare with; `notes` are the selected notes.
    pub fn new(
        address: &str,
        region: &str,
        baseline: &str,
        complete: bool,
        missing: &[&str],
        assumptions: &[&str],
        notes: &[&str],
    ) -> Estimate {
        let owned = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
        Estimate {
            address: address.to_string(),
            region: region.to_string(),
            baseline: baseline.to_string(),
            complete,
            missing: owned(missing),
            assumptions: owned(assumptions),
            notes: owned(notes),
        }
    }
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The estimate of every priced resource of `check DIR --format json` (run from the
/// repository root), in report order; notes kept only when they start with one of
/// `note_prefixes`.
pub fn estimates(dir: &str, note_prefixes: &[&str]) -> Vec<Estimate> {
    let run = aicost(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["check", dir, "--format", "json"],
        &[],
    );
    let report: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", run.stdout, run.stderr));
    report["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .filter(|r| !r["monthly_cost"].is_null())
        .map(|r| {
            let c = &r["monthly_cost"];
            Estimate {
                address: r["address"].as_str().unwrap_or_default().to_string(),
                region: r["region"].as_str().unwrap_or("unknown").to_string(),
                baseline: c["baseline"].as_str().unwrap_or_default().to_string(),
                complete: c["complete"].as_bool().unwrap_or(true),
                missing: strings(&c["missing"]),
                assumptions: strings(&c["assumptions"]),
                notes: strings(&c["notes"])
                    .into_iter()
                    .filter(|n| note_prefixes.iter().any(|p| n.starts_with(p)))
                    .collect(),
            }
        })
        .collect()
}
