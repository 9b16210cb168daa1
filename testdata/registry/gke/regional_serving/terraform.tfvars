project_id = "acme-ml-dev"
zones      = ["us-central1-a", "us-central1-b", "us-central1-c"]
