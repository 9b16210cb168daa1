//! Configuration the policy engine reads: required tags, production environments,
//! per-environment accelerator rules, waivers and today's date. A plain struct the config
//! module fills in; this module does no I/O and never reads the clock.

use std::collections::BTreeMap;

use super::computed::TagPattern;
use crate::model::{Date, Location, Suppression, Usd};

use super::waiver_rules::WaiverRules;

/// Everything policies can be configured with, beyond the policy files themselves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// Tag keys every taggable resource must carry (`context.required_tags`).
    pub required_tags: Vec<String>,
    /// Environment names that count as production (`context.production`).
    pub production_environments: Vec<String>,
    /// Settings per environment name; environments not listed use the global values.
    pub environments: BTreeMap<String, EnvironmentSettings>,
    /// Accelerator families allowed where the environment sets none; `None` = any.
    pub allowed_accelerator_families: Option<Vec<String>>,
    /// Most accelerators at maximum scale where the environment sets none; `None` = no limit.
    pub max_accelerators: Option<i64>,
    /// Most a resource may cost per month at maximum scale (`context.max_resource_ceiling`);
    /// `None` = no limit.
    pub max_resource_ceiling: Option<Usd>,
    /// Most replicas a Kubernetes workload may scale to (`context.max_replicas`);
    /// `None` = no limit.
    pub max_replicas: Option<i64>,
    /// Waivers from the configuration file.
    pub waivers: Vec<Waiver>,
    /// `[waiver_rules]`: what every waiver must carry.
    pub waiver_rules: WaiverRules,
    /// Today, for waiver expiry; `None` means no waiver expires.
    pub today: Option<Date>,
    /// A required tag key written in another case counts as present (`[tags]
    /// case_insensitive_keys`).
    pub case_insensitive_tag_keys: bool,
    /// Limits on a change as a whole (`Action::"change"`).
    pub guardrails: Guardrails,
    /// `[approvals]`: who can clear a change's failures.
    pub approvals: ApprovalRules,
    /// `[tags.patterns]`: the patterns `tag_value_matches` reports, sorted by name.
    pub tag_patterns: Vec<TagPattern>,
}

/// `[approvals]`: groups of approvers and how many approvals a finding needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApprovalRules {
    /// The group for edits to the gate and the built-in guardrails.
    pub owners: Option<String>,
    pub required: u32,
    /// Group → logins and `@org/team` names.
    pub groups: BTreeMap<String, Vec<String>>,
}

impl Default for ApprovalRules {
    fn default() -> Self {
        ApprovalRules {
            owners: None,
            required: 1,
            groups: BTreeMap::new(),
        }
    }
}

/// `[guardrails]`: the context of a change request; each is absent unless set.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Guardrails {
    pub max_monthly_increase: Option<Usd>,
    /// Percent.
    pub max_increase_percent: Option<rust_decimal::Decimal>,
    pub max_accelerators_added: Option<i64>,
    pub new_endpoint_environments: Option<Vec<String>>,
}

/// Settings for one environment. `None` falls back to the global setting.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EnvironmentSettings {
    pub allowed_accelerator_families: Option<Vec<String>>,
    pub max_accelerators: Option<i64>,
}

/// A waiver from the configuration file: findings of `policy_id` on resources whose
/// address matches `address` become suppressed until `expires` has passed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Waiver {
    /// Policy id; `*` matches any run of characters (`AIC-GPU-*`).
    pub policy_id: String,
    /// Resource address; `*` matches any run of characters (`module.train.*`).
    pub address: String,
    /// Root configuration the waiver is limited to (same `*` syntax); `None` = every root.
    pub root: Option<String>,
    pub reason: String,
    /// Last day the waiver applies.
    pub expires: Option<Date>,
    /// Where the waiver was written, for reports.
    pub location: Option<Location>,
    /// Who is answerable for it.
    pub owner: Option<String>,
}

impl Waiver {
    /// Whether the waiver names `policy_id` on `address` in `root`, expired or not.
    pub fn covers(&self, policy_id: &str, root: &str, address: &str) -> bool {
        glob_match(&self.policy_id, policy_id)
            && glob_match(&self.address, address)
            && self.root.as_ref().is_none_or(|r| glob_match(r, root))
    }

    pub fn suppression(&self) -> Suppression {
        Suppression {
            reason: self.reason.clone(),
            expires: self.expires,
            location: self.location.clone(),
            owner: self.owner.clone(),
        }
    }
}

/// Families the default configuration allows in `dev` and `staging`: inference-class
/// accelerators only (AWS, then Google, then Azure families).
pub const INFERENCE_FAMILIES: [&str; 8] = [
    "g4dn",
    "g5",
    "g6",
    "g6e",
    "inf2",
    "g2",
    "NCas_T4_v3",
    "NVads_A10_v5",
];

impl Default for Settings {
    fn default() -> Settings {
        let inference = EnvironmentSettings {
            allowed_accelerator_families: Some(
                INFERENCE_FAMILIES.iter().map(|f| f.to_string()).collect(),
            ),
            max_accelerators: None,
        };
        Settings {
            required_tags: vec!["team".into(), "cost-center".into(), "env".into()],
            production_environments: vec!["prod".into(), "production".into()],
            environments: BTreeMap::from([
                ("dev".to_string(), inference.clone()),
                ("staging".to_string(), inference),
            ]),
            allowed_accelerator_families: None,
            max_accelerators: Some(64),
            max_resource_ceiling: Some(Usd(rust_decimal::Decimal::from(100_000))),
            max_replicas: Some(50),
            waivers: Vec::new(),
            waiver_rules: WaiverRules::default(),
            today: None,
            case_insensitive_tag_keys: false,
            guardrails: Guardrails::default(),
            approvals: ApprovalRules::default(),
            tag_patterns: Vec::new(),
        }
    }
}

impl Settings {
    /// Whether `environment` is a production environment.
    pub fn is_production(&self, environment: &str) -> bool {
        self.production_environments
            .iter()
            .any(|p| p == environment)
    }

    /// Accelerator families allowed in `environment` (`None` = any).
    pub fn allowed_families_for(&self, environment: Option<&str>) -> Option<&Vec<String>> {
        environment
            .and_then(|e| self.environments.get(e))
            .and_then(|e| e.allowed_accelerator_families.as_ref())
            .or(self.allowed_accelerator_families.as_ref())
    }

    /// The accelerator limit for `environment` (`None` = no limit).
    pub fn max_accelerators_for(&self, environment: Option<&str>) -> Option<i64> {
        environment
            .and_then(|e| self.environments.get(e))
            .and_then(|e| e.max_accelerators)
            .or(self.max_accelerators)
    }

    /// The first unexpired configuration waiver covering `policy_id` on `address` in `root`.
    pub fn config_waiver(&self, policy_id: &str, root: &str, address: &str) -> Option<Suppression> {
        self.waivers
            .iter()
            .find(|w| w.covers(policy_id, root, address) && self.waiver_active(w.expires))
            .map(Waiver::suppression)
    }

    /// Whether a waiver ending on `expires` still applies today: through its expiry date.
    pub fn waiver_active(&self, expires: Option<Date>) -> bool {
        match (expires, self.today) {
            (Some(expires), Some(today)) => expires >= today,
            _ => true,
        }
    }
}

/// Matches `text` against `pattern`, where `*` matches any run of characters (also
/// none) and every other character matches itself: `[`, `?`, `{` and `"` in Terraform
/// addresses are literal, which globset's syntax would not keep.
///
/// Linear time: the text must start with the piece before the first `*` and end with the
/// one after the last; the pieces between are found in order, each at its leftmost place
/// (which leaves the most room for the rest), by the standard library's linear substring
/// search. Hostile patterns (`*aaaa…ab`) cannot make it backtrack.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let Some((head, last)) = pattern.rsplit_once('*') else {
        return pattern == text;
    };
    let (first, middle) = head.split_once('*').unwrap_or((head, ""));
    let Some(mut rest) = text.strip_prefix(first).and_then(|t| t.strip_suffix(last)) else {
        return false;
    };
    for piece in middle.split('*').filter(|p| !p.is_empty()) {
        match rest.find(piece) {
            Some(at) => rest = rest.get(at + piece.len()..).unwrap_or(""),
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_runs_of_characters() {
        assert!(glob_match(
            "module.train.*",
            "module.train.aws_instance.a[0]"
        ));
        assert!(glob_match("*", ""));
        assert!(glob_match("a*b*c", "axxbyyc"));
        assert!(glob_match("AIC-GPU-00*", "AIC-GPU-001"));
        assert!(!glob_match("AIC-GPU-*", "AIC-TAG-001"));
        assert!(!glob_match("aws_instance.a", "aws_instance.ab"));
        assert!(glob_match("aws_instance.a", "aws_instance.a"));
        assert!(!glob_match("a*c", "abcd"));
    }

    #[test]
    fn only_the_star_is_special() {
        let address = "module.a[\"x\"].aws_instance.b[0]";
        assert!(glob_match(address, address));
        assert!(glob_match("module.a[\"*\"].*[0]", address));
        assert!(!glob_match("module.a[?x?].aws_instance.b[0]", address));
        assert!(!glob_match("module.a[\"x\"].aws_instance.b[01]", address));
        assert!(glob_match("{a,b}?", "{a,b}?"));
        assert!(!glob_match("{a,b}", "a"));
        assert!(glob_match("a\\*", "a\\b"));
        assert!(glob_match("é*ü", "éxü"));
        assert!(!glob_match("a*a", "a"));
        assert!(glob_match("a*a", "aa"));
        assert!(glob_match("**", "x/y"));
        assert!(!glob_match("", "x"));
        assert!(glob_match("", ""));
    }

    #[test]
    fn hostile_patterns_are_decided() {
        // The matcher this replaced backtracked to the last `*`: about 10 s here,
        // unoptimised; this one takes about a millisecond (not timed here: tests do not
        // time things, a backtracking matcher would make this test crawl).
        let text = "a".repeat(200_000);
        assert!(!glob_match(&format!("*{}b*", "a".repeat(2000)), &text));
        assert!(!glob_match(&format!("*{}b", "a".repeat(2000)), &text));
        assert!(!glob_match(&format!("{}*b", "*a".repeat(2000)), &text));
        assert!(glob_match(&format!("{}*", "*a".repeat(2000)), &text));
        assert!(glob_match(&format!("*{}*", "a".repeat(2000)), &text));
    }

    /// The meaning of a pattern, spelled as a regular expression.
    fn reference(pattern: &str, text: &str) -> bool {
        let pieces: Vec<String> = pattern.split('*').map(regex::escape).collect();
        regex::Regex::new(&format!("^(?s:{})$", pieces.join(".*")))
            .unwrap()
            .is_match(text)
    }

    proptest::proptest! {
        #[test]
        fn matches_as_the_regular_expression_does(
            pattern in "[ab*\\[\\]?.\"/]{0,12}",
            text in "[ab\\[\\]?.\"/]{0,16}",
        ) {
            proptest::prop_assert_eq!(glob_match(&pattern, &text), reference(&pattern, &text));
        }
    }

    #[test]
    fn waivers_apply_through_their_expiry_date() {
        let date = |t: &str| Date::parse(t).ok();
        let s = Settings {
            today: date("2026-03-10"),
            ..Settings::default()
        };
        assert!(s.waiver_active(None));
        assert!(s.waiver_active(date("2026-03-10")));
        assert!(s.waiver_active(date("2026-12-31")));
        assert!(!s.waiver_active(date("2026-03-09")));
        assert!(!s.waiver_active(date("2025-12-31")));
        // Without a date for today, no waiver expires.
        assert!(Settings::default().waiver_active(date("2000-01-01")));
    }

    #[test]
    fn environments_fall_back_to_global_settings() {
        let s = Settings::default();
        assert_eq!(
            s.allowed_families_for(Some("dev")).map(Vec::len),
            Some(INFERENCE_FAMILIES.len())
        );
        assert_eq!(s.allowed_families_for(Some("prod")), None);
        assert_eq!(s.allowed_families_for(None), None);
        assert_eq!(s.max_accelerators_for(Some("dev")), Some(64));
        assert!(s.is_production("prod"));
        assert!(!s.is_production("dev"));
    }
}
