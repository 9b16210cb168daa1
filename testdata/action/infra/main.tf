# A training machine and its log bucket, as a pull request might add them. The machine has
# none of the tags the default configuration requires (AIC-TAG-001); the bucket has them all.
resource "aws_instance" "trainer" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "p4d.24xlarge"
}

resource "aws_s3_bucket" "training_logs" {
  bucket = "example-training-logs"
  tags = {
    team        = "ml-platform"
    cost-center = "cc-1234"
    env         = "dev"
  }
}
