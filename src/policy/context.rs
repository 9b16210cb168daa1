//! The request context of one environment: required tags, whether it is production, and
//! its accelerator rules, taken from [`Settings`]. An unknown environment makes every
//! field that differs between environments an unknown named `environment`. Contexts are
//! built and checked against the schema once per distinct environment, not per resource.

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use cedar_policy::{Context, EntityUid, RestrictedExpression, Schema};

use crate::model::{Fact, Resource};

use super::settings::Settings;

/// A context field that may be absent, known, or depend on an unknown environment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Param<T> {
    Absent,
    Known(T),
    Unknown,
}

/// The configuration values for one environment, as the context carries them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct EnvParams {
    /// Never `Absent`.
    pub production: Param<bool>,
    pub allowed_families: Param<Vec<String>>,
    pub max_accelerators: Param<i64>,
}

/// What is known about a resource's environment.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum EnvKey {
    /// The resource belongs to no environment.
    None,
    Known(String),
    Unknown,
    /// One world of an unknown environment: an environment the configuration and policies
    /// do not name, so it is not production and gets the global settings.
    Other,
}

impl EnvKey {
    pub(crate) fn of(r: &Resource) -> EnvKey {
        match &r.environment {
            None => EnvKey::None,
            Some(Fact::Known(e)) => EnvKey::Known(e.clone()),
            Some(Fact::Unknown(_)) => EnvKey::Unknown,
        }
    }
}

fn param<T>(value: Option<T>) -> Param<T> {
    match value {
        Some(v) => Param::Known(v),
        None => Param::Absent,
    }
}

/// One value if every candidate agrees, else `Unknown`.
fn agree<T: PartialEq>(mut candidates: impl Iterator<Item = Param<T>>) -> Param<T> {
    let Some(first) = candidates.next() else {
        return Param::Unknown;
    };
    if candidates.all(|c| c == first) {
        first
    } else {
        Param::Unknown
    }
}

/// The parameters for the environment `key`.
pub(crate) fn env_params(settings: &Settings, key: &EnvKey) -> EnvParams {
    match key {
        EnvKey::None | EnvKey::Other => EnvParams {
            production: Param::Known(false),
            allowed_families: param(settings.allowed_families_for(None).cloned()),
            max_accelerators: param(settings.max_accelerators_for(None)),
        },
        EnvKey::Known(e) => EnvParams {
            production: Param::Known(settings.is_production(e)),
            allowed_families: param(settings.allowed_families_for(Some(e)).cloned()),
            max_accelerators: param(settings.max_accelerators_for(Some(e))),
        },
        EnvKey::Unknown => {
            // Every configured environment, plus any other name (which gets the global
            // values): a field is known only if all of them agree.
            let configured: Vec<&String> = settings.environments.keys().collect();
            let families = configured
                .iter()
                .map(|e| settings.allowed_families_for(Some(e)).cloned())
                .chain([settings.allowed_accelerator_families.clone()])
                .map(param);
            let max = configured
                .iter()
                .map(|e| settings.max_accelerators_for(Some(e)))
                .chain([settings.max_accelerators])
                .map(param);
            EnvParams {
                production: if settings.production_environments.is_empty() {
                    Param::Known(false)
                } else {
                    Param::Unknown
                },
                allowed_families: agree(families),
                max_accelerators: agree(max),
            }
        }
    }
}

fn strings(v: &[String]) -> RestrictedExpression {
    super::entities::string_set(v.iter().map(String::as_str))
}

/// The context pairs. With `placeholders`, unknowns are replaced by typed stand-ins so
/// the shape can be checked against the schema (Cedar cannot check unknowns).
fn pairs(
    settings: &Settings,
    params: &EnvParams,
    placeholders: bool,
) -> Vec<(String, RestrictedExpression)> {
    let unknown = |standin: RestrictedExpression| {
        if placeholders {
            standin
        } else {
            RestrictedExpression::new_unknown("environment")
        }
    };
    let mut out = vec![(
        "required_tags".to_string(),
        strings(&settings.required_tags),
    )];
    out.push((
        "production".to_string(),
        match params.production {
            Param::Known(b) => RestrictedExpression::new_bool(b),
            Param::Absent | Param::Unknown => unknown(RestrictedExpression::new_bool(false)),
        },
    ));
    match &params.allowed_families {
        Param::Absent => {}
        Param::Known(v) => out.push(("allowed_accelerator_families".to_string(), strings(v))),
        Param::Unknown => out.push((
            "allowed_accelerator_families".to_string(),
            unknown(strings(&[])),
        )),
    }
    if let Some(limit) = settings.max_resource_ceiling {
        out.push((
            "max_resource_ceiling".to_string(),
            RestrictedExpression::new_decimal(limit.to_cedar_decimal()),
        ));
    }
    if let Some(limit) = settings.max_replicas {
        out.push((
            "max_replicas".to_string(),
            RestrictedExpression::new_long(limit),
        ));
    }
    match params.max_accelerators {
        Param::Absent => {}
        Param::Known(n) => out.push((
            "max_accelerators".to_string(),
            RestrictedExpression::new_long(n),
        )),
        Param::Unknown => out.push((
            "max_accelerators".to_string(),
            unknown(RestrictedExpression::new_long(0)),
        )),
    }
    out
}

/// A context for `params`, checked against the schema.
pub(crate) fn build(
    settings: &Settings,
    params: &EnvParams,
    schema: &Schema,
    action: &EntityUid,
) -> Result<Context, String> {
    let checked = Context::from_pairs(pairs(settings, params, true)).map_err(|e| e.to_string())?;
    checked
        .validate(schema, action)
        .map_err(|e| format!("{e}"))?;
    Context::from_pairs(pairs(settings, params, false)).map_err(|e| e.to_string())
}

/// Contexts (or the reason one could not be built) and parameters for every distinct
/// environment among `resources`.
pub(crate) struct Contexts {
    by_env: HashMap<EnvKey, (EnvParams, Result<Context, String>)>,
}

impl Contexts {
    /// Contexts for every environment of `resources`; when some environment is unknown,
    /// also for every environment it could be (`candidates`) and for any other.
    pub(crate) fn new(
        resources: &[Resource],
        candidates: &[String],
        settings: &Settings,
        schema: &Schema,
        action: &EntityUid,
    ) -> Contexts {
        let mut keys: Vec<EnvKey> = resources.iter().map(EnvKey::of).collect();
        if keys.contains(&EnvKey::Unknown) {
            keys.extend(candidates.iter().cloned().map(EnvKey::Known));
            keys.push(EnvKey::Other);
        }
        let mut by_env = HashMap::new();
        for key in keys {
            if let Entry::Vacant(slot) = by_env.entry(key) {
                let params = env_params(settings, slot.key());
                let context = build(settings, &params, schema, action);
                slot.insert((params, context));
            }
        }
        Contexts { by_env }
    }

    pub(crate) fn get(&self, key: &EnvKey) -> Option<&(EnvParams, Result<Context, String>)> {
        self.by_env.get(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::settings::EnvironmentSettings;

    #[test]
    fn unknown_environments_are_unknown_only_where_environments_differ() {
        let s = Settings::default();
        let p = env_params(&s, &EnvKey::Unknown);
        assert_eq!(p.production, Param::Unknown);
        assert_eq!(p.allowed_families, Param::Unknown);
        // dev and staging set no limit of their own, so every environment has 64.
        assert_eq!(p.max_accelerators, Param::Known(64));

        let mut s = Settings::default();
        s.environments.insert(
            "prod".into(),
            EnvironmentSettings {
                allowed_accelerator_families: None,
                max_accelerators: Some(512),
            },
        );
        assert_eq!(
            env_params(&s, &EnvKey::Unknown).max_accelerators,
            Param::Unknown
        );
        assert_eq!(
            env_params(&s, &EnvKey::Known("prod".into())).max_accelerators,
            Param::Known(512)
        );
    }

    #[test]
    fn no_environment_means_not_production_and_global_rules() {
        let s = Settings::default();
        let p = env_params(&s, &EnvKey::None);
        assert_eq!(p.production, Param::Known(false));
        assert_eq!(p.allowed_families, Param::Absent);
        assert_eq!(p.max_accelerators, Param::Known(64));
    }
}
