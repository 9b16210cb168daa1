//! Resource types that cost nothing by themselves, so that the `cost` report can say "no
//! charge" for them instead of "no price model". The one list of them: a type is here only
//! when the provider bills nothing for it (what it configures may be billed elsewhere: the
//! instances a launch template launches, the traffic a route carries). Kubernetes Services
//! are not here: one of type LoadBalancer creates a billed load balancer. Documented in
//! `docs/pricing.md`.

/// Whole types.
const TYPES: &[&str] = &[
    // AWS: templates, identity, networking without a charge of its own, tags on clusters.
    "aws_launch_template",
    "aws_launch_configuration",
    "aws_security_group",
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule",
    "aws_vpc",
    "aws_subnet",
    "aws_route_table",
    "aws_route_table_association",
    "aws_route",
    "aws_internet_gateway",
    "aws_placement_group",
    "aws_key_pair",
    "aws_eks_access_entry",
    "aws_eks_access_policy_association",
    "aws_sagemaker_model",
    // Google Cloud.
    "google_service_account",
    "google_project_service",
    "google_compute_network",
    "google_compute_subnetwork",
    "google_compute_firewall",
    // Azure.
    "azurerm_resource_group",
    "azurerm_virtual_network",
    "azurerm_subnet",
    "azurerm_network_security_group",
    "azurerm_subnet_network_security_group_association",
    "azurerm_role_assignment",
    "azurerm_user_assigned_identity",
    // Kubernetes objects managed through Terraform.
    "kubernetes_namespace",
    "kubernetes_namespace_v1",
    "kubernetes_config_map",
    "kubernetes_config_map_v1",
    "kubernetes_secret",
    "kubernetes_secret_v1",
    "kubernetes_service_account",
    "kubernetes_service_account_v1",
    // Terraform's own.
    "terraform_data",
    "null_resource",
];

/// Type prefixes: AWS IAM (a free service), Google IAM bindings, and providers that create
/// nothing in a cloud (random values, keys, timers, local files).
const PREFIXES: &[&str] = &[
    "aws_iam_",
    "google_project_iam_",
    "google_service_account_iam_",
    "random_",
    "tls_",
    "time_",
    "local_",
];

/// Whether resources of `resource_type` cost nothing by themselves.
pub fn no_charge(resource_type: &str) -> bool {
    TYPES.contains(&resource_type) || PREFIXES.iter().any(|p| resource_type.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::no_charge;

    #[test]
    fn templates_identity_and_networks_cost_nothing() {
        for t in [
            "aws_launch_template",
            "aws_iam_role",
            "aws_iam_role_policy_attachment",
            "aws_security_group",
            "aws_subnet",
            "google_project_iam_member",
            "azurerm_resource_group",
            "random_id",
            "null_resource",
        ] {
            assert!(no_charge(t), "{t}");
        }
    }

    #[test]
    fn billed_or_unknown_types_are_not_free() {
        for t in [
            "aws_instance",
            "aws_nat_gateway",
            "aws_lb",
            "kubernetes_service",
            "aws_iamx",
            "",
            "AWS_VPC",
        ] {
            assert!(!no_charge(t), "{t}");
        }
    }
}
