provider "google" {
  project = var.project_id
  region  = var.region

  # Applied to every resource with a top-level `labels` and to the cluster's
  # resource_labels, which GKE puts on the VMs of every node pool.
  default_labels = {
    team        = "ml-research"
    cost-center = "cc-ml-2024"
    env         = var.environment
  }
}

locals {
  node_labels = {
    team        = "ml-research"
    cost-center = "cc-ml-2024"
    env         = var.environment
  }
}

resource "google_container_cluster" "ml" {
  name           = "ml-${var.environment}"
  location       = var.region
  node_locations = ["us-central1-a", "us-central1-b", "us-central1-c"]

  remove_default_node_pool = true
  initial_node_count       = 1

  resource_labels = {
    workload = "llm"
  }
}

# Training pool: 8 x H100 per node, up to 4 nodes in each of the two GPU zones.
resource "google_container_node_pool" "h100_train" {
  name           = "h100-train"
  cluster        = google_container_cluster.ml.id
  location       = var.region
  node_locations = var.gpu_zones

  autoscaling {
    min_node_count = 0
    max_node_count = 4
  }

  node_config {
    machine_type = "a3-highgpu-8g"
    disk_size_gb = 200

    guest_accelerator {
      type  = "nvidia-h100-80gb"
      count = 8

      gpu_driver_installation_config {
        gpu_driver_version = "LATEST"
      }
    }

    resource_labels = local.node_labels
  }
}

# Serving pool on Spot VMs in all three zones of the cluster.
resource "google_container_node_pool" "l4_serve" {
  name               = "l4-serve"
  cluster            = google_container_cluster.ml.id
  location           = var.region
  node_locations     = ["us-central1-a", "us-central1-b", "us-central1-c"]
  initial_node_count = 1

  autoscaling {
    min_node_count = 1
    max_node_count = 3
  }

  node_config {
    machine_type = "g2-standard-24"
    spot         = true

    guest_accelerator {
      type  = "nvidia-l4"
      count = 2
    }

    resource_labels = merge(local.node_labels, { workload = "serving" })
  }
}

# Batch pool: fixed size, zones taken from the cluster, no labels of its own (its VMs carry
# the cluster's).
resource "google_container_node_pool" "t4_batch" {
  name       = "t4-batch"
  cluster    = google_container_cluster.ml.id
  location   = var.region
  node_count = 2

  node_config {
    machine_type = "n1-standard-8"
    preemptible  = true

    guest_accelerator {
      type  = "nvidia-tesla-t4"
      count = 1
    }
  }
}

resource "google_compute_instance" "notebook" {
  name         = "jdoe-notebook"
  machine_type = "a2-highgpu-1g"
  zone         = "us-central1-a"

  boot_disk {
    initialize_params {
      image = "projects/deeplearning-platform-release/global/images/family/common-cu124"
      size  = 200
    }
  }

  network_interface {
    network = "default"
  }

  scheduling {
    on_host_maintenance = "TERMINATE"
  }

  labels = {
    owner = "jdoe"
  }
}

resource "google_storage_bucket" "datasets" {
  name     = "acme-ml-datasets-${var.environment}"
  location = "US"
}
