//! Evaluation budgets. A few lines of HCL can ask for more than any machine has (a string
//! doubled forty times, modules nested a thousand wide on three levels), and in CI those
//! lines are written by whoever opens the pull request. So evaluation is metered:
//!
//! - per value: no value may be larger than [`MAX_VALUE_BYTES`];
//! - per expression: at most [`MAX_EXPRESSION_STEPS`] sub-expressions and
//!   [`MAX_EXPRESSION_BYTES`] of values built or copied;
//! - per root ([`RootBudget`]): at most [`MAX_ROOT_STEPS`] steps, [`MAX_ROOT_COPIED`] of
//!   values built or copied (time: every reference to a local copies it),
//!   [`MAX_ROOT_KEPT`] of values kept (memory: locals, module inputs and outputs,
//!   `for_each` values, resource attributes) and [`MAX_ROOT_INSTANCES`] resource and module
//!   instances across every module level.
//!
//! Sizes are estimates of the memory a value holds ([`value_bytes`]). Past a limit the value
//! is unknown and an input error names the expression; once a root budget is spent, the
//! rest of that root is unknown without further errors. The limits are fixed, not
//! configurable, because the configuration may come from the pull request being checked;
//! `docs/security.md` ("Evaluation budget") explains the numbers.

use std::cell::Cell;
use std::fmt;
use std::mem::size_of;

use super::ast::Span;
use super::eval::{EvalError, Stop};
use crate::model::Value;

/// The largest value one expression may produce. Real values are at most a few MB.
pub const MAX_VALUE_BYTES: usize = 16 << 20;

/// Most sub-expressions one evaluation may visit. Real configurations stay far below; a
/// nested `for` over `range(1024)` three deep would otherwise build a billion values.
pub const MAX_EXPRESSION_STEPS: usize = 2_000_000;

/// Most bytes of values one expression may build or copy (every reference to a local
/// copies it), so one runaway expression fails on its own instead of spending the root's
/// budget.
pub const MAX_EXPRESSION_BYTES: usize = 256 << 20;

/// Most sub-expressions evaluated in one root, all expressions of all module instances.
pub const MAX_ROOT_STEPS: u64 = 50_000_000;

/// Most bytes of values built or copied in one root: a bound on the time spent copying.
/// Real roots copy far more than they keep (a module input is copied into every
/// instance); the heaviest seen, a root calling the whole EKS module, copies about 100 KB
/// per resource.
pub const MAX_ROOT_COPIED: u64 = 4 << 30;

/// Most bytes of values one root keeps: local values, module inputs and outputs,
/// `for_each` values and the attributes of every resource instance (with an allowance for
/// the record around them). This bounds the root's memory: a kept value may be held about
/// twice later (the attributes, and a resource's tags as facts), so 384 MiB keeps the
/// run under 1 GiB. Real roots keep a few MB.
pub const MAX_ROOT_KEPT: u64 = 384 << 20;

/// What a resource or module instance keeps beside its values (its address, argument
/// locations, the record itself), counted against [`MAX_ROOT_KEPT`].
pub const INSTANCE_BYTES: usize = 1 << 10;

/// Most resource and module instances in one root, across every module level; the same
/// as the limit for one block. Real roots have fewer than 100,000 resource instances.
pub const MAX_ROOT_INSTANCES: u64 = 100_000;

/// Where to read about the limits; every budget error points there.
pub const HELP: &str = "the value is unknown; the limits are fixed so that a pull request cannot raise them: simplify the configuration (see \"Evaluation budget\" in docs/security.md)";

/// Estimated memory held by one value node, whatever its kind: lists hold their elements'
/// nodes in one buffer, maps in B-tree leaves.
const NODE: usize = size_of::<Value>();

/// A leaf of the standard library's B-tree: eleven keys and eleven values side by side,
/// allocated whole however few entries it holds. Small maps are mostly leaf.
const LEAF: usize = 11 * (size_of::<String>() + size_of::<Value>()) + 16;

/// Entries per leaf that the estimate assumes: a B-tree keeps its nodes at least about
/// half full.
const PER_LEAF: usize = 5;

/// The estimated memory a value holds: its node, the text of strings and keys, the nodes
/// of elements, and the leaves of maps. Unknowns share their reason, so they cost a node.
pub fn value_bytes(v: &Value) -> usize {
    NODE.saturating_add(payload_bytes(v))
}

/// What a value holds outside its own node.
fn payload_bytes(v: &Value) -> usize {
    match v {
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::Unknown(_) => 0,
        Value::String(s) => s.len(),
        Value::List(items) | Value::Set(items) => items
            .iter()
            .fold(0, |sum, item| sum.saturating_add(value_bytes(item))),
        Value::Map(m) => entries_bytes(m.entries.iter()),
        // The mark boxes the value: the box holds a whole node.
        Value::Sensitive(inner) => value_bytes(inner),
    }
}

/// The estimated memory of a map, as [`value_bytes`] counts it.
pub fn map_bytes(m: &crate::model::Map) -> usize {
    NODE.saturating_add(entries_bytes(m.entries.iter()))
}

/// The estimated memory of a map's entries: leaves, keys and what the values hold.
pub fn entries_bytes<'a>(entries: impl Iterator<Item = (&'a String, &'a Value)>) -> usize {
    entries.enumerate().fold(0, |sum, (i, (k, v))| {
        sum.saturating_add(entry_bytes(i, k))
            .saturating_add(payload_bytes(v))
    })
}

/// What the entry at position `i` of a map adds besides its value: a new leaf every
/// [`PER_LEAF`] entries, and its key's text. A value of estimated size `size` stored in it
/// adds [`payload`]`(size)`, since its node is part of the leaf.
pub fn entry_bytes(i: usize, key: &str) -> usize {
    let leaf = if i.is_multiple_of(PER_LEAF) { LEAF } else { 0 };
    leaf.saturating_add(key.len())
}

/// The part of a value of estimated size `size` outside its own node.
pub fn payload(size: usize) -> usize {
    size.saturating_sub(NODE)
}

/// The estimated memory of a value node that holds nothing else (a number, a bool, an
/// empty collection), and of the node part of a collection.
pub const fn node_bytes() -> usize {
    NODE
}

/// Which per-root budget ran out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RootLimit {
    Steps,
    Copied,
    Kept,
    Instances,
}

impl RootLimit {
    /// The sentence an input error gives, naming the budget and its limit.
    pub fn message(self) -> String {
        match self {
            RootLimit::Steps => format!(
                "evaluation budget exceeded: this root takes more than {MAX_ROOT_STEPS} evaluation steps, the limit for one root; the rest of the root is not evaluated"
            ),
            RootLimit::Copied => format!(
                "evaluation budget exceeded: this root builds or copies more than {} of values, the limit for one root; the rest of the root is not evaluated",
                mib(MAX_ROOT_COPIED)
            ),
            RootLimit::Kept => format!(
                "evaluation budget exceeded: this root keeps more than {} of values, the limit for one root; the rest of the root is not evaluated",
                mib(MAX_ROOT_KEPT)
            ),
            RootLimit::Instances => format!(
                "evaluation budget exceeded: this root has more than {MAX_ROOT_INSTANCES} resource and module instances, the limit for one root; the instances past it are not evaluated"
            ),
        }
    }
}

impl fmt::Display for RootLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RootLimit::Steps => "evaluation steps",
            RootLimit::Copied => "values built or copied",
            RootLimit::Kept => "values kept",
            RootLimit::Instances => "resource and module instances",
        })
    }
}

/// A root budget that ran out. `first` is set for the charge that crossed the limit: that
/// one is reported, every later one only makes its value unknown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Exceeded {
    pub limit: RootLimit,
    pub first: bool,
}

/// What one root has spent so far. Each root is evaluated on one thread, so plain cells.
#[derive(Debug, Default)]
pub struct RootBudget {
    steps: Cell<u64>,
    copied: Cell<u64>,
    kept: Cell<u64>,
    instances: Cell<u64>,
    spent: Cell<Option<RootLimit>>,
}

impl RootBudget {
    pub fn new() -> RootBudget {
        RootBudget::default()
    }

    /// The budget that ran out first, if one did.
    pub fn spent(&self) -> Option<RootLimit> {
        self.spent.get()
    }

    pub fn charge_steps(&self, n: u64) -> Result<(), Exceeded> {
        self.charge(&self.steps, n, MAX_ROOT_STEPS, RootLimit::Steps)
    }

    pub fn charge_copied(&self, n: usize) -> Result<(), Exceeded> {
        let n = u64::try_from(n).unwrap_or(u64::MAX);
        self.charge(&self.copied, n, MAX_ROOT_COPIED, RootLimit::Copied)
    }

    pub fn charge_kept(&self, n: usize) -> Result<(), Exceeded> {
        let n = u64::try_from(n).unwrap_or(u64::MAX);
        self.charge(&self.kept, n, MAX_ROOT_KEPT, RootLimit::Kept)
    }

    pub fn charge_instances(&self, n: u64) -> Result<(), Exceeded> {
        self.charge(&self.instances, n, MAX_ROOT_INSTANCES, RootLimit::Instances)
    }

    /// Once any budget is spent every charge fails: the root stops evaluating.
    fn charge(&self, used: &Cell<u64>, n: u64, max: u64, limit: RootLimit) -> Result<(), Exceeded> {
        if let Some(limit) = self.spent.get() {
            return Err(Exceeded {
                limit,
                first: false,
            });
        }
        let total = used.get().saturating_add(n);
        used.set(total);
        if total > max {
            self.spent.set(Some(limit));
            return Err(Exceeded { limit, first: true });
        }
        Ok(())
    }

    /// Steps, bytes copied, bytes kept and instances spent so far.
    pub fn used(&self) -> [u64; 4] {
        [
            self.steps.get(),
            self.copied.get(),
            self.kept.get(),
            self.instances.get(),
        ]
    }
}

/// What one evaluation (one expression, with everything it refers to that is not
/// memoised) has spent, and the root budget it also draws on.
pub struct Meter<'r> {
    root: Root<'r>,
    steps: usize,
    bytes: usize,
}

enum Root<'r> {
    Shared(&'r RootBudget),
    /// A standalone expression (`--var`, a type's default) has a root budget of its own.
    Own(RootBudget),
}

impl<'r> Meter<'r> {
    pub fn own() -> Meter<'r> {
        Meter {
            root: Root::Own(RootBudget::new()),
            steps: 0,
            bytes: 0,
        }
    }

    pub fn in_root(budget: &'r RootBudget) -> Meter<'r> {
        Meter {
            root: Root::Shared(budget),
            steps: 0,
            bytes: 0,
        }
    }

    fn root(&self) -> &RootBudget {
        match &self.root {
            Root::Shared(b) => b,
            Root::Own(b) => b,
        }
    }

    /// One sub-expression evaluated at `span`.
    pub fn step(&mut self, span: Span) -> Result<(), EvalError> {
        self.steps += 1;
        if self.steps > MAX_EXPRESSION_STEPS {
            return Err(exceeded(
                format!("evaluation budget exceeded: this expression takes more than {MAX_EXPRESSION_STEPS} evaluation steps, the limit for one expression"),
                span,
            ));
        }
        self.root().charge_steps(1).map_err(|e| root_error(e, span))
    }

    /// `bytes` of values built or copied at `span`.
    pub fn charge(&mut self, bytes: usize, span: Span) -> Result<(), EvalError> {
        self.bytes = self.bytes.saturating_add(bytes);
        if self.bytes > MAX_EXPRESSION_BYTES {
            return Err(exceeded(
                format!(
                    "evaluation budget exceeded: this expression builds or copies more than {} of values, the limit for one expression",
                    mib(MAX_EXPRESSION_BYTES as u64)
                ),
                span,
            ));
        }
        self.root()
            .charge_copied(bytes)
            .map_err(|e| root_error(e, span))
    }

    /// Checks the size of the value being built at `span`.
    pub fn fits(&self, size: usize, span: Span) -> Result<(), EvalError> {
        if size > MAX_VALUE_BYTES {
            return Err(exceeded(
                format!(
                    "evaluation budget exceeded: this expression builds a value larger than {}, the limit for one value",
                    mib(MAX_VALUE_BYTES as u64)
                ),
                span,
            ));
        }
        Ok(())
    }

    /// Checks the size of the arguments of the call at `span` so far.
    pub fn fits_arguments(&self, size: usize, span: Span) -> Result<(), EvalError> {
        if size > MAX_VALUE_BYTES {
            return Err(exceeded(
                format!(
                    "evaluation budget exceeded: the arguments of this call are larger than {} together, the limit for one value",
                    mib(MAX_VALUE_BYTES as u64)
                ),
                span,
            ));
        }
        Ok(())
    }
}

/// A budget error at `span`: reported, and not caught by `try` or `can`.
pub fn exceeded(message: String, span: Span) -> EvalError {
    EvalError {
        message,
        span,
        help: Some(HELP.to_string()),
        stop: Stop::Budget,
        invalid_reference: false,
    }
}

/// The error for a root budget that ran out: reported where it ran out, and only an
/// unknown value everywhere after.
pub fn root_error(e: Exceeded, span: Span) -> EvalError {
    if e.first {
        return exceeded(e.limit.message(), span);
    }
    EvalError {
        message: format!("this root's evaluation budget ({}) is spent", e.limit),
        span,
        help: None,
        stop: Stop::Spent,
        invalid_reference: false,
    }
}

/// `16 MiB` for limits written in bytes.
pub fn mib(bytes: u64) -> String {
    format!("{} MiB", bytes >> 20)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Map;

    #[test]
    fn sizes_count_nodes_text_and_leaves() {
        assert_eq!(value_bytes(&Value::Number(1.0)), NODE);
        assert_eq!(value_bytes(&Value::string("abc")), NODE + 3);
        let list = Value::List(vec![Value::string("ab"), Value::Null]);
        assert_eq!(value_bytes(&list), 3 * NODE + 2);
        // One entry takes a whole leaf; the sixth starts another.
        let mut m = Map::new();
        m.insert("key", Value::string("v"));
        assert_eq!(value_bytes(&Value::Map(m.clone())), NODE + LEAF + 3 + 1);
        for k in ["a", "b", "c", "d", "e"] {
            m.insert(k, Value::Null);
        }
        assert_eq!(value_bytes(&Value::Map(m)), NODE + 2 * LEAF + 3 + 1 + 5);
    }

    #[test]
    fn a_spent_root_budget_refuses_every_later_charge_once_reported() {
        let b = RootBudget::new();
        assert_eq!(b.charge_instances(MAX_ROOT_INSTANCES), Ok(()));
        assert_eq!(
            b.charge_instances(1),
            Err(Exceeded {
                limit: RootLimit::Instances,
                first: true
            })
        );
        assert_eq!(
            b.charge_kept(1),
            Err(Exceeded {
                limit: RootLimit::Instances,
                first: false
            })
        );
        assert_eq!(b.spent(), Some(RootLimit::Instances));
    }
}
