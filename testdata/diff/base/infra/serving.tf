resource "aws_instance" "inference" {
  ami           = "ami-0c55b159cbfafe1f0"
  instance_type = "g5.2xlarge"

  tags = {
    "cost-center" = "cc-4200"
  }
}
