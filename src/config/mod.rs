//! `aicost-policy.toml`: found from the scanned path upward to the repository root, or
//! given with `--config`. Unknown keys are errors with a suggestion, because a typo that is
//! silently ignored turns a policy off without anyone noticing.

mod error;
mod pricing;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::model::Date;

pub use self::error::ConfigError;
pub use self::pricing::{
    ApprovalsConfig, BudgetConfig, CostsConfig, DiscountConfig, GuardrailsConfig, OverrideConfig,
    PricingConfig,
};

/// The file name looked for.
pub const FILE_NAME: &str = "aicost-policy.toml";

/// The commented starter file `aicost-policy init` writes.
pub const STARTER: &str = include_str!("starter.toml");

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Tag (or label) keys every taggable resource must carry.
    #[serde(default = "default_required_tags")]
    pub required_tags: Vec<String>,
    /// Glob patterns, relative to the repository root, of paths not to scan.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Directories of `.cedar` files, relative to this file.
    #[serde(default)]
    pub policy_dirs: Vec<PathBuf>,
    /// Whether the built-in policy pack runs.
    #[serde(default = "yes")]
    pub builtin_policies: bool,
    /// Files larger than this many bytes are skipped.
    #[serde(default = "default_max_file_size")]
    pub max_file_size: u64,
    #[serde(default)]
    pub environment: EnvironmentRules,
    /// Per-environment settings, by environment name.
    #[serde(default = "default_environments")]
    pub environments: BTreeMap<String, EnvironmentConfig>,
    #[serde(default)]
    pub accelerators: AcceleratorConfig,
    #[serde(default)]
    pub waivers: Vec<WaiverConfig>,
    /// What every waiver must carry. Its own table: `[waivers]` cannot be a table while
    /// `[[waivers]]` is an array of them.
    #[serde(default)]
    pub waiver_rules: WaiverRulesConfig,
    #[serde(default)]
    pub pricing: PricingConfig,
    #[serde(default)]
    pub costs: CostsConfig,
    #[serde(default)]
    pub kubernetes: KubernetesConfig,
    #[serde(default)]
    pub tags: TagsConfig,
    /// Budget caps, each over the resources its scope selects.
    #[serde(default)]
    pub budget: Vec<BudgetConfig>,
    /// Limits on a change as a whole (`diff`).
    #[serde(default)]
    pub guardrails: GuardrailsConfig,
    /// Who can approve a change's failures.
    #[serde(default)]
    pub approvals: ApprovalsConfig,
    /// Savings advice (AIC-SAVE-*).
    #[serde(default)]
    pub savings: SavingsConfig,
}

/// `[savings]`: advisory findings with the monthly saving of a cheaper way to run a
/// resource (docs/pricing.md, "Savings advice").
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SavingsConfig {
    /// Whether advice is given at all.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Advice saving less than this many US dollars a month is not given.
    #[serde(default, deserialize_with = "pricing::decimal")]
    pub min_monthly_saving: rust_decimal::Decimal,
    /// The severity of the findings: `info` (a notice, never failing unless
    /// `--fail-severity info`), or higher to make advice fail a run.
    #[serde(default)]
    pub severity: SavingsSeverity,
}

impl Default for SavingsConfig {
    fn default() -> Self {
        SavingsConfig {
            enabled: true,
            min_monthly_saving: rust_decimal::Decimal::ZERO,
            severity: SavingsSeverity::Info,
        }
    }
}

/// A severity as `[savings] severity` writes it.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SavingsSeverity {
    #[default]
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl SavingsSeverity {
    pub fn severity(self) -> crate::model::Severity {
        use crate::model::Severity;
        match self {
            SavingsSeverity::Info => Severity::Info,
            SavingsSeverity::Low => Severity::Low,
            SavingsSeverity::Medium => Severity::Medium,
            SavingsSeverity::High => Severity::High,
            SavingsSeverity::Critical => Severity::Critical,
        }
    }
}

/// How tag keys are compared.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TagsConfig {
    /// A required key written in another case (`Team` for `team`) counts as present.
    /// Off by default: AWS, Google and Kubernetes compare keys exactly.
    #[serde(default)]
    pub case_insensitive_keys: bool,
    /// Tag-value patterns by name, for `tag_value_matches` (Cedar has no regex).
    #[serde(default)]
    pub patterns: BTreeMap<String, TagPatternConfig>,
}

/// `[tags.patterns] cost_center = { key = "cost-center", pattern = "^CC-[0-9]{4}$" }`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TagPatternConfig {
    /// The tag key whose value is matched.
    pub key: String,
    /// A Rust `regex` pattern. Spanned: an error points at this value.
    pub pattern: toml::Spanned<String>,
}

/// Settings for Kubernetes workloads.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct KubernetesConfig {
    /// The most replicas a workload may scale to (AIC-K8S-004).
    #[serde(default = "default_max_replicas")]
    pub max_replicas: Option<i64>,
    /// Nodes a DaemonSet runs on, for pricing (unknown otherwise).
    #[serde(default)]
    pub daemonset_nodes: Option<i64>,
    /// The cluster's KServe default deployment mode (`deploy.defaultDeploymentMode` in
    /// KServe's `inferenceservice-config`), for InferenceServices without the
    /// `serving.kserve.io/deploymentMode` annotation.
    #[serde(default)]
    pub kserve_default_deployment_mode: Option<KserveDeploymentMode>,
    /// The GPU model (`L4`, `H100`...) assumed for pods that request GPUs without naming
    /// the model; without it their estimate is incomplete.
    #[serde(default)]
    pub default_gpu: Option<String>,
}

/// KServe's deployment modes, named as its configuration names them; the names before
/// KServe 0.15 (`Serverless`, `RawDeployment`) are accepted too, as KServe accepts them.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
pub enum KserveDeploymentMode {
    /// Knative Serving: can scale to zero, no upper bound unless `maxReplicas` is set.
    /// What KServe ships as its default.
    #[default]
    #[serde(alias = "Serverless")]
    Knative,
    /// Plain Deployments and an HPA: at least one pod.
    #[serde(alias = "RawDeployment")]
    Standard,
}

impl KserveDeploymentMode {
    /// `Knative (Serverless)`, `Standard (RawDeployment)`.
    pub fn name(self) -> &'static str {
        match self {
            KserveDeploymentMode::Knative => "Knative (Serverless)",
            KserveDeploymentMode::Standard => "Standard (RawDeployment)",
        }
    }
}

fn default_max_replicas() -> Option<i64> {
    Some(50)
}

impl Default for KubernetesConfig {
    fn default() -> Self {
        KubernetesConfig {
            max_replicas: default_max_replicas(),
            daemonset_nodes: None,
            kserve_default_deployment_mode: None,
            default_gpu: None,
        }
    }
}

/// How a resource's environment is decided: its tag first, then path patterns.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EnvironmentRules {
    /// The tag or label whose value names the environment.
    #[serde(default = "default_environment_tag")]
    pub tag: Option<String>,
    /// Path patterns (globs relative to the repository root) and the environment they mean,
    /// tried in order.
    #[serde(default)]
    pub paths: Vec<PathRule>,
    /// Environment names that count as production.
    #[serde(default = "default_production")]
    pub production: Vec<String>,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PathRule {
    pub pattern: String,
    pub environment: String,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EnvironmentConfig {
    /// Instance families with accelerators that may run here (`g5`, `a3`, `NCads_A100_v4`).
    pub allowed_accelerator_families: Option<Vec<String>>,
    /// Most accelerators one resource may have at its maximum scale.
    pub max_accelerators: Option<i64>,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AcceleratorConfig {
    /// Most accelerators one resource may have at its maximum scale, in any environment.
    #[serde(default = "default_max_accelerators")]
    pub max_per_resource: Option<i64>,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WaiverConfig {
    /// Policy id (`AIC-TAG-001`).
    pub policy: String,
    /// Resource address; `*` matches any run of characters.
    pub resource: String,
    /// Only in this root directory, when given.
    #[serde(default)]
    pub root: Option<String>,
    pub reason: String,
    /// `YYYY-MM-DD`; the waiver stops applying after this day. Spanned: the error points
    /// at this value, not at the first text that looks like it.
    #[serde(default)]
    pub expires: Option<toml::Spanned<String>>,
    /// Who is answerable for the waiver.
    #[serde(default)]
    pub owner: Option<String>,
}

/// `[waiver_rules]`: what every waiver, inline or configured, must carry.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WaiverRulesConfig {
    /// Whether waivers may be written next to resources (comments, annotations); when not,
    /// waivers live only here, where the base's configuration is reviewed.
    #[serde(default = "yes")]
    pub allow_inline: bool,
    /// Every waiver needs an expiry date.
    #[serde(default)]
    pub require_expiry: bool,
    /// The latest expiry allowed, in days after today.
    #[serde(default)]
    pub max_days: Option<u32>,
    /// Every waiver needs an owner.
    #[serde(default)]
    pub require_owner: bool,
}

impl Default for WaiverRulesConfig {
    fn default() -> Self {
        WaiverRulesConfig {
            allow_inline: true,
            require_expiry: false,
            max_days: None,
            require_owner: false,
        }
    }
}

fn yes() -> bool {
    true
}

fn default_max_file_size() -> u64 {
    crate::load::source::DEFAULT_MAX_FILE_SIZE
}

fn default_required_tags() -> Vec<String> {
    ["team", "cost-center", "env"].map(String::from).to_vec()
}

fn default_environment_tag() -> Option<String> {
    Some("env".to_string())
}

fn default_production() -> Vec<String> {
    ["prod", "production"].map(String::from).to_vec()
}

fn default_environments() -> BTreeMap<String, EnvironmentConfig> {
    ["dev", "staging"]
        .into_iter()
        .map(|env| {
            (
                env.to_string(),
                EnvironmentConfig {
                    allowed_accelerator_families: Some(
                        crate::policy::INFERENCE_FAMILIES
                            .iter()
                            .map(|s| s.to_string())
                            .collect(),
                    ),
                    max_accelerators: None,
                },
            )
        })
        .collect()
}

fn default_max_accelerators() -> Option<i64> {
    Some(64)
}

impl Default for EnvironmentRules {
    fn default() -> Self {
        EnvironmentRules {
            tag: default_environment_tag(),
            paths: Vec::new(),
            production: default_production(),
        }
    }
}

impl Default for AcceleratorConfig {
    fn default() -> Self {
        AcceleratorConfig {
            max_per_resource: default_max_accelerators(),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            required_tags: default_required_tags(),
            exclude: Vec::new(),
            policy_dirs: Vec::new(),
            builtin_policies: true,
            max_file_size: default_max_file_size(),
            environment: EnvironmentRules::default(),
            environments: default_environments(),
            accelerators: AcceleratorConfig::default(),
            waivers: Vec::new(),
            waiver_rules: WaiverRulesConfig::default(),
            pricing: PricingConfig::default(),
            costs: CostsConfig::default(),
            kubernetes: KubernetesConfig::default(),
            tags: TagsConfig::default(),
            budget: Vec::new(),
            guardrails: GuardrailsConfig::default(),
            savings: SavingsConfig::default(),
            approvals: ApprovalsConfig::default(),
        }
    }
}

/// A configuration and the file it came from (`None` for the built-in defaults).
#[derive(Clone, Debug, Default)]
pub struct LoadedConfig {
    pub config: Config,
    pub path: Option<PathBuf>,
    /// The file's text, for locating entries in messages.
    pub text: String,
}

impl LoadedConfig {
    /// The directory relative paths in the file are resolved against.
    pub fn base_dir(&self) -> Option<&Path> {
        self.path.as_deref().and_then(Path::parent)
    }
}

/// Parses configuration text; `path` is used in error messages.
pub fn parse(text: &str, path: &Path) -> Result<Config, Box<ConfigError>> {
    let config: Config = toml::from_str(text).map_err(|e| {
        waivers_as_table(text, path).unwrap_or_else(|| ConfigError::parse(path, text, &e))
    })?;
    validate(&config, path, text)?;
    Ok(config)
}

/// `[waivers]` written as a table (`allow_inline = false` under it): the rules have their
/// own table, since `[[waivers]]` is the array of waivers.
fn waivers_as_table(text: &str, path: &Path) -> Option<Box<ConfigError>> {
    let table: toml::Table = text.parse().ok()?;
    if !table.get("waivers")?.is_table() {
        return None;
    }
    Some(ConfigError::invalid(
        path,
        text,
        text.find("[waivers]").unwrap_or(0),
        "`[waivers]` is a table here, but waivers are an array of `[[waivers]]` entries"
            .to_string(),
        Some(
            "put `allow_inline`, `require_expiry`, `max_days` and `require_owner` under \
             `[waiver_rules]`; write each waiver as a `[[waivers]]` entry"
                .to_string(),
        ),
    ))
}

/// Checks values serde cannot: glob syntax, dates, positive limits.
fn validate(config: &Config, path: &Path, text: &str) -> Result<(), Box<ConfigError>> {
    let locate = |needle: &str| text.find(needle).unwrap_or(0);
    for pattern in config
        .exclude
        .iter()
        .chain(config.environment.paths.iter().map(|p| &p.pattern))
    {
        if let Err(e) = globset::Glob::new(pattern) {
            return Err(ConfigError::invalid(
                path,
                text,
                locate(pattern),
                format!("invalid glob pattern `{pattern}`: {}", e.kind()),
                None,
            ));
        }
    }
    for waiver in &config.waivers {
        if let Some(date) = &waiver.expires {
            if let Err(e) = Date::parse(date.get_ref()) {
                return Err(ConfigError::invalid(
                    path,
                    text,
                    date.span().start,
                    format!("invalid expiry date `{}`", date.get_ref()),
                    Some(format!("{}; {}", e.reason(), e.help())),
                ));
            }
        }
    }
    for (name, p) in &config.tags.patterns {
        let at = p.pattern.span().start;
        if name.is_empty() || p.key.is_empty() {
            return Err(ConfigError::invalid(
                path,
                text,
                at,
                "a tag pattern needs a name and a non-empty `key`".to_string(),
                Some("write `cost_center = { key = \"cost-center\", pattern = \"^CC-[0-9]{4}$\" }` under [tags.patterns]".to_string()),
            ));
        }
        if let Err(e) = crate::policy::TagPattern::new(name, &p.key, p.pattern.get_ref()) {
            return Err(ConfigError::invalid(
                path,
                text,
                at,
                format!("invalid tag pattern `{name}`: {}", one_line(&e.to_string())),
                Some(format!(
                    "write a Rust regex (https://docs.rs/regex/#syntax), e.g. `^CC-[0-9]{{4}}$`; a pattern may compile to at most {} KiB",
                    crate::policy::PATTERN_SIZE_LIMIT / 1024
                )),
            ));
        }
    }
    let limits = config
        .environments
        .values()
        .filter_map(|e| e.max_accelerators)
        .chain(config.accelerators.max_per_resource);
    for limit in limits {
        if limit < 0 {
            return Err(ConfigError::invalid(
                path,
                text,
                locate(&limit.to_string()),
                "accelerator limits must not be negative".to_string(),
                None,
            ));
        }
    }
    pricing::validate_ranges(config).map_err(|(key, message, help)| {
        ConfigError::invalid(path, text, locate(key), message, Some(help))
    })
}

/// The regex crate's multi-line error (pattern, caret, message) as one line.
fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.chars().all(|c| c == '^' || c == '~'))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Reads the configuration: `explicit` if given, else the nearest `aicost-policy.toml`
/// from `start` upward, stopping at `repo_root`; the defaults when there is none.
pub fn load(
    explicit: Option<&Path>,
    start: &Path,
    repo_root: &Path,
) -> Result<LoadedConfig, Box<ConfigError>> {
    let path = match explicit {
        Some(p) => Some(p.to_path_buf()),
        None => find(start, repo_root),
    };
    let Some(path) = path else {
        return Ok(LoadedConfig::default());
    };
    let text = read(&path)?;
    let config = parse(&text, &path)?;
    Ok(LoadedConfig {
        config,
        path: Some(path),
        text,
    })
}

/// The configuration's text: a regular file (a FIFO would block the run), no larger than
/// the default `max_file_size` (it cannot be raised by the file it limits), UTF-8.
fn read(path: &Path) -> Result<String, Box<ConfigError>> {
    let limit = crate::load::source::DEFAULT_MAX_FILE_SIZE;
    let file = crate::load::source::open_regular(path).map_err(|e| ConfigError::io(path, &e))?;
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| ConfigError::io(path, &e))?;
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > limit {
        return Err(ConfigError::too_large(path, limit));
    }
    String::from_utf8(bytes).map_err(|_| ConfigError::io(path, &"it is not UTF-8 text"))
}

fn find(start: &Path, repo_root: &Path) -> Option<PathBuf> {
    candidates(start, repo_root)
        .into_iter()
        .find(|c| c.is_file())
}

/// Where the configuration is looked for, nearest first: `aicost-policy.toml` in `start`
/// (or its directory) and in each directory above it, up to `repo_root`.
pub fn candidates(start: &Path, repo_root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dir = if start.is_file() {
        start.parent()
    } else {
        Some(start)
    };
    while let Some(d) = dir {
        out.push(d.join(FILE_NAME));
        if d == repo_root {
            break;
        }
        dir = d.parent();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_starter_file_parses_to_the_defaults_it_documents() {
        let config = parse(STARTER, Path::new("aicost-policy.toml")).unwrap();
        assert_eq!(config, Config::default());
    }

    #[test]
    fn waiver_rules_written_under_waivers_point_to_waiver_rules() {
        let text = "required_tags = []\n\n[waivers]\nallow_inline = false\n";
        let err = parse(text, Path::new("aicost-policy.toml")).unwrap_err();
        assert_eq!(
            err.message(),
            "`[waivers]` is a table here, but waivers are an array of `[[waivers]]` entries"
        );
        assert_eq!(
            err.help(),
            Some(
                "put `allow_inline`, `require_expiry`, `max_days` and `require_owner` under \
                 `[waiver_rules]`; write each waiver as a `[[waivers]]` entry"
            )
        );
        assert_eq!(err.line(), 3);
    }

    #[test]
    fn waiver_rules_and_owners_are_read() {
        let text = "[waiver_rules]\nallow_inline = false\nrequire_expiry = true\nmax_days = 90\nrequire_owner = true\n\n[[waivers]]\npolicy = \"AIC-TAG-001\"\nresource = \"*\"\nreason = \"x\"\nowner = \"alice\"\n";
        let config = parse(text, Path::new("aicost-policy.toml")).unwrap();
        assert_eq!(
            config.waiver_rules,
            WaiverRulesConfig {
                allow_inline: false,
                require_expiry: true,
                max_days: Some(90),
                require_owner: true,
            }
        );
        assert_eq!(config.waivers[0].owner.as_deref(), Some("alice"));
    }

    #[test]
    fn an_empty_file_gives_the_defaults() {
        assert_eq!(parse("", Path::new("x.toml")).unwrap(), Config::default());
    }

    #[test]
    fn unknown_keys_are_errors_with_a_suggestion() {
        let err = parse(
            "requred_tags = [\"team\"]\n",
            Path::new("aicost-policy.toml"),
        )
        .unwrap_err();
        assert_eq!(err.message(), "unknown key `requred_tags`");
        assert_eq!(err.help(), Some("did you mean `required_tags`?"));
        assert_eq!(err.line(), 1);
    }

    #[test]
    fn nested_unknown_keys_are_found_too() {
        let text = "[environments.dev]\nallowed_families = [\"g5\"]\n";
        let err = parse(text, Path::new("aicost-policy.toml")).unwrap_err();
        assert_eq!(err.message(), "unknown key `allowed_families`");
        assert_eq!(
            err.help(),
            Some("did you mean `allowed_accelerator_families`?")
        );
        assert_eq!(err.line(), 2);
    }

    #[test]
    fn bad_dates_and_globs_are_errors() {
        let err = parse(
            "[[waivers]]\npolicy = \"AIC-TAG-001\"\nresource = \"*\"\nreason = \"x\"\nexpires = \"2027-13-01\"\n",
            Path::new("c.toml"),
        )
        .unwrap_err();
        assert_eq!(err.message(), "invalid expiry date `2027-13-01`");
        assert_eq!(err.line(), 5);
        let err = parse("exclude = [\"a/[\"]\n", Path::new("c.toml")).unwrap_err();
        assert!(
            err.message().starts_with("invalid glob pattern `a/[`"),
            "{}",
            err.message()
        );
    }
}
