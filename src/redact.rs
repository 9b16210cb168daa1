//! What no output may carry: the credentials in a URL (a token in its user part or its
//! query). Shared by every command that prints a URL, so it is taken out in one way only.

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

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(url("https://host/\u{1b}[2Jx y"), "https://host/%1B[2Jx%20y");
        assert_eq!(url("nota url\u{1b}[31m"), "nota url\\u{1b}[31m");
    }
}
