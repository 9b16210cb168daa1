# The cluster's name comes from a variable without a default, so the pools' `cluster` is
# unknown; they are still the module's cluster's, and its labels reach their VMs.
provider "google" {
  project = "ml-prod"
  region  = "us-central1"
}

variable "cluster_name" {
  type = string
}

module "gke" {
  source  = "terraform-google-modules/kubernetes-engine/google"
  version = "~> 36.0"

  project_id        = "ml-prod"
  name              = var.cluster_name
  region            = "us-central1"
  zones             = ["us-central1-a"]
  regional          = false
  network           = "vpc-01"
  subnetwork        = "us-central1-01"
  ip_range_pods     = "pods"
  ip_range_services = "services"

  remove_default_node_pool = true

  cluster_resource_labels = {
    team        = "ml-platform"
    cost-center = "cc-4410"
    env         = "prod"
  }

  node_pools = [
    {
      name         = "l4"
      machine_type = "g2-standard-8"
      autoscaling  = false
      node_count   = 1
    },
  ]
}
