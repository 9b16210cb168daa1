variable "instance_type" {
  type        = string
  description = "EC2 type of every node of the pool"
}

variable "nodes" {
  type    = number
  default = 1
}

variable "tags" {
  type    = map(string)
  default = {}
}
