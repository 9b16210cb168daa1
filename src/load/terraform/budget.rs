//! Evaluation budgets. A few lines of HCL can ask for more than any machine has (a string
//! doubled forty times, modules nested a thousand wide on three levels), and in CI those
//! lines are written by whoever opens the pull request. So evaluation is metered:
//!
//! - per value: no value may be larger than [`MAX_VALUE_BYTES`];
//! - per expression: at most [`MAX_EXPRESSION_STEPS`] sub-expressions and
//!   [`MAX_EXPRESSION_BYTES`] of values built or copied;
//! - per root ([`RootBudget`]): at most [`MAX_ROOT_STEPS`] steps, [`MAX_ROOT_COPIED`] of
//!   values built or copied (time: every reference to a local copies it) and
//!   [`MAX_ROOT_INSTANCES`] resource and module instances across every module level;
//! - per run ([`RunBudget`]): at most [`MAX_RUN_KEPT`] of values kept (memory: locals,
//!   module inputs and outputs, `for_each` values, resource attributes) and
//!   [`MAX_RUN_MADE`] instances made by `count`, `for_each` and repeated module calls, over
//!   every root. Roots are evaluated in parallel, so the run's budget is split into
//!   [`RUN_GROUPS`] equal shares and the roots are dealt into the groups in a fixed order;
//!   each group evaluates its roots one after another. Which root runs out is then the same
//!   on every run and every machine, and the roots in flight together can never hold more
//!   than the run's budget.
//!
//! Sizes are estimates of the memory a value holds ([`value_bytes`]). Past a limit the value
//! is unknown and an input error names the expression; once a root budget is spent, the
//! rest of that root is unknown without further errors. The limits are fixed, not
//! configurable, because the configuration may come from the pull request being checked;
//! `docs/security.md` ("Evaluation budget") explains the numbers.

use std::cell::Cell;
use std::fmt;
use std::mem::size_of;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

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

/// What a resource or module instance keeps beside its values (its address, argument
/// locations, the record itself), counted against [`MAX_RUN_KEPT`].
pub const INSTANCE_BYTES: usize = 1 << 10;

/// Most resource and module instances in one root, across every module level; the same
/// as the limit for one block. Real roots have fewer than 100,000 resource instances.
pub const MAX_ROOT_INSTANCES: u64 = 100_000;

/// How many groups the roots of a run are dealt into, each with an equal share of the run's
/// budget. A constant, not the number of threads, so the output is the same on every machine.
pub const RUN_GROUPS: usize = 4;

/// Most bytes of values all the roots of one run keep: what one root could keep alone
/// before roots shared a budget. Real repositories keep a few MB in total (the heaviest
/// root of the test corpus, a root calling the whole EKS module, keeps 1.9 MB), and a tree
/// of 100,000 small resources about 300 MB; each group may keep a quarter (96 MiB).
pub const MAX_RUN_KEPT: u64 = 384 << 20;

/// Most resource and module instances one run makes beyond what is written in its files:
/// the instances of `count` and `for_each` past the first, and the module instances of a
/// directory past its first in a root. Written blocks are not counted here (a monorepo of
/// 100,000 resource blocks is allowed); the root limit bounds them per root. Each resource
/// record takes about 9 KB, so a few lines multiply to at most about 450 MB of records.
/// Real roots make a few hundred at most (the corpus: 240).
pub const MAX_RUN_MADE: u64 = 50_000;

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

/// Which budget ran out: one of the root's own, or its group's share of the run's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RootLimit {
    Steps,
    Copied,
    Instances,
    RunKept,
    RunMade,
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
            RootLimit::Instances => format!(
                "evaluation budget exceeded: this root has more than {MAX_ROOT_INSTANCES} resource and module instances, the limit for one root; the instances past it are not evaluated"
            ),
            RootLimit::RunKept => format!(
                "evaluation budget exceeded: the roots of this root's group keep more than {} of values, the group's share of the {} one run may keep (roots are dealt in path order into {RUN_GROUPS} groups); the rest of the root is not evaluated",
                mib(MAX_RUN_KEPT / RUN_GROUPS as u64),
                mib(MAX_RUN_KEPT)
            ),
            RootLimit::RunMade => format!(
                "evaluation budget exceeded: the roots of this root's group make more than {} instances with count, for_each and repeated module calls, the group's share of the {MAX_RUN_MADE} one run may make (roots are dealt in path order into {RUN_GROUPS} groups); the instances past it are not evaluated",
                MAX_RUN_MADE / RUN_GROUPS as u64
            ),
        }
    }
}

impl fmt::Display for RootLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RootLimit::Steps => "evaluation steps",
            RootLimit::Copied => "values built or copied",
            RootLimit::Instances => "resource and module instances",
            RootLimit::RunKept => "values kept in this run",
            RootLimit::RunMade => "instances made in this run",
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

/// One group's share of the run's budget (see the module comment). The roots of a group are
/// evaluated one after another, so the counters are never raced; atomics only because the
/// group moves between threads.
#[derive(Debug, Default)]
pub struct GroupBudget {
    kept: AtomicU64,
    made: AtomicU64,
}

impl GroupBudget {
    /// Adds `n` to `counter`; false once the total passes `max`.
    fn charge(counter: &AtomicU64, n: u64, max: u64) -> bool {
        let add = |v: u64| Some(v.saturating_add(n));
        let before = counter
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, add)
            .unwrap_or_else(|v| v);
        before.saturating_add(n) <= max
    }
}

/// The budget of one run: [`RUN_GROUPS`] equal shares.
#[derive(Debug)]
pub struct RunBudget {
    groups: Vec<Arc<GroupBudget>>,
}

impl Default for RunBudget {
    fn default() -> RunBudget {
        RunBudget {
            groups: (0..RUN_GROUPS)
                .map(|_| Arc::new(GroupBudget::default()))
                .collect(),
        }
    }
}

impl RunBudget {
    pub fn new() -> RunBudget {
        RunBudget::default()
    }

    /// The share of group `g` (taken modulo [`RUN_GROUPS`]).
    pub fn group(&self, g: usize) -> Arc<GroupBudget> {
        // Always present: there are RUN_GROUPS groups.
        self.groups
            .get(g % RUN_GROUPS)
            .cloned()
            .unwrap_or_else(|| Arc::new(GroupBudget::default()))
    }
}

/// What one root has spent so far. Each root is evaluated on one thread, so plain cells.
#[derive(Debug, Default)]
pub struct RootBudget {
    steps: Cell<u64>,
    copied: Cell<u64>,
    kept: Cell<u64>,
    instances: Cell<u64>,
    spent: Cell<Option<RootLimit>>,
    /// The group's share of the run this root also draws on; none for an expression
    /// evaluated on its own.
    group: Option<Arc<GroupBudget>>,
}

impl RootBudget {
    pub fn new() -> RootBudget {
        RootBudget::default()
    }

    /// A root's budget that also draws on `group`'s share of the run.
    pub fn in_group(group: Arc<GroupBudget>) -> RootBudget {
        RootBudget {
            group: Some(group),
            ..RootBudget::default()
        }
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
        self.charge(&self.kept, n, u64::MAX, RootLimit::RunKept)?;
        self.charge_group(n, |g| &g.kept, MAX_RUN_KEPT, RootLimit::RunKept)
    }

    /// Charges `n` instances, of which `written` are written in the files (the first
    /// instance of a block, the first instance of a module directory): the rest are made by
    /// the evaluation and also count against the group's share of the run.
    pub fn charge_instances(&self, n: u64, written: u64) -> Result<(), Exceeded> {
        self.charge(&self.instances, n, MAX_ROOT_INSTANCES, RootLimit::Instances)?;
        let made = n.saturating_sub(written);
        if made == 0 {
            return Ok(());
        }
        self.charge_group(made, |g| &g.made, MAX_RUN_MADE, RootLimit::RunMade)
    }

    /// Charges the group's share (`run_max` / [`RUN_GROUPS`]) of one run budget.
    fn charge_group(
        &self,
        n: u64,
        counter: impl Fn(&GroupBudget) -> &AtomicU64,
        run_max: u64,
        limit: RootLimit,
    ) -> Result<(), Exceeded> {
        let Some(group) = &self.group else {
            return Ok(());
        };
        if GroupBudget::charge(counter(group), n, run_max / RUN_GROUPS as u64) {
            return Ok(());
        }
        self.spent.set(Some(limit));
        Err(Exceeded { limit, first: true })
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
    fn the_roots_of_a_group_share_its_part_of_the_run() {
        let run = RunBudget::new();
        let share = usize::try_from(MAX_RUN_KEPT).unwrap_or(usize::MAX) / RUN_GROUPS;
        let first = RootBudget::in_group(run.group(0));
        assert_eq!(first.charge_kept(share - 10), Ok(()));
        // The next root of group 0 has 10 bytes left; group 1 (and group 4 = 0 + 4 wraps
        // to group 0) are counted apart.
        let next = RootBudget::in_group(run.group(4));
        let other = RootBudget::in_group(run.group(1));
        assert_eq!(other.charge_kept(share), Ok(()));
        assert_eq!(next.charge_kept(10), Ok(()));
        let past = Exceeded {
            limit: RootLimit::RunKept,
            first: true,
        };
        assert_eq!(next.charge_kept(1), Err(past));
        assert_eq!(next.spent(), Some(RootLimit::RunKept));
        // A root on its own (no group) keeps without a limit.
        assert_eq!(RootBudget::new().charge_kept(share * 8), Ok(()));
    }

    #[test]
    fn only_instances_the_files_do_not_write_count_against_the_run() {
        let run = RunBudget::new();
        let share = MAX_RUN_MADE / RUN_GROUPS as u64;
        let b = RootBudget::in_group(run.group(2));
        // 60,000 first instances of blocks: the root's limit only.
        assert_eq!(b.charge_instances(60_000, 60_000), Ok(()));
        // count = share + 1 on one block: share made, within the group's share.
        assert_eq!(b.charge_instances(share + 1, 1), Ok(()));
        assert_eq!(
            b.charge_instances(1, 0),
            Err(Exceeded {
                limit: RootLimit::RunMade,
                first: true
            })
        );
    }

    #[test]
    fn a_spent_root_budget_refuses_every_later_charge_once_reported() {
        let b = RootBudget::new();
        assert_eq!(b.charge_instances(MAX_ROOT_INSTANCES, 0), Ok(()));
        assert_eq!(
            b.charge_instances(1, 0),
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
