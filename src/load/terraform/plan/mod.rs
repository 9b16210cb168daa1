//! Terraform plan JSON (`terraform show -json plan.out`, Terraform 1.x and OpenTofu): one
//! side of the plan (the planned `after` values, or the prior `before` values) read into
//! the same [`EvaluatedResource`] records static evaluation builds, so facts, prices and
//! policies are shared. Values Terraform knows only after apply are unknown, as they are
//! statically; sensitive values are unknown too, so they are never printed.
//!
//! `values.rs` converts values with their masks, `configuration.rs` reads providers and
//! expressions, `locate.rs` finds each resource's block in the `.tf` files.

mod configuration;
mod locate;
mod values;

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use serde_json::Value as Json;

use self::configuration::{expression_at, module_names, resource_reference, Configuration};
use self::locate::Locator;
use super::address::join;
use super::config::{ModuleConfig, SourceFile};
use super::instance::{EvaluatedResource, ModuleSource};
use crate::load::source::{open_regular, read_source, PathNamer};
use crate::model::{line_start_offset, to_u32, InputError, Location, Unknown};

/// The first bytes of a zip archive: `terraform plan -out` writes one.
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";

/// Which state of each resource to read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum PlanSide {
    /// The state before the plan (`change.before`): resources that exist now.
    Before,
    /// The planned state (`change.after`): resources that exist after apply.
    #[default]
    After,
}

/// What a file given on the command line is, judged by its content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sniffed {
    /// Plan JSON.
    Plan,
    /// A binary plan file (`terraform plan -out`).
    Binary,
    Other,
}

/// The top-level keys that make a JSON document a plan.
#[derive(Deserialize)]
struct Probe {
    format_version: Option<serde::de::IgnoredAny>,
    resource_changes: Option<serde::de::IgnoredAny>,
    planned_values: Option<serde::de::IgnoredAny>,
}

/// Whether `path` is a binary plan (any name) or plan JSON (a `.json` file, not
/// `.tf.json`, whose top-level object has `format_version` and `resource_changes` or
/// `planned_values`).
pub fn sniff(path: &Path) -> Sniffed {
    if is_binary_plan(path) {
        return Sniffed::Binary;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    if !name.ends_with(".json") || name.ends_with(".tf.json") {
        return Sniffed::Other;
    }
    let Ok(file) = open_regular(path) else {
        return Sniffed::Other;
    };
    match serde_json::from_reader::<_, Probe>(std::io::BufReader::new(file)) {
        Ok(p)
            if p.format_version.is_some()
                && (p.resource_changes.is_some() || p.planned_values.is_some()) =>
        {
            Sniffed::Plan
        }
        _ => Sniffed::Other,
    }
}

/// Whether `path` starts like a zip archive, as `terraform plan -out` writes it. Reads
/// four bytes only.
pub fn is_binary_plan(path: &Path) -> bool {
    let Ok(mut file) = open_regular(path) else {
        return false;
    };
    let mut magic = [0u8; 4];
    file.read_exact(&mut magic).is_ok() && magic == ZIP_MAGIC
}

/// The message for a binary plan: what it is and the command that makes plan JSON.
pub fn binary_plan_message(shown: &str) -> (String, String) {
    (
        format!("{shown} is a binary Terraform plan"),
        format!("run `terraform show -json {shown} > plan.json` and pass plan.json"),
    )
}

/// One plan JSON file, parsed and checked.
#[derive(Debug)]
pub struct Plan {
    pub file: Arc<SourceFile>,
    /// The canonical directory the plan file is in.
    pub dir: PathBuf,
    json: Json,
}

/// Reads and checks a plan JSON file. Errors point at the file (and at the line and column
/// of a JSON syntax error).
pub fn read(path: &Path, namer: &PathNamer, max_size: u64) -> Result<Plan, InputError> {
    let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let name = namer.name(&canonical);
    if is_binary_plan(&canonical) {
        let (message, help) = binary_plan_message(&path.display().to_string());
        return Err(InputError::new(Location::file_start(name), message).with_help(help));
    }
    let file = read_source(&canonical, name.clone(), max_size)?;
    let json: Json = serde_json::from_str(&file.text).map_err(|e| {
        let offset = line_start_offset(&file.text, to_u32(e.line()))
            .saturating_add(e.column().saturating_sub(1));
        let mut location = file.location((offset, offset));
        location.line = to_u32(e.line());
        location.end_line = location.line;
        InputError::new(location, format!("the plan is not valid JSON: {e}"))
            .with_help("give the output of `terraform show -json PLANFILE` unchanged")
    })?;
    let version = json.get("format_version").and_then(Json::as_str);
    match version.map(|v| v.split('.').next().unwrap_or(v)) {
        Some("1") => {}
        Some(_) => {
            return Err(InputError::new(
                Location::file_start(name),
                format!(
                "the plan has format_version {}; this version of aicost-policy reads format 1.x",
                version.unwrap_or_default()
            ),
            )
            .with_help(
                "write the plan JSON with Terraform 1.x or OpenTofu, or update aicost-policy",
            ))
        }
        None => {
            return Err(InputError::new(
                Location::file_start(name),
                "the file has no format_version: it is not Terraform plan JSON",
            )
            .with_help("give the output of `terraform show -json PLANFILE`"))
        }
    }
    let dir = canonical
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    Ok(Plan { file, dir, json })
}

/// What a module directory declares, in the form of [`Plan::root_names`].
pub fn declared_names(config: &ModuleConfig) -> BTreeSet<String> {
    config
        .resources
        .iter()
        .map(|r| format!("{}.{}", r.resource_type, r.name))
        .chain(
            config
                .module_calls
                .iter()
                .map(|c| format!("module.{}", c.name)),
        )
        .collect()
}

impl Plan {
    /// What the plan's root module declares: `type.name` of managed resources and
    /// `module.name` of module calls.
    pub fn root_names(&self) -> BTreeSet<String> {
        Configuration::new(&self.json).root_names()
    }

    /// The resources on one side of the plan. `root` names the root they belong to;
    /// `config` is the root module's `.tf` files when they are present (for locations).
    pub fn resources(
        &self,
        side: PlanSide,
        root: &Arc<str>,
        config: Option<Arc<ModuleConfig>>,
        modules: &dyn ModuleSource,
    ) -> Vec<EvaluatedResource> {
        let configuration = Configuration::new(&self.json);
        let locator = Locator::new(self.file.clone(), config, modules, &configuration);
        let changes: Vec<&Json> = self
            .json
            .get("resource_changes")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .collect();
        let changed: BTreeSet<&str> = changes
            .iter()
            .filter_map(|c| c.get("address").and_then(Json::as_str))
            .collect();
        let mut out: Vec<EvaluatedResource> = changes
            .iter()
            .filter_map(|change| Entry::of_change(change, side))
            .filter_map(|entry| self.resource(&entry, root, &configuration, &locator))
            .collect();
        // What the plan does not change (a refresh-only or -target plan) is only in
        // prior_state, and is the same before and after.
        let mut modules = vec![self
            .json
            .pointer("/prior_state/values/root_module")
            .unwrap_or(&Json::Null)];
        while let Some(module) = modules.pop() {
            for state in module
                .get("resources")
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(entry) = Entry::of_state(state, module) {
                    if !changed.contains(entry.address) {
                        out.extend(self.resource(&entry, root, &configuration, &locator));
                    }
                }
            }
            modules.extend(
                module
                    .get("child_modules")
                    .and_then(Json::as_array)
                    .into_iter()
                    .flatten(),
            );
        }
        out
    }

    fn resource(
        &self,
        entry: &Entry<'_>,
        root: &Arc<str>,
        configuration: &Configuration<'_>,
        locator: &Locator<'_>,
    ) -> Option<EvaluatedResource> {
        let Entry {
            address,
            rtype,
            name,
            module_address,
            provider_name,
            object,
            unknown,
            sensitive,
        } = *entry;
        let local = format!("{rtype}.{name}");
        let names = module_names(module_address);
        let resource_config = configuration.resource(&names, &local);
        let expressions = resource_config
            .and_then(|r| r.get("expressions"))
            .unwrap_or(&NULL);
        let reasons = Reasons {
            address,
            module_address,
            expressions,
        };
        let attributes = values::attributes(object, unknown, sensitive, &reasons);
        let mut provider = configuration.provider(
            resource_config
                .and_then(|r| r.get("provider_config_key"))
                .and_then(Json::as_str),
            provider_name.unwrap_or(rtype),
        );
        // The AWS provider writes the merged tags in `tags_all`: the resource's tags over
        // default_tags. Used as the defaults, the merge facts do gives exactly tags_all.
        if provider.name == "aws" {
            if let Some(all) = attributes.get("tags_all").filter(|v| !v.is_null()) {
                provider.default_tags = Some(all.clone());
            }
        }
        let found = locator.locate(&names, rtype, name, address);
        Some(EvaluatedResource {
            root: root.clone(),
            address: address.to_string(),
            base_address: join(module_address, &local),
            resource_type: rtype.to_string(),
            location: found.location,
            argument_locations: found.arguments,
            attributes,
            provider: Arc::new(provider),
            instances_unknown: None,
            file: found.file,
            block_span: found.span,
        })
    }
}

/// One resource object of the plan: a side of a `resource_changes` entry, or a resource
/// of `prior_state`.
#[derive(Clone, Copy)]
struct Entry<'a> {
    address: &'a str,
    rtype: &'a str,
    name: &'a str,
    module_address: &'a str,
    provider_name: Option<&'a str>,
    object: &'a Json,
    unknown: &'a Json,
    sensitive: &'a Json,
}

static NULL: Json = Json::Null;

impl<'a> Entry<'a> {
    /// One side of a change; `None` for data sources, deposed objects, and a side on
    /// which the resource does not exist.
    fn of_change(change: &'a Json, side: PlanSide) -> Option<Entry<'a>> {
        let text = |key: &str| change.get(key).and_then(Json::as_str);
        // Data sources are read, not managed; a deposed object is on its way out.
        if text("mode") != Some("managed") || change.get("deposed").is_some() {
            return None;
        }
        let body = change.get("change")?;
        let (object, unknown, sensitive) = match side {
            PlanSide::After => (
                body.get("after")?,
                body.get("after_unknown").unwrap_or(&NULL),
                body.get("after_sensitive").unwrap_or(&NULL),
            ),
            PlanSide::Before => (
                body.get("before")?,
                &NULL,
                body.get("before_sensitive").unwrap_or(&NULL),
            ),
        };
        if object.is_null() {
            return None;
        }
        Some(Entry {
            address: text("address")?,
            rtype: text("type")?,
            name: text("name")?,
            module_address: text("module_address").unwrap_or(""),
            provider_name: text("provider_name"),
            object,
            unknown,
            sensitive,
        })
    }

    /// A managed resource of `prior_state` (`module` is the state module holding it).
    fn of_state(state: &'a Json, module: &'a Json) -> Option<Entry<'a>> {
        let text = |key: &str| state.get(key).and_then(Json::as_str);
        if text("mode") != Some("managed") || state.get("deposed_key").is_some() {
            return None;
        }
        Some(Entry {
            address: text("address")?,
            rtype: text("type")?,
            name: text("name")?,
            module_address: module.get("address").and_then(Json::as_str).unwrap_or(""),
            provider_name: text("provider_name"),
            object: state.get("values").filter(|v| !v.is_null())?,
            unknown: &NULL,
            sensitive: state.get("sensitive_values").unwrap_or(&NULL),
        })
    }
}

/// Reasons for one resource's unknown values, naming the resource an attribute's
/// expression refers to so facts can follow it (a node group's launch template).
struct Reasons<'a> {
    address: &'a str,
    module_address: &'a str,
    expressions: &'a Json,
}

impl values::Reasons for Reasons<'_> {
    fn after_apply(&self, path: &str) -> Unknown {
        let reason = format!("{}.{path} is known only after apply", self.address);
        match expression_at(self.expressions, path).and_then(resource_reference) {
            Some(target) => Unknown::referring_to(reason, join(self.module_address, &target)),
            None => Unknown::new(reason),
        }
    }

    fn sensitive(&self, path: &str) -> Unknown {
        Unknown::new(format!(
            "{}.{path} is sensitive and is not shown",
            self.address
        ))
    }
}

/// The plan files of one run and the side to read.
#[derive(Clone, Debug, Default)]
pub struct Request {
    pub files: Vec<PathBuf>,
    pub side: PlanSide,
}

#[cfg(test)]
mod tests;
