//! `.tf.json` files (Terraform's JSON syntax), lowered into the same [`ast`] as `.tf` files.
//!
//! JSON has no way to tell a nested block from an object-valued argument without the
//! provider's schema, so inside resource bodies objects become arguments (maps); the facts
//! extractors accept both shapes. Strings are templates (`"${var.region}"`), except where
//! Terraform reads them literally (variable defaults).

use jsonc_parser::ast::{Object, ObjectPropName, Value as JsonValue};
use jsonc_parser::{CollectOptions, ParseOptions};

use super::ast::{Attribute, Block, Body, Expr, ExprKind, ObjectKey, Span};
use super::hcl::{self, SyntaxError};

/// Block types whose bodies contain labels in JSON: `{"resource": {"type": {"name": {}}}}`.
fn label_count(kind: &str) -> Option<usize> {
    match kind {
        "resource" | "data" => Some(2),
        "variable" | "output" | "module" | "provider" => Some(1),
        "locals" | "terraform" | "moved" | "import" | "check" | "removed" => Some(0),
        _ => None,
    }
}

/// Strict JSON, as Terraform's JSON parser accepts it.
fn strict_options() -> ParseOptions {
    ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    }
}

fn parse_document(source: &str) -> Result<Option<JsonValue<'_>>, SyntaxError> {
    jsonc_parser::parse_to_ast(source, &CollectOptions::default(), &strict_options())
        .map(|parsed| parsed.value)
        .map_err(|e| SyntaxError {
            message: e.kind().to_string(),
            offset: e.range().start,
        })
}

/// Parses a JSON document whose values are all literal: a `.tfvars.json` file, which
/// Terraform reads without an evaluation context, so `${` there is not a template.
pub fn parse_literal(source: &str) -> Result<Expr, SyntaxError> {
    match parse_document(source)? {
        Some(value) => Ok(literal(&value)),
        None => Err(SyntaxError {
            message: "the file contains no JSON value".to_string(),
            offset: 0,
        }),
    }
}

/// Parses the text of a `.tf.json` file.
pub fn parse_body(source: &str) -> Result<Body, SyntaxError> {
    let Some(JsonValue::Object(root)) = parse_document(source)? else {
        return Err(SyntaxError {
            message: "a Terraform JSON file must contain one object".to_string(),
            offset: 0,
        });
    };
    let mut body = Body {
        attributes: Vec::new(),
        blocks: Vec::new(),
    };
    for prop in &root.properties {
        let kind = prop_name(&prop.name);
        let Some(labels) = label_count(&kind) else {
            continue;
        };
        let span = (prop.range.start, prop.range.end);
        collect_blocks(
            &kind,
            labels,
            &prop.value,
            Vec::new(),
            span,
            &mut body.blocks,
        )?;
    }
    Ok(body)
}

fn prop_name(name: &ObjectPropName<'_>) -> String {
    name.as_str().to_string()
}

/// Walks `labels` levels of nested objects, then turns each body object into a block.
fn collect_blocks(
    kind: &str,
    labels: usize,
    value: &JsonValue<'_>,
    prefix: Vec<String>,
    span: Span,
    out: &mut Vec<Block>,
) -> Result<(), SyntaxError> {
    match value {
        // Several blocks with the same labels may be written as an array of bodies.
        JsonValue::Array(items) => {
            for item in &items.elements {
                collect_blocks(kind, labels, item, prefix.clone(), span, out)?;
            }
            Ok(())
        }
        JsonValue::Object(obj) if labels == 0 => {
            let body = block_body(kind, obj)?;
            let block_span = (obj.range.start, obj.range.end);
            out.push(Block {
                kind: kind.to_string(),
                labels: prefix,
                body,
                span: (span.0, block_span.1.max(span.0)),
                header_span: (span.0, obj.range.start.max(span.0)),
            });
            Ok(())
        }
        JsonValue::Object(obj) => {
            for prop in &obj.properties {
                let name = prop_name(&prop.name);
                if name == "//" {
                    continue;
                }
                let mut labels_so_far = prefix.clone();
                labels_so_far.push(name);
                // The innermost label's property is the best "header" for the block.
                let inner_span = if labels == 1 {
                    (prop.range.start, prop.range.end)
                } else {
                    span
                };
                collect_blocks(
                    kind,
                    labels - 1,
                    &prop.value,
                    labels_so_far,
                    inner_span,
                    out,
                )?;
            }
            Ok(())
        }
        other => Err(SyntaxError {
            message: format!("`{kind}` must be an object"),
            offset: range_of(other).0,
        }),
    }
}

fn block_body(kind: &str, obj: &Object<'_>) -> Result<Body, SyntaxError> {
    let mut body = Body {
        attributes: Vec::new(),
        blocks: Vec::new(),
    };
    for prop in &obj.properties {
        let name = prop_name(&prop.name);
        let span = (prop.range.start, prop.range.end);
        match name.as_str() {
            "//" => {}
            "lifecycle" | "provisioner" | "connection" => {}
            "dynamic" => {
                // {"dynamic": {"tag": {"for_each": ..., "content": {...}}}}
                collect_nested_blocks("dynamic", 1, &prop.value, span, &mut body.blocks)?;
            }
            "default_tags" if kind == "provider" => {
                collect_nested_blocks("default_tags", 0, &prop.value, span, &mut body.blocks)?;
            }
            "default" if kind == "variable" => body.attributes.push(Attribute {
                name,
                expr: literal(&prop.value),
                span,
            }),
            "type" if kind == "variable" => {
                // Types are written as strings: "map(string)".
                let expr = match &prop.value {
                    JsonValue::StringLit(s) => {
                        let base = s.range.start + 1;
                        let mut e = hcl::parse_expression(&s.value).map_err(|e| SyntaxError {
                            message: e.message,
                            offset: base + e.offset,
                        })?;
                        shift_spans(&mut e, base);
                        e
                    }
                    other => expression(other)?,
                };
                body.attributes.push(Attribute { name, expr, span });
            }
            _ => body.attributes.push(Attribute {
                name,
                expr: expression(&prop.value)?,
                span,
            }),
        }
    }
    Ok(body)
}

fn collect_nested_blocks(
    kind: &str,
    labels: usize,
    value: &JsonValue<'_>,
    span: Span,
    out: &mut Vec<Block>,
) -> Result<(), SyntaxError> {
    let mut found = Vec::new();
    collect_blocks(kind, labels, value, Vec::new(), span, &mut found)?;
    for mut block in found {
        if kind == "dynamic" {
            // The content of a dynamic block is itself a block.
            if let Some(pos) = block
                .body
                .attributes
                .iter()
                .position(|a| a.name == "content")
            {
                let content = block.body.attributes.remove(pos);
                if let ExprKind::Object(items) = content.expr.kind {
                    let attributes = items
                        .into_iter()
                        .filter_map(|(k, v)| match k {
                            ObjectKey::Ident(name) => Some(Attribute {
                                name,
                                span: v.span,
                                expr: v,
                            }),
                            ObjectKey::Expr(_) => None,
                        })
                        .collect();
                    block.body.blocks.push(Block {
                        kind: "content".to_string(),
                        labels: Vec::new(),
                        body: Body {
                            attributes,
                            blocks: Vec::new(),
                        },
                        span: content.span,
                        header_span: content.span,
                    });
                }
            }
        }
        out.push(block);
    }
    Ok(())
}

fn range_of(v: &JsonValue<'_>) -> Span {
    let r = match v {
        JsonValue::StringLit(s) => s.range,
        JsonValue::NumberLit(n) => n.range,
        JsonValue::BooleanLit(b) => b.range,
        JsonValue::Object(o) => o.range,
        JsonValue::Array(a) => a.range,
        JsonValue::NullKeyword(n) => n.range,
    };
    (r.start, r.end)
}

/// A JSON value as an expression: strings are templates.
fn expression(v: &JsonValue<'_>) -> Result<Expr, SyntaxError> {
    let span = range_of(v);
    Ok(match v {
        JsonValue::StringLit(s) => {
            if s.value.contains("${") || s.value.contains("%{") {
                hcl::parse_template(&s.value, s.range.start + 1)?
            } else {
                Expr::new(ExprKind::String(s.value.to_string()), span)
            }
        }
        JsonValue::Array(a) => Expr::new(
            ExprKind::Array(
                a.elements
                    .iter()
                    .map(expression)
                    .collect::<Result<_, _>>()?,
            ),
            span,
        ),
        JsonValue::Object(o) => {
            let mut items = Vec::new();
            for p in &o.properties {
                let name = prop_name(&p.name);
                if name == "//" {
                    continue;
                }
                items.push((ObjectKey::Ident(name), expression(&p.value)?));
            }
            Expr::new(ExprKind::Object(items), span)
        }
        other => literal(other),
    })
}

/// A JSON value taken literally (no templates).
fn literal(v: &JsonValue<'_>) -> Expr {
    let span = range_of(v);
    let kind = match v {
        JsonValue::StringLit(s) => ExprKind::String(s.value.to_string()),
        JsonValue::NumberLit(n) => ExprKind::Number(n.value.parse().unwrap_or(f64::NAN)),
        JsonValue::BooleanLit(b) => ExprKind::Bool(b.value),
        JsonValue::NullKeyword(_) => ExprKind::Null,
        JsonValue::Array(a) => ExprKind::Array(a.elements.iter().map(literal).collect()),
        JsonValue::Object(o) => ExprKind::Object(
            o.properties
                .iter()
                .map(|p| (ObjectKey::Ident(prop_name(&p.name)), literal(&p.value)))
                .collect(),
        ),
    };
    Expr::new(kind, span)
}

/// Moves the spans of an expression parsed from a substring into file coordinates. Only
/// the top-level span matters for locations of type expressions.
fn shift_spans(e: &mut Expr, base: usize) {
    e.span = (e.span.0 + base, e.span.1 + base);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_and_variables_lower_to_blocks() {
        let src = r#"{
  "variable": {"region": {"default": "us-east-1", "type": "string"}},
  "resource": {"aws_instance": {"gpu": {"instance_type": "${var.type}", "count": 2}}}
}"#;
        let body = parse_body(src).unwrap();
        assert_eq!(body.blocks.len(), 2);
        let res = body.blocks.iter().find(|b| b.kind == "resource").unwrap();
        assert_eq!(res.labels, vec!["aws_instance", "gpu"]);
        let it = res.body.attribute("instance_type").unwrap();
        assert!(matches!(it.expr.kind, ExprKind::Template(_)));
        let var = body.blocks.iter().find(|b| b.kind == "variable").unwrap();
        assert_eq!(
            var.body.attribute("default").unwrap().expr.kind,
            ExprKind::String("us-east-1".into())
        );
    }

    #[test]
    fn literal_documents_keep_template_sequences() {
        let expr = parse_literal(r#"{"a": "x-${var.y}", "b": [1, {"c": null}]}"#).unwrap();
        let ExprKind::Object(items) = &expr.kind else {
            panic!("{expr:?}")
        };
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].1.kind, ExprKind::String("x-${var.y}".into()));
        assert!(parse_literal("{\"a\": }").is_err());
    }

    #[test]
    fn invalid_json_reports_an_offset() {
        let err = parse_body("{\"resource\": [}").unwrap_err();
        assert!(err.offset > 0, "{err:?}");
    }
}
