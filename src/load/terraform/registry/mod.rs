//! Registry modules understood from their inputs. The modules most AI stacks are built
//! from (EKS, GKE, AKS) cannot be downloaded offline, so a call to one of them is turned
//! into the resources the module would create, read from the inputs the caller passes.
//!
//! [`ADAPTERS`] maps each supported module (registry address or git URL, any version,
//! with its submodule path) to the function that reads its inputs. A remote module not
//! in the table stays listed as not loaded.

mod aks;
mod eks;
mod gke;
mod source;

use std::collections::BTreeMap;
use std::sync::Arc;

use self::source::{normalize, ModuleId};
use super::address::quote;
use super::ast::{Expr, ExprKind, ObjectKey, Span};
use super::config::SourceFile;
use super::functions;
use super::instance::EvaluatedResource;
use super::providers::ProviderConfig;
use crate::model::{InputError, Location, Map, Note, Unknown, Value};

/// One supported module (or submodule) and the function that reads its inputs.
pub struct Adapter {
    /// `namespace/name/provider` as in the registry address.
    pub module: &'static str,
    /// The submodule path after `//` (`modules/karpenter`), or `""` for the module itself.
    pub submodule: &'static str,
    /// The provider whose configuration the created resources use.
    pub provider: &'static str,
    pub build: fn(&Call<'_>) -> Adapted,
}

/// Every module understood from its inputs. Adding one is a row here and a function.
pub const ADAPTERS: &[Adapter] = &[
    Adapter {
        module: "terraform-aws-modules/eks/aws",
        submodule: "",
        provider: "aws",
        build: eks::cluster_module,
    },
    Adapter {
        module: "terraform-aws-modules/eks/aws",
        submodule: "modules/eks-managed-node-group",
        provider: "aws",
        build: eks::managed_node_group_module,
    },
    Adapter {
        module: "terraform-aws-modules/eks/aws",
        submodule: "modules/self-managed-node-group",
        provider: "aws",
        build: eks::self_managed_node_group_module,
    },
    Adapter {
        module: "terraform-aws-modules/eks/aws",
        submodule: "modules/karpenter",
        provider: "aws",
        build: eks::karpenter_module,
    },
    Adapter {
        module: "Azure/aks/azurerm",
        submodule: "",
        provider: "azurerm",
        build: aks::build,
    },
    // v10's azurerm 4 variant of the same module (v11 made it the module itself).
    Adapter {
        module: "Azure/aks/azurerm",
        submodule: "v4",
        provider: "azurerm",
        build: aks::build,
    },
    gke::row("", "google", gke::build),
    gke::row("modules/private-cluster", "google", gke::build),
    gke::row(
        "modules/private-cluster-update-variant",
        "google",
        gke::build_update_variant,
    ),
    gke::row("modules/beta-private-cluster", "google-beta", gke::build),
    gke::row(
        "modules/beta-private-cluster-update-variant",
        "google-beta",
        gke::build_update_variant,
    ),
    gke::row("modules/beta-public-cluster", "google-beta", gke::build),
    gke::row(
        "modules/beta-public-cluster-update-variant",
        "google-beta",
        gke::build_update_variant,
    ),
];

/// The adapter for a module source, when it is a supported one.
pub fn adapter_for(source: &str) -> Option<&'static Adapter> {
    let ModuleId { module, submodule } = normalize(source)?;
    ADAPTERS
        .iter()
        .find(|a| a.module.eq_ignore_ascii_case(&module) && a.submodule == submodule)
}

/// What an adapter makes of one module instance.
#[derive(Debug, Default)]
pub struct Adapted {
    pub resources: Vec<EvaluatedResource>,
    pub notes: Vec<Note>,
    pub errors: Vec<InputError>,
}

/// One input of the call: its value (evaluated in the caller) and its expression.
pub struct Input<'a> {
    pub value: Value,
    pub expr: &'a Expr,
    /// The whole `name = value` text.
    pub span: Span,
}

/// One instance of a call to a supported module, as the adapter sees it.
pub struct Call<'a> {
    pub root: Arc<str>,
    /// `module.eks`, or `module.eks["prod"]` for a call with for_each.
    pub address: String,
    pub source: &'a str,
    pub inputs: BTreeMap<String, Input<'a>>,
    pub file: Arc<SourceFile>,
    /// The `module "eks" {` line.
    pub header: Location,
    /// The configuration of the adapter's provider in the module.
    pub provider: Arc<ProviderConfig>,
    /// Set when the number of instances of the call (or an enclosing module) is unknown.
    pub instances_unknown: Option<Unknown>,
}

impl<'a> Call<'a> {
    /// The value of an input; `None` when absent or null.
    pub fn input(&self, name: &str) -> Option<&Value> {
        self.inputs
            .get(name)
            .map(|i| &i.value)
            .filter(|v| !v.is_null())
    }

    /// Where `input.keys...` is written in the caller: the innermost entry of the input's
    /// object literals that exists, else the input, else the module block's header.
    pub fn location(&self, input: &str, keys: &[&str]) -> Location {
        self.innermost(input, keys)
            .map_or_else(|| self.header.clone(), |(location, _)| location)
    }

    /// Where `input.keys...` is written, only when the whole path is written literally.
    pub fn written(&self, input: &str, keys: &[&str]) -> Option<Location> {
        self.innermost(input, keys)
            .filter(|(_, whole)| *whole)
            .map(|(location, _)| location)
    }

    /// The innermost literal entry of `input.keys...` that is written, and whether it is
    /// the whole path; `None` when the input is not given.
    fn innermost(&self, input: &str, keys: &[&str]) -> Option<(Location, bool)> {
        let found = self.inputs.get(input)?;
        let mut location = self.file.location(found.span);
        let mut expr = found.expr;
        for key in keys {
            match object_entry(expr, key) {
                Some(inner) => {
                    location = self.entry_location(inner);
                    expr = inner;
                }
                None => return Some((location, false)),
            }
        }
        Some((location, true))
    }

    /// Where an object entry is written, from its key to the end of `value`, as an
    /// argument's location is: `min_size = 1`, not `1`.
    pub fn entry_location(&self, value: &Expr) -> Location {
        let (start, end) = value.span;
        let key_start = self
            .file
            .text
            .get(..start)
            .and_then(entry_key_start)
            .unwrap_or(start);
        self.file.location((key_start, end))
    }

    /// A resource the module creates, named under the call
    /// (`module.eks.eks_managed_node_groups["gpu"]`).
    pub fn resource(
        &self,
        resource_type: &str,
        name: &str,
        key: Option<&str>,
        location: Location,
        argument_locations: BTreeMap<String, Location>,
        attributes: Map,
    ) -> EvaluatedResource {
        let base_address = format!("{}.{name}", self.address);
        let address = match key {
            Some(k) => format!("{base_address}[{}]", quote(k)),
            None => base_address.clone(),
        };
        let block_span = location.span;
        EvaluatedResource {
            root: self.root.clone(),
            address,
            base_address,
            resource_type: resource_type.to_string(),
            location,
            argument_locations,
            attributes,
            provider: self.provider.clone(),
            instances_unknown: self.instances_unknown.clone(),
            file: self.file.clone(),
            block_span,
        }
    }
}

/// Terraform's `merge` over maps (tags, labels), with the evaluator's rules for unknown
/// maps; `Err` names the argument that is not a map.
pub(super) fn merge(maps: Vec<Value>) -> Result<Value, String> {
    let Some(merge) = functions::lookup("merge") else {
        return Err("the merge function is not available".to_string());
    };
    (merge.call)(maps).map_err(|e| e.message)
}

/// Where the key of an entry starts, given the text before its value: `key = `,
/// `"key" = ` or JSON's `"key": `. `None` when the text does not end that way.
fn entry_key_start(before: &str) -> Option<usize> {
    let trimmed = before.trim_end_matches([' ', '\t']);
    let separator = trimmed
        .strip_suffix('=')
        .or_else(|| trimmed.strip_suffix(':'))?;
    let key_end = separator.trim_end_matches([' ', '\t']);
    if let Some(inside) = key_end.strip_suffix('"') {
        let open = inside.rfind('"')?;
        return Some(open);
    }
    let ident = key_end
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '_' || *c == '-')
        .last()
        .map(|(i, _)| i)?;
    Some(ident)
}

/// The value written for `key` in an object literal; the last one wins, as in Terraform.
pub(super) fn object_entry<'e>(expr: &'e Expr, key: &str) -> Option<&'e Expr> {
    let ExprKind::Object(entries) = &expr.kind else {
        return None;
    };
    entries
        .iter()
        .rev()
        .find(|(k, _)| match k {
            ObjectKey::Ident(name) => name == key,
            ObjectKey::Expr(e) => e.as_literal_str() == Some(key),
        })
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::load::terraform::config::ModuleConfig;

    const CALLER: &str = r#"module "eks" {
  source = "terraform-aws-modules/eks/aws"
  eks_managed_node_groups = {
    gpu = {
      instance_types = ["g6.xlarge"]
    }
    gpu = {
      instance_types = ["p5.48xlarge"]
      min_size       = 1
    }
    cpu = local.cpu_group
  }
  tags = local.tags
}
"#;

    fn with_call(check: impl FnOnce(&Call<'_>)) {
        let file = Arc::new(SourceFile::new("infra/eks.tf".into(), CALLER.into()));
        let config = ModuleConfig::parse("/r".into(), "infra".into(), vec![file.clone()]);
        assert!(config.errors.is_empty(), "{:?}", config.errors);
        let block = &config.module_calls[0].block;
        let inputs = block
            .body
            .attributes
            .iter()
            .filter(|a| a.name != "source")
            .map(|a| {
                let input = Input {
                    value: Value::Null,
                    expr: &a.expr,
                    span: a.span,
                };
                (a.name.clone(), input)
            })
            .collect();
        let call = Call {
            root: "infra".into(),
            address: "module.eks".into(),
            source: "terraform-aws-modules/eks/aws",
            inputs,
            header: file.location(block.header_span),
            file,
            provider: Arc::new(ProviderConfig::implied("aws")),
            instances_unknown: None,
        };
        check(&call);
    }

    #[test]
    fn locations_follow_the_literal_and_the_last_repeated_key_wins() {
        with_call(|call| {
            let line = |l: Location| l.line;
            assert_eq!(
                line(call.location("eks_managed_node_groups", &["gpu", "min_size"])),
                9
            );
            assert_eq!(
                line(call.location("eks_managed_node_groups", &["gpu", "instance_types"])),
                8
            );
            // Not written literally: the innermost entry that is.
            assert_eq!(
                line(call.location("eks_managed_node_groups", &["cpu", "instance_types"])),
                11
            );
            assert_eq!(
                call.written("eks_managed_node_groups", &["cpu", "instance_types"]),
                None
            );
            assert_eq!(line(call.location("tags", &["team"])), 13);
            assert_eq!(line(call.location("cluster_name", &[])), 1);
        });
    }

    #[test]
    fn an_entry_is_located_from_its_key() {
        with_call(|call| {
            let at = call.location("eks_managed_node_groups", &["gpu", "min_size"]);
            assert_eq!((at.line, at.column, at.end_line), (9, 7, 9));
            let at = call.written("eks_managed_node_groups", &["gpu"]).unwrap();
            assert_eq!((at.line, at.column, at.end_line), (7, 5, 10));
        });
        assert_eq!(entry_key_start("  size = "), Some(2));
        assert_eq!(entry_key_start("{\"gpu-pool\": "), Some(1));
        assert_eq!(entry_key_start("  \"a b\" = "), Some(2));
        assert_eq!(entry_key_start("[ "), None);
        assert_eq!(entry_key_start(""), None);
    }

    #[test]
    fn resources_are_named_under_the_call() {
        with_call(|call| {
            let location = call.location("eks_managed_node_groups", &["gpu"]);
            let r = call.resource(
                "aws_eks_node_group",
                "eks_managed_node_groups",
                Some("gpu"),
                location,
                BTreeMap::new(),
                Map::new(),
            );
            assert_eq!(r.address, "module.eks.eks_managed_node_groups[\"gpu\"]");
            assert_eq!(r.base_address, "module.eks.eks_managed_node_groups");
            assert_eq!(
                (r.location.file.as_ref(), r.location.line),
                ("infra/eks.tf", 7)
            );
        });
    }

    #[test]
    fn only_supported_sources_have_an_adapter() {
        assert!(adapter_for("./modules/eks").is_none());
        assert!(adapter_for("acme/widgets/aws").is_none());
    }
}
