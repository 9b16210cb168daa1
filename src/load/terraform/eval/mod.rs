//! Evaluates [`ast`] expressions to [`Value`]s with Terraform's semantics. Names are
//! resolved through a [`Resolver`] (variables, locals, modules, resources), so this file
//! knows nothing about modules or files. Unknown values flow through every operation and
//! keep the reason they are unknown.

mod for_expr;

pub use self::for_expr::iterate;

use super::ast::{Expr, ExprKind, ObjectKey, Operator, Span, TemplatePart};
use super::budget::{entry_bytes, node_bytes, payload, value_bytes, Meter, RootBudget};
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
    pub stop: Stop,
    /// A reference to a name that is not declared or cannot be used here. Terraform checks
    /// references before it evaluates anything, so this is an error wherever it is written,
    /// even in the result of a conditional that is not selected.
    pub invalid_reference: bool,
}

/// How an error stops evaluation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Stop {
    /// An ordinary error: reported where it happened; `try` and `can` may catch it.
    #[default]
    Error,
    /// An evaluation budget ran out here: reported, and never caught by `try` or `can`,
    /// which would turn a value that is unknown into an invented one.
    Budget,
    /// A root budget ran out earlier and was reported there: the value is unknown and
    /// nothing more is reported.
    Spent,
}

impl EvalError {
    pub fn new(message: impl Into<String>, span: Span) -> EvalError {
        EvalError {
            message: message.into(),
            span,
            help: None,
            stop: Stop::Error,
            invalid_reference: false,
        }
    }

    /// See [`EvalError::invalid_reference`].
    pub fn invalid_reference(message: impl Into<String>, span: Span) -> EvalError {
        EvalError {
            invalid_reference: true,
            ..EvalError::new(message, span)
        }
    }

    /// Whether this error was already reported, where a root budget ran out.
    pub fn reported_elsewhere(&self) -> bool {
        self.stop == Stop::Spent
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

/// Evaluation state: the resolver, the stack of local names bound by `for` expressions
/// and `dynamic` blocks, and the budget the evaluation draws on (see `budget.rs`).
pub struct Evaluator<'r> {
    resolver: &'r dyn Resolver,
    bindings: Vec<(String, Value)>,
    meter: Meter<'r>,
}

impl<'r> Evaluator<'r> {
    /// A standalone evaluation with a budget of its own.
    pub fn new(resolver: &'r dyn Resolver) -> Evaluator<'r> {
        Evaluator {
            resolver,
            bindings: Vec::new(),
            meter: Meter::own(),
        }
    }

    /// An evaluation within a root, drawing on the root's budget, with extra names bound
    /// (`each`, `count`, a `dynamic` iterator).
    pub fn in_root(
        resolver: &'r dyn Resolver,
        budget: &'r RootBudget,
        bindings: Vec<(String, Value)>,
    ) -> Evaluator<'r> {
        Evaluator {
            resolver,
            bindings,
            meter: Meter::in_root(budget),
        }
    }

    pub fn eval(&mut self, expr: &Expr) -> Result<Value, EvalError> {
        self.eval_sized(expr).map(|(v, _)| v)
    }

    /// Evaluates `expr` and returns its value with its estimated size. Every node is a
    /// step; every byte it builds or copies is charged, and no value may outgrow the limit
    /// for one value. Children are charged when built, so a node charges only what it
    /// adds itself.
    fn eval_sized(&mut self, expr: &Expr) -> Result<(Value, usize), EvalError> {
        let span = expr.span;
        self.meter.step(span)?;
        let (value, size) = match &expr.kind {
            ExprKind::Null => self.scalar(Value::Null, span)?,
            ExprKind::Bool(b) => self.scalar(Value::Bool(*b), span)?,
            ExprKind::Number(n) => self.scalar(Value::Number(*n), span)?,
            ExprKind::String(s) => {
                let size = node_bytes() + s.len();
                self.meter.charge(size, span)?;
                (Value::String(s.clone()), size)
            }
            ExprKind::Template(parts) => self.template(parts, span)?,
            ExprKind::Array(items) => {
                self.meter.charge(node_bytes(), span)?;
                let mut out = Vec::with_capacity(items.len());
                let mut size = node_bytes();
                for item in items {
                    let (v, s) = self.eval_sized(item)?;
                    size = size.saturating_add(s);
                    self.meter.fits(size, span)?;
                    out.push(v);
                }
                (Value::List(out), size)
            }
            ExprKind::Object(items) => self.object(items, span)?,
            ExprKind::Variable(_) | ExprKind::Traversal(..) => self.traversal(expr)?,
            ExprKind::Call {
                name,
                args,
                expand_final,
            } => self.call(name, args, *expand_final, span)?,
            ExprKind::Conditional(cond, then, otherwise) => {
                self.conditional(cond, then, otherwise)?
            }
            ExprKind::Unary(op, inner) => {
                let (v, marked) = self.eval(inner)?.unmark_deep();
                let r =
                    unary(*op, &v, inner.span).map_err(|e| hide_if(marked, e, "the operator"))?;
                self.measured(r.mark_if(marked), span)?
            }
            ExprKind::Binary(op, lhs, rhs) => {
                let (l, left_marked) = self.eval(lhs)?.unmark_deep();
                let (r, right_marked) = self.eval(rhs)?.unmark_deep();
                let marked = left_marked || right_marked;
                let v =
                    binary(*op, &l, &r, span).map_err(|e| hide_if(marked, e, "the operator"))?;
                self.measured(v.mark_if(marked), span)?
            }
            ExprKind::For(f) => self.for_expr(f, span)?,
        };
        Ok((value, size))
    }

    /// A value that holds nothing but its node.
    fn scalar(&mut self, v: Value, span: Span) -> Result<(Value, usize), EvalError> {
        self.meter.charge(node_bytes(), span)?;
        Ok((v, node_bytes()))
    }

    /// `cond ? then : otherwise` as HCL evaluates it: both results are evaluated (the
    /// result takes a type both convert to), but only the selected one's errors count, so
    /// `true ? "x" : var.zones[0]` is `"x"` even when `var.zones` is empty. With an unknown
    /// condition neither result's errors count and the value is unknown (null when both
    /// are null). A reference to an undeclared name is an error in either result.
    ///
    /// A budget error is never an error of one result only: the steps and bytes the other
    /// result spent are spent, and the budget is the whole expression's (or the root's). So
    /// it stops the conditional whichever result it comes from, selected or not, as it stops
    /// `try` and `can`; otherwise an unselected result could spend a root's budget unseen.
    fn conditional(
        &mut self,
        cond: &Expr,
        then: &Expr,
        otherwise: &Expr,
    ) -> Result<(Value, usize), EvalError> {
        // A result chosen by a sensitive condition tells the condition: it is sensitive
        // too, as in Terraform.
        let (c, marked) = self.eval(cond)?.unmark_deep();
        let selected = to_bool(&c).map_err(|m| {
            hide_if(
                marked,
                EvalError::new(format!("invalid condition: {m}"), cond.span),
                "the condition",
            )
        })?;
        let t = budget_stops(self.eval_sized(then))?;
        let o = budget_stops(self.eval_sized(otherwise))?;
        let undeclared = |r: &Result<(Value, usize), EvalError>| match r {
            Err(e) if e.invalid_reference => Some(e.clone()),
            _ => None,
        };
        let value = |r: Result<(Value, usize), EvalError>| r.map(|(v, _)| v);
        match selected {
            None => {
                if let Some(e) = undeclared(&t).or_else(|| undeclared(&o)) {
                    return Err(e);
                }
                if matches!((&t, &o), (Ok((Value::Null, _)), Ok((Value::Null, _)))) {
                    return Ok((Value::Null, node_bytes()));
                }
                Ok((c, node_bytes()))
            }
            Some(true) => {
                if let Some(e) = undeclared(&o) {
                    return Err(e);
                }
                let (t, size) = t?;
                let other = typed(value(o), otherwise);
                // The conversion to the other result's type (number to string, list to
                // set) does not grow the value beyond a few bytes: its size stands.
                Ok(mark_sized(unify_marked(t, other.as_ref()), size, marked))
            }
            Some(false) => {
                if let Some(e) = undeclared(&t) {
                    return Err(e);
                }
                let (o, size) = o?;
                let other = typed(value(t), then);
                Ok(mark_sized(unify_marked(o, other.as_ref()), size, marked))
            }
        }
    }

    /// A value built outside the evaluator (by a function, an operator or a copy):
    /// measured, charged in full and checked against the limit for one value.
    fn measured(&mut self, v: Value, span: Span) -> Result<(Value, usize), EvalError> {
        let size = value_bytes(&v);
        self.meter.fits(size, span)?;
        self.meter.charge(size, span)?;
        Ok((v, size))
    }

    fn object(
        &mut self,
        items: &[(ObjectKey, Expr)],
        span: Span,
    ) -> Result<(Value, usize), EvalError> {
        self.meter.charge(node_bytes(), span)?;
        let mut map = Map::new();
        let mut size = node_bytes();
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
            let (v, value_size) = self.eval_sized(value)?;
            match &k {
                Value::Unknown(u) => {
                    map.more = Some(u.clone());
                }
                other => {
                    let key_span = match key {
                        ObjectKey::Expr(e) => e.span,
                        ObjectKey::Ident(_) => value.span,
                    };
                    let s = to_string(other)
                        .map_err(|m| {
                            hide_if(
                                sensitive_key,
                                EvalError::new(format!("invalid object key: {m}"), key_span),
                                "the object key",
                            )
                        })?
                        .unwrap_or_default();
                    let entry = entry_bytes(map.entries.len(), &s);
                    self.meter.charge(entry, span)?;
                    size = size
                        .saturating_add(entry)
                        .saturating_add(payload(value_size));
                    self.meter.fits(size, span)?;
                    // A later duplicate key wins, as in Terraform.
                    map.insert(s, v);
                }
            }
        }
        Ok(mark_sized(Value::Map(map), size, sensitive_key))
    }

    fn template(
        &mut self,
        parts: &[TemplatePart],
        span: Span,
    ) -> Result<(Value, usize), EvalError> {
        let mut out = Rendered::default();
        self.render_parts(parts, &mut out, span)?;
        let size = node_bytes() + out.text.len();
        self.meter.charge(size, span)?;
        Ok(match out.unknown {
            Some(u) => (Value::Unknown(u), node_bytes()),
            // A string made with a sensitive part is sensitive as a whole.
            None => mark_sized(Value::String(out.text), size, out.sensitive),
        })
    }

    /// Renders template parts into `out`, which may not outgrow the limit for one value
    /// (`span` is the whole template's).
    fn render_parts(
        &mut self,
        parts: &[TemplatePart],
        out: &mut Rendered,
        span: Span,
    ) -> Result<(), EvalError> {
        for part in parts {
            self.meter.fits(node_bytes() + out.text.len(), span)?;
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
                        Some(true) => self.render_parts(then, out, span)?,
                        Some(false) => self.render_parts(otherwise, out, span)?,
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
                        let r = self.render_parts(body, out, span);
                        self.bindings.truncate(depth);
                        r?;
                    }
                }
            }
        }
        self.meter.fits(node_bytes() + out.text.len(), span)
    }

    /// Resolves a variable or traversal: bound names first, then the resolver, then the
    /// remaining operators.
    fn traversal(&mut self, expr: &Expr) -> Result<(Value, usize), EvalError> {
        let span = expr.span;
        let (root_name, ops): (&str, &[Operator]) = match &expr.kind {
            ExprKind::Variable(name) => (name, &[]),
            ExprKind::Traversal(base, ops) => match &base.kind {
                ExprKind::Variable(name) => (name, ops),
                _ => {
                    let (v, size) = self.eval_sized(base)?;
                    return self.operators_on(v, size, ops, span);
                }
            },
            _ => return self.eval_sized(expr),
        };
        if let Some(v) = binding(&self.bindings, root_name) {
            // A copy: charged before it is made.
            let size = value_bytes(v);
            self.meter.charge(size, span)?;
            let v = v.clone();
            return self.operators_on(v, size, ops, span);
        }
        let mut path = vec![root_name];
        for op in ops {
            match op {
                Operator::GetAttr(a) => path.push(a),
                _ => break,
            }
        }
        let (value, consumed) = self.resolver.resolve(&path, span)?;
        // The resolver copied a stored value, which was within the limit for one value
        // when it was stored.
        let size = value_bytes(&value);
        self.meter.charge(size, span)?;
        let rest = ops.get(consumed.saturating_sub(1)..).unwrap_or(&[]);
        self.operators_on(value, size, rest, span)
    }

    /// Applies `ops` to a value of `size`; a part taken out of it is a new copy.
    fn operators_on(
        &mut self,
        value: Value,
        size: usize,
        ops: &[Operator],
        span: Span,
    ) -> Result<(Value, usize), EvalError> {
        if ops.is_empty() {
            return Ok((value, size));
        }
        let v = self.apply_operators(value, ops, span)?;
        self.measured(v, span)
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
    ) -> Result<(Value, usize), EvalError> {
        // try and can look at errors, so they evaluate their own arguments;
        // the sensitive functions work on the marks, which no other function sees.
        match name {
            "try" => return self.call_try(args, span),
            "can" => return self.call_can(args, span).map(|v| (v, node_bytes())),
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
                return Ok((
                    Value::unknown(format!("{name}() is not evaluated by aicost-policy")),
                    node_bytes(),
                ));
            }
            return Err(
                EvalError::new(format!("call to unknown function `{name}`"), span)
                    .with_help("check the function name against the Terraform documentation"),
            );
        };
        let mut values = Vec::with_capacity(args.len());
        let mut spans = Vec::with_capacity(args.len());
        // The arguments of one call count as one value, so that what a function builds
        // from them stays within a small multiple of the limit before it is measured.
        let mut size = 0usize;
        // Functions see no marks: a result made from a sensitive argument is sensitive as a
        // whole, as Terraform's functions make it. `merge` and `concat` only move elements,
        // so only their arguments' own marks are taken off, and the elements keep theirs
        // (a sensitive tag stays one tag).
        let keeps_element_marks = matches!(name, "merge" | "concat");
        let mut marked = false;
        for (i, a) in args.iter().enumerate() {
            let (v, arg_size) = self.eval_sized(a)?;
            size = size.saturating_add(arg_size);
            self.meter.fits_arguments(size, span)?;
            let (v, m) = if keeps_element_marks {
                v.peel()
            } else {
                v.unmark_deep()
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
                    Value::Unknown(u) => return Ok((Value::Unknown(u), node_bytes())),
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
                return Ok((Value::Unknown(u.clone()), node_bytes()));
            }
        }
        let result = (function.call)(values)
            .map(|v| v.mark_if(marked))
            .map_err(|e| {
                let at = e.arg.and_then(|i| spans.get(i).copied()).unwrap_or(span);
                hide_if(marked, function_error(name, e, at), &format!("{name}()"))
            })?;
        self.measured(result, span)
    }

    /// `sensitive(x)` marks its value, `nonsensitive(x)` takes the mark off (marks inside
    /// stay, as in Terraform), `issensitive(x)` tells whether it is marked.
    fn call_marks(
        &mut self,
        name: &str,
        args: &[Expr],
        span: Span,
    ) -> Result<(Value, usize), EvalError> {
        let [arg] = args else {
            return Err(EvalError::new(
                format!("{name}() takes exactly one argument"),
                span,
            ));
        };
        let (value, size) = self.eval_sized(arg)?;
        Ok(match name {
            "sensitive" => mark_sized(value, size, true),
            "nonsensitive" => match value.peel() {
                (v, true) => (v, size.saturating_sub(node_bytes())),
                (v, false) => (v, size),
            },
            _ => match value {
                Value::Unknown(u) => (Value::Unknown(u), node_bytes()),
                v => (Value::Bool(v.is_marked()), node_bytes()),
            },
        })
    }

    fn call_try(&mut self, args: &[Expr], span: Span) -> Result<(Value, usize), EvalError> {
        if args.is_empty() {
            return Err(EvalError::new("try() needs at least one argument", span));
        }
        let mut last_error = None;
        for a in args {
            match self.eval_sized(a) {
                Ok((v, size)) => {
                    if let Some(u) = v.first_unknown() {
                        // Terraform cannot tell yet whether this argument will succeed.
                        return Ok((Value::Unknown(u.clone()), node_bytes()));
                    }
                    return Ok((v, size));
                }
                Err(e) if e.stop != Stop::Error => return Err(e),
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
            Err(e) if e.stop != Stop::Error => return Err(e),
            Err(_) => Value::Bool(false),
        })
    }
}

/// The innermost value bound to `name`.
fn binding<'b>(bindings: &'b [(String, Value)], name: &str) -> Option<&'b Value> {
    bindings
        .iter()
        .rev()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v)
}

/// A conditional's result as far as its own errors go: an ordinary error is kept for the
/// conditional to weigh (`Ok(Err(..))`); a budget error stops the conditional (`Err`).
fn budget_stops<T>(result: Result<T, EvalError>) -> Result<Result<T, EvalError>, EvalError> {
    match result {
        Err(e) if e.stop != Stop::Error => Err(e),
        r => Ok(r),
    }
}

/// The value of a conditional's other result as far as its type matters: `None` when it
/// failed (it then takes the chosen result's type). Our unknowns carry no type, but one that
/// a set function makes is a set in Terraform: `cond ? toset(var.unknown) : []` is a set
/// either way.
fn typed(result: Result<Value, EvalError>, expr: &Expr) -> Option<Value> {
    match result {
        Ok(Value::Unknown(_)) if makes_set(expr) => Some(Value::Set(Vec::new())),
        Ok(v) => Some(v),
        Err(_) => None,
    }
}

/// Whether an expression's value is a set whatever its elements.
fn makes_set(expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::Call { name, .. } => matches!(
            name.as_str(),
            "toset" | "setunion" | "setintersection" | "setsubtract"
        ),
        ExprKind::Conditional(_, then, otherwise) => makes_set(then) || makes_set(otherwise),
        _ => false,
    }
}

/// What `render_parts` builds: the text, the first unknown part, and whether a part was
/// sensitive.
#[derive(Default)]
struct Rendered {
    text: String,
    unknown: Option<Unknown>,
    sensitive: bool,
}

/// A value of estimated `size` marked sensitive when `marked`: the mark boxes the value,
/// one more node.
fn mark_sized(v: Value, size: usize, marked: bool) -> (Value, usize) {
    if !marked || matches!(v, Value::Null | Value::Unknown(_) | Value::Sensitive(_)) {
        return (v, size);
    }
    (v.mark(), size.saturating_add(node_bytes()))
}

/// Terraform's conversion of a conditional's result to the other branch's type, keeping the
/// chosen branch's mark.
fn unify_marked(chosen: Value, other: Option<&Value>) -> Value {
    let (chosen, marked) = chosen.peel();
    let other = other.map(|o| match o {
        Value::Sensitive(inner) => &**inner,
        o => o,
    });
    unify_branch(chosen, other).mark_if(marked)
}

/// An error about an operation on a sensitive value names the operation only: its message
/// could quote the value. Budget errors quote nothing and stay what they are, so that
/// `try` and `can` still do not catch them.
pub fn hide_if(sensitive: bool, e: EvalError, what: &str) -> EvalError {
    if !sensitive || e.stop != Stop::Error {
        return e;
    }
    EvalError::new(
        format!("{what} failed on a sensitive value; the error is not shown, since it could include the value"),
        e.span,
    )
    .with_help("check the expression with the value at hand: aicost-policy never prints a sensitive value")
}

fn function_error(name: &str, e: FunctionError, span: Span) -> EvalError {
    if e.over_budget {
        // A function that would build more than one value may hold: a budget error,
        // which `try` and `can` do not catch.
        return EvalError {
            message: format!("evaluation budget exceeded: {name}() {}", e.message),
            span,
            help: Some(super::budget::HELP.to_string()),
            stop: Stop::Budget,
            invalid_reference: false,
        };
    }
    EvalError::new(format!("invalid call to {name}(): {}", e.message), span)
}

/// Parses and evaluates a standalone expression with no names in scope.
pub fn eval_standalone(source: &str) -> Result<Value, EvalError> {
    let expr = super::hcl::parse_expression(source)
        .map_err(|e| EvalError::new(e.message, (e.offset, e.offset)))?;
    Evaluator::new(&NoNames).eval(&expr)
}

#[cfg(test)]
mod tests;
