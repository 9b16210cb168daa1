// Test code: a failed expectation should stop the test loudly.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use super::*;
use crate::model::line_col;

fn parse(text: &str) -> Vec<Result<Document, DocumentError>> {
    parse_stream(text, &Limits::default())
}

fn one(text: &str) -> Document {
    let mut docs = parse(text);
    assert_eq!(docs.len(), 1, "{docs:?}");
    docs.remove(0).unwrap()
}

fn error(text: &str) -> DocumentError {
    let mut docs = parse(text);
    assert_eq!(docs.len(), 1, "{docs:?}");
    docs.remove(0).unwrap_err()
}

fn at(text: &str, span: Span) -> &str {
    &text[span.0..span.1]
}

fn scalar(text: &str, plain: bool) -> NodeValue {
    NodeValue::Scalar {
        text: text.into(),
        plain,
    }
}

#[test]
fn offsets_are_bytes_after_multibyte_characters() {
    let text = "# é 🚀\nname: \"é🚀\"\nlabels: {team: ünïcode}\nreplicas: 3\n";
    let doc = one(text);
    assert_eq!(at(text, doc.root.get("name").unwrap().span), "\"é🚀\"");
    let team = doc.root.path("labels.team").unwrap();
    assert_eq!(at(text, team.span), "ünïcode");
    assert_eq!(at(text, doc.root.get("replicas").unwrap().span), "3");
    assert_eq!(line_col(text, doc.span.0), (2, 1));
    // Far enough for the checkpoints to matter.
    let long = format!("# {}\nx: 1\n", "é".repeat(1000));
    let doc = one(&long);
    assert_eq!(at(&long, doc.root.get("x").unwrap().span), "1");
}

#[test]
fn scalars_say_whether_they_were_quoted_and_null_is_null() {
    let doc =
        one("a: null\nb: ~\nc:\nd: \"null\"\ne: !!str 5\nf: 5\ng: 'x'\nh: |\n  two\n  lines\n");
    let values: Vec<&NodeValue> = doc.root.entries().iter().map(|(_, v)| &v.value).collect();
    assert_eq!(
        values,
        [
            &NodeValue::Null,
            &NodeValue::Null,
            &NodeValue::Null,
            &scalar("null", false),
            &scalar("5", false),
            &scalar("5", true),
            &scalar("x", false),
            &scalar("two\nlines\n", false),
        ]
    );
}

#[test]
fn block_collections_and_block_scalars_end_at_their_last_character() {
    // A block scalar starts at its text (the parser's span), not at `|`.
    let text = "a: |\n  line1\n  line2\n\n# after\nb:\n  - 1\n  - [2, 3]\n\n# trailing\n";
    let doc = one(text);
    assert_eq!(at(text, doc.root.get("a").unwrap().span), "line1\n  line2");
    assert_eq!(at(text, doc.root.get("b").unwrap().span), "- 1\n  - [2, 3]");
    assert_eq!(doc.span, doc.root.span);
    assert_eq!(
        at(text, doc.span),
        text.trim_end().trim_end_matches("# trailing").trim_end()
    );
}

#[test]
fn documents_are_cut_at_dashes_and_empty_ones_give_nothing() {
    assert!(parse("---\n# only a comment\n---\n--- ~\n...\n").is_empty());
    let text = "%YAML 1.2\n---\na: 1\n--- # second\nb: 2\n...\n---\nc: 3\n";
    let lines: Vec<u32> = parse(text)
        .into_iter()
        .map(|d| line_col(text, d.unwrap().span.0).0)
        .collect();
    assert_eq!(lines, [3, 5, 8]);
}

#[test]
fn a_syntax_error_costs_only_its_document() {
    let text = "a: 1\n---\nb: [1\nc: 2\n---\nd: 4\n";
    let docs = parse(text);
    assert_eq!(docs.len(), 3, "{docs:?}");
    assert!(docs[0].as_ref().unwrap().root.get("a").is_some());
    let e = docs[1].as_ref().unwrap_err();
    assert!(e.is_syntax_error());
    assert!(e.message.starts_with("invalid YAML: "), "{e:?}");
    assert_eq!(line_col(text, e.offset).0, 4);
    assert_eq!(e.document, (5, 20));
    assert!(docs[2].as_ref().unwrap().root.get("d").is_some());
}

#[test]
fn aliases_copy_the_anchored_node_and_merge_keys_merge() {
    let text = "base: &base {cpu: 1, gpu: 0}\n\
                small:\n  <<: *base\n  gpu: 2\n\
                both:\n  <<: [*base, {mem: 4, cpu: 9}]\n\
                copy: *base\n\
                quoted:\n  \"<<\": x\n";
    let doc = one(text);
    let small = doc.root.get("small").unwrap();
    let keys = |n: &Node| -> Vec<(String, String)> {
        n.entries()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
            .collect()
    };
    let pairs = |p: &[(&str, &str)]| -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    // Keys written in the map win; merged keys come after them.
    assert_eq!(keys(small), pairs(&[("gpu", "2"), ("cpu", "1")]));
    // In a list of maps, the first one wins.
    let both = doc.root.get("both").unwrap();
    assert_eq!(
        keys(both),
        pairs(&[("cpu", "1"), ("gpu", "0"), ("mem", "4")])
    );
    // A copy points at the alias; its insides at the anchored text.
    let copy = doc.root.get("copy").unwrap();
    assert_eq!(at(text, copy.span), "*base");
    assert_eq!(line_col(text, copy.get("cpu").unwrap().span.0).0, 1);
    assert_eq!(keys(doc.root.get("quoted").unwrap()), pairs(&[("<<", "x")]));

    let e = error("a: &a 1\nb:\n  <<: *a\n");
    assert_eq!(
        e.message,
        "the merge key `<<` takes a map or a list of maps"
    );
    assert!(!e.is_syntax_error());
}

#[test]
fn duplicate_and_complex_keys_are_errors_at_their_line() {
    let text = "spec:\n  replicas: 1\n  image: x\n  replicas: 2\n";
    let e = error(text);
    assert_eq!(
        e.message,
        "duplicate key `replicas` (first on line 2); kubectl rejects duplicate keys, keep one"
    );
    assert_eq!(line_col(text, e.offset), (4, 3));
    // Past the size where keys are indexed.
    let mut many: String = (0..40).map(|i| format!("k{i}: {i}\n")).collect();
    many.push_str("k7: again\n");
    assert_eq!(
        error(&many).message,
        "duplicate key `k7` (first on line 8); kubectl rejects duplicate keys, keep one"
    );
    // An unquoted Helm expression reads as a map used as a key.
    let text = "metadata:\n  name: {{ .Release.Name }}\n";
    let e = error(text);
    assert_eq!(
        e.message,
        "a mapping key must be a scalar, not a map or a list"
    );
    assert_eq!(line_col(text, e.offset).0, 2);
    // The same text inside quotes is a string.
    let doc = one("metadata:\n  name: \"{{ .Release.Name }}\"\n");
    assert_eq!(
        doc.root.path("metadata.name").unwrap().value,
        scalar("{{ .Release.Name }}", false)
    );
}

#[test]
fn billion_laughs_is_refused_before_it_is_copied() {
    let mut text = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (name, prev) in [
        ("b", "a"),
        ("c", "b"),
        ("d", "c"),
        ("e", "d"),
        ("f", "e"),
        ("g", "f"),
        ("h", "g"),
        ("i", "h"),
    ] {
        text.push_str(&format!(
            "{name}: &{name} [{}]\n",
            vec![format!("*{prev}"); 9].join(",")
        ));
    }
    let e = error(&text);
    assert_eq!(
        e.message,
        "the document would expand to more than 1000000 nodes through its aliases; refusing to read it"
    );
    // 9^6 copies of `lol` pass the limit on the line of `g`.
    assert_eq!(line_col(&text, e.offset).0, 7);
}

#[test]
fn depth_and_size_limits_are_errors() {
    let limits = Limits {
        max_depth: 2,
        ..Limits::default()
    };
    assert!(parse_stream("a: [[1]]\n", &limits)[0].is_ok());
    let e = parse_stream("a: [[[1]]]\n", &limits).remove(0).unwrap_err();
    assert_eq!(
        e.message,
        "the document nests more than 2 levels deep; refusing to read it"
    );
    assert!(parse_stream("a: &x [1]\nb: [*x]\n", &limits)[0].is_ok());
    assert!(parse_stream("a: &x [1]\nb: [[*x]]\n", &limits)[0].is_err());

    let limits = Limits {
        max_document_bytes: 10,
        ..Limits::default()
    };
    let text = "a: 1\n---\n# comment\nb: 12345678\n";
    let docs = parse_stream(text, &limits);
    assert!(docs[0].is_ok());
    let e = docs[1].as_ref().unwrap_err();
    assert_eq!(
        e.message,
        "the document is 26 bytes, over the 10-byte limit for one YAML document; refusing to read it"
    );
    assert_eq!(line_col(text, e.offset).0, 4);
}
