//! `.tf` files: parsed with hcl-edit (which keeps byte spans) and lowered into [`ast`].

use std::collections::BTreeMap;

use hcl::edit::expr::{
    BinaryOperator, Expression, ObjectKey as HclKey, TraversalOperator, UnaryOperator,
};
use hcl::edit::structure::{Body as HclBody, Structure};
use hcl::edit::template::{Directive, Element, Template};
use hcl::edit::Span as _;

use super::ast::{
    Attribute, BinaryOp, Block, Body, Expr, ExprKind, ForExpr, ObjectKey, Operator, Span,
    TemplatePart, UnaryOp,
};
use super::duplicate_keys::parse_allowing_duplicate_keys;
use super::template::{
    apply_strip_markers, build_parts, flush_heredoc, unescape_quoted, Literals, Marked, Token,
};

/// A syntax error: message and 1-based line and column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub offset: usize,
}

/// Parses the text of a `.tf` file.
pub fn parse_body(source: &str) -> Result<Body, SyntaxError> {
    let parsed = parse_allowing_duplicate_keys(source, hcl::edit::parser::parse_body)?;
    Ok(Cx {
        base: 0,
        source: &parsed.text,
        renamed: &parsed.renamed,
    }
    .body(&parsed.value))
}

/// Parses a standalone expression (used for `--var` values and tests).
pub fn parse_expression(source: &str) -> Result<Expr, SyntaxError> {
    let parsed = parse_allowing_duplicate_keys(source, hcl::edit::parser::parse_expr)?;
    Ok(Cx {
        base: 0,
        source: &parsed.text,
        renamed: &parsed.renamed,
    }
    .expr(&parsed.value))
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
            source,
            renamed: &renamed,
        }
        .template(&template, Literals::Lines, false),
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

/// Lowering state: the offset added to spans, the text spans point into (before the
/// offset is added), and the object keys renamed before parsing.
struct Cx<'a> {
    base: usize,
    source: &'a str,
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
                                let start = id.span().map_or(usize::MAX, |r| base + r.start);
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
                return template_expr(self.template(t, Literals::Quoted, false), span);
            }
            Expression::HeredocTemplate(h) => return template_expr(self.heredoc(h), span),
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

    /// A heredoc's parts. hcl-edit removes a `<<-` heredoc's indentation before strip
    /// markers are applied, which is not HCL's order, so the body is read again from the
    /// source as written.
    fn heredoc(&self, h: &hcl::edit::template::HeredocTemplate) -> Vec<TemplatePart> {
        let flush = h
            .span()
            .and_then(|r| self.source.get(r.start..))
            .is_some_and(|text| text.starts_with("<<-"));
        let raw = h.template.span().and_then(|r| {
            let text = self.source.get(r.clone())?;
            let template = hcl::edit::parser::parse_template(text).ok()?;
            Some((r.start, text, template))
        });
        match raw {
            Some((start, text, template)) => Cx {
                base: self.base + start,
                source: text,
                renamed: self.renamed,
            }
            .template(&template, Literals::Lines, flush),
            None => self.template(&h.template, Literals::Lines, false),
        }
    }

    fn template(&self, template: &Template, literals: Literals, flush: bool) -> Vec<TemplatePart> {
        let mut tokens = Vec::new();
        self.tokens(template, literals, false, &mut tokens);
        apply_strip_markers(&mut tokens);
        if flush {
            flush_heredoc(&mut tokens);
        }
        let tokens: Vec<Token> = tokens.into_iter().map(|t| t.token).collect();
        build_parts(&mut tokens.into_iter().peekable())
    }

    /// Flattens a template into tokens in source order. `nested` is set inside directives.
    fn tokens(&self, template: &Template, literals: Literals, nested: bool, out: &mut Vec<Marked>) {
        for element in template.iter() {
            match element {
                // hcl-edit leaves the escapes of a quoted string's directive bodies as written.
                Element::Literal(s) if nested && literals == Literals::Quoted => {
                    out.push(Marked::literal(&unescape_quoted(s.value())));
                }
                Element::Literal(s) => match literals {
                    Literals::Quoted => out.push(Marked::literal(s.value())),
                    Literals::Lines => {
                        out.extend(s.value().split_inclusive('\n').map(Marked::literal))
                    }
                },
                Element::Interpolation(i) => out.push(Marked::marker(
                    Token::Interpolation(self.expr(&i.expr)),
                    i.strip,
                )),
                Element::Directive(d) => match d.as_ref() {
                    Directive::If(d) => {
                        out.push(Marked::marker(
                            Token::If(self.expr(&d.if_expr.cond_expr)),
                            d.if_expr.strip,
                        ));
                        self.tokens(&d.if_expr.template, literals, true, out);
                        if let Some(e) = &d.else_expr {
                            out.push(Marked::marker(Token::Else, e.strip));
                            self.tokens(&e.template, literals, true, out);
                        }
                        out.push(Marked::marker(Token::EndIf, d.endif_expr.strip));
                    }
                    Directive::For(d) => {
                        out.push(Marked::marker(
                            Token::For {
                                key_var: d
                                    .for_expr
                                    .key_var
                                    .as_ref()
                                    .map(|k| k.as_str().to_string()),
                                value_var: d.for_expr.value_var.as_str().to_string(),
                                collection: self.expr(&d.for_expr.collection_expr),
                            },
                            d.for_expr.strip,
                        ));
                        self.tokens(&d.for_expr.template, literals, true, out);
                        out.push(Marked::marker(Token::EndFor, d.endfor_expr.strip));
                    }
                },
            }
        }
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

    /// Expected values are what Terraform 1.11 gives for the same templates.
    #[test]
    fn strip_markers_and_heredoc_indentation_follow_hcl() {
        let eval = |src: &str| {
            crate::load::terraform::eval::eval_standalone(src)
                .unwrap_or_else(|e| panic!("{src}: {e:?}"))
                .display()
        };
        // In a heredoc a strip marker reaches only to the end of its line.
        assert_eq!(
            eval("<<EOT\n%{ for x in [1, 2] ~}\n   a${x}\n%{ endfor ~}\nb\nEOT"),
            "   a1\n   a2\nb\n"
        );
        assert_eq!(
            eval("<<EOT\nx  %{~ if true ~}  \n  yes  \n  %{~ else ~}\n  no\n%{~ endif ~}   \n  z\nEOT"),
            "x  yes  \n  z\n"
        );
        // In a quoted string it reaches through the whole literal, but never into the
        // output of an interpolation.
        assert_eq!(
            eval("\"%{ for x in [1, 2] ~}\\n   a${x}  %{~ endfor ~}  \\n end\""),
            "a1a2end"
        );
        assert_eq!(
            eval("\"p ${\"s \"}${~ \"t\"}  ${~ \"u\" ~}  v\""),
            "p s tuv"
        );
        // Escapes in a quoted string's directive bodies are processed too.
        assert_eq!(
            eval(
                "\"%{ for x in [1, 2] }${x}\\n%{ endfor }%{ if true }\\\"q\\\" \\u00e9%{ endif }\""
            ),
            "1\n2\n\"q\" \u{e9}"
        );
        assert_eq!(
            unescape_quoted("a\\tb\\U0001F600\\x\\u12"),
            "a\tb\u{1F600}\\x\\u12"
        );
        // `<<-` removes indentation after strip markers were applied.
        assert_eq!(
            eval("<<-EOT\n    %{ for x in [1] ~}\n    a${x}\n    %{ endfor ~}\n    b\n  EOT"),
            "    a1\n    b\n"
        );
        assert_eq!(
            eval("<<-EOT\n    x\n      %{~ if true ~}\n      y\n      %{~ endif ~}\n  EOT"),
            "    x\n      y\n"
        );
        // Whitespace-only lines do not count and keep their spaces.
        assert_eq!(
            eval("<<-EOT\n      a\n        \n    b\n  EOT"),
            "  a\n        \nb\n"
        );
        assert_eq!(eval("<<-EOT\n    ${\"x\"} a\n      b\n  EOT"), "x a\n  b\n");
        // Bare (JSON) templates are cut into lines like heredocs.
        let json = parse_template("%{ for x in [1, 2] ~}\n   a${x}\n%{ endfor ~}\nb", 0).unwrap();
        let value =
            crate::load::terraform::eval::Evaluator::new(&crate::load::terraform::eval::NoNames)
                .eval(&json)
                .unwrap();
        assert_eq!(value.display(), "   a1\n   a2\nb");
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
