//! Evaluates the policy set over resources: one partial-evaluation request per resource
//! (and per "world" where the resource's tag keys or environment are open), three-valued
//! decisions of residuals, waivers, finding locations and messages. Resources are
//! evaluated in parallel; the result is sorted. Does not load or validate policies.

use std::collections::{BTreeSet, HashMap};

use cedar_policy::{AuthorizationError, Authorizer, Context, PolicyId, Request};
use rayon::prelude::*;

use crate::model::{
    Fact, Finding, Location, Resource, SourceFormat, Status, Suppression, UnknownInput,
};

use super::context::{self, Contexts, EnvKey};
use super::entities::{Facts, ResourceEntities, World};
use super::message::{self, RenderInput};
use super::residual::{self, Tri};
use super::settings::Settings;
use super::source::FactRef;
use super::{Policies, PolicyInfo};

/// The result of evaluating every policy on every resource.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Evaluation {
    /// Every (policy, resource) outcome that is not a pass, sorted.
    pub findings: Vec<Finding>,
    /// How many (policy, resource) pairs passed.
    pub passes: usize,
}

/// What one policy concluded about one resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    Fail,
    Pass,
    /// Depends on the named unknowns.
    Unknown(BTreeSet<String>),
    Error(String),
}

impl Outcome {
    fn kind(&self) -> u8 {
        match self {
            Outcome::Fail => 0,
            Outcome::Pass => 1,
            Outcome::Unknown(_) => 2,
            Outcome::Error(_) => 3,
        }
    }
}

pub(crate) fn evaluate(p: &Policies, resources: &[Resource], settings: &Settings) -> Evaluation {
    let respelled: Vec<Resource>;
    let resources = if settings.case_insensitive_tag_keys {
        respelled = resources
            .iter()
            .map(|r| message::with_required_spelling(r, &settings.required_tags))
            .collect();
        &respelled[..]
    } else {
        resources
    };
    let mut universe = p.literals.clone();
    universe.extend(settings.required_tags.iter().cloned());
    let candidates = environment_candidates(p, settings);
    let contexts = Contexts::new(resources, &candidates, settings, &p.schema, &p.uids.action);
    let run = Run {
        p,
        settings,
        universe: &universe,
        contexts: &contexts,
        candidates: &candidates,
    };
    let parts: Vec<(Vec<Finding>, usize)> = resources.par_iter().map(|r| run.resource(r)).collect();
    let mut evaluation = Evaluation::default();
    for (findings, passes) in parts {
        evaluation.findings.extend(findings);
        evaluation.passes += passes;
    }
    evaluation.findings.sort();
    evaluation
}

struct Run<'a> {
    p: &'a Policies,
    settings: &'a Settings,
    universe: &'a BTreeSet<String>,
    contexts: &'a Contexts,
    /// The environments an unknown environment could be.
    candidates: &'a [String],
}

/// Every environment the configuration or a policy names: what an unknown environment is
/// tried as (besides "any other").
fn environment_candidates(p: &Policies, settings: &Settings) -> Vec<String> {
    let mut names: BTreeSet<String> = settings.environments.keys().cloned().collect();
    names.extend(settings.production_environments.iter().cloned());
    names.extend(p.environments.iter().cloned());
    names.into_iter().collect()
}

impl Run<'_> {
    fn resource(&self, r: &Resource) -> (Vec<Finding>, usize) {
        let n = self.p.rules.len();
        let facts = Facts::of(r);
        let key = EnvKey::of(r);
        // `Contexts` holds every environment of `resources`; the fallback is never used.
        let fallback;
        let (params, context) = match self.contexts.get(&key) {
            Some((params, context)) => (params, context),
            None => {
                fallback = (
                    context::env_params(self.settings, &key),
                    Err("no request context for this environment".to_string()),
                );
                (&fallback.0, &fallback.1)
            }
        };
        let entities =
            ResourceEntities::build(r, &facts, &self.p.uids, &self.settings.tag_patterns);
        let outcomes = match (context, &entities) {
            (Ok(c), Ok(e)) => self.outcomes(r, c, e),
            (Err(m), _) | (_, Err(m)) => vec![Outcome::Error(m.clone()); n],
        };
        let input = RenderInput {
            resource: r,
            facts: &facts,
            env: params,
            required_tags: &self.settings.required_tags,
            max_resource_ceiling: self.settings.max_resource_ceiling,
            max_replicas: self.settings.max_replicas,
        };
        let mut findings = Vec::new();
        let mut passes = 0;
        for (rule, outcome) in self.p.rules.iter().zip(outcomes) {
            // A budget or change policy says nothing about a resource, nor a policy about
            // resource types other than the ones it covers.
            if !rule.applies_to("check") || !rule.covers(&r.resource_type) {
                continue;
            }
            let origin = |name: &str| entities.as_ref().ok().and_then(|e| e.origin(name));
            match self.finding(r, rule, outcome, &input, origin) {
                Some(f) => findings.push(f),
                None => passes += 1,
            }
        }
        (findings, passes)
    }

    /// The outcome of every policy (in rule order), combined over the resource's worlds.
    fn outcomes(&self, r: &Resource, context: &Context, e: &ResourceEntities) -> Vec<Outcome> {
        let tag_worlds: &[bool] = if r.tags.more.is_some() {
            &[false, true]
        } else {
            &[false]
        };
        // An unknown environment is tried as each environment the configuration or a
        // policy names, with that environment's settings, and as any other one.
        let env_worlds: Vec<(Option<String>, bool, Option<&Context>)> = match &r.environment {
            None => vec![(None, false, Some(context))],
            Some(Fact::Known(name)) => vec![(Some(name.clone()), false, Some(context))],
            Some(Fact::Unknown(_)) => {
                std::iter::once((None, false, self.world_context(&EnvKey::Other)))
                    .chain(self.candidates.iter().map(|name| {
                        (
                            Some(name.clone()),
                            true,
                            self.world_context(&EnvKey::Known(name.clone())),
                        )
                    }))
                    .collect()
            }
        };
        // grid[tag world][environment world][policy]
        let grid: Vec<Vec<Vec<Outcome>>> = tag_worlds
            .iter()
            .map(|open_tags| {
                env_worlds
                    .iter()
                    .map(|(parent, assume, world_context)| {
                        let world = World {
                            open_tags: *open_tags,
                            parent: parent.clone(),
                            assume_environment: *assume,
                        };
                        match world_context {
                            Some(c) => self.world(r, c, e, &world),
                            None => vec![
                                Outcome::Error(
                                    "no request context for this environment".to_string()
                                );
                                self.p.rules.len()
                            ],
                        }
                    })
                    .collect()
            })
            .collect();
        (0..self.p.rules.len()).map(|i| combine(&grid, i)).collect()
    }

    fn world_context(&self, key: &EnvKey) -> Option<&Context> {
        self.contexts.get(key).and_then(|(_, c)| c.as_ref().ok())
    }

    /// The outcome of every policy in one world.
    fn world(
        &self,
        r: &Resource,
        context: &Context,
        e: &ResourceEntities,
        world: &World,
    ) -> Vec<Outcome> {
        let n = self.p.rules.len();
        let entities = match e.entities(world, self.universe, &self.p.uids, &self.p.schema) {
            Ok(entities) => entities,
            Err(m) => return vec![Outcome::Error(format!("cannot build entities: {m}")); n],
        };
        let request = match Request::new(
            self.p.uids.scanner.clone(),
            self.p.uids.action.clone(),
            self.p.uids.resource(&r.address),
            context.clone(),
            None,
        ) {
            Ok(request) => request,
            Err(m) => return vec![Outcome::Error(format!("cannot build the request: {m}")); n],
        };
        let response =
            Authorizer::new().is_authorized_partial(&request, &self.p.by_action.check, &entities);
        outcomes_of(self.p, &response)
    }

    fn finding<'o>(
        &self,
        r: &Resource,
        rule: &PolicyInfo,
        outcome: Outcome,
        input: &RenderInput<'_>,
        origin: impl Fn(&str) -> Option<&'o str>,
    ) -> Option<Finding> {
        let (status, unknowns, message, help) = match outcome {
            Outcome::Pass => return None,
            Outcome::Fail => (Status::Fail, Vec::new(), None, None),
            Outcome::Unknown(names) => {
                let unknowns: Vec<UnknownInput> = names
                    .into_iter()
                    .map(|fact| UnknownInput {
                        origin: origin(&fact)
                            .unwrap_or("a value that could not be resolved")
                            .to_string(),
                        fact,
                    })
                    .collect();
                // The policy's own message would describe a violation that may not exist.
                let facts: Vec<&str> = unknowns.iter().map(|u| u.fact.as_str()).collect();
                let message = format!(
                    "cannot decide {} for {}: {} {} unknown",
                    rule.id,
                    r.address,
                    join_words(&facts),
                    if facts.len() == 1 { "is" } else { "are" }
                );
                let help = match r.source {
                    _ if facts == ["tags"] && message::cluster_labels_unseen(r) => "scan the node pool with the configuration of its cluster, whose resource_labels GKE also puts on the pool's VMs, or set every required label in the pool's node_config.resource_labels; --unknown fail counts this as a failure".to_string(),
                    SourceFormat::Terraform => "resolve the value (give the variable a default, or pass it with --var or --var-file) to get a definite answer; --unknown fail counts this as a failure".to_string(),
                    _ => format!("resolve the value ({}) to get a definite answer; --unknown fail counts this as a failure", message::value_sources(r)),
                };
                (Status::Unknown, unknowns, Some(message), Some(help))
            }
            Outcome::Error(m) => (
                Status::Error,
                Vec::new(),
                Some(format!(
                    "policy `{}` could not be evaluated for {}: {m}",
                    rule.id, r.address
                )),
                Some(
                    "fix the policy so it cannot fail at run time (for example, keep arithmetic from overflowing); until then this resource is not checked by it"
                        .to_string(),
                ),
            ),
        };
        let suppression = match status {
            Status::Fail | Status::Unknown => self.waiver(r, &rule.id),
            Status::Suppressed
            | Status::Error
            | Status::PendingApproval
            | Status::Approved
            | Status::Baselined => None,
        };
        Some(Finding {
            policy_id: rule.id.clone(),
            severity: rule.severity,
            status: if suppression.is_some() {
                Status::Suppressed
            } else {
                status
            },
            root: r.root.clone(),
            address: r.address.clone(),
            resource_type: r.resource_type.clone(),
            location: location(r, rule),
            message: message.unwrap_or_else(|| rule.message_template.render(input)),
            help: self.with_tag_hints(
                r,
                rule,
                status,
                help.or_else(|| rule.help_template.as_ref().map(|t| t.render(input))),
            ),
            unknowns,
            suppression,
            approval: None,
        })
    }

    /// A required-tags failure says first what the policy's help cannot know: that a key
    /// is written in another case. Where a resource type's labels go elsewhere than the
    /// usual advice says (a GKE node pool), that advice replaces the policy's.
    fn with_tag_hints(
        &self,
        r: &Resource,
        rule: &PolicyInfo,
        status: Status,
        help: Option<String>,
    ) -> Option<String> {
        if status != Status::Fail || !rule.message_template.names_missing_tags() {
            return help;
        }
        let help = match message::labels_attribute_help(r) {
            Some(advice) => Some(format!(
                "{advice}; to accept the gap, waive {} for this resource",
                rule.id
            )),
            None => help,
        };
        let hints: Vec<String> = message::case_hint(r, &self.settings.required_tags)
            .into_iter()
            .chain(help)
            .collect();
        (!hints.is_empty()).then(|| hints.join("; "))
    }

    /// The unexpired waiver covering `policy_id` on `r`: inline waivers first, then the
    /// configuration's, each in the order given.
    fn waiver(&self, r: &Resource, policy_id: &str) -> Option<Suppression> {
        let s = self.settings;
        r.waivers
            .iter()
            .find(|(id, w)| id == policy_id && s.waiver_active(w.expires))
            .map(|(_, w)| w.clone())
            .or_else(|| s.config_waiver(policy_id, &r.root, &r.address))
    }
}

/// Combines one policy's outcomes over all worlds: an error wins; fail or pass when all
/// worlds agree; otherwise unknown, naming the unknowns of every world plus `tags` or
/// `environment` when the worlds that differ only in that respect disagree.
fn combine(grid: &[Vec<Vec<Outcome>>], i: usize) -> Outcome {
    let all: Vec<&Outcome> = grid
        .iter()
        .flat_map(|row| row.iter().filter_map(|w| w.get(i)))
        .collect();
    if let Some(error) = all.iter().find(|o| matches!(o, Outcome::Error(_))) {
        return (*error).clone();
    }
    let Some(first) = all.first() else {
        return Outcome::Pass;
    };
    if all.iter().all(|o| o == first) {
        return (*first).clone();
    }
    let mut names = BTreeSet::new();
    for o in &all {
        if let Outcome::Unknown(n) = o {
            names.extend(n.iter().cloned());
        }
    }
    let kind = |t: usize, e: usize| {
        grid.get(t)
            .and_then(|row| row.get(e))
            .and_then(|w| w.get(i))
            .map(Outcome::kind)
    };
    let envs = grid.first().map_or(0, Vec::len);
    if (0..envs).any(|e| (1..grid.len()).any(|t| kind(t, e) != kind(0, e))) {
        names.insert("tags".to_string());
    }
    if (0..grid.len()).any(|t| (1..envs).any(|e| kind(t, e) != kind(t, 0))) {
        names.insert("environment".to_string());
    }
    Outcome::Unknown(names)
}

/// The outcome of every policy (in rule order) from one partial response: satisfied is a
/// failure, a residual is decided three-valued, an error is reported as an error.
pub(crate) fn outcomes_of(p: &Policies, response: &cedar_policy::PartialResponse) -> Vec<Outcome> {
    let n = p.rules.len();
    let mut out = vec![Outcome::Pass; n];
    let mut set = |id: &PolicyId, outcome: Outcome| {
        if let Some(slot) = p.index.get(id).and_then(|i| out.get_mut(*i)) {
            *slot = outcome;
        }
    };
    for policy in response.definitely_satisfied() {
        set(policy.id(), Outcome::Fail);
    }
    for policy in response.nontrivial_residuals() {
        let outcome = match policy.to_json() {
            Err(m) => Outcome::Error(format!("cannot read the residual policy: {m}")),
            Ok(est) => match residual::policy_truth(&est) {
                Tri::True => Outcome::Fail,
                Tri::False => Outcome::Pass,
                Tri::Unknown => {
                    let mut names = BTreeSet::new();
                    residual::unknown_names(&est, &mut names);
                    Outcome::Unknown(names)
                }
            },
        };
        set(policy.id(), outcome);
    }
    let errored: Vec<PolicyId> = response.definitely_errored().cloned().collect();
    if !errored.is_empty() {
        let mut messages: HashMap<PolicyId, String> = HashMap::new();
        for error in response.clone().concretize().diagnostics().errors() {
            let AuthorizationError::PolicyEvaluationError(pe) = error;
            messages
                .entry(pe.policy_id().clone())
                .or_insert_with(|| pe.inner().to_string());
        }
        for id in errored {
            let message = messages
                .remove(&id)
                .unwrap_or_else(|| "evaluation failed".to_string());
            set(&id, Outcome::Error(message));
        }
    }
    out
}

/// Facts that have no location of their own use the location of the fact they derive
/// from.
fn fact_aliases(name: &str) -> &[&str] {
    match name {
        "instance_families" => &["instance_families", "instance_types", "instance_type"],
        "instance_types" => &["instance_types", "instance_type"],
        "accelerators_max" => &[
            "accelerators_max",
            "count_max",
            "replicas_max",
            "accelerator_count",
            "gpu_count",
        ],
        "count_max" => &["count_max", "replicas_max"],
        "count_min" => &["count_min", "replicas_min"],
        "count_desired" => &["count_desired", "replicas_desired"],
        "accelerator_count" => &["accelerator_count", "gpu_count"],
        "has_gpu_limits" => &["has_gpu_limits", "gpu_count"],
        "nodepool_has_limits" | "nodepool_accelerators" => &["nodepool_limits"],
        _ => &[],
    }
}

/// `a`, `a and b`, `a, b and c`.
fn join_words(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Where a finding points: the facts named by `@location` when the policy has one, else
/// the first fact the policy reads that has a location; the resource block otherwise.
fn location(r: &Resource, rule: &PolicyInfo) -> Location {
    if let Some(named) = &rule.location {
        return named
            .iter()
            .find_map(|name| {
                let aliases = fact_aliases(name);
                if aliases.is_empty() {
                    r.fact_locations.get(name)
                } else {
                    aliases.iter().find_map(|a| r.fact_locations.get(*a))
                }
            })
            .unwrap_or(&r.location)
            .clone();
    }
    rule.facts
        .iter()
        .find_map(|f| match f {
            FactRef::Attribute(name) => {
                let aliases = fact_aliases(name);
                if aliases.is_empty() {
                    r.fact_locations.get(name)
                } else {
                    aliases.iter().find_map(|a| r.fact_locations.get(*a))
                }
            }
            FactRef::Argument(path) => r.argument_locations.get(path),
        })
        .unwrap_or(&r.location)
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: &[&str]) -> Outcome {
        Outcome::Unknown(n.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn agreeing_worlds_decide() {
        let grid = vec![vec![vec![Outcome::Fail]], vec![vec![Outcome::Fail]]];
        assert_eq!(combine(&grid, 0), Outcome::Fail);
        let grid = vec![vec![vec![Outcome::Pass]], vec![vec![Outcome::Pass]]];
        assert_eq!(combine(&grid, 0), Outcome::Pass);
    }

    #[test]
    fn disagreeing_tag_worlds_are_unknown_naming_tags() {
        let grid = vec![vec![vec![Outcome::Fail]], vec![vec![names(&["tag:team"])]]];
        assert_eq!(combine(&grid, 0), names(&["tag:team", "tags"]));
    }

    #[test]
    fn disagreeing_environment_worlds_name_environment() {
        let grid = vec![vec![vec![Outcome::Pass], vec![Outcome::Fail]]];
        assert_eq!(combine(&grid, 0), names(&["environment"]));
    }

    #[test]
    fn errors_win() {
        let grid = vec![
            vec![vec![Outcome::Pass]],
            vec![vec![Outcome::Error("overflow".into())]],
        ];
        assert_eq!(combine(&grid, 0), Outcome::Error("overflow".into()));
    }
}
