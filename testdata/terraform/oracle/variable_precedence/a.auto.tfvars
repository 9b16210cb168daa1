json_vs_auto = "a.auto.tfvars"
auto_order   = "a.auto.tfvars"
