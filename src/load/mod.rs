//! The load stage: parses input files and evaluates them into [`crate::model::Resource`]
//! records. One submodule per input format; [`source`] reads files for all of them.

pub mod kubernetes;
pub mod source;
pub mod terraform;

/// The message for an inline waiver's `expires=` that is not a date (Terraform comments
/// and Kubernetes annotations alike).
pub(crate) fn expiry_error(e: crate::model::DateError) -> String {
    format!("invalid waiver expiry date `{}`: {}", e.text(), e.reason())
}

/// The name after an inline waiver's `owner=`, which must not be empty.
pub(crate) fn owner_name(name: &str) -> Result<String, String> {
    if name.is_empty() {
        return Err("the waiver's `owner=` names nobody".to_string());
    }
    Ok(name.to_string())
}
