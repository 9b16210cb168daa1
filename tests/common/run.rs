//! Running the real binary with nothing from the environment that changes its output:
//! colour and every GitHub Actions variable are removed, then `env` is set.

use std::path::Path;

use assert_cmd::Command;

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// The variables GitHub Actions sets that the tool reads.
const GITHUB: [&str; 11] = [
    "GITHUB_STEP_SUMMARY",
    "GITHUB_BASE_REF",
    "GITHUB_REPOSITORY",
    "GITHUB_SERVER_URL",
    "GITHUB_SHA",
    "GITHUB_ACTIONS",
    "GITHUB_EVENT_PATH",
    "GITHUB_REF",
    "GITHUB_API_URL",
    "GITHUB_TOKEN",
    "NO_COLOR",
];

/// `aicost-policy ARGS` in `dir`.
pub fn aicost(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_aicost-policy"));
    cmd.current_dir(dir).args(args);
    for var in GITHUB {
        cmd.env_remove(var);
    }
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
