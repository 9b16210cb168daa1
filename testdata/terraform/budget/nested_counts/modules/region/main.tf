variable "index" {
  type = number
}

module "rack" {
  source = "../rack"
  count  = 1000
  region = var.index
}
