# Self-managed nodes for batch embedding jobs.
resource "aws_launch_template" "batch" {
  name_prefix   = "ml-batch-"
  image_id      = "ami-0123456789abcdef0"
  instance_type = "g6e.12xlarge"

  tag_specifications {
    resource_type = "instance"
    tags          = local.tags
  }

  tags = local.tags
}

# default_tags do not reach autoscaling groups: their tags are `tag` blocks.
resource "aws_autoscaling_group" "batch" {
  name                = "ml-batch"
  min_size            = 0
  desired_capacity    = 0
  max_size            = 20
  vpc_zone_identifier = var.subnet_ids

  launch_template {
    id      = aws_launch_template.batch.id
    version = "$Latest"
  }

  tag {
    key                 = "team"
    value               = "ml-platform"
    propagate_at_launch = true
  }

  tag {
    key                 = "Name"
    value               = "ml-batch"
    propagate_at_launch = true
  }
}
