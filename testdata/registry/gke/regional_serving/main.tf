# A regional serving cluster from the GKE module's private-cluster submodule, written the
# way its README shows: node_pools as a list of maps, labels per pool over an `all` entry.
# Priced in tests/registry_gke.rs from the us-central1 rows of the catalog.

provider "google" {
  project = var.project_id
  region  = var.region

  # The cluster's resource_labels get these, and GKE puts those on every pool's VMs.
  default_labels = {
    team        = "ml-serving"
    cost-center = "cc-300"
    env         = var.environment
  }
}

module "gke" {
  source  = "terraform-google-modules/kubernetes-engine/google//modules/private-cluster"
  version = "~> 36.0"

  project_id        = var.project_id
  name              = "serving-${var.environment}"
  region            = var.region
  zones             = var.zones
  network           = "vpc-01"
  subnetwork        = "us-central1-01"
  ip_range_pods     = "us-central1-01-gke-01-pods"
  ip_range_services = "us-central1-01-gke-01-services"

  enable_private_nodes     = true
  remove_default_node_pool = true

  cluster_resource_labels = {
    workload = "llm-serving"
  }

  node_pools = [
    {
      name         = "system"
      machine_type = "e2-standard-4"
      min_count    = 1
      max_count    = 3
    },
    {
      name              = "t4-batch"
      machine_type      = "n1-standard-8"
      accelerator_type  = "nvidia-tesla-t4"
      accelerator_count = 1
      min_count         = 0
      max_count         = 4
      disk_size_gb      = 200
      disk_type         = "pd-balanced"
      spot              = true
    },
    {
      name           = "l4-serve"
      machine_type   = "g2-standard-8"
      autoscaling    = false
      node_count     = 2
      node_locations = "us-central1-a,us-central1-b"
    },
    {
      name              = "t4-interactive"
      machine_type      = "n1-standard-4"
      accelerator_type  = "nvidia-tesla-t4"
      accelerator_count = 2
      total_min_count   = 1
      total_max_count   = 6
      location_policy   = "ANY"
    },
  ]

  node_pools_labels = {
    all = {}
    l4-serve = {
      accelerator = "l4"
    }
  }

  node_pools_resource_labels = {
    all = {
      team = "ml-serving"
    }
    t4-batch = {
      cost-center = "cc-300"
      env         = var.environment
    }
    l4-serve = {
      cost-center = "cc-300"
      env         = var.environment
    }
    t4-interactive = {
      cost-center = "cc-300"
      env         = var.environment
    }
  }

  node_pools_tags = {
    all = ["allow-health-checks"]
  }
}
