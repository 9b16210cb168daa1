//! The EKS version support calendar: the day standard support and extended support end for
//! each Kubernetes minor version, to price a cluster at the standard or the extended-support
//! rate. Not a price table (the rates are in `kubernetes.csv`).

use std::sync::OnceLock;

#[cfg(test)]
use super::table::Counts;
use super::table::{load, Loaded, TableInfo};
use crate::model::Date;

const EKS_VERSIONS_CSV: &str = include_str!("../../catalog/eks_versions.csv");

/// One Kubernetes minor version on EKS and the days its support ends: from
/// `end_of_standard` a cluster on it is billed extended support, from `end_of_extended`
/// AWS upgrades it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EksRelease {
    /// `1.31`, as the table writes it.
    pub version: String,
    /// (major, minor), for ordering.
    pub minor: (u32, u32),
    pub end_of_standard: Date,
    pub end_of_extended: Date,
}

/// `1.31` (also `1.31.2`, `1.31-eks-5`) → (1, 31); `None` for anything else.
pub fn kubernetes_minor(version: &str) -> Option<(u32, u32)> {
    let text = version.trim();
    let text = text.strip_prefix('v').unwrap_or(text);
    let (major, rest) = text.split_once('.')?;
    let digits = rest
        .find(|c: char| !c.is_ascii_digit())
        .map_or(rest, |end| rest.get(..end).unwrap_or(rest));
    let after = rest.get(digits.len()..).unwrap_or("");
    if !(after.is_empty() || after.starts_with('.') || after.starts_with('-')) {
        return None;
    }
    let number = |s: &str| {
        (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    Some((number(major)?, number(digits)?))
}

fn calendar() -> &'static Loaded<EksRelease> {
    static TABLE: OnceLock<Loaded<EksRelease>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut loaded = load(
            "eks_versions",
            EKS_VERSIONS_CSV,
            &[
                "version",
                "end_of_standard_support",
                "end_of_extended_support",
                "source",
            ],
            |f| match f {
                [version, standard, extended, _source] => {
                    let end_of_standard = Date::parse(standard).ok()?;
                    let end_of_extended = Date::parse(extended).ok()?;
                    (end_of_standard < end_of_extended).then_some(())?;
                    Some(EksRelease {
                        minor: kubernetes_minor(version)?,
                        version: version.clone(),
                        end_of_standard,
                        end_of_extended,
                    })
                }
                _ => None,
            },
        );
        loaded.items.sort_by_key(|r| r.minor);
        loaded
    })
}

/// Every version of the calendar, oldest first.
pub fn eks_releases() -> &'static [EksRelease] {
    &calendar().items
}

/// The calendar's row for a version (`1.31`), when it lists it.
pub fn eks_release(version: &str) -> Option<&'static EksRelease> {
    let minor = kubernetes_minor(version)?;
    eks_releases().iter().find(|r| r.minor == minor)
}

/// The calendar's source, date and licence.
pub fn eks_calendar() -> &'static TableInfo {
    &calendar().info
}

#[cfg(test)]
pub(super) fn row_count() -> (&'static TableInfo, Counts) {
    (&calendar().info, calendar().counts())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_read_as_minor_versions() {
        assert_eq!(kubernetes_minor("1.31"), Some((1, 31)));
        assert_eq!(kubernetes_minor("1.31.2"), Some((1, 31)));
        assert_eq!(kubernetes_minor("1.31-eks-5"), Some((1, 31)));
        assert_eq!(kubernetes_minor("v1.9"), Some((1, 9)));
        assert_eq!(kubernetes_minor("1"), None);
        assert_eq!(kubernetes_minor("1.x"), None);
        assert_eq!(kubernetes_minor("1.31a"), None);
        assert_eq!(kubernetes_minor("latest"), None);
    }

    #[test]
    fn the_calendar_is_ordered_and_lists_its_source_dates() {
        let all = eks_releases();
        assert!(all.windows(2).all(|w| w[0].minor < w[1].minor));
        let r = eks_release("1.31").unwrap();
        assert_eq!(r.end_of_standard, Date::parse("2025-11-26").unwrap());
        assert_eq!(r.end_of_extended, Date::parse("2026-11-26").unwrap());
        assert_eq!(eks_release("1.24"), None);
        assert_eq!(eks_calendar().license, "MIT");
    }
}
