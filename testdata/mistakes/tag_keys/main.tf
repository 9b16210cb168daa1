provider "aws" {
  region = "us-east-1"
}

provider "google" {
  project = "ml-platform-dev"
  region  = "us-central1"
}

# `Team` is not `team`: tag keys are case-sensitive.
resource "aws_instance" "etl" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "m5.large"

  tags = {
    Team          = "data-eng"
    "cost-center" = "cc-1234"
    env           = "dev"
  }
}

# The labels are Kubernetes node labels, not the GCP labels billing sees.
resource "google_container_node_pool" "batch" {
  name       = "batch"
  cluster    = "ml-dev"
  location   = "us-central1-a"
  node_count = 1

  node_config {
    machine_type = "n2-standard-8"
    labels = {
      team          = "ml-platform"
      "cost-center" = "cc-1234"
      env           = "dev"
    }
  }
}

# The pool's cluster; its resource_labels would reach the pool's VMs, and it sets none.
resource "google_container_cluster" "ml" {
  name                     = "ml-dev"
  location                 = "us-central1-a"
  remove_default_node_pool = true
  initial_node_count       = 1
}
