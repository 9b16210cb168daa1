//! Region names checked against the provider's list of regions. AWS the way the AWS
//! provider checks them: a name outside its SDK's region list is refused unless the
//! provider sets `skip_region_validation`. Google Cloud and Azure check names only when
//! the plan is applied, so aicost-policy's lists (with `[pricing] extra_regions` for a
//! region newer than them) stand in for that check. A mistyped region is an input error at
//! the argument that writes it, with the closest real region; the estimate of a resource in
//! it stays unknown (the catalog has no prices there).

use std::collections::BTreeSet;

use super::facts::{google_region_argument, google_region_of, is_zone, string_arg};
use super::instance::EvaluatedResource;
use crate::catalog;
use crate::model::{Fact, InputError, Location, Resource, Value};

/// Google resource types whose `location` is a region or a zone. Elsewhere `location` can
/// be a multi-region (`US`, `EU`, `nam4`), `global` or a product's own location name, so it
/// is not checked.
const GOOGLE_LOCATION_IS_A_REGION: &[&str] = &[
    "google_cloud_run_service",
    "google_cloud_run_v2_job",
    "google_cloud_run_v2_service",
    "google_cloudfunctions2_function",
    "google_container_cluster",
    "google_container_node_pool",
    "google_filestore_instance",
    "google_notebooks_instance",
    "google_vertex_ai_endpoint",
    "google_workbench_instance",
];

/// A location that is not a region but that Google and Azure resources accept (Dataproc's
/// `global` region, Azure monitor action groups and bot services).
const GLOBAL: &str = "global";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cloud {
    Aws,
    Google,
    Azure,
}

/// What the check needs from a resource and its provider configuration, taken before the
/// facts are extracted (which consumes the evaluated resources).
pub(super) struct ProviderRegion {
    /// `None`: not checked (another provider, a plan, a name written elsewhere).
    cloud: Option<Cloud>,
    /// The Google or Azure name as written (a zone, a display name), when it is a string.
    written: Option<String>,
    /// Where the provider block writes the name, when it comes from there.
    location: Option<Location>,
}

impl ProviderRegion {
    pub fn of(r: &EvaluatedResource) -> ProviderRegion {
        let unchecked = ProviderRegion {
            cloud: None,
            written: None,
            location: None,
        };
        // A plan's provider accepted its region (the loader sets this for plans).
        if r.provider.skip_region_validation {
            return unchecked;
        }
        match r.provider.name.as_str() {
            "aws" => ProviderRegion {
                cloud: Some(Cloud::Aws),
                written: None,
                location: r.provider.region_location.clone(),
            },
            "google" | "google-beta" => google(r).unwrap_or(unchecked),
            // An AKS node pool in its cluster's region, or a `location` read from another
            // resource: the resource that writes the name is checked, not this one.
            "azurerm" => match string_arg(r, "location") {
                Some(Fact::Known(name)) => ProviderRegion {
                    cloud: Some(Cloud::Azure),
                    written: Some(name),
                    location: None,
                },
                _ => unchecked,
            },
            _ => unchecked,
        }
    }
}

/// The name a Google resource's region comes from, the way `facts::google::region` reads
/// it: its own `region`, `zone` or `location`, else the provider's `region`, else `zone`.
fn google(r: &EvaluatedResource) -> Option<ProviderRegion> {
    let (written, location) = match google_region_argument(r) {
        Some(("location", _)) if !GOOGLE_LOCATION_IS_A_REGION.contains(&&*r.resource_type) => {
            return None
        }
        Some((_, Fact::Known(name))) => (name, None),
        Some((_, Fact::Unknown(_))) => return None,
        None => match (&r.provider.region, &r.provider.zone) {
            (Some(Value::String(s)), _) => (s.clone(), r.provider.region_location.clone()),
            (None, Some(Value::String(z))) => (z.clone(), r.provider.zone_location.clone()),
            _ => return None,
        },
    };
    Some(ProviderRegion {
        cloud: Some(Cloud::Google),
        written: Some(written),
        location,
    })
}

/// One error per place that writes a region its provider does not have. `extra` names are
/// accepted for every provider (`[pricing] extra_regions`).
pub(super) fn check(
    records: &[Resource],
    providers: &[ProviderRegion],
    extra: &[String],
) -> Vec<InputError> {
    let mut seen: BTreeSet<(String, u32, u32, String)> = BTreeSet::new();
    let mut errors = Vec::new();
    for (r, p) in records.iter().zip(providers) {
        let Some(cloud) = p.cloud else {
            continue;
        };
        let Some(Fact::Known(region)) = &r.region else {
            continue;
        };
        let written = p.written.as_deref().unwrap_or(region);
        if is_real(cloud, region, written, extra) {
            continue;
        }
        // The resource's own argument, else the provider's, else the block.
        let location = r
            .fact_locations
            .get("region")
            .or(p.location.as_ref())
            .unwrap_or(&r.location);
        let key = (
            location.file.to_string(),
            location.line,
            location.column,
            written.to_string(),
        );
        if !seen.insert(key) {
            continue;
        }
        let sensitive = r.sensitive.facts.contains("region");
        errors.push(not_a_region(cloud, location, written, sensitive));
    }
    errors
}

fn is_real(cloud: Cloud, region: &str, written: &str, extra: &[String]) -> bool {
    match cloud {
        Cloud::Aws => catalog::aws_region(region).is_some() || extra.iter().any(|e| e == region),
        Cloud::Google => {
            region == GLOBAL
                || catalog::gcp_region(region).is_some()
                || extra.iter().any(|e| e == region || e == written)
        }
        Cloud::Azure => {
            let normal = catalog::azure_normal_form(written);
            normal == GLOBAL
                || catalog::azure_region(&normal).is_some()
                || extra
                    .iter()
                    .any(|e| catalog::azure_normal_form(e) == normal)
        }
    }
}

/// The longest region name shown; input is hostile, and no real region is near it.
const SHOWN: usize = 40;

fn shown(name: &str) -> String {
    if name.chars().count() > SHOWN {
        let head: String = name.chars().take(SHOWN).collect();
        format!("{head}…")
    } else {
        name.to_string()
    }
}

fn not_a_region(cloud: Cloud, location: &Location, written: &str, sensitive: bool) -> InputError {
    let what = match cloud {
        Cloud::Aws => "an AWS region",
        Cloud::Google => "a Google Cloud region",
        Cloud::Azure => "an Azure region",
    };
    // A Google zone is checked by its region: `us-centrl1-a` is in `us-centrl1`.
    let zone = (cloud == Cloud::Google && is_zone(written))
        .then(|| written.rsplit_once('-'))
        .flatten();
    let message = if sensitive {
        format!("the region (a sensitive value, not shown) is not {what}")
    } else if let Some((region, _)) = zone {
        format!(
            "`{}` is not a Google Cloud zone: `{}` is not a region",
            shown(written),
            shown(region)
        )
    } else {
        format!("`{}` is not {what}", shown(written))
    };
    let near = if sensitive {
        None
    } else {
        match cloud {
            Cloud::Aws => {
                crate::suggest::closest(written, catalog::aws_region_names()).map(str::to_string)
            }
            Cloud::Google => {
                let region = google_region_of(written);
                crate::suggest::closest(&region, catalog::gcp_region_names()).map(|near| match zone
                {
                    Some((_, letter)) => format!("{near}-{letter}"),
                    None => near.to_string(),
                })
            }
            Cloud::Azure => crate::suggest::closest(
                &catalog::azure_normal_form(written),
                catalog::azure_region_names(),
            )
            .map(str::to_string),
        }
    };
    let mut help = match near {
        Some(near) => format!("did you mean `{near}`? "),
        None => String::new(),
    };
    help.push_str(&match cloud {
        Cloud::Aws => format!(
            "The AWS provider refuses a region it does not know. For a region newer than \
             aicost-policy's list (as of {}), set `skip_region_validation = true` in the \
             provider block.",
            catalog::aws_regions_as_of()
        ),
        Cloud::Google => apply_time("Google Cloud", catalog::gcp_regions_as_of()),
        Cloud::Azure => apply_time("Azure", catalog::azure_regions_as_of()),
    });
    InputError::new(location.clone(), message).with_help(help)
}

fn apply_time(cloud: &str, as_of: &str) -> String {
    format!(
        "{cloud} checks regions when it applies the plan; for a region newer than \
         aicost-policy's list (as of {as_of}), add it to `extra_regions` under [pricing] in \
         {}.",
        crate::config::FILE_NAME
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(cloud: Cloud, written: &str, sensitive: bool) -> (String, String) {
        let location = Location::file_start("main.tf".into());
        let e = not_a_region(cloud, &location, written, sensitive);
        (e.message, e.help.unwrap_or_default())
    }

    #[test]
    fn names_are_accepted_the_way_each_provider_compares_them() {
        let extra = ["us-south2".to_string(), "Mars Central".to_string()];
        assert!(is_real(Cloud::Google, "us-central1", "us-central1-a", &[]));
        assert!(is_real(Cloud::Google, "global", "global", &[]));
        assert!(!is_real(Cloud::Google, "US", "US", &[]));
        assert!(is_real(Cloud::Google, "us-south2", "us-south2-b", &extra));
        assert!(is_real(Cloud::Azure, "westeurope", "West Europe", &[]));
        assert!(is_real(Cloud::Azure, "global", "Global", &[]));
        assert!(is_real(Cloud::Azure, "marscentral", "marscentral", &extra));
        assert!(!is_real(Cloud::Azure, "westeurop", "westeurop", &[]));
        assert!(is_real(Cloud::Aws, "us-south2", "us-south2", &extra));
        assert!(!is_real(
            Cloud::Aws,
            "Mars Central",
            "Mars Central",
            &extra[..1]
        ));
    }

    #[test]
    fn a_long_name_is_cut_and_a_sensitive_one_is_not_shown() {
        let long = format!("us-central1{}", "x".repeat(500));
        let (message, help) = error(Cloud::Google, &long, false);
        assert_eq!(
            message,
            format!(
                "`us-central1{}…` is not a Google Cloud region",
                "x".repeat(29)
            )
        );
        assert!(!help.contains(&"x".repeat(30)), "{help}");
        let (message, help) = error(Cloud::Azure, "westeurop", true);
        assert_eq!(
            message,
            "the region (a sensitive value, not shown) is not an Azure region"
        );
        assert!(!help.contains("westeurope"), "{help}");
        assert!(help.starts_with("Azure checks regions"), "{help}");
    }

    #[test]
    fn a_zone_is_named_with_its_region_and_the_suggestion_keeps_its_letter() {
        let (message, help) = error(Cloud::Google, "europe-wst4-b", false);
        assert_eq!(
            message,
            "`europe-wst4-b` is not a Google Cloud zone: `europe-wst4` is not a region"
        );
        assert!(
            help.starts_with("did you mean `europe-west4-b`? "),
            "{help}"
        );
        // Nothing near: no suggestion, only how to add a newer region.
        let (_, help) = error(Cloud::Google, "zz", false);
        assert!(help.starts_with("Google Cloud checks regions"), "{help}");
    }
}
