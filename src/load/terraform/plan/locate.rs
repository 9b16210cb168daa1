//! Where a planned resource is written. Plan JSON has no file or line, so the resource's
//! block is looked up by its module-relative address in the `.tf` files of its module
//! directory: the plan's root, children through `module_calls` sources or, for remote
//! modules, `.terraform/modules/modules.json` when `terraform init` ran. Without the files,
//! the location is the resource's `"address"` in the plan JSON's `resource_changes`.

use std::cell::{OnceCell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value as Json;

use super::configuration::Configuration;
use crate::load::source::{open_regular, DEFAULT_MAX_FILE_SIZE};
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
    /// The `"address"` of every `resource_changes` entry, found in one pass when first
    /// needed.
    addresses: OnceCell<HashMap<String, Span>>,
    /// Per module directory: (type, name) → index in its `resources`, so a plan with many
    /// resources does not scan the blocks once per resource.
    blocks: RefCell<HashMap<PathBuf, BlockIndex>>,
}

/// (type, name) → index of the block in a module directory's `resources`.
type BlockIndex = HashMap<(String, String), usize>;

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
            addresses: OnceCell::new(),
            blocks: RefCell::new(HashMap::new()),
        }
    }

    /// The block of resource `rtype.name` in the module at `module_names`, else the
    /// resource's entry in the plan JSON.
    pub fn locate(&self, module_names: &[String], rtype: &str, name: &str, address: &str) -> Found {
        let block = self.module_config(module_names).and_then(|config| {
            self.block_index(&config, rtype, name)
                .and_then(|i| config.resources.get(i))
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
            let span = self
                .addresses
                .get_or_init(|| address_spans(&self.plan_file.text))
                .get(address)
                .copied()
                .unwrap_or((0, 0));
            Found {
                file: self.plan_file.clone(),
                span,
                location: self.plan_file.location(span),
                arguments: BTreeMap::new(),
            }
        })
    }

    /// The first resource block `rtype.name` of `config`.
    fn block_index(&self, config: &ModuleConfig, rtype: &str, name: &str) -> Option<usize> {
        let mut blocks = self.blocks.borrow_mut();
        let index = blocks.entry(config.dir.clone()).or_insert_with(|| {
            let mut index = HashMap::new();
            for (i, r) in config.resources.iter().enumerate() {
                index
                    .entry((r.resource_type.clone(), r.name.clone()))
                    .or_insert(i);
            }
            index
        });
        index.get(&(rtype.to_string(), name.to_string())).copied()
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
    // Like any input: a regular file, read up to the default size limit.
    let mut text = String::new();
    let read = open_regular(&path)
        .ok()
        .map(|f| f.take(DEFAULT_MAX_FILE_SIZE).read_to_string(&mut text));
    if !matches!(read, Some(Ok(_))) {
        return BTreeMap::new();
    }
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

/// The span of `"address": "<address>"` of every entry of the plan's top-level
/// `resource_changes`, by address (the first entry when an address repeats, as for a
/// deposed object), found in one pass over the text. Strings are decoded, so an address
/// Terraform wrote with escapes (`\u0026`) is found too; an `"address"` elsewhere (an
/// attribute in a resource's values) is not taken.
pub fn address_spans(text: &str) -> HashMap<String, Span> {
    let mut found = HashMap::new();
    let mut stack: Vec<Frame> = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => {
                let end = string_end(bytes, i);
                let literal = text.get(i..end).unwrap_or("");
                if let Some(frame) = stack.last_mut() {
                    if frame.object && frame.expect_key {
                        frame.key = Some((i, literal));
                    } else if frame.role == Role::Change {
                        if let (Some((key_start, "\"address\"")), Ok(address)) =
                            (frame.key, serde_json::from_str::<String>(literal))
                        {
                            found.entry(address).or_insert((key_start, end));
                        }
                    }
                }
                i = end;
                continue;
            }
            b'{' | b'[' => {
                let object = b == b'{';
                let role = match stack.last() {
                    None => Role::Root,
                    Some(parent) => match (parent.role, object) {
                        (Role::Root, false)
                            if parent.key.map(|k| k.1) == Some("\"resource_changes\"") =>
                        {
                            Role::Changes
                        }
                        (Role::Changes, true) => Role::Change,
                        _ => Role::Other,
                    },
                };
                stack.push(Frame {
                    object,
                    role,
                    expect_key: object,
                    key: None,
                });
            }
            b'}' | b']' => {
                stack.pop();
            }
            b':' => {
                if let Some(frame) = stack.last_mut() {
                    frame.expect_key = false;
                }
            }
            b',' => {
                if let Some(frame) = stack.last_mut() {
                    frame.expect_key = frame.object;
                }
            }
            _ => {}
        }
        i += 1;
    }
    found
}

/// The offset just after the string literal whose opening quote is at `start`.
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The part an open JSON container plays in a plan.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Root,
    /// The top-level `resource_changes` array.
    Changes,
    /// One entry of it.
    Change,
    Other,
}

/// An open JSON container during [`address_spans`].
struct Frame<'t> {
    object: bool,
    role: Role,
    /// In an object: whether the next string is a key.
    expect_key: bool,
    /// In an object: the offset and literal (with quotes) of the last key.
    key: Option<(usize, &'t str)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_is_found_in_resource_changes_only() {
        // An "address" in planned_values or in a resource's own values (a
        // google_compute_address) is not the entry's; Terraform escapes `&` as \u0026.
        let text = r#"{
  "planned_values": {"address": "aws_instance.a[0]"},
  "resource_changes": [
    {
      "address": "module.m[\"k\"].aws_instance.a",
      "change": {"after": {"address": "aws_instance.b", "tags": {"x": "\"address\": \"}"}}},
      "module_address": "module.m[\"k\"]"
    },
    {
      "address": "aws_instance.a[0]"
    },
    {"address": "aws_instance.c[\"a\u0026b\"]", "deposed": "00000001"},
    {"address": "aws_instance.c[\"a\u0026b\"]"}
  ]
}"#;
        let file = SourceFile::new("plan.json".into(), text.into());
        let spans = address_spans(text);
        let span = spans["aws_instance.a[0]"];
        assert_eq!(
            text.get(span.0..span.1),
            Some(r#""address": "aws_instance.a[0]""#)
        );
        assert_eq!(file.location(span).line, 10);
        let span = spans[r#"module.m["k"].aws_instance.a"#];
        assert_eq!(file.location(span).line, 5);
        // The first of the two entries of one address.
        let span = spans[r#"aws_instance.c["a&b"]"#];
        assert_eq!(
            (file.location(span).line, file.location(span).column),
            (12, 6)
        );
        assert_eq!(spans.get("aws_instance.b"), None);
        assert_eq!(spans.len(), 3);
    }

    #[test]
    fn every_address_of_a_large_plan_is_found_at_its_line() {
        let mut text = String::from("{\"format_version\":\"1.2\",\"resource_changes\":[\n");
        for i in 0..20_000 {
            if i > 0 {
                text.push_str(",\n");
            }
            text.push_str(&format!(
                "{{\"address\":\"aws_instance.n[{i}]\",\"change\":{{\"after\":{{\"address\":\"x{i}\"}}}}}}"
            ));
        }
        text.push_str("\n]}\n");
        let file = SourceFile::new("plan.json".into(), text.as_str().into());
        let spans = address_spans(&text);
        assert_eq!(spans.len(), 20_000);
        for i in [0, 1, 9_999, 19_999] {
            let location = file.location(spans[&format!("aws_instance.n[{i}]")]);
            assert_eq!((location.line, location.column), (i + 2, 2));
        }
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
