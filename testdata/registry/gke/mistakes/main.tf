# Calls of the GKE module with mistakes the adapter reports (a zonal cluster without
# zones, a pool without a name, a count that is not a number) and pools that come from a
# variable with no value. The beta submodule uses the google-beta provider, which this
# root does not configure, so the google default_labels do not reach that cluster.
# Checked in tests/registry_gke.rs.

provider "google" {
  project = "acme-ml-dev"
  region  = "us-central1"

  default_labels = {
    team        = "ml-platform"
    cost-center = "cc-100"
    env         = "dev"
  }
}

variable "node_pools" {
  description = "Set per environment with -var-file; there is no default."
  type        = list(map(any))
}

module "zonal" {
  source     = "terraform-google-modules/kubernetes-engine/google"
  project_id = "acme-ml-dev"
  name       = "zonal"
  regional   = false
  node_pools = [
    {
      name         = "cpu"
      machine_type = "e2-standard-4"
      max_count    = "lots"
    },
    {
      machine_type = "n2-standard-8"
    },
  ]
  node_pools_resource_labels = {
    all = {
      team        = "ml-platform"
      cost-center = "cc-100"
      env         = "dev"
    }
  }
}

module "from_var" {
  source     = "terraform-google-modules/kubernetes-engine/google//modules/beta-public-cluster"
  project_id = "acme-ml-dev"
  name       = "from-var"
  region     = "us-central1"
  zones      = ["us-central1-a", "us-central1-b"]
  node_pools = var.node_pools
  node_pools_resource_labels = {
    all = {
      team        = "ml-platform"
      cost-center = "cc-100"
      env         = "dev"
    }
  }
}

# Two pools with one name: the module keeps one of them.
module "duplicate" {
  source     = "terraform-google-modules/kubernetes-engine/google"
  project_id = "acme-ml-dev"
  name       = "duplicate"
  region     = "us-central1"
  zones      = ["us-central1-a"]
  node_pools = [
    { name = "cpu", machine_type = "e2-standard-4" },
    { name = "cpu", machine_type = "n2-standard-8" },
  ]
}
