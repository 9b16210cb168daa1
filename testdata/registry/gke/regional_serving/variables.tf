variable "project_id" {
  type = string
}

variable "region" {
  type    = string
  default = "us-central1"
}

variable "zones" {
  type = list(string)
}

variable "environment" {
  type    = string
  default = "dev"
}
