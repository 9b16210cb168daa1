//! Policy files → one validated policy set. Reads the built-in pack and every `*.cedar`
//! file of the user's directories, parses each file, re-keys policies by `@id`, checks
//! annotations, rejects `permit` policies (except on `Action::"approve"`, where they say
//! who may approve), templates and duplicate ids, and validates the
//! whole set in strict mode against the schema. Collects every error rather than stopping
//! at the first. Does not evaluate policies.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use cedar_policy::{
    ActionConstraint, Effect, Policy, PolicyId, PolicySet, ValidationMode, Validator,
};

use crate::model::IndexedSource;

use super::annotations;
use super::entities::Uids;
use super::error::{PolicyLoadError, PolicyLoadErrors};
use super::nesting;
use super::residual;
use super::schema::{self, BUILTIN_POLICIES};
use super::source::{self, Span};
use super::{Policies, PolicyInfo};

/// Where policies come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadOptions {
    /// Load the built-in default pack.
    pub builtin: bool,
    /// Directories whose `*.cedar` files are loaded (sorted by name, not recursive). A
    /// path to a single `.cedar` file is loaded as that file.
    pub dirs: Vec<PathBuf>,
}

impl Default for LoadOptions {
    fn default() -> LoadOptions {
        LoadOptions {
            builtin: true,
            dirs: Vec::new(),
        }
    }
}

/// The text of one policy file.
#[derive(Clone, Debug)]
pub(crate) struct PolicyFile {
    pub name: String,
    pub text: Arc<str>,
    pub builtin: bool,
}

/// Reads the files `options` names. Unreadable files and directories become errors.
pub(crate) fn read(options: &LoadOptions) -> (Vec<PolicyFile>, Vec<PolicyLoadError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    if options.builtin {
        for (name, text) in BUILTIN_POLICIES {
            files.push(PolicyFile {
                name: schema::builtin_file_name(name),
                text: Arc::from(text),
                builtin: true,
            });
        }
    }
    for dir in &options.dirs {
        match policy_files(dir) {
            Err(e) => errors.push(
                PolicyLoadError::plain(
                    "aicost::policy::io",
                    format!("cannot read policy directory `{}`: {e}", dir.display()),
                )
                .with_help("pass a directory that contains `.cedar` files"),
            ),
            Ok(paths) => {
                for path in paths {
                    match std::fs::read_to_string(&path) {
                        Ok(text) => files.push(PolicyFile {
                            name: path.to_string_lossy().replace('\\', "/"),
                            text: Arc::from(text),
                            builtin: false,
                        }),
                        Err(e) => errors.push(PolicyLoadError::plain(
                            "aicost::policy::io",
                            format!("cannot read policy file `{}`: {e}", path.display()),
                        )),
                    }
                }
            }
        }
    }
    (files, errors)
}

/// The files a policy path stands for: a `.cedar` file itself, or the `.cedar` files of a
/// directory (sorted by name, not recursive).
pub fn policy_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    if dir.is_file() {
        return Ok(vec![dir.to_path_buf()]);
    }
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_file() && path.extension().is_some_and(|e| e == "cedar") {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

/// Where a loaded policy was written, for validation errors.
struct Origin {
    file: usize,
    span: Span,
    line: u32,
}

/// Compiles `files` into a validated policy set. `errors` holds problems found earlier
/// (unreadable files) and is returned together with any found here.
pub(crate) fn compile(
    files: &[PolicyFile],
    mut errors: Vec<PolicyLoadError>,
) -> Result<Policies, PolicyLoadErrors> {
    let (schema, uids) = match (schema::parse(), Uids::new()) {
        (Ok(s), Ok(u)) => (s, u),
        (Err(e), _) | (_, Err(e)) => {
            errors.push(PolicyLoadError::plain("aicost::policy::schema", e));
            return Err(PolicyLoadErrors { errors });
        }
    };
    let mut set = PolicySet::new();
    let mut rules: Vec<PolicyInfo> = Vec::new();
    let mut approvals: Vec<String> = Vec::new();
    let mut origins: HashMap<String, Origin> = HashMap::new();
    let mut literals = BTreeSet::new();
    let mut environments = BTreeSet::new();
    // Each file's text with its line index: a file with many policies or errors is not
    // rescanned for each.
    let sources: Vec<IndexedSource> = files
        .iter()
        .map(|f| IndexedSource::of(f.text.clone()))
        .collect();

    for ((file_index, file), text) in files.iter().enumerate().zip(&sources) {
        let masked = source::mask(&file.text);
        let spans = source::policy_spans(&masked);
        let span_of = |id: &PolicyId| -> Span {
            policy_index(id)
                .and_then(|i| spans.get(i).copied())
                .unwrap_or(Span { start: 0, end: 0 })
        };
        let error_at = |code: &str, message: String, at: Span, label: &str| {
            PolicyLoadError::at(code, message, &file.name, text, at.start, at.end, label)
        };
        // Cedar would overflow the stack on a policy nested too deep: the file is not
        // parsed, and the set is refused like for any invalid policy.
        if let Some(deep) = nesting::check(&masked) {
            errors.push(
                error_at("aicost::policy::too-deep", deep.message, deep.at, "here").with_help(
                    format!(
                        "split the condition into smaller policies, or name repeated values in the configuration; at most {} nested brackets and {} chained operators are read",
                        nesting::MAX_NESTING,
                        nesting::MAX_DEPTH
                    ),
                ),
            );
            continue;
        }
        let parsed = match PolicySet::from_str(&file.text) {
            Ok(p) => p,
            Err(e) => {
                for pe in e.iter() {
                    errors.push(PolicyLoadError::from_cedar(
                        "aicost::policy::parse",
                        pe,
                        &file.name,
                        text,
                        (0, 0),
                    ));
                }
                continue;
            }
        };
        for t in parsed.templates() {
            let span = span_of(t.id());
            errors.push(
                error_at(
                    "aicost::policy::template",
                    "policy templates are not supported".to_string(),
                    effect_span(&masked, span),
                    "template",
                )
                .with_help("write a static `forbid` policy; put per-environment values in the request context (see docs/policies.md)"),
            );
        }
        let mut policies: Vec<&Policy> = parsed.policies().collect();
        policies.sort_by_key(|p| policy_index(p.id()));
        for p in policies {
            let span = span_of(p.id());
            if is_approval(p) {
                // Who may approve, not a finding: `permit` is meaningful and only `@id` is
                // read.
                let line = text.lines().line_col(&file.text, span.start).0;
                let origin = Origin {
                    file: file_index,
                    span,
                    line,
                };
                let id = p
                    .annotation("id")
                    .filter(|id| !id.is_empty() && !id.chars().any(char::is_whitespace))
                    .filter(|id| !origins.contains_key(*id))
                    .map(str::to_string);
                let Some(id) = id else {
                    errors.push(
                        error_at(
                            "aicost::policy::annotation",
                            "an approval policy has no `@id`, or one another policy has".to_string(),
                            effect_span(&masked, span),
                            "here",
                        )
                        .with_help("give it a unique `@id(\"ORG-APPROVE-001\")`; the id names it in reports"),
                    );
                    continue;
                };
                if let Err(e) = set.add(p.new_id(PolicyId::new(&id))) {
                    errors.push(error_at("aicost::policy::add", e.to_string(), span, "here"));
                    continue;
                }
                origins.insert(id.clone(), origin);
                approvals.push(id);
                continue;
            }
            let permit = p.effect() == Effect::Permit;
            if permit {
                errors.push(
                    error_at(
                        "aicost::policy::permit",
                        "`permit` policies have no effect".to_string(),
                        effect_span(&masked, span),
                        "permit",
                    )
                    .with_help("every rule is a `forbid` whose condition describes a violation; rewrite it as `forbid (...) when { <violation> }`"),
                );
            }
            let meta = match annotations::check(p) {
                Ok(meta) => Some(meta),
                Err(problems) => {
                    for problem in problems {
                        let at = source::annotation_span(&masked, span, problem.annotation)
                            .unwrap_or_else(|| effect_span(&masked, span));
                        errors.push(
                            error_at("aicost::policy::annotation", problem.message, at, "here")
                                .with_help(problem.help),
                        );
                    }
                    None
                }
            };
            let id_span = source::annotation_span(&masked, span, "id").unwrap_or(span);
            let line = text.lines().line_col(&file.text, span.start).0;
            let usable = match meta {
                Some(meta) if origins.contains_key(&meta.id) => {
                    let (first_file, first_line) = origins
                        .get(&meta.id)
                        .and_then(|first| files.get(first.file).map(|f| (f, first.line)))
                        .map(|(f, line)| (f.name.as_str(), line))
                        .unwrap_or(("?", 0));
                    errors.push(
                        error_at(
                            "aicost::policy::duplicate-id",
                            format!(
                                "duplicate policy id `{}`: defined at {first_file}:{first_line} and {}:{line}",
                                meta.id, file.name
                            ),
                            id_span,
                            "defined again here",
                        )
                        .with_help("policy ids must be unique; rename one of the policies"),
                    );
                    None
                }
                Some(meta) if !permit => Some(meta),
                _ => None,
            };
            let origin = Origin {
                file: file_index,
                span,
                line,
            };
            let Some(meta) = usable else {
                // Not usable, but still validated so that every error is reported at once.
                let stand_in = format!("{}#{}", file.name, p.id());
                if set.add(p.new_id(PolicyId::new(&stand_in))).is_ok() {
                    origins.insert(stand_in, origin);
                }
                continue;
            };
            if let Err(e) = set.add(p.new_id(PolicyId::new(&meta.id))) {
                errors.push(error_at(
                    "aicost::policy::add",
                    e.to_string(),
                    id_span,
                    "here",
                ));
                continue;
            }
            if let Ok(est) = p.to_json() {
                residual::literals(&est, &mut literals, &mut environments);
            }
            origins.insert(meta.id.clone(), origin);
            rules.push(PolicyInfo {
                id: meta.id,
                severity: meta.severity,
                message: meta.message,
                help: meta.help,
                title: meta.title,
                file: file.name.clone(),
                line,
                builtin: file.builtin,
                message_template: meta.message_template,
                help_template: meta.help_template,
                location: meta.location,
                approvers: meta.approvers,
                kinds: meta.applies_to,
                facts: source::fact_refs(&file.text, &masked, span),
                actions: match p.action_constraint() {
                    ActionConstraint::Any => None,
                    ActionConstraint::Eq(a) => Some(vec![a.id().unescaped().to_string()]),
                    ActionConstraint::In(list) => Some(
                        list.iter()
                            .map(|a| a.id().unescaped().to_string())
                            .collect(),
                    ),
                },
            });
        }
    }

    let result = Validator::new(schema.clone()).validate(&set, ValidationMode::Strict);
    // Each diagnostic with its place, so they can be sorted: Cedar reports them in no
    // particular order.
    let place = |id: &PolicyId, d: &dyn miette::Diagnostic| {
        let origin = origins.get(id.to_string().as_str());
        let file = origin.and_then(|o| Some((o, files.get(o.file)?, sources.get(o.file)?)));
        match file {
            Some((o, f, text)) => (
                o.file,
                o.span.start,
                PolicyLoadError::from_cedar(
                    "aicost::policy::validation",
                    d,
                    &f.name,
                    text,
                    (o.span.start, o.span.end),
                ),
            ),
            None => (
                usize::MAX,
                0,
                PolicyLoadError::plain("aicost::policy::validation", d.to_string()),
            ),
        }
    };
    let sorted = |mut v: Vec<(usize, usize, PolicyLoadError)>| {
        v.sort_by(|a, b| (a.0, a.1, a.2.message()).cmp(&(b.0, b.1, b.2.message())));
        v.into_iter().map(|(_, _, e)| e)
    };
    let invalid = result
        .validation_errors()
        .map(|e| place(e.policy_id(), e))
        .collect();
    errors.extend(sorted(invalid));
    let warned = result
        .validation_warnings()
        .map(|w| place(w.policy_id(), w))
        .collect();
    let warnings = sorted(warned).map(PolicyLoadError::into_warning).collect();
    if !errors.is_empty() {
        return Err(PolicyLoadErrors { errors });
    }
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    let index = rules
        .iter()
        .enumerate()
        .map(|(i, r)| (PolicyId::new(&r.id), i))
        .collect();
    approvals.sort();
    Ok(Policies {
        schema,
        by_action: super::ByAction::of(&set),
        set,
        rules,
        approvals,
        index,
        literals,
        environments,
        uids,
        warnings,
        // Savings advice is part of the built-in pack: `--no-builtin-policies` leaves it out.
        savings: if files.iter().any(|f| f.builtin) {
            crate::model::SavingKind::ALL.to_vec()
        } else {
            Vec::new()
        },
    })
}

/// Whether the policy's scope allows requests with the action `action`.
pub(super) fn allows(p: &Policy, action: &str) -> bool {
    match p.action_constraint() {
        ActionConstraint::Any => true,
        ActionConstraint::Eq(a) => a.id().unescaped() == action,
        ActionConstraint::In(list) => list.iter().any(|a| a.id().unescaped() == action),
    }
}

/// Whether the policy's scope is the `approve` action alone: an approval policy.
fn is_approval(p: &Policy) -> bool {
    let approve = |a: &cedar_policy::EntityUid| a.id().unescaped() == "approve";
    match p.action_constraint() {
        ActionConstraint::Eq(a) => approve(&a),
        ActionConstraint::In(list) => !list.is_empty() && list.iter().all(approve),
        ActionConstraint::Any => false,
    }
}

/// `N` for Cedar's generated id `policyN`.
fn policy_index(id: &PolicyId) -> Option<usize> {
    id.to_string().strip_prefix("policy")?.parse().ok()
}

/// The span of the policy's effect keyword (`forbid`/`permit`), else the whole policy.
fn effect_span(masked: &str, span: Span) -> Span {
    let Some(body) = masked.get(span.start..span.end) else {
        return span;
    };
    let found = ["forbid", "permit"]
        .iter()
        .filter_map(|kw| body.find(kw).map(|i| (i, kw.len())))
        .min();
    match found {
        Some((i, len)) => Span {
            start: span.start + i,
            end: span.start + i + len,
        },
        None => span,
    }
}
