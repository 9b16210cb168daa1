//! The outcome of one policy on one resource, as every report format shows it.

use std::sync::Arc;

use super::{Date, Location};

/// How serious a policy says its violation is (`@severity`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|sev| sev.as_str() == s)
    }
}

/// What a policy concluded about a resource. Passing results are counted, not listed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// The resource violates the policy.
    Fail,
    /// The answer depends on a value that could not be resolved.
    Unknown,
    /// The resource violates the policy but a waiver covers it.
    Suppressed,
    /// The policy could not be evaluated for this resource.
    Error,
    /// A change's failure that needs approval it does not have yet; fails the run.
    PendingApproval,
    /// A change's failure that enough valid approvals cleared.
    Approved,
    /// A failure or unknown recorded in the baseline (`check --baseline`), unchanged since:
    /// shown and counted, never failing.
    Baselined,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Fail => "fail",
            Status::Unknown => "unknown",
            Status::Suppressed => "suppressed",
            Status::Error => "error",
            Status::PendingApproval => "pending_approval",
            Status::Approved => "approved",
            Status::Baselined => "baselined",
        }
    }

    /// The inverse of [`Status::as_str`].
    pub fn parse(s: &str) -> Option<Status> {
        [
            Status::Fail,
            Status::Unknown,
            Status::Suppressed,
            Status::Error,
            Status::PendingApproval,
            Status::Approved,
            Status::Baselined,
        ]
        .into_iter()
        .find(|status| status.as_str() == s)
    }
}

/// A value an unknown finding depended on: which fact, and why it is unknown.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnknownInput {
    /// The fact as policies name it: `instance_type`, `tags`, `tag:team`, `environment`.
    pub fact: String,
    /// Why it is unknown: `var.instance_type has no default`.
    pub origin: String,
}

/// The waiver that turned a failure into [`Status::Suppressed`].
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Suppression {
    pub reason: String,
    /// The last day the waiver applies, when it has one.
    pub expires: Option<Date>,
    /// Where the waiver was written (a comment or the config file).
    pub location: Option<Location>,
    /// Who is answerable for the waiver (`owner=`), when it names one.
    pub owner: Option<String>,
}

impl Suppression {
    /// One waiver per policy id, all with the same reason, expiry, owner and place.
    pub fn for_policies(waiver: InlineWaiver, location: &Location) -> Vec<(String, Suppression)> {
        let InlineWaiver {
            ids,
            expires,
            owner,
            reason,
        } = waiver;
        ids.into_iter()
            .map(|id| {
                (
                    id,
                    Suppression {
                        reason: reason.clone(),
                        expires,
                        location: Some(location.clone()),
                        owner: owner.clone(),
                    },
                )
            })
            .collect()
    }
}

/// An inline waiver as written: `ID[,ID...] [expires=YYYY-MM-DD] [owner=NAME] -- reason`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlineWaiver {
    pub ids: Vec<String>,
    pub expires: Option<Date>,
    pub owner: Option<String>,
    pub reason: String,
}

/// One (policy, resource) outcome that is not a pass.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Finding {
    pub policy_id: String,
    pub severity: Severity,
    pub status: Status,
    /// The root the resource was evaluated in; with `address` it identifies the resource.
    pub root: Arc<str>,
    pub address: String,
    pub resource_type: String,
    /// The argument that decided the finding where there is one, else the block.
    pub location: Location,
    /// What is wrong, with the resource's own values filled in.
    pub message: String,
    /// How to fix or waive it.
    pub help: Option<String>,
    /// For [`Status::Unknown`]: the values the answer depends on.
    pub unknowns: Vec<UnknownInput>,
    pub suppression: Option<Suppression>,
    /// For a change's failure whose policy names approvers: who can clear it and who did.
    pub approval: Option<ApprovalNeed>,
}

impl Finding {
    /// A failure of `info` severity: advice, not a violation. Counted apart from failures
    /// and shown after them; it fails a run only with `--fail-severity info`.
    pub fn is_notice(&self) -> bool {
        self.status == Status::Fail && self.severity == Severity::Info
    }
}

/// What a change's failure needs to be approved, and the approvals that count.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ApprovalNeed {
    /// The `[approvals.groups]` group whose members can approve.
    pub group: String,
    /// How many approvals it needs (`[approvals] required`).
    pub required: u32,
    /// The approvals that count, by user.
    pub approvals: Vec<super::Approval>,
    /// Reviews that do not count, each with why (stale, not permitted, changes requested).
    pub not_counted: Vec<String>,
}

/// A policy as reports describe it (SARIF rules, JUnit suites, listings), whether or not it
/// produced a finding.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Rule {
    /// `@id`.
    pub id: String,
    /// `@severity`.
    pub severity: Severity,
    /// `@title`, else the id.
    pub title: String,
    /// `@message`, with its placeholders unfilled.
    pub message: String,
    /// `@help`, with its placeholders unfilled.
    pub help: Option<String>,
    /// Where the policy was read from (`builtin/<name>.cedar` for the default pack).
    pub file: String,
    pub line: u32,
    pub builtin: bool,
}
