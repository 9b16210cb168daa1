//! Writing reports: every `--format`/`--output` pair of a run, and the GitHub job summary.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{ArgMatches, ValueEnum};

use super::args::Format;
use super::exit;

/// One report to write: its format, and the file (`None` for standard output).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputTarget {
    pub format: Format,
    pub path: Option<PathBuf>,
}

/// Pairs `--format` and `--output` by their place on the command line: an `--output`
/// belongs to the nearest `--format` before it. With one `--format` (or none, meaning
/// text), a single `--output` goes with it wherever it was written.
pub fn output_targets(matches: &ArgMatches) -> Result<Vec<OutputTarget>, String> {
    let targets = pair_targets(matches)?;
    for path in targets.iter().filter_map(|t| t.path.as_deref()) {
        refuse_format_name(path)?;
    }
    Ok(targets)
}

/// `-o json` (Checkov's flag for the format) would write the text report to a file named
/// `json`: a bare format name with no extension and no directory is refused. `./json`
/// still writes a file of that name.
fn refuse_format_name(path: &Path) -> Result<(), String> {
    let given = path.as_os_str().to_string_lossy();
    let is_format = Format::value_variants().iter().any(|f| f.name() == given);
    if is_format {
        return Err(format!(
            "--output {given} names a format, not a file\n  help: did you mean `--format {given}`? (`-o`/`--output` is the file the report is written to; write `./{given}` for a file of that name)"
        ));
    }
    Ok(())
}

fn pair_targets(matches: &ArgMatches) -> Result<Vec<OutputTarget>, String> {
    let formats: Vec<(usize, Format)> = match (
        matches.indices_of("formats"),
        matches.get_many::<Format>("formats"),
    ) {
        (Some(i), Some(f)) => i.zip(f.copied()).collect(),
        _ => Vec::new(),
    };
    let outputs: Vec<(usize, PathBuf)> = match (
        matches.indices_of("outputs"),
        matches.get_many::<PathBuf>("outputs"),
    ) {
        (Some(i), Some(o)) => i.zip(o.cloned()).collect(),
        _ => Vec::new(),
    };
    if formats.len() <= 1 {
        let format = formats.first().map_or(Format::Text, |(_, f)| *f);
        return match outputs.as_slice() {
            [] => Ok(vec![OutputTarget { format, path: None }]),
            [(_, path)] => Ok(vec![OutputTarget {
                format,
                path: Some(path.clone()),
            }]),
            _ => Err(format!(
                "--output was given {} times for one --format\n  help: write --format FORMAT --output FILE for each report",
                outputs.len()
            )),
        };
    }
    let mut targets: Vec<OutputTarget> = formats
        .iter()
        .map(|(_, format)| OutputTarget {
            format: *format,
            path: None,
        })
        .collect();
    for (index, path) in outputs {
        let owner = formats.iter().rposition(|(i, _)| *i < index);
        let Some(target) = owner.and_then(|o| targets.get_mut(o)) else {
            return Err(format!(
                "--output {} comes before any --format\n  help: with several formats, write each --output after its --format",
                path.display()
            ));
        };
        if target.path.is_some() {
            return Err(format!(
                "--format {} has more than one --output\n  help: repeat --format for each file",
                target.format.name()
            ));
        }
        target.path = Some(path);
    }
    let to_stdout: Vec<&str> = targets
        .iter()
        .filter(|t| t.path.is_none())
        .map(|t| t.format.name())
        .collect();
    if to_stdout.len() > 1 {
        return Err(format!(
            "formats {} would all be written to standard output\n  help: give all but one of them --output FILE",
            to_stdout.join(", ")
        ));
    }
    Ok(targets)
}

/// Renders each target's format once and writes it to its file or standard output.
/// Every target is attempted; the first failure's exit code is returned.
pub fn write_targets(
    targets: &[OutputTarget],
    render: impl Fn(Format) -> String,
) -> Result<(), u8> {
    stream_targets(targets, |format, w| w.write_all(render(format).as_bytes()))
}

/// As [`write_targets`], for reports that write themselves as they are made (JSON).
pub fn stream_targets(
    targets: &[OutputTarget],
    render: impl Fn(Format, &mut dyn Write) -> std::io::Result<()>,
) -> Result<(), u8> {
    let mut result = Ok(());
    for target in targets {
        let written = write_with(target.path.as_deref(), |w| render(target.format, w));
        if let Err(code) = written {
            result = result.and(Err(code));
        }
    }
    result
}

/// Writes one rendered report; a closed pipe is not an error.
pub fn write(rendered: &str, output: Option<&Path>) -> Result<(), u8> {
    write_with(output, |w| w.write_all(rendered.as_bytes()))
}

/// Gives `render` the file or standard output to write to, buffered; a closed pipe is
/// not an error.
fn write_with(
    output: Option<&Path>,
    render: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), u8> {
    let written = match output {
        Some(path) => std::fs::File::create(path)
            .and_then(|file| {
                let mut w = std::io::BufWriter::new(file);
                render(&mut w)?;
                w.flush()
            })
            .map_err(|e| (path, e)),
        None => {
            let mut w = std::io::BufWriter::new(std::io::stdout().lock());
            match render(&mut w).and_then(|()| w.flush()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => other.map_err(|e| (Path::new("standard output"), e)),
            }
        }
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
