# Staging AKS cluster (module v11, azurerm 4 names): an auto-scaled system pool and one
# GPU pool per entry of var.gpu_pools, given in terraform.tfvars, each built from the same
# defaults with its own overrides.
terraform {
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.10"
    }
  }
}

provider "azurerm" {
  features {}
  subscription_id = "00000000-0000-0000-0000-000000000000"
}

variable "location" {
  type = string
}

variable "gpu_pools" {
  type = map(object({
    vm_size   = string
    max_count = number
    spot      = optional(bool, true)
  }))
}

locals {
  tags = {
    team          = "ml-research"
    "cost-center" = "cc-ai-310"
    env           = "staging"
  }
  pool_defaults = {
    auto_scaling_enabled = true
    min_count            = 0
    os_disk_size_gb      = 256
  }
  node_pools = {
    for name, pool in var.gpu_pools : name => merge(local.pool_defaults, {
      name            = name
      vm_size         = pool.vm_size
      max_count       = pool.max_count
      priority        = pool.spot ? "Spot" : "Regular"
      eviction_policy = pool.spot ? "Delete" : null
      spot_max_price  = pool.spot ? -1 : null
      tags            = merge(local.tags, { pool = name })
    })
  }
}

module "aks" {
  source  = "Azure/aks/azurerm"
  version = "11.0.0"

  resource_group_name = "rg-ml-staging"
  location            = var.location
  cluster_name        = "aks-ml-staging"
  tags                = local.tags

  agents_size          = "Standard_D4s_v5"
  auto_scaling_enabled = true
  agents_count         = null
  agents_min_count     = 1
  agents_max_count     = 3

  node_pools = local.node_pools
}
