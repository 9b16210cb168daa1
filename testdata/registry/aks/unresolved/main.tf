# A cluster whose pools come from a variable nobody set, called once per team with
# for_each, and with no location (the module reads it from the resource group).
variable "node_pools" {
  type        = map(any)
  description = "Set per environment by the pipeline."
}

module "aks" {
  source   = "git::https://github.com/Azure/terraform-azurerm-aks.git?ref=7.5.0"
  for_each = { research = "cc-ai-310", serving = "cc-ai-200" }

  resource_group_name = "rg-${each.key}"
  prefix              = each.key
  tags = {
    team          = each.key
    "cost-center" = each.value
    env           = "dev"
  }
  agents_tags = {
    team          = each.key
    "cost-center" = each.value
    env           = "dev"
  }

  node_pools = var.node_pools
}
