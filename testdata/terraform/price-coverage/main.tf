# Resources priced from the catalog since issue 15, point 9: Google persistent disks,
# local SSDs of instances and GKE node pools, the legacy azurerm_virtual_machine and an
# Azure ML compute instance.

provider "google" {
  project = "ml-platform"
  region  = "us-central1"
}

provider "azurerm" {
  features {}
}

resource "google_compute_disk" "datasets" {
  name = "datasets"
  type = "pd-ssd"
  zone = "us-central1-a"
  size = 500
}

resource "google_compute_disk" "default_type" {
  name = "scratch"
  zone = "us-central1-a"
  size = 200
}

resource "google_compute_disk" "from_image" {
  name  = "golden"
  type  = "pd-balanced"
  zone  = "us-central1-a"
  image = "debian-cloud/debian-12"
}

resource "google_compute_region_disk" "shared" {
  name          = "shared"
  type          = "pd-balanced"
  region        = "us-central1"
  replica_zones = ["us-central1-a", "us-central1-b"]
  size          = 100
}

resource "google_compute_disk" "hyperdisk" {
  name = "fast"
  type = "hyperdisk-balanced"
  zone = "us-central1-a"
  size = 100
}

resource "google_compute_instance" "with_local_ssd" {
  name         = "trainer"
  machine_type = "e2-standard-8"
  zone         = "us-central1-a"

  boot_disk {
    initialize_params {
      image = "debian-cloud/debian-12"
      size  = 50
    }
  }

  scratch_disk {
    interface = "NVME"
  }

  scratch_disk {
    interface = "NVME"
  }

  network_interface {
    network = "default"
  }
}

resource "google_container_node_pool" "ssd_nodes" {
  name       = "ssd"
  cluster    = "ml"
  location   = "us-central1-a"
  node_count = 3

  node_config {
    machine_type = "e2-standard-8"
    disk_size_gb = 100
    disk_type    = "pd-standard"

    ephemeral_storage_local_ssd_config {
      local_ssd_count = 2
    }
  }
}

resource "azurerm_virtual_machine" "legacy" {
  name                  = "legacy-trainer"
  location              = "eastus"
  resource_group_name   = "ml"
  network_interface_ids = ["nic"]
  vm_size               = "Standard_NC24ads_A100_v4"

  storage_os_disk {
    name              = "os"
    create_option     = "FromImage"
    managed_disk_type = "Premium_LRS"
    disk_size_gb      = 32
  }

  storage_data_disk {
    name              = "data"
    create_option     = "Empty"
    lun               = 0
    managed_disk_type = "Premium_LRS"
    disk_size_gb      = 30
  }

  os_profile_linux_config {
    disable_password_authentication = true
  }
}

# Runs in its workspace's region, read from the workspace.
resource "azurerm_machine_learning_workspace" "ml" {
  name                    = "ml"
  location                = "westeurope"
  resource_group_name     = "ml"
  application_insights_id = "ai"
  key_vault_id            = "kv"
  storage_account_id      = "sa"

  identity {
    type = "SystemAssigned"
  }
}

resource "azurerm_machine_learning_compute_instance" "notebook" {
  name                          = "notebook"
  machine_learning_workspace_id = azurerm_machine_learning_workspace.ml.id
  virtual_machine_size          = "Standard_NC24ads_A100_v4"
}

# Its workspace is elsewhere: the region is unknown, and the rate assumed is said.
resource "azurerm_machine_learning_compute_instance" "elsewhere" {
  name                          = "elsewhere"
  machine_learning_workspace_id = "/subscriptions/0/resourceGroups/ml/providers/Microsoft.MachineLearningServices/workspaces/other"
  virtual_machine_size          = "Standard_NC24ads_A100_v4"
}

# Local SSD on a spot VM has a spot rate the catalog does not list: unknown, not the
# on-demand rate.
resource "google_compute_instance" "spot_with_local_ssd" {
  name         = "spot-trainer"
  machine_type = "e2-standard-8"
  zone         = "us-central1-a"

  scheduling {
    provisioning_model = "SPOT"
    preemptible        = true
    automatic_restart  = false
  }

  boot_disk {
    initialize_params {
      image = "debian-cloud/debian-12"
      size  = 10
    }
  }

  scratch_disk {
    interface = "NVME"
  }

  network_interface {
    network = "default"
  }
}
