provider "aws" {
  region = "us-east-1"
}

# var.gpu_type is used three times here and once in batch.tf, but never declared.
resource "aws_instance" "trainer" {
  count         = 2
  ami           = "ami-0abcdef1234567890"
  instance_type = var.gpu_type

  tags = {
    team          = "ml-platform"
    "cost-center" = "cc-1234"
    env           = "dev"
    node-type     = var.gpu_type
  }
}

resource "aws_instance" "evaluator" {
  ami           = "ami-0abcdef1234567890"
  instance_type = var.gpu_type

  tags = {
    team          = "ml-platform"
    "cost-center" = "cc-1234"
    env           = "dev"
  }
}
