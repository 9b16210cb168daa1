//! Which scanned module directories are evaluated as roots. Terraform's root module is the
//! directory `terraform` runs in, which a scan cannot see, so (docs/terraform.md says the
//! same for users):
//!
//! 1. a directory no other scanned directory calls is a root; directories that only call
//!    each other (a cycle, which Terraform refuses at the call) give one root, the first by
//!    path, so the cycle is reported instead of the directories vanishing;
//! 2. a called directory that has its own variable values (`terraform.tfvars`,
//!    `*.auto.tfvars`) or a backend is run as a root too, so it is also evaluated as one;
//! 3. a called directory that no evaluated root instantiates (every call to it has no
//!    instances, or comes from a directory that is itself not evaluated) is evaluated as a
//!    root of its own afterwards, so that adding a call can move resources but never hide
//!    them.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;

/// Why a directory is evaluated as a root.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Why {
    /// No other scanned directory calls it (rule 1).
    NotCalled,
    /// It is called, but has its own variable files or backend (rule 2).
    OwnSettings,
    /// It is called, but no evaluated root instantiates it (rule 3).
    NoInstance,
}

/// Evaluates roots round by round: first rules 1 and 2, then rule 3 until every directory
/// is accounted for. `done` are directories accounted for already (read from a plan).
/// `evaluate(i, g)` evaluates directory `i` as a root in group `g` and returns its result
/// and the directories it instantiated. The roots are dealt into `groups` groups in order
/// (the first root to group 0, the next to group 1, ..., across rounds); the groups run in
/// parallel and each evaluates its roots one after another, so what a group has spent
/// before a root is the same on every run (see `budget.rs`). Results come in a fixed
/// order: by round, then directory.
pub fn evaluate_rounds<R: Send>(
    graph: &CallGraph,
    own_settings: &[bool],
    done: &BTreeSet<usize>,
    groups: usize,
    evaluate: impl Fn(usize, usize) -> (R, BTreeSet<usize>) + Sync,
) -> Vec<(usize, Why, R)> {
    let groups = groups.max(1);
    let mut dealt = 0usize;
    let n = graph.calls.len();
    let mut accounted = done.clone();
    let mut round: Vec<(usize, Why)> = graph
        .first_roots(own_settings)
        .into_iter()
        .filter(|(i, _)| !done.contains(i))
        .collect();
    let mut out = Vec::new();
    while !round.is_empty() {
        let mut lanes: Vec<Vec<(usize, usize, Why)>> = vec![Vec::new(); groups];
        for (position, &(i, why)) in round.iter().enumerate() {
            let g = dealt.wrapping_add(position) % groups;
            if let Some(lane) = lanes.get_mut(g) {
                lane.push((position, i, why));
            }
        }
        dealt = dealt.wrapping_add(round.len());
        let evaluate = &evaluate;
        let mut results: Vec<(usize, usize, Why, R, BTreeSet<usize>)> = lanes
            .into_par_iter()
            .enumerate()
            .map(|(g, lane)| {
                // One after another within a group: its share is spent in this order.
                lane.into_iter()
                    .map(|(position, i, why)| {
                        let (result, reached) = evaluate(i, g);
                        (position, i, why, result, reached)
                    })
                    .collect::<Vec<_>>()
            })
            .flatten()
            .collect();
        results.sort_by_key(|r| r.0);
        for (_, i, why, result, reached) in results {
            accounted.insert(i);
            accounted.extend(reached);
            out.push((i, why, result));
        }
        let remaining: BTreeSet<usize> = (0..n).filter(|i| !accounted.contains(i)).collect();
        round = graph
            .next_roots(&remaining)
            .into_iter()
            .map(|i| (i, Why::NoInstance))
            .collect();
    }
    out
}

/// Every directory `starts` call, directly or not, and the starts themselves.
pub fn reachable(graph: &CallGraph, starts: &BTreeSet<usize>) -> BTreeSet<usize> {
    let mut seen = starts.clone();
    let mut stack: Vec<usize> = starts.iter().copied().collect();
    while let Some(i) = stack.pop() {
        for &j in graph.callees(i) {
            if seen.insert(j) {
                stack.push(j);
            }
        }
    }
    seen
}

/// The call graph of the scanned directories: `calls[i]` are the directories `i` calls.
pub struct CallGraph {
    calls: Vec<Vec<usize>>,
}

impl CallGraph {
    pub fn new(calls: Vec<Vec<usize>>) -> CallGraph {
        let n = calls.len();
        let calls = calls
            .into_iter()
            .map(|mut c| {
                c.retain(|&j| j < n);
                c.sort_unstable();
                c.dedup();
                c
            })
            .collect();
        CallGraph { calls }
    }

    /// The roots to evaluate first: rules 1 and 2. `own_settings[i]` says whether
    /// directory `i` has variable files or a backend.
    pub fn first_roots(&self, own_settings: &[bool]) -> BTreeMap<usize, Why> {
        let all: BTreeSet<usize> = (0..self.calls.len()).collect();
        let mut roots: BTreeMap<usize, Why> = self
            .tops(&all)
            .into_iter()
            .map(|i| (i, Why::NotCalled))
            .collect();
        for (i, _) in own_settings.iter().enumerate().filter(|(_, s)| **s) {
            roots.entry(i).or_insert(Why::OwnSettings);
        }
        roots
    }

    /// Among directories not evaluated in any way yet, those to evaluate as roots next
    /// (rule 3): the ones no other directory among them calls.
    pub fn next_roots(&self, remaining: &BTreeSet<usize>) -> BTreeSet<usize> {
        self.tops(remaining)
    }

    /// The directories of `nodes` that nothing else in `nodes` calls: for each strongly
    /// connected component (within `nodes`) with no caller outside it, its first member.
    fn tops(&self, nodes: &BTreeSet<usize>) -> BTreeSet<usize> {
        let component = self.components(nodes);
        let mut called_from_outside: BTreeSet<usize> = BTreeSet::new();
        for &i in nodes {
            for &j in self.callees(i) {
                if nodes.contains(&j) && component.get(j) != component.get(i) {
                    if let Some(&c) = component.get(j) {
                        called_from_outside.insert(c);
                    }
                }
            }
        }
        let mut seen: BTreeSet<usize> = BTreeSet::new();
        nodes
            .iter()
            .copied()
            .filter(|&i| match component.get(i) {
                // `nodes` is in order, so the first member of a component comes first.
                Some(&c) => !called_from_outside.contains(&c) && seen.insert(c),
                None => false,
            })
            .collect()
    }

    fn callees(&self, i: usize) -> &[usize] {
        self.calls.get(i).map_or(&[], Vec::as_slice)
    }

    /// The strongly connected component of each node of `nodes` within the subgraph they
    /// induce (Kosaraju's algorithm, with explicit stacks: a chain of thousands of modules
    /// must not overflow the call stack). Nodes outside `nodes` get `usize::MAX`.
    fn components(&self, nodes: &BTreeSet<usize>) -> Vec<usize> {
        let n = self.calls.len();
        let inside = |j: &usize| nodes.contains(j);
        // Finishing order of a depth-first search.
        let mut visited = vec![false; n];
        let mut order = Vec::with_capacity(nodes.len());
        for &start in nodes {
            if !mark(&mut visited, start) {
                continue;
            }
            let mut stack = vec![(start, 0usize)];
            while let Some((v, next)) = stack.last_mut() {
                let v = *v;
                match self.callees(v).get(*next) {
                    Some(&w) => {
                        *next += 1;
                        if inside(&w) && mark(&mut visited, w) {
                            stack.push((w, 0));
                        }
                    }
                    None => {
                        order.push(v);
                        stack.pop();
                    }
                }
            }
        }
        // Components of the reversed graph, in reverse finishing order.
        let mut callers: Vec<Vec<usize>> = vec![Vec::new(); n];
        for &i in nodes {
            for &j in self.callees(i) {
                if inside(&j) {
                    if let Some(c) = callers.get_mut(j) {
                        c.push(i);
                    }
                }
            }
        }
        let mut component = vec![usize::MAX; n];
        for (id, &start) in order.iter().rev().enumerate() {
            if component.get(start) != Some(&usize::MAX) {
                continue;
            }
            let mut stack = vec![start];
            if let Some(c) = component.get_mut(start) {
                *c = id;
            }
            while let Some(v) = stack.pop() {
                for &w in callers.get(v).map_or(&[][..], Vec::as_slice) {
                    if let Some(c) = component.get_mut(w) {
                        if *c == usize::MAX {
                            *c = id;
                            stack.push(w);
                        }
                    }
                }
            }
        }
        component
    }
}

/// Marks node `i` visited; whether it was not visited before.
fn mark(visited: &mut [bool], i: usize) -> bool {
    match visited.get_mut(i) {
        Some(v) => !std::mem::replace(v, true),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(xs: &[usize]) -> BTreeSet<usize> {
        xs.iter().copied().collect()
    }

    fn firsts(g: &CallGraph, settings: &[bool]) -> Vec<(usize, Why)> {
        g.first_roots(settings).into_iter().collect()
    }

    #[test]
    fn uncalled_directories_are_roots() {
        // 0 calls 1 and 2; 3 calls 2; 4 stands alone.
        let g = CallGraph::new(vec![vec![1, 2], vec![], vec![], vec![2], vec![]]);
        assert_eq!(
            firsts(&g, &[false; 5]),
            vec![
                (0, Why::NotCalled),
                (3, Why::NotCalled),
                (4, Why::NotCalled)
            ]
        );
    }

    #[test]
    fn a_cycle_gives_one_root_and_a_self_call_is_still_a_root() {
        // 0 <-> 1 (nobody else calls them), 2 calls itself, 3 calls 4 calls 3 and 0 calls 3.
        let g = CallGraph::new(vec![vec![1, 3], vec![0], vec![2], vec![4], vec![3]]);
        assert_eq!(
            firsts(&g, &[false; 5]),
            vec![(0, Why::NotCalled), (2, Why::NotCalled)]
        );
    }

    #[test]
    fn a_called_directory_with_its_own_settings_is_a_root_too() {
        let g = CallGraph::new(vec![vec![1], vec![]]);
        assert_eq!(
            firsts(&g, &[false, true]),
            vec![(0, Why::NotCalled), (1, Why::OwnSettings)]
        );
    }

    #[test]
    fn rounds_go_on_until_every_directory_is_accounted_for() {
        // 0 calls 1 (but instantiates nothing), 1 calls 2, 3 is read from a plan and calls 4.
        let g = CallGraph::new(vec![vec![1], vec![2], vec![], vec![4], vec![]]);
        let done = reachable(&g, &set(&[3]));
        assert_eq!(done, set(&[3, 4]));
        let evaluated = evaluate_rounds(&g, &[false; 5], &done, 2, |i, _| {
            let reached = if i == 1 { set(&[2]) } else { set(&[]) };
            (i * 10, reached)
        });
        assert_eq!(
            evaluated,
            vec![(0, Why::NotCalled, 0), (1, Why::NoInstance, 10)]
        );
    }

    #[test]
    fn roots_are_dealt_into_groups_in_order_across_rounds() {
        // 0..=4 are not called; 4 calls 5, but instantiates nothing, so 5 is a second round.
        let g = CallGraph::new(vec![vec![], vec![], vec![], vec![], vec![5], vec![]]);
        let seen = std::sync::Mutex::new(Vec::new());
        let evaluated = evaluate_rounds(&g, &[false; 6], &set(&[]), 4, |i, group| {
            if let Ok(mut seen) = seen.lock() {
                seen.push((group, i));
            }
            (group, set(&[]))
        });
        // The first round deals 0..=4 to groups 0, 1, 2, 3, 0; the second round goes on
        // with group 1.
        assert_eq!(
            evaluated,
            vec![
                (0, Why::NotCalled, 0),
                (1, Why::NotCalled, 1),
                (2, Why::NotCalled, 2),
                (3, Why::NotCalled, 3),
                (4, Why::NotCalled, 0),
                (5, Why::NoInstance, 1),
            ]
        );
        // Within a group, roots are evaluated one after another in that order.
        let seen = seen.into_inner().unwrap_or_default();
        let group0: Vec<usize> = seen.iter().filter(|(g, _)| *g == 0).map(|p| p.1).collect();
        assert_eq!(group0, vec![0, 4]);
    }

    #[test]
    fn the_next_roots_are_the_tops_of_what_is_left() {
        // 0 calls 1, 1 calls 2: if 0's call to 1 has no instances, 1 is next, not 2.
        let g = CallGraph::new(vec![vec![1], vec![2], vec![]]);
        assert_eq!(g.next_roots(&set(&[1, 2])), set(&[1]));
        assert_eq!(g.next_roots(&set(&[2])), set(&[2]));
    }

    #[test]
    fn a_long_chain_does_not_overflow() {
        let n = 100_000;
        let calls: Vec<Vec<usize>> = (0..n)
            .map(|i| if i + 1 < n { vec![i + 1] } else { vec![0] })
            .collect();
        let g = CallGraph::new(calls);
        // One big cycle: one root, the first.
        assert_eq!(firsts(&g, &vec![false; n]), vec![(0, Why::NotCalled)]);
    }
}
