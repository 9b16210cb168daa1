environment       = "prod"
gpu_instance_type = "g5.2xlarge"
