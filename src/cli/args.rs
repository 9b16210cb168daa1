//! What the user can type: every flag with the help text `--help` shows. Values are checked
//! here; turning them into settings happens in the subcommand modules.

use std::path::PathBuf;

use clap::{ArgMatches, Args, Parser, Subcommand, ValueEnum};

pub use super::args_comment::{
    BehaviorArg, Bounds, CommentAzureArgs, CommentBitbucketArgs, CommentCommand, CommentGithubArgs,
    CommentGitlabArgs,
};
pub use super::args_policy::{BaselineCommand, TestArgs, TestFormat, BASELINE_HELP, TEST_HELP};
pub use super::args_pricing::{
    PricingCommand, PricingFormat, PricingImportArgs, PricingShowArgs, PricingUpdateArgs,
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

const DIFF_EXIT_CODES: &str = "\
Exit codes:
  0  no failing finding that counts (--fail-on new: only findings the change introduced)
  1  at least one such policy failure
  2  usage error, invalid configuration or policy, the base could not be read, or input
     of the head that could not be checked";

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
}
