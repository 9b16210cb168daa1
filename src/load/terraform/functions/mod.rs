//! Terraform's built-in functions. Each group lives in its own file; [`REGISTRY`] maps a
//! name to its implementation in one line, sorted so lookup is a binary search.
//!
//! A function receives evaluated arguments. Functions marked [`Unknowns::Propagate`] never
//! see an unknown: the evaluator answers unknown for them. Functions marked
//! [`Unknowns::Handled`] receive unknowns and decide what is still known (the length of a
//! list with unknown elements, the known keys of a merge).

mod args;
mod collections;
mod conversions;
mod encoding;
mod format;
mod maps;
mod numeric;
mod paths;
mod regex;
mod sets;
mod strings;
mod unify;

use super::budget::{mib, MAX_VALUE_BYTES};
use crate::model::Value;

/// Why a call failed; `arg` is the index of the argument to point at, when there is one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionError {
    pub arg: Option<usize>,
    pub message: String,
    /// The result would be larger than one value may be (see `budget.rs`): not an error
    /// in the configuration, so `try` and `can` do not catch it.
    pub over_budget: bool,
}

impl FunctionError {
    pub fn new(message: impl Into<String>) -> FunctionError {
        FunctionError {
            arg: None,
            message: message.into(),
            over_budget: false,
        }
    }

    pub fn at(arg: usize, message: impl Into<String>) -> FunctionError {
        FunctionError {
            arg: Some(arg),
            message: message.into(),
            over_budget: false,
        }
    }

    /// The result would be larger than [`MAX_RESULT_BYTES`]; functions check before
    /// they build it.
    pub fn too_large() -> FunctionError {
        FunctionError {
            arg: None,
            message: format!(
                "would build a value larger than {}, the limit for one value",
                mib(MAX_RESULT_BYTES as u64)
            ),
            over_budget: true,
        }
    }
}

/// The largest value a function may build: the limit for one value. Functions whose
/// result can be much larger than their arguments (padding, repetition, splitting into
/// many small values) check their result's estimated size against it as they build it.
pub const MAX_RESULT_BYTES: usize = MAX_VALUE_BYTES;

/// Checks an estimated result size against [`MAX_RESULT_BYTES`].
pub fn within_limit(size: usize) -> Result<(), FunctionError> {
    if size > MAX_RESULT_BYTES {
        Err(FunctionError::too_large())
    } else {
        Ok(())
    }
}

pub type FunctionResult = Result<Value, FunctionError>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unknowns {
    /// Any unknown argument makes the result unknown; the function never sees one.
    Propagate,
    /// The function handles unknown arguments itself.
    Handled,
}

pub struct Function {
    pub call: fn(Vec<Value>) -> FunctionResult,
    pub unknowns: Unknowns,
}

const fn f(call: fn(Vec<Value>) -> FunctionResult) -> Function {
    Function {
        call,
        unknowns: Unknowns::Propagate,
    }
}

const fn handled(call: fn(Vec<Value>) -> FunctionResult) -> Function {
    Function {
        call,
        unknowns: Unknowns::Handled,
    }
}

/// Every implemented function, sorted by name. `try` and `can` are evaluated by the
/// evaluator itself because they look at errors rather than values.
static REGISTRY: &[(&str, Function)] = &[
    ("abs", f(numeric::abs)),
    ("alltrue", f(collections::alltrue)),
    ("anytrue", f(collections::anytrue)),
    ("basename", f(paths::basename)),
    ("ceil", f(numeric::ceil)),
    ("chomp", f(strings::chomp)),
    ("coalesce", handled(collections::coalesce)),
    ("coalescelist", handled(collections::coalescelist)),
    ("compact", f(collections::compact)),
    ("concat", handled(collections::concat)),
    ("contains", handled(collections::contains)),
    ("dirname", f(paths::dirname)),
    ("distinct", f(collections::distinct)),
    ("element", handled(collections::element)),
    ("endswith", f(strings::endswith)),
    ("flatten", handled(collections::flatten)),
    ("floor", f(numeric::floor)),
    ("format", f(format::format)),
    ("formatlist", f(format::formatlist)),
    ("index", handled(collections::index)),
    ("join", f(strings::join)),
    ("jsondecode", f(encoding::jsondecode)),
    ("jsonencode", f(encoding::jsonencode)),
    ("keys", handled(maps::keys)),
    ("length", handled(collections::length)),
    ("log", f(numeric::log)),
    ("lookup", handled(maps::lookup)),
    ("lower", f(strings::lower)),
    ("max", f(numeric::max)),
    ("merge", handled(maps::merge)),
    ("min", f(numeric::min)),
    ("one", handled(collections::one)),
    ("parseint", f(numeric::parseint)),
    ("pow", f(numeric::pow)),
    ("range", f(collections::range)),
    ("regex", f(regex::regex)),
    ("regexall", f(regex::regexall)),
    ("replace", f(strings::replace)),
    ("reverse", handled(collections::reverse)),
    ("setintersection", f(sets::setintersection)),
    ("setproduct", f(sets::setproduct)),
    ("setsubtract", f(sets::setsubtract)),
    ("setunion", f(sets::setunion)),
    ("signum", f(numeric::signum)),
    ("slice", handled(collections::slice)),
    ("sort", f(collections::sort)),
    ("split", f(strings::split)),
    ("startswith", f(strings::startswith)),
    ("strcontains", f(strings::strcontains)),
    ("strrev", f(strings::strrev)),
    ("substr", f(strings::substr)),
    ("sum", f(collections::sum)),
    ("title", f(strings::title)),
    ("tobool", f(conversions::tobool)),
    ("tolist", handled(conversions::tolist)),
    ("tomap", handled(conversions::tomap)),
    ("tonumber", f(conversions::tonumber)),
    ("toset", f(conversions::toset)),
    ("tostring", f(conversions::tostring)),
    ("transpose", f(maps::transpose)),
    ("trim", f(strings::trim)),
    ("trimprefix", f(strings::trimprefix)),
    ("trimspace", f(strings::trimspace)),
    ("trimsuffix", f(strings::trimsuffix)),
    ("upper", f(strings::upper)),
    ("values", handled(maps::values)),
    ("zipmap", handled(maps::zipmap)),
];

/// Names of Terraform built-ins that exist but are not evaluated here (they need the file
/// system, the network, randomness or the clock). Calls to them give an unknown value
/// instead of an error.
static NOT_EVALUATED: &[&str] = &[
    "abspath",
    "base64decode",
    "base64encode",
    "base64gzip",
    "base64sha256",
    "base64sha512",
    "bcrypt",
    "cidrhost",
    "cidrnetmask",
    "cidrsubnet",
    "cidrsubnets",
    "chunklist",
    "csvdecode",
    "ephemeralasnull",
    "file",
    "filebase64",
    "filebase64sha256",
    "filebase64sha512",
    "fileexists",
    "filemd5",
    "fileset",
    "filesha1",
    "filesha256",
    "filesha512",
    "formatdate",
    "indent",
    "issensitive",
    "md5",
    "matchkeys",
    "nonsensitive",
    "pathexpand",
    "plantimestamp",
    "rsadecrypt",
    "sensitive",
    "sha1",
    "sha256",
    "sha512",
    "templatefile",
    "templatestring",
    "textdecodebase64",
    "textencodebase64",
    "timeadd",
    "timecmp",
    "timestamp",
    "type",
    "urlencode",
    "uuid",
    "uuidv5",
    "yamldecode",
    "yamlencode",
];

pub fn lookup(name: &str) -> Option<&'static Function> {
    REGISTRY
        .binary_search_by(|(n, _)| (*n).cmp(name))
        .ok()
        .and_then(|i| REGISTRY.get(i))
        .map(|(_, f)| f)
}

/// Whether `name` is a Terraform built-in, implemented here or not.
pub fn is_terraform_builtin(name: &str) -> bool {
    lookup(name).is_some() || NOT_EVALUATED.contains(&name)
}

/// Checks the number of arguments.
pub fn arity(args: &[Value], min: usize, max: usize) -> Result<(), FunctionError> {
    if args.len() < min {
        return Err(FunctionError::new(format!(
            "not enough arguments: expected {}, got {}",
            if min == max {
                min.to_string()
            } else {
                format!("at least {min}")
            },
            args.len()
        )));
    }
    if args.len() > max {
        return Err(FunctionError::new(format!(
            "too many arguments: expected {}, got {}",
            if min == max {
                max.to_string()
            } else {
                format!("at most {max}")
            },
            args.len()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_is_sorted_and_unique() {
        for pair in REGISTRY.windows(2) {
            assert!(
                pair[0].0 < pair[1].0,
                "{} must sort before {}",
                pair[0].0,
                pair[1].0
            );
        }
    }
}
