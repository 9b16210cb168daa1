# GCP labels of GKE node VMs: the provider's default_labels and the cluster's
# resource_labels reach every pool's VMs; a pool's own node_config.resource_labels win.
provider "google" {
  project = "ml-prod"
  region  = "us-central1"

  default_labels = {
    team = "ml-platform"
  }
}

resource "google_container_cluster" "ml" {
  name                     = "ml"
  location                 = "us-central1-a"
  remove_default_node_pool = true
  initial_node_count       = 1

  resource_labels = {
    cost-center = "cc-4410"
    env         = "prod"
  }
}

# team from the provider, cost-center from the cluster, env its own.
resource "google_container_node_pool" "l4" {
  name       = "l4"
  cluster    = google_container_cluster.ml.id
  location   = "us-central1-a"
  node_count = 1

  node_config {
    machine_type = "g2-standard-8"
    resource_labels = {
      env = "staging"
    }
  }
}

# The cluster by name: the same labels reach these VMs.
resource "google_container_node_pool" "t4" {
  name       = "t4"
  cluster    = "ml"
  location   = "us-central1-a"
  node_count = 1

  node_config {
    machine_type = "n1-standard-4"
  }
}

# A cluster this configuration does not hold: its labels are not known here.
resource "google_container_node_pool" "shared" {
  name       = "cpu"
  cluster    = "projects/ml-prod/locations/us-central1-a/clusters/shared"
  location   = "us-central1-a"
  node_count = 1

  node_config {
    machine_type = "e2-standard-4"
  }
}
