terraform {
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.10"
    }
  }
}

provider "azurerm" {
  features {}
  subscription_id = "00000000-0000-0000-0000-000000000000"
}

variable "location" {
  type    = string
  default = "East US"
}

variable "subnet_id" {
  type    = string
  default = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/ml/subnets/gpu"
}

variable "admin_ssh_key" {
  type    = string
  default = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyOnlyForTests ml@acme"
}

locals {
  tags = {
    team          = "ml-research"
    "cost-center" = "cc-ai-310"
    env           = "staging"
  }
}

resource "azurerm_resource_group" "ml" {
  name     = "rg-ml-staging"
  location = var.location
  tags     = local.tags
}
