//! Resource types that accept tags or labels even when the configuration sets none, so a
//! required-tags policy can flag them. Types not listed are taggable only when they set a
//! `tags` or `labels` argument: this keeps attachments, rules and associations (which
//! cannot carry tags) out of tag findings.

/// Sorted; checked by a test.
static TAGGABLE: &[&str] = &[
    "aws_acm_certificate",
    "aws_ami",
    "aws_api_gateway_rest_api",
    "aws_apigatewayv2_api",
    "aws_autoscaling_group",
    "aws_backup_vault",
    "aws_batch_compute_environment",
    "aws_batch_job_queue",
    "aws_bedrock_custom_model",
    "aws_bedrock_provisioned_model_throughput",
    "aws_bedrockagent_agent",
    "aws_bedrockagent_knowledge_base",
    "aws_cloudfront_distribution",
    "aws_cloudwatch_log_group",
    "aws_cloudwatch_metric_alarm",
    "aws_db_instance",
    "aws_dynamodb_table",
    "aws_ebs_snapshot",
    "aws_ebs_volume",
    "aws_ec2_capacity_reservation",
    "aws_ecr_repository",
    "aws_ecs_cluster",
    "aws_ecs_service",
    "aws_ecs_task_definition",
    "aws_efs_file_system",
    "aws_eip",
    "aws_eks_addon",
    "aws_eks_cluster",
    "aws_eks_fargate_profile",
    "aws_eks_node_group",
    "aws_elasticache_cluster",
    "aws_elasticache_replication_group",
    "aws_emr_cluster",
    "aws_fsx_lustre_file_system",
    "aws_fsx_ontap_file_system",
    "aws_iam_policy",
    "aws_iam_role",
    "aws_iam_user",
    "aws_instance",
    "aws_internet_gateway",
    "aws_kinesis_stream",
    "aws_kms_key",
    "aws_lambda_function",
    "aws_launch_template",
    "aws_lb",
    "aws_lb_target_group",
    "aws_msk_cluster",
    "aws_nat_gateway",
    "aws_opensearch_domain",
    "aws_placement_group",
    "aws_rds_cluster",
    "aws_redshift_cluster",
    "aws_route53_zone",
    "aws_route_table",
    "aws_s3_bucket",
    "aws_sagemaker_domain",
    "aws_sagemaker_endpoint",
    "aws_sagemaker_endpoint_configuration",
    "aws_sagemaker_model",
    "aws_sagemaker_notebook_instance",
    "aws_sagemaker_space",
    "aws_sagemaker_user_profile",
    "aws_secretsmanager_secret",
    "aws_security_group",
    "aws_sfn_state_machine",
    "aws_sns_topic",
    "aws_sqs_queue",
    "aws_subnet",
    "aws_vpc",
    "aws_vpc_endpoint",
    "azurerm_cognitive_account",
    "azurerm_container_registry",
    "azurerm_key_vault",
    "azurerm_kubernetes_cluster",
    "azurerm_kubernetes_cluster_node_pool",
    "azurerm_linux_virtual_machine",
    "azurerm_linux_virtual_machine_scale_set",
    "azurerm_machine_learning_compute_cluster",
    "azurerm_machine_learning_compute_instance",
    "azurerm_machine_learning_workspace",
    "azurerm_managed_disk",
    "azurerm_network_interface",
    "azurerm_network_security_group",
    "azurerm_public_ip",
    "azurerm_resource_group",
    "azurerm_storage_account",
    "azurerm_virtual_network",
    "azurerm_windows_virtual_machine",
    "azurerm_windows_virtual_machine_scale_set",
    "google_artifact_registry_repository",
    "google_bigquery_dataset",
    "google_bigquery_table",
    "google_compute_disk",
    "google_compute_instance",
    "google_compute_instance_template",
    "google_container_cluster",
    "google_container_node_pool",
    "google_filestore_instance",
    "google_notebooks_instance",
    "google_pubsub_topic",
    "google_redis_instance",
    "google_sql_database_instance",
    "google_storage_bucket",
    "google_tpu_v2_vm",
    "google_vertex_ai_dataset",
    "google_vertex_ai_endpoint",
    "google_vertex_ai_featurestore",
    "google_vertex_ai_index",
    "google_vertex_ai_index_endpoint",
    "google_workbench_instance",
];

pub fn is_taggable(resource_type: &str) -> bool {
    TAGGABLE.binary_search(&resource_type).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_is_sorted() {
        for pair in TAGGABLE.windows(2) {
            assert!(
                pair[0] < pair[1],
                "{} must sort before {}",
                pair[0],
                pair[1]
            );
        }
    }

    #[test]
    fn attachments_are_not_taggable() {
        assert!(is_taggable("aws_instance"));
        assert!(!is_taggable("aws_iam_role_policy_attachment"));
        assert!(!is_taggable("aws_volume_attachment"));
    }
}
