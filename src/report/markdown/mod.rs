//! The Markdown report: the pull-request comment (`diff`/`comment github`), the GitHub job
//! summary, and `--format markdown`. It never exceeds GitHub's comment limit of 65,536
//! characters: when it would, the least important lists are cut first (existing findings,
//! resolved ones, the collapsed resources, unknowns, then the rest), each with a note.
//! Everything that comes from the input is rendered inert (`escape.rs`).

mod escape;
mod fit;
mod savings;
mod waived;

use rust_decimal::{Decimal, RoundingStrategy};

use escape::{code, code_cell, text};
use fit::{assemble, assemble_within, Section};

use super::diff::{self, BudgetEntry, DiffReport, ErrorEntry, FindingEntry, Links, ResourceDelta};
use super::{plural, Report};
use crate::model::{Status, Usd};

/// GitHub's limit on a comment body, in characters.
pub const COMMENT_LIMIT: usize = 65_536;

/// Rows of the changed-resources table shown before the rest is collapsed.
const TOP_ROWS: usize = 10;

/// Where links in the Markdown point.
#[derive(Clone, Debug, Default)]
pub struct Context {
    pub links: Option<Links>,
}

impl Context {
    /// Links to `GITHUB_SERVER_URL/GITHUB_REPOSITORY/blob/GITHUB_SHA` inside GitHub Actions.
    pub fn from_environment() -> Context {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        Context {
            links: match (var("GITHUB_REPOSITORY"), var("GITHUB_SHA")) {
                (Some(repo), Some(sha)) => {
                    Some(blob_links(var("GITHUB_SERVER_URL").as_deref(), &repo, &sha))
                }
                _ => None,
            },
        }
    }
}

/// Links into `OWNER/REPO` at `commit` on a GitHub server (github.com by default).
pub fn blob_links(server: Option<&str>, repository: &str, commit: &str) -> Links {
    let server = server.unwrap_or("https://github.com").trim_end_matches('/');
    Links {
        blob_url: format!("{server}/{repository}/blob/{commit}"),
    }
}

/// The pull-request comment for a diff, at most `limit` characters.
pub fn render_diff(report: &DiffReport, limit: usize) -> String {
    render_diff_within(report, limit, COMMENT_LIMIT)
}

/// [`render_diff`] for a host whose limit is `host_limit` (GitLab's 1,000,000, say): what
/// the "not shown" notes state; `limit` is the room left after the marker line.
pub fn render_diff_within(report: &DiffReport, limit: usize, host_limit: usize) -> String {
    let s = &report.summary;
    // A saved report (`comment github --report`) may come from the pull request's own job.
    let links = report
        .links
        .as_ref()
        .filter(|l| escape::safe_url(&l.blob_url));
    let mut header = format!(
        "### 💰 aicost-policy: {}\n\n",
        headline(s.delta.baseline, s.percent)
    );
    if let Some(plan) = &report.base.plan {
        header.push_str(&format!(
            "Before is the prior state recorded in {}. ",
            code(plan)
        ));
    }
    // A side with a partial estimate costs at least its total.
    let at_least = |incomplete: usize| super::cost::at_least(incomplete > 0);
    header.push_str(&format!(
        "Monthly cost **{}{} → {}{}**; ceiling {}{} → {}{} ({}).",
        at_least(s.incomplete_before),
        Usd(s.before.baseline),
        at_least(s.incomplete_after),
        Usd(s.after.baseline),
        at_least(s.incomplete_before),
        Usd(s.before.ceiling),
        at_least(s.incomplete_after),
        Usd(s.after.ceiling),
        diff::signed(s.delta.ceiling)
    ));
    let r = &s.resources;
    header.push_str(&format!(
        " {} changed, {} added, {} removed, {} unchanged.",
        r.changed, r.added, r.removed, r.unchanged
    ));
    if s.incomplete_after > 0 {
        let are = if s.incomplete_after == 1 { "is" } else { "are" };
        header.push_str(&format!(
            " {} of the estimates {are} partial (a price or value is unknown).",
            s.incomplete_after
        ));
    }
    header.push('\n');

    let mut moved: Vec<&ResourceDelta> = report
        .resources
        .iter()
        .filter(|d| d.change != "unchanged")
        .collect();
    moved.sort_by(|a, b| {
        b.delta
            .baseline
            .abs()
            .cmp(&a.delta.baseline.abs())
            .then(b.delta.ceiling.abs().cmp(&a.delta.ceiling.abs()))
            .then((&a.root, &a.address).cmp(&(&b.root, &b.address)))
    });
    let rows: Vec<String> = moved.iter().map(|d| resource_row(d, links)).collect();
    let (top, rest) = rows.split_at(rows.len().min(TOP_ROWS));
    const TABLE_HEAD: &str =
        "| Resource | Change | Monthly before → after | Ceiling before → after |\n|:--|--:|--:|--:|\n";
    let top_section = if top.is_empty() {
        Section::fixed("\nNo resource changed.\n".to_string())
    } else {
        Section::new(
            format!("\n{TABLE_HEAD}"),
            top.to_vec(),
            String::new(),
            "resources",
        )
    };
    let rest_section = if rest.is_empty() {
        Section::fixed(String::new())
    } else {
        Section::new(
            format!(
                "\n<details><summary>{} more changed resources</summary>\n\n{TABLE_HEAD}",
                rest.len()
            ),
            rest.to_vec(),
            "\n</details>\n".to_string(),
            "resources",
        )
    };

    let notice = |f: &FindingEntry| f.status == "fail" && f.severity == "info";
    let pick = |status: &str, change: &str| -> Vec<String> {
        report
            .findings
            .iter()
            .filter(|f| f.status == status && f.change.as_deref() == Some(change))
            .filter(|f| !notice(f))
            .map(|f| finding_item(f, links))
            .collect()
    };
    let notice_items: Vec<String> = report
        .findings
        .iter()
        .filter(|f| notice(f))
        // Savings advice is in "Could save", with its amounts, not among the notices.
        .filter(|f| !f.policy_id.starts_with("AIC-SAVE-"))
        .map(|f| finding_item(f, links))
        .collect();
    let new_failed = pick("fail", "new");
    let new_unknown = pick("unknown", "new");
    let approval_items: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.approval.is_some())
        .map(|f| approval_item(f, links))
        .collect();
    let pending = report
        .findings
        .iter()
        .any(|f| f.status == "pending_approval");
    let clean = if new_failed.is_empty() && new_unknown.is_empty() && !pending {
        "\n✅ This change introduces no policy failures and no unknown results.\n".to_string()
    } else {
        String::new()
    };
    let mut existing = pick("fail", "existing");
    existing.extend(pick("unknown", "existing"));
    let failures = list_section(
        new_failed,
        |n| {
            format!(
                "\n#### ❌ {} introduced by this change\n\n",
                plural(n, "policy failure", "policy failures")
            )
        },
        "failures",
    )
    .keeping_head();
    let unknowns = list_section(
        new_unknown,
        |n| {
            format!("\n#### ❔ {} introduced by this change\n\n_The answer depends on a value that could not be resolved._\n\n", plural(n, "unknown result", "unknown results"))
        },
        "unknown results",
    )
    .keeping_head();
    let existing_section = if existing.is_empty() {
        Section::fixed(String::new())
    } else {
        Section::new(
            format!(
                "\n<details><summary>{} already {}</summary>\n\n",
                plural(existing.len(), "finding", "findings"),
                if report.base.plan.is_some() {
                    "in the prior state"
                } else {
                    "on the base branch"
                }
            ),
            existing,
            "\n</details>\n".to_string(),
            "findings",
        )
    };
    let resolved: Vec<String> = report
        .resolved
        .iter()
        .map(|f| finding_item(f, None))
        .collect();
    let resolved_section = if resolved.is_empty() {
        Section::fixed(String::new())
    } else {
        Section::new(
            format!(
                "\n<details><summary>✅ {} fixed by this change</summary>\n\n",
                plural(resolved.len(), "finding", "findings")
            ),
            resolved,
            "\n</details>\n".to_string(),
            "findings",
        )
    };
    let approvals = list_section(
        approval_items,
        |_| "\n#### 🔏 Approvals\n\n".to_string(),
        "approvals",
    )
    .keeping_head();
    let notices = list_section(
        notice_items,
        |n| format!("\n#### ℹ️ {}\n\n", plural(n, "notice", "notices")),
        "notices",
    );
    let errors = errors_section(&report.errors, links);
    let warnings = warnings_section(&report.warnings, links);
    let budgets = Section::fixed(budgets_table(&report.budgets, links, true));
    let footer = Section::fixed(footer(
        &text(&report.catalog_as_of),
        &text(&report.tool.version),
    ));
    let assumptions = list_section(
        assumption_items(&moved),
        |_| format!("\n{ASSUMED} assumed, not read from the files:\n\n"),
        "assumptions",
    );
    // Approvals right after the failures they clear; notices after the budgets.
    let sections = vec![
        Section::fixed(header),                      // 0
        top_section,                                 // 1
        assumptions,                                 // 2
        failures,                                    // 3
        approvals,                                   // 4
        Section::fixed(clean),                       // 5
        unknowns,                                    // 6
        errors,                                      // 7
        warnings,                                    // 8
        budgets,                                     // 9
        savings::could_save(&report.savings, links), // 10
        notices,                                     // 11
        rest_section,                                // 12
        existing_section,                            // 13
        resolved_section,                            // 14
        footer,                                      // 15
    ];
    assemble_within(
        sections,
        &[13, 14, 12, 11, 10, 8, 2, 6, 7, 4, 3, 1],
        limit,
        host_limit,
    )
}

/// The Markdown report of `check`: totals, failures, unknowns, budgets.
pub fn render_check(report: &Report, context: &Context) -> String {
    let links = context
        .links
        .as_ref()
        .filter(|l| escape::safe_url(&l.blob_url));
    let totals = super::cost::Totals::of(report.resources.iter());
    let summary = report.summary();
    let at_least = super::cost::at_least(totals.incomplete > 0);
    let mut header = format!(
        "### 💰 aicost-policy: {at_least}{} / month\n\n",
        whole_dollars(totals.baseline.0)
    );
    let notices = if summary.notices > 0 {
        format!(", {}", plural(summary.notices, "notice", "notices"))
    } else {
        String::new()
    };
    let baselined = if summary.baselined > 0 {
        format!(", {} baselined", summary.baselined)
    } else {
        String::new()
    };
    header.push_str(&format!(
        "{}, {}; {}: {}{notices}, {} unknown, {} suppressed{baselined}.\n",
        plural(summary.resources, "resource", "resources"),
        totals.amounts(" / month"),
        plural(summary.policies, "policy", "policies"),
        super::failed_findings(summary.failed, summary.failed_policies),
        summary.unknown,
        summary.suppressed
    ));
    let entries = |status: Status, notices: bool| -> Vec<String> {
        report
            .findings
            .iter()
            .filter(|f| f.status == status && f.is_notice() == notices)
            .map(|f| finding_item(&diff::finding_entry(f, None), links))
            .collect()
    };
    let failures = list_section(
        entries(Status::Fail, false),
        |n| {
            format!(
                "\n#### ❌ {}\n\n",
                plural(n, "policy failure", "policy failures")
            )
        },
        "failures",
    )
    .keeping_head();
    let notices = list_section(
        entries(Status::Fail, true),
        |n| format!("\n#### ℹ️ {}\n\n", plural(n, "notice", "notices")),
        "notices",
    );
    let unknowns = list_section(
        entries(Status::Unknown, false),
        |n| {
            format!(
                "\n#### ❔ {}\n\n_The answer depends on a value that could not be resolved._\n\n",
                plural(n, "unknown result", "unknown results")
            )
        },
        "unknown results",
    )
    .keeping_head();
    let assumed: Vec<String> = report
        .resources
        .iter()
        .flat_map(|r| {
            r.cost.iter().flat_map(move |c| {
                c.assumptions.iter().map(move |a| {
                    format!(
                        "- {} ({}): {}\n",
                        code(&r.address),
                        text(&super::cost::describe(c)),
                        text(a)
                    )
                })
            })
        })
        .collect();
    let assumptions = list_section(
        assumed,
        |n| {
            format!(
                "\n#### 📌 {}\n\n_These amounts rest on what was assumed, not on what the files say._\n\n",
                plural(n, "assumption", "assumptions")
            )
        },
        "assumptions",
    );
    let errors: Vec<ErrorEntry> = report.errors.iter().map(diff::error_entry).collect();
    let warnings: Vec<ErrorEntry> = report.warnings.iter().map(diff::error_entry).collect();
    let budgets: Vec<BudgetEntry> = report
        .budgets
        .iter()
        .map(|b| diff::budget_entry(b, None))
        .collect();
    let sections = vec![
        Section::fixed(header),
        failures,
        unknowns,
        assumptions,
        errors_section(&errors, links),
        warnings_section(&warnings, links),
        Section::fixed(budgets_table(&budgets, links, false)),
        notices,
        waived::section(report, links),
        Section::fixed(footer(&diff::catalog_as_of(), env!("CARGO_PKG_VERSION"))),
    ];
    assemble(sections, &[8, 7, 5, 2, 3, 4, 1], COMMENT_LIMIT)
}

fn list_section(items: Vec<String>, head: impl Fn(usize) -> String, noun: &'static str) -> Section {
    if items.is_empty() {
        return Section::fixed(String::new());
    }
    Section::new(head(items.len()), items, String::new(), noun)
}

fn errors_section(errors: &[ErrorEntry], links: Option<&Links>) -> Section {
    let items: Vec<String> = errors
        .iter()
        .map(|e| {
            format!(
                "- {}: {}\n",
                place(&e.file, e.line, links),
                text(&e.message)
            )
        })
        .collect();
    list_section(
        items,
        |n| {
            format!(
                "\n#### ⚠️ {} could not be checked\n\n",
                plural(n, "input", "inputs")
            )
        },
        "inputs",
    )
    .keeping_head()
}

/// Input warnings: mistakes that change nothing checked (a value for a variable no module
/// declares), each with its help.
fn warnings_section(warnings: &[ErrorEntry], links: Option<&Links>) -> Section {
    let items: Vec<String> = warnings
        .iter()
        .map(|w| {
            let help = w
                .help
                .as_ref()
                .map_or(String::new(), |h| format!(" — {}", text(h)));
            format!(
                "- {}: {}{help}\n",
                place(&w.file, w.line, links),
                text(&w.message)
            )
        })
        .collect();
    list_section(
        items,
        |n| format!("\n#### ⚠️ {}\n\n", plural(n, "warning", "warnings")),
        "warnings",
    )
    .keeping_head()
}

/// `+$12,480 / month (+18%)`, `-$300 / month (-2%)`, `no change to the monthly cost`.
fn headline(delta: Decimal, percent: Option<Decimal>) -> String {
    if delta.is_zero() {
        return "no change to the monthly cost".to_string();
    }
    let sign = if delta.is_sign_negative() { "-" } else { "+" };
    let amount = whole_dollars(delta.abs());
    let pct = match percent {
        Some(p) => {
            let p = p.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
            if p.is_zero() {
                " (<1%)".to_string()
            } else if p.is_sign_negative() {
                format!(" ({p}%)")
            } else {
                format!(" (+{p}%)")
            }
        }
        None => String::new(),
    };
    format!("{sign}{amount} / month{pct}")
}

/// `$12,480`: rounded to whole dollars, with separators.
pub(super) fn whole_dollars(d: Decimal) -> String {
    let text = Usd(d.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)).to_string();
    text.strip_suffix(".00")
        .map_or(text.clone(), str::to_string)
}

fn resource_row(d: &ResourceDelta, links: Option<&Links>) -> String {
    let name = match (links, d.change.as_str()) {
        (Some(l), "added" | "changed") => {
            format!("[{}]({})", code_cell(&d.address), l.line(&d.file, d.line))
        }
        _ => code_cell(&d.address),
    };
    let money = |c: Option<&diff::SideCost>, ceiling: bool| match c {
        None => "–".to_string(),
        Some(c) => {
            let mut amount = Usd(if ceiling { c.ceiling } else { c.baseline }).to_string();
            if !c.complete {
                amount.push_str("\\*");
            }
            if !c.assumptions.is_empty() {
                amount.push_str(ASSUMED);
            }
            amount
        }
    };
    let mut change = match d.change.as_str() {
        "added" => " (added)",
        "removed" => " (removed)",
        _ => "",
    }
    .to_string();
    let side = d.after.as_ref().or(d.before.as_ref());
    if let Some(pool) = side.and_then(|c| c.counted_in.as_ref()) {
        change.push_str(&format!(" (counted in {})", code_cell(pool)));
    }
    // Both the baseline and the ceiling, before and after: a change of instance type at
    // zero minimum nodes moves only the ceiling, and must not read as "$0.00".
    format!(
        "| {name}{change} | {} | {} → {} | {} → {} |\n",
        diff::signed(d.delta.baseline),
        money(d.before.as_ref(), false),
        money(d.after.as_ref(), false),
        money(d.before.as_ref(), true),
        money(d.after.as_ref(), true),
    )
}

/// The footnote marker on an amount that rests on an assumption; the assumptions are
/// listed under the table.
pub(super) const ASSUMED: &str = "†";

/// `- † `address`: what was assumed`, one per assumption of the resources after the change.
fn assumption_items(resources: &[&ResourceDelta]) -> Vec<String> {
    resources
        .iter()
        .flat_map(|d| {
            d.after.iter().flat_map(move |c| {
                c.assumptions
                    .iter()
                    .map(move |a| format!("- {ASSUMED} {}: {}\n", code(&d.address), text(a)))
            })
        })
        .collect()
}

fn finding_item(f: &FindingEntry, links: Option<&Links>) -> String {
    let mut item = format!(
        "- **{}** ({}) {} at {}: {}",
        text(&f.policy_id),
        text(&f.severity),
        code(&f.resource),
        place(&f.file, f.line, links),
        text(&f.message)
    );
    if f.status == "unknown" && !f.unknowns.is_empty() {
        let because: Vec<String> = f.unknowns.iter().map(|u| text(&u.origin)).collect();
        item.push_str(&format!(" — depends on {}", because.join("; ")));
    }
    item.push('\n');
    item
}

/// A change's finding that needs approval: what needs whom, and who approved.
fn approval_item(f: &FindingEntry, links: Option<&Links>) -> String {
    let Some(a) = &f.approval else {
        return String::new();
    };
    let approvals = if a.required == 1 {
        "1 approval".to_string()
    } else {
        format!("{} approvals", a.required)
    };
    let by: Vec<String> = a
        .approvals
        .iter()
        .map(|x| {
            format!(
                "{} at {}",
                code(&x.user),
                code(crate::model::short_commit(&x.commit))
            )
        })
        .collect();
    let state = if f.status == "approved" {
        format!("✅ approved by {}", by.join(", "))
    } else if by.is_empty() {
        format!(
            "⏳ needs {approvals} of the head commit from {}",
            code(&a.approvers)
        )
    } else {
        format!(
            "⏳ needs {approvals} of the head commit from {}; approved by {}",
            code(&a.approvers),
            by.join(", ")
        )
    };
    let mut item = format!(
        "- **{}** at {}: {state} — {}",
        text(&f.policy_id),
        place(&f.file, f.line, links),
        text(&f.message)
    );
    if f.status != "approved" && !a.not_counted.is_empty() {
        let reasons: Vec<String> = a.not_counted.iter().map(|r| text(r)).collect();
        item.push_str(&format!(" _(not counted: {})_", reasons.join("; ")));
    }
    item.push('\n');
    item
}

/// `[infra/eks.tf:41](https://…#L41)` or `` `infra/eks.tf:41` ``. A name with a bracket is
/// not linked: at the start of a list item, `[` name `]:` would read as a link reference
/// definition and swallow the line.
fn place(file: &str, line: u32, links: Option<&Links>) -> String {
    match links {
        Some(l) if !file.is_empty() && file != "<stdin>" && !file.contains(['[', ']']) => {
            format!(
                "[{}]({})",
                code(&format!("{file}:{line}")),
                l.line(file, line)
            )
        }
        _ => code(&format!("{file}:{line}")),
    }
}

/// The budgets table; `with_before` adds the base's projection (in a diff).
fn budgets_table(budgets: &[BudgetEntry], links: Option<&Links>, with_before: bool) -> String {
    if budgets.is_empty() {
        return String::new();
    }
    let mut out = if with_before {
        String::from("\n#### Budgets\n\n| Budget | Used / limit | Before | |\n|:--|--:|--:|:--|\n")
    } else {
        String::from("\n#### Budgets\n\n| Budget | Used / limit | |\n|:--|--:|:--|\n")
    };
    for b in budgets {
        let used = match b.percent_used {
            Some(p) => format!("{} / {} ({p}%)", Usd(b.monthly_cost), Usd(b.limit)),
            None => format!("{} / {}", Usd(b.monthly_cost), Usd(b.limit)),
        };
        let state = if b.monthly_cost > b.limit {
            "❌ over"
        } else if b.percent_used.is_some_and(|p| p >= Decimal::from(80)) {
            "⚠️ near"
        } else {
            "✅"
        };
        let before = if with_before {
            format!(
                " {} |",
                b.before.map_or("–".to_string(), |x| Usd(x).to_string())
            )
        } else {
            String::new()
        };
        let name = match links {
            Some(l) => format!("[{}]({})", code_cell(&b.name), l.line(&b.file, b.line)),
            None => code_cell(&b.name),
        };
        let partial = if b.complete { "" } else { " (partial)" };
        out.push_str(&format!("| {name} | {used}{partial} |{before} {state} |\n"));
    }
    out
}

fn footer(as_of: &str, version: &str) -> String {
    format!(
        "\n<sub>List prices in USD from the aicost-policy catalog as of {as_of}; 730 hours a month. \\* partial estimate. aicost-policy {version}.</sub>\n"
    )
}
