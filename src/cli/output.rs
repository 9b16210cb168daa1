//! Writing reports: every `--format`/`--output` pair of a run, and the GitHub job summary.

use std::io::Write;
use std::path::Path;

use super::args::{Format, OutputTarget};
use super::exit;

/// Renders each target's format once and writes it to its file or standard output.
/// Every target is attempted; the first failure's exit code is returned.
pub fn write_targets(
    targets: &[OutputTarget],
    render: impl Fn(Format) -> String,
) -> Result<(), u8> {
    let mut result = Ok(());
    for target in targets {
        let rendered = render(target.format);
        if let Err(code) = write(&rendered, target.path.as_deref()) {
            result = result.and(Err(code));
        }
    }
    result
}

/// Writes one rendered report; a closed pipe is not an error.
pub fn write(rendered: &str, output: Option<&Path>) -> Result<(), u8> {
    let written = match output {
        Some(path) => std::fs::write(path, rendered.as_bytes()).map_err(|e| (path, e)),
        None => match std::io::stdout().write_all(rendered.as_bytes()) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            other => other.map_err(|e| (Path::new("standard output"), e)),
        },
    };
    written.map_err(|(path, e)| {
        eprintln!(
            "error: cannot write the report to {}: {e}\n  help: check that the directory exists and is writable",
            path.display()
        );
        exit::ERROR
    })
}

/// Appends the Markdown report to the file named by `GITHUB_STEP_SUMMARY`, as GitHub
/// Actions expects, when that variable is set. A failure is a warning: the job summary is
/// a convenience and must not change the outcome of the run.
pub fn append_step_summary(render_markdown: impl FnOnce() -> String) {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return;
    };
    let markdown = render_markdown();
    let appended = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut f| f.write_all(markdown.as_bytes()));
    if let Err(e) = appended {
        eprintln!(
            "warning: cannot append to the job summary {}: {e}",
            Path::new(&path).display()
        );
    }
}
