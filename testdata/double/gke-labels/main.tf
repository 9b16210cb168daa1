provider "google" {
  project = "search-prod"
  region  = "us-central1"
}

resource "google_container_cluster" "search" {
  name                     = "search"
  location                 = "us-central1-a"
  remove_default_node_pool = true
  initial_node_count       = 1
}

# One L4 per node. Workloads select these nodes by the `workload` label, so the pool can
# be renamed (l4-pool-v2 replaced l4-pool) without touching them.
resource "google_container_node_pool" "l4" {
  name       = "l4-pool-v2"
  cluster    = google_container_cluster.search.id
  location   = "us-central1-a"
  node_count = 2

  node_config {
    machine_type = "g2-standard-8"
    labels = {
      workload = "embeddings"
    }
  }
}
