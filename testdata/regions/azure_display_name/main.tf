# azurerm accepts a display name ("West Europe") for "westeurope": no input error for it,
# and the VM is priced at the West Europe rate. A mistyped display name is still an error.
resource "azurerm_resource_group" "ml" {
  name     = "ml-research"
  location = "West Europe"

  tags = {
    team        = "research"
    cost-center = "cc-4410"
    env         = "dev"
  }
}

resource "azurerm_linux_virtual_machine" "trainer" {
  name                  = "trainer"
  resource_group_name   = azurerm_resource_group.ml.name
  location              = azurerm_resource_group.ml.location
  size                  = "Standard_NC24ads_A100_v4"
  admin_username        = "azureuser"
  network_interface_ids = ["/subscriptions/0000/resourceGroups/ml-research/providers/Microsoft.Network/networkInterfaces/trainer"]

  admin_ssh_key {
    username   = "azureuser"
    public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyOnly"
  }

  os_disk {
    caching              = "ReadWrite"
    storage_account_type = "Premium_LRS"
  }

  source_image_reference {
    publisher = "Canonical"
    offer     = "ubuntu-24_04-lts"
    sku       = "server"
    version   = "latest"
  }

  tags = {
    team        = "research"
    cost-center = "cc-4410"
    env         = "dev"
  }
}

resource "azurerm_resource_group" "backup" {
  name     = "ml-backup"
  location = "North Europ"

  tags = {
    team        = "research"
    cost-center = "cc-4410"
    env         = "dev"
  }
}
