//! Set functions: `setunion`, `setintersection` and `setsubtract`. Every argument becomes
//! a set and all of them share one element type, so `setunion([1], ["a"])` is
//! `["1", "a"]`; results are in Terraform's set order. `setproduct` combines sets or lists.

use super::args::{elements_arg, ordinal};
use super::unify::unify;
use super::{arity, FunctionError, FunctionResult};
use crate::model::{set_order, Value};

/// The arguments as sets of one common element type.
fn as_sets(args: &[Value]) -> Result<Vec<Vec<Value>>, FunctionError> {
    let mut all = Vec::new();
    let mut sizes = Vec::with_capacity(args.len());
    for i in 0..args.len() {
        let items = elements_arg(args, i)?;
        sizes.push(items.len());
        all.extend(items.iter().cloned());
    }
    let mut unified = unify(all)
        .map_err(|m| FunctionError::new(format!("the sets cannot be combined: {m}")))?
        .into_iter();
    Ok(sizes
        .into_iter()
        .map(|n| match Value::set(unified.by_ref().take(n).collect()) {
            Value::Set(items) => items,
            _ => Vec::new(),
        })
        .collect())
}

/// Whether `set` (sorted in set order) holds a value equal to `v`. A value with an
/// unknown inside is never known to be equal to anything; for known values set order's
/// `Equal` is equality, so a binary search replaces a scan (two sets of 100,000 elements
/// would otherwise take 10^10 comparisons).
fn contains(set: &[Value], v: &Value) -> bool {
    v.is_wholly_known() && set.binary_search_by(|e| set_order(e, v)).is_ok()
}

pub fn setunion(args: Vec<Value>) -> FunctionResult {
    arity(&args, 1, usize::MAX)?;
    let sets = as_sets(&args)?;
    Ok(Value::set(sets.into_iter().flatten().collect()))
}

pub fn setintersection(args: Vec<Value>) -> FunctionResult {
    arity(&args, 1, usize::MAX)?;
    let mut sets = as_sets(&args)?.into_iter();
    let first = sets.next().unwrap_or_default();
    let rest: Vec<Vec<Value>> = sets.collect();
    Ok(Value::set(
        first
            .into_iter()
            .filter(|v| rest.iter().all(|s| contains(s, v)))
            .collect(),
    ))
}

pub fn setsubtract(args: Vec<Value>) -> FunctionResult {
    arity(&args, 2, 2)?;
    let mut sets = as_sets(&args)?.into_iter();
    let (Some(a), Some(b)) = (sets.next(), sets.next()) else {
        return Err(FunctionError::new(format!(
            "the {} argument is missing",
            ordinal(1)
        )));
    };
    Ok(Value::set(
        a.into_iter().filter(|v| !contains(&b, v)).collect(),
    ))
}

/// Most combinations `setproduct` builds; a larger product is left unknown rather than
/// filling memory (Terraform has no limit, so this is not an error in the input).
const PRODUCT_LIMIT: usize = 100_000;

/// `setproduct(a, b, ...)`: every combination of one element from each argument, as a
/// tuple, the first argument varying slowest. A list when every argument is a list or
/// tuple, else a set. Each argument's elements share one type.
pub fn setproduct(args: Vec<Value>) -> FunctionResult {
    if args.len() < 2 {
        return Err(FunctionError::new(
            "setproduct() needs at least two arguments",
        ));
    }
    let mut all_lists = true;
    let mut factors: Vec<Vec<Value>> = Vec::with_capacity(args.len());
    let mut size: usize = 1;
    for (i, v) in args.iter().enumerate() {
        if matches!(v, Value::Set(_)) {
            all_lists = false;
        }
        let items = unify(elements_arg(&args, i)?.to_vec()).map_err(|m| {
            FunctionError::at(i, format!("all elements must be of the same type: {m}"))
        })?;
        size = size.saturating_mul(items.len());
        factors.push(items);
    }
    if size > PRODUCT_LIMIT {
        return Ok(Value::unknown(format!(
            "setproduct() would build {size} combinations, more than the {PRODUCT_LIMIT} evaluated here"
        )));
    }
    let mut product: Vec<Vec<Value>> = vec![Vec::new()];
    for factor in &factors {
        product = product
            .iter()
            .flat_map(|prefix| {
                factor.iter().map(move |item| {
                    let mut tuple = prefix.clone();
                    tuple.push(item.clone());
                    tuple
                })
            })
            .collect();
    }
    let tuples: Vec<Value> = product.into_iter().map(Value::List).collect();
    Ok(if all_lists {
        Value::List(tuples)
    } else {
        Value::set(tuples)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn membership_matches_equality_with_unknowns_never_equal() {
        let u = Value::unknown("var.x has no default");
        let set = match Value::set(vec![
            Value::Number(2.0),
            u.clone(),
            Value::List(vec![Value::Number(1.0), u.clone()]),
            Value::List(vec![Value::Number(1.0)]),
        ]) {
            Value::Set(items) => items,
            other => panic!("{other:?}"),
        };
        assert!(contains(&set, &Value::Number(2.0)));
        assert!(contains(&set, &Value::List(vec![Value::Number(1.0)])));
        assert!(!contains(&set, &Value::Number(3.0)));
        assert!(!contains(&set, &u));
        assert!(!contains(&set, &Value::List(vec![Value::Number(1.0), u])));
    }

    fn strings(xs: &[&str]) -> Value {
        Value::List(xs.iter().map(|x| Value::string(*x)).collect())
    }

    #[test]
    fn results_are_sorted_sets() {
        assert_eq!(
            setunion(vec![strings(&["b", "a"]), strings(&["c", "a"])]),
            Ok(Value::Set(vec![
                Value::string("a"),
                Value::string("b"),
                Value::string("c")
            ]))
        );
        assert_eq!(
            setsubtract(vec![strings(&["a", "b"]), strings(&["a"])]),
            Ok(Value::Set(vec![Value::string("b")]))
        );
    }

    #[test]
    fn elements_share_one_type() {
        assert_eq!(
            setintersection(vec![
                Value::List(vec![Value::Number(1.0), Value::Number(2.0)]),
                strings(&["2"])
            ]),
            Ok(Value::Set(vec![Value::string("2")]))
        );
        assert!(setunion(vec![
            Value::List(vec![Value::Number(1.0)]),
            Value::List(vec![Value::Bool(true)])
        ])
        .is_err());
    }

    #[test]
    fn setproduct_combines_every_element_the_first_argument_slowest() {
        let product = setproduct(vec![
            strings(&["b", "a"]),
            Value::List(vec![Value::Number(1.0), Value::string("2")]),
        ])
        .unwrap();
        assert_eq!(
            product.display(),
            r#"[["b", "1"], ["b", "2"], ["a", "1"], ["a", "2"]]"#
        );
        // A set among the arguments makes the result a set.
        let product = setproduct(vec![
            Value::set(vec![Value::string("x")]),
            strings(&["b", "a"]),
        ])
        .unwrap();
        assert!(matches!(product, Value::Set(ref items) if items.len() == 2));
        assert_eq!(
            setproduct(vec![strings(&[]), strings(&["a"])]),
            Ok(Value::List(Vec::new()))
        );
        assert!(setproduct(vec![strings(&["a"])]).is_err());
        let big: Vec<Value> = (0..400).map(|i| Value::Number(f64::from(i))).collect();
        assert!(matches!(
            setproduct(vec![Value::List(big.clone()), Value::List(big)]),
            Ok(Value::Unknown(_))
        ));
    }
}
