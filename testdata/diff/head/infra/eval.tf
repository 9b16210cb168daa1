# Nightly evaluation runs, added by the change without an owner.
resource "aws_instance" "eval" {
  ami           = "ami-0c55b159cbfafe1f0"
  instance_type = "g5.12xlarge"
}
