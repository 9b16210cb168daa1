# Options that change what a machine costs but that the catalog has no price for. Each
# one leaves the estimate incomplete, naming the option; a machine without them is
# priced complete.

variable "tenancy" {
  type = string
}

provider "aws" {
  region = "us-east-1"
}

provider "azurerm" {
  features {}
}

provider "google" {
  project = "ml-platform"
  region  = "us-central1"
}

resource "aws_instance" "plain" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "g5.xlarge"
  tenancy       = "default"
  monitoring    = false
}

resource "aws_instance" "dedicated" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "g5.xlarge"
  tenancy       = "dedicated"
}

resource "aws_instance" "on_host" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "g5.xlarge"
  tenancy       = "host"
}

resource "aws_instance" "tenancy_from_variable" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "g5.xlarge"
  tenancy       = var.tenancy
}

resource "aws_instance" "monitored" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.large"
  monitoring    = true

  credit_specification {
    cpu_credits = "unlimited"
  }
}

resource "aws_instance" "windows" {
  ami               = "ami-0123456789abcdef0"
  instance_type     = "g5.xlarge"
  get_password_data = true
}

resource "aws_instance" "old_ebs_optimized" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "m3.xlarge"
  ebs_optimized = true
}

resource "aws_eks_node_group" "windows" {
  cluster_name    = "ml"
  node_group_name = "windows"
  node_role_arn   = "arn:aws:iam::123456789012:role/nodes"
  subnet_ids      = ["subnet-0123456789abcdef0"]
  instance_types  = ["g5.xlarge"]
  ami_type        = "WINDOWS_CORE_2022_x86_64"

  scaling_config {
    desired_size = 1
    min_size     = 1
    max_size     = 1
  }
}

resource "azurerm_windows_virtual_machine" "licensed" {
  name                  = "train-win"
  resource_group_name   = "ml"
  location              = "eastus"
  size                  = "Standard_NC24ads_A100_v4"
  admin_username        = "ml"
  admin_password        = "not-a-real-password-1!"
  network_interface_ids = ["nic"]

  os_disk {
    caching              = "ReadWrite"
    storage_account_type = "Premium_LRS"
  }
}

resource "azurerm_windows_virtual_machine" "hybrid_benefit" {
  name                  = "train-ahb"
  resource_group_name   = "ml"
  location              = "eastus"
  size                  = "Standard_NC24ads_A100_v4"
  admin_username        = "ml"
  admin_password        = "not-a-real-password-1!"
  network_interface_ids = ["nic"]
  license_type          = "Windows_Server"

  os_disk {
    caching              = "ReadWrite"
    storage_account_type = "Premium_LRS"
  }
}

resource "google_compute_instance" "windows" {
  name         = "train-win"
  machine_type = "e2-standard-8"
  zone         = "us-central1-a"

  boot_disk {
    initialize_params {
      image = "windows-cloud/windows-2022"
    }
  }

  network_interface {
    network = "default"
  }
}

resource "google_compute_instance" "debian" {
  name         = "train"
  machine_type = "e2-standard-8"
  zone         = "us-central1-a"

  boot_disk {
    initialize_params {
      image = "debian-cloud/debian-12"
    }
  }

  network_interface {
    network = "default"
  }
}
