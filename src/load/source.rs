//! Reading input files safely: size limits, binary files and unreadable files become
//! messages, never panics, and every file is named by its repository-relative path.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crate::model::{InputError, LineIndex, Location, Span};

/// Files larger than this are skipped unless configured otherwise (10 MiB).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// One input file: its repository-relative path and its text.
#[derive(Debug)]
pub struct SourceFile {
    pub path: Arc<str>,
    pub text: Arc<str>,
    /// Built on first use, so a location costs a binary search, not a scan of the file.
    lines: OnceLock<Arc<LineIndex>>,
    /// Files whose syntax was merged into what was declared in this one (Terraform
    /// override files), each with the offset its spans were moved to: a span at or past
    /// that offset is in that file. Empty for every other file.
    pub overlays: Vec<(usize, Arc<SourceFile>)>,
}

impl SourceFile {
    pub fn new(path: Arc<str>, text: Arc<str>) -> SourceFile {
        SourceFile {
            path,
            text,
            lines: OnceLock::new(),
            overlays: Vec::new(),
        }
    }

    /// The same file with `overlays`: spans from this offset on belong to those files.
    pub fn with_overlays(mut self, overlays: Vec<(usize, Arc<SourceFile>)>) -> SourceFile {
        self.overlays = overlays;
        self
    }

    pub fn location(&self, span: Span) -> Location {
        // Overlays are sorted by offset; the last one at or before the span holds it.
        if let Some((offset, file)) = self.overlays.iter().rev().find(|(o, _)| span.0 >= *o) {
            return file.location((span.0 - offset, span.1.saturating_sub(*offset)));
        }
        self.lines()
            .location(self.path.clone(), &self.text, span.0, span.1)
    }

    /// The file's line index.
    pub fn lines(&self) -> &Arc<LineIndex> {
        self.lines
            .get_or_init(|| Arc::new(LineIndex::new(&self.text)))
    }
}

/// Turns absolute paths into the repository-relative, forward-slash paths reports use.
#[derive(Clone, Debug)]
pub struct PathNamer {
    root: PathBuf,
}

impl PathNamer {
    /// `root` should be canonical.
    pub fn new(root: PathBuf) -> PathNamer {
        PathNamer { root }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `infra/eks.tf` for a file under the root; the path as given otherwise.
    pub fn name(&self, path: &Path) -> Arc<str> {
        let Ok(rel) = path.strip_prefix(&self.root) else {
            return Arc::from(path.to_string_lossy().as_ref());
        };
        let text = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        if text.is_empty() {
            Arc::from(".")
        } else {
            Arc::from(text.as_str())
        }
    }
}

/// Reads a text file, refusing ones that are too large, binary or not UTF-8.
pub fn read_source(
    path: &Path,
    name: Arc<str>,
    max_size: u64,
) -> Result<Arc<SourceFile>, InputError> {
    let here = Location::file_start(name.clone());
    let file = open_regular(path).map_err(|e| {
        let help = match e {
            OpenError::NotRegular(_) => "only regular files are read; remove it, or exclude it",
            OpenError::Io(_) => "check that the file exists and is readable",
        };
        InputError::new(here.clone(), format!("cannot read the file: {e}")).with_help(help)
    })?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    if size > max_size {
        return Err(InputError::new(
            here,
            format!("the file is {size} bytes, over the {max_size}-byte limit, and was skipped"),
        )
        .with_help("raise `max_file_size` in aicost-policy.toml, or exclude the file"));
    }
    read_text(
        file,
        name,
        max_size,
        &Subject {
            what: "the file",
            refused: "was skipped",
        },
    )
}

/// Why a file was not opened.
#[derive(Debug)]
pub enum OpenError {
    /// A directory, FIFO, socket or device: what it is.
    NotRegular(&'static str),
    Io(std::io::Error),
}

impl std::fmt::Display for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OpenError::NotRegular(what) => write!(f, "it is {what}, not a regular file"),
            OpenError::Io(e) => e.fmt(f),
        }
    }
}

/// Opens `path` for reading when it is a regular file (links followed). Anything else is
/// refused before it is opened: opening a FIFO waits for a writer, forever if none comes,
/// and a device may never end.
pub fn open_regular(path: &Path) -> Result<std::fs::File, OpenError> {
    let metadata = std::fs::metadata(path).map_err(OpenError::Io)?;
    if !metadata.is_file() {
        return Err(OpenError::NotRegular(kind_of(&metadata)));
    }
    std::fs::File::open(path).map_err(OpenError::Io)
}

/// What a file that is not a regular file is, in words.
pub fn kind_of(metadata: &std::fs::Metadata) -> &'static str {
    let kind = metadata.file_type();
    if kind.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_block_device() || kind.is_char_device() {
            return "a device";
        }
    }
    "a special file"
}

/// How messages name an input: `the file` ... `was skipped`.
pub struct Subject {
    pub what: &'static str,
    pub refused: &'static str,
}

/// Reads text from `reader`, refusing more than `max_size` bytes, binary (NUL bytes) and
/// non-UTF-8 input; a UTF-8 byte order mark is dropped.
pub fn read_text(
    reader: impl Read,
    name: Arc<str>,
    max_size: u64,
    subject: &Subject,
) -> Result<Arc<SourceFile>, InputError> {
    let Subject { what, refused } = subject;
    let here = Location::file_start(name.clone());
    let mut bytes = Vec::new();
    reader
        .take(max_size.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| InputError::new(here.clone(), format!("cannot read {what}: {e}")))?;
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > max_size {
        return Err(InputError::new(
            here,
            format!("{what} is over the {max_size}-byte limit and {refused}"),
        )
        .with_help("raise `max_file_size` in aicost-policy.toml or pass --max-file-size"));
    }
    if bytes.contains(&0) {
        return Err(InputError::new(
            here,
            format!("{what} looks binary (it contains NUL bytes) and {refused}"),
        ));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        InputError::new(
            here.clone(),
            format!(
                "{what} is not valid UTF-8 (at byte {}) and {refused}",
                e.utf8_error().valid_up_to()
            ),
        )
    })?;
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text);
    Ok(Arc::new(SourceFile::new(name, Arc::from(text))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_relative_with_forward_slashes() {
        let namer = PathNamer::new(PathBuf::from("/repo"));
        assert_eq!(
            namer.name(Path::new("/repo/infra/eks.tf")).as_ref(),
            "infra/eks.tf"
        );
        assert_eq!(namer.name(Path::new("/repo")).as_ref(), ".");
        assert_eq!(
            namer.name(Path::new("/elsewhere/x.tf")).as_ref(),
            "/elsewhere/x.tf"
        );
    }

    #[test]
    fn binary_and_oversized_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("a.tf");
        std::fs::write(&bin, b"resource \0").unwrap();
        let err = read_source(&bin, "a.tf".into(), 100).unwrap_err();
        assert!(err.message.contains("binary"), "{err:?}");
        let big = dir.path().join("b.tf");
        std::fs::write(&big, vec![b'a'; 200]).unwrap();
        let err = read_source(&big, "b.tf".into(), 100).unwrap_err();
        assert_eq!(
            err.message,
            "the file is 200 bytes, over the 100-byte limit, and was skipped"
        );
    }
}
