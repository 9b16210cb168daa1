//! aicost-policy: reads infrastructure code before it is applied, builds a typed record of
//! every resource, and checks those records against Cedar policies.
//!
//! The pipeline, one module per stage: [`discover`] finds input files, [`load`] parses and
//! evaluates them, [`model`] holds the normalized records, [`environment`] decides which
//! environment each resource is in, [`policy`] evaluates Cedar, [`report`] renders results,
//! [`publish`] posts a rendered report as a pull-request comment.
//! [`config`] reads `aicost-policy.toml`; [`cli`] is the command line; [`catalog`] is the data compiled into the binary.

pub mod catalog;
pub mod cli;
pub mod config;
pub mod diff;
pub mod discover;
pub mod environment;
pub mod load;
pub mod model;
pub mod policy;
pub mod price;
pub mod publish;
pub mod redact;
pub mod report;
