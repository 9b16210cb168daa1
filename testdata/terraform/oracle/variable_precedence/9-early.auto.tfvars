numeric_names = "9-early.auto.tfvars"
