resource "azurerm_network_interface" "a100" {
  count               = 2
  name                = "nic-a100-${count.index}"
  location            = azurerm_resource_group.ml.location
  resource_group_name = azurerm_resource_group.ml.name

  ip_configuration {
    name                          = "internal"
    subnet_id                     = var.subnet_id
    private_ip_address_allocation = "Dynamic"
  }
}

# Two single-A100 boxes for the evaluation team.
resource "azurerm_linux_virtual_machine" "a100" {
  count                 = 2
  name                  = "vm-a100-${count.index}"
  location              = var.location
  resource_group_name   = azurerm_resource_group.ml.name
  size                  = "Standard_NC24ads_A100_v4"
  admin_username        = "azureuser"
  network_interface_ids = [azurerm_network_interface.a100[count.index].id]

  admin_ssh_key {
    username   = "azureuser"
    public_key = var.admin_ssh_key
  }

  os_disk {
    caching              = "ReadWrite"
    storage_account_type = "Premium_LRS"
    disk_size_gb         = 256
  }

  source_image_reference {
    publisher = "microsoft-dsvm"
    offer     = "ubuntu-hpc"
    sku       = "2204"
    version   = "latest"
  }

  tags = local.tags
}
