# An enterprise discount on AWS and a negotiated AWS spot factor (aicost-policy.toml);
# Google prices stay at list. Priced in tests/cli_cost.rs.
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.70"
    }
    google = {
      source  = "hashicorp/google"
      version = "~> 6.10"
    }
  }
}

provider "aws" {
  region = "us-east-1"
}

provider "google" {
  project = "acme-apps"
  region  = "us-central1"
}

resource "aws_instance" "app" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "m5.xlarge"
}

resource "aws_eks_node_group" "batch_spot" {
  cluster_name    = "apps"
  node_group_name = "batch-spot"
  node_role_arn   = "arn:aws:iam::123456789012:role/apps-eks-nodes"
  subnet_ids      = ["subnet-0a1b2c3d4e5f60001"]
  instance_types  = ["g5.xlarge"]
  capacity_type   = "SPOT"

  scaling_config {
    desired_size = 2
    min_size     = 0
    max_size     = 4
  }
}

resource "google_compute_instance" "api" {
  name         = "api"
  machine_type = "n2-standard-8"
  zone         = "us-central1-a"

  boot_disk {
    initialize_params {
      image = "debian-cloud/debian-12"
    }
  }

  network_interface {
    network = "default"
  }
}
