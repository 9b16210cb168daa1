variable "instance_type" {
  type    = string
  default = "g5.2xlarge"
}

resource "aws_instance" "gpu" {
  region        = "us-east-1"
  ami           = "ami-0123456789abcdef0"
  instance_type = var.instance_type
  tags = {
    team          = "ml-platform"
    "cost-center" = "cc-1234"
    env           = "prod"
  }
}
