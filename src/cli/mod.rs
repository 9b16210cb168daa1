//! The command line: argument definitions (clap), one module per subcommand, and the
//! mapping from outcomes to exit codes. The only module that prints.

mod approvals;
mod args;
mod args_comment;
mod args_policy;
mod args_pricing;
mod baseline;
mod check;
mod comment;
mod comment_azure;
mod comment_bitbucket;
mod comment_gitlab;
mod cost;
mod diff;
mod init;
mod output;
mod pipeline;
mod policy_test;
mod pricing;
mod rules;
mod select;
mod settings;

use std::io::Write;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

pub use self::args::{Cli, Command};

/// Exit codes, as documented in `--help` and the README.
pub mod exit {
    /// Every policy passed (or only findings below the failing severity).
    pub const CLEAN: u8 = 0;
    /// At least one policy failed.
    pub const FAILED: u8 = 1;
    /// Usage error, invalid configuration or policy, or input that could not be checked.
    pub const ERROR: u8 = 2;
    /// The pull-request comment could not be posted: the token may not write (a fork).
    pub const NOT_POSTED: u8 = 3;
}

/// Parses the command line, runs the command and returns the process exit code.
pub fn run() -> ExitCode {
    let matches = match Cli::command().try_get_matches() {
        Ok(m) => m,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::ERROR
            } else {
                exit::CLEAN
            };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(exit::ERROR);
        }
    };
    let code = match cli.command {
        Command::Check(args) => {
            with_targets(matches.subcommand_matches("check"), |sub, targets| {
                check::run(&args, &args::var_order(sub), targets)
            })
        }
        Command::Cost(args) => {
            let var_order = matches
                .subcommand_matches("cost")
                .map(args::var_order)
                .unwrap_or_default();
            cost::run(&args, &var_order)
        }
        Command::Diff(args) => with_targets(matches.subcommand_matches("diff"), |sub, targets| {
            diff::run(&args, &args::var_order(sub), targets)
        }),
        Command::Comment(args::CommentCommand::Github(args)) => with_targets(
            matches
                .subcommand_matches("comment")
                .and_then(|m| m.subcommand_matches("github")),
            |sub, targets| comment::run(&args, &args::var_order(sub), targets),
        ),
        Command::Comment(args::CommentCommand::Gitlab(args)) => with_targets(
            matches
                .subcommand_matches("comment")
                .and_then(|m| m.subcommand_matches("gitlab")),
            |sub, targets| comment_gitlab::run(&args, &args::var_order(sub), targets),
        ),
        Command::Comment(args::CommentCommand::AzureDevops(args)) => with_targets(
            matches
                .subcommand_matches("comment")
                .and_then(|m| m.subcommand_matches("azure-devops")),
            |sub, targets| comment_azure::run(&args, &args::var_order(sub), targets),
        ),
        Command::Comment(args::CommentCommand::Bitbucket(args)) => with_targets(
            matches
                .subcommand_matches("comment")
                .and_then(|m| m.subcommand_matches("bitbucket")),
            |sub, targets| comment_bitbucket::run(&args, &args::var_order(sub), targets),
        ),
        Command::Init(args) => init::run(&args),
        Command::Test(args) => policy_test::run(&args),
        Command::Pricing(command) => pricing::run(&command),
        Command::Baseline(command) => {
            let var_order = matches
                .subcommand_matches("baseline")
                .and_then(|m| m.subcommand())
                .map(|(_, sub)| args::var_order(sub))
                .unwrap_or_default();
            baseline::run(&command, &var_order)
        }
    };
    let _ = std::io::stdout().flush();
    ExitCode::from(code)
}

/// Pairs the subcommand's `--format`/`--output` flags and runs it; a bad pairing is a usage
/// error.
fn with_targets(
    sub: Option<&clap::ArgMatches>,
    run: impl FnOnce(&clap::ArgMatches, &[output::OutputTarget]) -> u8,
) -> u8 {
    let Some(sub) = sub else {
        return exit::ERROR;
    };
    match output::output_targets(sub) {
        Ok(targets) => run(sub, &targets),
        Err(message) => {
            eprintln!("error: {message}");
            exit::ERROR
        }
    }
}

/// Prints a diagnostic to stderr the way every other error is shown.
pub(crate) fn print_diagnostic(diagnostic: miette::Report, color: bool) {
    let theme = if color {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let mut out = String::new();
    let handler = miette::GraphicalReportHandler::new_themed(theme).with_width(100);
    if handler
        .render_report(&mut out, diagnostic.as_ref())
        .is_err()
    {
        out = format!("error: {diagnostic}\n");
    }
    let _ = std::io::stderr().write_all(out.as_bytes());
}
