//! Override files: `override.tf`, `*_override.tf` (and `.tf.json`, `.tofu`, `.tofu.json`). Terraform reads a
//! module's other files first, then merges each override file into them in name order
//! (developer.hashicorp.com/terraform/language/files/override):
//!
//! - a top-level block merges into the block of the same type and labels, which another
//!   file must declare; locals merge value by value, providers by name and alias;
//! - an argument replaces the argument of the same name;
//! - nested blocks of a type replace every nested block of that type (a `dynamic "x"`
//!   block counts as type `x`), except a resource's `lifecycle`, which merges argument by
//!   argument.
//!
//! A merged block holds syntax from two files. So that every location still names the right
//! file and line, each override file's spans are moved past the end of every file of the
//! module, and each file of the module carries the override files as overlays
//! ([`SourceFile::overlays`]) that take such spans back to their own file.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::ast::{Block, Body, Expr, ExprKind, ObjectKey, Operator, TemplatePart};
use super::config::{ModuleCall, ModuleConfig, ProviderBlock, ResourceBlock, SourceFile};
use crate::model::{InputError, Location};

/// Whether Terraform reads the file as an override file.
pub fn is_override_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = [".tf.json", ".tf", ".tofu.json", ".tofu"]
        .iter()
        .find_map(|ext| name.strip_suffix(ext));
    stem.is_some_and(|s| s == "override" || s.ends_with("_override"))
}

/// Moves each override file's spans past every file of the module and gives every file
/// (primary and override) the overlays that map them back.
pub fn overlay(
    all: &[Arc<SourceFile>],
    primary: &mut [(Arc<SourceFile>, Body)],
    overriding: &mut [(Arc<SourceFile>, Body)],
) {
    let longest = all.iter().map(|f| f.text.len()).max().unwrap_or(0);
    let mut offset = longest.saturating_add(1);
    let mut overlays = Vec::with_capacity(overriding.len());
    for (file, body) in overriding.iter_mut() {
        shift_body(body, offset);
        overlays.push((offset, file.clone()));
        offset = offset.saturating_add(file.text.len()).saturating_add(1);
    }
    for (file, _) in primary.iter_mut().chain(overriding.iter_mut()) {
        *file = Arc::new(
            SourceFile::new(file.path.clone(), file.text.clone()).with_overlays(overlays.clone()),
        );
    }
}

impl ModuleConfig {
    /// Merges one override file into the declarations read so far.
    pub(super) fn merge_file(&mut self, file: &Arc<SourceFile>, body: Body) {
        self.errors
            .extend(super::config::top_level_argument(file, &body));
        for block in body.blocks {
            self.merge_block(file, block);
        }
    }

    fn merge_block(&mut self, file: &Arc<SourceFile>, block: Block) {
        let location = file.location(block.header_span);
        match (block.kind.as_str(), block.labels.as_slice()) {
            ("variable", [name]) => match self.variables.get_mut(name) {
                Some(variable) => variable.set_arguments(&block.body),
                None => self.errors.push(missing("variable", name, location)),
            },
            ("locals", []) => {
                for attr in block.body.attributes {
                    match self.locals.get_mut(&attr.name) {
                        Some(local) => {
                            local.expr = attr.expr;
                            local.file = file.clone();
                            local.span = attr.span;
                        }
                        None => self.errors.push(missing(
                            "local value",
                            &attr.name,
                            file.location(attr.span),
                        )),
                    }
                }
            }
            ("output", [name]) => match self.outputs.get_mut(name) {
                Some(output) => {
                    if let Some(value) = block.body.attribute("value") {
                        output.expr = value.expr.clone();
                        output.file = file.clone();
                    }
                    if block.body.attribute("sensitive").is_some() {
                        output.sensitive = super::config::is_sensitive(&block);
                    }
                }
                None => self.errors.push(missing("output", name, location)),
            },
            ("resource", [rtype, name]) => {
                let found = self
                    .resources
                    .iter_mut()
                    .find(|r| r.resource_type == *rtype && r.name == *name);
                match found {
                    Some(resource) => {
                        let mut merged = resource.block.clone();
                        merge_body(&mut merged.body, block.body, true);
                        *resource = ResourceBlock::new(
                            rtype.clone(),
                            name.clone(),
                            merged,
                            resource.file.clone(),
                        );
                    }
                    None => {
                        self.errors
                            .push(missing("resource", &format!("{rtype}.{name}"), location));
                    }
                }
            }
            ("data", [rtype, name]) => {
                let address = format!("{rtype}.{name}");
                if !self.data.contains(&address) {
                    self.errors
                        .push(missing("data source", &format!("data.{address}"), location));
                }
            }
            ("module", [name]) => match self.module_calls.iter_mut().find(|m| m.name == *name) {
                Some(call) => {
                    let mut merged = call.block.clone();
                    merge_body(&mut merged.body, block.body, false);
                    *call = ModuleCall::new(name.clone(), merged, call.file.clone());
                }
                None => self.errors.push(missing("module call", name, location)),
            },
            ("provider", [name]) => {
                let alias = block
                    .body
                    .attribute("alias")
                    .and_then(|a| a.expr.as_literal_str().map(str::to_string));
                let found = self
                    .providers
                    .iter_mut()
                    .find(|p| p.name == *name && p.alias == alias);
                match found {
                    Some(provider) => {
                        let mut merged = provider.block.clone();
                        merge_body(&mut merged.body, block.body, false);
                        *provider = ProviderBlock::new(name.clone(), merged, provider.file.clone());
                    }
                    None => {
                        let shown = match &alias {
                            Some(a) => format!("{name}.{a}"),
                            None => name.clone(),
                        };
                        self.errors
                            .push(missing("provider configuration", &shown, location));
                    }
                }
            }
            ("terraform", _) => {
                self.backend |= block
                    .body
                    .blocks
                    .iter()
                    .any(|b| b.kind == "backend" || b.kind == "cloud");
            }
            // Terraform does not merge these.
            ("moved" | "import" | "check" | "removed", _) => {}
            (kind, labels) => self.errors.push(InputError::new(
                location,
                format!("unexpected `{kind}` block with {} label(s)", labels.len()),
            )),
        }
    }
}

fn missing(what: &str, name: &str, location: Location) -> InputError {
    InputError::new(
        location,
        format!("this override file changes {what} `{name}`, which no other file of the module declares"),
    )
    .with_help(format!(
        "an override file can only change what the module's other files declare: declare the {what} in one of them, or rename this file if it is not meant as an override (files named override.tf or *_override.tf are)"
    ))
}

/// The type a nested block stands for: a `dynamic "x"` block is an `x` block.
fn nested_type(block: &Block) -> &str {
    match (block.kind.as_str(), block.labels.first()) {
        ("dynamic", Some(label)) => label,
        (kind, _) => kind,
    }
}

/// Merges an override block's body into the original's: arguments replace arguments,
/// nested blocks replace every nested block of their type. In a resource (`resource`),
/// `lifecycle` merges argument by argument.
fn merge_body(base: &mut Body, mut over: Body, resource: bool) {
    for attr in over.attributes {
        base.attributes.retain(|a| a.name != attr.name);
        base.attributes.push(attr);
    }
    if resource {
        let lifecycle: Vec<Block> = over
            .blocks
            .iter()
            .filter(|b| b.kind == "lifecycle")
            .cloned()
            .collect();
        if let Some(existing) = base.blocks.iter_mut().find(|b| b.kind == "lifecycle") {
            for block in lifecycle {
                merge_body(&mut existing.body, block.body, false);
            }
            over.blocks.retain(|b| b.kind != "lifecycle");
        }
    }
    let replaced: BTreeSet<String> = over
        .blocks
        .iter()
        .map(|b| nested_type(b).to_string())
        .collect();
    base.blocks.retain(|b| !replaced.contains(nested_type(b)));
    base.blocks.extend(over.blocks);
}

fn shift_body(body: &mut Body, by: usize) {
    for attr in &mut body.attributes {
        attr.span = shift(attr.span, by);
        shift_expr(&mut attr.expr, by);
    }
    for block in &mut body.blocks {
        block.span = shift(block.span, by);
        block.header_span = shift(block.header_span, by);
        shift_body(&mut block.body, by);
    }
}

fn shift(span: (usize, usize), by: usize) -> (usize, usize) {
    (span.0.saturating_add(by), span.1.saturating_add(by))
}

fn shift_expr(expr: &mut Expr, by: usize) {
    expr.span = shift(expr.span, by);
    match &mut expr.kind {
        ExprKind::Null
        | ExprKind::Bool(_)
        | ExprKind::Number(_)
        | ExprKind::String(_)
        | ExprKind::Variable(_) => {}
        ExprKind::Template(parts) => shift_parts(parts, by),
        ExprKind::Array(items) => items.iter_mut().for_each(|e| shift_expr(e, by)),
        ExprKind::Object(items) => {
            for (key, value) in items {
                if let ObjectKey::Expr(k) = key {
                    shift_expr(k, by);
                }
                shift_expr(value, by);
            }
        }
        ExprKind::Traversal(base, ops) => {
            shift_expr(base, by);
            for op in ops {
                if let Operator::Index(e) = op {
                    shift_expr(e, by);
                }
            }
        }
        ExprKind::Call { args, .. } => args.iter_mut().for_each(|e| shift_expr(e, by)),
        ExprKind::Conditional(c, t, o) => {
            shift_expr(c, by);
            shift_expr(t, by);
            shift_expr(o, by);
        }
        ExprKind::Unary(_, e) => shift_expr(e, by),
        ExprKind::Binary(_, l, r) => {
            shift_expr(l, by);
            shift_expr(r, by);
        }
        ExprKind::For(f) => {
            shift_expr(&mut f.collection, by);
            if let Some(k) = &mut f.key {
                shift_expr(k, by);
            }
            shift_expr(&mut f.value, by);
            if let Some(c) = &mut f.cond {
                shift_expr(c, by);
            }
        }
    }
}

fn shift_parts(parts: &mut [TemplatePart], by: usize) {
    for part in parts {
        match part {
            TemplatePart::Literal(_) => {}
            TemplatePart::Interpolation(e) => shift_expr(e, by),
            TemplatePart::If {
                cond,
                then,
                otherwise,
            } => {
                shift_expr(cond, by);
                shift_parts(then, by);
                shift_parts(otherwise, by);
            }
            TemplatePart::For {
                collection, body, ..
            } => {
                shift_expr(collection, by);
                shift_parts(body, by);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn module(files: &[(&str, &str)]) -> ModuleConfig {
        let files = files
            .iter()
            .map(|(path, text)| Arc::new(SourceFile::new((*path).into(), (*text).into())))
            .collect();
        ModuleConfig::parse(PathBuf::from("/m"), ".".into(), files)
    }

    #[test]
    fn override_file_names() {
        for name in [
            "override.tf",
            "override.tf.json",
            "gpu_override.tf",
            "envs/prod/x_override.tf.json",
            "override.tofu",
            "gpu_override.tofu.json",
        ] {
            assert!(is_override_file(name), "{name}");
        }
        for name in [
            "overrides.tf",
            "override.tfvars",
            "my-override.tf",
            "main.tf",
        ] {
            assert!(!is_override_file(name), "{name}");
        }
    }

    #[test]
    fn arguments_and_nested_blocks_are_replaced_and_located_in_their_file() {
        let m = module(&[
            (
                "main.tf",
                r#"resource "aws_instance" "gpu" {
  instance_type = "g5.xlarge"
  ami           = "ami-1"
  ebs_block_device { volume_size = 100 }
  ebs_block_device { volume_size = 200 }
  dynamic "tag" {
    for_each = {}
    content {}
  }
}
"#,
            ),
            (
                "gpu_override.tf",
                "\n\nresource \"aws_instance\" \"gpu\" {\n  instance_type = \"p4d.24xlarge\"\n  ebs_block_device { volume_size = 500 }\n  tag {}\n}\n",
            ),
        ]);
        assert!(m.errors.is_empty(), "{:?}", m.errors);
        let body = &m.resources[0].block.body;
        let names: Vec<&str> = body.attributes.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, vec!["ami", "instance_type"]);
        let kinds: Vec<&str> = body.blocks.iter().map(|b| b.kind.as_str()).collect();
        assert_eq!(kinds, vec!["ebs_block_device", "tag"]);
        let file = &m.resources[0].file;
        let at = |span| {
            let l = file.location(span);
            (l.file.to_string(), l.line)
        };
        assert_eq!(
            at(body.attribute("instance_type").unwrap().span),
            ("gpu_override.tf".to_string(), 4)
        );
        assert_eq!(
            at(body.attribute("ami").unwrap().span),
            ("main.tf".to_string(), 3)
        );
        assert_eq!(
            at(m.resources[0].block.header_span),
            ("main.tf".to_string(), 1)
        );
    }

    #[test]
    fn locals_variables_outputs_and_calls_merge_by_name() {
        let m = module(&[
            (
                "a.tf",
                r#"locals {
  a = 1
  b = 2
}
variable "size" {
  type    = number
  default = 1
}
output "o" { value = local.a }
module "m" {
  source = "./m"
  count  = 1
}
"#,
            ),
            (
                "override.tf",
                r#"locals { b = 20 }
variable "size" {
  default   = 3
  sensitive = true
}
output "o" {
  value     = local.b
  sensitive = true
}
module "m" { count = 2 }
"#,
            ),
            ("z_override.tf", "locals { b = 30 }\n"),
        ]);
        assert!(m.errors.is_empty(), "{:?}", m.errors);
        assert_eq!(m.locals["a"].expr.kind, ExprKind::Number(1.0));
        // Override files apply in name order: z_override.tf last.
        assert_eq!(m.locals["b"].expr.kind, ExprKind::Number(30.0));
        assert_eq!(
            m.locals["b"]
                .file
                .location(m.locals["b"].span)
                .file
                .as_ref(),
            "z_override.tf"
        );
        let size = &m.variables["size"];
        assert_eq!(
            size.default.as_ref().map(|e| &e.kind),
            Some(&ExprKind::Number(3.0))
        );
        assert!(size.type_expr.is_some());
        // `sensitive` set in an override file hides the value as if declared there.
        assert!(size.sensitive);
        assert!(m.outputs["o"].sensitive);
        assert_eq!(m.module_calls[0].source.as_deref(), Some("./m"));
        assert_eq!(
            m.module_calls[0].count.as_ref().map(|e| &e.kind),
            Some(&ExprKind::Number(2.0))
        );
        assert_eq!(
            m.outputs["o"].expr.as_static_path().as_deref(),
            Some("local.b")
        );
    }

    #[test]
    fn an_override_without_a_base_is_an_error_at_its_line() {
        let m = module(&[
            ("main.tf", "locals { a = 1 }\n"),
            (
                "override.tf",
                "\nresource \"aws_instance\" \"x\" {}\nlocals { zz = 1 }\nprovider \"aws\" { alias = \"west\" }\n",
            ),
        ]);
        let got: Vec<(String, u32, &str)> = m
            .errors
            .iter()
            .map(|e| {
                (
                    e.location.file.to_string(),
                    e.location.line,
                    e.message.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "override.tf".to_string(),
                    2,
                    "this override file changes resource `aws_instance.x`, which no other file of the module declares"
                ),
                (
                    "override.tf".to_string(),
                    3,
                    "this override file changes local value `zz`, which no other file of the module declares"
                ),
                (
                    "override.tf".to_string(),
                    4,
                    "this override file changes provider configuration `aws.west`, which no other file of the module declares"
                ),
            ]
        );
    }
}
