//! The `aicost-policy` binary: everything happens in the library's `cli` module.

fn main() -> std::process::ExitCode {
    aicost_policy::cli::run()
}
