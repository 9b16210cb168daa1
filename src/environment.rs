//! Decides which environment (`dev`, `prod`, ...) each resource belongs to, from the
//! configured tag first and path patterns second. A tag whose value cannot be resolved
//! makes the environment unknown; it is never guessed from the path instead.

use globset::{GlobBuilder, GlobMatcher};

use crate::config::EnvironmentRules;
use crate::model::{Fact, Resource};

/// Compiled environment rules.
pub struct EnvironmentClassifier {
    tag: Option<String>,
    paths: Vec<(GlobMatcher, String)>,
}

/// Compiles a glob the way users expect from `.gitignore`: `*` stays within one directory.
pub fn glob(pattern: &str) -> Result<GlobMatcher, globset::Error> {
    Ok(GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()?
        .compile_matcher())
}

impl EnvironmentClassifier {
    pub fn new(rules: &EnvironmentRules) -> Result<EnvironmentClassifier, globset::Error> {
        let paths = rules
            .paths
            .iter()
            .map(|r| Ok((glob(&r.pattern)?, r.environment.clone())))
            .collect::<Result<_, globset::Error>>()?;
        Ok(EnvironmentClassifier {
            tag: rules.tag.clone(),
            paths,
        })
    }

    /// Sets `environment` (and its fact location) on every resource.
    pub fn assign(&self, resources: &mut [Resource]) {
        for r in resources {
            r.environment = self.classify(r);
            // An environment read from a sensitive tag is not shown either.
            if let (Some(tag), Some(Fact::Known(_))) = (&self.tag, &r.environment) {
                if r.sensitive.hides_tag(tag) {
                    r.sensitive
                        .facts
                        .insert(crate::model::Sensitive::ENVIRONMENT.to_string());
                }
            }
            if let (Some(tag), Some(_)) = (&self.tag, &r.environment) {
                if r.tags.entries.contains_key(tag) || r.tags.more.is_some() {
                    if let Some(loc) = r.fact_locations.get("tags").cloned() {
                        r.fact_locations
                            .entry("environment".to_string())
                            .or_insert(loc);
                    }
                }
            }
        }
    }

    fn classify(&self, r: &Resource) -> Option<Fact<String>> {
        if let Some(tag) = &self.tag {
            match r.tags.entries.get(tag) {
                Some(value) => return Some(value.clone()),
                None => {
                    if let Some(u) = &r.tags.more {
                        return Some(Fact::Unknown(u.clone()));
                    }
                }
            }
        }
        // `envs/prod/**` matches a root directory `envs/prod` through `envs/prod/`.
        let root = format!("{}/", r.root);
        self.paths
            .iter()
            .find(|(glob, _)| glob.is_match(&root) || glob.is_match(r.location.file.as_ref()))
            .map(|(_, env)| Fact::Known(env.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::PathRule;
    use crate::model::{Location, Map, ProviderRef, SourceFormat, Tags, Unknown};
    use std::collections::BTreeMap;

    fn resource(root: &str, tags: &[(&str, Fact<String>)], open: bool) -> Resource {
        Resource {
            root: root.into(),
            address: "aws_instance.x".into(),
            resource_type: "aws_instance".into(),
            source: SourceFormat::Terraform,
            location: Location::file_start(format!("{root}/main.tf").into()),
            argument_locations: BTreeMap::new(),
            provider: ProviderRef {
                name: "aws".into(),
                alias: None,
            },
            region: None,
            environment: None,
            taggable: true,
            tags: Tags {
                entries: tags
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.clone()))
                    .collect(),
                more: open.then(|| Unknown::new("var.extra has no default")),
            },
            compute: None,
            fact_locations: BTreeMap::new(),
            waivers: Vec::new(),
            attributes: Map::new(),
            cost: None,
            workload: None,
            sensitive: Default::default(),
        }
    }

    fn classifier() -> EnvironmentClassifier {
        EnvironmentClassifier::new(&EnvironmentRules {
            tag: Some("env".into()),
            paths: vec![PathRule {
                pattern: "envs/prod/**".into(),
                environment: "prod".into(),
            }],
            production: vec![],
        })
        .unwrap()
    }

    #[test]
    fn the_tag_wins_then_the_path() {
        let c = classifier();
        let tagged = resource("envs/prod", &[("env", Fact::Known("dev".into()))], false);
        assert_eq!(c.classify(&tagged), Some(Fact::Known("dev".into())));
        let untagged = resource("envs/prod", &[], false);
        assert_eq!(c.classify(&untagged), Some(Fact::Known("prod".into())));
        let elsewhere = resource("envs/production", &[], false);
        assert_eq!(c.classify(&elsewhere), None);
    }

    #[test]
    fn an_open_tag_map_makes_the_environment_unknown() {
        let c = classifier();
        let open = resource("envs/prod", &[], true);
        assert_eq!(
            c.classify(&open),
            Some(Fact::Unknown(Unknown::new("var.extra has no default")))
        );
    }
}
