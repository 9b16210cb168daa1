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
