environment     = "dev"
cost_center     = "cc-ml-4711"
train_max_nodes = 10
