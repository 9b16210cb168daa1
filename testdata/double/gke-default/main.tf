provider "google" {
  project = "tools-prod"
  region  = "us-central1"
}

# A small zonal cluster that keeps the pool GKE creates with it (`default-pool`).
resource "google_container_cluster" "tools" {
  name               = "tools"
  location           = "us-central1-a"
  initial_node_count = 2

  node_config {
    machine_type = "e2-standard-4"
  }
}
