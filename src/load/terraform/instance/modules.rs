//! Module calls: instances created on first use of `module.<name>` (or when resources are
//! collected), inputs evaluated in the caller's scope, providers passed down, remote
//! sources recorded as not loaded.

use super::*;
use std::collections::BTreeMap;
use std::sync::Arc;

use crate::load::terraform::address::{join, InstanceKey};
use crate::load::terraform::ast::Span;
use crate::load::terraform::budget::{
    exceeded, map_bytes, mib, node_bytes, value_bytes, INSTANCE_BYTES, MAX_VALUE_BYTES,
};
use crate::load::terraform::config::{is_local_source, ModuleCall, ModuleConfig, META_ARGUMENTS};
use crate::load::terraform::eval::EvalError;
use crate::load::terraform::providers::{inherit, ProviderConfig};
use crate::load::terraform::registry;
use crate::load::terraform::variables::module_input;
use crate::model::{InputError, Map, ModuleNotLoaded, Unknown, Value};

/// The evaluated instances of one module call.
pub(super) struct Children<'r> {
    /// (key, instance); key is `None` for a call without count/for_each.
    pub(super) instances: Vec<(Option<InstanceKey>, Instance<'r>)>,
    /// What `module.<name>` evaluates to.
    pub(super) value: Value,
    /// Resources of a registry module understood from its inputs.
    pub(super) adapted: Vec<EvaluatedResource>,
}

pub(super) enum ChildState<'r> {
    InProgress,
    Done(Children<'r>),
}

impl<'r> Instance<'r> {
    /// `module.<name>`: the outputs of the call's instances, creating them on first use.
    pub(super) fn resolve_module(&self, name: &str, span: Span) -> Result<Value, EvalError> {
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
            return Err(EvalError::invalid_reference(
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

    pub(super) fn ensure_children(&self) {
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
    pub(super) fn instantiate(&self, call: &ModuleCall) -> Children<'r> {
        let call_address = join(&self.address, &format!("module.{}", call.name));
        let header = call.file.location(call.block.header_span);
        let unknown_outputs = |why: &str| Children {
            instances: Vec::new(),
            value: Value::unknown(why.to_string()),
            adapted: Vec::new(),
        };
        let Some(source) = call.source.as_deref() else {
            self.cx.error(InputError::new(
                header,
                format!("module `{}` has no literal `source`", call.name),
            ));
            return unknown_outputs("the module has no source");
        };
        if !is_local_source(source) {
            if let Some(adapter) = registry::adapter_for(source) {
                return self.instantiate_registry(call, adapter, source, &call_address);
            }
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
        if self.ancestry.iter().any(|a| a.dir == config.dir) {
            self.cx.error(
                InputError::new(
                    header,
                    format!(
                        "module `{}` calls `{}`, which is already being evaluated above this call: a module cannot call itself, directly or through other modules",
                        call.name, config.rel_dir
                    ),
                )
                .with_help("Terraform refuses recursive modules; point `source` at another directory"),
            );
            return unknown_outputs(&format!("{call_address} is recursive"));
        }
        if self.ancestry.len() >= MAX_MODULE_DEPTH {
            self.cx.error(InputError::new(
                header,
                format!(
                    "module `{}` is nested more than {MAX_MODULE_DEPTH} modules deep; it is not evaluated",
                    call.name
                ),
            ));
            return unknown_outputs(&format!("{call_address} is nested too deep"));
        }

        let expansion = self.expand(call.count.as_ref(), call.for_each.as_ref(), &call.file);
        // Each instance pays for itself and the first instance of each of its resource
        // blocks, so a budget spent deep in the tree cannot leave a record per block of
        // every module instance already made.
        let per_instance = u64::try_from(config.resources.len())
            .unwrap_or(u64::MAX)
            .saturating_add(1);
        let n = expansion.len().saturating_mul(per_instance);
        // The first instance of a module directory in the root is what its files say;
        // every further one (count, for_each, a second call) is made by the evaluation.
        let first = !self.cx.instantiated.borrow().contains_key(&config.dir);
        let written = if first { per_instance.min(n) } else { 0 };
        if let Err(why) = self.charge_instances(n, written, &call.file, expansion_span(call)) {
            return unknown_outputs(&why.origin);
        }
        let all = expansion.instances();
        // Exact capacities: a tree of single module calls makes many one-element lists.
        let mut instances = Vec::with_capacity(all.len());
        let value = match &expansion {
            Expansion::Single => Value::Null,
            Expansion::Unknown(u) => Value::Unknown(u.clone()),
            Expansion::Count(_) => Value::List(Vec::new()),
            Expansion::ForEach(_) => Value::Map(Map::new()),
        };
        let mut list = Vec::with_capacity(if matches!(expansion, Expansion::Count(_)) {
            all.len()
        } else {
            0
        });
        let mut map = Map::new();
        let mut single = Value::Null;
        // `module.<name>` is one value: all instances' outputs together.
        let mut size = node_bytes();
        for (key, bindings) in all {
            let address = match &key {
                Some(k) => format!("{call_address}{}", k.suffix()),
                None => call_address.clone(),
            };
            let child = self.child_instance(call, &config, address, &bindings, expansion.unknown());
            let outputs = child.outputs();
            size = size.saturating_add(value_bytes(&outputs));
            match &key {
                Some(InstanceKey::Index(_)) => list.push(outputs),
                Some(InstanceKey::Key(k)) => map.insert(k.clone(), outputs),
                None => single = outputs,
            }
            instances.push((key, child));
        }
        if !instances.is_empty() {
            self.cx
                .instantiated
                .borrow_mut()
                .entry(config.dir.clone())
                .or_default()
                .insert(call_address.clone());
        }
        let value = if size > MAX_VALUE_BYTES {
            let e = exceeded(
                format!(
                    "evaluation budget exceeded: the outputs of module `{}` are larger than {} together, the limit for one value",
                    call.name,
                    mib(MAX_VALUE_BYTES as u64)
                ),
                call.block.header_span,
            );
            let why = Value::unknown(format!("could not be evaluated: {}", e.message));
            self.eval_error(&call.file, e);
            why
        } else if let Err(why) = self.keep(size, &call.file, call.block.header_span) {
            Value::Unknown(why)
        } else {
            match value {
                Value::Null => single,
                Value::List(_) => Value::List(list),
                Value::Map(_) => Value::Map(map),
                unknown => unknown,
            }
        };
        Children {
            instances,
            value,
            adapted: Vec::new(),
        }
    }

    /// A call to a registry module understood from its inputs: each instance's inputs are
    /// evaluated here and the adapter turns them into the resources the module creates.
    fn instantiate_registry(
        &self,
        call: &ModuleCall,
        adapter: &registry::Adapter,
        source: &str,
        call_address: &str,
    ) -> Children<'r> {
        let expansion = self.expand(call.count.as_ref(), call.for_each.as_ref(), &call.file);
        let n = expansion.len();
        if let Err(why) = self.charge_instances(n, n.min(1), &call.file, expansion_span(call)) {
            return Children {
                instances: Vec::new(),
                value: Value::Unknown(why),
                adapted: Vec::new(),
            };
        }
        let header = call.file.location(call.block.header_span);
        let providers = self.call_providers(call, &header);
        let provider = providers
            .get(adapter.provider)
            .cloned()
            .unwrap_or_else(|| Arc::new(ProviderConfig::implied(adapter.provider)));
        let mut adapted = Vec::new();
        for (key, bindings) in expansion.instances() {
            let address = match &key {
                Some(k) => format!("{call_address}{}", k.suffix()),
                None => call_address.to_string(),
            };
            let values: Vec<(&crate::load::terraform::ast::Attribute, Value)> = call
                .block
                .body
                .attributes
                .iter()
                .filter(|a| !is_call_argument(&a.name))
                .map(|a| (a, self.eval_or_unknown(&a.expr, &call.file, &bindings)))
                .collect();
            let registry_call = |view: &dyn Fn(&Value) -> Value| registry::Call {
                root: self.cx.root.clone(),
                address: address.clone(),
                source,
                inputs: values
                    .iter()
                    .map(|(a, value)| {
                        let input = registry::Input {
                            value: view(value),
                            expr: &a.expr,
                            span: a.span,
                        };
                        (a.name.clone(), input)
                    })
                    .collect(),
                file: call.file.clone(),
                header: header.clone(),
                provider: provider.clone(),
                instances_unknown: expansion
                    .unknown()
                    .or_else(|| self.instances_unknown.clone()),
            };
            // Adapters read values without marks. With sensitive inputs the adapter also
            // reads them masked, and what differs is marked in what it made.
            let result = (adapter.build)(&registry_call(&|v| v.clone().unmark_deep().0));
            let mut result = if values.iter().any(|(_, v)| v.has_marks()) {
                let masked = (adapter.build)(&registry_call(&Value::masked));
                self.remark_adapted(result, masked, &header)
            } else {
                result
            };
            for r in &mut result.resources {
                let bytes = map_bytes(&r.attributes).saturating_add(INSTANCE_BYTES);
                if let Err(why) = self.keep(bytes, &call.file, call.block.header_span) {
                    r.attributes = Map {
                        entries: BTreeMap::new(),
                        more: Some(why),
                    };
                }
            }
            adapted.extend(result.resources);
            self.cx.notes.borrow_mut().extend(result.notes);
            for e in result.errors {
                self.cx.error(e);
            }
        }
        Children {
            instances: Vec::new(),
            value: Value::unknown(format!(
                "the outputs of {call_address} ({source}) are known only after apply"
            )),
            adapted,
        }
    }

    /// What an adapter made of real inputs, with a mark on whatever differs from what it
    /// made of the same inputs masked. A resource the masked inputs do not make at all is
    /// named by a sensitive value (a key of a sensitive map): Terraform rejects that, and so
    /// is it here, without the name. Errors and notes that differ could quote a sensitive
    /// value: their message is replaced.
    fn remark_adapted(
        &self,
        real: registry::Adapted,
        masked: registry::Adapted,
        header: &Location,
    ) -> registry::Adapted {
        let mut out = registry::Adapted::default();
        let mut dropped = 0;
        for mut r in real.resources {
            match masked.resources.iter().find(|m| m.address == r.address) {
                Some(m) => {
                    let attributes = Value::Map(std::mem::take(&mut r.attributes))
                        .marked_where_different(&Value::Map(m.attributes.clone()));
                    if let Value::Map(a) = attributes {
                        r.attributes = a;
                    }
                    out.resources.push(r);
                }
                None => dropped += 1,
            }
        }
        if dropped > 0 {
            out.errors.push(
                InputError::new(
                    header.clone(),
                    "the resources of this module call are named by a sensitive value, so they \
                     were not checked (Terraform rejects a sensitive value as `for_each` keys)",
                )
                .with_help("make the keys non-sensitive, e.g. with nonsensitive(keys(...))"),
            );
        }
        for mut e in real.errors {
            if !masked.errors.contains(&e) {
                e.message = "an input of this module call is invalid; the error is not shown, \
                             since it could include a sensitive value"
                    .to_string();
                e.help = None;
            }
            out.errors.push(e);
        }
        out.notes = real
            .notes
            .into_iter()
            .filter(|n| masked.notes.contains(n))
            .collect();
        out
    }

    pub(super) fn child_instance(
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
                module_input(variable, given, &header, &mut errors, &self.cx.budget),
            );
        }
        for attr in &call.block.body.attributes {
            let known = config.variables.contains_key(&attr.name) || is_call_argument(&attr.name);
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
        let inherited = self.call_providers(call, &header);
        let mut ancestry = self.ancestry.clone();
        ancestry.push(config.clone());
        let mut child = Instance::new(
            self.cx,
            config.clone(),
            address,
            variables,
            inherited,
            instances_unknown.or_else(|| self.instances_unknown.clone()),
            ancestry,
        );
        child.keep_variables(Some((&call.file, call.block.header_span)));
        child
    }

    /// The provider configurations a module call passes down (`providers = { ... }` or
    /// inherited); one it names that is not declared here is an error at the call.
    fn call_providers(&self, call: &ModuleCall, header: &Location) -> ProviderMap {
        let (providers, missing) = inherit(self.providers(), &call.providers);
        for m in missing {
            self.cx.error(InputError::new(
                header.clone(),
                format!(
                    "provider configuration `{m}` passed to module `{}` is not declared here",
                    call.name
                ),
            ));
        }
        providers
    }

    /// All outputs of this instance as a map.
    pub(super) fn outputs(&self) -> Value {
        let mut map = Map::new();
        for (name, output) in &self.config.outputs {
            let value = self.eval_or_unknown(&output.expr, &output.file, &[]);
            map.insert(name.clone(), value.mark_if(output.sensitive));
        }
        Value::Map(map)
    }
}

/// Where a module call's number of instances is written: its `count` or `for_each`, else
/// its header.
fn expansion_span(call: &ModuleCall) -> Span {
    call.count
        .as_ref()
        .or(call.for_each.as_ref())
        .map_or(call.block.header_span, |e| e.span)
}

/// An argument of the module block itself, not an input of the module.
fn is_call_argument(name: &str) -> bool {
    matches!(name, "source" | "version" | "providers") || META_ARGUMENTS.contains(&name)
}
