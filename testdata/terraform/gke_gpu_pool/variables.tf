variable "project_id" {
  type    = string
  default = "acme-ml-dev"
}

variable "region" {
  type    = string
  default = "us-central1"
}

variable "environment" {
  type    = string
  default = "dev"
}

variable "gpu_zones" {
  description = "Zones with H100 capacity in the region."
  type        = list(string)
  default     = ["us-central1-a", "us-central1-c"]
}
