//! `.tf` files: parsed with hcl-edit (which keeps byte spans) and lowered into [`ast`].

use std::collections::BTreeMap;

use hcl::edit::expr::{
    BinaryOperator, Expression, ObjectKey as HclKey, TraversalOperator, UnaryOperator,
};
use hcl::edit::structure::{Body as HclBody, Structure};
use hcl::edit::template::{Directive, Element, Strip, Template};
use hcl::edit::Span as _;

use super::ast::{
    Attribute, BinaryOp, Block, Body, Expr, ExprKind, ForExpr, ObjectKey, Operator, Span,
    TemplatePart, UnaryOp,
};

/// A syntax error: message and 1-based line and column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub offset: usize,
}

/// Parses the text of a `.tf` file.
pub fn parse_body(source: &str) -> Result<Body, SyntaxError> {
    let (body, renamed) = parse_allowing_duplicate_keys(source, hcl::edit::parser::parse_body)?;
    Ok(Cx {
        base: 0,
        renamed: &renamed,
    }
    .body(&body))
}

/// Parses a standalone expression (used for `--var` values and tests).
pub fn parse_expression(source: &str) -> Result<Expr, SyntaxError> {
    let (expr, renamed) = parse_allowing_duplicate_keys(source, hcl::edit::parser::parse_expr)?;
    Ok(Cx {
        base: 0,
        renamed: &renamed,
    }
    .expr(&expr))
}

/// Most repeated object keys a file may contain before we give up renaming them.
const MAX_DUPLICATE_KEYS: usize = 256;

/// Terraform accepts `{ a = 1, a = 2 }` (the last wins) but hcl-edit rejects it. Each
/// rejected key is renamed in a copy of the source to a unique name of the same length,
/// so spans stay valid, and the original name is put back after lowering.
fn parse_allowing_duplicate_keys<T>(
    source: &str,
    parse: fn(&str) -> Result<T, hcl::edit::parser::Error>,
) -> Result<(T, BTreeMap<usize, String>), SyntaxError> {
    let mut text = std::borrow::Cow::Borrowed(source);
    let mut renamed = BTreeMap::new();
    loop {
        match parse(&text) {
            Ok(parsed) => return Ok((parsed, renamed)),
            Err(e) => {
                let offset = e.location().offset();
                let error = SyntaxError {
                    message: e.message().to_string(),
                    offset,
                };
                if !e.message().contains("redefined object key")
                    || renamed.len() >= MAX_DUPLICATE_KEYS
                {
                    return Err(error);
                }
                let owned = text.to_mut();
                let Some((key_start, original)) = rename_key_at(owned, offset, renamed.len())
                else {
                    return Err(error);
                };
                renamed.insert(key_start, original);
            }
        }
    }
}

/// Renames the object key starting at `offset` in place; returns where the name starts and
/// the original name.
fn rename_key_at(text: &mut String, offset: usize, attempt: usize) -> Option<(usize, String)> {
    let rest = text.get(offset..)?;
    let (start, len) = if rest.starts_with('"') {
        let mut escaped = false;
        let mut end = None;
        for (i, c) in rest.char_indices().skip(1) {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                end = Some(i);
                break;
            }
        }
        (offset + 1, end? - 1)
    } else {
        let len = rest
            .char_indices()
            .find(|(_, c)| !(c.is_alphanumeric() || *c == '_' || *c == '-'))
            .map_or(rest.len(), |(i, _)| i);
        (offset, len)
    };
    if len == 0 {
        return None;
    }
    let original = text.get(start..start + len)?.to_string();
    if !original.is_ascii() {
        return None;
    }
    let replacement = placeholder_name(len, attempt);
    text.replace_range(start..start + len, &replacement);
    Some((start, original))
}

/// A name of exactly `len` ASCII characters, different for each attempt.
fn placeholder_name(len: usize, attempt: usize) -> String {
    const FIRST: &[u8] = b"_ZYXWVUTSRQPONMLKJIHGFEDCBAzyxwvutsrqponmlkjihgfedcba";
    const REST: &[u8] = b"_0123456789zyxwvutsrqponmlkjihgfedcba";
    let mut n = attempt;
    let mut out = String::with_capacity(len);
    for i in 0..len {
        let alphabet = if i == 0 { FIRST } else { REST };
        let pick = alphabet.get(n % alphabet.len()).copied().unwrap_or(b'_');
        out.push(char::from(pick));
        n /= alphabet.len();
    }
    out
}

/// Parses the inside of a string as a template (used for `.tf.json` strings); spans are
/// shifted by `base` so they point into the JSON file.
pub fn parse_template(source: &str, base: usize) -> Result<Expr, SyntaxError> {
    let template = hcl::edit::parser::parse_template(source).map_err(|e| SyntaxError {
        message: e.message().to_string(),
        offset: base + e.location().offset(),
    })?;
    let span = (base, base + source.len());
    let renamed = BTreeMap::new();
    Ok(template_expr(
        Cx {
            base,
            renamed: &renamed,
        }
        .template(&template),
        span,
    ))
}

fn template_expr(parts: Vec<TemplatePart>, span: Span) -> Expr {
    // A template that is a single literal is just a string.
    match parts.as_slice() {
        [] => Expr::new(ExprKind::String(String::new()), span),
        [TemplatePart::Literal(s)] => Expr::new(ExprKind::String(s.clone()), span),
        _ => Expr::new(ExprKind::Template(parts), span),
    }
}

fn strips(strip: Strip) -> (bool, bool) {
    match strip {
        Strip::None => (false, false),
        Strip::Start => (true, false),
        Strip::End => (false, true),
        Strip::Both => (true, true),
    }
}

/// Lowering state: the offset added to spans and the object keys renamed before parsing.
struct Cx<'a> {
    base: usize,
    renamed: &'a BTreeMap<usize, String>,
}

fn span_of(node: &impl hcl::edit::Span, base: usize) -> Span {
    node.span()
        .map_or((base, base), |r| (base + r.start, base + r.end))
}

impl Cx<'_> {
    fn body(&self, body: &HclBody) -> Body {
        let mut attributes = Vec::new();
        let mut blocks = Vec::new();
        for structure in body.iter() {
            match structure {
                Structure::Attribute(attr) => attributes.push(Attribute {
                    name: attr.key.as_str().to_string(),
                    expr: self.expr(&attr.value),
                    span: span_of(attr, 0),
                }),
                Structure::Block(block) => {
                    let span = span_of(block, 0);
                    let header_end = block
                        .body
                        .span()
                        .map_or(span.1, |r| r.start.saturating_sub(1).max(span.0));
                    blocks.push(Block {
                        kind: block.ident.as_str().to_string(),
                        labels: block
                            .labels
                            .iter()
                            .map(|l| l.as_str().to_string())
                            .collect(),
                        body: self.body(&block.body),
                        span,
                        header_span: (span.0, header_end.max(span.0)),
                    });
                }
            }
        }
        Body { attributes, blocks }
    }

    fn expr(&self, expr: &Expression) -> Expr {
        let base = self.base;
        let span = span_of(expr, base);
        let kind = match expr {
            Expression::Null(_) => ExprKind::Null,
            Expression::Bool(b) => ExprKind::Bool(*b.value()),
            Expression::Number(n) => ExprKind::Number(n.value().as_f64().unwrap_or(f64::NAN)),
            Expression::String(s) => ExprKind::String(s.value().clone()),
            Expression::Array(a) => ExprKind::Array(a.iter().map(|e| self.expr(e)).collect()),
            Expression::Object(o) => ExprKind::Object(
                o.iter()
                    .map(|(k, v)| {
                        let key = match k {
                            HclKey::Ident(id) => {
                                let start = id.span().map_or(usize::MAX, |r| r.start);
                                let name = self
                                    .renamed
                                    .get(&start)
                                    .cloned()
                                    .unwrap_or_else(|| id.as_str().to_string());
                                ObjectKey::Ident(name)
                            }
                            HclKey::Expression(e) => {
                                let mut key = self.expr(e);
                                if let ExprKind::String(text) = &mut key.kind {
                                    if let Some(original) = self.renamed.get(&(key.span.0 + 1)) {
                                        text.clone_from(original);
                                    }
                                }
                                ObjectKey::Expr(key)
                            }
                        };
                        (key, self.expr(v.expr()))
                    })
                    .collect(),
            ),
            Expression::StringTemplate(t) => {
                return template_expr(self.template(t), span);
            }
            Expression::HeredocTemplate(h) => {
                return template_expr(self.template(&h.template), span);
            }
            Expression::Parenthesis(p) => return self.expr(p.inner()),
            Expression::Variable(v) => ExprKind::Variable(v.as_str().to_string()),
            Expression::Conditional(c) => ExprKind::Conditional(
                Box::new(self.expr(&c.cond_expr)),
                Box::new(self.expr(&c.true_expr)),
                Box::new(self.expr(&c.false_expr)),
            ),
            Expression::FuncCall(f) => {
                let mut name = String::new();
                for ns in &f.name.namespace {
                    name.push_str(ns.as_str());
                    name.push_str("::");
                }
                name.push_str(f.name.name.as_str());
                ExprKind::Call {
                    name,
                    args: f.args.iter().map(|a| self.expr(a)).collect(),
                    expand_final: f.args.expand_final(),
                }
            }
            Expression::Traversal(t) => ExprKind::Traversal(
                Box::new(self.expr(&t.expr)),
                t.operators
                    .iter()
                    .map(|op| match op.value() {
                        TraversalOperator::AttrSplat(_) => Operator::AttrSplat,
                        TraversalOperator::FullSplat(_) => Operator::FullSplat,
                        TraversalOperator::GetAttr(id) => {
                            Operator::GetAttr(id.as_str().to_string())
                        }
                        TraversalOperator::Index(e) => Operator::Index(self.expr(e)),
                        TraversalOperator::LegacyIndex(i) => {
                            let s = span_of(op, base);
                            // `list.0` is an index in Terraform, written like an attribute.
                            #[expect(
                                clippy::cast_precision_loss,
                                reason = "legacy indexes are small"
                            )]
                            let n = *i.value() as f64;
                            Operator::Index(Expr::new(ExprKind::Number(n), s))
                        }
                    })
                    .collect(),
            ),
            Expression::UnaryOp(u) => ExprKind::Unary(
                match u.operator.value() {
                    UnaryOperator::Neg => UnaryOp::Neg,
                    UnaryOperator::Not => UnaryOp::Not,
                },
                Box::new(self.expr(&u.expr)),
            ),
            Expression::BinaryOp(b) => ExprKind::Binary(
                match b.operator.value() {
                    BinaryOperator::Eq => BinaryOp::Eq,
                    BinaryOperator::NotEq => BinaryOp::NotEq,
                    BinaryOperator::LessEq => BinaryOp::LessEq,
                    BinaryOperator::GreaterEq => BinaryOp::GreaterEq,
                    BinaryOperator::Less => BinaryOp::Less,
                    BinaryOperator::Greater => BinaryOp::Greater,
                    BinaryOperator::Plus => BinaryOp::Plus,
                    BinaryOperator::Minus => BinaryOp::Minus,
                    BinaryOperator::Mul => BinaryOp::Mul,
                    BinaryOperator::Div => BinaryOp::Div,
                    BinaryOperator::Mod => BinaryOp::Mod,
                    BinaryOperator::And => BinaryOp::And,
                    BinaryOperator::Or => BinaryOp::Or,
                },
                Box::new(self.expr(&b.lhs_expr)),
                Box::new(self.expr(&b.rhs_expr)),
            ),
            Expression::ForExpr(f) => ExprKind::For(Box::new(ForExpr {
                key_var: f.intro.key_var.as_ref().map(|k| k.as_str().to_string()),
                value_var: f.intro.value_var.as_str().to_string(),
                collection: self.expr(&f.intro.collection_expr),
                key: f.key_expr.as_ref().map(|k| self.expr(k)),
                value: self.expr(&f.value_expr),
                cond: f.cond.as_ref().map(|c| self.expr(&c.expr)),
                grouping: f.grouping,
            })),
        };
        Expr::new(kind, span)
    }

    fn template(&self, template: &Template) -> Vec<TemplatePart> {
        let mut parts = Vec::new();
        for element in template.iter() {
            match element {
                Element::Literal(s) => parts.push(TemplatePart::Literal(s.value().clone())),
                Element::Interpolation(i) => {
                    let (strip_before, strip_after) = strips(i.strip);
                    parts.push(TemplatePart::Interpolation {
                        expr: self.expr(&i.expr),
                        strip_before,
                        strip_after,
                    });
                }
                Element::Directive(d) => match d.as_ref() {
                    Directive::If(d) => {
                        let (strip_before, _) = strips(d.if_expr.strip);
                        let (_, strip_after) = strips(d.endif_expr.strip);
                        parts.push(TemplatePart::If {
                            cond: self.expr(&d.if_expr.cond_expr),
                            then: self.template(&d.if_expr.template),
                            otherwise: d
                                .else_expr
                                .as_ref()
                                .map(|e| self.template(&e.template))
                                .unwrap_or_default(),
                            strip_before,
                            strip_after,
                        });
                    }
                    Directive::For(d) => {
                        let (strip_before, _) = strips(d.for_expr.strip);
                        let (_, strip_after) = strips(d.endfor_expr.strip);
                        parts.push(TemplatePart::For {
                            key_var: d.for_expr.key_var.as_ref().map(|k| k.as_str().to_string()),
                            value_var: d.for_expr.value_var.as_str().to_string(),
                            collection: self.expr(&d.for_expr.collection_expr),
                            body: self.template(&d.for_expr.template),
                            strip_before,
                            strip_after,
                        });
                    }
                },
            }
        }
        parts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_keep_spans_and_labels() {
        let src = "resource \"aws_instance\" \"gpu\" {\n  instance_type = \"p5.48xlarge\"\n}\n";
        let body = parse_body(src).unwrap();
        let block = &body.blocks[0];
        assert_eq!(block.kind, "resource");
        assert_eq!(block.labels, vec!["aws_instance", "gpu"]);
        assert_eq!(
            &src[block.header_span.0..block.header_span.1],
            "resource \"aws_instance\" \"gpu\" "
        );
        let attr = &block.body.attributes[0];
        assert_eq!(attr.name, "instance_type");
        assert_eq!(&src[attr.expr.span.0..attr.expr.span.1], "\"p5.48xlarge\"");
        assert_eq!(attr.expr.kind, ExprKind::String("p5.48xlarge".into()));
    }

    #[test]
    fn syntax_errors_carry_an_offset() {
        let err = parse_body("a = {\n  b = \n}\n").unwrap_err();
        assert!(err.offset > 0, "{err:?}");
    }

    #[test]
    fn repeated_object_keys_parse_and_the_last_wins_later() {
        let e = parse_expression("{a = 1, \"a\" = 2, bb = 3, bb = 4, a = 5}").unwrap();
        let ExprKind::Object(items) = e.kind else {
            panic!()
        };
        let keys: Vec<String> = items
            .iter()
            .map(|(k, _)| match k {
                ObjectKey::Ident(s) => s.clone(),
                ObjectKey::Expr(Expr {
                    kind: ExprKind::String(s),
                    ..
                }) => s.clone(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(keys, vec!["a", "a", "bb", "bb", "a"]);
    }

    #[test]
    fn legacy_index_becomes_an_index() {
        let e = parse_expression("var.list.0").unwrap();
        match e.kind {
            ExprKind::Traversal(_, ops) => {
                assert!(
                    matches!(&ops[1], Operator::Index(Expr { kind: ExprKind::Number(n), .. }) if *n == 0.0)
                );
            }
            other => panic!("{other:?}"),
        }
    }
}
