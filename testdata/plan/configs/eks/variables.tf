variable "cluster_name" {
  type        = string
  description = "EKS cluster name"
}

variable "region" {
  type    = string
  default = "us-east-1"
}

variable "gpu_pools" {
  description = "GPU node groups, one module call each"
  type = map(object({
    instance_types = list(string)
    capacity_type  = string
    desired_size   = number
    min_size       = number
    max_size       = number
  }))
}

variable "inference_count" {
  type    = number
  default = 2
}

variable "bootstrap_token" {
  type      = string
  sensitive = true
}
