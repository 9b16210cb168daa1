provider "azurerm" {
  features {}
}

resource "azurerm_resource_group" "ml" {
  name     = "rg-ml"
  location = "eastus"
  tags = {
    team        = "ml-platform"
    cost-center = "cc-300"
    env         = "prod"
  }
}

resource "azurerm_kubernetes_cluster" "ml" {
  name                = "aks-ml"
  location            = azurerm_resource_group.ml.location
  resource_group_name = azurerm_resource_group.ml.name
  dns_prefix          = "aksml"

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 1
  }

  identity {
    type = "SystemAssigned"
  }
}

# One A100 per node, for the inference servers.
resource "azurerm_kubernetes_cluster_node_pool" "gpu" {
  name                  = "gpua100"
  kubernetes_cluster_id = azurerm_kubernetes_cluster.ml.id
  vm_size               = "Standard_NC24ads_A100_v4"
  node_count            = 2
}
