# Resources the cost report lists as not priced: types that cost nothing by themselves
# (IAM, security groups, launch templates) and types without a price model (log groups, a
# NAT gateway); an estimate without any amount, and a partial one. Checked in
# tests/cli_cost.rs.
provider "aws" {
  region = "us-east-1"
}

variable "scratch_gb" {
  type = number
}

resource "aws_iam_role" "node" {
  name               = "gpu-node"
  assume_role_policy = "{}"
}

resource "aws_iam_role" "cluster" {
  name               = "gpu-cluster"
  assume_role_policy = "{}"
}

resource "aws_iam_role_policy_attachment" "node_worker" {
  role       = aws_iam_role.node.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"
}

resource "aws_security_group" "nodes" {
  name = "gpu-nodes"
}

resource "aws_launch_template" "gpu" {
  name_prefix   = "gpu-"
  instance_type = "p4d.24xlarge"
}

resource "aws_cloudwatch_log_group" "training" {
  name = "/ml/training"
}

resource "aws_cloudwatch_log_group" "serving" {
  name = "/ml/serving"
}

resource "aws_cloudwatch_log_group" "eval" {
  name = "/ml/eval"
}

resource "aws_cloudwatch_log_group" "audit" {
  name = "/ml/audit"
}

resource "aws_nat_gateway" "egress" {
  subnet_id = "subnet-0abc"
}

# A GPU machine and its disk: the machine's hourly rate dominates.
resource "aws_instance" "trainer" {
  ami           = "ami-0abc"
  instance_type = "p4d.24xlarge"

  root_block_device {
    volume_type = "gp3"
    volume_size = 500
  }
}

# A type the catalog does not list: no amount at all.
resource "aws_instance" "prototype" {
  ami           = "ami-0abc"
  instance_type = "p9.mega"
}

# The machine is priced, its disk size is not known: a partial estimate.
resource "aws_instance" "scratch" {
  ami           = "ami-0abc"
  instance_type = "m5.xlarge"

  root_block_device {
    volume_type = "gp3"
    volume_size = var.scratch_gb
  }
}
