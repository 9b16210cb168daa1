//! Template pieces as HCL's parser sees them: literal tokens, strip markers (`~`) applied
//! to the neighbouring literals, `<<-` heredoc indentation, escapes in quoted strings, and
//! the tokens folded back into nested `if` / `for` parts.

use hcl::edit::template::Strip;

use super::ast::{Expr, TemplatePart};

pub(super) fn strips(strip: Strip) -> (bool, bool) {
    match strip {
        Strip::None => (false, false),
        Strip::Start => (true, false),
        Strip::End => (false, true),
        Strip::Both => (true, true),
    }
}

/// How the literal text of a template is cut into HCL's literal tokens, which decides how
/// far a strip marker reaches: a quoted string's literal is one token; heredocs and bare
/// (JSON) templates have one token per line.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Literals {
    Quoted,
    Lines,
}

/// One token of a template in source order, as HCL's parser sees it.
pub(super) enum Token {
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
pub(super) struct Marked {
    pub(super) token: Token,
    pub(super) strip_before: bool,
    pub(super) strip_after: bool,
}

impl Marked {
    pub(super) fn literal(text: &str) -> Marked {
        Marked {
            token: Token::Literal(text.to_string()),
            strip_before: false,
            strip_after: false,
        }
    }

    pub(super) fn marker(token: Token, strip: Strip) -> Marked {
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
pub(super) fn apply_strip_markers(tokens: &mut [Marked]) {
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
pub(super) fn flush_heredoc(tokens: &mut [Marked]) {
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
pub(super) fn unescape_quoted(s: &str) -> String {
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
pub(super) fn build_parts(
    tokens: &mut std::iter::Peekable<std::vec::IntoIter<Token>>,
) -> Vec<TemplatePart> {
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
