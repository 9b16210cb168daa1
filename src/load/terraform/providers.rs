//! Provider configurations as resources see them: region, AWS `default_tags`, Google
//! `default_labels`, chosen by alias, and passed to child modules the way Terraform passes
//! them (default configurations implicitly, aliases through `providers = { ... }`).

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::model::{Location, Value};

/// One evaluated `provider` block (or the empty default when none is written).
#[derive(Clone, Debug, PartialEq)]
pub struct ProviderConfig {
    pub name: String,
    pub alias: Option<String>,
    /// `region` (AWS, Google), `None` when the block does not set it.
    pub region: Option<Value>,
    /// Google `zone`.
    pub zone: Option<Value>,
    /// AWS `default_tags { tags = ... }`.
    pub default_tags: Option<Value>,
    /// Google `default_labels = ...`.
    pub default_labels: Option<Value>,
    /// Where the block is; `None` for an implied empty configuration.
    pub location: Option<Location>,
    /// Where `region` is written, when it is.
    pub region_location: Option<Location>,
    /// Where Google `zone` is written, when it is.
    pub zone_location: Option<Location>,
    /// AWS `skip_region_validation = true`: the provider accepts any region name.
    pub skip_region_validation: bool,
}

impl ProviderConfig {
    /// The configuration Terraform uses when a module has no block for a provider.
    pub fn implied(name: &str) -> ProviderConfig {
        ProviderConfig {
            name: name.to_string(),
            alias: None,
            region: None,
            zone: None,
            default_tags: None,
            default_labels: None,
            location: None,
            region_location: None,
            zone_location: None,
            skip_region_validation: false,
        }
    }

    pub fn address(&self) -> String {
        match &self.alias {
            Some(a) => format!("{}.{a}", self.name),
            None => self.name.clone(),
        }
    }
}

/// Provider configurations visible in one module instance, keyed by local address
/// (`aws`, `aws.west`).
pub type ProviderMap = BTreeMap<String, Arc<ProviderConfig>>;

/// The provider a resource type belongs to when it names none: the text before the first
/// underscore (`aws_instance` → `aws`).
pub fn implied_provider(resource_type: &str) -> &str {
    resource_type.split('_').next().unwrap_or(resource_type)
}

/// What a child module starts with: the parent's default (unaliased) configurations, then
/// the explicit `providers` mapping. Returns the map and the parent addresses that were
/// mapped but do not exist in the parent.
pub fn inherit(parent: &ProviderMap, mapping: &[(String, String)]) -> (ProviderMap, Vec<String>) {
    let mut child: ProviderMap = parent
        .iter()
        .filter(|(addr, _)| !addr.contains('.'))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let mut missing = Vec::new();
    for (child_addr, parent_addr) in mapping {
        match parent.get(parent_addr) {
            Some(config) => {
                child.insert(child_addr.clone(), config.clone());
            }
            None if !parent_addr.contains('.') => {
                child.insert(
                    child_addr.clone(),
                    Arc::new(ProviderConfig::implied(parent_addr)),
                );
            }
            None => missing.push(parent_addr.clone()),
        }
    }
    (child, missing)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(name: &str, alias: Option<&str>, region: &str) -> Arc<ProviderConfig> {
        Arc::new(ProviderConfig {
            alias: alias.map(str::to_string),
            region: Some(Value::string(region)),
            ..ProviderConfig::implied(name)
        })
    }

    #[test]
    fn children_inherit_defaults_and_mapped_aliases_only() {
        let mut parent = ProviderMap::new();
        parent.insert("aws".into(), config("aws", None, "us-east-1"));
        parent.insert("aws.west".into(), config("aws", Some("west"), "us-west-2"));
        let (child, missing) = inherit(&parent, &[]);
        assert_eq!(child.keys().collect::<Vec<_>>(), vec!["aws"]);
        assert!(missing.is_empty());

        let (child, missing) = inherit(
            &parent,
            &[
                ("aws".into(), "aws.west".into()),
                ("aws.x".into(), "aws.nope".into()),
            ],
        );
        assert_eq!(child["aws"].region, Some(Value::string("us-west-2")));
        assert_eq!(missing, vec!["aws.nope"]);
    }

    #[test]
    fn implied_provider_is_the_type_prefix() {
        assert_eq!(implied_provider("aws_eks_node_group"), "aws");
        assert_eq!(implied_provider("google_container_node_pool"), "google");
        assert_eq!(implied_provider("azurerm_linux_virtual_machine"), "azurerm");
    }
}
