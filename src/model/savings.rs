//! Savings advice: a cheaper way to run one resource, priced from the catalog with the same
//! estimate its cost line shows (see `price::savings` and docs/pricing.md, "Savings advice").

use std::sync::Arc;

use super::{Location, Usd};

/// What the advice changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SavingKind {
    /// On-demand → spot capacity (a non-production accelerator pool or training job).
    Spot,
    /// Idle non-production inference scales to zero replicas.
    ScaleToZero,
    /// Another instance type with the same accelerators (model, count, memory) and at
    /// least the same vCPUs and memory, at a lower price.
    CheaperInstance,
}

impl SavingKind {
    pub const ALL: [SavingKind; 3] = [
        SavingKind::Spot,
        SavingKind::ScaleToZero,
        SavingKind::CheaperInstance,
    ];

    /// The id of its findings.
    pub fn id(self) -> &'static str {
        match self {
            SavingKind::Spot => "AIC-SAVE-001",
            SavingKind::ScaleToZero => "AIC-SAVE-002",
            SavingKind::CheaperInstance => "AIC-SAVE-003",
        }
    }

    /// `spot`, `scale-to-zero`, `cheaper-instance`: the kind as tables name it.
    pub fn as_str(self) -> &'static str {
        match self {
            SavingKind::Spot => "spot",
            SavingKind::ScaleToZero => "scale-to-zero",
            SavingKind::CheaperInstance => "cheaper-instance",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            SavingKind::Spot => "Could save: spot capacity outside production",
            SavingKind::ScaleToZero => {
                "Could save: scale idle inference to zero outside production"
            }
            SavingKind::CheaperInstance => {
                "Could save: a cheaper instance type with the same accelerators"
            }
        }
    }
}

/// One piece of savings advice for one resource. `current` is the resource's own
/// baseline estimate (`cost.baseline`), `suggested` the same estimate with the change made,
/// `saving = current - suggested` (always positive).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    pub kind: SavingKind,
    pub root: Arc<str>,
    pub address: String,
    pub resource_type: String,
    /// The environment the resource is in, when known and not production (spot and scale
    /// to zero are advised only then).
    pub environment: Option<String>,
    /// Where the change is made (the capacity, replicas or instance type argument).
    pub location: Location,
    pub current: Usd,
    pub suggested: Usd,
    pub saving: Usd,
    /// What the suggestion is, in a few words: `spot capacity`, `minReplicas: 0 when idle`,
    /// `g5.2xlarge`.
    pub change: String,
    /// How to make the change.
    pub help: String,
    /// What the suggested amount assumes that the current one does not (a spot price
    /// estimated from a spot factor): the saving rests on it, so the advice says it.
    pub assumed: Vec<String>,
}

impl Suggestion {
    /// The order reports list suggestions in: largest saving first, then by resource.
    pub fn by_saving(a: &Suggestion, b: &Suggestion) -> std::cmp::Ordering {
        b.saving
            .cmp(&a.saving)
            .then_with(|| (&a.root, &a.address, a.kind).cmp(&(&b.root, &b.address, b.kind)))
    }
}
