//! The Cedar schema and the default policy pack, compiled into the binary from
//! `policies/`. Parsing the schema happens once per load; this module holds no state.

use cedar_policy::Schema;

/// The policy schema (`policies/schema.cedarschema`): the public interface policies are
/// written against.
pub const SCHEMA: &str = include_str!("../../policies/schema.cedarschema");

/// The default policy pack: file name and text, in load order.
pub const BUILTIN_POLICIES: [(&str, &str); 19] = [
    (
        "budget_over_limit.cedar",
        include_str!("../../policies/budget_over_limit.cedar"),
    ),
    (
        "budget_near_limit.cedar",
        include_str!("../../policies/budget_near_limit.cedar"),
    ),
    (
        "cost_estimate_missing.cedar",
        include_str!("../../policies/cost_estimate_missing.cedar"),
    ),
    (
        "cost_ceiling_over_limit.cedar",
        include_str!("../../policies/cost_ceiling_over_limit.cedar"),
    ),
    (
        "required_tags_missing.cedar",
        include_str!("../../policies/required_tags_missing.cedar"),
    ),
    (
        "accelerator_family_not_allowed.cedar",
        include_str!("../../policies/accelerator_family_not_allowed.cedar"),
    ),
    (
        "accelerators_over_limit.cedar",
        include_str!("../../policies/accelerators_over_limit.cedar"),
    ),
    (
        "nonprod_accelerator_pool_on_demand.cedar",
        include_str!("../../policies/nonprod_accelerator_pool_on_demand.cedar"),
    ),
    (
        "required_labels_missing.cedar",
        include_str!("../../policies/required_labels_missing.cedar"),
    ),
    (
        "gpu_request_without_limit.cedar",
        include_str!("../../policies/gpu_request_without_limit.cedar"),
    ),
    (
        "nonprod_inference_not_scale_to_zero.cedar",
        include_str!("../../policies/nonprod_inference_not_scale_to_zero.cedar"),
    ),
    (
        "replicas_over_limit.cedar",
        include_str!("../../policies/replicas_over_limit.cedar"),
    ),
    (
        "gpu_nodepool_without_limits.cedar",
        include_str!("../../policies/gpu_nodepool_without_limits.cedar"),
    ),
    (
        "llm_route_unbounded.cedar",
        include_str!("../../policies/llm_route_unbounded.cedar"),
    ),
    (
        "change_cost_increase.cedar",
        include_str!("../../policies/change_cost_increase.cedar"),
    ),
    (
        "change_accelerators_added.cedar",
        include_str!("../../policies/change_accelerators_added.cedar"),
    ),
    (
        "change_new_endpoint.cedar",
        include_str!("../../policies/change_new_endpoint.cedar"),
    ),
    (
        "governance_files_changed.cedar",
        include_str!("../../policies/governance_files_changed.cedar"),
    ),
    (
        "approvals.cedar",
        include_str!("../../policies/approvals.cedar"),
    ),
];

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
