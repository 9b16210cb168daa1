# Production AKS cluster for model training and inference, built with the Azure AKS
# module the way its README shows: a system default pool and extra GPU pools.
terraform {
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 3.110"
    }
  }
}

provider "azurerm" {
  features {}
}

locals {
  tags = {
    team          = "ml-platform"
    "cost-center" = "cc-ai-100"
    env           = "prod"
  }
}

resource "azurerm_resource_group" "ml" {
  name     = "rg-ml-prod"
  location = "East US"
  tags     = local.tags
}

module "aks" {
  source  = "Azure/aks/azurerm"
  version = "9.4.1"

  resource_group_name = azurerm_resource_group.ml.name
  location            = azurerm_resource_group.ml.location
  prefix              = "mlprod"
  sku_tier            = "Standard"
  tags                = local.tags

  agents_pool_name = "system"
  agents_size      = "Standard_D4s_v5"
  agents_count     = 3
  agents_max_pods  = 110
  agents_tags      = { role = "system" }
  os_disk_size_gb  = 128

  node_pools = {
    a100 = {
      name                = "a100"
      vm_size             = "Standard_NC24ads_A100_v4"
      enable_auto_scaling = true
      min_count           = 1
      node_count          = 2
      max_count           = 4
      node_taints         = ["nvidia.com/gpu=present:NoSchedule"]
      node_labels         = { accelerator = "a100" }
      tags                = merge(local.tags, { workload = "training" })
    }
    h100 = {
      name                = "h100"
      vm_size             = "Standard_NC40ads_H100_v5"
      enable_auto_scaling = true
      min_count           = 0
      max_count           = 20
      node_taints         = ["nvidia.com/gpu=present:NoSchedule"]
      tags                = merge(local.tags, { workload = "training" })
    }
    # The module does not add var.tags to extra pools: this one carries none.
    t4 = {
      name       = "t4"
      vm_size    = "Standard_NC8as_T4_v3"
      node_count = 2
    }
  }
}
