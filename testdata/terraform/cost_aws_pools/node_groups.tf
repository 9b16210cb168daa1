# General-purpose nodes: 3 desired, between 1 and 6, 50 GB disks.
resource "aws_eks_node_group" "general" {
  cluster_name    = aws_eks_cluster.main.name
  node_group_name = "general"
  node_role_arn   = "arn:aws:iam::123456789012:role/platform-eks-nodes"
  subnet_ids      = var.subnet_ids
  instance_types  = ["m5.xlarge"]
  disk_size       = 50

  scaling_config {
    desired_size = 3
    min_size     = 1
    max_size     = 6
  }
}

# Inference on spot capacity, default 20 GB disks.
resource "aws_eks_node_group" "inference_spot" {
  cluster_name    = aws_eks_cluster.main.name
  node_group_name = "inference-spot"
  node_role_arn   = "arn:aws:iam::123456789012:role/platform-eks-nodes"
  subnet_ids      = var.subnet_ids
  instance_types  = ["g5.xlarge"]
  capacity_type   = "SPOT"
  ami_type        = "AL2_x86_64_GPU"

  scaling_config {
    desired_size = 2
    min_size     = 0
    max_size     = 4
  }
}

resource "aws_launch_template" "workers" {
  name_prefix   = "workers-"
  image_id      = "ami-0123456789abcdef0"
  instance_type = "c5.2xlarge"
}

# No desired_capacity: the group starts at min_size.
resource "aws_autoscaling_group" "workers" {
  name                = "workers"
  min_size            = 2
  max_size            = 5
  vpc_zone_identifier = var.subnet_ids

  launch_template {
    id      = aws_launch_template.workers.id
    version = "$Latest"
  }

  # default_tags do not reach autoscaling groups.
  dynamic "tag" {
    for_each = { team = "platform", "cost-center" = "cc-200", env = "prod" }
    content {
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = true
    }
  }
}
