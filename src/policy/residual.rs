//! Reads policies in Cedar's JSON form (the EST, from `Policy::to_json`): decides a
//! residual three-valued (true, false, unknown), names the unknowns it depends on, and
//! collects the string and `Environment` literals a policy mentions.
//!
//! Cedar keeps `unknown || true` unsimplified because `unknown` might be an error; strict
//! validation rules those errors out, so the boolean connectives are decided here with
//! Kleene logic. Any other expression that still contains an unknown is unknown. Does not
//! evaluate comparisons, arithmetic or set operations (Cedar already did where it could).

use std::collections::BTreeSet;

use serde_json::Value as Json;

/// A three-valued truth value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tri {
    True,
    False,
    Unknown,
}

impl Tri {
    fn not(self) -> Tri {
        match self {
            Tri::True => Tri::False,
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
        }
    }

    fn and(self, other: impl FnOnce() -> Tri) -> Tri {
        match self {
            Tri::False => Tri::False,
            Tri::True => other(),
            Tri::Unknown => match other() {
                Tri::False => Tri::False,
                _ => Tri::Unknown,
            },
        }
    }

    fn or(self, other: impl FnOnce() -> Tri) -> Tri {
        match self {
            Tri::True => Tri::True,
            Tri::False => other(),
            Tri::Unknown => match other() {
                Tri::True => Tri::True,
                _ => Tri::Unknown,
            },
        }
    }
}

/// Whether a (residual) policy's conditions hold: the conjunction of its `when` bodies
/// and the negations of its `unless` bodies. A policy whose scope is not `All` is
/// unknown (Cedar moves the scope into the condition of residuals, so this does not
/// happen in practice).
pub(crate) fn policy_truth(est: &Json) -> Tri {
    let scope_all = ["principal", "action", "resource"]
        .iter()
        .all(|k| est.get(k).and_then(|s| s.get("op")).and_then(Json::as_str) == Some("All"));
    if !scope_all {
        return Tri::Unknown;
    }
    let Some(conditions) = est.get("conditions").and_then(Json::as_array) else {
        return Tri::Unknown;
    };
    let mut acc = Tri::True;
    for c in conditions {
        let kind = c.get("kind").and_then(Json::as_str);
        let body = c.get("body");
        acc = acc.and(|| match (kind, body) {
            (Some("when"), Some(b)) => truth(b),
            (Some("unless"), Some(b)) => truth(b).not(),
            _ => Tri::Unknown,
        });
    }
    acc
}

/// The three-valued value of a boolean expression in EST form.
fn truth(expr: &Json) -> Tri {
    let Some(obj) = expr.as_object() else {
        return Tri::Unknown;
    };
    let mut entries = obj.iter();
    let (Some((op, arg)), None) = (entries.next(), entries.next()) else {
        return Tri::Unknown;
    };
    let side = |name: &str| arg.get(name).map_or(Tri::Unknown, truth);
    match op.as_str() {
        "Value" => match arg.as_bool() {
            Some(true) => Tri::True,
            Some(false) => Tri::False,
            None => Tri::Unknown,
        },
        "&&" => side("left").and(|| side("right")),
        "||" => side("left").or(|| side("right")),
        "!" => side("arg").not(),
        "if-then-else" => match side("if") {
            Tri::True => side("then"),
            Tri::False => side("else"),
            Tri::Unknown => {
                let (t, e) = (side("then"), side("else"));
                if t == e {
                    t
                } else {
                    Tri::Unknown
                }
            }
        },
        _ => Tri::Unknown,
    }
}

/// Adds the name of every unknown in `est` to `out`.
pub(crate) fn unknown_names(est: &Json, out: &mut BTreeSet<String>) {
    match est {
        Json::Object(obj) => {
            if let (Some(Json::Array(args)), 1) = (obj.get("unknown"), obj.len()) {
                if let Some(name) = args
                    .first()
                    .and_then(|a| a.get("Value"))
                    .and_then(Json::as_str)
                {
                    out.insert(name.to_string());
                    return;
                }
            }
            for v in obj.values() {
                unknown_names(v, out);
            }
        }
        Json::Array(items) => {
            for v in items {
                unknown_names(v, out);
            }
        }
        _ => {}
    }
}

/// Adds every string literal (`{"Value": "..."}`) in `est` to `strings`, and the id of
/// every `Environment` entity literal to `environments`. Annotations are not literals.
pub(crate) fn literals(
    est: &Json,
    strings: &mut BTreeSet<String>,
    environments: &mut BTreeSet<String>,
) {
    match est {
        Json::Object(obj) => {
            if obj.get("type").and_then(Json::as_str) == Some("Environment") {
                if let Some(id) = obj.get("id").and_then(Json::as_str) {
                    environments.insert(id.to_string());
                }
            }
            for (k, v) in obj {
                match (k.as_str(), v) {
                    ("annotations", _) => {}
                    ("Value", Json::String(s)) => {
                        strings.insert(s.clone());
                    }
                    _ => literals(v, strings, environments),
                }
            }
        }
        Json::Array(items) => {
            for v in items {
                literals(v, strings, environments);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn policy(body: Json) -> Json {
        json!({
            "effect": "forbid",
            "principal": {"op": "All"}, "action": {"op": "All"}, "resource": {"op": "All"},
            "conditions": [{"kind": "when", "body": body}],
            "annotations": {"id": "x"}
        })
    }

    fn u(name: &str) -> Json {
        json!({"unknown": [{"Value": name}]})
    }

    #[test]
    fn connectives_use_kleene_logic() {
        let t = json!({"Value": true});
        let f = json!({"Value": false});
        let cmp = json!({"==": {"left": u("instance_type"), "right": {"Value": "p5.48xlarge"}}});
        assert_eq!(
            policy_truth(&policy(json!({"||": {"left": cmp, "right": t}}))),
            Tri::True
        );
        assert_eq!(
            policy_truth(&policy(json!({"&&": {"left": cmp, "right": f}}))),
            Tri::False
        );
        assert_eq!(
            policy_truth(&policy(json!({"&&": {"left": cmp, "right": t}}))),
            Tri::Unknown
        );
        assert_eq!(
            policy_truth(&policy(json!({"!": {"arg": cmp}}))),
            Tri::Unknown
        );
        assert_eq!(policy_truth(&policy(json!({"!": {"arg": f}}))), Tri::True);
        let ite = json!({"if-then-else": {"if": cmp, "then": t, "else": t}});
        assert_eq!(policy_truth(&policy(ite)), Tri::True);
        let ite = json!({"if-then-else": {"if": cmp, "then": t, "else": f}});
        assert_eq!(policy_truth(&policy(ite)), Tri::Unknown);
        let ite = json!({"if-then-else": {"if": f, "then": cmp, "else": f}});
        assert_eq!(policy_truth(&policy(ite)), Tri::False);
    }

    #[test]
    fn unless_clauses_are_negated_and_scopes_must_be_all() {
        let mut p = policy(json!({"Value": true}));
        if let Some(Json::Array(c)) = p.get_mut("conditions") {
            c.push(json!({"kind": "unless", "body": {"Value": true}}));
        }
        assert_eq!(policy_truth(&p), Tri::False);
        let mut p = policy(json!({"Value": true}));
        p["resource"] = json!({"op": "==", "entity": {"type": "Resource", "id": "a"}});
        assert_eq!(policy_truth(&p), Tri::Unknown);
    }

    #[test]
    fn unknown_names_are_collected() {
        let body = json!({"||": {"left": u("environment"), "right":
            {"containsAll": {"left": u("tag_keys"), "right": {"Set": [{"Value": "team"}]}}}}});
        let mut names = BTreeSet::new();
        unknown_names(&policy(body), &mut names);
        assert_eq!(
            names.into_iter().collect::<Vec<_>>(),
            vec!["environment".to_string(), "tag_keys".to_string()]
        );
    }

    #[test]
    fn literals_skip_annotations() {
        let mut p =
            policy(json!({"hasTag": {"left": {"Var": "resource"}, "right": {"Value": "team"}}}));
        p["resource"] = json!({"op": "in", "entity": {"type": "Environment", "id": "dev"}});
        let (mut s, mut e) = (BTreeSet::new(), BTreeSet::new());
        literals(&p, &mut s, &mut e);
        assert_eq!(s.into_iter().collect::<Vec<_>>(), vec!["team".to_string()]);
        assert_eq!(e.into_iter().collect::<Vec<_>>(), vec!["dev".to_string()]);
    }
}
