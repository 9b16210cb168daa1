# A zonal training cluster from the beta update-variant submodule, pinned by git URL. The
# pools come from terraform.tfvars as a map, turned into the module's list by a `for`
# expression over shared defaults. Priced in tests/registry_gke.rs.

terraform {
  required_providers {
    google-beta = {
      source  = "hashicorp/google-beta"
      version = "~> 6.10"
    }
  }
}

provider "google-beta" {
  project = var.project_id
  region  = "us-central1"

  default_labels = local.labels
}

locals {
  labels = {
    team        = "ml-research"
    cost-center = "cc-ml-2024"
    env         = var.environment
  }

  # Every pool starts from these; a pool's own values win.
  pool_defaults = {
    machine_type = "n1-standard-8"
    disk_size_gb = 200
    spot         = true
    min_count    = 0
    max_count    = 2
  }
}

module "gke" {
  source = "git::https://github.com/terraform-google-modules/terraform-google-kubernetes-engine.git//modules/beta-private-cluster-update-variant?ref=v36.0.0"

  project_id        = var.project_id
  name              = "train-${var.environment}"
  regional          = false
  zones             = var.zones
  network           = "vpc-01"
  subnetwork        = "us-central1-01"
  ip_range_pods     = "pods"
  ip_range_services = "services"

  node_pools = [for name, pool in var.gpu_pools : merge(local.pool_defaults, pool, { name = name })]

  node_pools_resource_labels = {
    all = local.labels
  }
}
