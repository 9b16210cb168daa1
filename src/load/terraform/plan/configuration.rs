//! The `configuration` part of a plan: the module tree (resources and module calls by
//! module-relative address), the provider configuration each resource uses (region,
//! `default_tags`), and the expression behind each attribute, so an unknown value can name
//! the resource it comes from, as static evaluation does.

use std::cell::OnceCell;
use std::collections::{BTreeSet, HashMap};

use serde_json::Value as Json;

use super::values::plain;
use crate::load::terraform::providers::ProviderConfig;
use crate::model::Value;

/// Names Terraform uses for things that are not resources in a reference.
const NOT_RESOURCES: &[&str] = &[
    "var",
    "local",
    "module",
    "data",
    "each",
    "count",
    "path",
    "terraform",
    "self",
];

/// The plan's `configuration` and top-level `variables`.
pub struct Configuration<'a> {
    configuration: &'a Json,
    variables: &'a Json,
    /// (module path, `type.name`) → the resource's configuration, built on first use so
    /// that a plan with many resources does not scan the list once per resource.
    resources: OnceCell<HashMap<(Vec<String>, &'a str), &'a Json>>,
}

impl<'a> Configuration<'a> {
    pub fn new(plan: &'a Json) -> Configuration<'a> {
        Configuration {
            configuration: plan.get("configuration").unwrap_or(&Json::Null),
            variables: plan.get("variables").unwrap_or(&Json::Null),
            resources: OnceCell::new(),
        }
    }

    /// The module at `path` (call names from the root: `["gpu_pool"]`).
    pub fn module(&self, path: &[String]) -> Option<&'a Json> {
        let mut module = self.configuration.get("root_module")?;
        for name in path {
            module = module.get("module_calls")?.get(name)?.get("module")?;
        }
        Some(module)
    }

    /// A module call's `source` as written, for the call `name` in the module at `path`.
    pub fn call_source(&self, path: &[String], name: &str) -> Option<&'a str> {
        self.module(path)?
            .get("module_calls")?
            .get(name)?
            .get("source")?
            .as_str()
    }

    /// The configuration of the resource `local` (`aws_instance.gpu`) in the module at `path`.
    pub fn resource(&self, path: &[String], local: &str) -> Option<&'a Json> {
        let index = self.resources.get_or_init(|| self.resource_index());
        index.get(&(path.to_vec(), local)).copied()
    }

    /// Every resource of every module, the first of an address winning, as a scan would.
    fn resource_index(&self) -> HashMap<(Vec<String>, &'a str), &'a Json> {
        let mut index = HashMap::new();
        let Some(root) = self.configuration.get("root_module") else {
            return index;
        };
        let mut modules: Vec<(Vec<String>, &'a Json)> = vec![(Vec::new(), root)];
        while let Some((path, module)) = modules.pop() {
            for r in module
                .get("resources")
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(address) = r.get("address").and_then(Json::as_str) {
                    index.entry((path.clone(), address)).or_insert(r);
                }
            }
            for (name, call) in module
                .get("module_calls")
                .and_then(Json::as_object)
                .into_iter()
                .flatten()
            {
                if let Some(child) = call.get("module") {
                    let mut child_path = path.clone();
                    child_path.push(name.clone());
                    modules.push((child_path, child));
                }
            }
        }
        index
    }

    /// What the root module declares: managed resources as `type.name` and module calls as
    /// `module.name`. A directory of `.tf` files stands for the plan when it declares
    /// exactly these.
    pub fn root_names(&self) -> BTreeSet<String> {
        let mut names = BTreeSet::new();
        let Some(root) = self.module(&[]) else {
            return names;
        };
        for r in root
            .get("resources")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            let managed = r.get("mode").and_then(Json::as_str) != Some("data");
            if let (true, Some(address)) = (managed, r.get("address").and_then(Json::as_str)) {
                names.insert(address.to_string());
            }
        }
        for name in root
            .get("module_calls")
            .and_then(Json::as_object)
            .into_iter()
            .flat_map(|calls| calls.keys())
        {
            names.insert(format!("module.{name}"));
        }
        names
    }

    /// The provider configuration `key` (`aws`, `aws.west`; a resource's
    /// `provider_config_key`) as static evaluation would have built it. `provider_name`
    /// (`registry.terraform.io/hashicorp/aws`) names it when the key is missing.
    pub fn provider(&self, key: Option<&str>, provider_name: &str) -> ProviderConfig {
        let fallback = provider_name.rsplit('/').next().unwrap_or(provider_name);
        let config = key.and_then(|k| self.configuration.get("provider_config")?.get(k));
        let Some(config) = config else {
            return ProviderConfig::implied(fallback);
        };
        let name = config
            .get("name")
            .and_then(Json::as_str)
            .unwrap_or(fallback);
        let label = key.unwrap_or(name);
        // Expressions of a provider configured inside a module refer to that module's
        // variables, which the plan does not record.
        let in_root = config.get("module_address").is_none();
        let expressions = config.get("expressions").unwrap_or(&Json::Null);
        let argument = |arg: &str| {
            expressions
                .get(arg)
                .map(|e| self.provider_value(e, label, arg, in_root))
        };
        // `default_tags` is a block: a list of one `{"tags": expression}`.
        let default_tags = expressions
            .get("default_tags")
            .and_then(|b| b.get(0))
            .and_then(|b| b.get("tags"))
            .map(|e| self.provider_value(e, label, "default_tags", in_root));
        ProviderConfig {
            name: name.to_string(),
            alias: config
                .get("alias")
                .and_then(Json::as_str)
                .map(str::to_string),
            region: argument("region"),
            zone: argument("zone"),
            default_tags,
            default_labels: argument("default_labels"),
            location: None,
            // A plan was made, so the provider accepted its region.
            region_location: None,
            zone_location: None,
            skip_region_validation: true,
        }
    }

    /// A provider argument: a constant, a root variable's value, else unknown naming the
    /// expression.
    fn provider_value(&self, expr: &Json, provider: &str, arg: &str, in_root: bool) -> Value {
        if let Some(constant) = expr.get("constant_value") {
            return plain(constant);
        }
        let references: Vec<&str> = expr
            .get("references")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .filter_map(Json::as_str)
            .collect();
        if let ([only], true) = (references.as_slice(), in_root) {
            if let Some(value) = only
                .strip_prefix("var.")
                .and_then(|name| self.variables.get(name))
                .and_then(|v| v.get("value"))
            {
                return plain(value);
            }
        }
        let from = if references.is_empty() {
            "an expression".to_string()
        } else {
            references.join(", ")
        };
        Value::unknown(format!(
            "provider \"{provider}\" sets {arg} from {from}, which the plan JSON does not record"
        ))
    }
}

/// The expression of the attribute at `path` (`scaling_config[0].desired_size`) in a
/// resource's `expressions`; stops at the first whole expression on the way (a map written
/// as one expression holds its keys).
pub fn expression_at<'a>(expressions: &'a Json, path: &str) -> Option<&'a Json> {
    let mut node = expressions;
    for segment in segments(path) {
        if is_expression(node) {
            return Some(node);
        }
        node = match segment {
            Segment::Key(k) => node.get(k)?,
            // A block is a list of one expression object per block written.
            Segment::Index(i) => node.get(i).or_else(|| node.get(0))?,
        };
    }
    Some(node)
}

fn is_expression(node: &Json) -> bool {
    node.get("references").is_some() || node.get("constant_value").is_some()
}

/// The resource (`type.name`) an expression refers to, the first one in source order.
pub fn resource_reference(expr: &Json) -> Option<String> {
    expr.get("references")?
        .as_array()?
        .iter()
        .filter_map(Json::as_str)
        .find_map(|r| {
            let mut parts = r.split('.');
            let kind = parts.next()?;
            let name = parts.next()?;
            let name = name.split('[').next().unwrap_or(name);
            (kind.contains('_') && !NOT_RESOURCES.contains(&kind) && !name.is_empty())
                .then(|| format!("{kind}.{name}"))
        })
}

enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

/// `a[0].b` → `a`, `0`, `b`.
fn segments(path: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let mut pieces = part.split('[');
        if let Some(key) = pieces.next().filter(|k| !k.is_empty()) {
            out.push(Segment::Key(key));
        }
        for index in pieces {
            if let Ok(i) = index.trim_end_matches(']').parse() {
                out.push(Segment::Index(i));
            }
        }
    }
    out
}

/// The call names of a module instance address: `module.a["x.y"].module.b[0]` → `a`, `b`.
pub fn module_names(address: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = address;
    while let Some(after) = rest.strip_prefix("module.") {
        let end = after.find(['[', '.']).unwrap_or(after.len());
        names.push(after.get(..end).unwrap_or("").to_string());
        rest = after.get(end..).unwrap_or("");
        if rest.starts_with('[') {
            rest = skip_key(rest);
        }
        rest = rest.strip_prefix('.').unwrap_or(rest);
    }
    names
}

/// Skips one `[...]` instance key, honouring quotes and escapes inside it.
fn skip_key(text: &str) -> &str {
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            ']' if !in_string => return text.get(i + 1..).unwrap_or(""),
            _ => {}
        }
    }
    ""
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn module_names_skip_instance_keys() {
        assert_eq!(
            module_names(r#"module.a["x.y]\"z"].module.b[0]"#),
            vec!["a", "b"]
        );
        assert_eq!(module_names("module.gpu_pool"), vec!["gpu_pool"]);
        assert!(module_names("").is_empty());
    }

    #[test]
    fn an_attribute_finds_its_expression_and_the_resource_it_refers_to() {
        let expressions = json!({
            "launch_template": [{"id": {"references": ["aws_launch_template.gpu[0].id", "aws_launch_template.gpu"]}}],
            "scaling_config": [{"desired_size": {"references": ["var.size"]}}],
            "tags": {"references": ["local.tags"]},
        });
        let at = |p| expression_at(&expressions, p).and_then(resource_reference);
        assert_eq!(
            at("launch_template[0].id").as_deref(),
            Some("aws_launch_template.gpu")
        );
        assert_eq!(at("scaling_config[0].desired_size"), None);
        assert_eq!(
            expression_at(&expressions, "tags.team"),
            Some(&json!({"references": ["local.tags"]}))
        );
        assert_eq!(expression_at(&expressions, "nothing"), None);
    }

    #[test]
    fn provider_arguments_come_from_constants_and_root_variables() {
        let plan = json!({
            "configuration": {"provider_config": {"aws": {
                "name": "aws",
                "expressions": {
                    "region": {"references": ["var.region"]},
                    "default_tags": [{"tags": {"references": ["local.default_tags"]}}],
                },
            }}},
            "variables": {"region": {"value": "eu-west-1"}},
        });
        let config = Configuration::new(&plan);
        let aws = config.provider(Some("aws"), "registry.terraform.io/hashicorp/aws");
        assert_eq!(aws.region, Some(Value::string("eu-west-1")));
        assert_eq!(
            aws.default_tags,
            Some(Value::unknown(
                "provider \"aws\" sets default_tags from local.default_tags, which the plan JSON does not record"
            ))
        );
        let google = config.provider(Some("google"), "registry.terraform.io/hashicorp/google");
        assert_eq!(google, ProviderConfig::implied("google"));
    }
}
