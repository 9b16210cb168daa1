resource "aws_instance" "batch" {
  ami           = "ami-0abcdef1234567890"
  instance_type = var.gpu_type

  tags = {
    team          = "ml-platform"
    "cost-center" = "cc-1234"
    env           = "dev"
  }
}
