//! Running the real binary with nothing from the environment that changes its output: the
//! environment is cleared (colour, GitHub Actions, `TF_VAR_*`, locale, proxies...), then
//! only what a run needs is put back, then the test's own variables are set.

use std::path::Path;

use assert_cmd::Command;

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// The variables kept from the test run: `PATH` to find git (for `diff`), `HOME` and
/// `TMPDIR` (the base of a diff is written into a temporary directory), and
/// `LLVM_PROFILE_FILE` so a coverage run does not write profiles into the test's directory.
const KEPT: [&str; 4] = ["PATH", "HOME", "TMPDIR", "LLVM_PROFILE_FILE"];

/// A command for `aicost-policy` in a cleared environment: every test that runs the binary
/// starts from here (or from [`aicost`]). Git, which `diff` runs, reads no user or system
/// configuration.
pub fn command() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_aicost-policy"));
    cmd.env_clear();
    for var in KEPT {
        if let Some(value) = std::env::var_os(var) {
            cmd.env(var, value);
        }
    }
    cmd.env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1");
    cmd
}

/// `aicost-policy ARGS` in `dir`, with only `env` on top of [`command`]'s environment.
pub fn aicost(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = command();
    cmd.current_dir(dir).args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}
