# Azure OpenAI deployment types bill tokens at different rates: Global, Data Zone (by the
# account's region: EU or US) and Regional; batch deployments have no rows in the table.

provider "azurerm" {
  features {}
}

resource "azurerm_cognitive_account" "eu" {
  name                = "openai-eu"
  location            = "swedencentral"
  resource_group_name = "ml"
  kind                = "OpenAI"
  sku_name            = "S0"
}

resource "azurerm_cognitive_account" "uk" {
  name                = "openai-uk"
  location            = "uksouth"
  resource_group_name = "ml"
  kind                = "OpenAI"
  sku_name            = "S0"
}

resource "azurerm_cognitive_deployment" "global" {
  name                 = "chat-global"
  cognitive_account_id = azurerm_cognitive_account.eu.id
  model {
    format  = "OpenAI"
    name    = "gpt-4o"
    version = "2024-08-06"
  }
  sku {
    name = "GlobalStandard"
  }
}

resource "azurerm_cognitive_deployment" "data_zone" {
  name                 = "chat-eu"
  cognitive_account_id = azurerm_cognitive_account.eu.id
  model {
    format  = "OpenAI"
    name    = "gpt-4o"
    version = "2024-08-06"
  }
  sku {
    name = "DataZoneStandard"
  }
}

resource "azurerm_cognitive_deployment" "data_zone_uk" {
  name                 = "chat-uk"
  cognitive_account_id = azurerm_cognitive_account.uk.id
  model {
    format  = "OpenAI"
    name    = "gpt-4o"
    version = "2024-08-06"
  }
  sku {
    name = "DataZoneStandard"
  }
}

resource "azurerm_cognitive_deployment" "batch" {
  name                 = "chat-batch"
  cognitive_account_id = azurerm_cognitive_account.eu.id
  model {
    format  = "OpenAI"
    name    = "gpt-4o"
    version = "2024-08-06"
  }
  sku {
    name = "GlobalBatch"
  }
}
