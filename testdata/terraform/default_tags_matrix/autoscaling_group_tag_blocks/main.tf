# tflint: "missing Bar" for the group with only a Foo tag block. The AWS provider does not
# apply default_tags to autoscaling groups, so the provider's Bar does not help it.
# tflint points at the resource header; aicost-policy points at the group's tag blocks,
# where the missing tag goes.
provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = {
      Bar = "from-default-tags"
    }
  }
}

resource "aws_launch_template" "base" {
  name          = "base"
  image_id      = "ami-0123456789abcdef0"
  instance_type = "t3.micro"

  tags = {
    Foo = "bar"
  }
}

resource "aws_autoscaling_group" "complete" {
  name     = "complete"
  min_size = 0
  max_size = 1

  launch_template {
    id      = aws_launch_template.base.id
    version = "$Latest"
  }

  tag {
    key                 = "Foo"
    value               = "bar"
    propagate_at_launch = true
  }

  tag {
    key                 = "Bar"
    value               = "baz"
    propagate_at_launch = true
  }
}

resource "aws_autoscaling_group" "incomplete" {
  name     = "incomplete"
  min_size = 0
  max_size = 1

  launch_template {
    id      = aws_launch_template.base.id
    version = "$Latest"
  }

  tag {
    key                 = "Foo"
    value               = "bar"
    propagate_at_launch = true
  }
}
