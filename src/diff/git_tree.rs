//! The base of a diff, read from git: the tree of a commit written into a directory with
//! `git ls-tree` and `git cat-file --batch`. Read-only for the repository: no worktree, no
//! index, no checkout, so it works in any CI checkout once the base commit is fetched.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

/// Why the base could not be read from git. Messages say what to do.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("cannot run git: {0}\n  help: install git, or give the base as a directory with --base-path DIR")]
    NotRunnable(String),
    #[error("{path} is not inside a git repository\n  help: run in a clone, or give the base as a directory with --base-path DIR")]
    NotARepository { path: String },
    #[error("the base `{reference}` is not a commit in {repository}\n  help: fetch it first, e.g. `git fetch --no-tags --depth=1 origin main` in CI, and pass --base origin/main")]
    UnknownRef {
        reference: String,
        repository: String,
    },
    #[error("git {command} failed: {message}")]
    Failed { command: String, message: String },
    #[error("cannot write the base tree to {path}: {message}")]
    Write { path: String, message: String },
}

/// The top directory of the work tree that contains `path`.
pub fn toplevel(path: &Path) -> Result<PathBuf, GitError> {
    let dir = if path.is_dir() {
        path.to_path_buf()
    } else {
        path.parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    };
    let out = git(&dir, &["rev-parse", "--show-toplevel"])?;
    if !out.status.success() {
        return Err(GitError::NotARepository {
            path: path.display().to_string(),
        });
    }
    let top = String::from_utf8_lossy(&out.stdout).trim().to_string();
    Ok(PathBuf::from(top))
}

/// The commit a revision names (`origin/main`, a tag, a sha).
pub fn resolve(repository: &Path, reference: &str) -> Result<String, GitError> {
    let spec = format!("{reference}^{{commit}}");
    let out = git(
        repository,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &spec,
        ],
    )?;
    let sha = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if !out.status.success() || sha.is_empty() {
        return Err(GitError::UnknownRef {
            reference: reference.to_string(),
            repository: repository.display().to_string(),
        });
    }
    Ok(sha)
}

/// Writes every regular file of `commit`'s tree under `dest`, which must exist. A symbolic
/// link to a file of the tree is written as a copy of that file, so a module sees the files
/// it links in (`common.tf -> ../shared/common.tf`) as it does in a checkout; links that
/// leave the tree, links to directories and submodules are skipped. Returns the number of
/// files written.
pub fn export(repository: &Path, commit: &str, dest: &Path) -> Result<usize, GitError> {
    let listing = git(repository, &["ls-tree", "-r", "-z", "--full-tree", commit])?;
    if !listing.status.success() {
        return Err(failed("ls-tree", &listing.stderr));
    }
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    let mut links: Vec<(String, PathBuf)> = Vec::new();
    for entry in listing.stdout.split(|b| *b == 0) {
        let Some((meta, path)) = split_entry(entry) else {
            continue;
        };
        let mut fields = meta.split(' ');
        let (Some(mode), Some(kind), Some(oid)) = (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        let Some(relative) = safe_relative(&path) else {
            continue;
        };
        match (kind, mode) {
            ("blob", "100644" | "100755") => files.push((oid.to_string(), relative)),
            ("blob", "120000") => links.push((oid.to_string(), relative)),
            _ => {}
        }
    }
    let linked = resolve_links(repository, &files, &links)?;
    files.extend(linked);
    write_blobs(repository, &files, dest)?;
    Ok(files.len())
}

/// Most links followed from one link to the file it finally names.
const MAX_LINK_HOPS: usize = 8;

/// For each link that leads to a regular file of the tree (through at most
/// [`MAX_LINK_HOPS`] links), that file's blob under the link's own path.
fn resolve_links(
    repository: &Path,
    files: &[(String, PathBuf)],
    links: &[(String, PathBuf)],
) -> Result<Vec<(String, PathBuf)>, GitError> {
    if links.is_empty() {
        return Ok(Vec::new());
    }
    let oids: Vec<String> = links.iter().map(|(oid, _)| oid.clone()).collect();
    let mut targets: HashMap<PathBuf, String> = HashMap::new();
    read_blobs(repository, oids, |i, content| {
        if let Some((_, link)) = links.get(i) {
            targets.insert(link.clone(), String::from_utf8_lossy(&content).into_owned());
        }
        Ok(())
    })?;
    let blobs: HashMap<&Path, &str> = files
        .iter()
        .map(|(oid, path)| (path.as_path(), oid.as_str()))
        .collect();
    let mut out = Vec::new();
    for (_, link) in links {
        let mut at = link.clone();
        for _ in 0..MAX_LINK_HOPS {
            let Some(next) = targets.get(&at).and_then(|t| link_destination(&at, t)) else {
                break;
            };
            if let Some(oid) = blobs.get(next.as_path()) {
                out.push(((*oid).to_string(), link.clone()));
                break;
            }
            at = next;
        }
    }
    Ok(out)
}

/// The tree path a link at `link` pointing to `target` names, when it stays in the tree.
fn link_destination(link: &Path, target: &str) -> Option<PathBuf> {
    let mut parts: Vec<std::ffi::OsString> = link
        .parent()
        .map(|p| p.components().map(|c| c.as_os_str().to_owned()).collect())
        .unwrap_or_default();
    for c in Path::new(target).components() {
        match c {
            Component::Normal(p) => parts.push(p.to_owned()),
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(parts.iter().collect())
}

/// `<mode> <type> <oid>\t<path>` split at the tab.
fn split_entry(entry: &[u8]) -> Option<(String, String)> {
    let tab = entry.iter().position(|b| *b == b'\t')?;
    let meta = String::from_utf8_lossy(entry.get(..tab)?).into_owned();
    let path = String::from_utf8_lossy(entry.get(tab + 1..)?).into_owned();
    Some((meta, path))
}

/// A tree path as a relative path with plain components only.
fn safe_relative(path: &str) -> Option<PathBuf> {
    let p = PathBuf::from(path);
    p.components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then_some(p)
}

/// Writes each blob to its path under `dest`.
fn write_blobs(
    repository: &Path,
    files: &[(String, PathBuf)],
    dest: &Path,
) -> Result<(), GitError> {
    let oids: Vec<String> = files.iter().map(|(oid, _)| oid.clone()).collect();
    read_blobs(repository, oids, |i, content| {
        let Some((_, relative)) = files.get(i) else {
            return Ok(());
        };
        let target = dest.join(relative);
        target
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&target, &content))
            .map_err(|e| GitError::Write {
                path: target.display().to_string(),
                message: e.to_string(),
            })
    })
}

/// Streams the blobs through one `git cat-file --batch` process, handing each one's
/// content, in order, to `each` with its index.
fn read_blobs(
    repository: &Path,
    oids: Vec<String>,
    mut each: impl FnMut(usize, Vec<u8>) -> Result<(), GitError>,
) -> Result<(), GitError> {
    let mut child = Command::new("git")
        .arg("-C")
        .arg(repository)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| GitError::NotRunnable(e.to_string()))?;
    let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        return Err(GitError::NotRunnable("no pipe to git cat-file".into()));
    };
    let count = oids.len();
    // Feeding and reading at once: git blocks when its output pipe is full.
    let feeder = std::thread::spawn(move || {
        for oid in oids {
            if writeln!(stdin, "{oid}").is_err() {
                break;
            }
        }
    });
    let mut reader = BufReader::new(stdout);
    let mut result = Ok(());
    for i in 0..count {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 {
            result = Err(GitError::Failed {
                command: "cat-file".into(),
                message: "output ended early".into(),
            });
            break;
        }
        let size: Option<usize> = header
            .split_whitespace()
            .nth(2)
            .and_then(|s| s.parse().ok());
        let Some(size) = size else {
            result = Err(GitError::Failed {
                command: "cat-file".into(),
                message: format!("unexpected header `{}`", header.trim()),
            });
            break;
        };
        let mut content = vec![0u8; size];
        let mut newline = [0u8; 1];
        if reader.read_exact(&mut content).is_err() || reader.read_exact(&mut newline).is_err() {
            result = Err(GitError::Failed {
                command: "cat-file".into(),
                message: "output ended early".into(),
            });
            break;
        }
        if let Err(e) = each(i, content) {
            result = Err(e);
            break;
        }
    }
    drop(reader);
    let _ = feeder.join();
    let status = child.wait();
    match (result, status) {
        (Err(e), _) => Err(e),
        (Ok(()), Ok(s)) if s.success() => Ok(()),
        (Ok(()), _) => Err(GitError::Failed {
            command: "cat-file".into(),
            message: "git exited with an error".into(),
        }),
    }
}

fn git(dir: &Path, args: &[&str]) -> Result<std::process::Output, GitError> {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| GitError::NotRunnable(e.to_string()))
}

fn failed(command: &str, stderr: &[u8]) -> GitError {
    GitError::Failed {
        command: command.to_string(),
        message: String::from_utf8_lossy(stderr).trim().to_string(),
    }
}
