//! The scripts of the GitHub Action (`.github/action/`), run with bash as the runner runs
//! them: inputs in environment variables, results in the files named by `GITHUB_OUTPUT` and
//! `GITHUB_PATH`, in a clean environment. `run.sh` runs the real binary (`check`, `diff`) and a
//! stand-in that records its arguments to see exactly what it passes; `fetch-base.sh` fetches from a local repository as if from GitHub.

// Test code: a failed expectation should stop the test loudly.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

mod build;
mod fetch_base;
mod run;

use crate::common::git_repo;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

const CRATE_DIR: &str = env!("CARGO_MANIFEST_DIR");
const BIN: &str = env!("CARGO_BIN_EXE_aicost-policy");

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// The absolute path of a program on the test's PATH, for running it with another PATH.
fn which(program: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap();
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("{program} is not on PATH"))
}

/// Runs `bash .github/action/<script>` in `dir` with only `env` (plus HOME, and PATH unless
/// `env` sets it) in its environment.
fn script(script: &str, dir: &Path, env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(which("bash"));
    cmd.arg(Path::new(CRATE_DIR).join(".github/action").join(script))
        .current_dir(dir)
        .env_clear()
        .env("HOME", std::env::var_os("HOME").unwrap())
        .env("PATH", std::env::var_os("PATH").unwrap())
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1");
    for (name, value) in env {
        cmd.env(name, value);
    }
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn write_executable(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// A job's directories: the workspace, RUNNER_TEMP and the GITHUB_OUTPUT / GITHUB_PATH files.
struct Job {
    _temp: TempDir,
    workspace: PathBuf,
    runner_temp: PathBuf,
    output: PathBuf,
    github_path: PathBuf,
}

impl Job {
    fn new() -> Job {
        let temp = tempfile::tempdir().unwrap();
        let workspace = temp.path().join("workspace");
        let runner_temp = temp.path().join("runner temp");
        std::fs::create_dir_all(&workspace).unwrap();
        std::fs::create_dir_all(&runner_temp).unwrap();
        let output = runner_temp.join("github_output");
        let github_path = runner_temp.join("github_path");
        Job {
            _temp: temp,
            workspace,
            runner_temp,
            output,
            github_path,
        }
    }

    fn report(&self) -> String {
        self.runner_temp
            .join("aicost-policy.json")
            .display()
            .to_string()
    }

    /// Runs a script with the variables the runner sets plus `env`.
    fn run(&self, name: &str, dir: &Path, env: &[(&str, &str)]) -> Run {
        let runner_temp = self.runner_temp.display().to_string();
        let output = self.output.display().to_string();
        let github_path = self.github_path.display().to_string();
        let mut all = vec![
            ("RUNNER_TEMP", runner_temp.as_str()),
            ("GITHUB_OUTPUT", output.as_str()),
            ("GITHUB_PATH", github_path.as_str()),
            ("GITHUB_ACTION_PATH", CRATE_DIR),
        ];
        all.extend_from_slice(env);
        script(name, dir, &all)
    }
}
