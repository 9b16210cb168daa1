//! One root cause, one message: a reference to an undeclared name (`var.gpu_type` with no
//! `variable` block) is the same mistake wherever it is used, so the errors of one module
//! for one name become a single error at the first use that lists every use.

use std::collections::BTreeMap;

use crate::model::InputError;

const PREFIX: &str = "reference to undeclared ";

/// Merges the undeclared-reference errors of `errors` per (module directory, message).
pub fn merge_uses(errors: &mut Vec<InputError>) {
    let (undeclared, mut rest): (Vec<InputError>, Vec<InputError>) = std::mem::take(errors)
        .into_iter()
        .partition(|e| e.message.starts_with(PREFIX));
    let mut groups: BTreeMap<(String, String), Vec<InputError>> = BTreeMap::new();
    for e in undeclared {
        let dir = e
            .location
            .file
            .rsplit_once('/')
            .map_or("", |(d, _)| d)
            .to_string();
        groups.entry((dir, e.message.clone())).or_default().push(e);
    }
    for ((dir, _), mut uses) in groups {
        uses.sort();
        // Instances of one block repeat the same use.
        uses.dedup_by(|a, b| {
            a.location.file == b.location.file && a.location.line == b.location.line
        });
        let mut uses = uses.into_iter();
        let Some(mut first) = uses.next() else {
            continue;
        };
        let others: Vec<InputError> = uses.collect();
        if !others.is_empty() {
            let places: Vec<String> = std::iter::once(&first)
                .chain(&others)
                // Every use is in the module's directory: its file names suffice.
                .map(|e| {
                    let file = e
                        .location
                        .file
                        .strip_prefix(&format!("{dir}/"))
                        .unwrap_or(&e.location.file);
                    format!("{file}:{}", e.location.line)
                })
                .collect();
            first.message = format!(
                "{}, used in {} places: {}",
                first.message,
                places.len(),
                places.join(", ")
            );
        }
        rest.push(first);
    }
    *errors = rest;
}
