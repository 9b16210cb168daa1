//! Evaluates [`ast`] expressions to [`Value`]s with Terraform's semantics. Names are
//! resolved through a [`Resolver`] (variables, locals, modules, resources), so this file
//! knows nothing about modules or files. Unknown values flow through every operation and
//! keep the reason they are unknown.

use std::collections::BTreeMap;

use super::ast::{Expr, ExprKind, ForExpr, ObjectKey, Operator, Span, TemplatePart};
use super::convert::{to_bool, to_string};
use super::functions::{self, FunctionError, Unknowns};
use super::operators::{binary, get_attr, index, unary, unify_branch};
use crate::model::{Map, Unknown, Value};

/// An expression that cannot be evaluated: what went wrong and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvalError {
    pub message: String,
    pub span: Span,
    pub help: Option<String>,
}

impl EvalError {
    pub fn new(message: impl Into<String>, span: Span) -> EvalError {
        EvalError {
            message: message.into(),
            span,
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> EvalError {
        self.help = Some(help.into());
        self
    }
}

/// Resolves the names an expression refers to. `path` is the root name followed by the
/// attribute names written after it (`["var", "region"]`, `["aws_instance", "gpu", "id"]`);
/// the resolver returns the value and how many path elements it consumed (at least 1).
pub trait Resolver {
    fn resolve(&self, path: &[&str], span: Span) -> Result<(Value, usize), EvalError>;
}

/// A resolver that knows no names: used for standalone expressions such as `--var` values.
pub struct NoNames;

impl Resolver for NoNames {
    fn resolve(&self, path: &[&str], span: Span) -> Result<(Value, usize), EvalError> {
        let name = path.first().copied().unwrap_or("");
        Err(EvalError::new(
            format!("`{name}` cannot be used here: only literal values are allowed"),
            span,
        ))
    }
}

/// Evaluation state: the resolver and the stack of local names bound by `for`
/// expressions and `dynamic` blocks.
pub struct Evaluator<'r> {
    resolver: &'r dyn Resolver,
    bindings: Vec<(String, Value)>,
    /// Expressions evaluated so far, bounded by [`MAX_STEPS`].
    steps: usize,
}

/// Most sub-expressions one evaluation may visit. Real configurations stay far below; a
/// nested `for` over `range(1024)` three deep would otherwise build a billion values.
pub const MAX_STEPS: usize = 2_000_000;

impl<'r> Evaluator<'r> {
    pub fn new(resolver: &'r dyn Resolver) -> Evaluator<'r> {
        Evaluator {
            resolver,
            bindings: Vec::new(),
            steps: 0,
        }
    }

    /// Evaluates with extra names bound (`each`, `count`, a `dynamic` iterator).
    pub fn with_bindings(
        resolver: &'r dyn Resolver,
        bindings: Vec<(String, Value)>,
    ) -> Evaluator<'r> {
        Evaluator {
            resolver,
            bindings,
            steps: 0,
        }
    }

    pub fn eval(&mut self, expr: &Expr) -> Result<Value, EvalError> {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return Err(EvalError::new(
                format!("the expression is too large to evaluate (more than {MAX_STEPS} steps)"),
                expr.span,
            )
            .with_help("simplify the expression; nested for expressions multiply their sizes"));
        }
        match &expr.kind {
            ExprKind::Null => Ok(Value::Null),
            ExprKind::Bool(b) => Ok(Value::Bool(*b)),
            ExprKind::Number(n) => Ok(Value::Number(*n)),
            ExprKind::String(s) => Ok(Value::String(s.clone())),
            ExprKind::Template(parts) => self.template(parts),
            ExprKind::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(self.eval(item)?);
                }
                Ok(Value::List(out))
            }
            ExprKind::Object(items) => self.object(items),
            ExprKind::Variable(_) | ExprKind::Traversal(..) => self.traversal(expr),
            ExprKind::Call {
                name,
                args,
                expand_final,
            } => self.call(name, args, *expand_final, expr.span),
            ExprKind::Conditional(cond, then, otherwise) => {
                // A result chosen by a sensitive condition tells the condition: it is
                // sensitive too, as in Terraform.
                let (c, marked) = self.eval(cond)?.unmark_deep();
                match to_bool(&c).map_err(|m| {
                    hide_if(
                        marked,
                        EvalError::new(format!("invalid condition: {m}"), cond.span),
                        "the condition",
                    )
                })? {
                    None => {
                        // Both branches are still evaluated so errors in them are reported.
                        let _ = self.eval(then)?;
                        let _ = self.eval(otherwise)?;
                        Ok(c)
                    }
                    Some(true) => {
                        let t = self.eval(then)?;
                        let o = self.eval(otherwise)?;
                        Ok(unify_marked(t, &o).mark_if(marked))
                    }
                    Some(false) => {
                        let t = self.eval(then)?;
                        let o = self.eval(otherwise)?;
                        Ok(unify_marked(o, &t).mark_if(marked))
                    }
                }
            }
            ExprKind::Unary(op, inner) => {
                let (v, marked) = self.eval(inner)?.unmark_deep();
                unary(*op, &v, inner.span)
                    .map(|r| r.mark_if(marked))
                    .map_err(|e| hide_if(marked, e, "the operator"))
            }
            ExprKind::Binary(op, lhs, rhs) => {
                let (l, left_marked) = self.eval(lhs)?.unmark_deep();
                let (r, right_marked) = self.eval(rhs)?.unmark_deep();
                let marked = left_marked || right_marked;
                binary(*op, &l, &r, expr.span)
                    .map(|v| v.mark_if(marked))
                    .map_err(|e| hide_if(marked, e, "the operator"))
            }
            ExprKind::For(f) => self.for_expr(f),
        }
    }

    fn lookup_binding(&self, name: &str) -> Option<&Value> {
        self.bindings
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    fn object(&mut self, items: &[(ObjectKey, Expr)]) -> Result<Value, EvalError> {
        let mut map = Map::new();
        // Keys cannot be marked one by one: a sensitive key marks the whole object.
        let mut sensitive_key = false;
        for (key, value) in items {
            let k = match key {
                ObjectKey::Ident(s) => Value::String(s.clone()),
                ObjectKey::Expr(e) => {
                    // `{ (local.key) = 1 }` and a bare `var.x` key are both expressions.
                    let (k, marked) = self.eval(e)?.unmark_deep();
                    sensitive_key |= marked;
                    k
                }
            };
            let v = self.eval(value)?;
            match &k {
                Value::Unknown(u) => {
                    map.more = Some(u.clone());
                }
                other => {
                    let span = match key {
                        ObjectKey::Expr(e) => e.span,
                        ObjectKey::Ident(_) => value.span,
                    };
                    let s = to_string(other)
                        .map_err(|m| {
                            hide_if(
                                sensitive_key,
                                EvalError::new(format!("invalid object key: {m}"), span),
                                "the object key",
                            )
                        })?
                        .unwrap_or_default();
                    // A later duplicate key wins, as in Terraform.
                    map.insert(s, v);
                }
            }
        }
        Ok(Value::Map(map).mark_if(sensitive_key))
    }

    fn template(&mut self, parts: &[TemplatePart]) -> Result<Value, EvalError> {
        let mut out = Rendered::default();
        self.render_parts(parts, &mut out)?;
        Ok(match out.unknown {
            Some(u) => Value::Unknown(u),
            // A string made with a sensitive part is sensitive as a whole.
            None => Value::String(out.text).mark_if(out.sensitive),
        })
    }

    fn render_parts(
        &mut self,
        parts: &[TemplatePart],
        out: &mut Rendered,
    ) -> Result<(), EvalError> {
        for part in parts {
            match part {
                TemplatePart::Literal(s) => out.text.push_str(s),
                TemplatePart::Interpolation(expr) => {
                    let (v, marked) = self.eval(expr)?.unmark_deep();
                    out.sensitive |= marked;
                    match v {
                        Value::Unknown(u) => {
                            out.unknown.get_or_insert(u);
                        }
                        Value::Null => {
                            return Err(EvalError::new(
                                "invalid template interpolation value: the expression result is null",
                                expr.span,
                            ))
                        }
                        other => match to_string(&other) {
                            Ok(Some(s)) => out.text.push_str(&s),
                            Ok(None) => {}
                            Err(_) => {
                                return Err(EvalError::new(
                                    format!(
                                        "invalid template interpolation value: cannot include a {} in a string template",
                                        other.type_name()
                                    ),
                                    expr.span,
                                ))
                            }
                        },
                    }
                }
                TemplatePart::If {
                    cond,
                    then,
                    otherwise,
                    ..
                } => {
                    let (c, marked) = self.eval(cond)?.unmark_deep();
                    out.sensitive |= marked;
                    match to_bool(&c).map_err(|m| {
                        hide_if(
                            marked,
                            EvalError::new(format!("invalid template condition: {m}"), cond.span),
                            "the template condition",
                        )
                    })? {
                        None => {
                            if let Value::Unknown(u) = c {
                                out.unknown.get_or_insert(u);
                            }
                        }
                        Some(true) => self.render_parts(then, out)?,
                        Some(false) => self.render_parts(otherwise, out)?,
                    }
                }
                TemplatePart::For {
                    key_var,
                    value_var,
                    collection,
                    body,
                    ..
                } => {
                    let (coll, marked) = self.eval(collection)?.peel();
                    out.sensitive |= marked;
                    let items = match iterate(&coll, collection.span)? {
                        Some(items) => items,
                        None => {
                            if let Some(u) = coll.first_unknown() {
                                out.unknown.get_or_insert(u.clone());
                            }
                            Vec::new()
                        }
                    };
                    for (k, v) in items {
                        let depth = self.bindings.len();
                        if let Some(kv) = key_var {
                            self.bindings.push((kv.clone(), k));
                        }
                        self.bindings.push((value_var.clone(), v));
                        let r = self.render_parts(body, out);
                        self.bindings.truncate(depth);
                        r?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Resolves a variable or traversal: bound names first, then the resolver, then the
    /// remaining operators.
    fn traversal(&mut self, expr: &Expr) -> Result<Value, EvalError> {
        let (root_name, ops): (&str, &[Operator]) = match &expr.kind {
            ExprKind::Variable(name) => (name, &[]),
            ExprKind::Traversal(base, ops) => match &base.kind {
                ExprKind::Variable(name) => (name, ops),
                _ => {
                    let v = self.eval(base)?;
                    return self.apply_operators(v, ops, expr.span);
                }
            },
            _ => return self.eval(expr),
        };
        if let Some(v) = self.lookup_binding(root_name) {
            let v = v.clone();
            return self.apply_operators(v, ops, expr.span);
        }
        let mut path = vec![root_name];
        for op in ops {
            match op {
                Operator::GetAttr(a) => path.push(a),
                _ => break,
            }
        }
        let (value, consumed) = self.resolver.resolve(&path, expr.span)?;
        let rest = ops.get(consumed.saturating_sub(1)..).unwrap_or(&[]);
        self.apply_operators(value, rest, expr.span)
    }

    fn apply_operators(
        &mut self,
        mut value: Value,
        ops: &[Operator],
        span: Span,
    ) -> Result<Value, EvalError> {
        let mut i = 0;
        while let Some(op) = ops.get(i) {
            match op {
                // An element of a sensitive collection is sensitive; the elements' own
                // marks stay.
                Operator::GetAttr(name) => {
                    let (v, marked) = value.peel();
                    value = get_attr(&v, name, span)?.mark_if(marked);
                }
                Operator::Index(e) => {
                    let (key, key_marked) = self.eval(e)?.unmark_deep();
                    let (v, marked) = value.peel();
                    let marked = marked || key_marked;
                    value = index(&v, &key, e.span)
                        .map_err(|err| hide_if(marked, err, "the index"))?
                        .mark_if(marked);
                }
                Operator::AttrSplat | Operator::FullSplat => {
                    // Which operators apply to each element: for `.*` only the attribute
                    // accesses right after it, for `[*]` everything that follows.
                    let rest = ops.get(i + 1..).unwrap_or(&[]);
                    let take = if matches!(op, Operator::AttrSplat) {
                        rest.iter()
                            .take_while(|o| matches!(o, Operator::GetAttr(_)))
                            .count()
                    } else {
                        rest.len()
                    };
                    let per_element = rest.get(..take).unwrap_or(&[]);
                    let (v, marked) = value.peel();
                    value = match v {
                        Value::Unknown(_) => v,
                        Value::Null => Value::List(Vec::new()),
                        Value::List(items) | Value::Set(items) => {
                            let mut out = Vec::with_capacity(items.len());
                            for item in items {
                                out.push(self.apply_operators(item, per_element, span)?);
                            }
                            Value::List(out)
                        }
                        single => {
                            Value::List(vec![self.apply_operators(single, per_element, span)?])
                        }
                    }
                    .mark_if(marked);
                    i += take;
                }
            }
            i += 1;
        }
        Ok(value)
    }

    fn call(
        &mut self,
        name: &str,
        args: &[Expr],
        expand_final: bool,
        span: Span,
    ) -> Result<Value, EvalError> {
        // try and can look at errors, so they evaluate their own arguments; the sensitive
        // functions work on the marks, which no other function sees.
        match name {
            "try" => return self.call_try(args, span),
            "can" => return self.call_can(args, span),
            "sensitive" | "nonsensitive" | "issensitive" => {
                return self.call_marks(name, args, span)
            }
            _ => {}
        }
        let Some(function) = functions::lookup(name) else {
            if functions::is_terraform_builtin(name) || name.starts_with("provider::") {
                for a in args {
                    self.eval(a)?;
                }
                return Ok(Value::unknown(format!(
                    "{name}() is not evaluated by aicost-policy"
                )));
            }
            return Err(
                EvalError::new(format!("call to unknown function `{name}`"), span)
                    .with_help("check the function name against the Terraform documentation"),
            );
        };
        let mut values = Vec::with_capacity(args.len());
        let mut spans = Vec::with_capacity(args.len());
        // Functions see no marks: a result made from a sensitive argument is sensitive as a
        // whole, as Terraform's functions make it. `merge` and `concat` only move elements,
        // so only their arguments' own marks are taken off, and the elements keep theirs
        // (a sensitive tag stays one tag).
        let keeps_element_marks = matches!(name, "merge" | "concat");
        let mut marked = false;
        for (i, a) in args.iter().enumerate() {
            let (v, m) = if keeps_element_marks {
                self.eval(a)?.peel()
            } else {
                self.eval(a)?.unmark_deep()
            };
            marked |= m;
            if expand_final && i + 1 == args.len() {
                match v {
                    Value::List(items) | Value::Set(items) => {
                        for item in items {
                            values.push(item);
                            spans.push(a.span);
                        }
                    }
                    Value::Unknown(u) => return Ok(Value::Unknown(u)),
                    other => {
                        return Err(EvalError::new(
                            format!("invalid expanding argument: `...` needs a list, set or tuple, not a {}", other.type_name()),
                            a.span,
                        ))
                    }
                }
            } else {
                values.push(v);
                spans.push(a.span);
            }
        }
        if function.unknowns == Unknowns::Propagate {
            if let Some(u) = values.iter().find_map(Value::first_unknown) {
                return Ok(Value::Unknown(u.clone()));
            }
        }
        (function.call)(values)
            .map(|v| v.mark_if(marked))
            .map_err(|e| {
                let at = e.arg.and_then(|i| spans.get(i).copied()).unwrap_or(span);
                hide_if(marked, function_error(name, e, at), &format!("{name}()"))
            })
    }

    /// `sensitive(x)` marks its value, `nonsensitive(x)` takes the mark off (marks inside
    /// stay, as in Terraform), `issensitive(x)` tells whether it is marked.
    fn call_marks(&mut self, name: &str, args: &[Expr], span: Span) -> Result<Value, EvalError> {
        let [arg] = args else {
            return Err(EvalError::new(
                format!("{name}() takes exactly one argument"),
                span,
            ));
        };
        let value = self.eval(arg)?;
        Ok(match name {
            "sensitive" => value.mark(),
            "nonsensitive" => value.peel().0,
            _ => match value {
                Value::Unknown(u) => Value::Unknown(u),
                v => Value::Bool(v.is_marked()),
            },
        })
    }

    fn call_try(&mut self, args: &[Expr], span: Span) -> Result<Value, EvalError> {
        if args.is_empty() {
            return Err(EvalError::new("try() needs at least one argument", span));
        }
        let mut last_error = None;
        for a in args {
            match self.eval(a) {
                Ok(v) => {
                    if let Some(u) = v.first_unknown() {
                        // Terraform cannot tell yet whether this argument will succeed.
                        return Ok(Value::Unknown(u.clone()));
                    }
                    return Ok(v);
                }
                Err(e) => last_error = Some(e),
            }
        }
        let e = last_error.unwrap_or_else(|| EvalError::new("no argument succeeded", span));
        Err(EvalError::new(
            format!(
                "no expression in try() succeeded; the last error was: {}",
                e.message
            ),
            span,
        ))
    }

    fn call_can(&mut self, args: &[Expr], span: Span) -> Result<Value, EvalError> {
        let [arg] = args else {
            return Err(EvalError::new("can() takes exactly one argument", span));
        };
        Ok(match self.eval(arg) {
            Ok(v) => match v.first_unknown() {
                Some(u) => Value::Unknown(u.clone()),
                None => Value::Bool(true),
            },
            Err(_) => Value::Bool(false),
        })
    }

    fn for_expr(&mut self, f: &ForExpr) -> Result<Value, EvalError> {
        // Over a sensitive collection, with a sensitive key or condition, the result shows
        // the sensitive value: it is sensitive as a whole. Elements keep their own marks.
        let (coll, marked) = self.eval(&f.collection)?.peel();
        let mut sensitive = marked;
        let result = self.for_items(f, &coll, &mut sensitive)?;
        Ok(result.mark_if(sensitive))
    }

    fn for_items(
        &mut self,
        f: &ForExpr,
        coll: &Value,
        sensitive: &mut bool,
    ) -> Result<Value, EvalError> {
        let Some(items) = iterate(coll, f.collection.span)? else {
            return Ok(Value::Unknown(
                coll.first_unknown()
                    .cloned()
                    .unwrap_or_else(|| Unknown::new("unknown collection")),
            ));
        };
        let mut list = Vec::new();
        let mut map: BTreeMap<String, Value> = BTreeMap::new();
        let mut groups: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        let mut unknown_key: Option<Unknown> = None;
        for (k, v) in items {
            let depth = self.bindings.len();
            if let Some(kv) = &f.key_var {
                self.bindings.push((kv.clone(), k));
            }
            self.bindings.push((f.value_var.clone(), v));
            let result = self.for_item(
                f,
                Collected {
                    list: &mut list,
                    map: &mut map,
                    groups: &mut groups,
                    unknown_key: &mut unknown_key,
                    sensitive,
                },
            );
            self.bindings.truncate(depth);
            if let Some(u) = result? {
                return Ok(Value::Unknown(u));
            }
        }
        if f.key.is_none() {
            return Ok(Value::List(list));
        }
        let mut out = Map::new();
        if f.grouping {
            for (k, vs) in groups {
                out.insert(k, Value::List(vs));
            }
        } else {
            out.entries = map;
        }
        out.more = unknown_key;
        Ok(Value::Map(out))
    }

    /// One iteration of a `for` expression. Returns `Some` when the whole result becomes
    /// unknown (an unknown condition).
    fn for_item(&mut self, f: &ForExpr, out: Collected<'_>) -> Result<Option<Unknown>, EvalError> {
        let Collected {
            list,
            map,
            groups,
            unknown_key,
            sensitive,
        } = out;
        if let Some(cond) = &f.cond {
            let (c, marked) = self.eval(cond)?.unmark_deep();
            *sensitive |= marked;
            match to_bool(&c).map_err(|m| {
                hide_if(
                    marked,
                    EvalError::new(format!("invalid for condition: {m}"), cond.span),
                    "the for condition",
                )
            })? {
                None => return Ok(c.first_unknown().cloned()),
                Some(false) => return Ok(None),
                Some(true) => {}
            }
        }
        let value = self.eval(&f.value)?;
        let Some(key_expr) = &f.key else {
            list.push(value);
            return Ok(None);
        };
        let (key, marked) = self.eval(key_expr)?.unmark_deep();
        *sensitive |= marked;
        let key = match to_string(&key) {
            Ok(Some(k)) => k,
            Ok(None) => {
                if let Value::Unknown(u) = key {
                    unknown_key.get_or_insert(u);
                }
                return Ok(None);
            }
            Err(m) => {
                return Err(hide_if(
                    marked,
                    EvalError::new(format!("invalid object key: {m}"), key_expr.span),
                    "the for key",
                ))
            }
        };
        if f.grouping {
            groups.entry(key).or_default().push(value);
        } else {
            match map.entry(key) {
                std::collections::btree_map::Entry::Occupied(e) => {
                    return Err(hide_if(
                        marked,
                        EvalError::new(
                            format!("duplicate object key `{}` in a for expression", e.key()),
                            key_expr.span,
                        )
                        .with_help(
                            "add `...` after the value to group values with the same key into lists",
                        ),
                        "the for key",
                    ));
                }
                std::collections::btree_map::Entry::Vacant(e) => {
                    e.insert(value);
                }
            }
        }
        Ok(None)
    }
}

/// The (key, value) pairs a `for` expression or `for_each` visits: index and element for
/// lists, the element twice for sets, key and value for maps. `None` when unknown.
pub fn iterate(coll: &Value, span: Span) -> Result<Option<Vec<(Value, Value)>>, EvalError> {
    match coll {
        Value::List(items) => Ok(Some(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| (Value::Number(usize_to_f64(i)), v.clone()))
                .collect(),
        )),
        Value::Set(items) => Ok(Some(items.iter().map(|v| (v.clone(), v.clone())).collect())),
        Value::Map(m) => {
            if m.more.is_some() {
                return Ok(None);
            }
            Ok(Some(
                m.entries
                    .iter()
                    .map(|(k, v)| (Value::String(k.clone()), v.clone()))
                    .collect(),
            ))
        }
        Value::Unknown(_) => Ok(None),
        Value::Null => Err(EvalError::new("cannot iterate over a null value", span)),
        other => Err(EvalError::new(
            format!(
                "cannot iterate over a {}: a list, set or map is required",
                other.type_name()
            ),
            span,
        )),
    }
}

#[expect(
    clippy::cast_precision_loss,
    reason = "collection indexes are far below 2^52"
)]
fn usize_to_f64(i: usize) -> f64 {
    i as f64
}

/// What `render_parts` builds: the text, the first unknown part, and whether a part was
/// sensitive.
#[derive(Default)]
struct Rendered {
    text: String,
    unknown: Option<Unknown>,
    sensitive: bool,
}

/// Where one iteration of a `for` expression puts its result.
struct Collected<'a> {
    list: &'a mut Vec<Value>,
    map: &'a mut BTreeMap<String, Value>,
    groups: &'a mut BTreeMap<String, Vec<Value>>,
    unknown_key: &'a mut Option<Unknown>,
    sensitive: &'a mut bool,
}

/// Terraform's conversion of a conditional's result to the other branch's type, keeping the
/// chosen branch's mark.
fn unify_marked(chosen: Value, other: &Value) -> Value {
    let (chosen, marked) = chosen.peel();
    let other = match other {
        Value::Sensitive(inner) => inner,
        o => o,
    };
    unify_branch(chosen, other).mark_if(marked)
}

/// An error about an operation on a sensitive value names the operation only: its message
/// could quote the value.
pub fn hide_if(sensitive: bool, e: EvalError, what: &str) -> EvalError {
    if !sensitive {
        return e;
    }
    EvalError::new(
        format!("{what} failed on a sensitive value; the error is not shown, since it could include the value"),
        e.span,
    )
    .with_help("check the expression with the value at hand: aicost-policy never prints a sensitive value")
}

fn function_error(name: &str, e: FunctionError, span: Span) -> EvalError {
    EvalError::new(format!("invalid call to {name}(): {}", e.message), span)
}

/// Parses and evaluates a standalone expression with no names in scope.
pub fn eval_standalone(source: &str) -> Result<Value, EvalError> {
    let expr = super::hcl::parse_expression(source)
        .map_err(|e| EvalError::new(e.message, (e.offset, e.offset)))?;
    Evaluator::new(&NoNames).eval(&expr)
}

#[cfg(test)]
mod tests {
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

    #[test]
    fn errors_point_at_the_expression() {
        let err = eval_standalone("[1][5]").unwrap_err();
        assert!(err.message.contains("out of range"), "{err:?}");
    }
}
