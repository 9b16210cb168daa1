provider "aws" {
  region = "us-east-1"
}

# The chat service's inference box: one A10G.
resource "aws_instance" "web" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "g5.2xlarge"

  tags = {
    team = "chat"
    env  = "prod"
  }
}

# A batch box for nightly embeddings: four A10Gs.
resource "aws_instance" "embeddings" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "g5.12xlarge"

  tags = {
    team = "search"
    env  = "prod"
  }
}

# A managed endpoint for the new summariser model.
resource "aws_sagemaker_endpoint" "summarizer" {
  name                 = "summarizer"
  endpoint_config_name = "summarizer-v1"

  tags = {
    team = "chat"
    env  = "prod"
  }
}
