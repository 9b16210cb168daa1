resource "aws_instance" "pong" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "m5.xlarge"
}

# ping calls pong and pong calls ping: Terraform refuses the cycle at this call.
module "ping" {
  source = "../ping"
}
