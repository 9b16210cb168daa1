//! Policy ids the user writes (waiver comments and annotations, `[[waivers]]` in the
//! configuration, command-line flags) are checked against the loaded policies: an id that
//! names no policy would otherwise do nothing, silently.

use super::{Policies, Settings};
use crate::model::{InputError, Location, Resource};

/// A policy id (or `*` pattern) that names no loaded policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownPolicyId {
    /// `no loaded policy has the id `AIC-COST-02``.
    pub message: String,
    /// `did you mean `AIC-COST-002`?`, or where the ids are listed.
    pub help: String,
}

impl Policies {
    /// Checks one policy id, or a pattern with `*` (as `[[waivers]]` accepts), against the
    /// loaded policies. Reusable by any flag or setting that names policies.
    pub fn check_id(&self, given: &str) -> Result<(), UnknownPolicyId> {
        let known = self.known_ids();
        let matches = |id: &str| {
            if given.contains('*') {
                super::glob_match(given, id)
            } else {
                given == id
            }
        };
        if known.iter().copied().any(matches) {
            return Ok(());
        }
        let what = if given.contains('*') {
            "matches no loaded policy id"
        } else {
            "is not the id of any loaded policy"
        };
        // A pattern is not a typo of one id: it gets the list instead.
        let close = if given.contains('*') {
            None
        } else {
            known
                .iter()
                .copied()
                .find(|id| id.eq_ignore_ascii_case(given))
                .or_else(|| crate::suggest::closest(given, known.iter().copied()))
        };
        let help = match close {
            Some(id) => format!("did you mean `{id}`?"),
            None => format!(
                "policy ids are case-sensitive; the loaded policies are {}",
                known
                    .iter()
                    .map(|id| format!("`{id}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        Err(UnknownPolicyId {
            message: format!("`{given}` {what}"),
            help,
        })
    }

    /// An input error for every waiver that names no loaded policy: inline waivers
    /// (comments, annotations) at the waiver, configuration waivers at their entry. A
    /// waiver shared by several instances of a block is reported once.
    pub fn unknown_waiver_ids(
        &self,
        resources: &[Resource],
        settings: &Settings,
    ) -> Vec<InputError> {
        let inline = resources
            .iter()
            .flat_map(|r| &r.waivers)
            .map(|(id, w)| (id.as_str(), w.location.as_ref()));
        let configured = settings
            .waivers
            .iter()
            .map(|w| (w.policy_id.as_str(), w.location.as_ref()));
        let mut errors: Vec<InputError> = inline
            .chain(configured)
            .filter_map(|(id, location)| {
                let unknown = self.check_id(id).err()?;
                let location = location
                    .cloned()
                    .unwrap_or_else(|| Location::file_start("aicost-policy.toml".into()));
                Some(
                    InputError::new(location, format!("waiver: {}", unknown.message))
                        .with_help(unknown.help),
                )
            })
            .collect();
        errors.sort();
        errors.dedup();
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::super::Policies;

    #[test]
    fn an_id_or_pattern_is_checked_against_the_loaded_policies() {
        let p = Policies::from_sources(true, &[]).unwrap();
        assert_eq!(p.check_id("AIC-TAG-001"), Ok(()));
        assert_eq!(p.check_id("AIC-GPU-*"), Ok(()));
        let e = p.check_id("AIC-COST-02").unwrap_err();
        assert_eq!(
            e.message,
            "`AIC-COST-02` is not the id of any loaded policy"
        );
        assert_eq!(e.help, "did you mean `AIC-COST-002`?");
        let e = p.check_id("aic-tag-001").unwrap_err();
        assert_eq!(e.help, "did you mean `AIC-TAG-001`?");
    }
}
