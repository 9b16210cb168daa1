//! `--policy` and `--skip-policy` (Checkov's `--check` and `--skip-check`): which of the
//! loaded policies a run evaluates.

use crate::policy::{glob_match, Policies};

/// Keeps the policies that match one of `only` (all of them when `only` is empty) and
/// none of `skip`. An id or glob that matches no policy is an error, with the closest
/// id as a suggestion: a typo must not silently run everything, or nothing.
pub(super) fn select(
    policies: &mut Policies,
    only: &[String],
    skip: &[String],
) -> Result<(), String> {
    if only.is_empty() && skip.is_empty() {
        return Ok(());
    }
    let mut problems = Vec::new();
    for (flag, patterns) in [("--policy", only), ("--skip-policy", skip)] {
        for pattern in patterns {
            // The same check as waivers' ids, so both suggest alike.
            if let Err(unknown) = policies.check_id(pattern) {
                let shown: String = pattern
                    .chars()
                    .map(|c| if c.is_control() { '?' } else { c })
                    .collect();
                problems.push(format!(
                    "error: {flag} `{shown}` matches no policy\n  help: {}",
                    unknown.help
                ));
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems.join("\n"));
    }
    policies.retain(|id| {
        (only.is_empty() || only.iter().any(|p| glob_match(p, id)))
            && !skip.iter().any(|p| glob_match(p, id))
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin() -> Policies {
        Policies::from_sources(true, &[]).unwrap()
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn globs_select_and_skip_policies() {
        let mut p = builtin();
        select(
            &mut p,
            &strings(&["AIC-GPU-*", "AIC-COST-001"]),
            &strings(&["AIC-GPU-002"]),
        )
        .unwrap();
        let ids: Vec<&str> = p.ids().collect();
        assert!(ids.contains(&"AIC-COST-001"), "{ids:?}");
        assert!(ids.contains(&"AIC-GPU-001"), "{ids:?}");
        assert!(!ids.contains(&"AIC-GPU-002"), "{ids:?}");
        assert!(ids
            .iter()
            .all(|id| id.starts_with("AIC-GPU-") || *id == "AIC-COST-001"));
    }

    #[test]
    fn an_id_that_matches_nothing_is_an_error_with_a_suggestion() {
        let mut p = builtin();
        let before = p.len();
        let err = select(&mut p, &[], &strings(&["AIC-GPU-01", "XYZ-*"])).unwrap_err();
        assert!(
            err.starts_with(
                "error: --skip-policy `AIC-GPU-01` matches no policy\n  help: did you mean `AIC-GPU-001`?\n\
                 error: --skip-policy `XYZ-*` matches no policy\n  help: policy ids are case-sensitive; the loaded policies are `AIC-BUDGET-001`, "
            ),
            "{err}"
        );
        assert_eq!(p.len(), before);
    }
}
