//! The regions a provider has, to tell a mistyped region from a real one that the price
//! tables do not list. The AWS provider itself refuses a region outside its SDK's list
//! (unless `skip_region_validation` is set), so the same list is the test. Google and
//! Azure providers send any name to the API, which refuses it when the plan is applied;
//! their lists can lag a new region, so `[pricing] extra_regions` adds names to them.

use std::sync::OnceLock;

use super::table::{load, Loaded};
#[cfg(test)]
use super::table::{Counts, TableInfo};

const AWS_REGIONS_CSV: &str = include_str!("../../catalog/aws_regions.csv");
const GCP_REGIONS_CSV: &str = include_str!("../../catalog/gcp_regions.csv");
const AZURE_REGIONS_CSV: &str = include_str!("../../catalog/azure_regions.csv");

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

/// The AWS region whose description is `location`, as the AWS Price List names regions in
/// its `Location` column (`US East (N. Virginia)`); the Price List's older `EU (Ireland)` is
/// the SDK's `Europe (Ireland)`. `None` for a name neither writes.
pub fn aws_region_for_location(location: &str) -> Option<&'static str> {
    let europe = location
        .strip_prefix("EU (")
        .map(|rest| format!("Europe ({rest}"));
    aws()
        .items
        .iter()
        .find(|r| r.description == location || europe.as_deref() == Some(r.description.as_str()))
        .map(|r| r.region.as_str())
}

/// Every AWS region name, sorted.
pub fn aws_region_names() -> impl Iterator<Item = &'static str> {
    aws().items.iter().map(|r| r.region.as_str())
}

/// The date of the AWS region list.
pub fn aws_regions_as_of() -> &'static str {
    &aws().info.as_of
}

/// One Google Cloud or Azure region: its name as the API writes it and a description
/// (Google: the city; Azure: the display name, empty when the source has none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedRegion {
    pub region: String,
    pub description: String,
}

fn named(name: &'static str, csv: &'static str, columns: &[&str]) -> Loaded<NamedRegion> {
    load(name, csv, columns, |r| match r {
        [region, description, _source] if !region.is_empty() => Some(NamedRegion {
            region: region.clone(),
            description: description.clone(),
        }),
        _ => None,
    })
}

fn gcp() -> &'static Loaded<NamedRegion> {
    static TABLE: OnceLock<Loaded<NamedRegion>> = OnceLock::new();
    TABLE.get_or_init(|| {
        named(
            "gcp_regions",
            GCP_REGIONS_CSV,
            &["region", "description", "source"],
        )
    })
}

fn azure() -> &'static Loaded<NamedRegion> {
    static TABLE: OnceLock<Loaded<NamedRegion>> = OnceLock::new();
    TABLE.get_or_init(|| {
        named(
            "azure_regions",
            AZURE_REGIONS_CSV,
            &["region", "display_name", "source"],
        )
    })
}

/// The Google Cloud region named exactly `name` (`us-central1`; a zone is not a region).
pub fn gcp_region(name: &str) -> Option<&'static NamedRegion> {
    gcp().items.iter().find(|r| r.region == name)
}

/// Every Google Cloud region name, sorted.
pub fn gcp_region_names() -> impl Iterator<Item = &'static str> {
    gcp().items.iter().map(|r| r.region.as_str())
}

/// The date of the Google Cloud region list.
pub fn gcp_regions_as_of() -> &'static str {
    &gcp().info.as_of
}

/// The Azure region named `name`, as an ARM name (`westeurope`) or a display name
/// (`West Europe`): azurerm compares them lowercased without spaces.
pub fn azure_region(name: &str) -> Option<&'static NamedRegion> {
    let name = azure_normal_form(name);
    azure().items.iter().find(|r| r.region == name)
}

/// An Azure location as the ARM API compares it: lowercase, without spaces.
pub fn azure_normal_form(name: &str) -> String {
    name.chars()
        .filter(|c| *c != ' ')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Every Azure region's ARM name, sorted.
pub fn azure_region_names() -> impl Iterator<Item = &'static str> {
    azure().items.iter().map(|r| r.region.as_str())
}

/// The date of the Azure region list.
pub fn azure_regions_as_of() -> &'static str {
    &azure().info.as_of
}

#[cfg(test)]
pub(super) fn row_counts() -> Vec<(&'static TableInfo, Counts)> {
    vec![
        (&aws().info, aws().counts()),
        (&gcp().info, gcp().counts()),
        (&azure().info, azure().counts()),
    ]
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

    #[test]
    fn the_google_list_has_regions_not_zones_and_the_tpu_region() {
        assert_eq!(
            gcp_region("us-central1").map(|r| r.description.as_str()),
            Some("Iowa")
        );
        assert!(gcp_region("us-central2").is_some());
        assert!(gcp_region("northamerica-south1").is_some());
        assert_eq!(gcp_region("us-central1-a"), None);
        assert_eq!(gcp_region("US-CENTRAL1"), None);
        assert_eq!(gcp_region("us-centrall"), None);
        let names: Vec<&str> = gcp_region_names().collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted);
        assert_eq!(names.len(), 44);
    }

    #[test]
    fn the_azure_list_matches_names_and_display_names_and_has_sovereign_clouds() {
        let west = azure_region("westeurope").map(|r| r.description.as_str());
        assert_eq!(west, Some("West Europe"));
        assert_eq!(
            azure_region("West Europe").map(|r| r.region.as_str()),
            Some("westeurope")
        );
        assert_eq!(
            azure_region("WESTEUROPE").map(|r| r.region.as_str()),
            Some("westeurope")
        );
        assert!(azure_region("US Gov Virginia").is_some());
        assert!(azure_region("chinanorth3").is_some());
        // Only in the karpenter price map: no display name, still a region.
        assert_eq!(
            azure_region("New Zealand North").map(|r| r.description.as_str()),
            Some("")
        );
        assert_eq!(azure_region("westeurop"), None);
        assert_eq!(azure_region("west-europe"), None);
        let names: Vec<&str> = azure_region_names().collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted);
        assert_eq!(names.len(), 71);
    }
}
