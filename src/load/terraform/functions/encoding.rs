//! Stub: replaced by the real implementations.
use super::{FunctionError, FunctionResult};
use crate::model::Value;

pub fn jsondecode(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("jsondecode() is not implemented yet"))
}

pub fn jsonencode(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("jsonencode() is not implemented yet"))
}
