instance_type = "g5.2xlarge"
