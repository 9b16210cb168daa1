# The configuration adapted/create.json stands for: sources/create with the aws resource
# types plan_adapt.py gives it. The plan reader finds resource blocks here by address.

locals {
  default_tags = {
    team        = "ml-platform"
    cost-center = "cc-4471"
  }
  common_tags = {
    environment = "prod"
    cluster     = var.cluster_name
  }
}

provider "aws" {
  region = var.region
  default_tags {
    tags = local.default_tags
  }
}

resource "aws_eks_cluster" "cluster" {
  name     = var.cluster_name
  version  = "1.31"
  role_arn = "arn:aws:iam::123456789012:role/ml-prod-cluster"
  vpc_config {
    subnet_ids              = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
    endpoint_private_access = true
  }
  tags = local.common_tags
}

resource "aws_eks_node_group" "system_pool" {
  for_each = {
    core    = { instance_type = "m7i.xlarge", size = 3 }
    ingress = { instance_type = "c7i.large", size = 2 }
  }

  cluster_name    = aws_eks_cluster.cluster.id
  node_group_name = "${var.cluster_name}-${each.key}"
  instance_types  = [each.value.instance_type]
  capacity_type   = "ON_DEMAND"
  scaling_config {
    desired_size = each.value.size
    min_size     = each.value.size
    max_size     = each.value.size * 2
  }
  tags = merge(local.common_tags, { pool = each.key })
}

resource "aws_instance" "inference" {
  count = var.inference_count

  ami           = "ami-0c7217cdde317cfec"
  instance_type = "g5.2xlarge"
  user_data     = "#!/bin/bash\n/etc/eks/bootstrap.sh ${var.cluster_name} --token ${var.bootstrap_token}\n"
  root_block_device {
    volume_size = 200
    volume_type = "gp3"
  }
  tags = merge(local.common_tags, { Name = "inference-${count.index}" })
}

module "gpu_pool" {
  source   = "./modules/pool"
  for_each = var.gpu_pools

  cluster_name   = aws_eks_cluster.cluster.id
  name           = "${var.cluster_name}-${each.key}"
  instance_types = each.value.instance_types
  capacity_type  = each.value.capacity_type
  desired_size   = each.value.desired_size
  min_size       = each.value.min_size
  max_size       = each.value.max_size
  tags           = local.common_tags
}
