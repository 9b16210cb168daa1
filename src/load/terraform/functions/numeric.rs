//! Stub: replaced by the real implementations.
use super::{FunctionError, FunctionResult};
use crate::model::Value;

pub fn abs(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("abs() is not implemented yet"))
}

pub fn ceil(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("ceil() is not implemented yet"))
}

pub fn floor(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("floor() is not implemented yet"))
}

pub fn log(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("log() is not implemented yet"))
}

pub fn max(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("max() is not implemented yet"))
}

pub fn min(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("min() is not implemented yet"))
}

pub fn parseint(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("parseint() is not implemented yet"))
}

pub fn pow(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("pow() is not implemented yet"))
}

pub fn signum(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("signum() is not implemented yet"))
}
