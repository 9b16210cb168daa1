numeric_names = "10-late.auto.tfvars"
