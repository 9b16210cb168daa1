auto_order       = "b.auto.tfvars"
auto_vs_cli_file = "b.auto.tfvars"
