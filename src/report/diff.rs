//! The diff report (`diff --format json`, documented in docs/json-report.md): a plain,
//! serializable view of a [`Diff`]. The Markdown comment is rendered from it, so
//! `comment github --report FILE` posts exactly what `diff --format markdown` would print.
//! Amounts are decimal strings in USD per month, two decimals.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use super::JSON_FORMAT_VERSION;
use crate::diff::{Change, Cost, Diff, Origin};
use crate::model::{Budget, Finding, InputError, Status, Usd};

/// The `kind` of a diff report.
pub const KIND: &str = "diff";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DiffReport {
    pub version: u32,
    pub kind: String,
    pub tool: Tool,
    /// The newest `as_of` date of the price catalog tables.
    pub catalog_as_of: String,
    pub base: Side,
    pub head: Side,
    /// Where file links point, when the repository is known.
    pub links: Option<Links>,
    pub resources: Vec<ResourceDelta>,
    /// Head findings, each new or existing.
    pub findings: Vec<FindingEntry>,
    /// Base failures and unknowns that the head no longer has.
    pub resolved: Vec<FindingEntry>,
    pub budgets: Vec<BudgetEntry>,
    /// Input the head could not check.
    pub errors: Vec<ErrorEntry>,
    /// Input the base could not check.
    pub base_errors: Vec<ErrorEntry>,
    /// The head's input warnings (mistakes that change nothing checked). Absent from a
    /// report saved by an older version.
    #[serde(default)]
    pub warnings: Vec<ErrorEntry>,
    /// Savings advice on the resources the change adds or changes, largest saving first
    /// (the comment's "Could save"); absent when there is none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub savings: Vec<SavingEntry>,
    pub summary: DiffSummary,
}

/// One piece of savings advice (an `AIC-SAVE-*` finding) with its amounts, in USD a month
/// rounded to cents.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavingEntry {
    pub policy_id: String,
    /// `spot`, `scale-to-zero` or `cheaper-instance`.
    pub kind: String,
    pub resource: String,
    pub root: String,
    pub file: String,
    pub line: u32,
    /// What to change, in a few words (`spot capacity`, `trn1.32xlarge`).
    pub change: String,
    #[serde(with = "rust_decimal::serde::str")]
    pub monthly: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub suggested: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub saving: Decimal,
    /// What the suggested amount assumes (a spot price from a spot factor); absent when
    /// nothing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assumed: Vec<String>,
}

/// The head's savings advice on resources the change adds or changes: a comment is about
/// its pull request, not about what the base already had.
fn savings(diff: &Diff) -> Vec<SavingEntry> {
    let touched: std::collections::HashSet<(&str, &str)> = diff
        .resources
        .iter()
        .filter(|r| matches!(r.change, Change::Added | Change::Changed))
        .map(|r| (r.root.as_ref(), r.address.as_str()))
        .collect();
    diff.head
        .suggestions
        .iter()
        .filter(|s| touched.contains(&(s.root.as_ref(), s.address.as_str())))
        .map(|s| SavingEntry {
            policy_id: s.kind.id().to_string(),
            kind: s.kind.as_str().to_string(),
            resource: s.address.clone(),
            root: s.root.to_string(),
            file: s.location.file.to_string(),
            line: s.location.line,
            change: s.change.clone(),
            monthly: two_places(s.current),
            suggested: two_places(s.suggested),
            saving: two_places(s.saving),
            assumed: s.assumed.clone(),
        })
        .collect()
}

/// Cents with both decimals written (`0.00`, not `0`), as every amount of the report.
fn two_places(amount: crate::model::Usd) -> Decimal {
    let mut cents = amount.cents();
    cents.rescale(2);
    cents
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

/// One side of the change: a git revision, a directory, or both.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Side {
    #[serde(rename = "ref")]
    pub reference: Option<String>,
    pub commit: Option<String>,
    pub path: Option<String>,
    /// The plan JSON file(s) whose prior state is the base (`diff --plan`).
    #[serde(default)]
    pub plan: Option<String>,
}

/// `https://github.com/OWNER/REPO/blob/SHA`: a file link is this, `/PATH#L41`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Links {
    pub blob_url: String,
}

impl Links {
    pub fn line(&self, file: &str, line: u32) -> String {
        format!(
            "{}/{}#L{line}",
            self.blob_url.trim_end_matches('/'),
            super::encode_path(file)
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Money {
    #[serde(with = "rust_decimal::serde::str")]
    pub baseline: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub ceiling: Decimal,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SideCost {
    #[serde(with = "rust_decimal::serde::str")]
    pub baseline: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub ceiling: Decimal,
    pub complete: bool,
    /// What the amounts rest on that the files do not say; left out when nothing was
    /// assumed (reports saved before it existed read as none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assumptions: Vec<String>,
    /// The node pool its pods are counted in: not in the summary's totals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counted_in: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResourceDelta {
    /// `added`, `removed`, `changed` or `unchanged`.
    pub change: String,
    pub address: String,
    pub root: String,
    #[serde(rename = "type")]
    pub resource_type: String,
    pub file: String,
    pub line: u32,
    /// Where it was in the base, when that differs.
    pub base_file: Option<String>,
    pub base_line: Option<u32>,
    /// `None`: not on that side, or not priced.
    pub before: Option<SideCost>,
    pub after: Option<SideCost>,
    pub delta: Money,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FindingEntry {
    /// `new` or `existing`; `None` for resolved findings.
    pub change: Option<String>,
    pub policy_id: String,
    pub severity: String,
    pub status: String,
    pub resource: String,
    pub root: String,
    #[serde(rename = "type")]
    pub resource_type: String,
    pub file: String,
    pub line: u32,
    pub message: String,
    pub help: Option<String>,
    pub unknowns: Vec<UnknownEntry>,
    pub suppression: Option<SuppressionEntry>,
    /// For a change's failure whose policy names approvers; absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<ApprovalEntry>,
}

/// Who can approve a finding, how many approvals it needs and who gave them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApprovalEntry {
    /// The `[approvals.groups]` group.
    pub approvers: String,
    pub required: u32,
    pub approvals: Vec<ApprovalGiven>,
    /// Reviews that do not count, with why.
    pub not_counted: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApprovalGiven {
    pub user: String,
    pub commit: String,
    pub submitted_at: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UnknownEntry {
    pub fact: String,
    pub origin: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SuppressionEntry {
    pub reason: String,
    pub expires: Option<String>,
    /// Absent in exports written before waivers had owners.
    #[serde(default)]
    pub owner: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BudgetEntry {
    pub name: String,
    /// The base's projection, when the base had this budget.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub before: Option<Decimal>,
    #[serde(with = "rust_decimal::serde::str")]
    pub monthly_cost: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub ceiling: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub limit: Decimal,
    #[serde(with = "rust_decimal::serde::str_option")]
    pub percent_used: Option<Decimal>,
    pub complete: bool,
    pub file: String,
    pub line: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ErrorEntry {
    pub file: String,
    pub line: u32,
    pub message: String,
    pub help: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DiffSummary {
    pub before: Money,
    pub after: Money,
    pub delta: Money,
    /// The baseline change in percent of the base (one decimal); `None` from zero.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub percent: Option<Decimal>,
    #[serde(with = "rust_decimal::serde::str_option")]
    pub ceiling_percent: Option<Decimal>,
    /// Resources whose estimate is partial, on each side.
    pub incomplete_before: usize,
    pub incomplete_after: usize,
    pub resources: ResourceCounts,
    pub findings: FindingCounts,
    pub policies: usize,
    pub input_errors: usize,
    pub base_input_errors: usize,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceCounts {
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
    pub unchanged: usize,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingCounts {
    pub new_failed: usize,
    pub existing_failed: usize,
    pub new_unknown: usize,
    pub existing_unknown: usize,
    pub suppressed: usize,
    pub errors: usize,
    pub resolved: usize,
    /// Failures on the change that wait for approval, and those approved. Absent from a
    /// report saved by an older version.
    #[serde(default)]
    pub pending_approval: usize,
    #[serde(default)]
    pub approved: usize,
    /// Failures of `info` severity (advice), counted apart from the failures above.
    #[serde(default)]
    pub notices: usize,
}

/// Rounds to cents, always with two decimals.
pub fn cents(d: Decimal) -> Decimal {
    let mut c = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    c.rescale(2);
    c
}

/// `part` as a percentage of `whole`, one decimal; `None` when `whole` is zero.
pub fn percent(part: Decimal, whole: Decimal) -> Option<Decimal> {
    if whole.is_zero() {
        return None;
    }
    let mut p = part
        .checked_mul(Decimal::ONE_HUNDRED)
        .and_then(|x| x.checked_div(whole))?
        .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
    p.rescale(1);
    Some(p)
}

/// The report of a diff; `base` and `head` say what was compared.
pub fn build(diff: &Diff, base: Side, head: Side, links: Option<Links>) -> DiffReport {
    let resources: Vec<ResourceDelta> = diff.resources.iter().map(resource_delta).collect();
    let mut counts = ResourceCounts::default();
    for r in &diff.resources {
        match r.change {
            Change::Added => counts.added += 1,
            Change::Removed => counts.removed += 1,
            Change::Changed => counts.changed += 1,
            Change::Unchanged => counts.unchanged += 1,
        }
    }
    let findings: Vec<FindingEntry> = diff
        .findings()
        .map(|(f, origin)| finding_entry(f, Some(origin)))
        .collect();
    let mut finding_counts = FindingCounts {
        resolved: diff.resolved.len(),
        ..FindingCounts::default()
    };
    for (f, origin) in diff.findings() {
        if f.is_notice() {
            finding_counts.notices += 1;
            continue;
        }
        let slot = match (f.status, origin) {
            (Status::Fail, Origin::New) => &mut finding_counts.new_failed,
            (Status::Fail, Origin::Existing) => &mut finding_counts.existing_failed,
            (Status::Unknown, Origin::New) => &mut finding_counts.new_unknown,
            (Status::Unknown, Origin::Existing) => &mut finding_counts.existing_unknown,
            // `diff` applies no baseline: it shows what the change adds.
            (Status::Suppressed | Status::Baselined, _) => &mut finding_counts.suppressed,
            (Status::Error, _) => &mut finding_counts.errors,
            (Status::PendingApproval, _) => &mut finding_counts.pending_approval,
            (Status::Approved, _) => &mut finding_counts.approved,
        };
        *slot += 1;
    }
    let before = super::cost::Totals::of(diff.base.resources.iter());
    let after = super::cost::Totals::of(diff.head.resources.iter());
    let delta_baseline = crate::diff::difference(before.baseline.0, after.baseline.0);
    let delta_ceiling = crate::diff::difference(before.ceiling.0, after.ceiling.0);
    DiffReport {
        version: JSON_FORMAT_VERSION,
        kind: KIND.to_string(),
        tool: Tool {
            name: "aicost-policy".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        },
        catalog_as_of: catalog_as_of(),
        base,
        head,
        links,
        resources,
        findings,
        resolved: diff
            .resolved
            .iter()
            .map(|f| finding_entry(f, None))
            .collect(),
        budgets: diff
            .head
            .budgets
            .iter()
            .map(|b| budget_entry(b, diff.base.budgets.iter().find(|o| o.name == b.name)))
            .collect(),
        errors: diff.head.errors.iter().map(error_entry).collect(),
        base_errors: diff.base.errors.iter().map(error_entry).collect(),
        warnings: diff.head.warnings.iter().map(error_entry).collect(),
        savings: savings(diff),
        summary: DiffSummary {
            before: Money {
                baseline: cents(before.baseline.0),
                ceiling: cents(before.ceiling.0),
            },
            after: Money {
                baseline: cents(after.baseline.0),
                ceiling: cents(after.ceiling.0),
            },
            delta: Money {
                baseline: cents(delta_baseline),
                ceiling: cents(delta_ceiling),
            },
            percent: percent(delta_baseline, before.baseline.0),
            ceiling_percent: percent(delta_ceiling, before.ceiling.0),
            incomplete_before: before.incomplete,
            incomplete_after: after.incomplete,
            resources: counts,
            findings: finding_counts,
            policies: diff.head.policies,
            input_errors: diff.head.errors.len(),
            base_input_errors: diff.base.errors.len(),
        },
    }
}

/// The newest `as_of` date of the catalog tables compiled in.
pub fn catalog_as_of() -> String {
    crate::catalog::tables()
        .iter()
        .map(|t| t.as_of.clone())
        .max()
        .unwrap_or_default()
}

fn side_cost(c: Option<&Cost>) -> Option<SideCost> {
    c.map(|c| SideCost {
        baseline: cents(c.baseline.0),
        ceiling: cents(c.ceiling.0),
        complete: c.complete,
        assumptions: c.assumptions.clone(),
        counted_in: c.counted_in.clone(),
    })
}

fn resource_delta(r: &crate::diff::ResourceChange) -> ResourceDelta {
    let (baseline, ceiling) = r.delta();
    let moved = r
        .base_location
        .as_ref()
        .filter(|b| b.file != r.location.file || b.line != r.location.line);
    ResourceDelta {
        change: r.change.as_str().to_string(),
        address: r.address.clone(),
        root: r.root.to_string(),
        resource_type: r.resource_type.clone(),
        file: r.location.file.to_string(),
        line: r.location.line,
        base_file: moved.map(|b| b.file.to_string()),
        base_line: moved.map(|b| b.line),
        before: side_cost(r.before.as_ref()),
        after: side_cost(r.after.as_ref()),
        delta: Money {
            baseline: cents(baseline),
            ceiling: cents(ceiling),
        },
    }
}

pub fn finding_entry(f: &Finding, origin: Option<Origin>) -> FindingEntry {
    FindingEntry {
        change: origin.map(|o| o.as_str().to_string()),
        policy_id: f.policy_id.clone(),
        severity: f.severity.as_str().to_string(),
        status: f.status.as_str().to_string(),
        resource: f.address.clone(),
        root: f.root.to_string(),
        resource_type: f.resource_type.clone(),
        file: f.location.file.to_string(),
        line: f.location.line,
        message: f.message.clone(),
        help: f.help.clone(),
        unknowns: f
            .unknowns
            .iter()
            .map(|u| UnknownEntry {
                fact: u.fact.clone(),
                origin: u.origin.clone(),
            })
            .collect(),
        suppression: f.suppression.as_ref().map(|s| SuppressionEntry {
            reason: s.reason.clone(),
            expires: s.expires.map(|d| d.to_string()),
            owner: s.owner.clone(),
        }),
        approval: f.approval.as_ref().map(|a| ApprovalEntry {
            approvers: a.group.clone(),
            required: a.required,
            approvals: a
                .approvals
                .iter()
                .map(|x| ApprovalGiven {
                    user: x.user.clone(),
                    commit: x.commit.clone(),
                    submitted_at: x.submitted_at.clone(),
                })
                .collect(),
            not_counted: a.not_counted.clone(),
        }),
    }
}

pub fn budget_entry(b: &Budget, before: Option<&Budget>) -> BudgetEntry {
    BudgetEntry {
        name: b.name.clone(),
        before: before.map(|o| cents(o.monthly_cost.0)),
        monthly_cost: cents(b.monthly_cost.0),
        ceiling: cents(b.ceiling.0),
        limit: cents(b.limit.0),
        percent_used: b.percent_used(),
        complete: b.complete,
        file: b.location.file.to_string(),
        line: b.location.line,
    }
}

pub fn error_entry(e: &InputError) -> ErrorEntry {
    ErrorEntry {
        file: e.location.file.to_string(),
        line: e.location.line,
        message: e.message.clone(),
        help: e.help.clone(),
    }
}

/// The report as pretty JSON with a trailing newline.
pub fn render_json(report: &DiffReport) -> String {
    let mut out = serde_json::to_string_pretty(report).unwrap_or_else(|_| "{}".to_string());
    out.push('\n');
    out
}

/// Reads a report written by `diff --format json`.
pub fn parse(text: &str) -> Result<DiffReport, String> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    match value.get("kind").and_then(|k| k.as_str()) {
        Some(KIND) => {}
        _ => {
            return Err("not a diff report (no \"kind\": \"diff\"); write one with `aicost-policy diff --format json --output FILE`".to_string())
        }
    }
    match value.get("version").and_then(|v| v.as_u64()) {
        Some(v) if v <= u64::from(JSON_FORMAT_VERSION) => {}
        Some(v) => {
            return Err(format!(
                "report version {v} is newer than this aicost-policy reads ({JSON_FORMAT_VERSION}); use the same version for diff and comment"
            ))
        }
        None => return Err("the report has no version".to_string()),
    }
    serde_json::from_value(value).map_err(|e| format!("not a valid diff report: {e}"))
}

/// `+$12.00`, `-$3.50`, `$0.00`.
pub fn signed(d: Decimal) -> String {
    if d.is_sign_positive() && !d.is_zero() {
        format!("+{}", Usd(d))
    } else {
        Usd(d).to_string()
    }
}
