//! What no output may carry: the credentials in a URL (a token in its user part or its
//! query), and values Terraform marks sensitive. Shared by every command that prints a URL
//! or a report, so each secret is taken out in one way only.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

pub use crate::model::SENSITIVE;
use crate::model::{format_number, Fact, Finding, Map, Resource, Sensitive, Unknown, Value};

/// A URL as it may be shown in a message: scheme, host, port and path only. The user
/// part (`https://x:TOKEN@host`), the query (`?token=...`) and the fragment are dropped,
/// and control characters are escaped. Text that does not parse as a URL gets the same
/// treatment by hand, so a rejected URL is never echoed with the credential it carries.
pub fn url(raw: &str) -> String {
    match reqwest::Url::parse(raw.trim()) {
        Ok(parsed) if parsed.has_host() => parsed_url(&parsed),
        _ => unparsed_url(raw),
    }
}

/// [`url`] for a URL already parsed.
pub fn parsed_url(url: &reqwest::Url) -> String {
    let host = url.host_str().unwrap_or("");
    let shown = match url.port() {
        Some(port) => format!("{}://{host}:{port}{}", url.scheme(), url.path()),
        None => format!("{}://{host}{}", url.scheme(), url.path()),
    };
    crate::report::escape::controls(&shown).into_owned()
}

/// Text that is not a valid URL: cut at the first `?` or `#`; without anything up to the
/// last `@` of the authority (after `://`, up to the next `/`), or, with no `://` to tell
/// where the authority is, up to the last `@` of all.
fn unparsed_url(raw: &str) -> String {
    let raw = raw.trim();
    let cut = raw
        .find(['?', '#'])
        .map_or(raw, |i| raw.get(..i).unwrap_or(""));
    let shown = match cut.split_once("://") {
        Some((scheme, rest)) => {
            let authority_end = rest.find('/').unwrap_or(rest.len());
            let authority = rest.get(..authority_end).unwrap_or("");
            let path = rest.get(authority_end..).unwrap_or("");
            let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
            format!("{scheme}://{host}{path}")
        }
        None => cut
            .rsplit_once('@')
            .map_or(cut, |(_, after)| after)
            .to_string(),
    };
    crate::report::escape::controls(&shown).into_owned()
}

/// Takes every value that comes from a sensitive value out of the report, once prices,
/// policies and budgets have used them: facts and tags become `(sensitive value)`, and the
/// sensitive values are taken out of the text made from them (cost lines, finding
/// messages, budget notes). Every renderer then shows the report as it is.
pub fn report(report: &mut crate::report::Report) {
    let mut by_resource: HashMap<(Arc<str>, String), BTreeSet<String>> = HashMap::new();
    let mut all = BTreeSet::new();
    for r in &mut report.resources {
        if r.sensitive.is_empty() {
            continue;
        }
        resource(r);
        all.extend(r.sensitive.texts.iter().cloned());
        by_resource.insert(
            (r.root.clone(), r.address.clone()),
            r.sensitive.texts.clone(),
        );
    }
    if all.is_empty() {
        return;
    }
    for f in &mut report.findings {
        // A finding of no resource (a budget) may quote any resource's text.
        let texts = by_resource
            .get(&(f.root.clone(), f.address.clone()))
            .unwrap_or(&all);
        finding(f, texts);
    }
    for b in &mut report.budgets {
        for m in &mut b.missing {
            *m = scrub(m, &all);
        }
    }
}

/// The resource as it may be shown: what [`Sensitive`] names replaced.
fn resource(r: &mut Resource) {
    let s = &r.sensitive;
    let shown = |f: &mut Fact<String>| {
        if f.known().is_some() {
            *f = Fact::Known(SENSITIVE.to_string());
        }
    };
    for key in &s.tag_values {
        if let Some(v) = r.tags.entries.get_mut(key) {
            shown(v);
        }
    }
    for key in &s.tag_keys {
        r.tags.entries.remove(key);
        r.tags
            .more
            .get_or_insert_with(|| Unknown::new("some tags come from a sensitive value"));
    }
    if s.hides(Sensitive::REGION) {
        r.region.iter_mut().for_each(shown);
    }
    if s.hides(Sensitive::ENVIRONMENT) {
        r.environment.iter_mut().for_each(shown);
    }
    if let Some(c) = &mut r.compute {
        if s.hides(Sensitive::INSTANCE_TYPE) {
            shown(&mut c.instance_type);
            if c.instance_types.known().is_some() {
                c.instance_types = Fact::Known(vec![SENSITIVE.to_string()]);
            }
        }
        if s.hides(Sensitive::ACCELERATOR) {
            c.accelerator = hidden();
        }
        if s.hides(Sensitive::COUNT) {
            c.count.min = hidden();
            c.count.desired = hidden();
            c.count.max = hidden();
        }
        if s.hides(Sensitive::CAPACITY) {
            c.capacity = hidden();
        }
    }
    let texts = &s.texts;
    // Why a fact is unknown may quote a value (`the pool is regional (REGION)`).
    let reason = |u: &mut Unknown| u.origin = scrub(&u.origin, texts).into();
    r.region.iter_mut().for_each(|f| unknown_of(f, reason));
    r.environment.iter_mut().for_each(|f| unknown_of(f, reason));
    r.tags
        .entries
        .values_mut()
        .for_each(|f| unknown_of(f, reason));
    r.tags.more.iter_mut().for_each(reason);
    if let Some(c) = &mut r.compute {
        unknown_of(&mut c.instance_type, reason);
        unknown_of(&mut c.instance_types, reason);
        unknown_of(&mut c.accelerator, reason);
        if let Fact::Known(Some(a)) = &mut c.accelerator {
            unknown_of(&mut a.model, reason);
            unknown_of(&mut a.count, reason);
        }
        unknown_of(&mut c.count.min, reason);
        unknown_of(&mut c.count.desired, reason);
        unknown_of(&mut c.count.max, reason);
        unknown_of(&mut c.capacity, reason);
    }
    if let Some(cost) = &mut r.cost {
        for k in &mut cost.components {
            k.name = scrub(&k.name, texts);
            k.missing = k.missing.as_deref().map(|m| scrub(m, texts));
            k.notes = k.notes.iter().map(|n| scrub(n, texts)).collect();
        }
        cost.missing = cost.missing.iter().map(|m| scrub(m, texts)).collect();
        cost.notes = cost.notes.iter().map(|n| scrub(n, texts)).collect();
    }
    let attributes = std::mem::take(&mut r.attributes);
    r.attributes = match scrub_value(Value::Map(attributes), texts) {
        Value::Map(m) => m,
        _ => Map::new(),
    };
}

fn unknown_of<T>(f: &mut Fact<T>, change: impl Fn(&mut Unknown)) {
    if let Fact::Unknown(u) = f {
        change(u);
    }
}

/// A fact that is not a string, as it is shown when sensitive: unknown, `(sensitive value)`
/// as the reason.
fn hidden<T>() -> Fact<T> {
    Fact::Unknown(Unknown::new(SENSITIVE))
}

/// Every primitive whose text is a sensitive value, replaced.
fn scrub_value(v: Value, texts: &BTreeSet<String>) -> Value {
    match v {
        Value::List(items) => {
            Value::List(items.into_iter().map(|i| scrub_value(i, texts)).collect())
        }
        Value::Set(items) => Value::Set(items.into_iter().map(|i| scrub_value(i, texts)).collect()),
        Value::Map(m) => Value::Map(Map {
            entries: m
                .entries
                .into_iter()
                .map(|(k, v)| (k, scrub_value(v, texts)))
                .collect(),
            more: m.more,
        }),
        Value::String(s) if texts.contains(&s) => Value::string(SENSITIVE),
        Value::Number(n) if texts.contains(&format_number(n)) => Value::string(SENSITIVE),
        Value::Bool(b) if texts.contains(&b.to_string()) => Value::string(SENSITIVE),
        other => other,
    }
}

fn finding(f: &mut Finding, texts: &BTreeSet<String>) {
    f.message = scrub(&f.message, texts);
    f.help = f.help.as_deref().map(|h| scrub(h, texts));
    for u in &mut f.unknowns {
        u.origin = scrub(&u.origin, texts);
    }
}

/// `text` with every whole occurrence of a sensitive value replaced by
/// `(sensitive value)`; the longest value wins where several start at one place. An
/// occurrence is whole when it is not part of a longer word: `gpu` is taken out of
/// `tier gpu.` but not out of `aws_instance.gpu_pool` or `gpus`.
pub fn scrub(text: &str, secrets: &BTreeSet<String>) -> String {
    let mut by_length: Vec<&str> = secrets
        .iter()
        .map(String::as_str)
        .filter(|s| !s.is_empty())
        .collect();
    by_length.sort_by_key(|s| std::cmp::Reverse(s.len()));
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while let Some(rest) = text.get(i..) {
        let Some(c) = rest.chars().next() else { break };
        let found = by_length
            .iter()
            .find(|s| rest.starts_with(**s) && whole(text, i, i + s.len()));
        match found {
            Some(s) => {
                out.push_str(SENSITIVE);
                i += s.len();
            }
            None => {
                out.push(c);
                i += c.len_utf8();
            }
        }
    }
    out
}

/// Whether `text[start..end]` is not part of a longer word: the characters around it are
/// not letters, digits, `_` or `-`, nor a `.`, `/` or `:` joining it to one (a sentence's
/// final period does not count).
fn whole(text: &str, start: usize, end: usize) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    let joiner = |c: char| matches!(c, '.' | '/' | ':');
    let before: Vec<char> = text
        .get(..start)
        .unwrap_or("")
        .chars()
        .rev()
        .take(2)
        .collect();
    let after: Vec<char> = text.get(end..).unwrap_or("").chars().take(2).collect();
    let joined = |near: Option<&char>, far: Option<&char>| match near {
        Some(&c) if word(c) => true,
        Some(&c) if joiner(c) => far.is_some_and(|&f| word(f)),
        _ => false,
    };
    !joined(before.first(), before.get(1)) && !joined(after.first(), after.get(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_query_and_fragment_are_dropped() {
        assert_eq!(
            url("https://user:secret@example.com:8443/a/p.csv?token=abc#x"),
            "https://example.com:8443/a/p.csv"
        );
        assert_eq!(
            url("http://x:TOKEN@ghe.local/api/v3"),
            "http://ghe.local/api/v3"
        );
    }

    #[test]
    fn text_that_is_not_a_url_loses_its_credentials_too() {
        // Not valid URLs (a space, no host, a bad port), each carrying a credential.
        assert_eq!(
            url("https://x:TOKEN@ho st/api?token=T2"),
            "https://ho st/api"
        );
        assert_eq!(
            url("https://a:b@c:d@host:99999/x#TOKEN"),
            "https://host:99999/x"
        );
        assert_eq!(url("ftp//user:TOKEN@host?q=1"), "host");
        assert_eq!(url("https://:TOKEN@"), "https://");
    }

    fn secrets(values: &[&str]) -> BTreeSet<String> {
        values.iter().map(|s| (*s).to_string()).collect()
    }

    #[test]
    fn whole_sensitive_values_are_taken_out_of_text() {
        let s = secrets(&["p5.48xlarge", "gpu", "p5"]);
        assert_eq!(
            scrub("Instance usage (on-demand, p5.48xlarge)", &s),
            "Instance usage (on-demand, (sensitive value))"
        );
        assert_eq!(
            scrub("price unknown: p5.48xlarge is not in the table", &s),
            "price unknown: (sensitive value) is not in the table"
        );
        // A sentence's final period ends a word; a dot inside a name does not.
        assert_eq!(
            scrub("the tier is gpu.", &s),
            "the tier is (sensitive value)."
        );
        assert_eq!(
            scrub("aws_instance.gpu_pool and gpus and gpu.x and x/gpu", &s),
            "aws_instance.gpu_pool and gpus and gpu.x and x/gpu"
        );
        // The longest value wins where two start at one place.
        assert_eq!(scrub("p5.48xlarge", &s), "(sensitive value)");
        assert_eq!(scrub("`gpu`", &secrets(&[""])), "`gpu`");
    }

    #[test]
    fn a_resource_shows_no_sensitive_fact_tag_or_reason() {
        use crate::model::{Location, ProviderRef, SourceFormat, Tags};
        let tags = [
            ("team", Fact::Known("ml".to_string())),
            ("owner", Fact::Known("alice".to_string())),
            ("alice-project", Fact::Known("x".to_string())),
        ];
        let mut r = Resource {
            root: Arc::from("infra"),
            address: "google_container_node_pool.gpu".to_string(),
            resource_type: "google_container_node_pool".to_string(),
            source: SourceFormat::Terraform,
            location: Location::file_start(Arc::from("infra/main.tf")),
            argument_locations: Default::default(),
            provider: ProviderRef {
                name: "google".to_string(),
                alias: None,
            },
            region: Some(Fact::Unknown(Unknown::new(
                "the pool is regional (europe-west4) and node_locations is not set",
            ))),
            environment: None,
            taggable: true,
            tags: Tags {
                entries: tags.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
                more: None,
            },
            compute: None,
            fact_locations: Default::default(),
            waivers: Vec::new(),
            attributes: Map::new(),
            cost: None,
            workload: None,
            sensitive: Sensitive {
                tag_values: secrets(&["owner"]),
                tag_keys: secrets(&["alice-project"]),
                texts: secrets(&["alice", "europe-west4"]),
                ..Sensitive::default()
            },
        };
        resource(&mut r);
        assert_eq!(
            r.tags.entries,
            [
                ("owner".to_string(), Fact::Known(SENSITIVE.to_string())),
                ("team".to_string(), Fact::Known("ml".to_string())),
            ]
            .into_iter()
            .collect()
        );
        assert_eq!(
            r.tags.more,
            Some(Unknown::new("some tags come from a sensitive value"))
        );
        assert_eq!(
            r.region,
            Some(Fact::Unknown(Unknown::new(
                "the pool is regional ((sensitive value)) and node_locations is not set"
            )))
        );
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(url("https://host/\u{1b}[2Jx y"), "https://host/%1B[2Jx%20y");
        assert_eq!(url("nota url\u{1b}[31m"), "nota url\\u{1b}[31m");
    }
}
