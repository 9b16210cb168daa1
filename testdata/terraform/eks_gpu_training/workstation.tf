resource "aws_instance" "workstation" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "p3.2xlarge"
  subnet_id     = var.subnet_ids[0]

  root_block_device {
    volume_size = 500
    volume_type = "gp3"
  }

  tags = var.extra_tags
}
