# A region newer than aicost-policy's list, named in extra_regions: no input error, and
# the estimate is incomplete (the catalog has no prices there).
provider "google" {
  project = "ml-research-4410"
  region  = "us-south2"
}

resource "google_compute_instance" "trainer" {
  name         = "trainer"
  machine_type = "a2-highgpu-1g"
  zone         = "us-south2-a"

  boot_disk {
    initialize_params {
      image = "debian-cloud/debian-12"
    }
  }

  network_interface {
    network = "default"
  }

  scheduling {
    on_host_maintenance = "TERMINATE"
  }

  labels = {
    team        = "research"
    cost-center = "cc-4410"
    env         = "dev"
  }
}
