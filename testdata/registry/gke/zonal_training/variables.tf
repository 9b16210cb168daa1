variable "project_id" {
  type = string
}

variable "environment" {
  type = string
}

variable "zones" {
  description = "The cluster's zone first, then the other zones its nodes may use."
  type        = list(string)
}

variable "gpu_pools" {
  description = "Node pools by name; each overrides local.pool_defaults."
  type        = map(map(any))
  default     = {}
}
