//! Stub: replaced by the real implementations.
use super::{FunctionError, FunctionResult};
use crate::model::Value;

pub fn basename(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("basename() is not implemented yet"))
}

pub fn dirname(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("dirname() is not implemented yet"))
}
