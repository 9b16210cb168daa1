//! Comparing two runs: the base of a change and its head. Resources are matched by root and
//! address (so a file renamed within its directory is the same resource), then by address
//! alone when that is unambiguous (a directory renamed). Each head finding is marked new or
//! existing: existing when the base had the same policy, outcome and (matched) resource.
//!
//! `git_tree` reads the base from a git commit.

pub mod git_tree;
pub mod guardrails;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use rust_decimal::Decimal;

use crate::model::{Finding, Location, Resource, Status, Usd};
use crate::report::Report;

/// What happened to one resource between base and head.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    Added,
    Removed,
    Changed,
    Unchanged,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Changed => "changed",
            Change::Unchanged => "unchanged",
        }
    }

    /// `+`, `-`, `~` or a space, as diff tools mark lines.
    pub fn sign(self) -> char {
        match self {
            Change::Added => '+',
            Change::Removed => '-',
            Change::Changed => '~',
            Change::Unchanged => ' ',
        }
    }
}

/// A resource's monthly cost on one side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cost {
    pub baseline: Usd,
    pub ceiling: Usd,
    pub complete: bool,
    /// What the amounts rest on that the files do not say (see `CostEstimate`).
    pub assumptions: Vec<String>,
    /// The node pool the pods are counted in (see `CostEstimate`).
    pub counted_in: Option<String>,
}

/// One resource, matched across the two sides.
#[derive(Clone, Debug, PartialEq)]
pub struct ResourceChange {
    pub change: Change,
    /// The head's root and address (the base's for a removed resource).
    pub root: Arc<str>,
    pub address: String,
    pub resource_type: String,
    /// Where the resource is now (where it was, for a removed one).
    pub location: Location,
    /// Where it was in the base, when it existed there.
    pub base_location: Option<Location>,
    /// `None` when the resource did not exist on that side or is not priced.
    pub before: Option<Cost>,
    pub after: Option<Cost>,
    /// The resource's position in the base's and the head's resources, where it exists.
    pub base_index: Option<usize>,
    pub head_index: Option<usize>,
}

impl ResourceChange {
    /// Head minus base: (baseline, ceiling); a side without a cost counts as zero.
    pub fn delta(&self) -> (Decimal, Decimal) {
        let side = |c: &Option<Cost>| {
            c.as_ref().map_or((Decimal::ZERO, Decimal::ZERO), |c| {
                (c.baseline.0, c.ceiling.0)
            })
        };
        let (b0, c0) = side(&self.before);
        let (b1, c1) = side(&self.after);
        (difference(b0, b1), difference(c0, c1))
    }
}

/// `after - before`, saturating instead of overflowing on absurd amounts.
pub fn difference(before: Decimal, after: Decimal) -> Decimal {
    after.checked_sub(before).unwrap_or(if after >= before {
        Decimal::MAX
    } else {
        Decimal::MIN
    })
}

/// Whether a head finding was already on the base.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Origin {
    New,
    Existing,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::New => "new",
            Origin::Existing => "existing",
        }
    }
}

/// The comparison of two reports.
#[derive(Debug)]
pub struct Diff {
    pub base: Report,
    pub head: Report,
    /// Every resource of either side, by root and address.
    pub resources: Vec<ResourceChange>,
    /// One per head finding, in the head report's order.
    pub origins: Vec<Origin>,
    /// Base findings that are gone in the head (fixed or removed with their resource).
    pub resolved: Vec<Finding>,
}

impl Diff {
    /// The head finding with its origin, in the head report's order.
    pub fn findings(&self) -> impl Iterator<Item = (&Finding, Origin)> {
        self.head.findings.iter().zip(self.origins.iter().copied())
    }
}

type Key<'a> = (&'a str, &'a str);

/// Compares the base and head reports of a change.
pub fn compare(base: Report, head: Report) -> Diff {
    let matches = match_resources(&base.resources, &head.resources);
    let mut resources = Vec::new();
    let mut base_matched = vec![false; base.resources.len()];
    for (hi, h) in head.resources.iter().enumerate() {
        let matched = matches
            .head_to_base
            .get(&hi)
            .and_then(|bi| base.resources.get(*bi).map(|b| (*bi, b)));
        match matched {
            Some((bi, b)) => {
                if let Some(m) = base_matched.get_mut(bi) {
                    *m = true;
                }
                let change = if same_resource(b, h) {
                    Change::Unchanged
                } else {
                    Change::Changed
                };
                resources.push(ResourceChange {
                    change,
                    root: h.root.clone(),
                    address: h.address.clone(),
                    resource_type: h.resource_type.clone(),
                    location: h.location.clone(),
                    base_location: Some(b.location.clone()),
                    before: cost(b),
                    after: cost(h),
                    base_index: Some(bi),
                    head_index: Some(hi),
                });
            }
            None => resources.push(ResourceChange {
                change: Change::Added,
                root: h.root.clone(),
                address: h.address.clone(),
                resource_type: h.resource_type.clone(),
                location: h.location.clone(),
                base_location: None,
                before: None,
                after: cost(h),
                base_index: None,
                head_index: Some(hi),
            }),
        }
    }
    for (bi, (b, matched)) in base.resources.iter().zip(&base_matched).enumerate() {
        if !matched {
            resources.push(ResourceChange {
                change: Change::Removed,
                root: b.root.clone(),
                address: b.address.clone(),
                resource_type: b.resource_type.clone(),
                location: b.location.clone(),
                base_location: Some(b.location.clone()),
                before: cost(b),
                after: None,
                base_index: Some(bi),
                head_index: None,
            });
        }
    }
    resources.sort_by(|a, b| (&a.root, &a.address, a.change).cmp(&(&b.root, &b.address, b.change)));

    let to_base = matches.keys(&head.resources, &base.resources, Side::Head);
    let mut on_base = count_findings(&base.findings);
    let head_keys: HashSet<Key> = head
        .resources
        .iter()
        .map(|r| (r.root.as_ref(), r.address.as_str()))
        .collect();
    let mut origins = Vec::with_capacity(head.findings.len());
    for f in &head.findings {
        let key = (f.root.as_ref(), f.address.as_str());
        // A finding on a resource the base did not have is new; one that is not about a
        // resource (a budget) is compared by its own root and address.
        let (root, address) = match to_base.get(&key) {
            Some(k) => *k,
            None if head_keys.contains(&key) => {
                origins.push(Origin::New);
                continue;
            }
            None => key,
        };
        let origin = if take(
            &mut on_base,
            (f.policy_id.as_str(), f.status, root, address),
        ) {
            Origin::Existing
        } else {
            Origin::New
        };
        origins.push(origin);
    }
    let resolved = resolved_findings(&base, &head, &matches);
    Diff {
        base,
        head,
        resources,
        origins,
        resolved,
    }
}

/// Base failures and unknowns with no counterpart in the head.
fn resolved_findings(base: &Report, head: &Report, matches: &Matches) -> Vec<Finding> {
    let to_head = matches.keys(&base.resources, &head.resources, Side::Base);
    let mut on_head = count_findings(&head.findings);
    base.findings
        .iter()
        .filter(|f| matches!(f.status, Status::Fail | Status::Unknown))
        .filter(|f| {
            let key = (f.root.as_ref(), f.address.as_str());
            let (root, address) = to_head.get(&key).copied().unwrap_or(key);
            !take(
                &mut on_head,
                (f.policy_id.as_str(), f.status, root, address),
            )
        })
        .cloned()
        .collect()
}

/// (policy, outcome, root, address): what makes two findings the same one.
type FindingKey<'a> = (&'a str, Status, &'a str, &'a str);

fn count_findings(findings: &[Finding]) -> BTreeMap<FindingKey<'_>, usize> {
    let mut counts = BTreeMap::new();
    for f in findings {
        *counts
            .entry((
                f.policy_id.as_str(),
                f.status,
                f.root.as_ref(),
                f.address.as_str(),
            ))
            .or_default() += 1;
    }
    counts
}

/// Takes one finding with this key from the counts; false when none is left.
fn take<'a>(counts: &mut BTreeMap<FindingKey<'a>, usize>, key: FindingKey<'a>) -> bool {
    match counts.get_mut(&key) {
        Some(n) if *n > 0 => {
            *n -= 1;
            true
        }
        _ => false,
    }
}

/// Which side the resources given first to [`Matches::keys`] are on.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Head,
    Base,
}

struct Matches {
    /// Head resource index -> base resource index.
    head_to_base: BTreeMap<usize, usize>,
}

impl Matches {
    /// (root, address) on the `from` side -> (root, address) of its match on the other.
    fn keys<'a>(
        &self,
        from: &'a [Resource],
        to: &'a [Resource],
        side: Side,
    ) -> HashMap<Key<'a>, Key<'a>> {
        let mut keys = HashMap::new();
        for (hi, bi) in &self.head_to_base {
            let (fi, ti) = if side == Side::Head {
                (hi, bi)
            } else {
                (bi, hi)
            };
            if let (Some(f), Some(t)) = (from.get(*fi), to.get(*ti)) {
                keys.insert(
                    (f.root.as_ref(), f.address.as_str()),
                    (t.root.as_ref(), t.address.as_str()),
                );
            }
        }
        keys
    }
}

/// Pairs resources: first by (root, address); then, among the rest, by address and type
/// when exactly one resource on each side has it (a directory that was renamed).
fn match_resources(base: &[Resource], head: &[Resource]) -> Matches {
    let by_key: HashMap<Key, usize> = base
        .iter()
        .enumerate()
        .map(|(i, r)| ((r.root.as_ref(), r.address.as_str()), i))
        .collect();
    let mut head_to_base = BTreeMap::new();
    let mut taken = vec![false; base.len()];
    for (hi, h) in head.iter().enumerate() {
        if let Some(bi) = by_key.get(&(h.root.as_ref(), h.address.as_str())) {
            head_to_base.insert(hi, *bi);
            if let Some(t) = taken.get_mut(*bi) {
                *t = true;
            }
        }
    }
    let mut base_rest: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for (bi, b) in base.iter().enumerate() {
        if !taken.get(bi).copied().unwrap_or(true) {
            base_rest
                .entry((b.address.as_str(), b.resource_type.as_str()))
                .or_default()
                .push(bi);
        }
    }
    let mut head_rest: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for (hi, h) in head.iter().enumerate() {
        if !head_to_base.contains_key(&hi) {
            head_rest
                .entry((h.address.as_str(), h.resource_type.as_str()))
                .or_default()
                .push(hi);
        }
    }
    for (key, his) in head_rest {
        if let (Some(bis), [hi]) = (base_rest.get(&key), his.as_slice()) {
            if let [bi] = bis.as_slice() {
                head_to_base.insert(*hi, *bi);
            }
        }
    }
    Matches { head_to_base }
}

/// Whether the resource is the same on both sides, ignoring where it is written.
fn same_resource(a: &Resource, b: &Resource) -> bool {
    a.resource_type == b.resource_type
        && a.attributes == b.attributes
        && a.tags == b.tags
        && a.compute == b.compute
        && a.workload == b.workload
        && a.region == b.region
        && a.environment == b.environment
        && a.cost == b.cost
}

fn cost(r: &Resource) -> Option<Cost> {
    r.cost.as_ref().map(|c| Cost {
        baseline: c.baseline,
        ceiling: c.ceiling,
        complete: c.complete,
        assumptions: c.assumptions.clone(),
        counted_in: c.counted_in.clone(),
    })
}
