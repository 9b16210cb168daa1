variable "name" {
  type = string
}

variable "instance_type" {
  type = string
}

variable "instance_count" {
  type    = number
  default = 1
}

resource "aws_sagemaker_endpoint_configuration" "this" {
  name = var.name

  production_variants {
    variant_name           = "primary"
    model_name             = var.name
    instance_type          = var.instance_type
    initial_instance_count = var.instance_count
  }
}
