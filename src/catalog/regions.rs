//! The regions a provider has, to tell a mistyped region from a real one that the price
//! tables do not list. AWS only: the AWS provider itself refuses a region outside its
//! SDK's list (unless `skip_region_validation` is set), so the same list is the test.
//! Google and Azure providers send any name to the API, and a list of theirs would go
//! stale the week a region opens, so their names are not checked.

use std::sync::OnceLock;

use super::table::{load, Loaded};
#[cfg(test)]
use super::table::{Counts, TableInfo};

const AWS_REGIONS_CSV: &str = include_str!("../../catalog/aws_regions.csv");

/// One AWS region: its partition (`aws`, `aws-cn`, `aws-us-gov`…) and its name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwsRegion {
    pub region: String,
    pub partition: String,
    pub description: String,
}

fn aws() -> &'static Loaded<AwsRegion> {
    static TABLE: OnceLock<Loaded<AwsRegion>> = OnceLock::new();
    TABLE.get_or_init(|| {
        load(
            "aws_regions",
            AWS_REGIONS_CSV,
            &["region", "partition", "description"],
            |r| match r {
                [region, partition, description] if !region.is_empty() => Some(AwsRegion {
                    region: region.clone(),
                    partition: partition.clone(),
                    description: description.clone(),
                }),
                _ => None,
            },
        )
    })
}

/// The AWS region named exactly `name` (case matters: the provider compares exactly).
pub fn aws_region(name: &str) -> Option<&'static AwsRegion> {
    aws().items.iter().find(|r| r.region == name)
}

/// Every AWS region name, sorted.
pub fn aws_region_names() -> impl Iterator<Item = &'static str> {
    aws().items.iter().map(|r| r.region.as_str())
}

/// The date of the AWS region list.
pub fn aws_regions_as_of() -> &'static str {
    &aws().info.as_of
}

#[cfg(test)]
pub(super) fn row_count() -> (&'static TableInfo, Counts) {
    (&aws().info, aws().counts())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_has_every_partition_and_no_pseudo_region() {
        let r = aws_region("eu-west-1").map(|r| (r.partition.as_str(), r.description.as_str()));
        assert_eq!(r, Some(("aws", "Europe (Ireland)")));
        assert_eq!(
            aws_region("us-gov-west-1").map(|r| r.partition.as_str()),
            Some("aws-us-gov")
        );
        assert_eq!(
            aws_region("cn-north-1").map(|r| r.partition.as_str()),
            Some("aws-cn")
        );
        assert_eq!(aws_region("eu-west-9"), None);
        assert_eq!(aws_region("aws-global"), None);
        assert_eq!(aws_region("EU-WEST-1"), None);
        let names: Vec<&str> = aws_region_names().collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted);
        assert_eq!(names.len(), 48);
    }
}
