provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = {
      team = "ml"
    }
  }
}

# A key written to forge the cost cells of its own $40,179.20-a-month row.
resource "aws_instance" "gpu" {
  for_each      = toset(["a | +$1.00 | $1.00 | $1.00 | $1.00"])
  ami           = "ami-0c55b159cbfafe1f0"
  instance_type = "p5.48xlarge"
}

# A key that would be a link, an image, mentions, references, HTML, code, an autolink,
# an emoji and math if it were rendered as Markdown.
resource "aws_instance" "notes" {
  for_each      = toset(["[x](https://evil.example/pay) ![img](https://evil.example/p.png) @octocat @acme/platform #1 GH-2 <b>hi</b> `x` www.evil.example :tada: $x$"])
  ami           = "ami-0c55b159cbfafe1f0"
  instance_type = "g5.xlarge"
}
