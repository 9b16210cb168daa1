# Values for one person's GPU workstation:
#   terraform apply -var-file=workstation.tfvars
extra_tags = {
  team  = "ml-research"
  owner = "jdoe"
}
