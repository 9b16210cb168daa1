//! `.tf` files: parsed with hcl-edit (which keeps byte spans) and lowered into [`ast`].

use std::borrow::Cow;
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

/// What hcl-edit parsed, from which text (with repeated keys renamed), and the original
/// name of each renamed key by where it starts.
struct Parsed<'a, T> {
    value: T,
    text: Cow<'a, str>,
    renamed: BTreeMap<usize, String>,
}

/// Most repeated object keys a file may contain before we give up renaming them.
const MAX_DUPLICATE_KEYS: usize = 256;

/// Terraform accepts `{ a = 1, a = 2 }` (the last wins) but hcl-edit rejects it. Each
/// rejected key is renamed in a copy of the source to a unique name of the same length,
/// so spans stay valid, and the original name is put back after lowering.
fn parse_allowing_duplicate_keys<T>(
    source: &str,
    parse: fn(&str) -> Result<T, hcl::edit::parser::Error>,
) -> Result<Parsed<'_, T>, SyntaxError> {
    let mut text = Cow::Borrowed(source);
    let mut renamed = BTreeMap::new();
    loop {
        match parse(&text) {
            Ok(value) => {
                return Ok(Parsed {
                    value,
                    text,
                    renamed,
                })
            }
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

fn strips(strip: Strip) -> (bool, bool) {
    match strip {
        Strip::None => (false, false),
        Strip::Start => (true, false),
        Strip::End => (false, true),
        Strip::Both => (true, true),
    }
}

/// Lowering state: the offset added to spans, the text spans point into (before the
/// offset is added), and the object keys renamed before parsing.
struct Cx<'a> {
    base: usize,
    source: &'a str,
    renamed: &'a BTreeMap<usize, String>,
}

/// How the literal text of a template is cut into HCL's literal tokens, which decides how
/// far a strip marker reaches: a quoted string's literal is one token; heredocs and bare
/// (JSON) templates have one token per line.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Literals {
    Quoted,
    Lines,
}

/// One token of a template in source order, as HCL's parser sees it.
enum Token {
    Literal(String),
    Interpolation(Expr),
    If(Expr),
    Else,
    EndIf,
    For {
        key_var: Option<String>,
        value_var: String,
        collection: Expr,
    },
    EndFor,
}

/// A token with its strip markers: `~` after the opening `${`/`%{`, before the `}`.
struct Marked {
    token: Token,
    strip_before: bool,
    strip_after: bool,
}

impl Marked {
    fn literal(text: &str) -> Marked {
        Marked {
            token: Token::Literal(text.to_string()),
            strip_before: false,
            strip_after: false,
        }
    }

    fn marker(token: Token, strip: Strip) -> Marked {
        let (strip_before, strip_after) = strips(strip);
        Marked {
            token,
            strip_before,
            strip_after,
        }
    }
}

/// Applies strip markers as HCL's parser does: each trims only the literal token right
/// next to it, never the output of an interpolation.
fn apply_strip_markers(tokens: &mut [Marked]) {
    for i in 0..tokens.len() {
        let Some((strip_before, strip_after)) = tokens
            .get(i)
            .filter(|t| !matches!(t.token, Token::Literal(_)))
            .map(|t| (t.strip_before, t.strip_after))
        else {
            continue;
        };
        if strip_before {
            if let Some(Token::Literal(s)) = i
                .checked_sub(1)
                .and_then(|p| tokens.get_mut(p))
                .map(|t| &mut t.token)
            {
                s.truncate(s.trim_end().len());
            }
        }
        if strip_after {
            if let Some(Token::Literal(s)) = tokens.get_mut(i + 1).map(|t| &mut t.token) {
                *s = s.trim_start().to_string();
            }
        }
    }
}

/// Removes the common indentation of a `<<-` heredoc the way HCL does, after strip markers
/// were applied: lines are judged by the token that starts them; a line that starts with
/// an interpolation or directive allows no removal; whitespace-only lines do not count
/// and keep their spaces.
fn flush_heredoc(tokens: &mut [Marked]) {
    let mut min_spaces = usize::MAX;
    let mut line_start = true;
    let mut adjust = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        if line_start {
            line_start = false;
            let spaces = match &t.token {
                Token::Literal(s) => {
                    let spaces = s.chars().take_while(|c| c.is_whitespace()).count();
                    if spaces == s.chars().count() && s.ends_with('\n') {
                        usize::MAX
                    } else {
                        adjust.push(i);
                        spaces
                    }
                }
                _ => 0,
            };
            min_spaces = min_spaces.min(spaces);
        }
        if let Token::Literal(s) = &t.token {
            line_start = s.ends_with('\n');
        }
    }
    for i in adjust {
        if let Some(Token::Literal(s)) = tokens.get_mut(i).map(|t| &mut t.token) {
            *s = s.chars().skip(min_spaces).collect();
        }
    }
}

/// Processes the backslash escapes of a quoted string (`\n`, `\"`, `\u00e9`, ...); an
/// escape HCL does not know is kept as written.
fn unescape_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let simple = match chars.peek() {
            Some('n') => Some('\n'),
            Some('r') => Some('\r'),
            Some('t') => Some('\t'),
            Some('"') => Some('"'),
            Some('\\') => Some('\\'),
            _ => None,
        };
        if let Some(simple) = simple {
            chars.next();
            out.push(simple);
            continue;
        }
        let digits = match chars.peek() {
            Some('u') => 4,
            Some('U') => 8,
            _ => 0,
        };
        let mut ahead = chars.clone();
        ahead.next();
        let hex: String = ahead.by_ref().take(digits).collect();
        match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
            Some(decoded) if digits > 0 && hex.len() == digits => {
                out.push(decoded);
                chars = ahead;
            }
            _ => out.push(c),
        }
    }
    out
}

/// Rebuilds the nested template from tokens, up to the `else`/`endif`/`endfor` that ends
/// the current body (left for the caller). Adjacent literals are joined, empty ones dropped.
fn build_parts(tokens: &mut std::iter::Peekable<std::vec::IntoIter<Token>>) -> Vec<TemplatePart> {
    let mut parts = Vec::new();
    while let Some(token) =
        tokens.next_if(|t| !matches!(t, Token::Else | Token::EndIf | Token::EndFor))
    {
        match token {
            Token::Literal(s) => match parts.last_mut() {
                _ if s.is_empty() => {}
                Some(TemplatePart::Literal(prev)) => prev.push_str(&s),
                _ => parts.push(TemplatePart::Literal(s)),
            },
            Token::Interpolation(expr) => parts.push(TemplatePart::Interpolation(expr)),
            Token::If(cond) => {
                let then = build_parts(tokens);
                let otherwise = if tokens.next_if(|t| matches!(t, Token::Else)).is_some() {
                    build_parts(tokens)
                } else {
                    Vec::new()
                };
                tokens.next_if(|t| matches!(t, Token::EndIf));
                parts.push(TemplatePart::If {
                    cond,
                    then,
                    otherwise,
                });
            }
            Token::For {
                key_var,
                value_var,
                collection,
            } => {
                let body = build_parts(tokens);
                tokens.next_if(|t| matches!(t, Token::EndFor));
                parts.push(TemplatePart::For {
                    key_var,
                    value_var,
                    collection,
                    body,
                });
            }
            Token::Else | Token::EndIf | Token::EndFor => {}
        }
    }
    parts
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
