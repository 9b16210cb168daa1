//! Evaluation of one module instance: resolves `var.*`, `local.*` (in dependency order,
//! whatever order they are written in, with cycles reported) and `module.*` outputs.
//! Module calls are in `modules.rs`, `count` / `for_each` in `expand.rs`, resource bodies
//! (arguments, nested and `dynamic` blocks) in `resources.rs`.

mod budget;
mod expand;
mod modules;
mod resources;

use self::expand::{Expansion, ExpansionState};
use self::modules::ChildState;

use std::cell::{OnceCell, RefCell};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use self::budget::charge_root;
use crate::load::terraform::address::join;
use crate::load::terraform::ast::{Expr, Span};
use crate::load::terraform::budget::{value_bytes, RootBudget};
use crate::load::terraform::config::{ModuleConfig, SourceFile};
use crate::load::terraform::eval::{EvalError, Evaluator, Resolver};
use crate::load::terraform::providers::{ProviderConfig, ProviderMap};
use crate::model::{InputError, Location, Map, ModuleNotLoaded, Note, Unknown, Value};

/// Deepest module nesting followed; deeper calls are reported instead of loaded.
const MAX_MODULE_DEPTH: usize = 32;

/// Finds (and loads on demand) the configuration of a local module directory.
pub trait ModuleSource {
    fn module(&self, dir: &Path) -> Option<Arc<ModuleConfig>>;
}

/// A resource instance after evaluation, before facts are extracted.
#[derive(Debug)]
pub struct EvaluatedResource {
    pub root: Arc<str>,
    pub address: String,
    /// The address without the instance key: `module.a[0].aws_launch_template.gpu`.
    /// References to the resource (`Unknown::reference`) use this form.
    pub base_address: String,
    pub resource_type: String,
    pub location: Location,
    pub argument_locations: BTreeMap<String, Location>,
    pub attributes: Map,
    pub provider: Arc<ProviderConfig>,
    /// Set when `count` or `for_each` could not be resolved, so the number of instances
    /// is unknown and this record stands for all of them.
    pub instances_unknown: Option<Unknown>,
    pub file: Arc<SourceFile>,
    pub block_span: Span,
}

/// Shared state for evaluating one root: where modules come from and what went wrong.
pub struct RootContext<'a> {
    pub modules: &'a dyn ModuleSource,
    pub root: Arc<str>,
    pub errors: RefCell<Vec<InputError>>,
    pub not_loaded: RefCell<Vec<ModuleNotLoaded>>,
    pub notes: RefCell<Vec<Note>>,
    /// What the root may still spend on evaluation (see `budget.rs`).
    pub budget: RootBudget,
    /// Local module directories with at least one instance, and the calls (addresses
    /// without instance keys) that create them.
    pub instantiated: RefCell<BTreeMap<PathBuf, BTreeSet<String>>>,
}

impl<'a> RootContext<'a> {
    pub fn new(modules: &'a dyn ModuleSource, root: Arc<str>) -> RootContext<'a> {
        RootContext::with_budget(modules, root, RootBudget::new())
    }

    /// A root that draws on `budget` (a root's own, usually sharing a run's group).
    pub fn with_budget(
        modules: &'a dyn ModuleSource,
        root: Arc<str>,
        budget: RootBudget,
    ) -> RootContext<'a> {
        RootContext {
            modules,
            root,
            errors: RefCell::new(Vec::new()),
            not_loaded: RefCell::new(Vec::new()),
            notes: RefCell::new(Vec::new()),
            budget,
            instantiated: RefCell::new(BTreeMap::new()),
        }
    }

    fn error(&self, e: InputError) {
        self.errors.borrow_mut().push(e);
    }
}

enum LocalState {
    InProgress,
    Done(Value),
}

/// One instance of a module: the root, or `module.a[0]`.
pub struct Instance<'r> {
    cx: &'r RootContext<'r>,
    config: Arc<ModuleConfig>,
    /// `""` for the root, else `module.a[0]` (or `module.a` when its keys are unknown).
    address: String,
    variables: BTreeMap<String, Value>,
    inherited_providers: ProviderMap,
    providers: OnceCell<ProviderMap>,
    /// Set when the instances of this module could not be counted.
    instances_unknown: Option<Unknown>,
    locals: RefCell<BTreeMap<String, LocalState>>,
    /// Locals being evaluated, innermost last, to name a cycle.
    local_stack: RefCell<Vec<String>>,
    /// The local where a cycle being unwound started.
    cycle_start: RefCell<Option<String>>,
    children: RefCell<BTreeMap<String, ChildState<'r>>>,
    /// The instances of each resource block (`type.name`), decided once: references to
    /// the resource need them too.
    expansions: RefCell<BTreeMap<String, ExpansionState>>,
    /// This module and its ancestors, to stop a module calling itself. Shared configs, not
    /// paths: a module tree 25 deep would otherwise copy 25 paths into every instance.
    ancestry: Vec<Arc<ModuleConfig>>,
}

impl<'r> Instance<'r> {
    pub fn root(
        cx: &'r RootContext<'r>,
        config: Arc<ModuleConfig>,
        variables: BTreeMap<String, Value>,
    ) -> Instance<'r> {
        charge_root(cx, &config);
        let ancestry = vec![config.clone()];
        let mut root = Instance::new(
            cx,
            config,
            String::new(),
            variables,
            ProviderMap::new(),
            None,
            ancestry,
        );
        root.keep_variables(None);
        root
    }

    /// An instance with nothing evaluated yet.
    fn new(
        cx: &'r RootContext<'r>,
        config: Arc<ModuleConfig>,
        address: String,
        variables: BTreeMap<String, Value>,
        inherited_providers: ProviderMap,
        instances_unknown: Option<Unknown>,
        ancestry: Vec<Arc<ModuleConfig>>,
    ) -> Instance<'r> {
        Instance {
            cx,
            config,
            address,
            variables,
            inherited_providers,
            providers: OnceCell::new(),
            instances_unknown,
            locals: RefCell::new(BTreeMap::new()),
            local_stack: RefCell::new(Vec::new()),
            cycle_start: RefCell::new(None),
            children: RefCell::new(BTreeMap::new()),
            expansions: RefCell::new(BTreeMap::new()),
            ancestry,
        }
    }

    fn location(&self, file: &SourceFile, span: Span) -> Location {
        file.location(span)
    }

    fn eval_error(&self, file: &SourceFile, e: EvalError) {
        if e.reported_elsewhere() {
            return;
        }
        let mut err = InputError::new(self.location(file, e.span), e.message);
        err.help = e.help;
        self.cx.error(err);
    }

    /// Evaluates an expression in this module; errors are recorded and give an unknown.
    fn eval_or_unknown(
        &self,
        expr: &Expr,
        file: &SourceFile,
        bindings: &[(String, Value)],
    ) -> Value {
        match Evaluator::in_root(self, &self.cx.budget, bindings.to_vec()).eval(expr) {
            Ok(v) => v,
            Err(e) => {
                let origin = format!("could not be evaluated: {}", e.message);
                self.eval_error(file, e);
                Value::unknown(origin)
            }
        }
    }

    fn providers(&self) -> &ProviderMap {
        self.providers.get_or_init(|| {
            let mut map = self.inherited_providers.clone();
            for block in &self.config.providers {
                let config = self.eval_provider(block);
                map.insert(config.address(), Arc::new(config));
            }
            map
        })
    }

    fn eval_provider(&self, block: &super::config::ProviderBlock) -> ProviderConfig {
        let body = &block.block.body;
        let file = &block.file;
        let attr = |name: &str| {
            body.attribute(name)
                .map(|a| self.eval_or_unknown(&a.expr, file, &[]))
        };
        // default_tags is a block in HCL and an object in JSON.
        let default_tags = match body.blocks("default_tags").last() {
            Some(b) => b
                .body
                .attribute("tags")
                .map(|a| self.eval_or_unknown(&a.expr, file, &[])),
            None => attr("default_tags").map(|v| match v.peel() {
                (Value::Map(m), marked) => m
                    .entries
                    .get("tags")
                    .cloned()
                    .map_or(Value::Null, |t| t.mark_if(marked)),
                (other, marked) => other.mark_if(marked),
            }),
        };
        ProviderConfig {
            name: block.name.clone(),
            alias: block.alias.clone(),
            region: attr("region"),
            zone: attr("zone"),
            default_tags,
            default_labels: attr("default_labels"),
            location: Some(file.location(block.block.header_span)),
            region_location: body.attribute("region").map(|a| file.location(a.expr.span)),
            zone_location: body.attribute("zone").map(|a| file.location(a.expr.span)),
            // Unknown counts as set: the check would be a guess.
            skip_region_validation: attr("skip_region_validation")
                .is_some_and(|v| !matches!(v.peel().0, Value::Bool(false) | Value::Null)),
        }
    }

    fn resolve_local(&self, name: &str, span: Span) -> Result<Value, EvalError> {
        match self.locals.borrow().get(name) {
            Some(LocalState::Done(v)) => return Ok(v.clone()),
            Some(LocalState::InProgress) => return Err(self.report_cycle(name, span)),
            None => {}
        }
        let Some(local) = self.config.locals.get(name) else {
            return Err(EvalError::invalid_reference(
                format!("reference to undeclared local value `local.{name}`"),
                span,
            )
            .with_help(format!("declare it in a `locals {{ {name} = ... }}` block")));
        };
        self.locals
            .borrow_mut()
            .insert(name.to_string(), LocalState::InProgress);
        self.local_stack.borrow_mut().push(name.to_string());
        let result = Evaluator::in_root(self, &self.cx.budget, Vec::new()).eval(&local.expr);
        self.local_stack.borrow_mut().pop();
        let value = match result {
            Ok(v) => match self.keep(value_bytes(&v), &local.file, local.expr.span) {
                Ok(()) => v,
                Err(why) => Value::Unknown(why),
            },
            Err(e) => {
                let in_cycle = self.cycle_start.borrow().clone();
                let value = Value::unknown(format!("local.{name} could not be evaluated"));
                self.locals
                    .borrow_mut()
                    .insert(name.to_string(), LocalState::Done(value.clone()));
                match in_cycle {
                    // Unwind to the local that starts the cycle; outside it, the value is
                    // just unknown.
                    Some(start) if start != name => return Err(e),
                    Some(_) => {
                        self.cycle_start.borrow_mut().take();
                    }
                    None => self.eval_error(&local.file, e),
                }
                return Ok(value);
            }
        };
        self.locals
            .borrow_mut()
            .insert(name.to_string(), LocalState::Done(value.clone()));
        Ok(value)
    }

    /// Reports a cycle between locals once, at the local where it starts, naming every
    /// local in it.
    fn report_cycle(&self, name: &str, span: Span) -> EvalError {
        let stack = self.local_stack.borrow();
        let start = stack.iter().position(|n| n == name).unwrap_or(0);
        let mut cycle: Vec<String> = stack
            .get(start..)
            .unwrap_or(&[])
            .iter()
            .map(|n| format!("local.{n}"))
            .collect();
        cycle.push(format!("local.{name}"));
        let message = format!(
            "local values refer to each other in a cycle: {}",
            cycle.join(" -> ")
        );
        if let Some(local) = self.config.locals.get(name) {
            self.cx.error(
                InputError::new(local.file.location(local.span), message.clone())
                    .with_help("break the cycle so that no local value depends on itself"),
            );
        }
        *self.cycle_start.borrow_mut() = Some(name.to_string());
        EvalError::new(message, span)
    }

    /// Evaluates every resource in this instance and its children.
    pub fn collect(&self, out: &mut Vec<EvaluatedResource>) {
        for block in &self.config.resources {
            self.collect_resource(block, out);
        }
        // Terraform evaluates every local value, used or not, so an error in one is an
        // error in the configuration.
        for (name, local) in &self.config.locals {
            if let Err(e) = self.resolve_local(name, local.expr.span) {
                self.eval_error(&local.file, e);
            }
        }
        self.ensure_children();
        let mut children = self.children.borrow_mut();
        for call in &self.config.module_calls {
            if let Some(ChildState::Done(c)) = children.get_mut(&call.name) {
                let before = out.len();
                let spent_before = self.cx.budget.spent();
                out.append(&mut c.adapted);
                for (_, child) in &c.instances {
                    child.collect(out);
                }
                // The root's budget ran out inside this call: what it made so far is an
                // arbitrary part of it (the first of a thousand regions), so none of it is
                // reported; the error says where the budget ran out.
                if spent_before.is_none() && self.cx.budget.spent().is_some() {
                    out.truncate(before);
                }
            }
        }
    }
}

impl Resolver for Instance<'_> {
    fn resolve(&self, path: &[&str], span: Span) -> Result<(Value, usize), EvalError> {
        let root = path.first().copied().unwrap_or("");
        let attr = path.get(1).copied();
        let need_attr = |what: &str| {
            EvalError::invalid_reference(
                format!("`{root}` must be followed by an attribute naming the {what}"),
                span,
            )
        };
        match root {
            "var" => {
                let name = attr.ok_or_else(|| need_attr("variable"))?;
                match self.variables.get(name) {
                    Some(v) => Ok((v.clone(), 2)),
                    None => Err(EvalError::invalid_reference(
                        format!("reference to undeclared input variable `var.{name}`"),
                        span,
                    )
                    .with_help(format!("declare it with `variable \"{name}\" {{}}`"))),
                }
            }
            "local" => {
                let name = attr.ok_or_else(|| need_attr("local value"))?;
                Ok((self.resolve_local(name, span)?, 2))
            }
            "module" => {
                let name = attr.ok_or_else(|| need_attr("module"))?;
                Ok((self.resolve_module(name, span)?, 2))
            }
            "path" => {
                let value = match attr.ok_or_else(|| need_attr("path"))? {
                    "module" => Value::String(relative_path(&self.cx.root, &self.config.rel_dir)),
                    "root" => Value::string("."),
                    "cwd" => Value::unknown("path.cwd is the directory Terraform runs in"),
                    other => {
                        return Err(EvalError::invalid_reference(
                            format!(
                            "`path.{other}` does not exist: use path.module, path.root or path.cwd"
                        ),
                            span,
                        ))
                    }
                };
                Ok((value, 2))
            }
            "terraform" => match attr.ok_or_else(|| need_attr("attribute"))? {
                "workspace" => Ok((
                    Value::unknown("terraform.workspace is chosen when Terraform runs"),
                    2,
                )),
                other => Err(EvalError::invalid_reference(
                    format!("`terraform.{other}` does not exist"),
                    span,
                )),
            },
            "count" => Err(EvalError::invalid_reference(
                "`count.index` can only be used in a block that sets `count`",
                span,
            )),
            "each" => Err(EvalError::invalid_reference(
                "`each` can only be used in a block that sets `for_each`",
                span,
            )),
            "self" => Ok((Value::unknown("self is known only after apply"), 1)),
            "data" => {
                let text = path.iter().take(3).copied().collect::<Vec<_>>().join(".");
                let consumed = path.len().min(3);
                Ok((
                    Value::unknown(format!(
                        "{text} is read from the provider when Terraform runs"
                    )),
                    consumed,
                ))
            }
            // Terraform 1.x also accepts `resource.TYPE.NAME`.
            "resource" => {
                let rest = path.get(1..).unwrap_or(&[]);
                if rest.is_empty() {
                    return Err(need_attr("resource type"));
                }
                let (value, consumed) = self.resolve_resource(rest, span)?;
                Ok((value, consumed + 1))
            }
            resource_type if resource_type.contains('_') => self.resolve_resource(path, span),
            other => Err(
                EvalError::invalid_reference(format!("unknown name `{other}`"), span).with_help(
                    "names in Terraform start with var., local., module., data., resource. or a resource type",
                ),
            ),
        }
    }
}

impl Instance<'_> {
    /// `TYPE.NAME` (`path` starts at the type): the resource's instances, whose attributes
    /// are known only after apply.
    fn resolve_resource(&self, path: &[&str], span: Span) -> Result<(Value, usize), EvalError> {
        let resource_type = path.first().copied().unwrap_or("");
        let Some(name) = path.get(1).copied() else {
            return Err(EvalError::invalid_reference(
                format!("`{resource_type}` must be followed by an attribute naming the resource"),
                span,
            ));
        };
        let Some(block) = self
            .config
            .resources
            .iter()
            .find(|r| r.resource_type == resource_type && r.name == name)
        else {
            return Err(EvalError::invalid_reference(
                format!("reference to undeclared resource `{resource_type}.{name}`"),
                span,
            ));
        };
        let local = format!("{resource_type}.{name}");
        let shown = path.join(".");
        let unknown = Unknown::referring_to(
            format!("{shown} is known only after apply"),
            join(&self.address, &local),
        );
        // One instance is an object whose attributes are unknown (so `x[*].id` is a
        // one-element list and `x == null` is false); which instances exist is
        // known, as in Terraform's plan: `length(aws_subnet.a)`.
        let instance = || {
            Value::Map(Map {
                entries: BTreeMap::new(),
                more: Some(unknown.clone()),
            })
        };
        let value = match self.resource_expansion(block, span)? {
            Expansion::Single => instance(),
            Expansion::Unknown(_) => Value::Unknown(unknown.clone()),
            Expansion::Count(n) => Value::List((0..n).map(|_| instance()).collect()),
            Expansion::ForEach(items) => Value::Map(Map::from_entries(
                items.into_iter().map(|(k, _)| (k, instance())).collect(),
            )),
        };
        Ok((value, 2))
    }
}

/// `path.module` as Terraform gives it: the module directory relative to the root.
fn relative_path(root: &str, module: &str) -> String {
    if root == module {
        return ".".to_string();
    }
    let root_parts: Vec<&str> = if root == "." {
        Vec::new()
    } else {
        root.split('/').collect()
    };
    let module_parts: Vec<&str> = if module == "." {
        Vec::new()
    } else {
        module.split('/').collect()
    };
    let common = root_parts
        .iter()
        .zip(&module_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut out: Vec<&str> = vec![".."; root_parts.len() - common];
    out.extend(module_parts.iter().skip(common));
    if out.is_empty() {
        ".".to_string()
    } else {
        out.join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    struct NoModules;

    impl ModuleSource for NoModules {
        fn module(&self, _dir: &Path) -> Option<Arc<ModuleConfig>> {
            None
        }
    }

    fn evaluate(src: &str) -> (Vec<EvaluatedResource>, Vec<InputError>) {
        let file = Arc::new(SourceFile::new("main.tf".into(), src.into()));
        let config = Arc::new(ModuleConfig::parse(
            PathBuf::from("/r"),
            ".".into(),
            vec![file],
        ));
        let (variables, _) = crate::load::terraform::variables::root_values(
            &config,
            &[],
            &[],
            &[],
            &RootBudget::new(),
        );
        let modules = NoModules;
        let cx = RootContext::new(&modules, ".".into());
        let root = Instance::root(&cx, config, variables);
        let mut out = Vec::new();
        root.collect(&mut out);
        drop(root);
        (out, cx.errors.into_inner())
    }

    fn input_of<'a>(resources: &'a [EvaluatedResource], address: &str) -> &'a Value {
        resources
            .iter()
            .find(|r| r.address == address)
            .and_then(|r| r.attributes.get("input"))
            .unwrap_or_else(|| panic!("no input on {address}"))
    }

    #[test]
    fn locals_resolve_in_any_order() {
        let (resources, errors) = evaluate(
            r#"
resource "terraform_data" "x" { input = local.c }
locals {
  c = "${local.b}-c"
  b = "${local.a}-b"
  a = "a"
}
"#,
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            input_of(&resources, "terraform_data.x"),
            &Value::string("a-b-c")
        );
    }

    #[test]
    fn a_cycle_of_locals_is_reported_once_naming_every_local_in_it() {
        let (resources, errors) = evaluate(
            r#"
locals {
  outside = local.a
  a       = local.b
  b       = local.c
  c       = local.a
}
resource "terraform_data" "x" { input = local.outside }
"#,
        );
        let messages: Vec<(&str, u32)> = errors
            .iter()
            .map(|e| (e.message.as_str(), e.location.line))
            .collect();
        assert_eq!(
            messages,
            vec![(
                "local values refer to each other in a cycle: local.a -> local.b -> local.c -> local.a",
                4
            )]
        );
        // Whatever depends on the cycle is unknown, not another error.
        assert_eq!(
            input_of(&resources, "terraform_data.x"),
            &Value::unknown("local.a could not be evaluated")
        );
    }

    #[test]
    fn dynamic_blocks_expand_with_their_iterator() {
        let (resources, errors) = evaluate(
            r#"
variable "unknown_tags" {}
locals {
  tags = { team = "ml", env = "dev" }
}
resource "aws_autoscaling_group" "known" {
  dynamic "tag" {
    for_each = local.tags
    iterator = t
    content {
      key   = t.key
      value = upper(t.value)
    }
  }
}
resource "aws_autoscaling_group" "unknown" {
  dynamic "tag" {
    for_each = var.unknown_tags
    content {
      key = tag.key
    }
  }
}
"#,
        );
        assert!(errors.is_empty(), "{errors:?}");
        let known = resources
            .iter()
            .find(|r| r.address == "aws_autoscaling_group.known")
            .unwrap();
        assert_eq!(
            known.attributes.get("tag").map(Value::display).as_deref(),
            Some("[{key = \"env\", value = \"DEV\"}, {key = \"team\", value = \"ML\"}]")
        );
        let unknown = resources
            .iter()
            .find(|r| r.address == "aws_autoscaling_group.unknown")
            .unwrap();
        assert_eq!(
            unknown.attributes.get("tag"),
            Some(&Value::unknown("the dynamic block's for_each depends on an unknown value: var.unknown_tags has no default"))
        );
    }

    #[test]
    fn references_to_expanded_resources_know_their_instances() {
        let (resources, errors) = evaluate(
            r#"
resource "terraform_data" "fleet" { count = 3 }
resource "terraform_data" "named" { for_each = toset(["b", "a"]) }
resource "terraform_data" "single" {}
resource "terraform_data" "uses" {
  count = length(terraform_data.fleet)
  input = [
    terraform_data.fleet[*].id,
    keys(terraform_data.named),
    terraform_data.fleet[0].id,
    terraform_data.single[*].id,
    terraform_data.single == null,
  ]
}
resource "terraform_data" "loop" { count = length(terraform_data.loop) }
"#,
        );
        let uses: Vec<&EvaluatedResource> = resources
            .iter()
            .filter(|r| r.base_address == "terraform_data.uses")
            .collect();
        assert_eq!(uses.len(), 3);
        let Some(Value::List(input)) = uses[0].attributes.get("input") else {
            panic!("{:?}", uses[0].attributes)
        };
        let Value::List(ids) = &input[0] else {
            panic!("{input:?}")
        };
        assert_eq!(ids.len(), 3);
        assert!(ids.iter().all(|id| id
            .as_unknown()
            .is_some_and(|u| u.reference.as_deref() == Some("terraform_data.fleet"))));
        assert_eq!(input[1].display(), "[\"a\", \"b\"]");
        assert!(matches!(input[2], Value::Unknown(_)));
        let Value::List(single) = &input[3] else {
            panic!("{input:?}")
        };
        assert!(single.len() == 1 && matches!(single[0], Value::Unknown(_)));
        assert_eq!(input[4], Value::Bool(false));
        // A count that depends on its own resource is an error, not a loop.
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0]
            .message
            .contains("depends on `terraform_data.loop` itself"));
        let looped = resources
            .iter()
            .find(|r| r.base_address == "terraform_data.loop")
            .unwrap();
        assert!(looped.instances_unknown.is_some());
    }

    #[test]
    fn path_module_is_relative_to_the_root() {
        assert_eq!(relative_path("envs/prod", "envs/prod"), ".");
        assert_eq!(
            relative_path("envs/prod", "modules/gpu"),
            "../../modules/gpu"
        );
        assert_eq!(relative_path(".", "modules/gpu"), "modules/gpu");
        assert_eq!(relative_path("envs/prod", "envs/prod/sub"), "sub");
    }
}
