//! Lists the built-in policy pack for `src/policy/schema.rs`: every `policies/*.cedar`
//! file, by name, compiled in with `include_str!`. Adding a built-in policy is adding its
//! file; nothing else keeps a list.

use std::error::Error;
use std::fmt::Write as _;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo:rerun-if-changed=policies");
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let mut names: Vec<String> = std::fs::read_dir(root.join("policies"))?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".cedar"))
        .collect();
    names.sort();
    let mut code = format!(
        "/// The default policy pack: file name and text, by name.\npub const BUILTIN_POLICIES: [(&str, &str); {}] = [\n",
        names.len()
    );
    for name in &names {
        writeln!(
            code,
            "    ({name:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/policies/{name}\"))),"
        )?;
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR")?).join("builtin_policies.rs");
    std::fs::write(out, code)?;
    Ok(())
}
