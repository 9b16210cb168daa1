//! Values of a root module's input variables, in Terraform's order of precedence (later
//! wins): `default`, `TF_VAR_name` environment variables, `terraform.tfvars`,
//! `terraform.tfvars.json`, `*.auto.tfvars[.json]` in lexical order, then `-var-file` and
//! `-var` in the order given on the command line. A variable with no value from any of
//! these is Unknown, never invented.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::ast::{Expr, ExprKind, ObjectKey};
use super::budget::RootBudget;
use super::config::{ModuleConfig, SourceFile, Variable};
use super::eval::{EvalError, Evaluator, NoNames};
use super::types::{convert, parse_type, Type};
use super::{hcl, json};
use crate::model::{InputError, Location, Value};

/// A `-var name=value` or a `-var-file` that was already read.
#[derive(Clone, Debug)]
pub enum CliVariable {
    File(Arc<SourceFile>),
    Assign { name: String, value: String },
}

/// Where a variable's value came from, for error messages and unknown origins.
#[derive(Clone, Debug)]
enum Assigned {
    /// An expression from a tfvars file.
    Expr(Expr, Arc<SourceFile>),
    /// A raw string from the command line or the environment, parsed by type later.
    Raw { text: String, origin: String },
}

/// The variable files Terraform reads automatically from a root directory, in order.
pub fn automatic_var_file_names(mut names: Vec<String>) -> Vec<String> {
    let mut auto: Vec<String> = names
        .iter()
        .filter(|n| n.ends_with(".auto.tfvars") || n.ends_with(".auto.tfvars.json"))
        .cloned()
        .collect();
    auto.sort();
    let mut out = Vec::new();
    for fixed in ["terraform.tfvars", "terraform.tfvars.json"] {
        if let Some(pos) = names.iter().position(|n| n == fixed) {
            out.push(names.swap_remove(pos));
        }
    }
    out.extend(auto);
    out
}

/// Resolves every declared variable of a root module; evaluation draws on the root's
/// `budget`.
pub fn root_values(
    config: &ModuleConfig,
    auto_files: &[Arc<SourceFile>],
    cli: &[CliVariable],
    env: &[(String, String)],
    budget: &RootBudget,
) -> (BTreeMap<String, Value>, Vec<InputError>) {
    let mut errors = Vec::new();
    let mut assigned: BTreeMap<String, Assigned> = BTreeMap::new();
    for (key, value) in env {
        if let Some(name) = key.strip_prefix("TF_VAR_") {
            assigned.insert(
                name.to_string(),
                Assigned::Raw {
                    text: value.clone(),
                    origin: format!("environment variable {key}"),
                },
            );
        }
    }
    for file in auto_files {
        read_var_file(file, &mut assigned, &mut errors);
    }
    for arg in cli {
        match arg {
            CliVariable::File(file) => read_var_file(file, &mut assigned, &mut errors),
            CliVariable::Assign { name, value } => {
                assigned.insert(
                    name.clone(),
                    Assigned::Raw {
                        text: value.clone(),
                        origin: format!("--var {name}"),
                    },
                );
            }
        }
    }
    let mut values = BTreeMap::new();
    for (name, variable) in &config.variables {
        let value = resolve(variable, assigned.get(name), &mut errors, budget);
        values.insert(name.clone(), value);
    }
    (values, errors)
}

fn read_var_file(
    file: &Arc<SourceFile>,
    assigned: &mut BTreeMap<String, Assigned>,
    errors: &mut Vec<InputError>,
) {
    let is_json = file.path.ends_with(".json");
    let parsed = if is_json {
        parse_json_var_file(&file.text)
    } else {
        hcl::parse_body(&file.text).map(|body| {
            body.attributes
                .into_iter()
                .map(|a| (a.name, a.expr))
                .collect::<Vec<_>>()
        })
    };
    match parsed {
        Ok(attrs) => {
            for (name, expr) in attrs {
                assigned.insert(name, Assigned::Expr(expr, file.clone()));
            }
        }
        Err(e) => errors.push(
            InputError::new(
                file.location((e.offset, e.offset)),
                format!("syntax error in variable file: {}", e.message),
            )
            .with_help("the values in this file are ignored until the syntax is fixed"),
        ),
    }
}

/// A `.tfvars.json` file is one object of literal values.
fn parse_json_var_file(text: &str) -> Result<Vec<(String, Expr)>, hcl::SyntaxError> {
    let expr = json::parse_literal(text)?;
    match expr.kind {
        ExprKind::Object(items) => Ok(items
            .into_iter()
            .filter_map(|(k, v)| match k {
                ObjectKey::Ident(name) => Some((name, v)),
                ObjectKey::Expr(e) => e.as_literal_str().map(|s| (s.to_string(), v)),
            })
            .collect()),
        _ => Err(hcl::SyntaxError {
            message: "a variables JSON file must contain one object".to_string(),
            offset: 0,
        }),
    }
}

/// Records an evaluation error unless a spent root budget was already reported.
fn record(errors: &mut Vec<InputError>, e: &EvalError, error: InputError) {
    if !e.reported_elsewhere() {
        errors.push(match &e.help {
            Some(help) => error.with_help(help.clone()),
            None => error,
        });
    }
}

/// A variable's value, marked when it is declared sensitive. The errors about a sensitive
/// variable's value say what failed and where, not the message, which could quote it.
fn resolve(
    variable: &Variable,
    assigned: Option<&Assigned>,
    errors: &mut Vec<InputError>,
    budget: &RootBudget,
) -> Value {
    let ty = match variable.type_expr.as_ref().map(parse_type) {
        None => Type::Any,
        Some(Ok(t)) => t,
        Some(Err(message)) => {
            errors.push(InputError::new(
                variable.file.location(variable.span),
                format!("invalid type for variable `{}`: {message}", variable.name),
            ));
            Type::Any
        }
    };
    if !variable.sensitive {
        return resolve_value(variable, &ty, assigned, errors, budget);
    }
    let mut found = Vec::new();
    let value = resolve_value(variable, &ty, assigned, &mut found, budget);
    // Reported at the declaration: the line the value is written on (a tfvars file) would
    // show it in the snippet.
    errors.extend(found.into_iter().map(|e| {
        let from = if e.location.line > 1 || e.location.file.contains(".tfvars") {
            format!("{}:{}", e.location.file, e.location.line)
        } else {
            e.location.file.to_string()
        };
        InputError::new(
            variable.file.location(variable.span),
            format!(
                "invalid value for the sensitive variable `{}` from {from}; the error is not \
                 shown, since it could include the value",
                variable.name
            ),
        )
        .with_help(SENSITIVE_HELP)
    }));
    value.mark()
}

const SENSITIVE_HELP: &str =
    "check the value against the variable's type: aicost-policy never prints a sensitive value";

fn resolve_value(
    variable: &Variable,
    ty: &Type,
    assigned: Option<&Assigned>,
    errors: &mut Vec<InputError>,
    budget: &RootBudget,
) -> Value {
    let (value, location) = match assigned {
        Some(Assigned::Expr(expr, file)) => {
            match Evaluator::in_root(&NoNames, budget, Vec::new()).eval(expr) {
                Ok(v) => (v, file.location(expr.span)),
                Err(e) => {
                    let error = InputError::new(
                        file.location(e.span),
                        format!(
                            "invalid value for variable `{}`: {}",
                            variable.name, e.message
                        ),
                    );
                    record(errors, &e, error);
                    return Value::unknown(format!("var.{} has an invalid value", variable.name));
                }
            }
        }
        Some(Assigned::Raw { text, origin }) => {
            let location = Location::file_start(Arc::from(origin.as_str()));
            // Terraform takes the text literally only for primitive types and for a
            // variable with no type at all; `type = any` parses it as an expression.
            let literal = variable.type_expr.is_none()
                || matches!(ty, Type::String | Type::Number | Type::Bool);
            if !literal {
                match hcl::parse_expression(text)
                    .map_err(|e| EvalError::new(e.message, (e.offset, e.offset)))
                    .and_then(|expr| Evaluator::in_root(&NoNames, budget, Vec::new()).eval(&expr))
                {
                    Ok(v) => (v, location),
                    Err(e) => {
                        let error = InputError::new(
                            location,
                            format!(
                                "invalid value for variable `{}` from {origin}: {}",
                                variable.name, e.message
                            ),
                        );
                        record(errors, &e, error);
                        return Value::unknown(format!(
                            "var.{} has an invalid value",
                            variable.name
                        ));
                    }
                }
            } else {
                (Value::String(text.clone()), location)
            }
        }
        None => match default_value(variable, errors, budget) {
            Some(Ok(v)) => (
                v,
                variable
                    .file
                    .location(variable.default.as_ref().map_or(variable.span, |e| e.span)),
            ),
            Some(Err(unknown)) => return unknown,
            None => return Value::unknown(format!("var.{} has no default", variable.name)),
        },
    };
    // A null value for a non-nullable variable means "use the default".
    let value = if value.is_null() && !variable.nullable {
        match default_value(variable, &mut Vec::new(), budget) {
            Some(Ok(v)) => v,
            _ => value,
        }
    } else {
        value
    };
    match convert(value, ty) {
        Ok(v) => v,
        Err(message) => {
            errors.push(InputError::new(
                location,
                format!("invalid value for variable `{}`: {message}", variable.name),
            ));
            Value::unknown(format!("var.{} has an invalid value", variable.name))
        }
    }
}

/// The variable's `default`: `None` without one; `Err` with the value to use (unknown)
/// when the default cannot be evaluated, after recording the error.
fn default_value(
    variable: &Variable,
    errors: &mut Vec<InputError>,
    budget: &RootBudget,
) -> Option<Result<Value, Value>> {
    let expr = variable.default.as_ref()?;
    Some(
        Evaluator::in_root(&NoNames, budget, Vec::new())
            .eval(expr)
            .map_err(|e| {
                let error = InputError::new(
                    variable.file.location(e.span),
                    format!(
                        "invalid default for variable `{}`: {}",
                        variable.name, e.message
                    ),
                );
                record(errors, &e, error);
                Value::unknown(format!("var.{} has an invalid default", variable.name))
            }),
    )
}

/// Evaluates a module input against the child's variable declaration (type conversion,
/// defaults). `given` is `None` when the caller did not set it.
pub fn module_input(
    variable: &Variable,
    given: Option<Value>,
    call_location: &Location,
    errors: &mut Vec<InputError>,
    budget: &RootBudget,
) -> Value {
    let ty = match variable.type_expr.as_ref().map(parse_type) {
        Some(Ok(t)) => t,
        _ => Type::Any,
    };
    let value = match given {
        Some(v) if !v.is_null() || variable.nullable => v,
        _ => match default_value(variable, errors, budget) {
            Some(Ok(v)) => v,
            Some(Err(unknown)) => return unknown,
            None => {
                errors.push(
                    InputError::new(
                        call_location.clone(),
                        format!(
                            "the module call does not set the required input `{}`",
                            variable.name
                        ),
                    )
                    .with_help(format!(
                        "add `{} = ...` to the module block, or give the variable a default",
                        variable.name
                    )),
                );
                return Value::unknown(format!("module input `{}` is not set", variable.name));
            }
        },
    };
    let hide = variable.sensitive || value.has_marks();
    match convert(value, &ty) {
        Ok(v) => v.mark_if(variable.sensitive),
        Err(message) => {
            let message = if hide {
                format!(
                    "invalid value for module input `{}`: the value is sensitive, so the error \
                     is not shown",
                    variable.name
                )
            } else {
                format!(
                    "invalid value for module input `{}`: {message}",
                    variable.name
                )
            };
            errors.push(InputError::new(call_location.clone(), message));
            Value::unknown(format!(
                "module input `{}` has an invalid value",
                variable.name
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn file(path: &str, text: &str) -> Arc<SourceFile> {
        Arc::new(SourceFile::new(path.into(), text.into()))
    }

    fn config(src: &str) -> ModuleConfig {
        ModuleConfig::parse(
            PathBuf::from("/r"),
            ".".into(),
            vec![file("variables.tf", src)],
        )
    }

    #[test]
    fn automatic_files_are_ordered_like_terraform() {
        let names = [
            "b.auto.tfvars",
            "terraform.tfvars.json",
            "a.auto.tfvars.json",
            "terraform.tfvars",
            "x.tfvars",
        ];
        let ordered = automatic_var_file_names(names.iter().map(|s| s.to_string()).collect());
        assert_eq!(
            ordered,
            vec![
                "terraform.tfvars",
                "terraform.tfvars.json",
                "a.auto.tfvars.json",
                "b.auto.tfvars"
            ]
        );
    }

    #[test]
    fn later_sources_win_and_missing_values_are_unknown() {
        let c = config(
            "variable \"a\" { default = \"default\" }\nvariable \"b\" {}\nvariable \"c\" { type = number }\nvariable \"d\" { type = list(string) }\n",
        );
        let env = vec![
            ("TF_VAR_a".to_string(), "env".to_string()),
            ("TF_VAR_d".to_string(), "[\"x\", \"y\"]".to_string()),
        ];
        let auto = vec![file("terraform.tfvars", "a = \"tfvars\"\nc = \"5\"\n")];
        let cli = vec![CliVariable::Assign {
            name: "a".to_string(),
            value: "cli".to_string(),
        }];
        let (values, errors) = root_values(&c, &auto, &cli, &env, &RootBudget::new());
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(values["a"], Value::string("cli"));
        assert_eq!(values["b"], Value::unknown("var.b has no default"));
        assert_eq!(values["c"], Value::Number(5.0));
        assert_eq!(values["d"].display(), "[\"x\", \"y\"]");
    }

    #[test]
    fn sensitive_variables_are_marked_and_their_errors_do_not_quote_them() {
        let c = config(
            "variable \"token\" {\n  type      = string\n  sensitive = true\n}\nvariable \"size\" {\n  type      = number\n  sensitive = true\n}\nvariable \"zones\" {\n  type      = set(string)\n  sensitive = true\n  default   = [\"b\", \"a\"]\n}\n",
        );
        let env = vec![("TF_VAR_token".to_string(), "hunter2".to_string())];
        let auto = vec![file("terraform.tfvars", "size = \"forty-two\"\n")];
        let (values, errors) = root_values(&c, &auto, &[], &env, &RootBudget::new());
        assert_eq!(values["token"], Value::string("hunter2").mark());
        assert_eq!(values["zones"].display(), "(sensitive value)");
        assert_eq!(
            values["zones"].clone().peel().0,
            Value::set(vec![Value::string("a"), Value::string("b")])
        );
        let shown: Vec<(String, u32, String)> = errors
            .into_iter()
            .map(|e| (e.location.file.to_string(), e.location.line, e.message))
            .collect();
        assert_eq!(
            shown,
            [(
                "variables.tf".to_string(),
                5,
                "invalid value for the sensitive variable `size` from terraform.tfvars:1; the \
                 error is not shown, since it could include the value"
                    .to_string()
            )]
        );
    }

    #[test]
    fn cli_text_is_an_expression_except_for_primitive_and_untyped_variables() {
        let c = config(
            "variable \"any\" { type = any }\nvariable \"untyped\" {}\nvariable \"s\" { type = string }\n",
        );
        let assign = |name: &str| CliVariable::Assign {
            name: name.to_string(),
            value: "[1, 2]".to_string(),
        };
        let cli = vec![assign("any"), assign("untyped"), assign("s")];
        let (values, errors) = root_values(&c, &[], &cli, &[], &RootBudget::new());
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            values["any"],
            Value::List(vec![Value::Number(1.0), Value::Number(2.0)])
        );
        assert_eq!(values["untyped"], Value::string("[1, 2]"));
        assert_eq!(values["s"], Value::string("[1, 2]"));
    }

    #[test]
    fn json_var_files_are_json_and_literal() {
        let c = config("variable \"a\" {}\nvariable \"b\" { type = list(string) }\n");
        let auto = vec![file(
            "terraform.tfvars.json",
            "{\n  \"a\": \"x-${var.y}\",\n  \"b\": [\"p\", 1]\n}\n",
        )];
        let (values, errors) = root_values(&c, &auto, &[], &[], &RootBudget::new());
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(values["a"], Value::string("x-${var.y}"));
        assert_eq!(
            values["b"],
            Value::List(vec![Value::string("p"), Value::string("1")])
        );
    }

    #[test]
    fn variable_files_draw_on_the_root_budget() {
        let c = config("variable \"pad\" {}\nvariable \"ok\" {}\n");
        let auto = vec![file(
            "terraform.tfvars",
            "pad = formatlist(\"%999999d\", range(20))\nok = \"yes\"\n",
        )];
        let budget = RootBudget::new();
        let (values, errors) = root_values(&c, &auto, &[], &[], &budget);
        assert_eq!(
            values["pad"],
            Value::unknown("var.pad has an invalid value")
        );
        assert_eq!(values["ok"], Value::string("yes"));
        assert_eq!(errors.len(), 1);
        assert_eq!(
            (errors[0].location.line, errors[0].message.as_str()),
            (1, "invalid value for variable `pad`: evaluation budget exceeded: formatlist() would build a value larger than 16 MiB, the limit for one value")
        );
        assert_eq!(
            errors[0].help.as_deref(),
            Some(crate::load::terraform::budget::HELP)
        );
        // The steps were the root's.
        assert!(budget.used()[0] > 0);
    }

    #[test]
    fn a_bad_value_is_reported_and_unknown() {
        let c = config("variable \"n\" { type = number }\n");
        let auto = vec![file("terraform.tfvars", "n = \"many\"\n")];
        let (values, errors) = root_values(&c, &auto, &[], &[], &RootBudget::new());
        assert_eq!(values["n"], Value::unknown("var.n has an invalid value"));
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].location.file.as_ref(), "terraform.tfvars");
        assert_eq!(
            errors[0].message,
            "invalid value for variable `n`: a number is required, but \"many\" is not a number"
        );
    }
}
