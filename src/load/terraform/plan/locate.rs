//! Where a planned resource is written. Plan JSON has no file or line, so the resource's
//! block is looked up by its module-relative address in the `.tf` files of its module
//! directory: the plan's root, children through `module_calls` sources or, for remote
//! modules, `.terraform/modules/modules.json` when `terraform init` ran. Without the files,
//! the location is the resource's `"address"` in the plan JSON's `resource_changes`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value as Json;

use super::configuration::Configuration;
use crate::load::terraform::ast::Body;
use crate::load::terraform::config::{
    is_local_source, ModuleConfig, SourceFile, META_ARGUMENTS, META_BLOCKS,
};
use crate::load::terraform::instance::ModuleSource;
use crate::model::{Location, Span};

/// A resource's place: the file, the block's span, and where each argument is written,
/// keyed as static evaluation keys them (`attr`, `block`, `block.attr`).
pub struct Found {
    pub file: Arc<SourceFile>,
    pub span: Span,
    pub location: Location,
    pub arguments: BTreeMap<String, Location>,
}

/// Finds resource blocks for one plan.
pub struct Locator<'a> {
    plan_file: Arc<SourceFile>,
    /// The root module's `.tf` files, when the plan's directory is known.
    root: Option<Arc<ModuleConfig>>,
    modules: &'a dyn ModuleSource,
    configuration: &'a Configuration<'a>,
    /// `modules.json`: module key (`a.b`) → installed directory.
    installed: BTreeMap<String, PathBuf>,
}

impl<'a> Locator<'a> {
    pub fn new(
        plan_file: Arc<SourceFile>,
        root: Option<Arc<ModuleConfig>>,
        modules: &'a dyn ModuleSource,
        configuration: &'a Configuration<'a>,
    ) -> Locator<'a> {
        let installed = root
            .as_ref()
            .map(|r| installed_modules(&r.dir))
            .unwrap_or_default();
        Locator {
            plan_file,
            root,
            modules,
            configuration,
            installed,
        }
    }

    /// The block of resource `rtype.name` in the module at `module_names`, else the
    /// resource's entry in the plan JSON.
    pub fn locate(&self, module_names: &[String], rtype: &str, name: &str, address: &str) -> Found {
        let block = self.module_config(module_names).and_then(|config| {
            config
                .resources
                .iter()
                .find(|r| r.resource_type == rtype && r.name == name)
                .map(|r| {
                    let mut arguments = BTreeMap::new();
                    argument_locations(&r.file, &r.block.body, "", true, &mut arguments);
                    Found {
                        file: r.file.clone(),
                        span: r.block.span,
                        location: r.file.location(r.block.span),
                        arguments,
                    }
                })
        });
        block.unwrap_or_else(|| {
            let span = address_span(&self.plan_file.text, address);
            Found {
                file: self.plan_file.clone(),
                span,
                location: self.plan_file.location(span),
                arguments: BTreeMap::new(),
            }
        })
    }

    fn module_config(&self, names: &[String]) -> Option<Arc<ModuleConfig>> {
        let mut config = self.root.clone()?;
        for (depth, name) in names.iter().enumerate() {
            let key = names.get(..=depth)?.join(".");
            let dir = match self.installed.get(&key) {
                Some(dir) => dir.clone(),
                None => {
                    let source = config
                        .module_calls
                        .iter()
                        .find(|c| &c.name == name)
                        .and_then(|c| c.source.clone())
                        .or_else(|| {
                            self.configuration
                                .call_source(names.get(..depth)?, name)
                                .map(str::to_string)
                        })?;
                    if !is_local_source(&source) {
                        return None;
                    }
                    config.dir.join(source)
                }
            };
            config = self.modules.module(&dir)?;
        }
        Some(config)
    }
}

/// Argument locations of a resource body, keyed as `eval_body` keys them.
fn argument_locations(
    file: &SourceFile,
    body: &Body,
    prefix: &str,
    top: bool,
    out: &mut BTreeMap<String, Location>,
) {
    for attr in &body.attributes {
        if top && META_ARGUMENTS.contains(&attr.name.as_str()) {
            continue;
        }
        out.entry(format!("{prefix}{}", attr.name))
            .or_insert_with(|| file.location(attr.span));
    }
    for block in &body.blocks {
        if top && META_BLOCKS.contains(&block.kind.as_str()) {
            continue;
        }
        let (kind, inner) = if block.kind == "dynamic" {
            let Some(kind) = block.labels.first() else {
                continue;
            };
            (
                kind.as_str(),
                block.body.blocks("content").next().map(|c| &c.body),
            )
        } else {
            (block.kind.as_str(), Some(&block.body))
        };
        let path = format!("{prefix}{kind}");
        out.entry(path.clone())
            .or_insert_with(|| file.location(block.header_span));
        if let Some(inner) = inner {
            argument_locations(file, inner, &format!("{path}."), false, out);
        }
    }
}

/// `.terraform/modules/modules.json` of a root: `{"Modules": [{"Key", "Dir"}]}`, with
/// `Dir` relative to the root.
fn installed_modules(root: &Path) -> BTreeMap<String, PathBuf> {
    let path = root.join(".terraform").join("modules").join("modules.json");
    let Ok(text) = std::fs::read_to_string(path) else {
        return BTreeMap::new();
    };
    let Ok(json) = serde_json::from_str::<Json>(&text) else {
        return BTreeMap::new();
    };
    json.get("Modules")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(|m| {
            let key = m.get("Key")?.as_str()?;
            let dir = m.get("Dir")?.as_str()?;
            (!key.is_empty()).then(|| (key.to_string(), root.join(dir)))
        })
        .collect()
}

/// The span of `"address": "<address>"` in the plan's `resource_changes` (the whole file
/// start when it cannot be found).
pub fn address_span(text: &str, address: &str) -> Span {
    let Ok(quoted) = serde_json::to_string(address) else {
        return (0, 0);
    };
    let start = text.find("\"resource_changes\"").unwrap_or(0);
    let mut from = start;
    while let Some(found) = text.get(from..).and_then(|t| t.find(&quoted)) {
        let at = from + found;
        let before = text.get(..at).unwrap_or("").trim_end();
        if let Some(key) = before
            .strip_suffix(':')
            .map(str::trim_end)
            .and_then(|b| b.strip_suffix("\"address\""))
        {
            return (key.len(), at + quoted.len());
        }
        from = at + quoted.len();
    }
    (0, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_is_found_in_resource_changes_only() {
        let text = r#"{
  "planned_values": {"address": "aws_instance.a[0]"},
  "resource_changes": [
    {
      "address": "module.m[\"k\"].aws_instance.a",
      "module_address": "module.m[\"k\"]"
    },
    {
      "address": "aws_instance.a[0]"
    }
  ]
}"#;
        let file = SourceFile::new("plan.json".into(), text.into());
        let span = address_span(text, "aws_instance.a[0]");
        assert_eq!(
            text.get(span.0..span.1),
            Some(r#""address": "aws_instance.a[0]""#)
        );
        assert_eq!(file.location(span).line, 9);
        let span = address_span(text, r#"module.m["k"].aws_instance.a"#);
        assert_eq!(file.location(span).line, 5);
        assert_eq!(address_span(text, "aws_instance.b"), (0, 0));
    }

    #[test]
    fn argument_locations_use_the_static_keys() {
        let src = "resource \"aws_eks_node_group\" \"gpu\" {\n  count = 2\n  instance_types = [\"p5.48xlarge\"]\n  scaling_config {\n    desired_size = 2\n  }\n  dynamic \"taint\" {\n    for_each = []\n    content {\n      key = \"k\"\n    }\n  }\n  lifecycle {\n    ignore_changes = []\n  }\n}\n";
        let file = Arc::new(SourceFile::new("main.tf".into(), src.into()));
        let config = ModuleConfig::parse(PathBuf::from("/x"), ".".into(), vec![file]);
        let block = &config.resources[0];
        let mut out = BTreeMap::new();
        argument_locations(&block.file, &block.block.body, "", true, &mut out);
        let lines: Vec<(&str, u32)> = out.iter().map(|(k, l)| (k.as_str(), l.line)).collect();
        assert_eq!(
            lines,
            vec![
                ("instance_types", 3),
                ("scaling_config", 4),
                ("scaling_config.desired_size", 5),
                ("taint", 7),
                ("taint.key", 10),
            ]
        );
    }
}
