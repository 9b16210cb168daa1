team = "ml-platform"
