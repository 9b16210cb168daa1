resource "aws_eks_cluster" "ml" {
  name     = "ml"
  role_arn = "arn:aws:iam::123456789012:role/eks"

  vpc_config {
    subnet_ids = ["subnet-0a1b2c3d"]
  }

  tags = {
    "cost-center" = "cc-4200"
  }
}

resource "aws_eks_node_group" "train" {
  cluster_name    = aws_eks_cluster.ml.name
  node_group_name = "train"
  node_role_arn   = "arn:aws:iam::123456789012:role/nodes"
  subnet_ids      = ["subnet-0a1b2c3d"]
  instance_types  = ["g5.12xlarge"]
  capacity_type   = "ON_DEMAND"

  scaling_config {
    desired_size = 4
    min_size     = 1
    max_size     = 6
  }

  tags = {
    "cost-center" = "cc-4200"
  }
}

# Interactive fine-tuning box.
resource "aws_instance" "trainer" {
  ami           = "ami-0c55b159cbfafe1f0"
  instance_type = "g5.12xlarge"

  tags = {
    "cost-center" = "cc-4200"
  }
}

# Owned by nobody: no cost-center.
resource "aws_instance" "notebook" {
  ami           = "ami-0c55b159cbfafe1f0"
  instance_type = "g5.2xlarge"
}
