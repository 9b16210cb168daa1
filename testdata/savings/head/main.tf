provider "aws" {
  region = "us-east-1"
}

# A dev GPU node group on on-demand capacity: spot advice (AIC-SAVE-001).
resource "aws_eks_node_group" "train" {
  cluster_name    = "ml-dev"
  node_group_name = "train"
  node_role_arn   = "arn:aws:iam::123456789012:role/node"
  subnet_ids      = ["subnet-1"]
  instance_types  = ["g5.12xlarge"]
  capacity_type   = "ON_DEMAND"
  scaling_config {
    desired_size = 2
    min_size     = 1
    max_size     = 4
  }
  tags = { env = "dev", team = "ml", "cost-center" = "ai" }
}

# The same in production: no spot advice.
resource "aws_eks_node_group" "serve" {
  cluster_name    = "ml-prod"
  node_group_name = "serve"
  node_role_arn   = "arn:aws:iam::123456789012:role/node"
  subnet_ids      = ["subnet-1"]
  instance_types  = ["g5.12xlarge"]
  scaling_config {
    desired_size = 2
    min_size     = 1
    max_size     = 4
  }
  tags = { env = "prod", team = "ml", "cost-center" = "ai" }
}

# One V100 on p3.2xlarge: no other catalog type has one V100 with at least its vCPUs and
# memory, so no cheaper-instance advice.
resource "aws_instance" "v100" {
  ami           = "ami-12345678"
  instance_type = "p3.2xlarge"
  tags          = { env = "prod", team = "ml", "cost-center" = "ai" }
}

# trn1n.32xlarge: 16 Trainium chips, 128 vCPUs, 512 GiB. trn1.32xlarge has the same chips,
# vCPUs and memory (with half the network bandwidth) for less: AIC-SAVE-003.
resource "aws_instance" "trainium" {
  ami           = "ami-12345678"
  instance_type = "trn1n.32xlarge"
  tags          = { env = "prod", team = "ml", "cost-center" = "ai" }
}
