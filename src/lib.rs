//! aicost-policy: reads infrastructure code before it is applied, builds a typed record of
//! every resource, and checks those records against Cedar policies.
//!
//! The pipeline, one module per stage: [`discover`] finds input files, [`load`] parses and
//! evaluates them, [`model`] holds the normalized records, [`policy`] evaluates Cedar,
//! [`report`] renders results. [`config`] reads `aicost-policy.toml`; [`cli`] is the
//! command line and the only place that prints or decides exit codes.

pub mod load;
pub mod model;
