//! The LiteLLM proxy `config.yaml`: one route per `model_list` entry, with its provider
//! model, per-deployment budget (`max_budget` per `budget_duration`), rpm and tpm limits
//! and output cap (`max_tokens`), read from `litellm_params`. Whether responses are cached
//! comes from `litellm_settings.cache`; the proxy-wide and per-provider budgets are noted.
//!
//! `os.environ/NAME` values are read at run time, so they are unknown here. Several
//! entries may share a `model_name` (LiteLLM balances between them): those routes are
//! addressed `LiteLLMRoute/<model_name>[i]`, numbered from 0 in file order.

use std::collections::BTreeMap;
use std::str::FromStr;

use rust_decimal::Decimal;

use super::super::yaml::Node;
use super::convert::{self, join, Style};
use super::record::Cx;
use super::Extracted;
use crate::model::{
    Fact, InputError, LlmRoute, Note, SourceFormat, Unknown, Value, Workload, WorkloadDetail,
};

pub fn extract(cx: &Cx, root: &Node, out: &mut Extracted) {
    let settings = root.get("litellm_settings");
    let router = root.get("router_settings");
    let cache = convert::flag(
        settings.and_then(|s| s.get("cache")),
        "litellm_settings.cache",
    ) == Some(Fact::Known(true));
    note_budgets(cx, settings, router, out);

    let entries = root.get("model_list").map_or(&[][..], Node::items);
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for e in entries {
        if let Some(n) = convert::text(e.get("model_name")) {
            *seen.entry(n).or_default() += 1;
        }
    }
    let mut numbered: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, e) in entries.iter().enumerate() {
        let path = format!("model_list[{i}]");
        let Some(model_name) = convert::text(e.get("model_name")) else {
            out.errors.push(
                InputError::new(
                    cx.loc(e).first_line(),
                    format!("{path} has no model_name, so the route was not checked"),
                )
                .with_help("give every model_list entry the name clients call, as `model_name`"),
            );
            continue;
        };
        let address = if seen.get(model_name).copied().unwrap_or(0) > 1 {
            let k = numbered.entry(model_name).or_default();
            let a = format!("LiteLLMRoute/{model_name}[{k}]");
            *k += 1;
            a
        } else {
            format!("LiteLLMRoute/{model_name}")
        };
        let params = e.get("litellm_params");
        let ppath = join(&path, "litellm_params");
        // Limits may be written in litellm_params or beside it.
        let field = |key: &str| -> Option<(&Node, String)> {
            params
                .and_then(|p| convert::present(p.get(key)))
                .map(|n| (n, join(&ppath, key)))
                .or_else(|| convert::present(e.get(key)).map(|n| (n, join(&path, key))))
        };
        let mut fact_locations = BTreeMap::new();
        for key in [
            "model",
            "max_budget",
            "budget_duration",
            "max_tokens",
            "rpm",
            "tpm",
        ] {
            if let Some((node, _)) = field(key) {
                fact_locations.insert(key.to_string(), cx.key_loc(key, node));
            }
        }
        // The policy facts point at their field, or where it would be written.
        let params_at = params
            .map(|p| cx.key_loc("litellm_params", p).first_line())
            .unwrap_or_else(|| cx.loc(e).first_line());
        for (fact, field) in [
            ("llm_model", "model"),
            ("llm_has_budget", "max_budget"),
            ("llm_has_max_tokens", "max_tokens"),
        ] {
            let at = fact_locations
                .get(field)
                .cloned()
                .unwrap_or_else(|| params_at.clone());
            fact_locations.insert(fact.to_string(), at);
        }
        if let Some(s) = settings {
            if let Some(at) = cx.entry_loc(s, "cache") {
                fact_locations.insert("cache".to_string(), at);
            }
        }
        let model = match field("model") {
            Some((node, p)) => match node.as_str() {
                Some(t) => match t.strip_prefix("os.environ/") {
                    Some(var) => Fact::Unknown(Unknown::new(format!(
                        "{p} is read from the environment variable {var}"
                    ))),
                    None => convert::string(Some(node), &p).unwrap_or(Fact::Known(t.to_string())),
                },
                None => Fact::Unknown(Unknown::new(format!("{p} is not a string"))),
            },
            None => Fact::Unknown(Unknown::new(format!("{ppath}.model is not set"))),
        };
        // LiteLLM prices a deployment (`azure/gpt-4o-prod`) as its declared base model.
        let base_model = e
            .path("model_info.base_model")
            .and_then(|n| n.as_str())
            .map(str::trim)
            .filter(|t| !t.is_empty() && !t.starts_with("os.environ/"))
            .map(str::to_string);
        let mut whole = |key: &str| -> Option<i64> {
            let (node, p) = field(key)?;
            match convert::int(Some(node), &p)? {
                Fact::Known(n) => Some(n),
                Fact::Unknown(u) => {
                    out.notes
                        .push(unknown_note(cx, node, &p, node.as_str(), &u));
                    None
                }
            }
        };
        let rpm = whole("rpm");
        let tpm = whole("tpm");
        let max_tokens = whole("max_tokens");
        let max_budget = field("max_budget").and_then(|(node, p)| {
            let text = node.as_str().unwrap_or("").trim();
            match Decimal::from_str(text).or_else(|_| Decimal::from_scientific(text)) {
                Ok(d) => Some(d.normalize()),
                Err(_) => {
                    let u = Unknown::new(format!("{p} is not a number: {text}"));
                    out.notes.push(unknown_note(cx, node, &p, Some(text), &u));
                    None
                }
            }
        });
        let budget_duration = field("budget_duration")
            .and_then(|(node, _)| convert::text(Some(node)))
            .filter(|t| !t.starts_with("os.environ/"))
            .map(str::to_string);

        let mut r = cx.resource(
            address,
            "LiteLLMRoute",
            SourceFormat::LiteLlm,
            cx.loc(e),
            "litellm",
        );
        r.argument_locations = convert::argument_locations(e, "", &|k, v| cx.key_loc(k, v));
        r.attributes = convert::to_map(e, "", Style::LiteLlm);
        for (key, node) in [("litellm_settings", settings), ("router_settings", router)] {
            if let Some(node) = node {
                r.argument_locations
                    .extend(convert::argument_locations(node, key, &|k, v| {
                        cx.key_loc(k, v)
                    }));
                r.attributes
                    .insert(key, Value::Map(convert::to_map(node, key, Style::LiteLlm)));
            }
        }
        r.fact_locations = fact_locations;
        r.workload = Some(Box::new(Workload {
            kind: "LiteLLMRoute".to_string(),
            api_version: String::new(),
            namespace: None,
            component: None,
            annotations: BTreeMap::new(),
            detail: WorkloadDetail::LlmRoute(LlmRoute {
                model_name: model_name.to_string(),
                model,
                base_model,
                max_budget,
                budget_duration,
                rpm,
                tpm,
                max_tokens,
                cache,
            }),
        }));
        out.resources.push(r);
    }
}

/// A limit that could not be read: the route is checked as if it were not set.
fn unknown_note(cx: &Cx, node: &Node, path: &str, text: Option<&str>, u: &Unknown) -> Note {
    let message = match text.and_then(|t| t.strip_prefix("os.environ/")) {
        Some(var) => format!(
            "{path} is read from the environment variable {var}, so the route is checked as if it were not set"
        ),
        None => format!("{}, so the route is checked as if it were not set", u.origin),
    };
    Note {
        location: Some(cx.loc(node)),
        message,
    }
}

/// The proxy-wide budget and per-provider budgets, reported beside the routes.
fn note_budgets(cx: &Cx, settings: Option<&Node>, router: Option<&Node>, out: &mut Extracted) {
    if let Some(s) = settings {
        if let Some(budget) = convert::text(s.get("max_budget")) {
            let period = convert::text(s.get("budget_duration")).unwrap_or("the proxy's lifetime");
            out.notes.push(Note {
                location: cx.entry_loc(s, "max_budget"),
                message: format!(
                    "the LiteLLM proxy's global budget is ${budget} per {period} (litellm_settings.max_budget)"
                ),
            });
        }
    }
    let providers = router.and_then(|r| r.get("provider_budget_config"));
    for (provider, config) in providers.map_or(&[][..], Node::entries) {
        let limit = convert::text(config.get("budget_limit")).unwrap_or("(not set)");
        let period = convert::text(config.get("time_period")).unwrap_or("(no period)");
        out.notes.push(Note {
            location: Some(cx.key_loc(provider, config)),
            message: format!(
                "LiteLLM routes to {provider} share a budget of ${limit} per {period} (router_settings.provider_budget_config)"
            ),
        });
    }
}
