//! Our own small syntax tree for Terraform configuration. Both `.tf` (through hcl-edit) and
//! `.tf.json` lower into it, so the evaluator reads one shape and every node keeps the byte
//! span of the text it came from.

/// Byte range in the file the node came from.
pub use crate::model::Span;

#[derive(Clone, Debug, PartialEq)]
pub struct Body {
    pub attributes: Vec<Attribute>,
    pub blocks: Vec<Block>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    pub name: String,
    pub expr: Expr,
    /// The whole `name = value` text.
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    pub kind: String,
    pub labels: Vec<String>,
    pub body: Body,
    /// The whole block, header to closing brace.
    pub span: Span,
    /// The header line: `resource "aws_instance" "gpu" {`.
    pub header_span: Span,
}

impl Body {
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        // The last definition wins; duplicates are reported when the file is lowered.
        self.attributes.iter().rev().find(|a| a.name == name)
    }

    pub fn blocks<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.blocks.iter().filter(move |b| b.kind == kind)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Template(Vec<TemplatePart>),
    Array(Vec<Expr>),
    /// Keys in source order; a later duplicate key wins when evaluated.
    Object(Vec<(ObjectKey, Expr)>),
    Variable(String),
    Traversal(Box<Expr>, Vec<Operator>),
    Call {
        name: String,
        args: Vec<Expr>,
        /// `f(list...)`: the last argument is expanded into several.
        expand_final: bool,
    },
    Conditional(Box<Expr>, Box<Expr>, Box<Expr>),
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    For(Box<ForExpr>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum ObjectKey {
    /// A bare identifier key, always a literal string.
    Ident(String),
    /// Any other key expression, evaluated.
    Expr(Expr),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Operator {
    GetAttr(String),
    Index(Expr),
    /// `.*`: only the attribute accesses that follow apply to each element.
    AttrSplat,
    /// `[*]`: every operator that follows applies to each element.
    FullSplat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Not,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Eq,
    NotEq,
    Less,
    LessEq,
    Greater,
    GreaterEq,
    Plus,
    Minus,
    Mul,
    Div,
    Mod,
    And,
    Or,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ForExpr {
    pub key_var: Option<String>,
    pub value_var: String,
    pub collection: Expr,
    /// Present for object results `{for k, v in x : key => value}`.
    pub key: Option<Expr>,
    pub value: Expr,
    pub cond: Option<Expr>,
    /// `value...`: values with the same key are grouped into lists.
    pub grouping: bool,
}

/// A piece of a string template. Strip markers (`~`) are already applied to the
/// neighbouring literals when the template is lowered.
#[derive(Clone, Debug, PartialEq)]
pub enum TemplatePart {
    Literal(String),
    Interpolation(Expr),
    If {
        cond: Expr,
        then: Vec<TemplatePart>,
        otherwise: Vec<TemplatePart>,
    },
    For {
        key_var: Option<String>,
        value_var: String,
        collection: Expr,
        body: Vec<TemplatePart>,
    },
}

impl Expr {
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        Expr { kind, span }
    }

    /// The traversal this expression is, as dotted text (`var.tags`, `aws.west`), when it
    /// is a plain chain of names. Used for meta-arguments such as `provider = aws.west`.
    pub fn as_static_path(&self) -> Option<String> {
        match &self.kind {
            ExprKind::Variable(name) => Some(name.clone()),
            ExprKind::Traversal(base, ops) => {
                let mut out = base.as_static_path()?;
                for op in ops {
                    match op {
                        Operator::GetAttr(a) => {
                            out.push('.');
                            out.push_str(a);
                        }
                        _ => return None,
                    }
                }
                Some(out)
            }
            _ => None,
        }
    }

    /// The literal string this expression is, if it is one (`"./modules/gpu"`).
    pub fn as_literal_str(&self) -> Option<&str> {
        match &self.kind {
            ExprKind::String(s) => Some(s),
            ExprKind::Template(parts) => match parts.as_slice() {
                [TemplatePart::Literal(s)] => Some(s),
                _ => None,
            },
            _ => None,
        }
    }
}
