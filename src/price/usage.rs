//! The usage file (`aicost-usage.yml`): usage values for what is billed by use — hours a
//! dev machine runs, stored gigabytes, tokens — per resource type and per address. Keys
//! are checked exactly: a typo is an error with a suggestion, never silently ignored.
//!
//! ```yaml
//! version: 1
//! resource_type_defaults:
//!   aws_sagemaker_notebook_instance:
//!     monthly_hours: 160
//! resources:
//!   aws_s3_bucket.datasets:
//!     storage_gb: 50000
//!   module.llm.azurerm_cognitive_deployment.chat[*]:
//!     monthly_input_tokens: 200000000
//! ```
//!
//! Values for a resource merge per key: type defaults, then `name[*]` (every instance of a
//! block), then the exact address. A value is read through its method, which marks it read:
//! a value given to resources of the scan that none of their estimates reads is an input
//! error at its line ([`Usage::unused`]), never silently ignored.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::sync::Arc;

use rust_decimal::Decimal;
use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::model::{InputError, Location, Resource};

/// The file name looked for next to the configuration and the scanned path.
pub const FILE_NAME: &str = "aicost-usage.yml";

/// The values a resource can be given, in the order of [`UsageValues`]' read marks.
const VALUE_KEYS: [&str; 5] = [
    "monthly_hours",
    "storage_gb",
    "monthly_input_tokens",
    "monthly_output_tokens",
    "monthly_cached_input_tokens",
];
const HOURS: usize = 0;
const STORAGE_GB: usize = 1;
const INPUT_TOKENS: usize = 2;
const OUTPUT_TOKENS: usize = 3;
const CACHED_INPUT_TOKENS: usize = 4;

/// Usage values for one resource. Every value is optional; reading one through its method
/// marks it read, so that a value given in the file but never read by the resource's
/// estimate is reported instead of ignored ([`Usage::unused`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UsageValues {
    given: Given,
    /// Bit `i`: the estimate asked for `VALUE_KEYS[i]`, given or not.
    read: Cell<u8>,
}

/// Values as the file gives them, with the line of each.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Given {
    values: [Option<Decimal>; 5],
    lines: [Option<u32>; 5],
}

impl UsageValues {
    fn get(&self, i: usize) -> Option<Decimal> {
        self.read.set(self.read.get() | (1 << i));
        self.given.values.get(i).copied().flatten()
    }

    /// Hours a machine or pod runs per month (730 when not given).
    pub fn monthly_hours(&self) -> Option<Decimal> {
        self.get(HOURS)
    }

    /// Gigabytes stored (object storage billed by use).
    pub fn storage_gb(&self) -> Option<Decimal> {
        self.get(STORAGE_GB)
    }

    /// Tokens per month sent to a model.
    pub fn monthly_input_tokens(&self) -> Option<Decimal> {
        self.get(INPUT_TOKENS)
    }

    /// Tokens per month a model generates.
    pub fn monthly_output_tokens(&self) -> Option<Decimal> {
        self.get(OUTPUT_TOKENS)
    }

    /// Cached input tokens per month (Azure OpenAI).
    pub fn monthly_cached_input_tokens(&self) -> Option<Decimal> {
        self.get(CACHED_INPUT_TOKENS)
    }

    /// Values for a resource that runs `hours` a month.
    pub fn with_hours(hours: Decimal) -> UsageValues {
        let mut v = UsageValues::default();
        v.given.values[HOURS] = Some(hours);
        v
    }

    /// Values for a model sent `input` and generating `output` tokens a month.
    pub fn with_tokens(input: Decimal, output: Decimal) -> UsageValues {
        let mut v = UsageValues::default();
        v.given.values[INPUT_TOKENS] = Some(input);
        v.given.values[OUTPUT_TOKENS] = Some(output);
        v
    }

    /// The keys the estimate asked for, given or not.
    fn read_keys(&self) -> Vec<&'static str> {
        VALUE_KEYS
            .iter()
            .enumerate()
            .filter(|(i, _)| self.read.get() & (1 << i) != 0)
            .map(|(_, k)| *k)
            .collect()
    }
}

impl Given {
    /// `other`'s values where it has them, else ours.
    fn overlay(&mut self, other: &Given) {
        for i in 0..VALUE_KEYS.len() {
            if let (Some(mine), Some(theirs)) = (self.values.get_mut(i), other.values.get(i)) {
                if theirs.is_some() {
                    *mine = *theirs;
                    if let (Some(line), Some(at)) = (self.lines.get_mut(i), other.lines.get(i)) {
                        *line = *at;
                    }
                }
            }
        }
    }
}

/// One entry of the file, as written: each value with where it is.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    monthly_hours: Option<Spanned<Decimal>>,
    storage_gb: Option<Spanned<Decimal>>,
    monthly_input_tokens: Option<Spanned<Decimal>>,
    monthly_output_tokens: Option<Spanned<Decimal>>,
    monthly_cached_input_tokens: Option<Spanned<Decimal>>,
}

impl Entry {
    fn values(self) -> Given {
        let mut v = Given::default();
        let given = [
            self.monthly_hours,
            self.storage_gb,
            self.monthly_input_tokens,
            self.monthly_output_tokens,
            self.monthly_cached_input_tokens,
        ];
        for (i, value) in given.into_iter().enumerate() {
            if let (Some(slot), Some(line), Some(value)) =
                (v.values.get_mut(i), v.lines.get_mut(i), value)
            {
                *slot = Some(value.value);
                *line = u32::try_from(value.referenced.line()).ok();
            }
        }
        v
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UsageFile {
    version: u32,
    #[serde(default)]
    resource_type_defaults: BTreeMap<String, Entry>,
    #[serde(default)]
    resources: BTreeMap<String, Entry>,
}

/// Usage values from the usage file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Usage {
    by_type: BTreeMap<String, Given>,
    by_address: BTreeMap<String, Given>,
    /// The file's name and text, for errors that point into it.
    file: Option<(Arc<str>, Arc<str>)>,
}

impl Usage {
    /// The merged values for one resource.
    pub fn for_resource(&self, resource_type: &str, address: &str) -> UsageValues {
        let mut values = self.by_type.get(resource_type).cloned().unwrap_or_default();
        if let Some(v) =
            instance_base(address).and_then(|base| self.by_address.get(&format!("{base}[*]")))
        {
            values.overlay(v);
        }
        if let Some(v) = self.by_address.get(address) {
            values.overlay(v);
        }
        UsageValues {
            given: values,
            read: Cell::new(0),
        }
    }

    /// Reads a usage file. `name` is how errors name it.
    pub fn parse(text: &str, name: &str) -> Result<Usage, InputError> {
        let options = serde_saphyr::Options::default();
        let file: UsageFile = serde_saphyr::from_str_with_options(text, options)
            .map_err(|e| error(&e, text, name))?;
        if file.version != 1 {
            let offset = text.find("version").unwrap_or(0);
            return Err(InputError::new(
                Location::from_span(name.into(), text, offset, offset),
                format!("unsupported usage file version {}", file.version),
            )
            .with_help("write `version: 1`"));
        }
        let values = |entries: BTreeMap<String, Entry>| {
            entries.into_iter().map(|(k, e)| (k, e.values())).collect()
        };
        Ok(Usage {
            by_type: values(file.resource_type_defaults),
            by_address: values(file.resources),
            file: Some((name.into(), text.into())),
        })
    }

    /// An input error at every value of the file that was given to resources of the scan
    /// and read by none of their estimates: a value is either used or rejected, never
    /// silently ignored. `usages[i]` is what `resources[i]`'s estimate was given and read.
    /// A value for resources the scan does not hold is not judged.
    pub fn unused(&self, resources: &[Resource], usages: &[UsageValues]) -> Vec<InputError> {
        let Some((name, text)) = &self.file else {
            return Vec::new();
        };
        // (line, key) of each value given → whether some estimate read it, and the
        // resources whose estimates did not (with the keys they read).
        let mut given: BTreeMap<(u32, usize), Occurrence<'_>> = BTreeMap::new();
        for (r, u) in resources.iter().zip(usages) {
            let read = u.read.get();
            for i in 0..VALUE_KEYS.len() {
                let Some(Some(line)) = u.given.lines.get(i) else {
                    continue;
                };
                let entry = given.entry((*line, i)).or_default();
                if read & (1 << i) != 0 {
                    entry.read = true;
                } else {
                    entry.ignored_by.push((r, u.read_keys()));
                }
            }
        }
        given
            .into_iter()
            .filter(|(_, o)| !o.read)
            .filter_map(|((line, i), o)| {
                let key = VALUE_KEYS.get(i)?;
                let ignored = o.ignored_by;
                let (first, keys) = ignored.first()?;
                let who = match ignored.len() {
                    1 => first.address.clone(),
                    n => format!("{} and {} more", first.address, n - 1),
                };
                let reads = if keys.is_empty() {
                    "reads no usage values".to_string()
                } else {
                    format!("reads only {}", keys.join(", "))
                };
                let offset = crate::model::line_start_offset(text, line);
                let at = text
                    .get(offset..)
                    .and_then(|rest| rest.find(key).map(|i| offset + i))
                    .unwrap_or(offset);
                Some(
                    InputError::new(
                        Location::from_span(name.clone(), text, at, at + key.len()),
                        format!(
                            "`{key}` is not used: the estimate of {who} ({}) {reads}",
                            first.resource_type
                        ),
                    )
                    .with_help(format!("remove it: {key} is read for {}", used_by(key))),
                )
            })
            .collect()
    }
}

/// One value of the file, as the scan's estimates used it.
#[derive(Default)]
struct Occurrence<'a> {
    read: bool,
    ignored_by: Vec<(&'a Resource, Vec<&'static str>)>,
}

/// Which estimates read a value, for help texts.
fn used_by(key: &str) -> &'static str {
    match key {
        "monthly_hours" => {
            "machines (instances, node groups and pools, VMs, endpoints, notebooks) and pods"
        }
        "storage_gb" => "S3 and Cloud Storage buckets",
        "monthly_cached_input_tokens" => "Azure OpenAI deployments",
        _ => "Azure OpenAI deployments and LLM routes",
    }
}

/// The address without its trailing instance key: `aws_s3_bucket.b` of `aws_s3_bucket.b[0]`
/// and of `aws_s3_bucket.b["a[1]"]` (a `for_each` key may itself contain brackets and
/// escaped quotes); `None` when the address has no instance key.
fn instance_base(address: &str) -> Option<&str> {
    let body = address.strip_suffix(']')?;
    let Some(key) = body.strip_suffix('"') else {
        return body.rfind('[').and_then(|p| body.get(..p));
    };
    // The opening quote is the last one not escaped by an odd number of backslashes.
    let mut end = key.len();
    while let Some(q) = key.get(..end).and_then(|k| k.rfind('"')) {
        let before = key.get(..q).unwrap_or("");
        let backslashes = before.chars().rev().take_while(|c| *c == '\\').count();
        if backslashes % 2 == 0 {
            return before.strip_suffix('[');
        }
        end = q;
    }
    None
}

/// Every key the file accepts, for suggestions.
const KEYS: &[&str] = &[
    "version",
    "resource_type_defaults",
    "resources",
    "monthly_hours",
    "storage_gb",
    "monthly_input_tokens",
    "monthly_output_tokens",
    "monthly_cached_input_tokens",
];

fn error(e: &serde_saphyr::Error, text: &str, name: &str) -> InputError {
    let inner = e.without_snippet();
    let location = match inner.location() {
        Some(l) => {
            let line = u32::try_from(l.line()).unwrap_or(1);
            let offset = crate::model::line_start_offset(text, line);
            let column = usize::try_from(l.column()).unwrap_or(1).saturating_sub(1);
            let start = text
                .get(offset..)
                .and_then(|rest| rest.char_indices().nth(column).map(|(i, _)| offset + i))
                .unwrap_or(offset);
            Location::from_span(name.into(), text, start, start)
        }
        None => Location::file_start(name.into()),
    };
    if let serde_saphyr::Error::SerdeUnknownField { field, .. } = inner {
        if field == "monthly_requests" {
            return InputError::new(
                location,
                "`monthly_requests` is not used: request charges (S3 GET and PUT requests, API calls) are not priced; the catalog has no per-request prices".to_string(),
            )
            .with_help(format!("remove it; the keys are: {}", KEYS.join(", ")));
        }
        let suggestion = crate::suggest::closest_above(field, KEYS.iter().copied(), 0.7);
        let help = match suggestion {
            Some(k) => format!("did you mean `{k}`?"),
            None => format!("the keys are: {}", KEYS.join(", ")),
        };
        return InputError::new(location, format!("unknown key `{field}` in the usage file"))
            .with_help(help);
    }
    InputError::new(
        location,
        format!("invalid usage file: {}", first_line(&inner.to_string())),
    )
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

/// The note of an estimate whose hours come from the usage file.
pub fn hours_note(hours: Decimal) -> String {
    format!(
        "{} hours a month, from the usage file",
        crate::model::grouped(hours)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn values_merge_from_type_to_wildcard_to_address() {
        let usage = Usage::parse(
            "version: 1\nresource_type_defaults:\n  aws_instance:\n    monthly_hours: 100\n    storage_gb: 5\nresources:\n  aws_instance.dev[*]:\n    monthly_hours: 160\n  aws_instance.dev[\"a\"]:\n    storage_gb: 7\n",
            "aicost-usage.yml",
        )
        .unwrap();
        let v = usage.for_resource("aws_instance", "aws_instance.dev[\"a\"]");
        assert_eq!(v.monthly_hours(), Some(d("160")));
        assert_eq!(v.storage_gb(), Some(d("7")));
        let v = usage.for_resource("aws_instance", "aws_instance.other");
        assert_eq!(v.monthly_hours(), Some(d("100")));
    }

    #[test]
    fn a_mistyped_key_is_an_error_with_a_suggestion_at_its_line() {
        let err = Usage::parse(
            "version: 1\nresources:\n  aws_s3_bucket.data:\n    storage_gbs: 10\n",
            "aicost-usage.yml",
        )
        .unwrap_err();
        assert_eq!(err.message, "unknown key `storage_gbs` in the usage file");
        assert_eq!(err.help.as_deref(), Some("did you mean `storage_gb`?"));
        assert_eq!(err.location.line, 4);
    }

    #[test]
    fn wildcards_match_for_each_keys_that_contain_brackets() {
        assert_eq!(instance_base("aws_s3_bucket.b[0]"), Some("aws_s3_bucket.b"));
        assert_eq!(
            instance_base(r#"aws_s3_bucket.b["a[1]"]"#),
            Some("aws_s3_bucket.b")
        );
        assert_eq!(
            instance_base(r#"module.m["x"].aws_s3_bucket.b["say \"[hi]\""]"#),
            Some(r#"module.m["x"].aws_s3_bucket.b"#)
        );
        assert_eq!(instance_base("module.m[0].aws_s3_bucket.b"), None);
        let usage = Usage::parse(
            "version: 1\nresources:\n  aws_s3_bucket.b[*]:\n    storage_gb: 5\n",
            "aicost-usage.yml",
        )
        .unwrap();
        let v = usage.for_resource("aws_s3_bucket", r#"aws_s3_bucket.b["a[1]"]"#);
        assert_eq!(v.storage_gb(), Some(d("5")));
        // Not an instance of the block: the wildcard does not apply.
        let v = usage.for_resource("aws_s3_bucket", "module.m[0].aws_s3_bucket.b");
        assert_eq!(v.storage_gb(), None);
    }

    #[test]
    fn a_wrong_version_is_an_error() {
        let err = Usage::parse("version: 2\n", "u.yml").unwrap_err();
        assert_eq!(err.message, "unsupported usage file version 2");
    }
}
