//! The flags of `pricing show|update|import`. args.rs re-exports them with everything else.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

#[derive(Debug, Subcommand)]
pub enum PricingCommand {
    /// Show the price of a machine type, storage class, control plane, GPU or LLM model,
    /// with its unit, region and source
    Show(PricingShowArgs),
    /// Install a price overlay (a CSV in the catalog's format) from a URL or a file
    #[command(after_help = OVERLAY_FORMAT)]
    Update(PricingUpdateArgs),
    /// Write a price overlay from the price files the clouds publish (AWS Price List, Azure
    /// Retail Prices API, Cloud Billing Catalog API); reads files only, never the network
    #[command(after_help = IMPORT_HELP)]
    Import(PricingImportArgs),
}

const IMPORT_HELP: &str = "\
What is taken (every row, product, item or SKU read is taken or counted as skipped, with the
reason, on standard error):
  AWS    on-demand USD per hour of EC2 Linux, shared tenancy, no pre-installed software,
         CapacityStatus Used (CSV or JSON), and SageMaker ml.* real-time hosting (JSON)
  Azure  Virtual Machines, Consumption, 1 Hour, USD, primary meter region; not Spot, Low
         Priority or Windows
  Google on-demand GPUs billed apart from the machine type (T4, P4, V100, P100, K80), per
         region; machine types are not derived from per-vCPU and per-GiB SKUs

Exit codes:
  0  the overlay was written
  2  usage error, or input that is not the format, is malformed, gives two prices for one
     item in one region, or yields no price; nothing is written";

#[derive(Debug, Args)]
#[command(group(
    clap::ArgGroup::new("inputs")
        .required(true)
        .multiple(true)
        .args(["aws_price_list", "azure_retail_prices", "gcp_billing_catalog"])
))]
pub struct PricingImportArgs {
    /// AWS Price List bulk files of the AmazonEC2 offer (CSV or JSON) or the AmazonSageMaker
    /// offer (JSON), for one region or all; repeat the flag or list several files
    #[arg(long, value_name = "FILE", num_args = 1.., action = clap::ArgAction::Append)]
    pub aws_price_list: Vec<PathBuf>,

    /// Azure Retail Prices API pages (JSON), one file per page; repeat the flag or list
    /// several files
    #[arg(long, value_name = "FILE", num_args = 1.., action = clap::ArgAction::Append)]
    pub azure_retail_prices: Vec<PathBuf>,

    /// Cloud Billing Catalog API SKU lists of Compute Engine (JSON), one file per page;
    /// requires --as-of
    #[arg(long, value_name = "FILE", num_args = 1.., action = clap::ArgAction::Append)]
    pub gcp_billing_catalog: Vec<PathBuf>,

    /// The date of the prices, for the overlay's as_of [default: the earliest date the files
    /// give: the AWS publication date, the latest Azure effectiveStartDate of the prices
    /// taken; the Cloud Billing Catalog gives none]
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<String>,

    /// The overlay's license line [default: "terms of use of the publisher (AWS Price
    /// List)", naming the publishers of the inputs]
    #[arg(long, value_name = "TEXT")]
    pub license: Option<String>,

    /// Write the overlay to this file (replaced atomically) [default: standard output]
    #[arg(long, value_name = "FILE", conflicts_with = "install")]
    pub output: Option<PathBuf>,

    /// Install the overlay at .aicost-policy/prices.csv at the repository root, where check
    /// and cost read it (as `pricing update` does)
    #[arg(long)]
    pub install: bool,
}

const OVERLAY_FORMAT: &str = "\
Overlay format (validated completely before anything is replaced):
  # source: <where the prices come from>
  # as_of: YYYY-MM-DD
  # license: <licence of the data>
  provider,region,item,usd_per_hour
  aws,us-east-1,p5.48xlarge,39.80
  aws,,g5.xlarge,0.75            (an empty region means every region)

check and cost read the installed overlay from the repository; they never use the network.";

#[derive(Debug, Args)]
pub struct PricingShowArgs {
    /// What to price: a machine type or VM size (p5.48xlarge, n2-standard-8,
    /// Standard_NC24ads_A100_v4), a storage class (gp3, STANDARD, pd-ssd, Premium_LRS), a
    /// control plane (eks, gke, aks), a GPU type (nvidia-tesla-t4) or an LLM model (gpt-4o)
    #[arg(value_name = "ITEM")]
    pub item: String,

    /// Only look in this provider's prices [default: every provider]
    #[arg(long, value_enum)]
    pub provider: Option<ProviderArg>,

    /// The region to price in [default: each provider's default region: us-east-1,
    /// us-central1, eastus]
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,

    /// Output format
    #[arg(long, value_enum, default_value_t = PricingFormat::Text)]
    pub format: PricingFormat,
}

#[derive(Debug, Args)]
pub struct PricingUpdateArgs {
    /// Where to read the overlay: an https:// URL (plain http:// only for loopback addresses
    /// such as 127.0.0.1, [::1] and localhost), or a file
    #[arg(long, value_name = "URL|FILE")]
    pub from: String,

    /// Where to install it [default: .aicost-policy/prices.csv at the repository root, where
    /// check and cost read it]
    #[arg(long, value_name = "PATH")]
    pub to: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ProviderArg {
    Aws,
    Google,
    Azurerm,
}

impl ProviderArg {
    /// The name the catalog uses.
    pub fn key(self) -> &'static str {
        match self {
            ProviderArg::Aws => "aws",
            ProviderArg::Google => "google",
            ProviderArg::Azurerm => "azurerm",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PricingFormat {
    /// One block per match: prices, regions, notes and source rows
    Text,
    /// The same as a JSON object; amounts are decimal strings
    Json,
}
