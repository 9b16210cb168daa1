//! The load stage: parses input files and evaluates them into [`crate::model::Resource`]
//! records. One submodule per input format.

pub mod terraform;
