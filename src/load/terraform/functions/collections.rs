//! Stub: replaced by the real implementations.
use super::{FunctionError, FunctionResult};
use crate::model::Value;

pub fn alltrue(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("alltrue() is not implemented yet"))
}

pub fn anytrue(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("anytrue() is not implemented yet"))
}

pub fn coalesce(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("coalesce() is not implemented yet"))
}

pub fn coalescelist(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("coalescelist() is not implemented yet"))
}

pub fn compact(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("compact() is not implemented yet"))
}

pub fn concat(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("concat() is not implemented yet"))
}

pub fn contains(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("contains() is not implemented yet"))
}

pub fn distinct(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("distinct() is not implemented yet"))
}

pub fn element(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("element() is not implemented yet"))
}

pub fn flatten(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("flatten() is not implemented yet"))
}

pub fn index(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("index() is not implemented yet"))
}

pub fn keys(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("keys() is not implemented yet"))
}

pub fn length(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("length() is not implemented yet"))
}

pub fn lookup(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("lookup() is not implemented yet"))
}

pub fn merge(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("merge() is not implemented yet"))
}

pub fn one(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("one() is not implemented yet"))
}

pub fn range(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("range() is not implemented yet"))
}

pub fn reverse(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("reverse() is not implemented yet"))
}

pub fn setintersection(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new(
        "setintersection() is not implemented yet",
    ))
}

pub fn setsubtract(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("setsubtract() is not implemented yet"))
}

pub fn setunion(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("setunion() is not implemented yet"))
}

pub fn slice(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("slice() is not implemented yet"))
}

pub fn sort(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("sort() is not implemented yet"))
}

pub fn sum(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("sum() is not implemented yet"))
}

pub fn tobool(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("tobool() is not implemented yet"))
}

pub fn tolist(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("tolist() is not implemented yet"))
}

pub fn tomap(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("tomap() is not implemented yet"))
}

pub fn tonumber(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("tonumber() is not implemented yet"))
}

pub fn toset(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("toset() is not implemented yet"))
}

pub fn tostring(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("tostring() is not implemented yet"))
}

pub fn transpose(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("transpose() is not implemented yet"))
}

pub fn values(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("values() is not implemented yet"))
}

pub fn zipmap(_args: Vec<Value>) -> FunctionResult {
    Err(FunctionError::new("zipmap() is not implemented yet"))
}
