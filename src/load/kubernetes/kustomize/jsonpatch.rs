//! JSON patches (RFC 6902) on a resource's tree: `add`, `remove`, `replace`, `move`,
//! `copy` and `test`, with JSON pointers (RFC 6901: `~1` is `/`, `~0` is `~`, `-` is the end
//! of a list). An operation that does not apply (a missing path, a failed test) is an
//! error, as kustomize makes it one; the operations before it stay applied.

use super::super::yaml::{Node, NodeValue, Span};

/// How deep a tree may become through patches (a YAML document nests at most 128 levels;
/// `copy` could otherwise nest a tree in itself until the stack runs out).
pub const MAX_DEPTH: usize = 200;

/// One operation, read from the patch.
#[derive(Clone, Debug)]
pub struct Operation {
    op: Op,
    path: Vec<String>,
    from: Vec<String>,
    value: Option<Node>,
    /// The operation in the patch, for errors.
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Add,
    Remove,
    Replace,
    Move,
    Copy,
    Test,
}

/// An operation that could not be read or applied, at its node in the patch.
#[derive(Debug, PartialEq, Eq)]
pub struct PatchError {
    pub span: Span,
    pub message: String,
}

/// Whether a document is a JSON patch: a list of maps with `op`.
pub fn is_json_patch(root: &Node) -> bool {
    matches!(&root.value, NodeValue::Seq(items)
        if items.iter().all(|i| i.get("op").is_some()))
}

/// Reads the operations of a patch document.
pub fn operations(root: &Node) -> Result<Vec<Operation>, PatchError> {
    let mut out = Vec::new();
    for item in root.items() {
        let err = |message: String| PatchError {
            span: item.span,
            message,
        };
        let text = |key: &str| item.get(key).and_then(Node::as_str).map(str::trim);
        let op = match text("op") {
            Some("add") => Op::Add,
            Some("remove") => Op::Remove,
            Some("replace") => Op::Replace,
            Some("move") => Op::Move,
            Some("copy") => Op::Copy,
            Some("test") => Op::Test,
            Some(other) => return Err(err(format!("`{other}` is not a JSON patch operation"))),
            None => return Err(err("the operation has no `op`".to_string())),
        };
        let pointer = |key: &str| -> Result<Vec<String>, PatchError> {
            let p = text(key)
                .ok_or_else(|| err(format!("the `{}` operation has no `{key}`", name(op))))?;
            parse_pointer(p).ok_or_else(|| err(format!("`{p}` is not a JSON pointer")))
        };
        let path = pointer("path")?;
        let from = if matches!(op, Op::Move | Op::Copy) {
            pointer("from")?
        } else {
            Vec::new()
        };
        let value = item.get("value").cloned();
        if matches!(op, Op::Add | Op::Replace | Op::Test) && value.is_none() {
            return Err(err(format!("the `{}` operation has no `value`", name(op))));
        }
        out.push(Operation {
            op,
            path,
            from,
            value,
            span: item.span,
        });
    }
    Ok(out)
}

fn name(op: Op) -> &'static str {
    match op {
        Op::Add => "add",
        Op::Remove => "remove",
        Op::Replace => "replace",
        Op::Move => "move",
        Op::Copy => "copy",
        Op::Test => "test",
    }
}

/// `/spec/template/spec/containers/0/resources/limits/nvidia.com~1gpu` as its tokens.
fn parse_pointer(text: &str) -> Option<Vec<String>> {
    if text.is_empty() {
        return Some(Vec::new());
    }
    let rest = text.strip_prefix('/')?;
    Some(
        rest.split('/')
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect(),
    )
}

fn pointer_text(tokens: &[String]) -> String {
    tokens
        .iter()
        .map(|t| format!("/{}", t.replace('~', "~0").replace('/', "~1")))
        .collect()
}

/// Applies one operation to `root`.
pub fn apply(root: &mut Node, op: &Operation) -> Result<(), PatchError> {
    let fail = |message: String| PatchError {
        span: op.span,
        message,
    };
    let at = pointer_text(&op.path);
    match op.op {
        Op::Test => {
            let found =
                get(root, &op.path).ok_or_else(|| fail(format!("test: `{at}` does not exist")))?;
            if op.value.as_ref().is_some_and(|v| same(found, v)) {
                Ok(())
            } else {
                Err(fail(format!(
                    "test: `{at}` does not have the value the patch expects"
                )))
            }
        }
        Op::Remove => remove(root, &op.path)
            .map(drop)
            .ok_or_else(|| fail(format!("remove: `{at}` does not exist"))),
        Op::Replace => {
            let value = op
                .value
                .clone()
                .ok_or_else(|| fail("replace: no value".to_string()))?;
            check_depth(&op.path, &value).map_err(fail)?;
            let target = get_mut(root, &op.path)
                .ok_or_else(|| fail(format!("replace: `{at}` does not exist")))?;
            *target = value;
            Ok(())
        }
        Op::Add => {
            let value = op
                .value
                .clone()
                .ok_or_else(|| fail("add: no value".to_string()))?;
            check_depth(&op.path, &value).map_err(fail)?;
            add(root, &op.path, value).map_err(|why| fail(format!("add: `{at}`: {why}")))
        }
        Op::Move | Op::Copy => {
            let from = pointer_text(&op.from);
            if op.op == Op::Move && op.path.starts_with(&op.from) && op.path != op.from {
                return Err(fail(format!("move: `{at}` is inside `{from}`")));
            }
            let value = if op.op == Op::Move {
                remove(root, &op.from)
            } else {
                get(root, &op.from).cloned()
            }
            .ok_or_else(|| fail(format!("{}: `{from}` does not exist", name(op.op))))?;
            check_depth(&op.path, &value).map_err(fail)?;
            add(root, &op.path, value)
                .map_err(|why| fail(format!("{}: `{at}`: {why}", name(op.op))))
        }
    }
}

/// The number of nodes an operation adds, for the caller's budget.
pub fn added_nodes(root: &Node, op: &Operation) -> usize {
    match op.op {
        Op::Add | Op::Replace => op.value.as_ref().map_or(0, count),
        Op::Copy => get(root, &op.from).map_or(0, count),
        _ => 0,
    }
}

/// Nodes in a tree.
pub fn count(node: &Node) -> usize {
    match &node.value {
        NodeValue::Seq(items) => items.iter().map(count).fold(1, usize::saturating_add),
        NodeValue::Map(entries) => entries
            .iter()
            .map(|(_, v)| count(v))
            .fold(1, usize::saturating_add),
        _ => 1,
    }
}

fn height(node: &Node) -> usize {
    match &node.value {
        NodeValue::Seq(items) => 1 + items.iter().map(height).max().unwrap_or(0),
        NodeValue::Map(entries) => 1 + entries.iter().map(|(_, v)| height(v)).max().unwrap_or(0),
        _ => 0,
    }
}

fn check_depth(path: &[String], value: &Node) -> Result<(), String> {
    if path.len().saturating_add(height(value)) > MAX_DEPTH {
        return Err(format!(
            "the patch would nest the resource more than {MAX_DEPTH} levels deep"
        ));
    }
    Ok(())
}

fn index(items: &[Node], token: &str) -> Option<usize> {
    if token.starts_with('+') || (token.len() > 1 && token.starts_with('0')) {
        return None;
    }
    token.parse::<usize>().ok().filter(|i| *i < items.len())
}

fn get<'a>(node: &'a Node, path: &[String]) -> Option<&'a Node> {
    path.iter().try_fold(node, |n, token| match &n.value {
        NodeValue::Map(entries) => entries
            .iter()
            .rev()
            .find(|(k, _)| k == token)
            .map(|(_, v)| v),
        NodeValue::Seq(items) => items.get(index(items, token)?),
        _ => None,
    })
}

fn get_mut<'a>(node: &'a mut Node, path: &[String]) -> Option<&'a mut Node> {
    path.iter().try_fold(node, |n, token| match &mut n.value {
        NodeValue::Map(entries) => entries
            .iter_mut()
            .rev()
            .find(|(k, _)| k == token)
            .map(|(_, v)| v),
        NodeValue::Seq(items) => {
            let i = index(items, token)?;
            items.get_mut(i)
        }
        _ => None,
    })
}

fn remove(root: &mut Node, path: &[String]) -> Option<Node> {
    let (last, parent) = path.split_last()?;
    match &mut get_mut(root, parent)?.value {
        NodeValue::Map(entries) => {
            let i = entries.iter().position(|(k, _)| k == last)?;
            Some(entries.remove(i).1)
        }
        NodeValue::Seq(items) => {
            let i = index(items, last)?;
            Some(items.remove(i))
        }
        _ => None,
    }
}

fn add(root: &mut Node, path: &[String], value: Node) -> Result<(), &'static str> {
    let Some((last, parent)) = path.split_last() else {
        *root = value;
        return Ok(());
    };
    let parent = get_mut(root, parent).ok_or("its parent does not exist")?;
    match &mut parent.value {
        NodeValue::Map(entries) => {
            match entries.iter_mut().find(|(k, _)| k == last) {
                Some((_, v)) => *v = value,
                None => entries.push((last.clone(), value)),
            }
            Ok(())
        }
        NodeValue::Seq(items) => {
            let i = if last == "-" {
                items.len()
            } else if last.starts_with('+') || (last.len() > 1 && last.starts_with('0')) {
                return Err("not a list index");
            } else {
                last.parse::<usize>()
                    .ok()
                    .filter(|i| *i <= items.len())
                    .ok_or("the index is past the end of the list")?
            };
            items.insert(i, value);
            Ok(())
        }
        _ => Err("its parent is not a map or a list"),
    }
}

/// Whether two trees hold the same values (spans aside; a plain `3` and a quoted `"3"`
/// differ, as a number and a string do in JSON).
fn same(a: &Node, b: &Node) -> bool {
    match (&a.value, &b.value) {
        (NodeValue::Null, NodeValue::Null) => true,
        (NodeValue::Scalar { text: x, plain: p }, NodeValue::Scalar { text: y, plain: q }) => {
            x == y && p == q
        }
        (NodeValue::Seq(x), NodeValue::Seq(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (NodeValue::Map(x), NodeValue::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.iter().any(|(k2, v2)| k == k2 && same(v, v2)))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::kubernetes::yaml::parse_stream;

    fn node(text: &str) -> Node {
        parse_stream(text, &Default::default())
            .remove(0)
            .unwrap()
            .root
    }

    fn patched(doc: &str, patch: &str) -> Result<Node, String> {
        let mut d = node(doc);
        for op in operations(&node(patch)).map_err(|e| e.message)? {
            apply(&mut d, &op).map_err(|e| e.message)?;
        }
        Ok(d)
    }

    const DOC: &str = "spec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n      - name: main\n        resources:\n          limits: {nvidia.com/gpu: 1}\n";

    #[test]
    fn operations_follow_rfc_6902() {
        let d = patched(
            DOC,
            "- {op: replace, path: /spec/replicas, value: 3}\n- {op: add, path: /spec/template/spec/containers/0/resources/limits/nvidia.com~1gpu, value: 2}\n- {op: add, path: /spec/template/spec/nodeSelector, value: {gpu: h100}}\n- {op: add, path: /spec/template/spec/containers/-, value: {name: sidecar}}\n- {op: copy, from: /spec/replicas, path: /spec/copied}\n- {op: move, from: /spec/copied, path: /spec/moved}\n- {op: test, path: /spec/moved, value: 3}\n- {op: remove, path: /spec/template/spec/containers/1}\n",
        )
        .unwrap();
        assert_eq!(d.path("spec.replicas").and_then(Node::as_str), Some("3"));
        assert_eq!(d.path("spec.moved").and_then(Node::as_str), Some("3"));
        assert!(d.path("spec.copied").is_none());
        let containers = d.path("spec.template.spec.containers").unwrap().items();
        assert_eq!(containers.len(), 1);
        let gpu = containers[0]
            .path("resources.limits")
            .unwrap()
            .get("nvidia.com/gpu");
        assert_eq!(gpu.and_then(Node::as_str), Some("2"));
        assert_eq!(
            d.path("spec.template.spec.nodeSelector.gpu")
                .and_then(Node::as_str),
            Some("h100")
        );
    }

    #[test]
    fn operations_that_do_not_apply_are_errors() {
        let err = |patch: &str| patched(DOC, patch).unwrap_err();
        assert_eq!(
            err("- {op: replace, path: /spec/missing, value: 1}"),
            "replace: `/spec/missing` does not exist"
        );
        assert_eq!(
            err("- {op: add, path: /spec/a/b, value: 1}"),
            "add: `/spec/a/b`: its parent does not exist"
        );
        assert_eq!(
            err("- {op: test, path: /spec/replicas, value: '1'}"),
            "test: `/spec/replicas` does not have the value the patch expects"
        );
        assert_eq!(
            err("- {op: remove, path: spec}"),
            "`spec` is not a JSON pointer"
        );
        assert_eq!(
            err("- {op: merge, path: /spec}"),
            "`merge` is not a JSON patch operation"
        );
        assert_eq!(
            err("- {op: add, path: /spec/template/spec/containers/5, value: 1}"),
            "add: `/spec/template/spec/containers/5`: the index is past the end of the list"
        );
    }

    #[test]
    fn a_value_that_would_nest_too_deep_is_refused() {
        let mut deep = node("leaf: 1\n");
        for _ in 0..MAX_DEPTH {
            deep = Node {
                value: NodeValue::Map(vec![("k".to_string(), deep)]),
                span: (0, 0),
            };
        }
        let op = Operation {
            op: Op::Add,
            path: vec!["x".to_string()],
            from: Vec::new(),
            value: Some(deep),
            span: (0, 0),
        };
        let mut d = node("a: 1\n");
        let err = apply(&mut d, &op).unwrap_err();
        assert_eq!(
            err.message,
            "the patch would nest the resource more than 200 levels deep"
        );
        assert!(d.get("x").is_none());
    }
}
