//! `[waiver_rules]`: waivers the rules do not allow (inline when `allow_inline = false`, no
//! expiry, an expiry too far ahead, no owner) are input errors at the waiver and do not
//! apply; and an expired waiver that would still have covered a finding is reported as its
//! own finding, `AIC-WAIVER-001`, so it cannot linger silently.

use std::collections::HashMap;
use std::sync::Arc;

use crate::model::{
    Date, Finding, InputError, Location, Resource, Rule, Severity, Status, Suppression,
};

use super::settings::Settings;

/// The id of the finding for an expired waiver.
pub const EXPIRED_ID: &str = "AIC-WAIVER-001";

const EXPIRED_HELP: &str = "renew it with a new expiry date and reason, or remove it";

/// What every waiver must carry. The defaults allow what waivers always allowed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaiverRules {
    pub allow_inline: bool,
    pub require_expiry: bool,
    /// The latest expiry allowed, in days after today.
    pub max_days: Option<u32>,
    pub require_owner: bool,
    /// The configuration file as reports name it, for messages.
    pub config_file: String,
}

impl Default for WaiverRules {
    fn default() -> Self {
        WaiverRules {
            allow_inline: true,
            require_expiry: false,
            max_days: None,
            require_owner: false,
            config_file: crate::config::FILE_NAME.to_string(),
        }
    }
}

/// A waiver as the rules see it.
struct Checked<'a> {
    policy_id: &'a str,
    expires: Option<Date>,
    owner: Option<&'a str>,
    location: Option<&'a Location>,
    inline: bool,
}

impl Settings {
    /// Drops the waivers `[waiver_rules]` does not allow, from `resources` and from the
    /// configuration's, with an input error for each, sorted and without repeats (a block
    /// with several instances carries its waivers once per instance).
    pub fn apply_waiver_rules(&mut self, resources: &mut [Resource]) -> Vec<InputError> {
        let mut errors = Vec::new();
        for r in resources.iter_mut() {
            r.waivers.retain(|(id, w)| {
                let found = self.waiver_errors(&Checked {
                    policy_id: id,
                    expires: w.expires,
                    owner: w.owner.as_deref(),
                    location: w.location.as_ref(),
                    inline: true,
                });
                let allowed = found.is_empty();
                errors.extend(found);
                allowed
            });
        }
        let mut waivers = std::mem::take(&mut self.waivers);
        waivers.retain(|w| {
            let found = self.waiver_errors(&Checked {
                policy_id: &w.policy_id,
                expires: w.expires,
                owner: w.owner.as_deref(),
                location: w.location.as_ref(),
                inline: false,
            });
            let allowed = found.is_empty();
            errors.extend(found);
            allowed
        });
        self.waivers = waivers;
        errors.sort();
        errors.dedup();
        errors
    }

    fn waiver_errors(&self, w: &Checked) -> Vec<InputError> {
        let rules = &self.waiver_rules;
        let config = &rules.config_file;
        let at = || {
            w.location
                .cloned()
                .unwrap_or_else(|| Location::file_start(config.as_str().into()))
        };
        let id = w.policy_id;
        if w.inline && !rules.allow_inline {
            return vec![InputError::new(
                at(),
                format!(
                    "inline waivers are not allowed by [waiver_rules] allow_inline = false in \
                     {config}: move it to [[waivers]] in the configuration"
                ),
            )
            .with_help(
                "a [[waivers]] entry names the policy, the resource address, the reason, the \
                 expiry and the owner; it is reviewed with the configuration",
            )];
        }
        let mut errors = Vec::new();
        if rules.require_expiry && w.expires.is_none() {
            errors.push(
                InputError::new(
                    at(),
                    format!(
                        "the waiver of {id} has no expiry date, which [waiver_rules] \
                         require_expiry = true in {config} requires; it does not apply"
                    ),
                )
                .with_help(if w.inline {
                    "add `expires=YYYY-MM-DD` before the reason"
                } else {
                    "add `expires = \"YYYY-MM-DD\"` to the [[waivers]] entry"
                }),
            );
        }
        let latest = rules
            .max_days
            .zip(self.today)
            .and_then(|(days, today)| Some((days, today.plus_days(days)?)));
        if let (Some((days, latest)), Some(expires)) = (latest, w.expires) {
            if expires > latest {
                errors.push(
                    InputError::new(
                        at(),
                        format!(
                            "the waiver of {id} expires on {expires}, more than {days} days \
                             from today, which [waiver_rules] max_days = {days} in {config} \
                             does not allow; it does not apply"
                        ),
                    )
                    .with_help(format!("choose an expiry on or before {latest}")),
                );
            }
        }
        if rules.require_owner && w.owner.is_none() {
            errors.push(
                InputError::new(
                    at(),
                    format!(
                        "the waiver of {id} names no owner, which [waiver_rules] \
                         require_owner = true in {config} requires; it does not apply"
                    ),
                )
                .with_help(if w.inline {
                    "add `owner=NAME` before the reason: who answers for the waiver"
                } else {
                    "add `owner = \"NAME\"` to the [[waivers]] entry: who answers for the waiver"
                }),
            );
        }
        errors
    }

    /// An `AIC-WAIVER-001` finding for each expired waiver that would have covered one of
    /// `findings` still failing or unknown: a stale entry for a resource that is gone, or
    /// that no longer fails, is not reported.
    pub fn expired_waiver_findings(
        &self,
        findings: &[Finding],
        resources: &[Resource],
    ) -> Vec<Finding> {
        let by_address: HashMap<(&str, &str), &Resource> = resources
            .iter()
            .map(|r| ((r.root.as_ref(), r.address.as_str()), r))
            .collect();
        let mut out = Vec::new();
        for f in findings {
            if !matches!(f.status, Status::Fail | Status::Unknown) {
                continue;
            }
            let inline = by_address
                .get(&(f.root.as_ref(), f.address.as_str()))
                .map(|r| r.waivers.as_slice())
                .unwrap_or_default()
                .iter()
                .filter(|(id, _)| *id == f.policy_id)
                .map(|(_, w)| w.clone());
            let configured = self
                .waivers
                .iter()
                .filter(|w| w.covers(&f.policy_id, &f.root, &f.address))
                .map(super::Waiver::suppression);
            for w in inline.chain(configured) {
                if let Some(expired) = w.expires.filter(|d| !self.waiver_active(Some(*d))) {
                    out.push(expired_finding(f, &w, expired));
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }
}

fn expired_finding(f: &Finding, w: &Suppression, expired: Date) -> Finding {
    Finding {
        policy_id: EXPIRED_ID.to_string(),
        severity: Severity::Medium,
        status: Status::Fail,
        root: Arc::clone(&f.root),
        address: f.address.clone(),
        resource_type: f.resource_type.clone(),
        location: w.location.clone().unwrap_or_else(|| f.location.clone()),
        message: format!(
            "the waiver of {} for {} expired on {expired}",
            f.policy_id, f.address
        ),
        help: Some(EXPIRED_HELP.to_string()),
        unknowns: Vec::new(),
        suppression: None,
        approval: None,
    }
}

/// `AIC-WAIVER-001` as reports describe it.
pub fn expired_rule() -> Rule {
    Rule {
        id: EXPIRED_ID.to_string(),
        severity: Severity::Medium,
        title: "Expired waiver".to_string(),
        message: "the waiver of {policy} for {resource} expired on {expires}".to_string(),
        help: Some(EXPIRED_HELP.to_string()),
        file: "builtin/waivers".to_string(),
        line: 0,
        builtin: true,
    }
}
