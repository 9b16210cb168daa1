provider "google" {
  project = "ml-dev"
  region  = "us-central1"
}

resource "google_container_cluster" "dev" {
  name            = "ml-dev"
  location        = "us-central1-a"
  resource_labels = { env = "dev", team = "ml", "cost-center" = "ai" }
}

# A dev GKE pool of n1 machines with one T4 each, on-demand: spot advice priced from the
# listed preemptible rates of the machine and the GPU (AIC-SAVE-001).
resource "google_container_node_pool" "t4" {
  name       = "t4"
  cluster    = google_container_cluster.dev.name
  location   = "us-central1-a"
  node_count = 2
  node_config {
    machine_type = "n1-standard-8"
    labels       = { env = "dev", team = "ml", "cost-center" = "ai" }
    guest_accelerator {
      type  = "nvidia-tesla-t4"
      count = 1
    }
  }
}
