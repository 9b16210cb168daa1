# A developer's local override, committed by mistake: Terraform merges it into main.tf.
resource "aws_instance" "trainer" {
  instance_type = "p4d.24xlarge"

  root_block_device {
    volume_size = 500
  }
}
