//! Checks a policy's annotations: `@id`, `@severity` and `@message` are required,
//! `@help`, `@location` and `@title` are optional, and message texts must use known placeholders. Other annotations
//! are allowed and ignored. Returns every problem found, each naming the annotation it is
//! about so the loader can point at it; does not know about files.

use cedar_policy::Policy;

use crate::model::Severity;

use super::message::Template;

/// The annotations of a valid policy.
#[derive(Clone, Debug)]
pub(crate) struct Meta {
    pub id: String,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    /// `@title`: a short name for listings and SARIF rules.
    pub title: Option<String>,
    pub message_template: Template,
    pub help_template: Option<Template>,
    /// `@location("capacity_type, instance_type")`: the facts a finding points at, tried in
    /// order, before the resource block.
    pub location: Option<Vec<String>>,
    /// `@approvers("finops")`: the group whose members can clear a failure on a change.
    pub approvers: Option<String>,
    /// `@applies_to("aws_instance, aws_eks_*")`: the resource types (kinds) the policy
    /// covers; `*` matches any run of characters. `None` = every resource.
    pub applies_to: Option<Vec<String>>,
}

/// Facts a `@location` annotation may name: the resource attributes that have a place in
/// the source.
pub(crate) const LOCATABLE_FACTS: &[&str] = &[
    "accelerator_count",
    "accelerator_type",
    "accelerators_added",
    "accelerators_max",
    "annotations",
    "capacity_type",
    "count_desired",
    "count_max",
    "count_min",
    "delta_monthly",
    "endpoints_added",
    "environment",
    "governance_files",
    "gpu_count",
    "has_gpu_limits",
    "instance_families",
    "instance_type",
    "instance_types",
    "llm_model",
    "monthly_cost",
    "monthly_cost_at_least",
    "monthly_cost_ceiling",
    "monthly_cost_ceiling_at_least",
    "namespace",
    "nodepool_accelerators",
    "nodepool_has_limits",
    "region",
    "replicas_desired",
    "replicas_max",
    "replicas_min",
    "scale_to_zero",
    "tags",
];

/// One annotation problem. `annotation` is the annotation to point at, if it exists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Problem {
    pub annotation: &'static str,
    pub message: String,
    pub help: String,
}

const SEVERITIES: &str = "critical, high, medium, low or info";

/// Checks the annotations of `policy`.
pub(crate) fn check(policy: &Policy) -> Result<Meta, Vec<Problem>> {
    let mut problems = Vec::new();
    let id = match policy.annotation("id") {
        None => {
            problems.push(Problem {
                annotation: "id",
                message: "policy has no `@id` annotation".to_string(),
                help: "add `@id(\"ORG-AREA-001\")` before the policy; the id names the policy in findings and waivers"
                    .to_string(),
            });
            None
        }
        Some(id) if id.is_empty() || id.chars().any(char::is_whitespace) => {
            problems.push(Problem {
                annotation: "id",
                message: format!("policy id `{id}` is empty or contains whitespace"),
                help: "use letters, digits and dashes, e.g. `@id(\"ORG-GPU-001\")`".to_string(),
            });
            None
        }
        Some(id) => Some(id.to_string()),
    };
    let severity = match policy.annotation("severity") {
        None => {
            problems.push(Problem {
                annotation: "severity",
                message: "policy has no `@severity` annotation".to_string(),
                help: format!("add `@severity(\"high\")`; the severity is one of {SEVERITIES}"),
            });
            None
        }
        Some(s) => match Severity::parse(s) {
            Some(sev) => Some(sev),
            None => {
                problems.push(Problem {
                    annotation: "severity",
                    message: format!("unknown severity `{s}`"),
                    help: format!("the severity is one of {SEVERITIES}"),
                });
                None
            }
        },
    };
    let message = match policy.annotation("message") {
        None => {
            problems.push(Problem {
                annotation: "message",
                message: "policy has no `@message` annotation".to_string(),
                help: "add `@message(\"{address} ...\")` saying what is wrong with the resource"
                    .to_string(),
            });
            None
        }
        Some(m) if m.trim().is_empty() => {
            problems.push(Problem {
                annotation: "message",
                message: "`@message` is empty".to_string(),
                help: "say what is wrong with the resource, e.g. `@message(\"{address} ...\")`"
                    .to_string(),
            });
            None
        }
        Some(m) => template("message", m, &mut problems).map(|t| (m.to_string(), t)),
    };
    let location = match policy.annotation("location") {
        None => Some(None),
        Some(l) => {
            let facts: Vec<String> = l
                .split(',')
                .map(|f| f.trim().to_string())
                .filter(|f| !f.is_empty())
                .collect();
            let unknown: Vec<&String> = facts
                .iter()
                .filter(|f| !LOCATABLE_FACTS.contains(&f.as_str()))
                .collect();
            if facts.is_empty() || !unknown.is_empty() {
                problems.push(Problem {
                    annotation: "location",
                    message: match unknown.first() {
                        Some(f) => format!("`@location` names `{f}`, which is not a fact with a place in the source"),
                        None => "`@location` is empty".to_string(),
                    },
                    help: format!("name one or more of: {}", LOCATABLE_FACTS.join(", ")),
                });
                None
            } else {
                Some(Some(facts))
            }
        }
    };
    let title = match policy.annotation("title") {
        None => Some(None),
        Some(t) if t.trim().is_empty() || t.contains(['\n', '\r']) => {
            problems.push(Problem {
                annotation: "title",
                message: "`@title` is empty or spans several lines".to_string(),
                help: "give the policy a short one-line name, e.g. `@title(\"GPU pool without limits\")`"
                    .to_string(),
            });
            None
        }
        Some(t) => Some(Some(t.trim().to_string())),
    };
    let approvers = match policy.annotation("approvers") {
        None => Some(None),
        Some(g)
            if !g.is_empty()
                && g.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')) =>
        {
            Some(Some(g.to_string()))
        }
        Some(g) => {
            problems.push(Problem {
                annotation: "approvers",
                message: format!("`@approvers` names `{g}`, which is not a group name"),
                help: "name one group of [approvals.groups] in the configuration, e.g. `@approvers(\"finops\")`".to_string(),
            });
            None
        }
    };
    let applies_to = match policy.annotation("applies_to") {
        None => Some(None),
        Some(list) => {
            let names: Vec<String> = list.split(',').map(|n| n.trim().to_string()).collect();
            let bad = names.iter().find(|n| {
                n.is_empty()
                    || !n
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '*'))
            });
            match bad {
                None => Some(Some(names)),
                Some(n) => {
                    problems.push(Problem {
                        annotation: "applies_to",
                        message: if n.is_empty() {
                            "`@applies_to` has an empty resource type".to_string()
                        } else {
                            format!("`@applies_to` names `{n}`, which is not a resource type")
                        },
                        help: "list resource types or Kubernetes kinds separated by commas, `*` matching any run of characters, e.g. `@applies_to(\"aws_instance, aws_eks_*, Deployment\")`".to_string(),
                    });
                    None
                }
            }
        }
    };
    let help = match policy.annotation("help") {
        None => Some(None),
        Some(h) => template("help", h, &mut problems).map(|t| Some((h.to_string(), t))),
    };
    match (
        id, severity, message, help, location, title, approvers, applies_to,
    ) {
        (
            Some(id),
            Some(severity),
            Some((message, message_template)),
            Some(help),
            Some(location),
            Some(title),
            Some(approvers),
            Some(applies_to),
        ) if problems.is_empty() => {
            let (help, help_template) = match help {
                Some((h, t)) => (Some(h), Some(t)),
                None => (None, None),
            };
            Ok(Meta {
                id,
                severity,
                message,
                help,
                title,
                message_template,
                help_template,
                location,
                approvers,
                applies_to,
            })
        }
        _ => Err(problems),
    }
}

fn template(annotation: &'static str, text: &str, problems: &mut Vec<Problem>) -> Option<Template> {
    match Template::parse(text) {
        Ok(t) => Some(t),
        Err(e) => {
            problems.push(Problem {
                annotation,
                message: format!("in `@{annotation}`: {}", e.message),
                help: e.help,
            });
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cedar_policy::PolicyId;

    fn parse(annotations: &str) -> Policy {
        let text = format!("{annotations}\nforbid (principal, action, resource);");
        Policy::parse(Some(PolicyId::new("p")), text).unwrap()
    }

    #[test]
    fn complete_annotations_are_accepted() {
        let meta = check(&parse(
            "@id(\"X-1\") @severity(\"low\") @message(\"{address} is bad\") @help(\"fix {type}\")",
        ))
        .unwrap();
        assert_eq!(meta.id, "X-1");
        assert_eq!(meta.severity, Severity::Low);
        assert_eq!(meta.help.as_deref(), Some("fix {type}"));
    }

    #[test]
    fn title_is_optional_and_one_line() {
        let meta = check(&parse(
            "@id(\"X-1\") @severity(\"low\") @message(\"m\") @title(\" GPU pool without limits \")",
        ))
        .unwrap();
        assert_eq!(meta.title.as_deref(), Some("GPU pool without limits"));
        let meta = check(&parse("@id(\"X-1\") @severity(\"low\") @message(\"m\")")).unwrap();
        assert_eq!(meta.title, None);
        let problems = check(&parse(
            "@id(\"X-1\") @severity(\"low\") @message(\"m\") @title(\"a\\nb\")",
        ))
        .unwrap_err();
        assert_eq!(
            problems,
            vec![Problem {
                annotation: "title",
                message: "`@title` is empty or spans several lines".to_string(),
                help: "give the policy a short one-line name, e.g. `@title(\"GPU pool without limits\")`"
                    .to_string(),
            }]
        );
    }

    #[test]
    fn location_names_known_facts_only() {
        let meta = check(&parse(
            "@id(\"X-1\") @severity(\"low\") @message(\"m\") @location(\"capacity_type, instance_type\")",
        ))
        .unwrap();
        assert_eq!(
            meta.location,
            Some(vec![
                "capacity_type".to_string(),
                "instance_type".to_string()
            ])
        );
        let problems = check(&parse(
            "@id(\"X-1\") @severity(\"low\") @message(\"m\") @location(\"cost\")",
        ))
        .unwrap_err();
        assert_eq!(
            problems[0].message,
            "`@location` names `cost`, which is not a fact with a place in the source"
        );
    }

    #[test]
    fn applies_to_lists_resource_types() {
        let meta = check(&parse(
            "@id(\"X-1\") @severity(\"low\") @message(\"m\") @applies_to(\" aws_instance, aws_eks_*,Deployment \")",
        ))
        .unwrap();
        assert_eq!(
            meta.applies_to,
            Some(vec![
                "aws_instance".to_string(),
                "aws_eks_*".to_string(),
                "Deployment".to_string()
            ])
        );
        for (list, message) in [
            ("", "`@applies_to` has an empty resource type"),
            ("aws_instance,", "`@applies_to` has an empty resource type"),
            (
                "aws instance",
                "`@applies_to` names `aws instance`, which is not a resource type",
            ),
        ] {
            let problems = check(&parse(&format!(
                "@id(\"X-1\") @severity(\"low\") @message(\"m\") @applies_to(\"{list}\")"
            )))
            .unwrap_err();
            assert_eq!(problems.len(), 1);
            assert_eq!(problems[0].annotation, "applies_to");
            assert_eq!(problems[0].message, message);
        }
    }

    #[test]
    fn every_problem_is_reported() {
        let problems = check(&parse("@severity(\"urgent\") @help(\"{nope}\")")).unwrap_err();
        let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            messages,
            vec![
                "policy has no `@id` annotation",
                "unknown severity `urgent`",
                "policy has no `@message` annotation",
                "in `@help`: unknown placeholder `{nope}`",
            ]
        );
        assert_eq!(
            problems.iter().map(|p| p.annotation).collect::<Vec<_>>(),
            vec!["id", "severity", "message", "help"]
        );
    }
}
