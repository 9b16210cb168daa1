//! Stub: replaced by the real implementations.
use super::{FunctionError, FunctionResult};
use crate::model::Value;

pub fn chomp(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("chomp() is not implemented yet"))
}

pub fn endswith(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("endswith() is not implemented yet"))
}

pub fn format(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("format() is not implemented yet"))
}

pub fn formatlist(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("formatlist() is not implemented yet"))
}

pub fn join(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("join() is not implemented yet"))
}

pub fn lower(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("lower() is not implemented yet"))
}

pub fn replace(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("replace() is not implemented yet"))
}

pub fn split(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("split() is not implemented yet"))
}

pub fn startswith(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("startswith() is not implemented yet"))
}

pub fn strrev(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("strrev() is not implemented yet"))
}

pub fn substr(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("substr() is not implemented yet"))
}

pub fn title(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("title() is not implemented yet"))
}

pub fn trim(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("trim() is not implemented yet"))
}

pub fn trimprefix(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("trimprefix() is not implemented yet"))
}

pub fn trimspace(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("trimspace() is not implemented yet"))
}

pub fn trimsuffix(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("trimsuffix() is not implemented yet"))
}

pub fn upper(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("upper() is not implemented yet"))
}
