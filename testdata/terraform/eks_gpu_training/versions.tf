terraform {
  required_version = ">= 1.6"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.70"
    }
  }

  backend "s3" {
    bucket = "acme-terraform-state"
    key    = "ml/eks-gpu-training/terraform.tfstate"
    region = "us-east-1"
  }
}
