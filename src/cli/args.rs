//! What the user can type: every flag with the help text `--help` shows. Values are checked
//! here; turning them into settings happens in the subcommand modules.

use std::path::PathBuf;

use clap::{ArgMatches, Args, Parser, Subcommand, ValueEnum};

use crate::load::terraform::VarArg;
use crate::model::Severity;

const EXIT_CODES: &str = "\
Exit codes:
  0  no policy failed (findings below --fail-severity, unknowns with --unknown warn, and
     suppressed findings do not fail the run)
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
    /// Write a commented aicost-policy.toml with the defaults
    Init(InitArgs),
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to check; a file stands for the module directory it is in
    /// [default: the current directory]
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Configuration file [default: the nearest aicost-policy.toml from the first path up to
    /// the repository root]
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Directory of extra .cedar policies, validated against the schema (repeatable)
    #[arg(long = "policy-dir", value_name = "DIR")]
    pub policy_dirs: Vec<PathBuf>,

    /// Do not run the built-in policy pack
    #[arg(long)]
    pub no_builtin_policies: bool,

    /// Set a root module variable, as `terraform -var` does (repeatable; later wins)
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    pub vars: Vec<(String, String)>,

    /// Read root module variables from a file, as `terraform -var-file` does (repeatable;
    /// applied in command-line order together with --var)
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,

    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Write the report to this file instead of standard output
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,

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

    /// Skip paths matching this glob, relative to the repository root (repeatable; adds to
    /// `exclude` in the configuration)
    #[arg(long = "exclude", value_name = "GLOB")]
    pub excludes: Vec<String>,

    /// Skip files larger than this many bytes [default: 10485760, or max_file_size in the
    /// configuration]
    #[arg(long, value_name = "BYTES")]
    pub max_file_size: Option<u64>,

    /// The date waivers are checked against [default: today, in UTC]
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
