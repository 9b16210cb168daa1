//! What the user can type: every flag with the help text `--help` shows. Values are checked
//! here; turning them into settings happens in the subcommand modules.

use std::path::PathBuf;
use std::time::Duration;

use clap::{ArgMatches, Args, Parser, Subcommand, ValueEnum};

pub use super::args_comment::{
    CommentAzureArgs, CommentBitbucketArgs, COMMENT_AZURE_EXIT_CODES, COMMENT_BITBUCKET_EXIT_CODES,
};
use crate::load::terraform::VarArg;
use crate::model::Severity;

const EXIT_CODES: &str = "\
Exit codes:
  0  no policy failed (findings below --fail-severity, unknowns with --unknown warn,
     suppressed findings and baselined findings do not fail the run)
  1  at least one policy failed
  2  usage error, invalid configuration or policy, a policy that could not be evaluated,
     or input that could not be checked (the rest is still checked and reported)";

#[derive(Debug, Parser)]
#[command(
    name = "aicost-policy",
    version,
    about = "Checks AI infrastructure code against cost and tagging policies before it is applied",
    long_about = "Checks AI infrastructure code against cost and tagging policies before it is applied.\n\n\
        Reads Terraform configurations the way Terraform resolves them (variables, locals, \
        modules, count/for_each, provider default_tags), builds a typed record of every \
        resource, and evaluates Cedar policies over the records. Works offline.",
    after_help = EXIT_CODES
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check files or directories against the policies
    #[command(after_help = EXIT_CODES)]
    Check(CheckArgs),
    /// Show the estimated monthly cost of every resource, with totals
    Cost(CostArgs),
    /// Compare the base of a change with its head: each resource's cost before and after,
    /// and which findings the change introduced
    #[command(after_help = DIFF_EXIT_CODES)]
    Diff(DiffArgs),
    /// Post the diff as one pull-request comment that updates itself
    #[command(subcommand)]
    Comment(CommentCommand),
    /// Write a commented aicost-policy.toml with the defaults
    Init(InitArgs),
    /// Run the test cases of policy directories: each case's files go through the same
    /// pipeline as `check`, and each policy's outcome is compared with the case's
    /// expectation; then which policies no case covers or no case makes fire
    #[command(after_help = TEST_HELP)]
    Test(TestArgs),
    /// Show catalog prices and their sources, install a price overlay, or write one from the
    /// price files the clouds publish
    #[command(subcommand)]
    Pricing(PricingCommand),
    /// Record the findings a repository has today, so `check --baseline` fails only on new
    /// ones while the recorded ones are fixed
    #[command(subcommand, after_help = BASELINE_HELP)]
    Baseline(BaselineCommand),
}

const BASELINE_HELP: &str = "\
A baseline entry is keyed by policy id, resource address and a fingerprint of the finding's
status and message and the resource's values (type, arguments, tags, region, environment).
A finding whose resource changes comes back; moving a block or renaming its file does not.
Sensitive values are left out of the fingerprint. See docs/baselines.md.";

#[derive(Debug, Subcommand)]
pub enum BaselineCommand {
    /// Write every failing and unknown finding of the paths to a baseline file (exit 0, or
    /// 2 when input could not be checked: its findings are then missing from the file)
    Create(BaselineCreateArgs),
    /// Remove the entries of a baseline file that no finding matches any more (fixed, or
    /// changed), and record the new file name of a renamed file; never adds a finding
    Update(BaselineUpdateArgs),
}

#[derive(Debug, Args)]
pub struct BaselineCreateArgs {
    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub rules: RuleArgs,

    /// Where to write the baseline (an existing file is replaced)
    #[arg(long, short, value_name = "FILE", default_value = crate::policy::baseline::DEFAULT_FILE)]
    pub output: PathBuf,
}

#[derive(Debug, Args)]
pub struct BaselineUpdateArgs {
    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub rules: RuleArgs,

    /// The baseline file to prune, rewritten in place
    #[arg(long, value_name = "FILE", default_value = crate::policy::baseline::DEFAULT_FILE)]
    pub baseline: PathBuf,
}

const TEST_HELP: &str = "\
Case files are YAML files in a tests/ directory beside the policies (DIR/tests/*.yaml); see
\"Testing policies\" in docs/policies.md for their format.

Exit codes:
  0  every expectation of every case was met (and, with --require-coverage, every policy
     has a case that makes it fire)
  1  at least one expectation was not met, or coverage is incomplete with --require-coverage
  2  usage error, a policy that does not load, a malformed case file or a case that could
     not be run (the other cases still run and are reported)";

/// `aicost-policy test`.
#[derive(Debug, Args)]
pub struct TestArgs {
    /// Policy directories to test: their .cedar files are the policies, the YAML files in
    /// their tests/ subdirectory the cases [default: policy_dirs of the configuration]
    #[arg(value_name = "DIR")]
    pub dirs: Vec<PathBuf>,

    /// Configuration file naming the policy directories when no DIR is given [default: the
    /// nearest aicost-policy.toml from the current directory up to the repository root].
    /// Cases never use it: each case brings its own configuration
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Output format: `text` (one line per expectation, a summary and the coverage) or
    /// `junit` (one test suite per policy, one test case per case that expects an outcome
    /// of it)
    #[arg(long, value_enum, default_value_t = TestFormat::Text)]
    pub format: TestFormat,

    /// Write the report to this file instead of standard output
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// The date the cases run on (waiver expiry, EKS support dates), unless a case sets
    /// its own `today` [default: today, in UTC]
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<String>,

    /// Exit 1 when a policy has no case, or no case in which it fails, is unknown or is
    /// waived (a policy that never fires)
    #[arg(long)]
    pub require_coverage: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TestFormat {
    /// PASS or FAIL per expectation, with the expected and actual outcome, then a summary
    /// and the coverage
    Text,
    /// JUnit XML for CI test views
    Junit,
}

#[derive(Debug, Subcommand)]
pub enum CommentCommand {
    /// Post or update the comment on a GitHub pull request (REST API; GitHub Enterprise
    /// Server with --github-api-url)
    #[command(after_help = COMMENT_EXIT_CODES)]
    Github(CommentGithubArgs),
    /// Post or update the note on a GitLab merge request (REST API v4; gitlab.com or a
    /// self-managed instance)
    #[command(after_help = COMMENT_GITLAB_EXIT_CODES)]
    Gitlab(CommentGitlabArgs),
    /// Post or update the comment thread on an Azure DevOps pull request (Azure Repos;
    /// Azure DevOps Services or Server)
    #[command(name = "azure-devops", after_help = COMMENT_AZURE_EXIT_CODES)]
    AzureDevops(Box<CommentAzureArgs>),
    /// Post or update the comment on a Bitbucket Cloud pull request (REST API 2.0)
    #[command(after_help = COMMENT_BITBUCKET_EXIT_CODES)]
    Bitbucket(Box<CommentBitbucketArgs>),
}

const COMMENT_GITLAB_EXIT_CODES: &str = "\
Exit codes:
  0  no failing finding that counts (see --fail-on), and the note was posted
  1  at least one such policy failure (the note is posted first)
  2  usage error, invalid input, the token was refused (401), GitLab refused the note for
     another reason, or --deadline passed
  3  the note was not posted because the token may not write to the merge request;
     reports were written";

const DIFF_EXIT_CODES: &str = "\
Exit codes:
  0  no failing finding that counts (--fail-on new: only findings the change introduced)
  1  at least one such policy failure
  2  usage error, invalid configuration or policy, the base could not be read, or input
     of the head that could not be checked";

const COMMENT_EXIT_CODES: &str = "\
Exit codes:
  0  no failing finding that counts (see --fail-on), and the comment was posted
  1  at least one such policy failure (the comment is posted first)
  2  usage error, invalid input, the token was refused (401), GitHub refused the comment
     for another reason, or --deadline passed
  3  the comment was not posted because the token may not write to the pull request
     (a pull request from a fork gets a read-only GITHUB_TOKEN); reports were written";

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

/// What to read and how: shared by `check` and `cost`.
#[derive(Clone, Debug, Args)]
pub struct InputArgs {
    /// Files or directories to check, or `-` for YAML on standard input (`helm template ... |
    /// aicost-policy check -`); a YAML file stands for itself, any other file for the
    /// Terraform module directory it is in [default: the current directory]
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Read a Terraform or OpenTofu plan as JSON (`terraform show -json plan.out >
    /// plan.json`; repeatable). A PATH that is plan JSON is read as one too. The root module
    /// the plan was made from is read from the plan only. With only plans given, nothing
    /// else is scanned. `diff` compares the plan's prior state with its planned state, so
    /// it needs no --base
    #[arg(long = "plan", value_name = "FILE")]
    pub plans: Vec<PathBuf>,

    /// Configuration file [default: the nearest aicost-policy.toml from the first path up to
    /// the repository root]
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Set a root module variable, as `terraform -var` does (repeatable; later wins)
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    pub vars: Vec<(String, String)>,

    /// Read root module variables from a file, as `terraform -var-file` does (repeatable;
    /// applied in command-line order together with --var)
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,

    /// Usage values for what is billed by use (hours, stored GB, tokens) [default:
    /// `usage_file` in the configuration, else aicost-usage.yml next to it, else the nearest
    /// aicost-usage.yml from the first path up to the repository root]
    #[arg(long, value_name = "FILE")]
    pub usage_file: Option<PathBuf>,

    /// Skip paths matching this glob, relative to the repository root (repeatable; adds to
    /// `exclude` in the configuration)
    #[arg(long = "exclude", value_name = "GLOB")]
    pub excludes: Vec<String>,

    /// Skip files larger than this many bytes [default: 10485760, or max_file_size in the
    /// configuration]
    #[arg(long, value_name = "BYTES")]
    pub max_file_size: Option<u64>,

    /// What a YAML file that looks like an unrendered Helm template does: `error` reports it
    /// as an input error (exit 2); `note` reports it as a note (shown with --verbose), for a
    /// repository that keeps chart templates beside its manifests. Either way it is not
    /// checked: render charts with `helm template` to check them
    #[arg(long, value_enum, value_name = "AS", default_value_t = TemplatesAs::Error)]
    pub unrendered_templates: TemplatesAs,

    /// The date of the run: waivers expire against it, and an EKS cluster whose version is
    /// past standard support on it is priced at the extended-support rate [default: today,
    /// in UTC]; fix it for output that does not change from day to day
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<String>,

    /// When to use colour in text output (NO_COLOR is honoured)
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Also show suppressed findings, remote modules not loaded, and what was skipped
    #[arg(long, short)]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub rules: RuleArgs,

    /// Read the rules from this git revision (branch, tag or commit) of the repository of
    /// the first path instead of the working tree, as `diff` reads its base's: the
    /// configuration (found where it would be in the working tree), the policy directories
    /// it names, --policy-dir directories inside the repository, and the price overlay. In
    /// CI, `--config-from origin/main` checks a pull request by its target branch's gate,
    /// which the pull request cannot loosen (fetch the revision first). The usage file stays
    /// the working tree's: it describes the change. Each rule file the working tree edits is
    /// named in a warning. Cannot be combined with --config
    #[arg(long, value_name = "REV")]
    pub config_from: Option<String>,

    /// Report the failures and unknowns this baseline file records (`aicost-policy baseline
    /// create`) as `baselined`, not failing, while they are unchanged; a finding whose
    /// resource changed fails again. With --config-from the file is read from that revision,
    /// so a pull request cannot add its own findings to the baseline it is checked by.
    /// --verbose lists entries that match nothing any more (`baseline update` removes them)
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    #[command(flatten)]
    pub outputs: OutputArgs,

    #[command(flatten)]
    pub gate: GateArgs,
}

/// Which policies run.
#[derive(Clone, Debug, Args)]
pub struct RuleArgs {
    /// Directory of extra .cedar policies, validated against the schema (repeatable)
    #[arg(long = "policy-dir", value_name = "DIR")]
    pub policy_dirs: Vec<PathBuf>,

    /// Do not run the built-in policy pack
    #[arg(long)]
    pub no_builtin_policies: bool,

    /// Run only the policies with this id, or matching this glob such as `AIC-GPU-*`
    /// (repeatable, or comma-separated; Checkov's --check is accepted)
    #[arg(
        long = "policy",
        visible_alias = "check",
        value_name = "ID",
        value_delimiter = ','
    )]
    pub policies: Vec<String>,

    /// Do not run the policies with this id, or matching this glob (repeatable, or
    /// comma-separated; Checkov's --skip-check is accepted)
    #[arg(
        long = "skip-policy",
        visible_alias = "skip-check",
        value_name = "ID",
        value_delimiter = ','
    )]
    pub skip_policies: Vec<String>,
}

/// What makes the run fail.
#[derive(Debug, Args)]
pub struct GateArgs {
    /// What an unknown result does to the exit code: `fail` counts it as a failure, `warn`
    /// reports it without failing, `ignore` counts it without showing it
    #[arg(long, value_enum, default_value_t = UnknownMode::Warn)]
    pub unknown: UnknownMode,

    /// Report failures but exit 0 (input and policy errors still exit 2)
    #[arg(long)]
    pub soft_fail: bool,

    /// Lowest severity that fails the run; findings below it are reported only
    #[arg(long, value_enum, default_value_t = SeverityArg::Low)]
    pub fail_severity: SeverityArg,
}

#[derive(Debug, Args)]
pub struct CostArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Group the table by a tag (`tag:team`), or by `file`, `root`, `provider` or `type`
    #[arg(long, value_name = "KEY", value_parser = parse_group_by)]
    pub group_by: Option<GroupBy>,

    /// Output format
    #[arg(long, value_enum, default_value_t = CostFormat::Text)]
    pub format: CostFormat,

    /// After the table, list savings advice: spot capacity and scale to zero outside
    /// production, a cheaper instance type with the same accelerators; each with its
    /// monthly saving (`[savings]` in the configuration; text format only: `check --format
    /// json` has the same advice as AIC-SAVE-* findings)
    #[arg(long)]
    pub suggest: bool,

    /// Write the report to this file instead of standard output
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub base: BaseArgs,

    #[command(flatten)]
    pub rules: RuleArgs,

    #[command(flatten)]
    pub outputs: OutputArgs,

    #[command(flatten)]
    pub gate: GateArgs,

    /// Which failures fail the run: `new` only those the change introduced, `all` every
    /// failure on the head
    #[arg(long, value_enum, default_value_t = FailOn::New)]
    pub fail_on: FailOn,

    /// Where the rules come from with --base or --base-path: `base` reads the configuration
    /// (settings, budgets, policy directories), the policy files and the price overlay from
    /// the base, so a pull request cannot loosen the gate it is checked by; `head` reads
    /// them from the change. The usage file is always the head's: it describes the change.
    /// An explicit --config is read as given
    #[arg(long, value_enum, default_value_t = ConfigFrom::Base)]
    pub config_from: ConfigFrom,

    /// Who opened the change (a forge login), for guardrail policies on the change
    /// (`resource.author`) [default: the pull request's author inside a GitHub Actions
    /// pull-request run]
    #[arg(long, value_name = "LOGIN")]
    pub author: Option<String>,

    /// The reviews of the change, for failures that need approval (`@approvers`,
    /// `[approvals]`): a JSON file as `gh api repos/OWNER/REPO/pulls/N/reviews` writes it,
    /// or `github` to read them (and the members of the teams the groups name) from the
    /// pull request of a GitHub Actions run with GITHUB_TOKEN. An approval counts for the
    /// commit it was given on; without reviews those failures are pending
    #[arg(long, value_name = "FILE|github")]
    pub approvals: Option<PathBuf>,

    /// The GitHub repository file links point into, as OWNER/REPO [default:
    /// $GITHUB_REPOSITORY]
    #[arg(long, value_name = "OWNER/REPO")]
    pub repo: Option<String>,
}

/// The base of a change: a git revision or a directory. With `--plan`, the base is the
/// plan's prior state and neither is given.
#[derive(Debug, Args)]
pub struct BaseArgs {
    /// The base as a git revision (branch, tag or commit), read from the repository of the
    /// first path without touching the work tree; in CI, fetch it first [default:
    /// origin/$GITHUB_BASE_REF inside a GitHub Actions pull-request run]
    #[arg(long, value_name = "REF", conflicts_with_all = ["base_path", "plans"])]
    pub base: Option<String>,

    /// The base as a directory: another checkout of the same repository
    #[arg(long, value_name = "DIR", conflicts_with = "plans")]
    pub base_path: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ConfigFrom {
    /// The base revision or directory (the rules the change is checked by)
    Base,
    /// The change under review
    Head,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Only failures the change introduced
    New,
    /// Every failure on the head
    All,
}

#[derive(Debug, Args)]
pub struct CommentGithubArgs {
    #[command(flatten)]
    pub diff: DiffArgs,

    /// Post a report written earlier by `diff --format json` instead of analysing
    #[arg(long, value_name = "FILE", conflicts_with_all = ["base", "base_path", "paths", "plans"])]
    pub report: Option<PathBuf>,

    /// The pull request number [default: from the GitHub Actions event]
    #[arg(long, value_name = "N")]
    pub pr: Option<u64>,

    /// Identifies our comment, so separate runs (e.g. per environment) keep separate
    /// comments; matched exactly (letters, digits, `.`, `_`, `-`)
    #[arg(long, value_name = "TAG", default_value = "default")]
    pub tag: String,

    /// What to do with an earlier comment: `update` it in place (or create one),
    /// always post a `new` one, `delete-and-new`, or `hide-and-new` (minimize the old
    /// ones as outdated)
    #[arg(long, value_enum, default_value_t = BehaviorArg::Update)]
    pub behavior: BehaviorArg,

    /// The environment variable holding the token (never printed)
    #[arg(long, value_name = "NAME", default_value = "GITHUB_TOKEN")]
    pub token_env: String,

    /// The GitHub REST API URL; for GitHub Enterprise Server, https://HOST/api/v3
    /// [default: $GITHUB_API_URL, else https://api.github.com]
    #[arg(long, value_name = "URL")]
    pub github_api_url: Option<String>,

    /// Whose comments are ours (only those are updated, deleted or hidden): a GitHub login,
    /// or `APP-SLUG[bot]` for an app [default: the token's own account, asked of GitHub]
    #[arg(long, value_name = "LOGIN")]
    pub comment_author: Option<String>,

    #[command(flatten)]
    pub bounds: Bounds,

    /// Print the comment that would be posted and post nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct CommentGitlabArgs {
    #[command(flatten)]
    pub diff: DiffArgs,

    /// Post a report written earlier by `diff --format json` instead of analysing
    #[arg(long, value_name = "FILE", conflicts_with_all = ["base", "base_path", "paths", "plans"])]
    pub report: Option<PathBuf>,

    /// The merge request IID [default: $CI_MERGE_REQUEST_IID]
    #[arg(long, value_name = "IID")]
    pub mr: Option<u64>,

    /// The project: its numeric id or its path group/project [default: $CI_PROJECT_ID]
    #[arg(long, value_name = "ID")]
    pub project: Option<String>,

    /// The GitLab REST API URL, https://HOST/api/v4 for a self-managed instance
    /// [default: $CI_API_V4_URL, else https://gitlab.com/api/v4]
    #[arg(long, value_name = "URL")]
    pub gitlab_api_url: Option<String>,

    /// Identifies our note, so separate runs (e.g. per environment) keep separate notes;
    /// matched exactly (letters, digits, `.`, `_`, `-`)
    #[arg(long, value_name = "TAG", default_value = "default")]
    pub tag: String,

    /// What to do with an earlier note: `update` it in place (or create one), always post a
    /// `new` one, or `delete-and-new` (GitLab cannot hide notes: hide-and-new is refused)
    #[arg(long, value_enum, default_value_t = BehaviorArg::Update)]
    pub behavior: BehaviorArg,

    /// The environment variable holding a personal, project or group access token, sent as
    /// PRIVATE-TOKEN (never printed); when it is unset, CI_JOB_TOKEN is sent as JOB-TOKEN
    #[arg(long, value_name = "NAME", default_value = "GITLAB_TOKEN")]
    pub token_env: String,

    /// Whose notes are ours (only those are updated or deleted): a GitLab username; needed
    /// with the CI job token [default: the token's own user, asked of GitLab]
    #[arg(long, value_name = "USERNAME")]
    pub comment_author: Option<String>,

    #[command(flatten)]
    pub bounds: Bounds,

    /// Print the note that would be posted and post nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// How long posting may take (`comment` commands).
#[derive(Debug, Args)]
pub struct Bounds {
    /// Give up posting after this long in all (requests, retries, waits): 90s, 10m
    #[arg(long, value_name = "DURATION", default_value = "10m", value_parser = parse_duration)]
    pub deadline: Duration,

    /// Give up one HTTP request (answer included) after this long; it may be tried again
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration)]
    pub request_timeout: Duration,
}

/// `250ms`, `90s`, `10m`, or a number of seconds; more than zero, at most a day.
fn parse_duration(s: &str) -> Result<Duration, String> {
    let text = s.trim();
    let (number, unit_ms) = if let Some(n) = text.strip_suffix("ms") {
        (n, 1)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1000)
    } else if let Some(n) = text.strip_suffix('m') {
        (n, 60_000)
    } else {
        (text, 1000)
    };
    let bad = || format!("`{s}` is not a duration: write e.g. 90s, 10m or 500ms");
    let n: u64 = number.trim().parse().map_err(|_| bad())?;
    let ms = n.checked_mul(unit_ms).ok_or_else(bad)?;
    if ms == 0 || ms > 86_400_000 {
        return Err(format!(
            "`{s}` is out of range: give more than zero and at most a day (24h = 1440m)"
        ));
    }
    Ok(Duration::from_millis(ms))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BehaviorArg {
    Update,
    New,
    DeleteAndNew,
    HideAndNew,
}

/// Where reports go: `--format` and `--output`, repeatable in pairs.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format (repeatable: each --output after a --format is where that format goes;
    /// at most one format is written to standard output) [default: text]
    #[arg(long = "format", value_enum, value_name = "FORMAT", action = clap::ArgAction::Append)]
    pub formats: Vec<Format>,

    /// Write the preceding --format's report to this file instead of standard output
    /// (repeatable; with a single --format, its place on the line does not matter)
    #[arg(long = "output", short = 'o', value_name = "FILE", action = clap::ArgAction::Append)]
    pub outputs: Vec<PathBuf>,

    /// Text output: show only failures and errors (no unknown or suppressed findings,
    /// notes or budget lines), then the summary
    #[arg(long, short, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Text output: one line per finding or error, without the source snippet
    #[arg(long)]
    pub compact: bool,
}

/// How `cost --group-by` groups resources.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GroupBy {
    Tag(String),
    File,
    Root,
    Provider,
    Type,
}

fn parse_group_by(s: &str) -> Result<GroupBy, String> {
    match s {
        "file" => Ok(GroupBy::File),
        "root" => Ok(GroupBy::Root),
        "provider" => Ok(GroupBy::Provider),
        "type" => Ok(GroupBy::Type),
        _ => match s.strip_prefix("tag:") {
            Some(key) if !key.is_empty() => Ok(GroupBy::Tag(key.to_string())),
            _ => Err(format!(
                "`{s}` is not a grouping: use tag:KEY, file, root, provider or type"
            )),
        },
    }
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Directory to write aicost-policy.toml in
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,

    /// Overwrite an existing file
    #[arg(long)]
    pub force: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Compiler-style messages with source snippets, then a summary
    Text,
    /// The versioned JSON report described in docs/json-report.md
    Json,
    /// A Markdown summary, as posted on pull requests and in the GitHub job summary
    Markdown,
    /// GitHub Actions workflow commands: one annotation per failure and unknown
    Github,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers
    Sarif,
    /// JUnit XML: one test suite per policy, one test case per resource it failed or passed
    Junit,
    /// GitLab Code Quality JSON (`artifacts:reports:codequality`): open findings and input
    /// errors in the merge request's widget and diff
    GitlabCodequality,
    /// Checkstyle XML, read by many CI plugins and editors: open findings and input errors
    /// by file
    Checkstyle,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Markdown => "markdown",
            Format::Github => "github",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
            Format::GitlabCodequality => "gitlab-codequality",
            Format::Checkstyle => "checkstyle",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CostFormat {
    /// A table of resources and their monthly cost, with totals
    Text,
    /// The versioned JSON report described in docs/json-report.md
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TemplatesAs {
    Error,
    Note,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum UnknownMode {
    Fail,
    Warn,
    Ignore,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl SeverityArg {
    pub fn severity(self) -> Severity {
        match self {
            SeverityArg::Info => Severity::Info,
            SeverityArg::Low => Severity::Low,
            SeverityArg::Medium => Severity::Medium,
            SeverityArg::High => Severity::High,
            SeverityArg::Critical => Severity::Critical,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

fn parse_var(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_string(), value.to_string()))
        }
        _ => Err(format!("`{s}` is not NAME=VALUE")),
    }
}

/// `--var` and `--var-file` in the order they were typed: Terraform applies them in
/// command-line order, later ones winning.
pub fn var_order(matches: &ArgMatches) -> Vec<VarArg> {
    let mut ordered: Vec<(usize, VarArg)> = Vec::new();
    if let (Some(indices), Some(values)) = (
        matches.indices_of("vars"),
        matches.get_many::<(String, String)>("vars"),
    ) {
        for (i, (name, value)) in indices.zip(values) {
            ordered.push((
                i,
                VarArg::Assign {
                    name: name.clone(),
                    value: value.clone(),
                },
            ));
        }
    }
    if let (Some(indices), Some(values)) = (
        matches.indices_of("var_files"),
        matches.get_many::<PathBuf>("var_files"),
    ) {
        for (i, path) in indices.zip(values) {
            ordered.push((i, VarArg::File(path.clone())));
        }
    }
    ordered.sort_by_key(|(i, _)| *i);
    ordered.into_iter().map(|(_, v)| v).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn vars_and_var_files_keep_their_order() {
        let m = Cli::command()
            .try_get_matches_from([
                "aicost-policy",
                "check",
                "--var-file",
                "a.tfvars",
                "--var",
                "x=1",
                "--var-file",
                "b.tfvars",
            ])
            .unwrap();
        let order = var_order(m.subcommand_matches("check").unwrap());
        assert_eq!(
            order,
            vec![
                VarArg::File("a.tfvars".into()),
                VarArg::Assign {
                    name: "x".into(),
                    value: "1".into()
                },
                VarArg::File("b.tfvars".into()),
            ]
        );
    }

    #[test]
    fn a_var_without_equals_is_a_usage_error() {
        let err = Cli::command()
            .try_get_matches_from(["aicost-policy", "check", "--var", "x"])
            .unwrap_err();
        assert!(err.to_string().contains("`x` is not NAME=VALUE"), "{err}");
    }

    #[test]
    fn durations() {
        let ms = |s: &str| parse_duration(s).map(|d| d.as_millis());
        assert_eq!(ms("10m"), Ok(600_000));
        assert_eq!(ms("90s"), Ok(90_000));
        assert_eq!(ms("250ms"), Ok(250));
        assert_eq!(ms(" 45 "), Ok(45_000));
        assert_eq!(
            ms("10h"),
            Err("`10h` is not a duration: write e.g. 90s, 10m or 500ms".to_string())
        );
        assert_eq!(
            ms("0s"),
            Err(
                "`0s` is out of range: give more than zero and at most a day (24h = 1440m)"
                    .to_string()
            )
        );
        assert!(ms("1441m").is_err());
        assert!(ms("-1s").is_err());
        assert!(ms("99999999999999999999m").is_err());
    }
}
