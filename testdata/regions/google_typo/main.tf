# Two typos Google Cloud accepts at plan time and refuses at apply: the provider's region
# and a node pool's zone. Neither is priced at us-central1's rate as if it were the region.
provider "google" {
  project = "ml-research-4410"
  region  = "us-centrall"
}

# No zone of its own: its region is the provider's.
resource "google_compute_instance" "trainer" {
  name         = "trainer"
  machine_type = "a2-highgpu-1g"

  boot_disk {
    initialize_params {
      image = "debian-cloud/debian-12"
    }
  }

  network_interface {
    network = "default"
  }

  scheduling {
    on_host_maintenance = "TERMINATE"
  }

  labels = {
    team        = "research"
    cost-center = "cc-4410"
    env         = "dev"
  }
}

resource "google_container_cluster" "gpu" {
  name                     = "gpu"
  location                 = "us-central1"
  remove_default_node_pool = true
  initial_node_count       = 1

  resource_labels = {
    team        = "research"
    cost-center = "cc-4410"
    env         = "dev"
  }
}

resource "google_container_node_pool" "l4" {
  name       = "l4"
  cluster    = google_container_cluster.gpu.id
  location   = "us-centrl1-a"
  node_count = 1

  node_config {
    machine_type = "g2-standard-8"

    labels = {
      team        = "research"
      cost-center = "cc-4410"
      env         = "dev"
    }
  }
}

# `location` here is a multi-region and a KMS location, not regions: not checked.
resource "google_storage_bucket" "checkpoints" {
  name     = "ml-research-4410-checkpoints"
  location = "US"

  labels = {
    team        = "research"
    cost-center = "cc-4410"
    env         = "dev"
  }
}

resource "google_kms_key_ring" "ml" {
  name     = "ml"
  location = "global"
}
