//! The `Link` header GitHub paginates with, e.g.
//! `<https://api.github.com/repositories/1/issues/5/comments?per_page=100&page=2>; rel="next"`.
//!
//! Octocrab sends the token only to a URI without a host (it joins it to the base itself),
//! so the next page's absolute URL is cut down to its path and query.

/// The path and query of the `rel="next"` link, if the header has one.
pub(crate) fn next_page(header: &str) -> Option<String> {
    header.split(',').find_map(|link| {
        let link = link.trim();
        let rest = link.strip_prefix('<')?;
        let (url, params) = rest.split_once('>')?;
        let is_next = params.split(';').any(|param| {
            param.trim().strip_prefix("rel=").is_some_and(|rel| {
                rel.trim_matches('"')
                    .split_whitespace()
                    .any(|r| r == "next")
            })
        });
        if is_next {
            path_and_query(url.trim())
        } else {
            None
        }
    })
}

/// `https://host:port/a/b?c` → `/a/b?c`; a path alone is kept. `None` for anything else.
pub(crate) fn path_and_query(url: &str) -> Option<String> {
    let url = url.split('#').next().unwrap_or_default();
    if url.starts_with('/') && !url.starts_with("//") {
        return Some(url.to_string());
    }
    let (scheme, rest) = url.split_once("://")?;
    if !(scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("http")) {
        return None;
    }
    match rest.find(['/', '?']) {
        Some(start) => {
            let tail = rest.get(start..)?;
            Some(if tail.starts_with('?') {
                format!("/{tail}")
            } else {
                tail.to_string()
            })
        }
        None => Some("/".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_next_page_among_other_links() {
        let header = "<https://api.github.com/repositories/1/issues/5/comments?per_page=100&page=1>; rel=\"prev\", \
                      <https://api.github.com/repositories/1/issues/5/comments?per_page=100&page=3>; rel=\"next\", \
                      <https://api.github.com/repositories/1/issues/5/comments?per_page=100&page=9>; rel=\"last\"";
        assert_eq!(
            next_page(header).as_deref(),
            Some("/repositories/1/issues/5/comments?per_page=100&page=3")
        );
    }

    #[test]
    fn keeps_a_ghes_path_prefix_and_the_port() {
        let header =
            "<http://127.0.0.1:8080/api/v3/repos/o/r/issues/5/comments?page=2>; rel=\"next\"";
        assert_eq!(
            next_page(header).as_deref(),
            Some("/api/v3/repos/o/r/issues/5/comments?page=2")
        );
    }

    #[test]
    fn the_last_page_has_no_next() {
        let header = "<https://api.github.com/x?page=1>; rel=\"first\", <https://api.github.com/x?page=1>; rel=\"prev\"";
        assert_eq!(next_page(header), None);
        assert_eq!(next_page(""), None);
        assert_eq!(next_page("garbage; rel=\"next\""), None);
    }

    #[test]
    fn several_relations_in_one_link() {
        assert_eq!(
            next_page("</x?page=2>; rel=\"next last\"").as_deref(),
            Some("/x?page=2")
        );
    }

    #[test]
    fn path_and_query_forms() {
        assert_eq!(
            path_and_query("https://h/a?b=1#frag").as_deref(),
            Some("/a?b=1")
        );
        assert_eq!(path_and_query("https://h?b=1").as_deref(), Some("/?b=1"));
        assert_eq!(path_and_query("https://h").as_deref(), Some("/"));
        assert_eq!(path_and_query("//evil/a"), None);
        assert_eq!(path_and_query("ftp://h/a"), None);
        assert_eq!(path_and_query("a/b"), None);
    }
}
