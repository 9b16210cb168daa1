resource "aws_instance" "half" {
  ami = 
}
