//! Cedar policies over normalized resources: loading and validating policy files
//! ([`Policies::load`]), and evaluating them over [`Resource`]s ([`Policies::evaluate`]),
//! with a fail, pass, unknown, suppressed or error outcome per (policy, resource).
//!
//! The schema (`policies/schema.cedarschema`) and the default pack (`policies/*.cedar`)
//! are compiled in; `docs/policies.md` documents the interface. This module does no
//! printing and reads no configuration file: [`Settings`] arrives filled in.
//!
//! Submodules: `load` (files → validated set), `annotations`, `message` (placeholders),
//! `ids` (policy ids the user writes), `source` (text positions), `schema`, `entities` (resource → Cedar entities),
//! `computed` (tag values, tag-value patterns, numeric arguments),
//! `workload` (facts of Kubernetes workloads), `context`, `evaluate`, `residual`
//! (three-valued decisions), `settings`, `error`.

mod annotations;
mod approval;
pub mod baseline;
mod budgets;
mod change;
mod computed;
mod context;
mod entities;
mod error;
mod evaluate;
mod ids;
mod load;
pub use load::policy_files;
mod message;
mod nesting;
mod residual;
pub mod savings;
mod schema;
mod settings;
mod source;
mod waiver_rules;
mod workload;

use std::collections::{BTreeSet, HashMap};

use cedar_policy::{PolicyId, PolicySet, Schema};

use crate::model::{Finding, Resource, Rule, SavingKind, Severity};

pub use approval::Reviews;
pub use computed::{TagPattern, PATTERN_SIZE_LIMIT};
pub use entities::instance_family;

/// Accelerators a resource can run at maximum scale (`accelerators_max`); `None` when it
/// is not a compute resource or the number does not apply.
pub fn accelerators_at_max_scale(r: &Resource) -> Option<crate::model::Fact<i64>> {
    entities::Facts::of(r).accelerators_max
}
pub use error::{PolicyLoadError, PolicyLoadErrors};
pub use evaluate::Evaluation;
pub use ids::UnknownPolicyId;
pub use load::LoadOptions;
pub use schema::{BUILTIN_POLICIES, SCHEMA};
pub use settings::{
    glob_match, ApprovalRules, EnvironmentSettings, Guardrails, Settings, Waiver,
    INFERENCE_FAMILIES,
};
pub use waiver_rules::{expired_rule, WaiverRules, EXPIRED_ID};

/// A loaded, validated policy set, ready to evaluate. Load once per run.
#[derive(Debug)]
pub struct Policies {
    schema: Schema,
    set: PolicySet,
    /// The policies each action's requests can reach, so a request evaluates only those.
    by_action: ByAction,
    /// Sorted by id.
    rules: Vec<PolicyInfo>,
    /// Ids of the approval policies (`Action::"approve"`), sorted; they decide who may
    /// approve a change's finding and give no findings themselves.
    approvals: Vec<String>,
    index: HashMap<PolicyId, usize>,
    /// Every string literal in any policy (part of the tag key universe).
    literals: BTreeSet<String>,
    /// Every `Environment::"..."` literal in any policy.
    environments: BTreeSet<String>,
    uids: entities::Uids,
    warnings: Vec<PolicyLoadError>,
    /// The savings advice kinds (AIC-SAVE-*) the run gives: computed findings, not Cedar
    /// policies, selected by `--policy` and `--skip-policy` like them.
    savings: Vec<SavingKind>,
}

/// The policy set split by the action a policy's scope allows (a policy without an
/// action constraint is in each).
#[derive(Debug, Default)]
struct ByAction {
    check: PolicySet,
    budget: PolicySet,
    change: PolicySet,
    approve: PolicySet,
}

impl ByAction {
    fn of(set: &PolicySet) -> ByAction {
        let mut by = ByAction::default();
        for policy in set.policies() {
            for (action, part) in [
                ("check", &mut by.check),
                ("budget", &mut by.budget),
                ("change", &mut by.change),
                ("approve", &mut by.approve),
            ] {
                if load::allows(policy, action) {
                    // Ids are unique in `set`, so adding to a part cannot fail.
                    let _ = part.add(policy.clone());
                }
            }
        }
        by
    }
}

/// What reports need to know about one policy (rule metadata for SARIF, listings).
#[derive(Clone, Debug)]
pub struct PolicyInfo {
    /// `@id`.
    pub id: String,
    /// `@severity`.
    pub severity: Severity,
    /// `@message`, with its placeholders unfilled.
    pub message: String,
    /// `@help`, with its placeholders unfilled.
    pub help: Option<String>,
    /// `@title`, when the policy has one.
    pub title: Option<String>,
    /// The file the policy was read from (`builtin/<name>.cedar` for the default pack).
    pub file: String,
    /// 1-based line where the policy starts (its first annotation).
    pub line: u32,
    /// Whether the policy is part of the built-in default pack.
    pub builtin: bool,
    message_template: message::Template,
    help_template: Option<message::Template>,
    /// `@location`: facts to point findings at, tried in order.
    location: Option<Vec<String>>,
    /// `@approvers`: the `[approvals.groups]` group whose members can clear a failure of
    /// this policy on a change.
    pub approvers: Option<String>,
    facts: Vec<source::FactRef>,
    /// `@applies_to`: the resource types the policy covers; `None` = every resource.
    pub kinds: Option<Vec<String>>,
    /// The actions the policy's scope names (`check`, `budget`, `change`); `None` = any.
    actions: Option<Vec<String>>,
}

impl PolicyInfo {
    /// Whether a request with the action `action` can reach the policy: passes are
    /// counted only for those.
    pub(crate) fn applies_to(&self, action: &str) -> bool {
        self.actions
            .as_ref()
            .is_none_or(|list| list.iter().any(|a| a == action))
    }

    /// Whether the policy covers resources of `resource_type` (`@applies_to`): others get
    /// neither a finding nor a pass from it.
    pub(crate) fn covers(&self, resource_type: &str) -> bool {
        self.kinds
            .as_ref()
            .is_none_or(|list| list.iter().any(|k| glob_match(k, resource_type)))
    }
}

impl Policies {
    /// Loads the built-in pack (unless disabled) and the user's policy files, and
    /// validates them against the schema. All problems are returned together.
    pub fn load(options: &LoadOptions) -> Result<Policies, PolicyLoadErrors> {
        let (files, errors) = load::read(options);
        load::compile(&files, errors)
    }

    /// Like [`Policies::load`], with policy files given as (file name, text) pairs
    /// instead of directories.
    pub fn from_sources(
        builtin: bool,
        sources: &[(String, String)],
    ) -> Result<Policies, PolicyLoadErrors> {
        let (mut files, errors) = load::read(&LoadOptions {
            builtin,
            dirs: Vec::new(),
        });
        files.extend(sources.iter().map(|(name, text)| load::PolicyFile {
            name: name.clone(),
            text: text.as_str().into(),
            builtin: false,
        }));
        load::compile(&files, errors)
    }

    /// Number of policies.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Policy ids, sorted.
    pub fn ids(&self) -> impl Iterator<Item = &str> + '_ {
        self.rules.iter().map(|r| r.id.as_str())
    }

    /// The Cedar policy ids and the savings advice ids, sorted: every id a user can name.
    pub fn known_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self
            .ids()
            .chain(self.savings.iter().map(|k| k.id()))
            .collect();
        ids.sort_unstable();
        ids
    }

    /// The savings advice kinds `--policy` and `--skip-policy` leave.
    pub fn savings(&self) -> &[SavingKind] {
        &self.savings
    }

    /// Every policy's metadata, sorted by id.
    pub fn rules(&self) -> &[PolicyInfo] {
        &self.rules
    }

    /// Every policy as reports describe it, sorted by id.
    pub fn report_rules(&self) -> Vec<Rule> {
        self.rules
            .iter()
            .map(|r| Rule {
                id: r.id.clone(),
                severity: r.severity,
                title: r.title.clone().unwrap_or_else(|| r.id.clone()),
                message: r.message.clone(),
                help: r.help.clone(),
                file: r.file.clone(),
                line: r.line,
                builtin: r.builtin,
            })
            .collect()
    }

    /// One policy's metadata.
    pub fn rule(&self, id: &str) -> Option<&PolicyInfo> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// Keeps only the policies whose id `keep` accepts (`--policy`, `--skip-policy`). The
    /// whole set was validated first, so a selection never hides an invalid policy.
    pub fn retain(&mut self, keep: impl Fn(&str) -> bool) {
        let (kept, dropped): (Vec<PolicyInfo>, Vec<PolicyInfo>) = std::mem::take(&mut self.rules)
            .into_iter()
            .partition(|r| keep(&r.id));
        for r in dropped {
            // Every rule was added under its id when loading, so this cannot fail; if it
            // did, the rule's outcome would have no slot and be ignored.
            let _ = self.set.remove_static(PolicyId::new(&r.id));
        }
        self.by_action = ByAction::of(&self.set);
        self.rules = kept;
        self.savings.retain(|k| keep(k.id()));
        self.index = self
            .rules
            .iter()
            .enumerate()
            .map(|(i, r)| (PolicyId::new(&r.id), i))
            .collect();
    }

    /// Cedar's validation warnings (policies that can never apply, confusable strings).
    pub fn warnings(&self) -> &[PolicyLoadError] {
        &self.warnings
    }

    /// Evaluates every policy on every resource.
    pub fn evaluate(&self, resources: &[Resource], settings: &Settings) -> Evaluation {
        evaluate::evaluate(self, resources, settings)
    }

    /// Evaluates every policy on every budget (`Action::"budget"` requests).
    pub fn evaluate_budgets(
        &self,
        budgets: &[crate::model::Budget],
        settings: &Settings,
    ) -> Vec<Finding> {
        budgets::evaluate(self, budgets, settings)
    }

    /// Ids of the approval policies (`Action::"approve"`), sorted.
    pub fn approval_policies(&self) -> &[String] {
        &self.approvals
    }

    /// Sets the approval state of the change's failures whose policies name approvers:
    /// `pending_approval`, or `approved` once `reviews` hold enough permitted approvals.
    pub fn apply_approvals(
        &self,
        findings: &mut [Finding],
        change: &crate::model::ChangeFacts,
        settings: &Settings,
        reviews: &Reviews,
    ) {
        approval::apply(self, findings, change, settings, reviews)
    }

    /// Evaluates every policy on the change of a diff (one `Action::"change"` request);
    /// findings point at `fallback` when the change has nothing to point at.
    pub fn evaluate_change(
        &self,
        change: &crate::model::ChangeFacts,
        settings: &Settings,
        fallback: &crate::model::Location,
    ) -> Vec<Finding> {
        change::evaluate(self, change, settings, fallback)
    }
}
