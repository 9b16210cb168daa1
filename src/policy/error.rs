//! Errors from loading policies, as compiler-style diagnostics: each carries the `.cedar`
//! file's name and text and labelled spans, so `miette::Report` shows the file, line and a
//! caret. Cedar's own parse and validation errors are copied into the same shape (their
//! spans point into the text they were parsed from, which is the whole file). Does not
//! print anything.

use std::fmt;

use miette::{Diagnostic, LabeledSpan, NamedSource, SourceSpan};

use crate::model::IndexedSource;

/// One problem with a policy file.
#[derive(Clone, Debug)]
pub struct PolicyLoadError {
    message: String,
    code: String,
    help: Option<String>,
    file: Option<String>,
    line: Option<u32>,
    source: Option<NamedSource<IndexedSource>>,
    labels: Vec<LabeledSpan>,
    warning: bool,
}

impl PolicyLoadError {
    /// An error that is not about a place in a file (a directory that cannot be read).
    pub(crate) fn plain(code: &str, message: impl Into<String>) -> PolicyLoadError {
        PolicyLoadError {
            message: message.into(),
            code: code.to_string(),
            help: None,
            file: None,
            line: None,
            source: None,
            labels: Vec::new(),
            warning: false,
        }
    }

    /// An error at byte range `start..end` of `text`, the contents of `file`.
    pub(crate) fn at(
        code: &str,
        message: impl Into<String>,
        file: &str,
        text: &IndexedSource,
        start: usize,
        end: usize,
        label: impl Into<String>,
    ) -> PolicyLoadError {
        let label = LabeledSpan::new_primary_with_span(
            Some(label.into()),
            SourceSpan::from(start..end.max(start)),
        );
        PolicyLoadError::plain(code, message).in_file(file, text, vec![label])
    }

    /// A copy of one of Cedar's diagnostics, with its spans shown in `file`. When Cedar
    /// gives no span, `fallback` (a byte range of `text`) is labelled instead.
    pub(crate) fn from_cedar(
        code: &str,
        diagnostic: &dyn Diagnostic,
        file: &str,
        text: &IndexedSource,
        fallback: (usize, usize),
    ) -> PolicyLoadError {
        let mut labels: Vec<LabeledSpan> =
            diagnostic.labels().map(|l| l.collect()).unwrap_or_default();
        let in_range = labels
            .iter()
            .all(|l| l.offset().saturating_add(l.len()) <= text.text().len());
        if labels.is_empty() || !in_range {
            labels = vec![LabeledSpan::new_primary_with_span(
                None,
                SourceSpan::from(fallback.0..fallback.1.max(fallback.0)),
            )];
        }
        let code = diagnostic
            .code()
            .map_or(code.to_string(), |c| c.to_string());
        let mut e =
            PolicyLoadError::plain(&code, diagnostic.to_string()).in_file(file, text, labels);
        e.help = diagnostic.help().map(|h| h.to_string());
        e
    }

    fn in_file(mut self, file: &str, text: &IndexedSource, labels: Vec<LabeledSpan>) -> Self {
        let first = labels
            .iter()
            .find(|l| l.primary())
            .or(labels.first())
            .map(LabeledSpan::offset);
        self.line = first.map(|o| text.lines().line_col(text.text(), o).0);
        self.file = Some(file.to_string());
        self.source = Some(NamedSource::new(file, text.clone()).with_language("cedar"));
        self.labels = labels;
        self
    }

    pub(crate) fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub(crate) fn into_warning(mut self) -> Self {
        self.warning = true;
        self
    }

    /// What is wrong (lowercase, no final period).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// A stable code: `aicost::policy::annotation`, or Cedar's own code.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// How to fix it, where there is advice.
    pub fn help(&self) -> Option<&str> {
        self.help.as_deref()
    }

    /// The policy file, as given (built-in files are named `builtin/<name>.cedar`).
    pub fn file(&self) -> Option<&str> {
        self.file.as_deref()
    }

    /// The 1-based line of the first label.
    pub fn line(&self) -> Option<u32> {
        self.line
    }

    /// Whether this is a warning (Cedar's validation warnings) rather than an error.
    pub fn is_warning(&self) -> bool {
        self.warning
    }
}

impl fmt::Display for PolicyLoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for PolicyLoadError {}

impl Diagnostic for PolicyLoadError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(if self.warning {
            miette::Severity::Warning
        } else {
            miette::Severity::Error
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display + 'a>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }
}

/// Every problem found while loading policies; loading reports all of them at once.
#[derive(Clone, Debug)]
pub struct PolicyLoadErrors {
    pub errors: Vec<PolicyLoadError>,
}

impl fmt::Display for PolicyLoadErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.errors.len() {
            1 => f.write_str("could not load policies: 1 error"),
            n => write!(f, "could not load policies: {n} errors"),
        }
    }
}

impl std::error::Error for PolicyLoadErrors {}

impl Diagnostic for PolicyLoadErrors {
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        Some(Box::new(self.errors.iter().map(|e| e as &dyn Diagnostic)))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[test]
    fn reports_show_the_file_name_and_line() {
        let text = IndexedSource::of(Arc::from(
            "forbid (principal, action, resource)\nwhen { nope };\n",
        ));
        let e = PolicyLoadError::at(
            "aicost::policy::test",
            "something is wrong",
            "policies/x.cedar",
            &text,
            44,
            48,
            "here",
        )
        .with_help("fix it");
        assert_eq!(e.file(), Some("policies/x.cedar"));
        assert_eq!(e.line(), Some(2));
        let rendered = format!(
            "{:?}",
            miette::Report::new(PolicyLoadErrors { errors: vec![e] })
        );
        assert!(rendered.contains("policies/x.cedar:2:8"), "{rendered}");
        assert!(rendered.contains("something is wrong"), "{rendered}");
        assert!(rendered.contains("fix it"), "{rendered}");
    }
}
