//! Terraform configurations (`.tf`, `.tf.json`, tfvars): parsed, evaluated the way
//! Terraform would resolve them, and expanded into one record per resource instance.

pub mod ast;
pub mod convert;
pub mod eval;
pub mod functions;
pub mod hcl;
