team   = "research"
region = "eu-west-1"
