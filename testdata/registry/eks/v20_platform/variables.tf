variable "env" {
  description = "Environment name, also the env tag."
  type        = string
}

variable "gpu_pools" {
  description = "Extra GPU node groups that scale from zero, one per key."
  type = map(object({
    instance_type = string
    max_nodes     = number
    spot          = bool
  }))
  default = {}
}
