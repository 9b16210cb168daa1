variable "instance_type" {
  type    = string
  default = "m5.large"
}

variable "team" {
  type = string
}

resource "aws_instance" "batch" {
  ami           = "ami-0abcdef1234567890"
  instance_type = var.instance_type

  tags = {
    team        = var.team
    cost-center = "cc-1234"
    env         = "dev"
  }
}
