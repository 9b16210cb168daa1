provider "aws" {
  region = "us-east-1"
}

provider "azurerm" {
  features {}
}

# Typos in an Azure VM size and a SageMaker instance type: the price is unknown, and the
# catalog knows the likely names.
resource "azurerm_linux_virtual_machine" "a100" {
  name                  = "vm-a100"
  location              = "eastus"
  resource_group_name   = "rg-ml"
  size                  = "Standard_NC24ads_A100_v3"
  admin_username        = "azureuser"
  network_interface_ids = ["nic-a100"]

  os_disk {
    caching              = "ReadWrite"
    storage_account_type = "Premium_LRS"
  }

  tags = {
    team          = "ml-platform"
    "cost-center" = "cc-1234"
    env           = "prod"
  }
}

resource "aws_sagemaker_endpoint_configuration" "llama" {
  name = "llama-3-8b-instruct"

  production_variants {
    variant_name           = "primary"
    model_name             = "llama"
    instance_type          = "ml.g5.12xlarg"
    initial_instance_count = 1
  }

  tags = {
    team          = "ml-platform"
    "cost-center" = "cc-1234"
    env           = "prod"
  }
}
