//! The SARIF 2.1.0 schema check shared by the tests of `--format sarif`.

use std::path::Path;

use serde_json::Value;

/// What the SARIF 2.1.0 schema finds wrong with `doc`.
pub fn errors(doc: &Value) -> Vec<String> {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/sarif/sarif-schema-2.1.0.json"),
    )
    .unwrap();
    let mut schema: Value = serde_json::from_str(&text).unwrap();
    // The published schema's `language` patterns (of `run` and `toolComponent`) have a
    // stray `]`, which is not a valid regular expression, so the schema fails its own
    // meta-schema. We never write `language`; those two patterns are dropped in memory (the
    // file stays as published), and everything else, formats (URIs) included, is checked.
    for definition in ["run", "toolComponent"] {
        let language = &mut schema["definitions"][definition]["properties"]["language"];
        assert_eq!(
            language["pattern"],
            "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$"
        );
        language.as_object_mut().unwrap().remove("pattern");
    }
    let validator = jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e.instance_path(), e))
        .collect()
}
