//! `cache-key.sh` and `install.sh`: the cache key of the build, and building only when the
//! cache does not hold the same build.

use std::path::Path;

use super::{read, write_executable, Job, Run, CRATE_DIR};

const RUNNER: [(&str, &str); 3] = [
    ("RUNNER_OS", "Linux"),
    ("RUNNER_ARCH", "X64"),
    ("CARGO_HOME", "/opt/cargo"),
];

/// Runs cache-key.sh on the sources in `action_path` and returns its outputs.
fn cache_key(job: &Job, action_path: &Path) -> String {
    std::fs::write(&job.output, "").unwrap();
    let action_path = action_path.display().to_string();
    let mut env = RUNNER.to_vec();
    env.push(("GITHUB_ACTION_PATH", &action_path));
    let run = job.run("cache-key.sh", &job.workspace, &env);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""), "{}", run.stderr);
    read(&job.output)
}

fn key_of(outputs: &str) -> &str {
    outputs
        .lines()
        .next()
        .unwrap()
        .strip_prefix("key=")
        .unwrap()
}

#[test]
fn cache_key_names_the_build_and_the_cargo_registry() {
    let job = Job::new();
    let outputs = cache_key(&job, Path::new(CRATE_DIR));
    let key = key_of(&outputs);
    let hash = key.strip_prefix("aicost-policy-v1-Linux-X64-").unwrap();
    assert!(
        hash.len() == 32 && hash.bytes().all(|b| b.is_ascii_hexdigit()),
        "{key}"
    );
    let root = job.runner_temp.join("aicost-policy").display().to_string();
    assert_eq!(
        outputs,
        format!(
            "key={key}\nrestore-prefix=aicost-policy-v1-Linux-X64-\nroot={root}\n\
             paths<<AICOST_POLICY_PATHS_{hash}\n{root}\n/opt/cargo/registry/index\n\
             /opt/cargo/registry/cache\n/opt/cargo/git/db\nAICOST_POLICY_PATHS_{hash}\n"
        )
    );
    assert_eq!(cache_key(&job, Path::new(CRATE_DIR)), outputs);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A moving reference such as @v0 must not reuse a build of other sources: any change to a
/// file the build reads changes the key; files it does not read do not.
#[test]
fn cache_key_changes_with_the_sources() {
    let job = Job::new();
    let copy = job.runner_temp.join("action");
    for dir in ["src", "policies", "catalog"] {
        copy_dir(&Path::new(CRATE_DIR).join(dir), &copy.join(dir));
    }
    for file in ["Cargo.toml", "Cargo.lock"] {
        std::fs::copy(Path::new(CRATE_DIR).join(file), copy.join(file)).unwrap();
    }
    let original = cache_key(&job, &copy);
    assert_eq!(original, cache_key(&job, Path::new(CRATE_DIR)));

    std::fs::write(copy.join("README.md"), "not part of the build\n").unwrap();
    assert_eq!(cache_key(&job, &copy), original);

    let policy = copy.join("policies/required_tags_missing.cedar");
    let mut text = read(&policy);
    text.push('\n');
    std::fs::write(&policy, text).unwrap();
    assert_ne!(key_of(&cache_key(&job, &copy)), key_of(&original));
}

#[test]
fn cache_key_needs_cargo() {
    let job = Job::new();
    let empty = job.runner_temp.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let empty = empty.display().to_string();
    let run = job.run("cache-key.sh", &job.workspace, &[("PATH", &empty)]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stdout,
        "::error title=aicost-policy::cargo was not found: this action builds aicost-policy \
         from source and needs a Rust toolchain. GitHub-hosted runners have one; on other \
         runners add a step that installs Rust (for example dtolnay/rust-toolchain) before \
         this action.\n"
    );
}

/// A `cargo` that records how it was called and installs a stand-in binary.
const FAKE_CARGO: &str = r#"#!/usr/bin/env bash
{ pwd; printf '%s\n' "$@"; } >"$CARGO_CALLS"
root=""
previous=""
for arg in "$@"; do
    if [ "$previous" = --root ]; then root="$arg"; fi
    previous="$arg"
done
mkdir -p "$root/bin"
printf '#!/usr/bin/env bash\necho "aicost-policy 0.1.0 (new)"\n' >"$root/bin/aicost-policy"
chmod +x "$root/bin/aicost-policy"
"#;

fn install(job: &Job, key: &str) -> Run {
    let tools = job.runner_temp.join("tools");
    write_executable(&tools.join("cargo"), FAKE_CARGO);
    let path = format!("{}:{}", tools.display(), std::env::var("PATH").unwrap());
    let root = job.runner_temp.join("aicost-policy").display().to_string();
    let calls = job.runner_temp.join("cargo-calls").display().to_string();
    job.run(
        "install.sh",
        &job.workspace,
        &[
            ("PATH", &path),
            ("AICOST_ROOT", &root),
            ("AICOST_CACHE_KEY", key),
            ("CARGO_CALLS", &calls),
        ],
    )
}

#[test]
fn install_builds_unless_the_cache_holds_the_same_build() {
    let job = Job::new();
    let root = job.runner_temp.join("aicost-policy");
    let calls = job.runner_temp.join("cargo-calls");

    // A build restored by prefix: another key, so it is rebuilt.
    write_executable(
        &root.join("bin/aicost-policy"),
        "#!/usr/bin/env bash\necho 'aicost-policy 0.0.9 (old)'\n",
    );
    std::fs::write(root.join("cache-key"), "aicost-policy-v1-Linux-X64-old\n").unwrap();
    let run = install(&job, "aicost-policy-v1-Linux-X64-new");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        format!(
            "::group::Building aicost-policy from {CRATE_DIR}\n::endgroup::\naicost-policy 0.1.0 (new)\n"
        )
    );
    assert_eq!(
        read(&calls),
        format!(
            "{CRATE_DIR}\ninstall\n--locked\n--force\n--path\n{CRATE_DIR}\n--root\n{}\n",
            root.display()
        )
    );
    assert_eq!(
        read(&job.output),
        format!("built=true\nbin={}/bin/aicost-policy\n", root.display())
    );
    assert_eq!(read(&job.github_path), format!("{}/bin\n", root.display()));
    assert_eq!(
        read(&root.join("cache-key")),
        "aicost-policy-v1-Linux-X64-new\n"
    );

    // The same key again: the cached build is used and cargo is not called.
    std::fs::remove_file(&calls).unwrap();
    std::fs::write(&job.output, "").unwrap();
    let run = install(&job, "aicost-policy-v1-Linux-X64-new");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "aicost-policy: using the cached build (aicost-policy-v1-Linux-X64-new)\n\
         aicost-policy 0.1.0 (new)\n"
    );
    assert!(!calls.exists(), "cargo ran");
    assert_eq!(
        read(&job.output),
        format!("built=false\nbin={}/bin/aicost-policy\n", root.display())
    );
}
