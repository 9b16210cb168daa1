//! The static shape of one Terraform module directory: its variables, locals, outputs,
//! resources, module calls and provider blocks, with the file each came from. Nothing is
//! evaluated here; see `instance.rs` for that.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use super::ast::{Block, Body, Expr, ExprKind, Span};
use super::{hcl, json, overrides};
pub use crate::load::source::SourceFile;
use crate::model::{InputError, Location};

#[derive(Debug)]
pub struct Variable {
    pub name: String,
    pub default: Option<Expr>,
    pub type_expr: Option<Expr>,
    pub nullable: bool,
    /// `sensitive = true`: the value is used but never shown.
    pub sensitive: bool,
    pub file: Arc<SourceFile>,
    pub span: Span,
}

#[derive(Debug)]
pub struct Local {
    pub name: String,
    pub expr: Expr,
    pub file: Arc<SourceFile>,
    pub span: Span,
}

#[derive(Debug)]
pub struct Output {
    pub name: String,
    pub expr: Expr,
    /// `sensitive = true`: the value is used but never shown.
    pub sensitive: bool,
    pub file: Arc<SourceFile>,
}

#[derive(Debug)]
pub struct ResourceBlock {
    pub resource_type: String,
    pub name: String,
    pub block: Block,
    pub file: Arc<SourceFile>,
    pub count: Option<Expr>,
    pub for_each: Option<Expr>,
    /// `aws.west` from `provider = aws.west`.
    pub provider: Option<String>,
}

#[derive(Debug)]
pub struct ModuleCall {
    pub name: String,
    pub source: Option<String>,
    pub version: Option<String>,
    pub block: Block,
    pub file: Arc<SourceFile>,
    pub count: Option<Expr>,
    pub for_each: Option<Expr>,
    /// `providers = { aws = aws.west }`: child address → parent address.
    pub providers: Vec<(String, String)>,
}

#[derive(Debug)]
pub struct ProviderBlock {
    pub name: String,
    pub alias: Option<String>,
    pub block: Block,
    pub file: Arc<SourceFile>,
}

/// Everything declared in one module directory.
#[derive(Debug, Default)]
pub struct ModuleConfig {
    /// Absolute, canonical directory.
    pub dir: PathBuf,
    /// Repository-relative directory, `.` for the repository root.
    pub rel_dir: Arc<str>,
    pub files: Vec<Arc<SourceFile>>,
    pub variables: BTreeMap<String, Variable>,
    pub locals: BTreeMap<String, Local>,
    pub outputs: BTreeMap<String, Output>,
    pub resources: Vec<ResourceBlock>,
    /// Declared data sources as `type.name`.
    pub data: Vec<String>,
    pub module_calls: Vec<ModuleCall>,
    pub providers: Vec<ProviderBlock>,
    /// A `terraform` block configures a backend or HCP Terraform (`cloud`): the directory
    /// is meant to be run as a root.
    pub backend: bool,
    pub errors: Vec<InputError>,
}

/// Arguments that control a block rather than describe the resource.
pub const META_ARGUMENTS: &[&str] = &["count", "for_each", "provider", "depends_on"];

/// Blocks that control a resource rather than describe it.
pub const META_BLOCKS: &[&str] = &["lifecycle", "provisioner", "connection"];

impl Variable {
    /// Reads `default`, `type`, `nullable` and `sensitive` from a variable block's arguments (those an
    /// override file sets replace the earlier ones).
    pub(super) fn set_arguments(&mut self, body: &Body) {
        if let Some(a) = body.attribute("default") {
            self.default = Some(a.expr.clone());
        }
        if let Some(a) = body.attribute("type") {
            self.type_expr = Some(a.expr.clone());
        }
        if let Some(a) = body.attribute("nullable") {
            self.nullable = !matches!(a.expr.kind, ExprKind::Bool(false));
        }
        // Terraform accepts only a literal here.
        if let Some(a) = body.attribute("sensitive") {
            self.sensitive = matches!(a.expr.kind, ExprKind::Bool(true));
        }
    }
}

impl ResourceBlock {
    pub(super) fn new(
        resource_type: String,
        name: String,
        block: Block,
        file: Arc<SourceFile>,
    ) -> ResourceBlock {
        ResourceBlock {
            resource_type,
            name,
            count: block.body.attribute("count").map(|a| a.expr.clone()),
            for_each: block.body.attribute("for_each").map(|a| a.expr.clone()),
            provider: block
                .body
                .attribute("provider")
                .and_then(|a| provider_reference(&a.expr)),
            block,
            file,
        }
    }
}

impl ModuleCall {
    pub(super) fn new(name: String, block: Block, file: Arc<SourceFile>) -> ModuleCall {
        let literal = |attr: &str| {
            block
                .body
                .attribute(attr)
                .and_then(|a| a.expr.as_literal_str().map(str::to_string))
        };
        let providers = block
            .body
            .attribute("providers")
            .map(|a| provider_mapping(&a.expr))
            .unwrap_or_default();
        ModuleCall {
            name,
            source: literal("source"),
            version: literal("version"),
            count: block.body.attribute("count").map(|a| a.expr.clone()),
            for_each: block.body.attribute("for_each").map(|a| a.expr.clone()),
            providers,
            block,
            file,
        }
    }
}

impl ProviderBlock {
    pub(super) fn new(name: String, block: Block, file: Arc<SourceFile>) -> ProviderBlock {
        let alias = block
            .body
            .attribute("alias")
            .and_then(|a| a.expr.as_literal_str().map(str::to_string));
        ProviderBlock {
            name,
            alias,
            block,
            file,
        }
    }
}

impl ModuleConfig {
    /// Parses every file of a module directory. Syntax errors are recorded in `errors` and
    /// the rest of the module is still read.
    ///
    /// Override files (`override.tf`, `*_override.tf` and their `.tf.json` forms) are
    /// merged into the other files' declarations afterwards, in name order, as Terraform
    /// does (see `overrides.rs`).
    pub fn parse(dir: PathBuf, rel_dir: Arc<str>, files: Vec<Arc<SourceFile>>) -> ModuleConfig {
        let mut config = ModuleConfig {
            dir,
            rel_dir,
            ..ModuleConfig::default()
        };
        let mut primary = Vec::new();
        let mut overriding = Vec::new();
        for file in &files {
            let parsed = if file.path.ends_with(".json") {
                json::parse_body(&file.text)
            } else {
                hcl::parse_body(&file.text)
            };
            match parsed {
                Ok(body) if overrides::is_override_file(&file.path) => {
                    overriding.push((file.clone(), body));
                }
                Ok(body) => primary.push((file.clone(), body)),
                Err(e) => config.errors.push(
                    InputError::new(
                        file.location((e.offset, e.offset)),
                        format!("syntax error: {}", e.message),
                    )
                    .with_help("fix the syntax; the other files are still checked"),
                ),
            }
        }
        if !overriding.is_empty() {
            overrides::overlay(&files, &mut primary, &mut overriding);
        }
        for (file, body) in primary {
            config.add_file(&file, body);
        }
        for (file, body) in overriding {
            config.merge_file(&file, body);
        }
        config.files = files;
        config
    }

    fn add_file(&mut self, file: &Arc<SourceFile>, body: Body) {
        self.errors.extend(top_level_argument(file, &body));
        for block in body.blocks {
            self.add_block(file, block);
        }
    }

    fn add_block(&mut self, file: &Arc<SourceFile>, block: Block) {
        let location = file.location(block.header_span);
        match (block.kind.as_str(), block.labels.as_slice()) {
            ("variable", [name]) => {
                let name = name.clone();
                if let Some(previous) = self.variables.get(&name) {
                    self.errors.push(duplicate(
                        "variable",
                        &name,
                        &location,
                        previous.file.location(previous.span),
                    ));
                    return;
                }
                let mut variable = Variable {
                    name: name.clone(),
                    default: None,
                    type_expr: None,
                    nullable: true,
                    sensitive: false,
                    file: file.clone(),
                    span: block.header_span,
                };
                variable.set_arguments(&block.body);
                self.variables.insert(name, variable);
            }
            ("locals", []) => {
                for attr in block.body.attributes {
                    if let Some(previous) = self.locals.get(&attr.name) {
                        self.errors.push(duplicate(
                            "local value",
                            &attr.name,
                            &file.location(attr.span),
                            previous.file.location(previous.span),
                        ));
                        continue;
                    }
                    self.locals.insert(
                        attr.name.clone(),
                        Local {
                            name: attr.name,
                            expr: attr.expr,
                            file: file.clone(),
                            span: attr.span,
                        },
                    );
                }
            }
            ("output", [name]) => {
                if let Some(value) = block.body.attribute("value") {
                    self.outputs.insert(
                        name.clone(),
                        Output {
                            name: name.clone(),
                            expr: value.expr.clone(),
                            sensitive: is_sensitive(&block),
                            file: file.clone(),
                        },
                    );
                }
            }
            ("resource", [rtype, name]) => {
                let address = format!("{rtype}.{name}");
                if let Some(previous) = self
                    .resources
                    .iter()
                    .find(|r| r.resource_type == *rtype && r.name == *name)
                {
                    self.errors.push(duplicate(
                        "resource",
                        &address,
                        &location,
                        previous.file.location(previous.block.header_span),
                    ));
                    return;
                }
                let (rtype, name) = (rtype.clone(), name.clone());
                self.resources
                    .push(ResourceBlock::new(rtype, name, block, file.clone()));
            }
            ("data", [rtype, name]) => self.data.push(format!("{rtype}.{name}")),
            ("module", [name]) => {
                if let Some(previous) = self.module_calls.iter().find(|m| m.name == *name) {
                    self.errors.push(duplicate(
                        "module call",
                        name,
                        &location,
                        previous.file.location(previous.block.header_span),
                    ));
                    return;
                }
                let name = name.clone();
                self.module_calls
                    .push(ModuleCall::new(name, block, file.clone()));
            }
            ("provider", [name]) => {
                let name = name.clone();
                self.providers
                    .push(ProviderBlock::new(name, block, file.clone()));
            }
            ("terraform", _) => {
                self.backend |= block
                    .body
                    .blocks
                    .iter()
                    .any(|b| b.kind == "backend" || b.kind == "cloud");
            }
            ("moved" | "import" | "check" | "removed", _) => {}
            (kind, labels) => self.errors.push(InputError::new(
                location,
                format!("unexpected `{kind}` block with {} label(s)", labels.len()),
            )),
        }
    }

    /// Every module call source in this directory that points at a local directory.
    pub fn local_module_dirs(&self) -> Vec<PathBuf> {
        self.module_calls
            .iter()
            .filter_map(|m| m.source.as_deref())
            .filter(|s| is_local_source(s))
            .map(|s| self.dir.join(s))
            .collect()
    }
}

/// Local module sources start with `./` or `../` (Terraform's rule).
pub fn is_local_source(source: &str) -> bool {
    source.starts_with("./") || source.starts_with("../") || source == "." || source == ".."
}

/// `sensitive = true` on a variable or output (Terraform accepts only a literal there).
pub(super) fn is_sensitive(block: &super::ast::Block) -> bool {
    matches!(
        block.body.attribute("sensitive").map(|a| &a.expr.kind),
        Some(ExprKind::Bool(true))
    )
}

/// A file's first top-level argument, which Terraform refuses: a file holds only blocks.
pub(super) fn top_level_argument(file: &SourceFile, body: &Body) -> Option<InputError> {
    let attr = body.attributes.first()?;
    Some(InputError::new(
        file.location(attr.span),
        format!(
            "unexpected argument `{}` at the top level of a Terraform file",
            attr.name
        ),
    ))
}

pub(super) fn duplicate(
    what: &str,
    name: &str,
    location: &Location,
    previous: Location,
) -> InputError {
    InputError::new(
        location.clone(),
        format!("{what} `{name}` is declared twice"),
    )
    .with_help(format!(
        "the first declaration is at {}:{}; remove or rename one of them",
        previous.file, previous.line
    ))
}

/// `provider = aws.west` (or `"aws.west"` in JSON).
fn provider_reference(expr: &Expr) -> Option<String> {
    expr.as_static_path()
        .or_else(|| expr.as_literal_str().map(str::to_string))
}

/// `providers = { aws = aws.west, aws.east = aws.east }`.
fn provider_mapping(expr: &Expr) -> Vec<(String, String)> {
    let ExprKind::Object(items) = &expr.kind else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|(k, v)| {
            let key = match k {
                super::ast::ObjectKey::Ident(s) => s.clone(),
                super::ast::ObjectKey::Expr(e) => provider_reference(e)?,
            };
            Some((key, provider_reference(v)?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(src: &str) -> ModuleConfig {
        let file = Arc::new(SourceFile::new("main.tf".into(), src.into()));
        ModuleConfig::parse(PathBuf::from("/x"), ".".into(), vec![file])
    }

    #[test]
    fn declarations_are_collected() {
        let m = module(
            r#"
variable "region" { default = "us-east-1" }
locals {
  a = 1
  b = 2
}
resource "aws_instance" "gpu" {
  provider = aws.west
  count    = 2
}
module "net" {
  source    = "./net"
  providers = { aws = aws.west, aws.east = aws.east }
}
data "aws_ami" "ubuntu" {}
"#,
        );
        assert!(m.errors.is_empty(), "{:?}", m.errors);
        assert_eq!(m.variables.keys().collect::<Vec<_>>(), vec!["region"]);
        assert_eq!(m.locals.keys().collect::<Vec<_>>(), vec!["a", "b"]);
        assert_eq!(m.resources[0].provider.as_deref(), Some("aws.west"));
        assert_eq!(
            m.module_calls[0].providers,
            vec![
                ("aws".to_string(), "aws.west".to_string()),
                ("aws.east".to_string(), "aws.east".to_string())
            ]
        );
        assert_eq!(m.data, vec!["aws_ami.ubuntu"]);
    }

    #[test]
    fn duplicates_are_errors_naming_the_first() {
        let m = module("locals { a = 1 }\nlocals { a = 2 }\n");
        assert_eq!(m.errors.len(), 1);
        assert_eq!(m.errors[0].message, "local value `a` is declared twice");
        assert_eq!(m.errors[0].location.line, 2);
    }

    #[test]
    fn a_syntax_error_is_recorded_with_its_line() {
        let m = module("resource \"a\" \"b\" {\n  x = \n}\n");
        assert_eq!(m.errors.len(), 1);
        assert!(
            m.errors[0].message.starts_with("syntax error"),
            "{:?}",
            m.errors
        );
        assert!(m.errors[0].location.line >= 2);
    }
}
