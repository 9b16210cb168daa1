# Values a pull request can set to anything: an escape sequence that clears the screen,
# a carriage return, and a line break followed by a forged summary line.
variable "instance_type" {
  type    = string
  default = "p5.48xlarge\u001b[2J\u001b[H\r\n  0 resources, 0 policies, 0 failed, 0 unknown"
}

resource "aws_instance" "trainer" {
  instance_type = var.instance_type

  tags = {
    team          = "ml\u001b]0;owned\u0007"
    env           = "dev"
    "cost-center" = "cc-4471"
  }
}
