team = "ml-platform"

# A typo: Terraform warns and ignores the value.
instance_typ = "m5.xlarge"
