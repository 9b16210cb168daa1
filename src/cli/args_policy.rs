//! The flags of the governance commands: `baseline create|update` and `test` (policy
//! unit tests). args.rs re-exports them with everything else.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use super::args::{InputArgs, RuleArgs};

pub const BASELINE_HELP: &str = "\
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

pub const TEST_HELP: &str = "\
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
