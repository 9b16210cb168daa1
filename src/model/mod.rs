//! The public data model: values, locations, normalized resources, and what loading found
//! (errors, modules it could not load, the sources it read). No I/O happens here.

mod approval;
mod budget;
mod change;
mod cost;
mod date;
mod finding;
mod lines;
mod location;
mod resource;
mod reviews;
mod savings;
mod value;
mod workload;

use std::collections::BTreeMap;
use std::sync::Arc;

pub use approval::{is_member_name, short_commit, Approval, Review, ReviewUser};
pub use budget::Budget;
pub use change::{ChangeFacts, Contribution, Endpoint};
pub use cost::{grouped, CostComponent, CostEstimate, Usd, HOURS_PER_MONTH};
pub use date::{Date, DateError};
pub use finding::{
    ApprovalNeed, Finding, InlineWaiver, Rule, Severity, Status, Suppression, UnknownInput,
};
pub use lines::{IndexedSource, LineIndex};
pub use location::{line_col, line_start_offset, to_u32, Location, Span};
pub use resource::{
    resource_id, Accelerator, Capacity, Compute, Fact, ProviderRef, Resource, Sensitive,
    SourceFormat, Tags, UnitCounts, GKE_CLUSTER_NOT_SEEN,
};
pub(crate) use reviews::review_page;
pub use reviews::{parse_reviews, ApprovalsInput};
pub use savings::{SavingKind, Suggestion};
pub use value::{format_number, set_order, Map, Unknown, Value, SENSITIVE, SENSITIVE_ORIGIN};
pub use workload::{
    is_custom_label, LlmRoute, NodePoolLimits, NodeRequirement, PodGroup, PoolLabel, Workload,
    WorkloadDetail,
};

/// A problem in the user's input that stopped part of it from being checked: a file that
/// does not parse, an expression that cannot be evaluated, a cycle between locals.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct InputError {
    pub location: Location,
    pub message: String,
    pub help: Option<String>,
    /// The file looks like an unrendered template (Helm's `{{ }}`): it is not a manifest
    /// yet, which `--unrendered-templates note` reports as a note instead.
    pub unrendered_template: bool,
}

impl InputError {
    pub fn new(location: Location, message: impl Into<String>) -> InputError {
        InputError {
            location,
            message: message.into(),
            help: None,
            unrendered_template: false,
        }
    }

    pub fn unrendered_template(mut self) -> InputError {
        self.unrendered_template = true;
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> InputError {
        self.help = Some(help.into());
        self
    }
}

/// A module call whose source is not on disk (registry, git, http): recorded and reported
/// as not loaded; not an error.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ModuleNotLoaded {
    /// `module.eks` or `module.platform.module.eks`.
    pub address: String,
    pub source: String,
    pub version: Option<String>,
    pub location: Location,
}

/// Something the user may want to know that does not affect the result (`--verbose`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Note {
    pub location: Option<Location>,
    pub message: String,
}

/// The text of every file read, keyed by repository-relative path, for source snippets.
pub type SourceMap = BTreeMap<Arc<str>, Arc<str>>;

/// Everything the load and model stages produced for one run, sorted.
#[derive(Clone, Debug, Default)]
pub struct Inventory {
    pub resources: Vec<Resource>,
    pub errors: Vec<InputError>,
    /// Mistakes in the input that change nothing checked (a variable file's value for a
    /// variable no root declares): always shown, never part of the exit code.
    pub warnings: Vec<InputError>,
    pub modules_not_loaded: Vec<ModuleNotLoaded>,
    pub notes: Vec<Note>,
    pub sources: SourceMap,
    /// Number of input files read.
    pub files: usize,
    /// Savings advice (`[savings]`), largest first; empty when advice is off.
    pub suggestions: Vec<Suggestion>,
}

impl Inventory {
    /// Puts everything in a stable order so output is byte-identical between runs.
    pub fn sort(&mut self) {
        self.resources
            .sort_by(|a, b| (&a.root, &a.address).cmp(&(&b.root, &b.address)));
        self.errors.sort();
        self.errors.dedup();
        self.warnings.sort();
        self.warnings.dedup();
        self.modules_not_loaded.sort();
        self.modules_not_loaded.dedup();
        self.notes.sort();
        self.notes.dedup();
    }
}
