//! Helpers shared by integration tests.
#![allow(dead_code)]

pub mod git_repo;
pub mod run;
pub mod sarif;
