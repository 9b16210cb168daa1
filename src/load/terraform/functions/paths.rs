//! Path functions `basename` and `dirname`, with the results of Go's `filepath.Base` and
//! `filepath.Dir` on Linux (Terraform's behaviour on the machines that run it in CI):
//! `dirname("foo")` is `"."`, `basename("/")` is `"/"`, and `dirname` cleans the path.

use super::args::string_arg;
use super::{arity, FunctionResult};
use crate::model::Value;

pub fn basename(args: Vec<Value>) -> FunctionResult {
    arity(&args, 1, 1)?;
    Ok(Value::String(base(&string_arg(&args, 0)?)))
}

pub fn dirname(args: Vec<Value>) -> FunctionResult {
    arity(&args, 1, 1)?;
    Ok(Value::String(dir(&string_arg(&args, 0)?)))
}

/// The last element; trailing slashes are ignored.
fn base(path: &str) -> String {
    if path.is_empty() {
        return ".".to_string();
    }
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/".to_string();
    }
    match trimmed.rfind('/') {
        Some(i) => trimmed.get(i + 1..).unwrap_or(trimmed).to_string(),
        None => trimmed.to_string(),
    }
}

/// Everything up to the last slash, cleaned.
fn dir(path: &str) -> String {
    let head = match path.rfind('/') {
        Some(i) => path.get(..=i).unwrap_or(path),
        None => "",
    };
    clean(head)
}

/// Lexical cleaning: collapse slashes, drop `.`, resolve `..` where possible.
fn clean(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => match parts.last() {
                Some(&last) if last != ".." => {
                    parts.pop();
                }
                // `/..` is `/`; a relative path keeps its leading `..`s.
                _ if rooted => {}
                _ => parts.push(".."),
            },
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_matches_go() {
        assert_eq!(clean("a/b/../c"), "a/c");
        assert_eq!(clean("/../a"), "/a");
        assert_eq!(clean("../../a"), "../../a");
        assert_eq!(clean("a/.."), ".");
        assert_eq!(clean("//"), "/");
    }

    #[test]
    fn base_and_dir_edge_cases() {
        assert_eq!(base("a/b/"), "b");
        assert_eq!(base("///"), "/");
        assert_eq!(dir("a/b/"), "a/b");
        assert_eq!(dir("/"), "/");
        assert_eq!(dir("a"), ".");
    }
}
