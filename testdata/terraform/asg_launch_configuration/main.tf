provider "aws" {
  region = "us-east-1"
  default_tags {
    tags = {
      team          = "ml-platform"
      "cost-center" = "cc-1234"
      env           = "prod"
    }
  }
}

# The older way to give a group its instances: a launch configuration.
resource "aws_launch_configuration" "inference" {
  name_prefix   = "inference-"
  image_id      = "ami-0123456789abcdef0"
  instance_type = "g5.xlarge"
}

resource "aws_autoscaling_group" "inference" {
  name                 = "inference"
  launch_configuration = aws_launch_configuration.inference.name
  min_size             = 1
  desired_capacity     = 2
  max_size             = 4
  vpc_zone_identifier  = ["subnet-0123456789abcdef0"]
}

# A spot price makes the configuration's instances spot instances.
resource "aws_launch_configuration" "batch" {
  name_prefix   = "batch-"
  image_id      = "ami-0123456789abcdef0"
  instance_type = "g5.2xlarge"
  spot_price    = "0.60"
}

resource "aws_autoscaling_group" "batch" {
  name                 = "batch"
  launch_configuration = aws_launch_configuration.batch.id
  min_size             = 0
  max_size             = 8
  vpc_zone_identifier  = ["subnet-0123456789abcdef0"]
}

# A configuration made elsewhere, named literally: its instance type cannot be known.
resource "aws_autoscaling_group" "legacy" {
  name                 = "legacy"
  launch_configuration = "legacy-gpu-lc"
  min_size             = 1
  max_size             = 2
  vpc_zone_identifier  = ["subnet-0123456789abcdef0"]
}
