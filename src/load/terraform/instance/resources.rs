//! Resource blocks: each instance's arguments evaluated, nested blocks turned into lists of
//! maps (the shape of Terraform's plan JSON), `dynamic` blocks expanded.

use super::expand::unknown_reason;
use super::*;
use std::collections::BTreeMap;
use std::sync::Arc;

use crate::load::terraform::address::join;
use crate::load::terraform::ast::{Block, Body};
use crate::load::terraform::budget::{map_bytes, INSTANCE_BYTES};
use crate::load::terraform::config::{ResourceBlock, SourceFile, META_ARGUMENTS, META_BLOCKS};
use crate::load::terraform::eval::iterate;
use crate::load::terraform::providers::{implied_provider, ProviderConfig};
use crate::model::{InputError, Location, Map, Unknown, Value};

impl<'r> Instance<'r> {
    pub(super) fn collect_resource(&self, block: &ResourceBlock, out: &mut Vec<EvaluatedResource>) {
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
        let expansion = match self.resource_expansion(block, block.block.header_span) {
            Ok(e) => e,
            Err(e) => {
                let why = Unknown::new(e.message.clone());
                self.eval_error(&block.file, e);
                Expansion::Unknown(why)
            }
        };
        let location = block.file.location(block.block.span);
        for (key, bindings) in expansion.instances() {
            let address = match &key {
                Some(k) => format!("{base}{}", k.suffix()),
                None => base.clone(),
            };
            let mut argument_locations = BTreeMap::new();
            let mut attributes = self.eval_body(
                &block.block.body,
                &bindings,
                &block.file,
                "",
                &mut argument_locations,
                true,
            );
            let bytes = map_bytes(&attributes).saturating_add(INSTANCE_BYTES);
            if let Err(why) = self.keep(bytes, &block.file, block.block.header_span) {
                // Every argument written stays, unknown, so that nothing reads as unset.
                for v in attributes.entries.values_mut() {
                    *v = Value::Unknown(why.clone());
                }
                attributes.more = Some(why);
            }
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
    pub(super) fn eval_body(
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

    pub(super) fn eval_dynamic(
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
        // Blocks made from a sensitive collection show it: each is sensitive as a whole.
        let (coll, marked) = self.eval_or_unknown(&for_each.expr, file, bindings).peel();
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
            push_block(map, kind, Value::Map(inner).mark_if(marked));
        }
    }
}

pub(super) fn push_block(map: &mut Map, kind: &str, block: Value) {
    match map.entries.get_mut(kind) {
        Some(Value::List(items)) => items.push(block),
        _ => map.insert(kind.to_string(), Value::List(vec![block])),
    }
}
