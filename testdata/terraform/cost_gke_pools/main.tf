# Priced in tests/cli_cost.rs from the us-central1 rows of catalog/gcp_machine_types.csv,
# catalog/gcp_gpus.csv and catalog/storage.csv. GKE node counts are per zone.
terraform {
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 6.10"
    }
  }
}

provider "google" {
  project = "acme-ml-prod"
  region  = "us-central1"

  default_labels = {
    team        = "ml-serving"
    cost-center = "cc-300"
    env         = "prod"
  }
}

locals {
  node_labels = {
    team        = "ml-serving"
    cost-center = "cc-300"
    env         = "prod"
  }
}

resource "google_container_cluster" "serving" {
  name                     = "serving"
  location                 = "us-central1"
  node_locations           = ["us-central1-a", "us-central1-b", "us-central1-c"]
  remove_default_node_pool = true
  initial_node_count       = 1
}

# Per-zone autoscaling in three zones: 1 to 2 nodes in each.
resource "google_container_node_pool" "cpu" {
  name           = "cpu"
  cluster        = google_container_cluster.serving.id
  location       = "us-central1"
  node_locations = ["us-central1-a", "us-central1-b", "us-central1-c"]

  autoscaling {
    min_node_count = 1
    max_node_count = 2
  }

  node_config {
    machine_type    = "n2-standard-8"
    disk_size_gb    = 50
    disk_type       = "pd-ssd"
    resource_labels = local.node_labels
  }
}

# Total limits across the pool's zones (location_policy ANY): 2 to 10 nodes in all.
resource "google_container_node_pool" "t4" {
  name           = "t4"
  cluster        = google_container_cluster.serving.id
  location       = "us-central1"
  node_locations = ["us-central1-a", "us-central1-b"]

  autoscaling {
    total_min_node_count = 2
    total_max_node_count = 10
    location_policy      = "ANY"
  }

  node_config {
    machine_type    = "n1-standard-4"
    disk_size_gb    = 100
    resource_labels = local.node_labels

    guest_accelerator {
      type  = "nvidia-tesla-t4"
      count = 1
    }
  }
}

# Spot L4 nodes, a fixed one per zone, zones taken from the cluster.
resource "google_container_node_pool" "l4_spot" {
  name       = "l4-spot"
  cluster    = google_container_cluster.serving.id
  location   = "us-central1"
  node_count = 1

  node_config {
    machine_type    = "g2-standard-8"
    spot            = true
    resource_labels = local.node_labels

    guest_accelerator {
      type  = "nvidia-l4"
      count = 1
    }
  }
}
