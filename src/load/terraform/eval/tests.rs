use super::*;

fn eval(src: &str) -> Value {
    eval_standalone(src).unwrap_or_else(|e| panic!("{src}: {e:?}"))
}

#[test]
fn arithmetic_and_strings() {
    assert_eq!(eval("1 + 2 * 3"), Value::Number(7.0));
    assert_eq!(eval("\"5\" + 1"), Value::Number(6.0));
    assert_eq!(eval("\"a-${1 + 1}-${true}\""), Value::string("a-2-true"));
}

#[test]
fn for_expressions_build_lists_and_maps() {
    assert_eq!(
        eval("[for x in [1, 2, 3] : x * 2 if x > 1]"),
        Value::List(vec![Value::Number(4.0), Value::Number(6.0)])
    );
    assert_eq!(
        eval("{for k, v in {a = 1, b = 2} : v => k}").display(),
        "{1 = \"a\", 2 = \"b\"}"
    );
    assert_eq!(
        eval("{for s in [\"a\", \"b\", \"a\"] : s => s...}").display(),
        "{a = [\"a\", \"a\"], b = [\"b\"]}"
    );
}

#[test]
fn duplicate_object_keys_keep_the_last() {
    assert_eq!(eval("{a = 1, a = 2}").display(), "{a = 2}");
}

#[test]
fn splats_apply_to_each_element() {
    assert_eq!(eval("[{a = 1}, {a = 2}][*].a").display(), "[1, 2]");
    assert_eq!(eval("[{a = {b = 1}}].*.a.b").display(), "[1]");
}

#[test]
fn template_strip_markers() {
    assert_eq!(eval("\"a  ${~ \"b\" ~}  c\""), Value::string("abc"));
    assert_eq!(
        eval("\"%{ for x in [1,2] }${x},%{ endfor }\""),
        Value::string("1,2,")
    );
    assert_eq!(
        eval("\"%{ if true }yes%{ else }no%{ endif }\""),
        Value::string("yes")
    );
}

#[test]
fn logical_operators_with_an_unknown_operand_are_unknown() {
    let resolver = Unknowns;
    let mut ev = Evaluator::new(&resolver);
    for src in [
        "false && var.u",
        "var.u && false",
        "true || var.u",
        "var.u || true",
    ] {
        let expr = super::super::hcl::parse_expression(src).unwrap();
        assert!(
            matches!(ev.eval(&expr), Ok(Value::Unknown(_))),
            "{src} should be unknown"
        );
    }
    assert_eq!(eval("true && !false || false"), Value::Bool(true));
}

/// Every name is an unknown value.
struct Unknowns;

impl Resolver for Unknowns {
    fn resolve(&self, path: &[&str], _span: Span) -> Result<(Value, usize), EvalError> {
        Ok((Value::unknown(path.join(".")), path.len()))
    }
}

#[test]
fn errors_point_at_the_expression() {
    let err = eval_standalone("[1][5]").unwrap_err();
    assert!(err.message.contains("out of range"), "{err:?}");
}

/// The budget error an expression stops with.
fn over_budget(src: &str) -> EvalError {
    match eval_standalone(src) {
        Err(e) if e.stop == Stop::Budget => e,
        other => panic!("{src} should exceed a budget: {other:?}"),
    }
}

#[test]
fn functions_that_multiply_their_input_stop_before_building_the_result() {
    // Each argument is small; each result would be 20 MB or more.
    for (name, src) in [
        (
            "format",
            r#"format(join("", [for i in range(20) : "%[1]999999d"]), 1)"#,
        ),
        ("formatlist", r#"formatlist("%999999d", range(20))"#),
        ("join", r#"join(format("%999999s", ""), range(20))"#),
        ("split", r#"split("", format("%999999s", ""))"#),
        (
            "replace",
            r#"replace(format("%99999s", ""), " ", format("%999s", ""))"#,
        ),
        (
            "replace",
            r#"replace(format("%99999s", ""), "", format("%999s", ""))"#,
        ),
        (
            "replace",
            r#"replace(format("%99999s", ""), "/ /", format("%999s", ""))"#,
        ),
        (
            "replace",
            r#"replace(format("%999999s", ""), "/.+/", join("", [for i in range(20) : "$0"]))"#,
        ),
        (
            "jsonencode",
            r#"jsonencode([for i in range(4) : replace(format("%999999s", ""), " ", "\u0001")])"#,
        ),
        (
            "format",
            r#"format("%v", [for i in range(4) : replace(format("%999999s", ""), " ", "\u0001")])"#,
        ),
        ("regexall", r#"regexall("", format("%999999s", ""))"#),
        (
            "regex",
            r#"regex("((((((((((((((((((((.*))))))))))))))))))))", format("%999999s", ""))"#,
        ),
        (
            "transpose",
            r#"transpose({ (format("%99999s", "")) = range(1000) })"#,
        ),
        (
            "jsondecode",
            r#"jsondecode("[${join(",", [for i in range(1000) : join(",", [for j in range(300) : "0"])])}]")"#,
        ),
    ] {
        let e = over_budget(src);
        assert_eq!(
            e.message,
            format!("evaluation budget exceeded: {name}() would build a value larger than 16 MiB, the limit for one value"),
            "{src}"
        );
    }
}

#[test]
fn results_just_below_the_limit_are_still_built() {
    assert_eq!(
        eval(r#"length(formatlist("%999999d", range(15)))"#),
        Value::Number(15.0)
    );
    assert_eq!(
        eval(r#"length(join(format("%999999s", ""), range(16)))"#),
        Value::Number(15_000_007.0)
    );
}

#[test]
fn try_and_can_do_not_turn_a_spent_budget_into_a_value() {
    let too_large = r#"formatlist("%999999d", range(20))"#;
    assert_eq!(
        over_budget(&format!("try({too_large}, [])")).message,
        over_budget(too_large).message
    );
    over_budget(&format!("can({too_large})"));
    // An ordinary error is still caught.
    assert_eq!(eval("try([][0], \"fallback\")"), Value::string("fallback"));
}

#[test]
fn a_conditional_does_not_swallow_a_budget_error_in_either_result() {
    let too_large = r#"formatlist("%999999d", range(20))"#;
    let message = over_budget(too_large).message;
    // Only the selected result's ordinary errors count...
    assert_eq!(eval("true ? \"x\" : [][0]"), Value::string("x"));
    assert_eq!(eval("false ? [][0] : \"x\""), Value::string("x"));
    // ...but a budget error stops the expression wherever it is.
    for src in [
        format!("true ? \"x\" : {too_large}"),
        format!("false ? {too_large} : \"x\""),
        format!("true ? {too_large} : \"x\""),
    ] {
        assert_eq!(over_budget(&src).message, message, "{src}");
    }
    let resolver = Unknowns;
    let expr =
        super::super::hcl::parse_expression(&format!("var.u ? {too_large} : [][0]")).unwrap();
    let e = Evaluator::new(&resolver).eval(&expr).unwrap_err();
    assert_eq!((e.stop, e.message), (Stop::Budget, message));
}

#[test]
fn values_are_measured_as_they_are_built() {
    // A template, a list, an object and a for expression, each over the limit.
    let string = r#"format("%999999s", "")"#;
    for src in [
        format!("\"{}\"", format!("${{{string}}}").repeat(17)),
        format!("[{}]", [string; 17].join(", ")),
        format!(
            "{{{}}}",
            (0..17)
                .map(|i| format!("k{i} = {string}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        format!("{{for i in range(17) : i => {string}}}"),
        format!("{{for i in range(17) : \"k\" => {string}...}}"),
    ] {
        assert_eq!(
            over_budget(&src).message,
            "evaluation budget exceeded: this expression builds a value larger than 16 MiB, the limit for one value",
            "{src}"
        );
    }
}

#[test]
fn one_expression_may_take_two_million_steps() {
    let e = over_budget(
        "length([for a in range(1024) : length([for b in range(1024) : length([for c in range(4) : c])])])",
    );
    assert_eq!(
        e.message,
        "evaluation budget exceeded: this expression takes more than 2000000 evaluation steps, the limit for one expression"
    );
}

#[test]
fn one_expression_may_copy_256_mib() {
    // Every reference to a bound value copies it: 1024 copies of 1 MB.
    let e =
        over_budget(r#"[for s in [format("%999999s", "")] : [for i in range(1024) : length(s)]]"#);
    assert_eq!(
        e.message,
        "evaluation budget exceeded: this expression builds or copies more than 256 MiB of values, the limit for one expression"
    );
}

#[test]
fn a_spent_root_budget_is_reported_once_then_only_makes_values_unknown() {
    let budget = RootBudget::new();
    // Every step the root may take, taken.
    assert_eq!(
        budget.charge_steps(super::super::budget::MAX_ROOT_STEPS),
        Ok(())
    );
    let expr = crate::load::terraform::hcl::parse_expression("[1, 2]").unwrap();
    let first = Evaluator::in_root(&NoNames, &budget, Vec::new())
        .eval(&expr)
        .unwrap_err();
    assert_eq!(first.stop, Stop::Budget);
    assert_eq!(
        first.message,
        "evaluation budget exceeded: this root takes more than 50000000 evaluation steps, the limit for one root; the rest of the root is not evaluated"
    );
    let later = Evaluator::in_root(&NoNames, &budget, Vec::new())
        .eval(&expr)
        .unwrap_err();
    assert!(later.reported_elsewhere(), "{later:?}");
    assert_eq!(
        later.message,
        "this root's evaluation budget (evaluation steps) is spent"
    );
}

/// `var.secret` is sensitive, `var.n` a sensitive number, `var.tags` a map with one
/// sensitive entry.
struct Secrets;

impl Resolver for Secrets {
    fn resolve(&self, path: &[&str], _span: Span) -> Result<(Value, usize), EvalError> {
        let v = match path.get(1).copied() {
            Some("secret") => Value::string("hunter2").mark(),
            Some("n") => Value::Number(3.0).mark(),
            Some("tags") => {
                let mut m = Map::new();
                m.insert("team", Value::string("ml"));
                m.insert("owner", Value::string("alice").mark());
                Value::Map(m)
            }
            _ => Value::Null,
        };
        Ok((v, 2))
    }
}

fn with_secrets(src: &str) -> Result<Value, EvalError> {
    let expr = super::super::hcl::parse_expression(src).unwrap();
    Evaluator::new(&Secrets).eval(&expr)
}

#[test]
fn marks_follow_values_through_expressions() {
    let ok = |src: &str| with_secrets(src).unwrap_or_else(|e| panic!("{src}: {e:?}"));
    // What is made from a sensitive value is sensitive as a whole.
    assert_eq!(ok("upper(var.secret)"), Value::string("HUNTER2").mark());
    assert_eq!(ok("\"x-${var.secret}\""), Value::string("x-hunter2").mark());
    assert_eq!(ok("var.n * 2"), Value::Number(6.0).mark());
    assert_eq!(
        ok("var.n > 2 ? \"big\" : \"small\""),
        Value::string("big").mark()
    );
    assert_eq!(ok("{ (var.secret) = 1 }").display(), "(sensitive value)");
    assert!(ok("[for c in split(\"n\", var.secret) : c]").is_marked());
    assert!(ok("[for t in var.tags : t if t == var.secret]").is_marked());
    // Elements keep their own marks, and merge keeps them apart.
    assert_eq!(ok("var.tags.team"), Value::string("ml"));
    assert_eq!(ok("var.tags[\"owner\"]"), Value::string("alice").mark());
    assert_eq!(
        ok("merge(var.tags, { env = \"dev\" })").display(),
        "{env = \"dev\", owner = (sensitive value), team = \"ml\"}"
    );
    assert_eq!(
        ok("[var.secret, \"b\"]").display(),
        "[(sensitive value), \"b\"]"
    );
    // The functions on marks.
    assert_eq!(ok("sensitive(\"a\")"), Value::string("a").mark());
    assert_eq!(ok("nonsensitive(var.secret)"), Value::string("hunter2"));
    assert_eq!(ok("issensitive(var.secret)"), Value::Bool(true));
    assert_eq!(ok("issensitive(var.tags)"), Value::Bool(false));
}

#[test]
fn errors_about_sensitive_values_do_not_quote_them() {
    let hidden = |src: &str| {
        let e = with_secrets(src).expect_err(src);
        assert!(!e.message.contains("hunter2"), "{src}: {e:?}");
        e.message
    };
    assert_eq!(
        hidden("var.secret + 1"),
        "the operator failed on a sensitive value; the error is not shown, since it could \
         include the value"
    );
    assert_eq!(
        hidden("parseint(var.secret, 10)"),
        "parseint() failed on a sensitive value; the error is not shown, since it could \
         include the value"
    );
    assert_eq!(
        hidden("var.tags[var.secret]"),
        "the index failed on a sensitive value; the error is not shown, since it could \
         include the value"
    );
    // Without a sensitive value the message is whole.
    assert!(with_secrets("\"hunter2\" + 1")
        .unwrap_err()
        .message
        .contains("hunter2"));
}
