//! Errors in `aicost-policy.toml`, shown like compiler errors at the offending line.

use std::path::Path;
use std::sync::Arc;

use miette::{Diagnostic, NamedSource, SourceSpan};

use crate::model::{line_col, IndexedSource};

/// Every top-level and nested key the configuration accepts, for "did you mean".
const KNOWN_KEYS: &[&str] = &[
    "required_tags",
    "exclude",
    "policy_dirs",
    "builtin_policies",
    "max_file_size",
    "environment",
    "environments",
    "accelerators",
    "waivers",
    "tag",
    "tags",
    "case_insensitive_keys",
    "patterns",
    "key",
    "paths",
    "production",
    "pattern",
    "allowed_accelerator_families",
    "max_accelerators",
    "max_per_resource",
    "policy",
    "resource",
    "root",
    "reason",
    "expires",
    "owner",
    "waiver_rules",
    "allow_inline",
    "require_expiry",
    "max_days",
    "require_owner",
    "pricing",
    "costs",
    "budget",
    "usage_file",
    "spot_factors",
    "region_fallback",
    "extra_regions",
    "sustained_use_discounts",
    "overrides",
    "discounts",
    "provider",
    "item",
    "region",
    "usd_per_hour",
    "percent",
    "name",
    "max_resource_ceiling",
    "monthly_limit",
    "warn_ratio",
    "tags",
    "kubernetes",
    "max_replicas",
    "daemonset_nodes",
    "kserve_default_deployment_mode",
    "default_gpu",
    "guardrails",
    "max_monthly_increase",
    "max_increase_percent",
    "max_accelerators_added",
    "new_endpoint_environments",
    "approvals",
    "owners",
    "required",
    "groups",
];

#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(aicost_policy::config))]
pub struct ConfigError {
    message: String,
    #[help]
    help: Option<String>,
    #[source_code]
    /// Indexed, so a snippet shows the lines around the error, never a whole long line.
    source_code: NamedSource<IndexedSource>,
    #[label("here")]
    span: Option<SourceSpan>,
    line: u32,
}

impl ConfigError {
    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn help(&self) -> Option<&str> {
        self.help.as_deref()
    }

    /// 1-based line of the problem, 0 when the file could not be read.
    pub fn line(&self) -> u32 {
        self.line
    }

    pub(super) fn io(path: &Path, e: &dyn std::fmt::Display) -> Box<ConfigError> {
        Box::new(ConfigError {
            message: format!("cannot read `{}`: {e}", path.display()),
            help: Some("check the path given with --config".to_string()),
            source_code: NamedSource::new(
                path.display().to_string(),
                IndexedSource::of(Arc::from("")),
            ),
            span: None,
            line: 0,
        })
    }

    pub(super) fn too_large(path: &Path, limit: u64) -> Box<ConfigError> {
        Box::new(ConfigError {
            message: format!(
                "`{}` is over the {limit}-byte limit for the configuration and was not read",
                path.display()
            ),
            help: Some(
                "check that the file is aicost-policy.toml; a configuration is a few kilobytes"
                    .to_string(),
            ),
            source_code: NamedSource::new(
                path.display().to_string(),
                IndexedSource::of(Arc::from("")),
            ),
            span: None,
            line: 0,
        })
    }

    pub(super) fn invalid(
        path: &Path,
        text: &str,
        offset: usize,
        message: String,
        help: Option<String>,
    ) -> Box<ConfigError> {
        let (line, _) = line_col(text, offset);
        Box::new(ConfigError {
            message,
            help,
            source_code: NamedSource::new(
                path.display().to_string(),
                IndexedSource::of(Arc::from(text)),
            ),
            span: Some(SourceSpan::from((offset, 0))),
            line,
        })
    }

    pub(super) fn parse(path: &Path, text: &str, e: &toml::de::Error) -> Box<ConfigError> {
        let span = e.span();
        let offset = span.as_ref().map_or(0, |s| s.start);
        let raw = e.message().trim_end_matches('.').to_string();
        let (message, help) = match unknown_key(&raw) {
            Some(key) => {
                let help = suggestion(key, &expected_keys(&raw))
                    .map(|s| format!("did you mean `{s}`?"))
                    .or_else(|| {
                        Some(
                            "remove the key; see `aicost-policy init` for every accepted key"
                                .to_string(),
                        )
                    });
                (format!("unknown key `{key}`"), help)
            }
            None => (format!("invalid configuration: {raw}"), None),
        };
        let (line, _) = line_col(text, offset);
        Box::new(ConfigError {
            message,
            help,
            source_code: NamedSource::new(
                path.display().to_string(),
                IndexedSource::of(Arc::from(text)),
            ),
            span: span.map(|s| SourceSpan::from((s.start, s.end.saturating_sub(s.start)))),
            line,
        })
    }
}

/// The key named by serde's "unknown field `x`, expected ..." message.
fn unknown_key(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("unknown field `")?;
    rest.split('`').next()
}

/// The keys serde lists after "expected" for the table the unknown key is in.
fn expected_keys(message: &str) -> Vec<String> {
    let Some((_, rest)) = message.split_once("expected") else {
        return Vec::new();
    };
    rest.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// The accepted key closest to a mistyped one: among the keys of its own table when
/// known, else among all keys.
fn suggestion(key: &str, expected: &[String]) -> Option<String> {
    let candidates: Vec<&str> = if expected.is_empty() {
        KNOWN_KEYS.to_vec()
    } else {
        expected.iter().map(String::as_str).collect()
    };
    crate::suggest::closest_above(key, candidates, 0.7).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_pick_the_closest_key() {
        assert_eq!(
            suggestion("requried_tags", &[]).as_deref(),
            Some("required_tags")
        );
        assert_eq!(
            suggestion("max_accelerator", &[]).as_deref(),
            Some("max_accelerators")
        );
        assert_eq!(suggestion("zzz", &[]), None);
        let expected = expected_keys(
            "unknown field `x`, expected `allowed_accelerator_families` or `max_accelerators`",
        );
        assert_eq!(
            expected,
            vec!["allowed_accelerator_families", "max_accelerators"]
        );
        assert_eq!(
            suggestion("allowed_families", &expected).as_deref(),
            Some("allowed_accelerator_families")
        );
    }
}
