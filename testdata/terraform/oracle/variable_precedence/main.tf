# One terraform_data per variable: its `input` is the variable's final value.

resource "terraform_data" "region" { input = var.region }
resource "terraform_data" "team" { input = var.team }
resource "terraform_data" "env_vs_tfvars" { input = var.env_vs_tfvars }
resource "terraform_data" "tfvars_vs_json" { input = var.tfvars_vs_json }
resource "terraform_data" "json_vs_auto" { input = var.json_vs_auto }
resource "terraform_data" "auto_order" { input = var.auto_order }
resource "terraform_data" "numeric_names" { input = var.numeric_names }
resource "terraform_data" "auto_vs_cli_file" { input = var.auto_vs_cli_file }
resource "terraform_data" "var_then_file" { input = var.var_then_file }
resource "terraform_data" "file_then_var" { input = var.file_then_var }
resource "terraform_data" "two_files" { input = var.two_files }
resource "terraform_data" "instance_count" { input = var.instance_count }
resource "terraform_data" "disk_gib" { input = var.disk_gib }
resource "terraform_data" "spot" { input = var.spot }
resource "terraform_data" "monitoring" { input = var.monitoring }
resource "terraform_data" "zones" { input = var.zones }
resource "terraform_data" "ports" { input = var.ports }
resource "terraform_data" "tags" { input = var.tags }
resource "terraform_data" "allowed_cidrs" { input = var.allowed_cidrs }
resource "terraform_data" "cluster" { input = var.cluster }
resource "terraform_data" "node_pools" { input = var.node_pools }
resource "terraform_data" "pool_override" { input = var.pool_override }
resource "terraform_data" "untyped_cli" { input = var.untyped_cli }
resource "terraform_data" "any_cli" { input = var.any_cli }
resource "terraform_data" "not_nullable" { input = var.not_nullable }
resource "terraform_data" "nullable_null" { input = var.nullable_null }
resource "terraform_data" "from_json_file" { input = var.from_json_file }

# Values derived from variables, as a real configuration would use them.
resource "terraform_data" "derived" {
  input = {
    total_disk = var.instance_count * var.disk_gib
    capacity   = var.spot ? "spot" : "on-demand"
    first_zone = var.zones[0]
    pool_names = keys(var.node_pools)
    gpu_pools  = [for name, p in var.node_pools : name if p.gpu]
    max_nodes  = var.cluster.autoscaling.max
  }
}
