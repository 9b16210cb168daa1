resource "azurerm_machine_learning_compute_cluster" "train" {
  name                          = "a100-train"
  location                      = var.location
  vm_priority                   = "LowPriority"
  vm_size                       = "Standard_ND96amsr_A100_v4"
  machine_learning_workspace_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ml-staging/providers/Microsoft.MachineLearningServices/workspaces/mlw-staging"

  scale_settings {
    min_node_count                       = 0
    max_node_count                       = 10
    scale_down_nodes_after_idle_duration = "PT15M"
  }

  identity {
    type = "SystemAssigned"
  }

  tags = local.tags
}
