//! Helpers shared by integration tests.
#![allow(dead_code)]
// Test code: a failed expectation should stop the test loudly.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

pub mod estimates;
pub mod git_repo;
pub mod run;
pub mod sarif;
