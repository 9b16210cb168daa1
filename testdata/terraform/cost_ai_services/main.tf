# Model serving billed by token (Azure OpenAI) and by provisioned model unit (Bedrock),
# priced in tests/cli_cost.rs from catalog/llm_tokens.csv, aicost-usage.yml and the
# overrides in aicost-policy.toml.
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.70"
    }
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.10"
    }
  }
}

provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = {
      team          = "assistant"
      "cost-center" = "cc-500"
      env           = "prod"
    }
  }
}

provider "azurerm" {
  features {}
  subscription_id = "00000000-0000-0000-0000-000000000000"
}

locals {
  tags = {
    team          = "assistant"
    "cost-center" = "cc-500"
    env           = "prod"
  }
}

resource "azurerm_resource_group" "ai" {
  name     = "rg-assistant"
  location = "East US"
  tags     = local.tags
}

resource "azurerm_cognitive_account" "openai" {
  name                = "oai-assistant"
  location            = azurerm_resource_group.ai.location
  resource_group_name = azurerm_resource_group.ai.name
  kind                = "OpenAI"
  sku_name            = "S0"
  tags                = local.tags
}

resource "azurerm_cognitive_deployment" "chat" {
  name                 = "chat"
  cognitive_account_id = azurerm_cognitive_account.openai.id

  model {
    format  = "OpenAI"
    name    = "gpt-4o"
    version = "2024-11-20"
  }

  sku {
    name     = "Standard"
    capacity = 100
  }
}

# A one-month commitment of two model units; its hourly price comes from the configuration.
resource "aws_bedrock_provisioned_model_throughput" "claude" {
  provisioned_model_name = "assistant-claude"
  model_arn              = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-instant-v1:2:100k"
  commitment_duration    = "OneMonth"
  model_units            = 2
}

# No price is configured for this model.
resource "aws_bedrock_provisioned_model_throughput" "titan" {
  provisioned_model_name = "assistant-titan"
  model_arn              = "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1:0:8k"
  model_units            = 1
}
