//! The base of a diff, read from git: the files of a commit that the analysis reads, written
//! into a directory with `git ls-tree` and `git cat-file --batch`. Read-only for the
//! repository: no worktree, no index, no checkout, so it works in any CI checkout once the
//! base commit is fetched.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;

use crate::discover::{is_terraform_file, is_yaml_file};
use crate::load::source::read_source;
use crate::load::terraform::config::{is_local_source, ModuleConfig};

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

/// What the analysis of the base reads from its tree, as `/`-separated paths relative to
/// the top of the repository (`""` is the whole tree).
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// The scanned paths: a directory stands for the inputs under it, a YAML file for
    /// itself, another file for the Terraform files of its directory (as discovery reads
    /// them).
    pub scanned: Vec<String>,
    /// Files read by name: the configuration, the usage file, the price overlay.
    pub files: Vec<String>,
    /// Policy directories (their `.cedar` files), or single `.cedar` files.
    pub policies: Vec<String>,
    /// A blob larger than this is written as a file of its size with nothing in it: every
    /// reader refuses a file over the limit by its size, before reading it, and says so as
    /// it does for the head.
    pub max_file_size: u64,
}

/// Which files under a requested path are exported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Filter {
    /// What the loaders read: Terraform, variable files and YAML.
    Inputs,
    /// Policy files.
    Cedar,
    /// Only the path itself.
    Exact,
}

/// A path to export: recursively (everything under it), or its direct children only.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Request {
    path: String,
    recursive: bool,
    filter: Filter,
    /// A scanned path: as a file other than YAML, it stands for its directory.
    scanned: bool,
}

impl Request {
    fn new(path: &str, recursive: bool, filter: Filter) -> Request {
        Request {
            path: path.trim_matches('/').to_string(),
            recursive,
            filter,
            scanned: false,
        }
    }

    fn takes(&self, path: &str) -> bool {
        let under = if self.recursive {
            self.path.is_empty()
                || path == self.path
                || path
                    .strip_prefix(self.path.as_str())
                    .is_some_and(|rest| rest.starts_with('/'))
        } else {
            parent(path) == self.path
        };
        let name = path.rsplit('/').next().unwrap_or(path);
        under
            && (path == self.path
                || match self.filter {
                    Filter::Inputs => is_input(name),
                    Filter::Cedar => name.ends_with(".cedar"),
                    Filter::Exact => false,
                })
    }
}

/// Whether the inputs of directory `dir` are requested already: the directory itself, or
/// a scanned directory it is in.
fn covered(requested: &BTreeSet<Request>, dir: &str) -> bool {
    if requested.contains(&Request::new(dir, false, Filter::Inputs)) {
        return true;
    }
    let mut ancestor = dir;
    loop {
        let scanned = Request {
            scanned: true,
            ..Request::new(ancestor, true, Filter::Inputs)
        };
        if requested.contains(&scanned) {
            return true;
        }
        if ancestor.is_empty() {
            return false;
        }
        ancestor = parent(ancestor);
    }
}

/// A file name the loaders read (discovery's Terraform and YAML, and variable files).
fn is_input(name: &str) -> bool {
    is_terraform_file(name)
        || is_yaml_file(name)
        || name.ends_with(".tfvars")
        || name.ends_with(".tfvars.json")
}

fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// One regular file of the tree, or a symbolic link (`size` is then the link's own).
struct Blob {
    oid: String,
    size: u64,
    path: String,
    link: bool,
}

/// Writes the regular files of `commit`'s tree that `selection` needs under `dest` (which
/// must exist), and the local module directories their Terraform calls, however far
/// outside the scanned paths. A symbolic link to a file of the tree is written as a copy of
/// that file, so a module sees the files it links in (`common.tf -> ../shared/common.tf`)
/// as in a checkout; links that leave the tree or end nowhere, links to directories and
/// submodules are skipped. Nothing is held in memory but the list of what is written:
/// `git ls-tree` is read as it comes, and each blob is streamed from one
/// `git cat-file --batch` into its file. Returns the number of files written.
pub fn export(
    repository: &Path,
    commit: &str,
    selection: &Selection,
    dest: &Path,
) -> Result<usize, GitError> {
    let mut requested: BTreeSet<Request> = BTreeSet::new();
    let mut round: Vec<Request> = Vec::new();
    for path in &selection.scanned {
        round.push(Request {
            scanned: true,
            ..Request::new(path, true, Filter::Inputs)
        });
    }
    for path in &selection.files {
        round.push(Request::new(path, true, Filter::Exact));
    }
    for path in &selection.policies {
        round.push(Request::new(path, true, Filter::Exact));
        round.push(Request::new(path, false, Filter::Cedar));
    }
    let mut written: BTreeSet<String> = BTreeSet::new();
    let mut skipped = 0;
    while !round.is_empty() {
        round.retain(|r| !requested.contains(r));
        round.sort();
        round.dedup();
        requested.extend(round.iter().cloned());
        let blobs = list(repository, commit, &round, &written)?;
        let mut next: Vec<Request> = Vec::new();
        // A scanned file that is not YAML stands for its directory's Terraform.
        for r in round.iter().filter(|r| r.scanned) {
            let names_file = blobs.iter().any(|b| b.path == r.path);
            if names_file && !is_yaml_file(&r.path) {
                next.push(Request::new(parent(&r.path), false, Filter::Inputs));
            }
        }
        skipped += write_blobs(repository, commit, &blobs, dest, selection.max_file_size)?;
        for blob in &blobs {
            written.insert(blob.path.clone());
            for dir in local_module_dirs(dest, blob, selection.max_file_size) {
                if !covered(&requested, &dir) {
                    next.push(Request::new(&dir, false, Filter::Inputs));
                }
            }
        }
        round = next;
    }
    Ok(written.len() - skipped)
}

/// The tree-relative directories of the local modules a written Terraform file calls.
fn local_module_dirs(dest: &Path, blob: &Blob, max_size: u64) -> Vec<String> {
    let name = blob.path.rsplit('/').next().unwrap_or(&blob.path);
    if !is_terraform_file(name) || blob.size > max_size {
        return Vec::new();
    }
    let Ok(file) = read_source(
        &dest.join(&blob.path),
        Arc::from(blob.path.as_str()),
        max_size,
    ) else {
        return Vec::new();
    };
    let dir = parent(&blob.path);
    let config = ModuleConfig::parse(dest.join(dir), Arc::from(dir), vec![file]);
    config
        .module_calls
        .iter()
        .filter_map(|c| c.source.as_deref())
        .filter(|s| is_local_source(s))
        .filter_map(|source| join_relative(dir, source))
        .collect()
}

/// `dir` joined with a relative module source, `.` and `..` resolved; `None` when it
/// leaves the tree.
fn join_relative(dir: &str, source: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in source.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

/// The blobs of `commit` that `requests` take and that are not written yet, read from
/// `git ls-tree` as it writes them.
fn list(
    repository: &Path,
    commit: &str,
    requests: &[Request],
    written: &BTreeSet<String>,
) -> Result<Vec<Blob>, GitError> {
    let mut blobs: Vec<Blob> = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    // Requests for a directory's children, by directory: module directories can be many.
    let mut children: BTreeMap<&str, Vec<&Request>> = BTreeMap::new();
    for r in requests.iter().filter(|r| !r.recursive) {
        children.entry(r.path.as_str()).or_default().push(r);
    }
    let takes = |path: &str| {
        let direct = children.get(parent(path)).into_iter().flatten();
        requests
            .iter()
            .filter(|r| r.recursive)
            .chain(direct.copied())
            .any(|r| r.takes(path))
    };
    for recursive in [true, false] {
        let paths: Vec<String> = requests
            .iter()
            .filter(|r| r.recursive == recursive)
            .map(|r| match (r.path.is_empty(), recursive) {
                (true, _) => ".".to_string(),
                (false, true) => r.path.clone(),
                (false, false) => format!("{}/", r.path),
            })
            .collect();
        // A bounded command line, however many directories modules call.
        for chunk in paths.chunks(256) {
            list_chunk(repository, commit, recursive, chunk, |blob| {
                let new = !written.contains(&blob.path)
                    && takes(&blob.path)
                    && seen.insert(blob.path.clone());
                if new {
                    blobs.push(blob);
                }
            })?;
        }
    }
    Ok(blobs)
}

fn list_chunk(
    repository: &Path,
    commit: &str,
    recursive: bool,
    pathspecs: &[String],
    mut found: impl FnMut(Blob),
) -> Result<(), GitError> {
    let mut command = Command::new("git");
    command.arg("-C").arg(repository).args([
        "--literal-pathspecs",
        "ls-tree",
        "-l",
        "-z",
        "--full-tree",
    ]);
    if recursive {
        command.arg("-r");
    }
    let mut child = command
        .arg(commit)
        .arg("--")
        .args(pathspecs)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| GitError::NotRunnable(e.to_string()))?;
    let Some(stdout) = child.stdout.take() else {
        return Err(GitError::NotRunnable("no pipe from git ls-tree".into()));
    };
    let mut reader = BufReader::new(stdout);
    let mut entry = Vec::new();
    loop {
        entry.clear();
        match reader.read_until(0, &mut entry) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                return Err(GitError::Failed {
                    command: "ls-tree".into(),
                    message: e.to_string(),
                })
            }
        }
        if entry.last() == Some(&0) {
            entry.pop();
        }
        if let Some(blob) = parse_entry(&entry) {
            found(blob);
        }
    }
    let output = child
        .wait_with_output()
        .map_err(|e| GitError::NotRunnable(e.to_string()))?;
    if !output.status.success() {
        return Err(failed("ls-tree", &output.stderr));
    }
    Ok(())
}

/// `<mode> <type> <oid> <size>\t<path>` of a regular file or a symbolic link; `None` for
/// anything else.
fn parse_entry(entry: &[u8]) -> Option<Blob> {
    let (meta, path) = split_entry(entry)?;
    let mut fields = meta.split_whitespace();
    let (mode, kind, oid, size) = (
        fields.next()?,
        fields.next()?,
        fields.next()?,
        fields.next()?,
    );
    let link = match (kind, mode) {
        ("blob", "100644" | "100755") => false,
        // A batch request is one line: a path with a line break cannot be asked for.
        ("blob", "120000") if !path.contains('\n') => true,
        _ => return None,
    };
    safe_relative(&path)?;
    Some(Blob {
        oid: oid.to_string(),
        size: size.parse().ok()?,
        path,
        link,
    })
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

/// Writes the regular files and the links among `blobs`; returns how many links were
/// skipped (they lead out of the tree, nowhere, or to a directory).
fn write_blobs(
    repository: &Path,
    commit: &str,
    blobs: &[Blob],
    dest: &Path,
    max_size: u64,
) -> Result<usize, GitError> {
    let (links, files): (Vec<&Blob>, Vec<&Blob>) = blobs.iter().partition(|b| b.link);
    write_files(repository, &files, dest, max_size)?;
    write_links(repository, commit, &links, dest, max_size)
}

/// Streams the blobs of regular files through one `git cat-file --batch` process, each
/// straight into its file; a blob over `max_size` is not requested, and its file only gets
/// its size.
fn write_files(
    repository: &Path,
    blobs: &[&Blob],
    dest: &Path,
    max_size: u64,
) -> Result<(), GitError> {
    let (small, large): (Vec<&Blob>, Vec<&Blob>) = blobs.iter().partition(|b| b.size <= max_size);
    for blob in large {
        let target = dest.join(&blob.path);
        create(&target)
            .and_then(|file| file.set_len(blob.size))
            .map_err(|e| write_error(&target, &e))?;
    }
    if small.is_empty() {
        return Ok(());
    }
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
    let oids: Vec<String> = small.iter().map(|b| b.oid.clone()).collect();
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
    for blob in small {
        if let Err(e) = copy_blob(&mut reader, &dest.join(&blob.path)) {
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

/// Writes each link as a copy of the file it leads to. `git cat-file --batch
/// --follow-symlinks` follows links inside the tree for `COMMIT:PATH` requests (through
/// links to links, with git's own bound on loops) and answers `symlink`, `dangling`,
/// `loop`, `notdir` or `missing` for a link it cannot follow inside the tree. Returns how
/// many links were not written.
fn write_links(
    repository: &Path,
    commit: &str,
    links: &[&Blob],
    dest: &Path,
    max_size: u64,
) -> Result<usize, GitError> {
    if links.is_empty() {
        return Ok(0);
    }
    let mut child = Command::new("git")
        .arg("-C")
        .arg(repository)
        .args(["cat-file", "--batch", "--follow-symlinks"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| GitError::NotRunnable(e.to_string()))?;
    let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        return Err(GitError::NotRunnable("no pipe to git cat-file".into()));
    };
    let requests: Vec<String> = links
        .iter()
        .map(|b| format!("{commit}:{}", b.path))
        .collect();
    let feeder = std::thread::spawn(move || {
        for request in requests {
            if writeln!(stdin, "{request}").is_err() {
                break;
            }
        }
    });
    let mut reader = BufReader::new(stdout);
    let mut result = Ok(0);
    for link in links {
        match copy_followed(&mut reader, &dest.join(&link.path), max_size) {
            Ok(true) => {}
            Ok(false) => result = result.map(|n| n + 1),
            Err(e) => {
                result = Err(e);
                break;
            }
        }
    }
    drop(reader);
    let _ = feeder.join();
    let status = child.wait();
    match (result, status) {
        (Err(e), _) => Err(e),
        (Ok(n), Ok(s)) if s.success() => Ok(n),
        (Ok(_), _) => Err(GitError::Failed {
            command: "cat-file".into(),
            message: "git exited with an error".into(),
        }),
    }
}

/// Reads the next answer of `git cat-file --batch --follow-symlinks`: a blob is written to
/// `target` (as an empty file of its size past `max_size`, as [`write_files`] does); any
/// other answer is read past. Returns whether a file was written.
fn copy_followed(
    reader: &mut impl BufRead,
    target: &Path,
    max_size: u64,
) -> Result<bool, GitError> {
    let ended = || GitError::Failed {
        command: "cat-file".into(),
        message: "output ended early".into(),
    };
    let mut header = String::new();
    if reader.read_line(&mut header).unwrap_or(0) == 0 {
        return Err(ended());
    }
    // `<request> missing` (or `ambiguous`): nothing follows. The request may hold spaces.
    let line = header.trim_end();
    if line.ends_with(" missing") || line.ends_with(" ambiguous") {
        return Ok(false);
    }
    let fields: Vec<&str> = line.split(' ').collect();
    let (kind, size) = match fields.as_slice() {
        // `<oid> <type> <size>`: the object the link leads to.
        [_, kind, size] => (*kind, size.parse::<u64>().ok()),
        // `symlink|dangling|loop|notdir <size>`, then that many bytes naming the path.
        [kind, size] => (*kind, size.parse::<u64>().ok()),
        _ => (line, None),
    };
    let Some(size) = size else {
        return Err(GitError::Failed {
            command: "cat-file".into(),
            message: format!("unexpected header `{}`", header.trim()),
        });
    };
    let body = Read::take(&mut *reader, size);
    let copied = if kind == "blob" && size <= max_size {
        let mut file = create(target).map_err(|e| write_error(target, &e))?;
        std::io::copy(&mut { body }, &mut file).map_err(|e| write_error(target, &e))?
    } else {
        let copied = std::io::copy(&mut { body }, &mut std::io::sink()).map_err(|_| ended())?;
        if kind == "blob" {
            create(target)
                .and_then(|file| file.set_len(size))
                .map_err(|e| write_error(target, &e))?;
        }
        copied
    };
    let mut newline = [0u8; 1];
    if copied != size || reader.read_exact(&mut newline).is_err() {
        return Err(ended());
    }
    Ok(kind == "blob")
}

/// Copies the next blob of `git cat-file --batch` output into `target`.
fn copy_blob(reader: &mut impl BufRead, target: &Path) -> Result<(), GitError> {
    let ended = || GitError::Failed {
        command: "cat-file".into(),
        message: "output ended early".into(),
    };
    let mut header = String::new();
    if reader.read_line(&mut header).unwrap_or(0) == 0 {
        return Err(ended());
    }
    let size: Option<u64> = header
        .split_whitespace()
        .nth(2)
        .and_then(|s| s.parse().ok());
    let Some(size) = size else {
        return Err(GitError::Failed {
            command: "cat-file".into(),
            message: format!("unexpected header `{}`", header.trim()),
        });
    };
    let mut file = create(target).map_err(|e| write_error(target, &e))?;
    let copied = std::io::copy(&mut Read::take(&mut *reader, size), &mut file)
        .map_err(|e| write_error(target, &e))?;
    let mut newline = [0u8; 1];
    if copied != size || reader.read_exact(&mut newline).is_err() {
        return Err(ended());
    }
    Ok(())
}

/// Creates `target` and the directories above it.
fn create(target: &Path) -> std::io::Result<File> {
    if let Some(dir) = target.parent() {
        std::fs::create_dir_all(dir)?;
    }
    File::create(target)
}

fn write_error(target: &Path, e: &std::io::Error) -> GitError {
    GitError::Write {
        path: target.display().to_string(),
        message: e.to_string(),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A repository with one commit of `files` (path, content); returns it and the commit.
    fn repository(files: &[(&str, &str)]) -> (tempfile::TempDir, String) {
        repository_with_links(files, &[])
    }

    /// As [`repository`], with symbolic links (path, target) committed too.
    fn repository_with_links(
        files: &[(&str, &str)],
        links: &[(&str, &str)],
    ) -> (tempfile::TempDir, String) {
        let dir = tempfile::tempdir().unwrap();
        for (path, content) in files {
            let target = dir.path().join(path);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::write(target, content).unwrap();
        }
        for (path, target) in links {
            let at = dir.path().join(path);
            std::fs::create_dir_all(at.parent().unwrap()).unwrap();
            std::os::unix::fs::symlink(target, at).unwrap();
        }
        let run = |args: &[&str]| {
            let out = Command::new("git")
                .arg("-C")
                .arg(dir.path())
                .args(args)
                .env("GIT_AUTHOR_NAME", "Test")
                .env("GIT_AUTHOR_EMAIL", "test@example.com")
                .env("GIT_COMMITTER_NAME", "Test")
                .env("GIT_COMMITTER_EMAIL", "test@example.com")
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8(out.stdout).unwrap()
        };
        run(&["init", "-q", "-b", "main"]);
        run(&["add", "-A"]);
        run(&["commit", "-q", "-m", "base"]);
        let commit = run(&["rev-parse", "HEAD"]).trim().to_string();
        (dir, commit)
    }

    /// Every file under `dir`, relative, sorted.
    fn files_under(dir: &Path) -> Vec<String> {
        let mut out: Vec<String> = walkdir::WalkDir::new(dir)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e.path().strip_prefix(dir).unwrap();
                rel.to_string_lossy().replace('\\', "/")
            })
            .collect();
        out.sort();
        out
    }

    const TREE: &[(&str, &str)] = &[
        ("aicost-policy.toml", "required_tags = [\"team\"]\n"),
        ("policies/gpu.cedar", "// extra policies\n"),
        ("policies/drafts/old.cedar", "// not read: policy directories are not recursive\n"),
        ("envs/prod/main.tf", "module \"pool\" {\n  source = \"../../modules/gpu_pool\"\n}\n\nmodule \"outside\" {\n  source = \"../../../../elsewhere\"\n}\n\nmodule \"eks\" {\n  source  = \"terraform-aws-modules/eks/aws\"\n  version = \"~> 20.0\"\n}\n"),
        ("envs/prod/terraform.tfvars", "instance_type = \"p5.48xlarge\"\n"),
        ("envs/prod/README.md", "# Production\n"),
        ("envs/prod/k8s/vllm.yaml", "apiVersion: apps/v1\nkind: Deployment\n"),
        ("envs/prod/k8s/recording.yaml", "# A recorded stream, larger than the limit of this test: every object the cluster\n# served on the day of the incident, kept for the post-mortem and never applied.\n# It is exported as a file of its size only, which the loader refuses unread.\nkind: List\nitems: []\n"),
        ("envs/dev/main.tf", "module \"pool\" {\n  source = \"../../modules/gpu_pool\"\n}\n"),
        ("modules/gpu_pool/main.tf", "module \"nodes\" {\n  source = \"./nodes\"\n}\n"),
        ("modules/gpu_pool/variables.tf", "variable \"instance_type\" {}\n"),
        ("modules/gpu_pool/CHANGELOG.md", "## 1.0\n"),
        ("modules/gpu_pool/nodes/main.tf", "resource \"aws_instance\" \"node\" {}\n"),
        ("modules/unused/main.tf", "resource \"aws_instance\" \"x\" {}\n"),
        ("models/weights.safetensors", "not configuration"),
    ];

    #[test]
    fn links_are_written_as_the_files_they_lead_to_inside_the_tree() {
        let (repo, commit) = repository_with_links(
            &[
                ("shared/providers.tf", "provider \"aws\" {}\n"),
                ("shared/big.tf", &"#".repeat(300)),
                ("envs/a/main.tf", "resource \"aws_instance\" \"a\" {}\n"),
            ],
            &[
                ("envs/a/providers.tf", "../../shared/providers.tf"),
                // A link to a link, to a file over the size limit, out of the tree,
                // to nothing, to a directory.
                ("envs/a/again.tf", "providers.tf"),
                ("envs/a/big.tf", "../../shared/big.tf"),
                ("envs/a/outside.tf", "../../../etc/passwd.tf"),
                ("envs/a/dangling.tf", "nothing.tf"),
                ("envs/a/dir.tf", "../../shared"),
            ],
        );
        let dest = tempfile::tempdir().unwrap();
        let selection = Selection {
            scanned: vec!["envs/a".into()],
            max_file_size: 256,
            ..Selection::default()
        };
        let written = export(repo.path(), &commit, &selection, dest.path()).unwrap();
        let expected = [
            "envs/a/again.tf",
            "envs/a/big.tf",
            "envs/a/main.tf",
            "envs/a/providers.tf",
        ];
        assert_eq!(files_under(dest.path()), expected);
        assert_eq!(written, expected.len());
        let read = |p: &str| std::fs::read(dest.path().join(p)).unwrap();
        assert_eq!(read("envs/a/providers.tf"), b"provider \"aws\" {}\n");
        assert_eq!(read("envs/a/again.tf"), b"provider \"aws\" {}\n");
        assert_eq!(read("envs/a/big.tf"), vec![0; 300]);
    }

    #[test]
    fn only_what_the_scanned_paths_read_and_reference_is_written() {
        let (repo, commit) = repository(TREE);
        let dest = tempfile::tempdir().unwrap();
        let selection = Selection {
            scanned: vec!["envs/prod".into()],
            files: vec!["aicost-policy.toml".into(), "aicost-usage.yml".into()],
            policies: vec!["policies".into()],
            max_file_size: 256,
        };
        let written = export(repo.path(), &commit, &selection, dest.path()).unwrap();
        let expected = [
            "aicost-policy.toml",
            "envs/prod/k8s/recording.yaml",
            "envs/prod/k8s/vllm.yaml",
            "envs/prod/main.tf",
            "envs/prod/terraform.tfvars",
            "modules/gpu_pool/main.tf",
            "modules/gpu_pool/nodes/main.tf",
            "modules/gpu_pool/variables.tf",
            "policies/gpu.cedar",
        ];
        assert_eq!(files_under(dest.path()), expected);
        assert_eq!(written, expected.len());
        let read = |p: &str| std::fs::read(dest.path().join(p)).unwrap();
        assert_eq!(
            read("modules/gpu_pool/variables.tf"),
            b"variable \"instance_type\" {}\n"
        );
        // Over the limit: the size is kept, so the loader refuses it as it does on the
        // head, but nothing was copied.
        let big = read("envs/prod/k8s/recording.yaml");
        assert_eq!(big.len(), 262);
        assert!(big.iter().all(|b| *b == 0));
    }

    #[test]
    fn a_scanned_file_stands_for_itself_or_its_directory() {
        let (repo, commit) = repository(TREE);
        let dest = tempfile::tempdir().unwrap();
        let selection = Selection {
            scanned: vec![
                "envs/prod/main.tf".into(),
                "envs/dev/../prod/k8s/vllm.yaml".into(),
            ],
            max_file_size: 1024,
            ..Selection::default()
        };
        export(repo.path(), &commit, &selection, dest.path()).unwrap();
        assert_eq!(
            files_under(dest.path()),
            [
                "envs/prod/main.tf",
                "envs/prod/terraform.tfvars",
                "modules/gpu_pool/main.tf",
                "modules/gpu_pool/nodes/main.tf",
                "modules/gpu_pool/variables.tf",
            ]
        );
        let dest = tempfile::tempdir().unwrap();
        let selection = Selection {
            scanned: vec!["envs/prod/k8s/vllm.yaml".into()],
            max_file_size: 1024,
            ..Selection::default()
        };
        export(repo.path(), &commit, &selection, dest.path()).unwrap();
        assert_eq!(files_under(dest.path()), ["envs/prod/k8s/vllm.yaml"]);
    }

    #[test]
    fn module_sources_are_joined_inside_the_tree_only() {
        assert_eq!(
            join_relative("envs/prod", "../../modules/a"),
            Some("modules/a".into())
        );
        assert_eq!(
            join_relative("envs/prod", "./x/./y"),
            Some("envs/prod/x/y".into())
        );
        assert_eq!(join_relative("", "."), Some(String::new()));
        assert_eq!(join_relative("envs", "../../x"), None);
    }
}
