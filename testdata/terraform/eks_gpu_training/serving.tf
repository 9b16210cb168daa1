resource "aws_sagemaker_model" "llama" {
  provider           = aws.west
  name               = "llama-3-8b-instruct"
  execution_role_arn = "arn:aws:iam::123456789012:role/sagemaker-execution"

  primary_container {
    image = "763104351884.dkr.ecr.us-west-2.amazonaws.com/huggingface-pytorch-tgi-inference:2.4.0-tgi2.4.0-gpu-py311-cu124-ubuntu22.04"
  }

  tags = {
    "cost-center" = var.cost_center
  }
}

resource "aws_sagemaker_endpoint_configuration" "llama" {
  provider = aws.west
  name     = "llama-3-8b-instruct"

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.llama.name
    instance_type          = "ml.g5.12xlarge"
    initial_instance_count = 2
  }

  tags = {
    model = "llama-3-8b-instruct"
  }
}

resource "aws_s3_bucket" "checkpoints" {
  bucket = "acme-ml-training-checkpoints"
  tags   = local.tags
}

resource "aws_s3_bucket" "checkpoints_replica" {
  provider = aws.west
  bucket   = "acme-ml-training-checkpoints-usw2"
}
