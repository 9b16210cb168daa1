//! `@message` and `@help` templates: parsing `{placeholder}`s at load time (an unknown
//! name is an error) and filling them with one resource's values at evaluation time.
//! The values themselves are computed elsewhere ([`super::entities::Facts`],
//! [`super::context::EnvParams`]); this module only formats them.

use crate::model::{Budget, ChangeFacts, Fact, Resource, Sensitive, SourceFormat, Usd, SENSITIVE};

use super::context::{EnvParams, Param};
use super::entities::Facts;
use super::settings::Guardrails;

/// A value a template can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Placeholder {
    Address,
    Type,
    MissingTags,
    Environment,
    InstanceType,
    InstanceFamilies,
    AcceleratorType,
    AcceleratorCount,
    AcceleratorsMax,
    CountMax,
    CapacityType,
    AllowedAcceleratorFamilies,
    MaxAccelerators,
    Provider,
    MonthlyCost,
    MonthlyCostCeiling,
    CostMissing,
    MaxResourceCeiling,
    Budget,
    BudgetUsed,
    BudgetCeiling,
    BudgetLimit,
    BudgetWarnAt,
    BudgetPercent,
    MissingLabels,
    Kind,
    Namespace,
    GpuCount,
    ReplicasMax,
    MaxReplicas,
    LlmModel,
    RouteMissing,
    ValueSources,
    BaseMonthly,
    HeadMonthly,
    DeltaMonthly,
    DeltaPercent,
    IncreaseLimit,
    LargestIncreases,
    AcceleratorsAdded,
    MaxAcceleratorsAdded,
    LargestAccelerators,
    EndpointsAdded,
    NewEndpointEnvironments,
    GovernanceFiles,
}

/// Every placeholder, by the name written between braces.
pub(crate) const PLACEHOLDERS: [(&str, Placeholder); 45] = [
    ("address", Placeholder::Address),
    ("type", Placeholder::Type),
    ("missing_tags", Placeholder::MissingTags),
    ("environment", Placeholder::Environment),
    ("instance_type", Placeholder::InstanceType),
    ("instance_families", Placeholder::InstanceFamilies),
    ("accelerator_type", Placeholder::AcceleratorType),
    ("accelerator_count", Placeholder::AcceleratorCount),
    ("accelerators_max", Placeholder::AcceleratorsMax),
    ("count_max", Placeholder::CountMax),
    ("capacity_type", Placeholder::CapacityType),
    (
        "allowed_accelerator_families",
        Placeholder::AllowedAcceleratorFamilies,
    ),
    ("max_accelerators", Placeholder::MaxAccelerators),
    ("provider", Placeholder::Provider),
    ("monthly_cost", Placeholder::MonthlyCost),
    ("monthly_cost_ceiling", Placeholder::MonthlyCostCeiling),
    ("cost_missing", Placeholder::CostMissing),
    ("max_resource_ceiling", Placeholder::MaxResourceCeiling),
    ("budget", Placeholder::Budget),
    ("budget_used", Placeholder::BudgetUsed),
    ("budget_ceiling", Placeholder::BudgetCeiling),
    ("budget_limit", Placeholder::BudgetLimit),
    ("budget_warn_at", Placeholder::BudgetWarnAt),
    ("budget_percent", Placeholder::BudgetPercent),
    ("missing_labels", Placeholder::MissingLabels),
    ("kind", Placeholder::Kind),
    ("namespace", Placeholder::Namespace),
    ("gpu_count", Placeholder::GpuCount),
    ("replicas_max", Placeholder::ReplicasMax),
    ("max_replicas", Placeholder::MaxReplicas),
    ("llm_model", Placeholder::LlmModel),
    ("route_missing", Placeholder::RouteMissing),
    ("value_sources", Placeholder::ValueSources),
    ("base_monthly", Placeholder::BaseMonthly),
    ("head_monthly", Placeholder::HeadMonthly),
    ("delta_monthly", Placeholder::DeltaMonthly),
    ("delta_percent", Placeholder::DeltaPercent),
    ("increase_limit", Placeholder::IncreaseLimit),
    ("largest_increases", Placeholder::LargestIncreases),
    ("accelerators_added", Placeholder::AcceleratorsAdded),
    ("max_accelerators_added", Placeholder::MaxAcceleratorsAdded),
    ("largest_accelerators", Placeholder::LargestAccelerators),
    ("endpoints_added", Placeholder::EndpointsAdded),
    (
        "new_endpoint_environments",
        Placeholder::NewEndpointEnvironments,
    ),
    ("governance_files", Placeholder::GovernanceFiles),
];

#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    Text(String),
    Value(Placeholder),
}

/// A parsed `@message` or `@help` text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Template {
    segments: Vec<Segment>,
}

/// Why a template is invalid, and how to fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TemplateError {
    pub message: String,
    pub help: String,
}

/// What a placeholder is filled from.
pub(crate) struct RenderInput<'a> {
    pub resource: &'a Resource,
    pub facts: &'a Facts,
    pub env: &'a EnvParams,
    pub required_tags: &'a [String],
    pub max_resource_ceiling: Option<Usd>,
    pub max_replicas: Option<i64>,
}

impl Template {
    /// Parses `text`: `{name}` (a name of letters, digits and `_`) is a placeholder and
    /// must be a known one; `{{` and `}}` are literal braces; any other brace is literal
    /// (so help texts can show HCL such as `default_tags { ... }`).
    pub(crate) fn parse(text: &str) -> Result<Template, TemplateError> {
        let mut segments = Vec::new();
        let mut literal = String::new();
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            let after = rest.get(c.len_utf8()..).unwrap_or("");
            if (c == '{' || c == '}') && after.starts_with(c) {
                literal.push(c);
                rest = after.get(1..).unwrap_or("");
                continue;
            }
            if c == '{' {
                let name_len = after
                    .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
                    .unwrap_or(after.len());
                let name = after.get(..name_len).unwrap_or("");
                let closes = after.get(name_len..).is_some_and(|t| t.starts_with('}'));
                if !name.is_empty() && closes {
                    let Some((_, p)) = PLACEHOLDERS.iter().find(|(n, _)| *n == name) else {
                        return Err(TemplateError {
                            message: format!("unknown placeholder `{{{name}}}`"),
                            help: format!("known placeholders: {}", known_placeholders()),
                        });
                    };
                    if !literal.is_empty() {
                        segments.push(Segment::Text(std::mem::take(&mut literal)));
                    }
                    segments.push(Segment::Value(*p));
                    rest = after.get(name_len + 1..).unwrap_or("");
                    continue;
                }
            }
            literal.push(c);
            rest = after;
        }
        if !literal.is_empty() {
            segments.push(Segment::Text(literal));
        }
        Ok(Template { segments })
    }

    /// The text with every placeholder filled from `input`.
    pub(crate) fn render(&self, input: &RenderInput<'_>) -> String {
        self.fill(|p| value(p, input))
    }

    /// Fills the template for a budget finding; resource placeholders are `(none)`.
    pub(crate) fn render_budget(&self, b: &Budget) -> String {
        self.fill(|p| budget_value(p, b))
    }

    /// Fills the template for a change finding; resource placeholders are `(none)`.
    pub(crate) fn render_change(&self, c: &ChangeFacts, g: &Guardrails) -> String {
        self.fill(|p| super::change::message_value(p, c, g))
    }

    fn fill(&self, value: impl Fn(Placeholder) -> String) -> String {
        let mut out = String::new();
        for segment in &self.segments {
            match segment {
                Segment::Text(t) => out.push_str(t),
                Segment::Value(p) => out.push_str(&value(*p)),
            }
        }
        out
    }
}

fn known_placeholders() -> String {
    PLACEHOLDERS
        .iter()
        .map(|(n, _)| format!("{{{n}}}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) const UNKNOWN: &str = "(unknown)";
pub(crate) const NONE: &str = "(none)";

/// Whether the placeholder would show a fact that comes from a sensitive value.
fn hidden(p: Placeholder, s: &Sensitive) -> bool {
    let facts: &[&str] = match p {
        Placeholder::InstanceType | Placeholder::InstanceFamilies => &[Sensitive::INSTANCE_TYPE],
        Placeholder::AcceleratorType | Placeholder::AcceleratorCount => &[Sensitive::ACCELERATOR],
        Placeholder::AcceleratorsMax => &[Sensitive::ACCELERATOR, Sensitive::COUNT],
        Placeholder::CountMax => &[Sensitive::COUNT],
        Placeholder::CapacityType => &[Sensitive::CAPACITY],
        Placeholder::Environment => &[Sensitive::ENVIRONMENT],
        _ => &[],
    };
    facts.iter().any(|f| s.hides(f))
}

fn value(p: Placeholder, input: &RenderInput<'_>) -> String {
    let r = input.resource;
    let f = input.facts;
    if hidden(p, &r.sensitive) {
        return SENSITIVE.to_string();
    }
    match p {
        Placeholder::Address => r.address.clone(),
        Placeholder::Type => r.resource_type.clone(),
        Placeholder::Provider => r.provider.name.clone(),
        Placeholder::MissingTags | Placeholder::MissingLabels => {
            let missing = missing_tags(r, input.required_tags);
            if missing.is_empty() {
                NONE.to_string()
            } else {
                missing.join(", ")
            }
        }
        Placeholder::Environment => opt_fact(r.environment.as_ref(), |s| s.clone()),
        Placeholder::InstanceType => opt_fact(f.instance_type.as_ref(), |s| s.clone()),
        Placeholder::InstanceFamilies => opt_fact(f.instance_families.as_ref(), |v| v.join(", ")),
        Placeholder::AcceleratorType => opt_fact(f.accelerator_type.as_ref(), |s| {
            if s.is_empty() {
                NONE.to_string()
            } else {
                s.clone()
            }
        }),
        Placeholder::AcceleratorCount => opt_fact(f.accelerator_count.as_ref(), i64::to_string),
        Placeholder::AcceleratorsMax => opt_fact(f.accelerators_max.as_ref(), i64::to_string),
        Placeholder::CountMax => opt_fact(f.count_max.as_ref(), i64::to_string),
        Placeholder::CapacityType => opt_fact(f.capacity_type.as_ref(), |s| s.clone()),
        Placeholder::AllowedAcceleratorFamilies => match &input.env.allowed_families {
            Param::Absent => "(any)".to_string(),
            Param::Known(v) if v.is_empty() => NONE.to_string(),
            Param::Known(v) => v.join(", "),
            Param::Unknown => UNKNOWN.to_string(),
        },
        Placeholder::MonthlyCost => r
            .cost
            .as_ref()
            .map_or(NONE.to_string(), |c| money(c.baseline, c.complete)),
        Placeholder::MonthlyCostCeiling => r
            .cost
            .as_ref()
            .map_or(NONE.to_string(), |c| money(c.ceiling, c.complete)),
        Placeholder::CostMissing => r
            .cost
            .as_ref()
            .filter(|c| !c.missing.is_empty())
            .map_or(NONE.to_string(), |c| c.missing.join("; ")),
        Placeholder::MaxResourceCeiling => input
            .max_resource_ceiling
            .map_or("(no limit)".to_string(), |l| l.to_string()),
        Placeholder::Budget
        | Placeholder::BudgetUsed
        | Placeholder::BudgetCeiling
        | Placeholder::BudgetLimit
        | Placeholder::BudgetWarnAt
        | Placeholder::BudgetPercent
        | Placeholder::BaseMonthly
        | Placeholder::HeadMonthly
        | Placeholder::DeltaMonthly
        | Placeholder::DeltaPercent
        | Placeholder::IncreaseLimit
        | Placeholder::LargestIncreases
        | Placeholder::AcceleratorsAdded
        | Placeholder::MaxAcceleratorsAdded
        | Placeholder::LargestAccelerators
        | Placeholder::EndpointsAdded
        | Placeholder::NewEndpointEnvironments
        | Placeholder::GovernanceFiles => NONE.to_string(),
        Placeholder::Kind => f
            .workload
            .as_ref()
            .map_or(NONE.to_string(), |w| w.kind.clone()),
        Placeholder::Namespace => f
            .workload
            .as_ref()
            .and_then(|w| w.namespace.clone())
            .unwrap_or_else(|| NONE.to_string()),
        Placeholder::GpuCount => opt_fact(
            f.workload.as_ref().and_then(|w| w.gpu_count.as_ref()),
            i64::to_string,
        ),
        Placeholder::ReplicasMax => opt_fact(
            f.workload.as_ref().and_then(|w| w.replicas_max.as_ref()),
            i64::to_string,
        ),
        Placeholder::MaxReplicas => input
            .max_replicas
            .map_or("(no limit)".to_string(), |n| n.to_string()),
        Placeholder::LlmModel => opt_fact(
            f.workload.as_ref().and_then(|w| w.llm_model.as_ref()),
            |s| s.clone(),
        ),
        Placeholder::RouteMissing => route_missing(f),
        Placeholder::ValueSources => value_sources(r).to_string(),
        Placeholder::MaxAccelerators => match &input.env.max_accelerators {
            Param::Absent => "(no limit)".to_string(),
            Param::Known(n) => n.to_string(),
            Param::Unknown => UNKNOWN.to_string(),
        },
    }
}

fn budget_value(p: Placeholder, b: &Budget) -> String {
    match p {
        Placeholder::Address => format!("budget.{}", b.name),
        Placeholder::Type => "budget".to_string(),
        Placeholder::Budget => b.name.clone(),
        Placeholder::BudgetUsed | Placeholder::MonthlyCost => money(b.monthly_cost, b.complete),
        Placeholder::BudgetCeiling | Placeholder::MonthlyCostCeiling => {
            money(b.ceiling, b.complete)
        }
        Placeholder::BudgetLimit => b.limit.to_string(),
        Placeholder::BudgetWarnAt => b.warn_at.to_string(),
        Placeholder::BudgetPercent => b
            .percent_used()
            .map_or(NONE.to_string(), |p| format!("{p}%")),
        Placeholder::CostMissing => {
            if b.missing.is_empty() {
                NONE.to_string()
            } else {
                b.missing.join("; ")
            }
        }
        _ => NONE.to_string(),
    }
}

/// What an LLM route lacks: `a budget (max_budget) and an output token cap (max_tokens)`.
fn route_missing(f: &Facts) -> String {
    let Some(w) = &f.workload else {
        return NONE.to_string();
    };
    let mut missing = Vec::new();
    if w.llm_has_budget == Some(false) {
        missing.push("a budget (max_budget)");
    }
    if w.llm_has_max_tokens == Some(false) {
        missing.push("an output token cap (max_tokens)");
    }
    if missing.is_empty() {
        NONE.to_string()
    } else {
        missing.join(" and ")
    }
}

/// `$1,234.00`, or `at least $1,234.00` when parts of the estimate are missing.
fn money(amount: Usd, complete: bool) -> String {
    if complete {
        amount.to_string()
    } else {
        format!("at least {amount}")
    }
}

fn opt_fact<T>(fact: Option<&Fact<T>>, show: impl FnOnce(&T) -> String) -> String {
    match fact {
        None => NONE.to_string(),
        Some(Fact::Known(v)) => show(v),
        Some(Fact::Unknown(_)) => UNKNOWN.to_string(),
    }
}

impl Template {
    /// Whether the template lists the missing tags or labels (a required-tags policy).
    pub(crate) fn names_missing_tags(&self) -> bool {
        self.segments.iter().any(|s| {
            matches!(
                s,
                Segment::Value(Placeholder::MissingTags | Placeholder::MissingLabels)
            )
        })
    }
}

/// `r` with each required key it carries only in another case (`Team` for `team`) also
/// under the required spelling, for `[tags] case_insensitive_keys`. Policies see the
/// copy; the report keeps the resource as written.
pub(crate) fn with_required_spelling(r: &Resource, required: &[String]) -> Resource {
    let mut out = r.clone();
    for key in required {
        if out.tags.entries.contains_key(key) {
            continue;
        }
        let carried = r
            .tags
            .entries
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.clone());
        if let Some(value) = carried {
            out.tags.entries.insert(key.clone(), value);
        }
    }
    out
}

/// For a resource that lacks required keys it carries in another case (`Team` for
/// `team`), the sentence saying keys are case-sensitive; `None` otherwise.
pub(crate) fn case_hint(r: &Resource, required: &[String]) -> Option<String> {
    let pairs: Vec<String> = missing_tags(r, required)
        .iter()
        .filter_map(|m| {
            let carried = r.tags.entries.keys().find(|k| k.eq_ignore_ascii_case(m))?;
            Some(format!("`{carried}` is not `{m}`"))
        })
        .collect();
    if pairs.is_empty() {
        return None;
    }
    let what = if r.source == SourceFormat::Terraform {
        "tag"
    } else {
        "label"
    };
    Some(format!(
        "{what} keys are case-sensitive: {} (rename the key to the required spelling, or set \
         `[tags] case_insensitive_keys = true` in aicost-policy.toml)",
        pairs.join(", ")
    ))
}

/// Where a resource type's labels go when the usual advice (the resource's own tags, or
/// the provider's defaults) does not hold: a GKE node pool's GCP labels are its cluster's
/// and those nested in `node_config`. `None` otherwise.
pub(crate) fn labels_attribute_help(r: &Resource) -> Option<&'static str> {
    match r.resource_type.as_str() {
        "google_container_node_pool" => Some(
            "add the labels to the cluster's resource_labels (or the provider's \
             default_labels), which GKE puts on the VMs of every node pool, or to this \
             pool's node_config.resource_labels (node_pools_resource_labels with the \
             terraform-google-modules GKE module); node_config.labels are Kubernetes node \
             labels, which billing does not see",
        ),
        _ => None,
    }
}

/// A GKE node pool whose labels are open because its cluster, whose labels its VMs also
/// carry, is not in the configuration.
pub(crate) fn cluster_labels_unseen(r: &Resource) -> bool {
    r.resource_type == "google_container_node_pool"
        && r.tags
            .more
            .as_ref()
            .is_some_and(|u| u.origin.as_ref() == crate::model::GKE_CLUSTER_NOT_SEEN)
}

/// Where the values a resource's facts come from are given, for help texts: Terraform
/// has variables, a manifest has none, so its advice never names `--var`.
pub(crate) fn value_sources(r: &Resource) -> &'static str {
    match r.source {
        SourceFormat::Terraform => "variable defaults, --var, --var-file, the usage file",
        SourceFormat::Kubernetes => {
            "literal values in the manifest instead of placeholders, the node selector or \
             affinity that names the machine, the usage file"
        }
        SourceFormat::LiteLlm | SourceFormat::HelmValues => {
            "literal values in the file instead of placeholders, the usage file"
        }
    }
}

/// The required tags whose key the resource does not carry, in required order.
pub(crate) fn missing_tags(r: &Resource, required: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in required {
        if !r.tags.entries.contains_key(t) && !out.contains(t) {
            out.push(t.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_and_escaped_braces_parse() {
        let t = Template::parse("{address} lacks {{x}}: {missing_tags}").unwrap();
        assert_eq!(
            t.segments,
            vec![
                Segment::Value(Placeholder::Address),
                Segment::Text(" lacks {x}: ".into()),
                Segment::Value(Placeholder::MissingTags),
            ]
        );
    }

    #[test]
    fn unknown_placeholders_are_errors() {
        let e = Template::parse("{adress} is bad").unwrap_err();
        assert_eq!(e.message, "unknown placeholder `{adress}`");
        assert!(e.help.starts_with("known placeholders: {address}, {type}"));
    }

    #[test]
    fn other_braces_are_literal() {
        let t = Template::parse("use default_tags { tags = {} } on {provider").unwrap();
        assert_eq!(
            t.segments,
            vec![Segment::Text(
                "use default_tags { tags = {} } on {provider".into()
            )]
        );
    }
}
