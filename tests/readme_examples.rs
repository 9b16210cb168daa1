//! The README's example runs are the real output: each ```sh block that holds one
//! `aicost-policy` command on a file under testdata/ is run, and its output must equal the
//! plain block that follows it (where `... (N more findings)` stands for
//! lines left out).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use crate::common;

use std::path::Path;

use common::run::aicost;

/// (command line, the block after it) for every example with an output block.
fn examples(readme: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut lines = readme.lines().peekable();
    while let Some(line) = lines.next() {
        if line != "```sh" {
            continue;
        }
        let command: Vec<&str> = lines.by_ref().take_while(|l| *l != "```").collect();
        let [command] = command.as_slice() else {
            continue;
        };
        if !command.starts_with("aicost-policy ") || !command.contains(" testdata/") {
            continue;
        }
        while lines.peek() == Some(&"") {
            lines.next();
        }
        if lines.peek() != Some(&"```") {
            continue;
        }
        lines.next();
        let block: Vec<&str> = lines.by_ref().take_while(|l| *l != "```").collect();
        out.push((command.to_string(), format!("{}\n", block.join("\n"))));
    }
    out
}

#[test]
fn every_readme_example_prints_what_the_readme_shows() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    let examples = examples(&readme);
    assert!(examples.len() >= 2, "{examples:?}");
    for (command, expected) in examples {
        let args: Vec<&str> = command.split_whitespace().skip(1).collect();
        let run = aicost(dir, &args, &[]);
        assert!(
            shows(&run.stdout, &expected),
            "README example `{command}` prints:\n{}\nbut the README shows:\n{expected}",
            run.stdout
        );
    }
}

/// Whether `output` is what the README's `block` shows, where a line `... (ten more
/// findings)` stands for lines left out: the parts around it are the start, the end, and
/// in between in order.
fn shows(output: &str, block: &str) -> bool {
    let mut parts: Vec<String> = vec![String::new()];
    for line in block.lines() {
        if line.starts_with("... (") && line.ends_with(')') {
            parts.push(String::new());
        } else if let Some(part) = parts.last_mut() {
            part.push_str(line);
            part.push('\n');
        }
    }
    let [first, middle @ .., last] = parts.as_slice() else {
        return output == block;
    };
    let Some(mut rest) = output.strip_prefix(first.as_str()) else {
        return false;
    };
    for part in middle {
        match rest.find(part.as_str()) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.ends_with(last.as_str())
}

#[test]
fn an_elided_block_matches_only_its_start_and_end() {
    let block = "A\n\n... (two more findings)\n\n  summary\n";
    assert!(shows("A\n\nB\n\nC\n\n  summary\n", block));
    assert!(!shows("X\n\nB\n\n  summary\n", block));
    assert!(!shows("A\n\nB\n\n  other\n", block));
}
