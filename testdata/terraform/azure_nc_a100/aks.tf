resource "azurerm_kubernetes_cluster" "aks" {
  name                = "aks-ml-staging"
  location            = azurerm_resource_group.ml.location
  resource_group_name = azurerm_resource_group.ml.name
  dns_prefix          = "aks-ml-staging"

  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
  }

  identity {
    type = "SystemAssigned"
  }

  tags = local.tags
}

resource "azurerm_kubernetes_cluster_node_pool" "a100spot" {
  name                  = "a100spot"
  kubernetes_cluster_id = azurerm_kubernetes_cluster.aks.id
  vm_size               = "Standard_NC24ads_A100_v4"
  priority              = "Spot"
  eviction_policy       = "Delete"
  spot_max_price        = -1
  auto_scaling_enabled  = true
  min_count             = 0
  max_count             = 8
  node_taints           = ["kubernetes.azure.com/scalesetpriority=spot:NoSchedule"]

  tags = merge(local.tags, { workload = "finetune" })
}

resource "azurerm_kubernetes_cluster_node_pool" "t4" {
  name                  = "t4"
  kubernetes_cluster_id = azurerm_kubernetes_cluster.aks.id
  vm_size               = "Standard_NC8as_T4_v3"
  auto_scaling_enabled  = true
  min_count             = 1
  node_count            = 2
  max_count             = 4

  tags = local.tags
}
