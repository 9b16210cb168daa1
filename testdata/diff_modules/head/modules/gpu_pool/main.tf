module "nodes" {
  source = "./nodes"

  instance_type = var.instance_type
  nodes         = var.nodes
  tags          = var.tags
}
