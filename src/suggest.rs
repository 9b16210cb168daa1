//! "Did you mean": the accepted name closest to a mistyped one.

/// The candidate closest to `given` (Jaro-Winkler similarity above 0.8), if any is close
/// enough to be a likely typo. Ties go to the first candidate, so callers pass them sorted.
pub fn closest<'a>(given: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    closest_above(given, candidates, 0.8)
}

/// [`closest`] with another similarity threshold: 0.7 for configuration and usage-file keys,
/// which are long and often misspelt in the middle (`requried_tags`).
pub fn closest_above<'a>(
    given: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    threshold: f64,
) -> Option<&'a str> {
    let mut best: Option<(f64, &str)> = None;
    for candidate in candidates {
        if candidate == given {
            continue;
        }
        let score = strsim::jaro_winkler(given, candidate);
        if score > threshold && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn picks_the_closest_likely_typo() {
        let names = ["gpu_count", "gpu_type", "region"];
        assert_eq!(closest("gpu_typ", names), Some("gpu_type"));
        assert_eq!(
            closest("AIC-COST-02", ["AIC-COST-001", "AIC-COST-002"]),
            Some("AIC-COST-002")
        );
        assert_eq!(closest("zone", names), None);
        assert_eq!(closest("gpu_type", ["gpu_type"]), None);
    }
}
