# Mistakes Terraform would reject when it plans the module: a pool without the required
# vm_size, a pool that is not an object, and node_pools written as a list.
module "aks" {
  source   = "Azure/aks/azurerm"
  version  = "9.4.1"
  location = "eastus"
  tags     = { team = "ml", "cost-center" = "cc-ai-100", env = "dev" }

  node_pools = {
    gpu = {
      name       = "gpu"
      node_count = 1
      tags       = { team = "ml", "cost-center" = "cc-ai-100", env = "dev" }
    }
    t4 = "Standard_NC8as_T4_v3"
  }
}

module "aks_batch" {
  source     = "Azure/aks/azurerm"
  version    = "9.4.1"
  location   = "eastus"
  tags       = { team = "ml", "cost-center" = "cc-ai-100", env = "dev" }
  agents_tags = { team = "ml", "cost-center" = "cc-ai-100", env = "dev" }
  node_pools = ["gpu"]
}
