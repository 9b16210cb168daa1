provider "google" {
  project = "ml-platform"
  region  = "us-central1"
}

# A regional cluster (its location is a region) without node_locations: GKE puts its
# nodes in three of the region's zones.
resource "google_container_cluster" "regional" {
  name                     = "serving"
  location                 = "us-central1"
  remove_default_node_pool = true
  initial_node_count       = 1
  resource_labels = {
    team          = "ml-platform"
    "cost-center" = "cc-1234"
    env           = "prod"
  }
}

resource "google_container_node_pool" "l4" {
  name       = "l4"
  cluster    = google_container_cluster.regional.id
  node_count = 1

  node_config {
    machine_type = "g2-standard-8"
    disk_size_gb = 100
    disk_type    = "pd-balanced"
    labels = {
      team          = "ml-platform"
      "cost-center" = "cc-1234"
      env           = "prod"
    }
  }
}

# The default pool of a regional cluster that keeps it: one node in each of three zones.
resource "google_container_cluster" "with_default_pool" {
  name               = "batch"
  location           = "us-central1"
  initial_node_count = 1

  node_config {
    machine_type = "n1-standard-4"
    disk_size_gb = 50
    disk_type    = "pd-standard"
  }
  resource_labels = {
    team          = "ml-platform"
    "cost-center" = "cc-1234"
    env           = "prod"
  }
}
