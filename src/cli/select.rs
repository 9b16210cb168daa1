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
    let ids: Vec<&str> = policies.ids().collect();
    let mut problems = Vec::new();
    for (flag, patterns) in [("--policy", only), ("--skip-policy", skip)] {
        for pattern in patterns {
            if !ids.iter().any(|id| glob_match(pattern, id)) {
                problems.push(no_match(flag, pattern, &ids));
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

/// `error: --policy `AIC-GPU-01` matches no policy` with the closest id, if one is close.
fn no_match(flag: &str, pattern: &str, ids: &[&str]) -> String {
    let shown: String = pattern
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    let closest = ids
        .iter()
        .map(|id| (strsim::jaro_winkler(&pattern.to_uppercase(), id), *id))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, id)| id);
    let help = match closest {
        Some(id) => format!("did you mean `{id}`?"),
        None => "policy ids look like `AIC-GPU-001`; a glob such as `AIC-GPU-*` selects a group"
            .to_string(),
    };
    format!("error: {flag} `{shown}` matches no policy\n  help: {help}")
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
        assert_eq!(
            err,
            "error: --skip-policy `AIC-GPU-01` matches no policy\n  help: did you mean `AIC-GPU-001`?\n\
             error: --skip-policy `XYZ-*` matches no policy\n  help: policy ids look like `AIC-GPU-001`; a glob such as `AIC-GPU-*` selects a group"
        );
        assert_eq!(p.len(), before);
    }
}
