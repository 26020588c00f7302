# Tags every resource gets from the provider (default_tags), the way AWS's prescriptive guidance tags a
# workload; a second region's provider alias has none.
variable "cost_center" {
  type    = string
  default = "ml-1234"
}

provider "aws" {
  region = "eu-west-1"

  default_tags {
    tags = {
      cost-center = var.cost_center
      managed-by  = "terraform"
    }
  }
}

provider "aws" {
  alias  = "replica"
  region = "eu-central-1"
}
