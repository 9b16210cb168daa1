resource "aws_instance" "gpu" {
  count         = 2
  ami           = "ami-0123456789abcdef0"
  instance_type = var.gpu_instance_type
}
