variable "name" {
  type = string
}

variable "instance_type" {
  type = string
}

variable "size" {
  type    = number
  default = 1
}

variable "labels" {
  type    = map(string)
  default = {}
}
