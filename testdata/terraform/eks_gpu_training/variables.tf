variable "region" {
  type    = string
  default = "us-east-1"
}

variable "environment" {
  type        = string
  description = "Deployment environment; becomes the env tag on every resource."
  default     = "staging"
}

variable "cost_center" {
  type    = string
  default = "cc-0000"
}

variable "cluster_name" {
  type    = string
  default = "ml-training"
}

variable "cluster_role_arn" {
  type    = string
  default = "arn:aws:iam::123456789012:role/ml-training-eks-cluster"
}

variable "node_role_arn" {
  type    = string
  default = "arn:aws:iam::123456789012:role/ml-training-eks-nodes"
}

variable "subnet_ids" {
  type    = list(string)
  default = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
}

variable "train_max_nodes" {
  type    = number
  default = 4
}

# Set per workstation by whoever launches the notebook box; there is no sensible default.
variable "extra_tags" {
  type = map(string)
}
