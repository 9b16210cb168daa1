//! The Cedar schema and the default policy pack, compiled into the binary from
//! `policies/`. Parsing the schema happens once per load; this module holds no state.

use cedar_policy::Schema;

/// The policy schema (`policies/schema.cedarschema`): the public interface policies are
/// written against.
pub const SCHEMA: &str = include_str!("../../policies/schema.cedarschema");

// `BUILTIN_POLICIES`: every `policies/*.cedar` file, listed by build.rs.
include!(concat!(env!("OUT_DIR"), "/builtin_policies.rs"));

/// The file name built-in policies are reported under: `builtin/<name>`.
pub(crate) fn builtin_file_name(name: &str) -> String {
    format!("builtin/{name}")
}

/// Parses [`SCHEMA`]. Warnings (shadowed names) are not expected and are ignored.
pub(crate) fn parse() -> Result<Schema, String> {
    Schema::from_cedarschema_str(SCHEMA)
        .map(|(schema, _warnings)| schema)
        .map_err(|e| format!("the built-in policy schema does not parse: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_parses_without_warnings() {
        let (_, warnings) = Schema::from_cedarschema_str(SCHEMA).unwrap();
        assert_eq!(warnings.count(), 0);
    }
}
