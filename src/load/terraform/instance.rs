//! Evaluation of one module instance: resolves `var.*`, `local.*` (in dependency order,
//! whatever order they are written in, with cycles reported), `module.*` outputs, and
//! expands resources and child modules by `count` and `for_each` into instances named as
//! Terraform names them.

use std::cell::{OnceCell, RefCell};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::address::{join, InstanceKey};
use super::ast::{Block, Body, Expr, Span};
use super::config::{
    is_local_source, ModuleCall, ModuleConfig, ResourceBlock, SourceFile, META_ARGUMENTS,
    META_BLOCKS,
};
use super::convert::{to_integer, to_string};
use super::eval::{iterate, EvalError, Evaluator, Resolver};
use super::providers::{implied_provider, inherit, ProviderConfig, ProviderMap};
use super::variables::module_input;
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
}

impl<'a> RootContext<'a> {
    pub fn new(modules: &'a dyn ModuleSource, root: Arc<str>) -> RootContext<'a> {
        RootContext {
            modules,
            root,
            errors: RefCell::new(Vec::new()),
            not_loaded: RefCell::new(Vec::new()),
            notes: RefCell::new(Vec::new()),
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

/// The evaluated instances of one module call.
struct Children<'r> {
    /// (key, instance); key is `None` for a call without count/for_each.
    instances: Vec<(Option<InstanceKey>, Instance<'r>)>,
    /// What `module.<name>` evaluates to.
    value: Value,
}

enum ChildState<'r> {
    InProgress,
    Done(Children<'r>),
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
    /// Directories of this module and its ancestors, to stop a module calling itself.
    ancestry: Vec<PathBuf>,
}

impl<'r> Instance<'r> {
    pub fn root(
        cx: &'r RootContext<'r>,
        config: Arc<ModuleConfig>,
        variables: BTreeMap<String, Value>,
    ) -> Instance<'r> {
        let ancestry = vec![config.dir.clone()];
        Instance {
            cx,
            config,
            address: String::new(),
            variables,
            inherited_providers: ProviderMap::new(),
            providers: OnceCell::new(),
            instances_unknown: None,
            locals: RefCell::new(BTreeMap::new()),
            local_stack: RefCell::new(Vec::new()),
            cycle_start: RefCell::new(None),
            children: RefCell::new(BTreeMap::new()),
            ancestry,
        }
    }

    fn location(&self, file: &SourceFile, span: Span) -> Location {
        file.location(span)
    }

    fn eval_error(&self, file: &SourceFile, e: EvalError) {
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
        match Evaluator::with_bindings(self, bindings.to_vec()).eval(expr) {
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
            None => attr("default_tags").map(|v| match v {
                Value::Map(m) => m.entries.get("tags").cloned().unwrap_or(Value::Null),
                other => other,
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
        }
    }

    fn resolve_local(&self, name: &str, span: Span) -> Result<Value, EvalError> {
        match self.locals.borrow().get(name) {
            Some(LocalState::Done(v)) => return Ok(v.clone()),
            Some(LocalState::InProgress) => return Err(self.report_cycle(name, span)),
            None => {}
        }
        let Some(local) = self.config.locals.get(name) else {
            return Err(EvalError::new(
                format!("reference to undeclared local value `local.{name}`"),
                span,
            )
            .with_help(format!("declare it in a `locals {{ {name} = ... }}` block")));
        };
        self.locals
            .borrow_mut()
            .insert(name.to_string(), LocalState::InProgress);
        self.local_stack.borrow_mut().push(name.to_string());
        let result = Evaluator::new(self).eval(&local.expr);
        self.local_stack.borrow_mut().pop();
        let value = match result {
            Ok(v) => v,
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

    /// `module.<name>`: the outputs of the call's instances, creating them on first use.
    fn resolve_module(&self, name: &str, span: Span) -> Result<Value, EvalError> {
        match self.children.borrow().get(name) {
            Some(ChildState::Done(c)) => return Ok(c.value.clone()),
            Some(ChildState::InProgress) => {
                return Err(EvalError::new(
                    format!("module `{name}` depends on its own outputs"),
                    span,
                ));
            }
            None => {}
        }
        let Some(call) = self.config.module_calls.iter().find(|m| m.name == name) else {
            return Err(EvalError::new(
                format!("reference to undeclared module `module.{name}`"),
                span,
            ));
        };
        self.children
            .borrow_mut()
            .insert(name.to_string(), ChildState::InProgress);
        let children = self.instantiate(call);
        let value = children.value.clone();
        self.children
            .borrow_mut()
            .insert(name.to_string(), ChildState::Done(children));
        Ok(value)
    }

    fn ensure_children(&self) {
        for call in &self.config.module_calls {
            let done = matches!(
                self.children.borrow().get(&call.name),
                Some(ChildState::Done(_))
            );
            if !done {
                let _ = self.resolve_module(&call.name, call.block.header_span);
            }
        }
    }

    /// Expands a module call by count/for_each and builds each child instance.
    fn instantiate(&self, call: &ModuleCall) -> Children<'r> {
        let call_address = join(&self.address, &format!("module.{}", call.name));
        let header = call.file.location(call.block.header_span);
        let unknown_outputs = |why: &str| Children {
            instances: Vec::new(),
            value: Value::unknown(why.to_string()),
        };
        let Some(source) = call.source.as_deref() else {
            self.cx.error(InputError::new(
                header,
                format!("module `{}` has no literal `source`", call.name),
            ));
            return unknown_outputs("the module has no source");
        };
        if !is_local_source(source) {
            self.cx.not_loaded.borrow_mut().push(ModuleNotLoaded {
                address: call_address.clone(),
                source: source.to_string(),
                version: call.version.clone(),
                location: header,
            });
            return unknown_outputs(&format!(
                "{call_address} comes from {source}, which is not loaded"
            ));
        }
        let dir = self.config.dir.join(source);
        let Some(config) = self.cx.modules.module(&dir) else {
            self.cx.error(
                InputError::new(
                    header,
                    format!("module source `{source}` was not found or has no .tf files"),
                )
                .with_help(
                    "check the path; local sources are relative to the calling module's directory",
                ),
            );
            return unknown_outputs(&format!("{call_address} could not be loaded"));
        };
        if self.ancestry.contains(&config.dir) || self.ancestry.len() >= MAX_MODULE_DEPTH {
            self.cx.error(InputError::new(
                header,
                format!(
                    "module `{}` calls itself (directly or through other modules)",
                    call.name
                ),
            ));
            return unknown_outputs(&format!("{call_address} is recursive"));
        }

        let expansion = self.expand(call.count.as_ref(), call.for_each.as_ref(), &call.file);
        let mut instances = Vec::new();
        let value = match &expansion {
            Expansion::Single => Value::Null,
            Expansion::Unknown(u) => Value::Unknown(u.clone()),
            Expansion::Count(_) => Value::List(Vec::new()),
            Expansion::ForEach(_) => Value::Map(Map::new()),
        };
        let mut list = Vec::new();
        let mut map = Map::new();
        let mut single = Value::Null;
        for (key, bindings) in expansion.instances() {
            let address = match &key {
                Some(k) => format!("{call_address}{}", k.suffix()),
                None => call_address.clone(),
            };
            let child = self.child_instance(call, &config, address, &bindings, expansion.unknown());
            let outputs = child.outputs();
            match &key {
                Some(InstanceKey::Index(_)) => list.push(outputs),
                Some(InstanceKey::Key(k)) => map.insert(k.clone(), outputs),
                None => single = outputs,
            }
            instances.push((key, child));
        }
        let value = match value {
            Value::Null => single,
            Value::List(_) => Value::List(list),
            Value::Map(_) => Value::Map(map),
            unknown => unknown,
        };
        Children { instances, value }
    }

    fn child_instance(
        &self,
        call: &ModuleCall,
        config: &Arc<ModuleConfig>,
        address: String,
        bindings: &[(String, Value)],
        instances_unknown: Option<Unknown>,
    ) -> Instance<'r> {
        let header = call.file.location(call.block.header_span);
        let mut errors = Vec::new();
        let mut variables = BTreeMap::new();
        for (name, variable) in &config.variables {
            let given = call
                .block
                .body
                .attribute(name)
                .map(|a| self.eval_or_unknown(&a.expr, &call.file, bindings));
            variables.insert(
                name.clone(),
                module_input(variable, given, &header, &mut errors),
            );
        }
        for attr in &call.block.body.attributes {
            let known = config.variables.contains_key(&attr.name)
                || matches!(attr.name.as_str(), "source" | "version" | "providers")
                || META_ARGUMENTS.contains(&attr.name.as_str());
            if !known {
                errors.push(
                    InputError::new(
                        call.file.location(attr.span),
                        format!("module `{}` has no input named `{}`", call.name, attr.name),
                    )
                    .with_help(format!(
                        "the module at {} declares: {}",
                        config.rel_dir,
                        config
                            .variables
                            .keys()
                            .cloned()
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                );
            }
        }
        for e in errors {
            self.cx.error(e);
        }
        let (inherited, missing) = inherit(self.providers(), &call.providers);
        for m in missing {
            self.cx.error(InputError::new(
                header.clone(),
                format!(
                    "provider configuration `{m}` passed to module `{}` is not declared here",
                    call.name
                ),
            ));
        }
        let mut ancestry = self.ancestry.clone();
        ancestry.push(config.dir.clone());
        Instance {
            cx: self.cx,
            config: config.clone(),
            address,
            variables,
            inherited_providers: inherited,
            providers: OnceCell::new(),
            instances_unknown: instances_unknown.or_else(|| self.instances_unknown.clone()),
            locals: RefCell::new(BTreeMap::new()),
            local_stack: RefCell::new(Vec::new()),
            cycle_start: RefCell::new(None),
            children: RefCell::new(BTreeMap::new()),
            ancestry,
        }
    }

    /// All outputs of this instance as a map.
    fn outputs(&self) -> Value {
        let mut map = Map::new();
        for (name, output) in &self.config.outputs {
            map.insert(
                name.clone(),
                self.eval_or_unknown(&output.expr, &output.file, &[]),
            );
        }
        Value::Map(map)
    }

    /// Decides the instances of a block from its `count` or `for_each`.
    fn expand(
        &self,
        count: Option<&Expr>,
        for_each: Option<&Expr>,
        file: &SourceFile,
    ) -> Expansion {
        if let Some(expr) = count {
            let v = self.eval_or_unknown(expr, file, &[]);
            return match to_integer(&v) {
                Ok(Some(n)) if n >= 0 => Expansion::Count(n),
                Ok(Some(n)) => {
                    self.cx.error(InputError::new(
                        file.location(expr.span),
                        format!("invalid count: {n} is negative"),
                    ));
                    Expansion::Count(0)
                }
                Ok(None) => Expansion::Unknown(unknown_reason(&v, "count")),
                Err(m) => {
                    self.cx.error(InputError::new(
                        file.location(expr.span),
                        format!("invalid count: {m}"),
                    ));
                    Expansion::Unknown(Unknown::new("count is invalid"))
                }
            };
        }
        if let Some(expr) = for_each {
            let v = self.eval_or_unknown(expr, file, &[]);
            return match for_each_keys(&v) {
                Ok(Some(items)) => {
                    if let Value::Map(Map { more: Some(u), .. }) = &v {
                        self.cx.notes.borrow_mut().push(Note {
                            location: Some(file.location(expr.span)),
                            message: format!("for_each may have more keys than are known ({u}); only the known keys are checked"),
                        });
                    }
                    Expansion::ForEach(items)
                }
                Ok(None) => Expansion::Unknown(unknown_reason(&v, "for_each")),
                Err(m) => {
                    self.cx.error(
                        InputError::new(
                            file.location(expr.span),
                            format!("invalid for_each argument: {m}"),
                        )
                        .with_help(
                            "for_each needs a map, or a set of strings: wrap a list in toset()",
                        ),
                    );
                    Expansion::Unknown(Unknown::new("for_each is invalid"))
                }
            };
        }
        Expansion::Single
    }

    /// Evaluates every resource in this instance and its children.
    pub fn collect(&self, out: &mut Vec<EvaluatedResource>) {
        for block in &self.config.resources {
            self.collect_resource(block, out);
        }
        self.ensure_children();
        let children = self.children.borrow();
        for call in &self.config.module_calls {
            if let Some(ChildState::Done(c)) = children.get(&call.name) {
                for (_, child) in &c.instances {
                    child.collect(out);
                }
            }
        }
    }

    fn collect_resource(&self, block: &ResourceBlock, out: &mut Vec<EvaluatedResource>) {
        let local = format!("{}.{}", block.resource_type, block.name);
        let base = join(&self.address, &local);
        let provider_addr = block
            .provider
            .clone()
            .unwrap_or_else(|| implied_provider(&block.resource_type).to_string());
        let provider = match self.providers().get(&provider_addr) {
            Some(p) => p.clone(),
            None => {
                if provider_addr.contains('.') {
                    self.cx.error(InputError::new(
                        block.file.location(block.block.header_span),
                        format!("provider configuration `{provider_addr}` is not declared in this module"),
                    ));
                }
                let name = provider_addr.split('.').next().unwrap_or(&provider_addr);
                Arc::new(ProviderConfig::implied(name))
            }
        };
        let expansion = self.expand(block.count.as_ref(), block.for_each.as_ref(), &block.file);
        let location = block.file.location(block.block.span);
        for (key, bindings) in expansion.instances() {
            let address = match &key {
                Some(k) => format!("{base}{}", k.suffix()),
                None => base.clone(),
            };
            let mut argument_locations = BTreeMap::new();
            let attributes = self.eval_body(
                &block.block.body,
                &bindings,
                &block.file,
                "",
                &mut argument_locations,
                true,
            );
            out.push(EvaluatedResource {
                root: self.cx.root.clone(),
                address,
                base_address: base.clone(),
                resource_type: block.resource_type.clone(),
                location: location.clone(),
                argument_locations,
                attributes,
                provider: provider.clone(),
                instances_unknown: expansion
                    .unknown()
                    .or_else(|| self.instances_unknown.clone()),
                file: block.file.clone(),
                block_span: block.block.span,
            });
        }
    }

    /// Evaluates a block body: arguments become values, nested blocks lists of maps,
    /// `dynamic` blocks are expanded.
    fn eval_body(
        &self,
        body: &Body,
        bindings: &[(String, Value)],
        file: &SourceFile,
        prefix: &str,
        locations: &mut BTreeMap<String, Location>,
        top: bool,
    ) -> Map {
        let mut map = Map::new();
        for attr in &body.attributes {
            if top && META_ARGUMENTS.contains(&attr.name.as_str()) {
                continue;
            }
            let path = format!("{prefix}{}", attr.name);
            locations
                .entry(path)
                .or_insert_with(|| file.location(attr.span));
            map.insert(
                attr.name.clone(),
                self.eval_or_unknown(&attr.expr, file, bindings),
            );
        }
        for block in &body.blocks {
            if top && META_BLOCKS.contains(&block.kind.as_str()) {
                continue;
            }
            if block.kind == "dynamic" {
                self.eval_dynamic(block, bindings, file, prefix, locations, &mut map);
                continue;
            }
            let path = format!("{prefix}{}", block.kind);
            locations
                .entry(path.clone())
                .or_insert_with(|| file.location(block.header_span));
            let inner = self.eval_body(
                &block.body,
                bindings,
                file,
                &format!("{path}."),
                locations,
                false,
            );
            push_block(&mut map, &block.kind, Value::Map(inner));
        }
        map
    }

    fn eval_dynamic(
        &self,
        block: &Block,
        bindings: &[(String, Value)],
        file: &SourceFile,
        prefix: &str,
        locations: &mut BTreeMap<String, Location>,
        map: &mut Map,
    ) {
        let Some(kind) = block.labels.first() else {
            self.cx.error(InputError::new(
                file.location(block.header_span),
                "a dynamic block needs a label naming the block type",
            ));
            return;
        };
        let path = format!("{prefix}{kind}");
        locations
            .entry(path.clone())
            .or_insert_with(|| file.location(block.header_span));
        let iterator = block
            .body
            .attribute("iterator")
            .and_then(|a| a.expr.as_static_path())
            .unwrap_or_else(|| kind.clone());
        let Some(content) = block.body.blocks("content").next() else {
            self.cx.error(InputError::new(
                file.location(block.header_span),
                format!("dynamic \"{kind}\" has no content block"),
            ));
            return;
        };
        let Some(for_each) = block.body.attribute("for_each") else {
            self.cx.error(InputError::new(
                file.location(block.header_span),
                format!("dynamic \"{kind}\" has no for_each"),
            ));
            return;
        };
        let coll = self.eval_or_unknown(&for_each.expr, file, bindings);
        let items = match iterate(&coll, for_each.expr.span) {
            Ok(Some(items)) => items,
            Ok(None) => {
                map.insert(
                    kind.clone(),
                    Value::Unknown(unknown_reason(&coll, "the dynamic block's for_each")),
                );
                return;
            }
            Err(e) => {
                self.eval_error(file, e);
                return;
            }
        };
        if !map.entries.contains_key(kind.as_str()) {
            map.insert(kind.clone(), Value::List(Vec::new()));
        }
        for (k, v) in items {
            let mut inner_bindings = bindings.to_vec();
            let mut it = Map::new();
            it.insert("key", k);
            it.insert("value", v);
            inner_bindings.push((iterator.clone(), Value::Map(it)));
            let inner = self.eval_body(
                &content.body,
                &inner_bindings,
                file,
                &format!("{path}."),
                locations,
                false,
            );
            push_block(map, kind, Value::Map(inner));
        }
    }
}

fn push_block(map: &mut Map, kind: &str, block: Value) {
    match map.entries.get_mut(kind) {
        Some(Value::List(items)) => items.push(block),
        _ => map.insert(kind.to_string(), Value::List(vec![block])),
    }
}

fn unknown_reason(v: &Value, what: &str) -> Unknown {
    match v.first_unknown() {
        Some(u) => Unknown {
            origin: format!("{what} depends on an unknown value: {}", u.origin).into(),
            reference: u.reference.clone(),
        },
        None => Unknown::new(format!("{what} is unknown")),
    }
}

/// The instance keys of a `for_each` value: a map, or a set of strings. `None` if unknown.
fn for_each_keys(v: &Value) -> Result<Option<Vec<(String, Value)>>, String> {
    match v {
        Value::Map(m) => Ok(Some(
            m.entries
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        )),
        Value::Set(items) => {
            let mut out = Vec::new();
            for item in items {
                match item {
                    Value::String(s) => out.push((s.clone(), item.clone())),
                    Value::Unknown(_) => return Ok(None),
                    other => {
                        return Err(format!(
                            "a set of strings is required, but it contains a {}",
                            other.type_name()
                        ));
                    }
                }
            }
            Ok(Some(out))
        }
        Value::Unknown(_) => Ok(None),
        Value::Null => Err("the value is null".to_string()),
        Value::List(_) => {
            Err("a list was given; for_each needs a map or a set of strings".to_string())
        }
        other => Err(format!(
            "a {} was given; for_each needs a map or a set of strings",
            other.type_name()
        )),
    }
}

/// Names bound inside one instance (`count`, `each`).
type Bindings = Vec<(String, Value)>;

/// How many instances a block has.
enum Expansion {
    Single,
    Count(i64),
    ForEach(Vec<(String, Value)>),
    Unknown(Unknown),
}

impl Expansion {
    /// Each instance's key and the names (`count`, `each`) bound inside it.
    fn instances(&self) -> Vec<(Option<InstanceKey>, Bindings)> {
        match self {
            Expansion::Single => vec![(None, Vec::new())],
            Expansion::Count(n) => (0..*n)
                .map(|i| {
                    let key = InstanceKey::Index(i);
                    let mut count = Map::new();
                    count.insert("index", key.value());
                    (Some(key), vec![("count".to_string(), Value::Map(count))])
                })
                .collect(),
            Expansion::ForEach(items) => items
                .iter()
                .map(|(k, v)| {
                    let mut each = Map::new();
                    each.insert("key", Value::String(k.clone()));
                    each.insert("value", v.clone());
                    (
                        Some(InstanceKey::Key(k.clone())),
                        vec![("each".to_string(), Value::Map(each))],
                    )
                })
                .collect(),
            Expansion::Unknown(u) => {
                let mut count = Map::new();
                count.insert("index", Value::Unknown(u.clone()));
                let mut each = Map::new();
                each.insert("key", Value::Unknown(u.clone()));
                each.insert("value", Value::Unknown(u.clone()));
                vec![(
                    None,
                    vec![
                        ("count".to_string(), Value::Map(count)),
                        ("each".to_string(), Value::Map(each)),
                    ],
                )]
            }
        }
    }

    fn unknown(&self) -> Option<Unknown> {
        match self {
            Expansion::Unknown(u) => Some(u.clone()),
            _ => None,
        }
    }
}

impl Resolver for Instance<'_> {
    fn resolve(&self, path: &[&str], span: Span) -> Result<(Value, usize), EvalError> {
        let root = path.first().copied().unwrap_or("");
        let attr = path.get(1).copied();
        let need_attr = |what: &str| {
            EvalError::new(
                format!("`{root}` must be followed by an attribute naming the {what}"),
                span,
            )
        };
        match root {
            "var" => {
                let name = attr.ok_or_else(|| need_attr("variable"))?;
                match self.variables.get(name) {
                    Some(v) => Ok((v.clone(), 2)),
                    None => Err(EvalError::new(
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
                        return Err(EvalError::new(
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
                other => Err(EvalError::new(
                    format!("`terraform.{other}` does not exist"),
                    span,
                )),
            },
            "count" => Err(EvalError::new(
                "`count.index` can only be used in a block that sets `count`",
                span,
            )),
            "each" => Err(EvalError::new(
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
            resource_type if resource_type.contains('_') => {
                let name = attr.ok_or_else(|| need_attr("resource"))?;
                if !self
                    .config
                    .resources
                    .iter()
                    .any(|r| r.resource_type == resource_type && r.name == name)
                {
                    return Err(EvalError::new(
                        format!("reference to undeclared resource `{resource_type}.{name}`"),
                        span,
                    ));
                }
                let local = format!("{resource_type}.{name}");
                let shown = path.join(".");
                Ok((
                    Value::Unknown(Unknown::referring_to(
                        format!("{shown} is known only after apply"),
                        join(&self.address, &local),
                    )),
                    2,
                ))
            }
            other => Err(
                EvalError::new(format!("unknown name `{other}`"), span).with_help(
                    "names in Terraform start with var., local., module., data. or a resource type",
                ),
            ),
        }
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

/// Converts a value to a string key, for messages.
pub fn key_text(v: &Value) -> String {
    to_string(v).ok().flatten().unwrap_or_else(|| v.display())
}

#[cfg(test)]
mod tests {
    use super::*;

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
