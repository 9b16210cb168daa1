//! The load stage: parses input files and evaluates them into [`crate::model::Resource`]
//! records. One submodule per input format; [`source`] reads files for all of them.

pub mod kubernetes;
pub mod source;
pub mod terraform;
