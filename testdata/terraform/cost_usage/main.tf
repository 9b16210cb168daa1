# Usage-billed resources, priced in tests/cli_cost.rs with aicost-usage.yml (found next to
# aicost-policy.toml).
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.70"
    }
  }
}

provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = {
      team          = "ml-research"
      "cost-center" = "cc-400"
      env           = "dev"
    }
  }
}

resource "aws_s3_bucket" "datasets" {
  bucket = "acme-ml-datasets"
}

# Nothing in the usage file: storage depends on usage.
resource "aws_s3_bucket" "scratch" {
  bucket = "acme-ml-scratch"
}

resource "aws_s3_bucket" "shards" {
  count  = 2
  bucket = "acme-ml-shard-${count.index}"
}

resource "aws_sagemaker_notebook_instance" "research" {
  name          = "research"
  role_arn      = "arn:aws:iam::123456789012:role/sagemaker-notebooks"
  instance_type = "ml.g5.xlarge"
}

resource "aws_sagemaker_notebook_instance" "intern" {
  name          = "intern"
  role_arn      = "arn:aws:iam::123456789012:role/sagemaker-notebooks"
  instance_type = "ml.m5.xlarge"
}

resource "aws_sagemaker_model" "summarizer" {
  name               = "summarizer"
  execution_role_arn = "arn:aws:iam::123456789012:role/sagemaker-execution"

  primary_container {
    image = "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.4.0-tgi2.4.0-gpu-py311-cu124-ubuntu22.04"
  }
}

resource "aws_sagemaker_endpoint_configuration" "summarizer" {
  name = "summarizer"

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.summarizer.name
    instance_type          = "ml.g5.2xlarge"
    initial_instance_count = 2
  }
}
