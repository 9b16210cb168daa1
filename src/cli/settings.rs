//! Turning the configuration (and the usage file) into the settings the policy and price
//! stages take.

use std::path::{Path, PathBuf};

use crate::config::{Config, LoadedConfig};
use crate::load::source::{read_source, PathNamer};
use crate::model::{Date, Inventory, LineIndex, Location, Usd};
use crate::policy::{
    ApprovalRules, EnvironmentSettings, Guardrails, Settings, TagPattern, Waiver, WaiverRules,
};
use crate::price::{overlay, usage, Discount, PriceOverride, PricingSettings, Usage};

/// Policy directories from the configuration (relative to its file) and the command line.
pub fn policy_dirs(loaded: &LoadedConfig, extra: &[PathBuf]) -> Vec<PathBuf> {
    let base = loaded.base_dir().map(Path::to_path_buf).unwrap_or_default();
    loaded
        .config
        .policy_dirs
        .iter()
        .map(|d| base.join(d))
        .chain(extra.iter().cloned())
        .collect()
}

/// The policy settings the configuration describes.
pub fn policy_settings(loaded: &LoadedConfig, namer: &PathNamer, today: Date) -> Settings {
    let config: &Config = &loaded.config;
    let waiver_locations = config_entry_locations(loaded, namer, "[[waivers]]");
    Settings {
        required_tags: config.required_tags.clone(),
        production_environments: config.environment.production.clone(),
        environments: config
            .environments
            .iter()
            .map(|(name, env)| {
                (
                    name.clone(),
                    EnvironmentSettings {
                        allowed_accelerator_families: env.allowed_accelerator_families.clone(),
                        max_accelerators: env.max_accelerators,
                    },
                )
            })
            .collect(),
        allowed_accelerator_families: None,
        max_accelerators: config.accelerators.max_per_resource,
        max_resource_ceiling: config.costs.max_resource_ceiling.map(Usd),
        max_replicas: config.kubernetes.max_replicas,
        waivers: config
            .waivers
            .iter()
            .enumerate()
            .map(|(i, w)| Waiver {
                policy_id: w.policy.clone(),
                address: w.resource.clone(),
                root: w.root.clone(),
                reason: w.reason.clone(),
                // Validated when the file was read (config::parse).
                expires: w
                    .expires
                    .as_ref()
                    .and_then(|d| Date::parse(d.get_ref()).ok()),
                location: waiver_locations.get(i).cloned(),
                owner: w.owner.clone(),
            })
            .collect(),
        waiver_rules: WaiverRules {
            allow_inline: config.waiver_rules.allow_inline,
            require_expiry: config.waiver_rules.require_expiry,
            max_days: config.waiver_rules.max_days,
            require_owner: config.waiver_rules.require_owner,
            config_file: config_name(loaded, namer).to_string(),
        },
        today: Some(today),
        case_insensitive_tag_keys: config.tags.case_insensitive_keys,
        // Compiled once per run; each was compiled when the file was read (config::parse).
        tag_patterns: config
            .tags
            .patterns
            .iter()
            .filter_map(|(name, p)| TagPattern::new(name, &p.key, p.pattern.get_ref()).ok())
            .collect(),
        guardrails: Guardrails {
            max_monthly_increase: config.guardrails.max_monthly_increase.map(Usd),
            max_increase_percent: config.guardrails.max_increase_percent,
            max_accelerators_added: config.guardrails.max_accelerators_added,
            new_endpoint_environments: config.guardrails.new_endpoint_environments.clone(),
        },
        approvals: ApprovalRules {
            owners: config.approvals.owners.clone(),
            required: config.approvals.required,
            // Logins and teams are compared in lower case, as GitHub compares them.
            groups: config
                .approvals
                .groups
                .iter()
                .map(|(name, members)| {
                    let members = members.iter().map(|m| m.to_lowercase()).collect();
                    (name.clone(), members)
                })
                .collect(),
        },
    }
}

/// The configuration file as reports name it.
fn config_name(loaded: &LoadedConfig, namer: &PathNamer) -> std::sync::Arc<str> {
    loaded
        .path
        .as_ref()
        .map(|p| namer.name(&p.canonicalize().unwrap_or_else(|_| p.clone())))
        .unwrap_or_else(|| "aicost-policy.toml".into())
}

/// Where each `[[waivers]]` or `[[budget]]` entry of the configuration is written, in
/// order, for findings and messages that point at it.
pub fn config_entry_locations(
    loaded: &LoadedConfig,
    namer: &PathNamer,
    header: &str,
) -> Vec<Location> {
    let name = config_name(loaded, namer);
    let lines = LineIndex::new(&loaded.text);
    loaded
        .text
        .match_indices(header)
        .map(|(offset, _)| {
            lines.location(name.clone(), &loaded.text, offset, offset + header.len())
        })
        .collect()
}

/// Where a run scans from: the first scanned path, absolute, and the repository root.
pub type ScanStart<'a> = (&'a Path, &'a Path);

/// Price settings from `[pricing]`, and the usage file ([`usage_file_path`]; `usage` is
/// `--usage-file` and where the scan starts). A usage file that cannot be read is an input
/// error; pricing goes on without it. The same for the installed price overlay
/// (`.aicost-policy/prices.csv` at the repository root).
pub fn pricing_settings(
    loaded: &LoadedConfig,
    (usage_file, scan): (Option<&Path>, ScanStart<'_>),
    namer: &PathNamer,
    today: Date,
    inventory: &mut Inventory,
) -> PricingSettings {
    let pricing = &loaded.config.pricing;
    let usage = match usage_file_path(loaded, usage_file, scan) {
        None => Usage::default(),
        Some(path) => {
            let abs = path.canonicalize().unwrap_or_else(|_| path.clone());
            let name = namer.name(&abs);
            match read_source(&abs, name.clone(), loaded.config.max_file_size) {
                Ok(file) => {
                    inventory
                        .sources
                        .insert(file.path.clone(), file.text.clone());
                    match Usage::parse(&file.text, &name) {
                        Ok(u) => u,
                        Err(e) => {
                            inventory.errors.push(e);
                            Usage::default()
                        }
                    }
                }
                Err(mut e) => {
                    e.location = Location::file_start(name);
                    inventory.errors.push(e);
                    Usage::default()
                }
            }
        }
    };
    PricingSettings {
        overrides: pricing
            .overrides
            .iter()
            .map(|o| PriceOverride {
                provider: o.provider.clone(),
                item: o.item.clone(),
                region: o.region.clone(),
                usd_per_hour: o.usd_per_hour,
            })
            .collect(),
        discounts: pricing
            .discounts
            .iter()
            .map(|d| Discount {
                provider: d.provider.clone(),
                percent: d.percent,
                name: d.name.clone(),
            })
            .collect(),
        spot_factors: pricing.spot_factors.clone(),
        region_fallback: pricing.region_fallback,
        overlay: installed_overlay(namer, loaded.config.max_file_size, inventory),
        usage,
        default_gpu: loaded.config.kubernetes.default_gpu.clone(),
        today: Some(today),
        sustained_use_discounts: pricing.sustained_use_discounts,
    }
}

/// The usage file: `--usage-file`, else `usage_file` in the configuration, else
/// `aicost-usage.yml` next to the configuration when it exists, else the nearest
/// `aicost-usage.yml` from the first scanned path up to the repository root (as the
/// configuration is found), so one beside the scanned root needs no configuration.
pub fn usage_file_path(
    loaded: &LoadedConfig,
    usage_file: Option<&Path>,
    (start, root): ScanStart<'_>,
) -> Option<PathBuf> {
    let base = loaded.base_dir().map(Path::to_path_buf);
    match (usage_file, &loaded.config.pricing.usage_file) {
        (Some(p), _) => Some(p.to_path_buf()),
        (None, Some(p)) => Some(base.unwrap_or_default().join(p)),
        (None, None) => base
            .map(|b| b.join(usage::FILE_NAME))
            .filter(|p| p.is_file())
            .or_else(|| nearest_usage_file(start, root)),
    }
}

/// The nearest `aicost-usage.yml` from `start` (a directory, or a file's directory) up to
/// `root`.
fn nearest_usage_file(start: &Path, root: &Path) -> Option<PathBuf> {
    let mut dir = if start.is_file() {
        start.parent()
    } else {
        Some(start)
    };
    while let Some(d) = dir {
        let candidate = d.join(usage::FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if d == root {
            break;
        }
        dir = d.parent();
    }
    None
}

/// The prices of the installed overlay, when `.aicost-policy/prices.csv` exists at the
/// repository root. One that cannot be read or is invalid is an input error (file and line)
/// and prices come from the configuration and the catalog without it. Never the network.
fn installed_overlay(
    namer: &PathNamer,
    max_size: u64,
    inventory: &mut Inventory,
) -> Vec<PriceOverride> {
    let path = overlay::installed_path(namer.root());
    if !path.is_file() {
        return Vec::new();
    }
    let name = namer.name(&path);
    let file = match read_source(&path, name.clone(), max_size) {
        Ok(file) => file,
        Err(mut e) => {
            e.location = Location::file_start(name);
            e.message = format!("the price overlay is not used: {}", e.message);
            inventory.errors.push(e);
            return Vec::new();
        }
    };
    inventory
        .sources
        .insert(file.path.clone(), file.text.clone());
    match overlay::parse(&file.text, &name) {
        Ok(o) => o.prices(),
        Err(errors) => {
            inventory.errors.extend(errors.into_iter().map(|mut e| {
                e.message = format!("the price overlay is not used: {}", e.message);
                e
            }));
            Vec::new()
        }
    }
}

/// What `--verbose` says on standard error about where the run's settings came from: the
/// configuration file, the policies (`None` for `cost`, which evaluates none), the usage
/// file and the catalog's date, so a surprising result can be traced to its source.
pub fn sources_used(
    loaded: &LoadedConfig,
    policies: Option<(bool, &[PathBuf])>,
    usage_file: Option<&Path>,
    scan: ScanStart<'_>,
) -> String {
    // Relative to the working directory when under it, as the user gave the paths.
    let cwd = std::env::current_dir().unwrap_or_default();
    let shown = |p: &Path| {
        let p = p.strip_prefix(&cwd).unwrap_or(p);
        crate::report::escape::controls(&p.display().to_string()).into_owned()
    };
    let mut out = match &loaded.path {
        Some(p) => format!("note: configuration: {}\n", shown(p)),
        None => "note: configuration: none found, using the defaults\n".to_string(),
    };
    if let Some((builtin, dirs)) = policies {
        let mut parts: Vec<String> = Vec::new();
        if builtin {
            parts.push("the built-in pack".to_string());
        }
        parts.extend(dirs.iter().map(|d| shown(d)));
        if parts.is_empty() {
            parts.push("none".to_string());
        }
        out.push_str(&format!("note: policies: {}\n", parts.join(", ")));
    }
    match usage_file_path(loaded, usage_file, scan) {
        Some(p) => out.push_str(&format!("note: usage file: {}\n", shown(&p))),
        None => out.push_str("note: usage file: none\n"),
    }
    out.push_str(&format!(
        "note: catalog: built in, prices as of {}\n",
        crate::report::diff::catalog_as_of()
    ));
    out
}
