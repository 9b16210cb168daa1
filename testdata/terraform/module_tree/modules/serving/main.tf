variable "name" {
  type = string
}

variable "instance_type" {
  type = string
}

module "endpoint" {
  source = "../sagemaker_endpoint"

  name           = var.name
  instance_type  = "ml.${var.instance_type}"
  instance_count = 2
}
