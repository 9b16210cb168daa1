//! AWS regions checked the way the AWS provider checks them: a name outside its SDK's
//! region list is refused unless the provider sets `skip_region_validation`. A mistyped
//! region is an input error at the line that writes it, with the closest real region; the
//! estimate of a resource in it stays unknown (the catalog has no prices there).

use std::collections::BTreeSet;

use super::instance::EvaluatedResource;
use crate::catalog;
use crate::model::{Fact, InputError, Location, Resource};

/// What the check needs from a resource's provider configuration, taken before the facts
/// are extracted (which consumes the evaluated resources).
pub(super) struct ProviderRegion {
    aws: bool,
    skip: bool,
    location: Option<Location>,
}

impl ProviderRegion {
    pub fn of(r: &EvaluatedResource) -> ProviderRegion {
        ProviderRegion {
            aws: r.provider.name == "aws",
            skip: r.provider.skip_region_validation,
            location: r.provider.region_location.clone(),
        }
    }
}

/// One error per place that writes a region the AWS provider does not have.
pub(super) fn check(records: &[Resource], providers: &[ProviderRegion]) -> Vec<InputError> {
    let mut seen: BTreeSet<(String, u32, u32, String)> = BTreeSet::new();
    let mut errors = Vec::new();
    for (r, p) in records.iter().zip(providers) {
        if !p.aws || p.skip {
            continue;
        }
        let Some(Fact::Known(region)) = &r.region else {
            continue;
        };
        if catalog::aws_region(region).is_some() {
            continue;
        }
        // The resource's own `region` argument, else the provider's, else the block.
        let location = r
            .fact_locations
            .get("region")
            .or(p.location.as_ref())
            .unwrap_or(&r.location);
        let key = (
            location.file.to_string(),
            location.line,
            location.column,
            region.clone(),
        );
        if !seen.insert(key) {
            continue;
        }
        let sensitive = r.sensitive.facts.contains("region");
        errors.push(not_a_region(location, region, sensitive));
    }
    errors
}

/// The longest region name shown; input is hostile, and no real region is near it.
const SHOWN: usize = 40;

fn not_a_region(location: &Location, region: &str, sensitive: bool) -> InputError {
    let message = if sensitive {
        "the region (a sensitive value, not shown) is not an AWS region".to_string()
    } else if region.chars().count() > SHOWN {
        let head: String = region.chars().take(SHOWN).collect();
        format!("`{head}…` is not an AWS region")
    } else {
        format!("`{region}` is not an AWS region")
    };
    let near = if sensitive {
        None
    } else {
        crate::suggest::closest(region, catalog::aws_region_names())
    };
    let mut help = match near {
        Some(near) => format!("did you mean `{near}`? "),
        None => String::new(),
    };
    help.push_str(&format!(
        "The AWS provider refuses a region it does not know. For a region newer than \
         aicost-policy's list (as of {}), set `skip_region_validation = true` in the \
         provider block.",
        catalog::aws_regions_as_of()
    ));
    InputError::new(location.clone(), message).with_help(help)
}
