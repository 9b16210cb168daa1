//! `aicost-policy pricing show` (what the catalog and the installed overlay say an item
//! costs, with the unit, region and source row), `aicost-policy pricing update` (fetch or
//! read a price overlay, validate it completely, and install it atomically in the
//! repository) and `aicost-policy pricing import` (write an overlay from the price files the
//! clouds publish, read by `price::import`). `update` is the only command that may use the
//! network.

use std::collections::HashSet;
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rust_decimal::Decimal;
use serde_json::{json, Value};

use super::args::{
    PricingCommand, PricingFormat, PricingImportArgs, PricingShowArgs, PricingUpdateArgs,
};
use super::exit;
use crate::catalog::{
    attached_gpu_price, azure_disk_price, control_plane_price, machine_price, spot_price,
    storage_price, tables, token_prices, volume_extras, Price, Provider, TableInfo,
};
use crate::load::source::{open_regular, read_source, OpenError, PathNamer};
use crate::model::{Date, InputError};
use crate::price::import::{self, FileReport, Format, Prices};
use crate::price::overlay::{self, Overlay, INSTALLED_PATH, PROVIDERS};

/// The largest overlay `update` accepts, from a file or a URL.
const MAX_BYTES: u64 = 10 * 1024 * 1024;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const TIMEOUT: Duration = Duration::from_secs(60);
const MAX_REDIRECTS: usize = 5;

/// Azure managed disk tier sizes in GiB (P1/E1 … P80/E80): asking for each size gives
/// every tier the catalog prices.
const AZURE_DISK_TIER_SIZES: [u64; 14] = [
    4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32767,
];

/// Common AWS sizes, tried with the asked item's family when it is not found.
const AWS_SIZES: [&str; 16] = [
    "nano",
    "micro",
    "small",
    "medium",
    "large",
    "xlarge",
    "2xlarge",
    "4xlarge",
    "8xlarge",
    "12xlarge",
    "16xlarge",
    "24xlarge",
    "32xlarge",
    "48xlarge",
    "metal",
    "metal-48xl",
];

pub fn run(command: &PricingCommand) -> u8 {
    match command {
        PricingCommand::Show(args) => show(args),
        PricingCommand::Update(args) => update(args),
        PricingCommand::Import(args) => import_files(args),
    }
}

// ---------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------

/// An error for the user: what went wrong (and where), and what to do.
struct Failure {
    message: String,
    help: Option<String>,
}

impl Failure {
    fn new(message: impl Into<String>, help: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            help: Some(help.into()),
        }
    }

    fn input(e: &InputError) -> Failure {
        Failure {
            message: format!("{}:{}: {}", e.location.file, e.location.line, e.message),
            help: e.help.clone(),
        }
    }

    fn print(&self) {
        let mut text = format!("error: {}\n", self.message);
        if let Some(help) = &self.help {
            text.push_str(&format!("  help: {help}\n"));
        }
        let _ = std::io::stderr().write_all(text.as_bytes());
    }
}

/// The repository root as `check` and `cost` find it, for the current directory.
fn repository_root() -> Result<PathBuf, Failure> {
    std::env::current_dir()
        .map(|cwd| super::pipeline::repository_root(&cwd))
        .map_err(|e| {
            Failure::new(
                format!("cannot read the current directory: {e}"),
                "run the command from inside the repository",
            )
        })
}

// ---------------------------------------------------------------------------------------
// pricing show
// ---------------------------------------------------------------------------------------

/// Where a price comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Source {
    /// The catalog table (`aws_ec2_ondemand`), or `overlay`.
    table: String,
    /// The overlay file and line, for overlay prices.
    at: Option<(String, u32)>,
    source: String,
    as_of: String,
    license: String,
}

impl Source {
    fn table(info: &TableInfo) -> Source {
        Source {
            table: info.name.to_string(),
            at: None,
            source: info.source.clone(),
            as_of: info.as_of.clone(),
            license: info.license.clone(),
        }
    }

    fn text(&self) -> String {
        let what = match &self.at {
            Some((file, line)) => format!("price overlay {file}:{line}"),
            None => self.table.clone(),
        };
        format!(
            "{what} (as_of {}, license {}): {}",
            self.as_of, self.license, self.source
        )
    }

    fn json(&self) -> Value {
        let mut v = json!({
            "table": self.table,
            "source": self.source,
            "as_of": self.as_of,
            "license": self.license,
        });
        if let (Some((file, line)), Some(map)) = (&self.at, v.as_object_mut()) {
            map.insert("file".into(), json!(file));
            map.insert("line".into(), json!(line));
        }
        v
    }
}

/// One price of a match.
struct Line {
    /// `on-demand`, `spot`, `input`, `standard tier`, ...
    label: String,
    usd: Decimal,
    /// As the catalog writes units: `hour`, `GB-month`, `1M tokens`, ...
    unit: &'static str,
    /// The region the price is listed for (`global`, `every region`).
    region: String,
    /// False when the price is estimated from another region than the one asked.
    exact_region: bool,
    notes: Vec<String>,
    sources: Vec<Source>,
}

impl Line {
    fn from_price(label: impl Into<String>, price: &Price, mut notes: Vec<String>) -> Line {
        notes.extend(price.estimate.iter().cloned());
        Line {
            label: label.into(),
            usd: price.usd,
            unit: price.unit,
            region: price.region.clone(),
            exact_region: price.exact_region,
            notes,
            sources: vec![Source::table(price.table)],
        }
    }

    fn price_text(&self) -> String {
        let usd = amount(self.usd);
        if self.unit == "hour" {
            format!("{usd} $/h")
        } else {
            format!("{usd} $/{}", self.unit)
        }
    }
}

/// A price as shown: without trailing zeros, but with at least two decimals
/// (`55.040000` → `55.04`, `0.1` → `0.10`, `0.005` stays).
fn amount(usd: Decimal) -> String {
    let mut d = usd.normalize();
    if d.scale() < 2 {
        d.rescale(2);
    }
    d.to_string()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Machine,
    Storage,
    Disk,
    ControlPlane,
    Gpu,
    Model,
    Overlay,
}

impl Kind {
    fn title(self) -> &'static str {
        match self {
            Kind::Machine => "machine type",
            Kind::Storage => "storage class",
            Kind::Disk => "managed disk type",
            Kind::ControlPlane => "control plane",
            Kind::Gpu => "GPU",
            Kind::Model => "LLM model",
            Kind::Overlay => "price overlay",
        }
    }

    fn id(self) -> &'static str {
        match self {
            Kind::Machine => "machine_type",
            Kind::Storage => "storage_class",
            Kind::Disk => "managed_disk",
            Kind::ControlPlane => "control_plane",
            Kind::Gpu => "gpu",
            Kind::Model => "llm_model",
            Kind::Overlay => "overlay",
        }
    }
}

/// Everything known about the item for one provider and kind.
struct Match {
    /// `aws`, `google`, `azurerm`, or LiteLLM's provider for LLM models.
    provider: String,
    kind: Kind,
    item: String,
    lines: Vec<Line>,
    notes: Vec<String>,
}

/// The installed overlay, as `show` reads it.
struct Installed {
    file: String,
    overlay: Overlay,
}

fn show(args: &PricingShowArgs) -> u8 {
    let item = args.item.trim();
    let region = args
        .region
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    let providers: Vec<&'static str> = match args.provider {
        Some(p) => vec![p.key()],
        None => PROVIDERS.to_vec(),
    };
    let mut code = exit::CLEAN;
    let installed = match repository_root() {
        Ok(root) => match read_installed(&root) {
            Ok(installed) => installed,
            Err(errors) => {
                for e in &errors {
                    Failure::input(e).print();
                }
                code = exit::ERROR;
                None
            }
        },
        Err(f) => {
            f.print();
            return exit::ERROR;
        }
    };
    let mut matches = Vec::new();
    for provider in &providers {
        matches.extend(catalog_matches(provider, item, region));
        if let Some(installed) = &installed {
            matches.extend(overlay_match(installed, provider, item, region));
        }
    }
    matches.extend(model_matches(item, args.provider.map(|p| p.key())));
    if matches.is_empty() {
        not_found(item, &providers, installed.as_ref()).print();
        return exit::ERROR;
    }
    let rendered = match args.format {
        PricingFormat::Text => render_text(&matches, region),
        PricingFormat::Json => render_json(item, region, &matches),
    };
    let written = std::io::stdout().write_all(rendered.as_bytes());
    if let Err(e) = written {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            Failure::new(
                format!("cannot write the output: {e}"),
                "check that standard output is writable",
            )
            .print();
            return exit::ERROR;
        }
    }
    code
}

/// The installed overlay when the repository has one; problems with it are input errors.
fn read_installed(root: &Path) -> Result<Option<Installed>, Vec<InputError>> {
    let path = overlay::installed_path(root);
    if !path.is_file() {
        return Ok(None);
    }
    let name = PathNamer::new(root.to_path_buf()).name(&path);
    let unused = |mut e: InputError| {
        e.message = format!("the price overlay is not used: {}", e.message);
        e
    };
    let file = read_source(&path, name.clone(), MAX_BYTES).map_err(|e| vec![unused(e)])?;
    let parsed = overlay::parse(&file.text, &name)
        .map_err(|errors| errors.into_iter().map(unused).collect::<Vec<_>>())?;
    Ok(Some(Installed {
        file: name.to_string(),
        overlay: parsed,
    }))
}

/// The region looked up when none is asked: the provider's default region.
fn default_region(provider: &str) -> &'static str {
    Provider::parse(provider).map_or("", Provider::fallback_region)
}

/// Catalog prices of `item` for one provider: machine type, storage class or disk type,
/// control plane, GPU.
fn catalog_matches(provider: &'static str, item: &str, region: Option<&str>) -> Vec<Match> {
    let asked = region.unwrap_or_else(|| default_region(provider));
    let mut out = Vec::new();
    let new = |kind: Kind, name: &str, lines: Vec<Line>, notes: Vec<String>| Match {
        provider: provider.to_string(),
        kind,
        item: name.to_string(),
        lines,
        notes,
    };
    if let Ok((price, mut notes)) = machine_price(provider, item, asked) {
        if let Some((percent, series)) =
            crate::price::sustained_use_percent(item).filter(|_| provider == "google")
        {
            let net = price.usd * (Decimal::ONE_HUNDRED - percent) / Decimal::ONE_HUNDRED;
            notes.push(format!(
                "a whole month on demand gets Google's sustained-use discount of {percent}% ({series}): {} $/h in estimates, unless [pricing] sustained_use_discounts = false",
                net.normalize()
            ));
        }
        let mut lines = vec![Line::from_price("on-demand", &price, notes)];
        let mut match_notes = Vec::new();
        match spot_price(provider, item, asked) {
            Ok((spot, notes)) => {
                let mut line = Line::from_price("spot", &spot, notes);
                if line.notes.iter().any(|n| n.contains("spot_factors.csv")) {
                    line.sources.extend(
                        tables()
                            .into_iter()
                            .filter(|t| t.name == "spot_factors")
                            .map(Source::table),
                    );
                }
                lines.push(line);
            }
            Err(e) => match_notes.push(e),
        }
        out.push(new(Kind::Machine, item, lines, match_notes));
    }
    if provider == "azurerm" {
        let lines = azure_disk_lines(item, asked);
        if !lines.is_empty() {
            out.push(new(
                Kind::Disk,
                item,
                lines,
                vec!["a disk is billed as the smallest tier at least as large; tiers without a listed price are not shown".to_string()],
            ));
        }
    } else if let Ok(price) = storage_price(provider, item, asked) {
        let mut lines = vec![Line::from_price("capacity", &price, Vec::new())];
        let extras = volume_extras(provider, item, asked);
        if let Some((p, free)) = extras.iops {
            let label = if free > 0 {
                format!("IOPS above {free}")
            } else {
                "IOPS".to_string()
            };
            lines.push(Line::from_price(label, &p, Vec::new()));
        }
        if let Some((p, free)) = extras.throughput_mbps {
            let label = if free > 0 {
                format!("throughput above {free} MBps")
            } else {
                "throughput".to_string()
            };
            lines.push(Line::from_price(label, &p, Vec::new()));
        }
        out.push(new(Kind::Storage, item, lines, Vec::new()));
    }
    if let Some((name, tiers)) = control_plane(provider, item) {
        let lines: Vec<Line> = tiers
            .iter()
            .filter_map(|tier| {
                control_plane_price(provider, tier)
                    .ok()
                    .map(|p| Line::from_price(format!("{tier} tier"), &p, Vec::new()))
            })
            .collect();
        if !lines.is_empty() {
            out.push(new(
                Kind::ControlPlane,
                name,
                lines,
                vec!["per cluster; nodes are priced separately".to_string()],
            ));
        }
    }
    if provider == "google" {
        if let Ok((price, notes)) = attached_gpu_price(provider, item, asked, false) {
            let mut lines = vec![Line::from_price("on-demand", &price, notes)];
            let mut match_notes = Vec::new();
            match attached_gpu_price(provider, item, asked, true) {
                Ok((spot, notes)) => lines.push(Line::from_price("spot", &spot, notes)),
                Err(e) => match_notes.push(e),
            }
            out.push(new(Kind::Gpu, item, lines, match_notes));
        }
    }
    out
}

/// Every priced tier of an Azure managed disk type, smallest first.
fn azure_disk_lines(item: &str, region: &str) -> Vec<Line> {
    let mut tiers: Vec<(String, u64, Price)> = Vec::new();
    for size in AZURE_DISK_TIER_SIZES {
        let Ok((price, tier)) = azure_disk_price(item, size, region) else {
            continue;
        };
        match tiers.last_mut() {
            Some(last) if last.0 == tier => last.1 = size,
            _ => tiers.push((tier, size, price)),
        }
    }
    tiers
        .into_iter()
        .map(|(tier, size, price)| {
            Line::from_price(
                format!("tier {tier} (up to {size} GiB)"),
                &price,
                Vec::new(),
            )
        })
        .collect()
}

/// The control plane an item names for a provider, and the tiers the catalog prices.
fn control_plane(provider: &str, item: &str) -> Option<(&'static str, &'static [&'static str])> {
    match (provider, item.to_ascii_lowercase().as_str()) {
        ("aws", "eks" | "aws_eks_cluster") => Some(("EKS", &["standard", "extended"])),
        ("google", "gke" | "google_container_cluster") => Some(("GKE", &["standard", "autopilot"])),
        ("azurerm", "aks" | "azurerm_kubernetes_cluster") => Some(("AKS", &["free", "standard"])),
        _ => None,
    }
}

/// The overlay prices of `item` for one provider that apply in `region` (all of them when no
/// region is asked). Items are compared exactly, as `check` and `cost` compare them.
fn overlay_match(
    installed: &Installed,
    provider: &str,
    item: &str,
    region: Option<&str>,
) -> Option<Match> {
    let o = &installed.overlay;
    let lines: Vec<Line> = o
        .rows
        .iter()
        .filter(|r| r.price.provider == provider && r.price.item == item)
        .filter(|r| match (region, r.price.region.as_deref()) {
            (Some(asked), Some(listed)) => asked == listed,
            _ => true,
        })
        .map(|r| Line {
            label: "price".to_string(),
            usd: r.price.usd_per_hour,
            unit: "hour",
            region: r
                .price
                .region
                .clone()
                .unwrap_or_else(|| "every region".to_string()),
            exact_region: true,
            notes: Vec::new(),
            sources: vec![Source {
                table: "overlay".to_string(),
                at: Some((installed.file.clone(), r.line)),
                source: o.source.clone(),
                as_of: o.as_of.clone(),
                license: o.license.clone(),
            }],
        })
        .collect();
    (!lines.is_empty()).then(|| Match {
        provider: provider.to_string(),
        kind: Kind::Overlay,
        item: item.to_string(),
        lines,
        notes: vec![
            "check and cost use this price instead of the catalog's, for on-demand and spot capacity alike (unless [pricing] spot_factors is set); [[pricing.overrides]] in the configuration win over it".to_string(),
        ],
    })
}

/// The cloud provider an LLM provider of the LiteLLM table bills through, if any.
fn model_cloud(litellm_provider: &str) -> Option<&'static str> {
    match litellm_provider {
        "bedrock" | "bedrock_converse" | "sagemaker" => Some("aws"),
        p if p.starts_with("vertex_ai") => Some("google"),
        "azure" | "azure_ai" => Some("azurerm"),
        _ => None,
    }
}

/// Token prices of `item` (and of `azure/<item>`, the Azure OpenAI id), for the models
/// billed through `provider` when one is given.
fn model_matches(item: &str, provider: Option<&str>) -> Vec<Match> {
    let mut ids = vec![item.to_string()];
    if !item.contains('/') && provider.is_none_or(|p| p == "azurerm") {
        ids.push(format!("azure/{item}"));
    }
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for id in ids {
        let Some(t) = token_prices(&id) else {
            continue;
        };
        if provider.is_some_and(|p| model_cloud(&t.provider) != Some(p))
            || !seen.insert(t.model.clone())
        {
            continue;
        }
        let mut lines = vec![
            Line::from_price("input", &t.input, Vec::new()),
            Line::from_price("output", &t.output, Vec::new()),
        ];
        if let Some(cached) = &t.cached_input {
            lines.push(Line::from_price("cached input", cached, Vec::new()));
        }
        out.push(Match {
            provider: t.provider.clone(),
            kind: Kind::Model,
            item: t.model.clone(),
            lines,
            notes: Vec::new(),
        });
    }
    out
}

/// Whether the catalog or the overlay knows `item` for one of `providers`; cheap, for
/// suggestions.
fn known(item: &str, providers: &[&'static str], installed: Option<&Installed>) -> bool {
    providers.iter().any(|p| {
        machine_price(p, item, "").is_ok()
            || (*p != "azurerm" && storage_price(p, item, "").is_ok())
            || (*p == "azurerm" && azure_disk_price(item, 32, "").is_ok())
            || (*p == "google" && attached_gpu_price(p, item, "", false).is_ok())
            || control_plane(p, item).is_some()
            || installed.is_some_and(|i| {
                i.overlay
                    .rows
                    .iter()
                    .any(|r| r.price.provider == *p && r.price.item == item)
            })
    }) || token_prices(item).is_some_and(|t| {
        providers.len() == PROVIDERS.len()
            || providers
                .iter()
                .any(|p| model_cloud(&t.provider) == Some(p))
    })
}

/// The names one edit away from `item` (deletion, transposition, substitution, insertion)
/// that the catalog knows, and for AWS types the other sizes of the same family; closest
/// first, at most three.
fn suggestions(
    item: &str,
    providers: &[&'static str],
    installed: Option<&Installed>,
) -> Vec<String> {
    let chars: Vec<char> = item.chars().collect();
    let mut candidates: Vec<String> = vec![item.to_ascii_lowercase(), item.to_ascii_uppercase()];
    if let Some((family, _)) = item.split_once('.') {
        candidates.extend(AWS_SIZES.iter().map(|s| format!("{family}.{s}")));
    }
    if (1..=64).contains(&chars.len()) {
        let mut alphabet: Vec<char> = ('a'..='z')
            .chain('0'..='9')
            .chain("._-/:".chars())
            .collect();
        if chars.iter().any(char::is_ascii_uppercase) {
            alphabet.extend('A'..='Z');
        }
        let with = |f: &dyn Fn(&mut Vec<char>)| {
            let mut c = chars.clone();
            f(&mut c);
            c.into_iter().collect::<String>()
        };
        for i in 0..chars.len() {
            candidates.push(with(&|c| {
                c.remove(i);
            }));
            if i + 1 < chars.len() {
                candidates.push(with(&|c| c.swap(i, i + 1)));
            }
            for &a in &alphabet {
                candidates.push(with(&|c| {
                    if let Some(slot) = c.get_mut(i) {
                        *slot = a;
                    }
                }));
            }
        }
        for i in 0..=chars.len() {
            for &a in &alphabet {
                candidates.push(with(&|c| c.insert(i, a)));
            }
        }
    }
    let mut seen = HashSet::new();
    let mut found: Vec<String> = candidates
        .into_iter()
        .filter(|c| c != item && !c.is_empty() && seen.insert(c.to_ascii_lowercase()))
        .filter(|c| known(c, providers, installed))
        .collect();
    found.sort_by(|a, b| {
        strsim::levenshtein(item, a)
            .cmp(&strsim::levenshtein(item, b))
            .then_with(|| a.cmp(b))
    });
    found.truncate(3);
    found
}

fn not_found(item: &str, providers: &[&'static str], installed: Option<&Installed>) -> Failure {
    let searched = match providers {
        [one] => (*one).to_string(),
        _ => "aws, google and azurerm".to_string(),
    };
    let overlay = if installed.is_some() {
        " or the price overlay"
    } else {
        ""
    };
    let message = format!(
        "`{item}` is not in the price catalog{overlay} (searched {searched}: machine types, storage classes, control planes, GPUs, LLM models)"
    );
    let others: Vec<&'static str> = PROVIDERS
        .iter()
        .copied()
        .filter(|p| !providers.contains(p) && known(item, &[p], installed))
        .collect();
    let model = token_prices(item).filter(|_| providers.len() < PROVIDERS.len());
    let help = if let Some(other) = others.first() {
        format!("it is listed for {other}: pass --provider {other}, or leave --provider out")
    } else if let Some(t) = model {
        format!(
            "{} is an LLM model billed through {}: leave --provider out",
            t.model, t.provider
        )
    } else {
        let close = suggestions(item, providers, installed);
        if close.is_empty() {
            "use the name Terraform uses: an instance type (p5.48xlarge), VM size (Standard_NC24ads_A100_v4), storage class (gp3), eks, gke or aks, or a LiteLLM model id (gpt-4o)".to_string()
        } else {
            format!("did you mean {}?", close.join(", "))
        }
    };
    Failure::new(message, help)
}

fn render_text(matches: &[Match], region: Option<&str>) -> String {
    let mut out = String::new();
    for (i, m) in matches.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&format!("{} {} {}\n", m.provider, m.kind.title(), m.item));
        let label_width = m.lines.iter().map(|l| l.label.len()).max().unwrap_or(0);
        let price_width = m
            .lines
            .iter()
            .map(|l| l.price_text().len())
            .max()
            .unwrap_or(0);
        let indent = " ".repeat(label_width + 4);
        let mut sources: Vec<&Source> = Vec::new();
        for l in &m.lines {
            let where_ = match region {
                Some(asked) if !l.exact_region => {
                    format!("{} (estimated: {asked} is not listed)", l.region)
                }
                _ => l.region.clone(),
            };
            out.push_str(&format!(
                "  {:<label_width$}  {:<price_width$}  {where_}\n",
                l.label,
                l.price_text()
            ));
            for n in &l.notes {
                out.push_str(&format!("{indent}note: {n}\n"));
            }
            for s in &l.sources {
                if !sources.contains(&s) {
                    sources.push(s);
                }
            }
        }
        for n in &m.notes {
            out.push_str(&format!("  note: {n}\n"));
        }
        for s in sources {
            out.push_str(&format!("  source: {}\n", s.text()));
        }
    }
    out
}

fn render_json(item: &str, region: Option<&str>, matches: &[Match]) -> String {
    let matches: Vec<Value> = matches
        .iter()
        .map(|m| {
            json!({
                "provider": m.provider,
                "kind": m.kind.id(),
                "item": m.item,
                "prices": m.lines.iter().map(|l| json!({
                    "name": l.label,
                    "usd": amount(l.usd),
                    "unit": l.unit,
                    "region": l.region,
                    "exact_region": l.exact_region,
                    "notes": l.notes,
                    "sources": l.sources.iter().map(Source::json).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
                "notes": m.notes,
            })
        })
        .collect();
    let doc = json!({ "item": item, "region": region, "matches": matches });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

// ---------------------------------------------------------------------------------------
// pricing update
// ---------------------------------------------------------------------------------------

fn update(args: &PricingUpdateArgs) -> u8 {
    match install_overlay(args) {
        Ok(message) => {
            let _ = std::io::stdout().write_all(message.as_bytes());
            exit::CLEAN
        }
        Err(failures) => {
            for f in &failures {
                f.print();
            }
            exit::ERROR
        }
    }
}

/// Where the overlay is installed by default, and that path as shown: relative to the
/// current directory when it is under it.
fn installed_target() -> Result<(PathBuf, String), Failure> {
    let cwd = std::env::current_dir().ok();
    let root = repository_root()?;
    let target = overlay::installed_path(&root);
    let shown = cwd
        .as_ref()
        .and_then(|c| c.canonicalize().ok())
        .and_then(|c| target.strip_prefix(c).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| target.clone());
    let shown = shown.display().to_string();
    Ok((target, shown))
}

/// Reads or fetches the overlay, validates it, and installs it; returns what to print.
fn install_overlay(args: &PricingUpdateArgs) -> Result<String, Vec<Failure>> {
    let (target, shown_target) = match &args.to {
        Some(to) => (to.clone(), to.display().to_string()),
        None => installed_target().map_err(|f| vec![f])?,
    };
    if target.is_dir() {
        return Err(vec![Failure::new(
            format!("--to {shown_target} is a directory"),
            format!("name the file to write, such as {shown_target}/prices.csv"),
        )]);
    }
    let from = args.from.trim();
    let (name, text) = if from.contains("://") {
        fetch(from)
    } else {
        read_file(from)
    }
    .map_err(|f| vec![f])?;
    let parsed = overlay::parse(&text, &Arc::from(name.as_str())).map_err(|errors| {
        let mut failures: Vec<Failure> = errors.iter().map(Failure::input).collect();
        failures.push(Failure::new(
            format!("the price overlay from {name} is invalid; nothing was installed"),
            format!(
                "fix the lines above and run `pricing update` again; {shown_target} is unchanged"
            ),
        ));
        failures
    })?;
    let replaced = target.is_file();
    write_atomically(&target, text.as_bytes()).map_err(|f| vec![f])?;
    let count = parsed.rows.len();
    let mut message = format!(
        "installed {count} {} from {name} (as_of {}, source: {}) at {shown_target}{}\n",
        if count == 1 { "price" } else { "prices" },
        parsed.as_of,
        parsed.source,
        if replaced {
            ", replacing the previous overlay"
        } else {
            ""
        }
    );
    if args.to.is_none() {
        message.push_str(&format!(
            "check and cost read it from {INSTALLED_PATH}; commit it so every machine and CI price the same\n"
        ));
    }
    Ok(message)
}

/// A local overlay file, size-limited and UTF-8.
fn read_file(from: &str) -> Result<(String, String), Failure> {
    let path = Path::new(from);
    let cannot = |e: std::io::Error| {
        Failure::new(
            format!("cannot read {from}: {e}"),
            "check the path, or pass an https:// URL to --from",
        )
    };
    // A FIFO or device is refused before it is opened: opening a FIFO waits for a writer.
    let file = match open_regular(path) {
        Ok(file) => file,
        Err(OpenError::Io(e)) => return Err(cannot(e)),
        Err(OpenError::NotRegular(kind)) => {
            return Err(Failure::new(
                format!("{from} is {kind}, not a regular file"),
                "pass the overlay CSV file to --from",
            ))
        }
    };
    let mut bytes = Vec::new();
    file.take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    let text = checked_body(bytes, from)?;
    Ok((from.to_string(), text))
}

/// The body as text, refused when it is over [`MAX_BYTES`] or not UTF-8.
fn checked_body(bytes: Vec<u8>, name: &str) -> Result<String, Failure> {
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > MAX_BYTES {
        return Err(too_large(name));
    }
    String::from_utf8(bytes).map_err(|_| {
        Failure::new(
            format!("{name} is not UTF-8 text, so it is not a price overlay"),
            "an overlay is a UTF-8 CSV file (see docs/pricing.md)",
        )
    })
}

fn too_large(name: &str) -> Failure {
    Failure::new(
        format!(
            "{name} is over the {} MiB limit for a price overlay; nothing was installed",
            MAX_BYTES / (1024 * 1024)
        ),
        "an overlay lists only the prices that differ from the catalog; check that the source is the right file",
    )
}

// ---------------------------------------------------------------------------------------
// pricing import
// ---------------------------------------------------------------------------------------

/// Where `import` writes the overlay.
enum Destination {
    Stdout,
    File(PathBuf, String),
    Installed(PathBuf, String),
}

fn import_files(args: &PricingImportArgs) -> u8 {
    let mut err = std::io::stderr();
    match import_overlay(args) {
        Ok(lines) => {
            let _ = err.write_all(lines.as_bytes());
            exit::CLEAN
        }
        Err((lines, failure)) => {
            let _ = err.write_all(lines.as_bytes());
            failure.print();
            exit::ERROR
        }
    }
}

/// Reads the inputs, writes the overlay; returns what to print on standard error, or that
/// and the error (the summaries of the files read before it, when useful).
fn import_overlay(args: &PricingImportArgs) -> Result<String, (String, Failure)> {
    let alone = |f: Failure| (String::new(), f);
    let as_of =
        match args.as_of.as_deref().map(str::trim) {
            Some(text) => match Date::parse(text) {
                Ok(_) => Some(text.to_string()),
                Err(e) => return Err(alone(Failure::new(
                    format!("--as-of `{text}` is not a date: {}", e.reason()),
                    "write the date the prices are of as YYYY-MM-DD, such as --as-of 2026-11-01",
                ))),
            },
            None => None,
        };
    if args.license.as_deref().is_some_and(|l| l.trim().is_empty()) {
        return Err(alone(Failure::new(
            "--license is empty",
            "name the terms the prices are published under, or leave --license out for the default",
        )));
    }
    if !args.gcp_billing_catalog.is_empty() && as_of.is_none() {
        return Err(alone(Failure::new(
            "--gcp-billing-catalog needs --as-of: the Cloud Billing Catalog API gives no date for its prices",
            "pass the day the SKU lists were downloaded, such as --as-of 2026-11-01",
        )));
    }
    let destination = if args.install {
        let (target, shown) = installed_target().map_err(alone)?;
        Destination::Installed(target, shown)
    } else if let Some(path) = &args.output {
        Destination::File(path.clone(), path.display().to_string())
    } else {
        Destination::Stdout
    };
    if let Destination::File(target, shown) | Destination::Installed(target, shown) = &destination {
        if target.is_dir() {
            return Err(alone(Failure::new(
                format!("{shown} is a directory"),
                format!("name the file to write, such as {shown}/prices.csv"),
            )));
        }
    }
    let inputs = args
        .aws_price_list
        .iter()
        .map(|p| (Format::AwsPriceList, p))
        .chain(
            args.azure_retail_prices
                .iter()
                .map(|p| (Format::AzureRetailPrices, p)),
        )
        .chain(
            args.gcp_billing_catalog
                .iter()
                .map(|p| (Format::GcpBillingCatalog, p)),
        );
    let mut prices = Prices::default();
    let mut reports: Vec<(Format, &Path, FileReport)> = Vec::new();
    for (format, path) in inputs {
        let name = path.display().to_string();
        let file = open_regular(path).map_err(|e| {
            alone(Failure::new(
                format!("cannot read {name}: {e}"),
                "check the path; nothing was written",
            ))
        })?;
        let reader = std::io::BufReader::with_capacity(256 * 1024, file);
        let report = import::read(format, reader, &name, &mut prices).map_err(|e| {
            alone(Failure::new(
                format!("{}: {}", e.place, e.message),
                format!("{}; nothing was written", e.help),
            ))
        })?;
        reports.push((format, path.as_path(), report));
    }
    let summary: String = reports
        .iter()
        .map(|(_, _, r)| format!("{}\n", r.summary()))
        .collect();
    if prices.is_empty() {
        return Err((
            summary,
            Failure::new(
                "no price was taken from the inputs; nothing was written",
                "the lines above count what was skipped and why; check that the files are of the right offer, service and currency",
            ),
        ));
    }
    let as_of = match as_of {
        Some(date) => date,
        None => match dates_of(&reports) {
            Ok(date) => date,
            Err(f) => return Err((summary, f)),
        },
    };
    let mut formats: Vec<Format> = Vec::new();
    for (format, _, _) in &reports {
        if !formats.contains(format) {
            formats.push(*format);
        }
    }
    let source = source_of(&reports);
    let license = args.license.as_deref().map(str::trim).map_or_else(
        || {
            let publishers: Vec<&str> = formats.iter().map(|f| f.publisher()).collect();
            format!(
                "terms of use of the publisher{} ({})",
                if publishers.len() == 1 { "" } else { "s" },
                publishers.join(", ")
            )
        },
        str::to_string,
    );
    let derivation = formats
        .iter()
        .map(|f| f.derivation())
        .collect::<Vec<_>>()
        .join("; ");
    let count = prices.len();
    let text = overlay::render(
        &source,
        &as_of,
        &license,
        &[("derivation", &derivation)],
        &prices.into_overrides(),
    );
    // The overlay is checked as `pricing update`, `check` and `cost` check it.
    if let Err(errors) = overlay::parse(&text, &Arc::from("the imported overlay")) {
        let first = errors
            .first()
            .map_or_else(String::new, |e| e.message.clone());
        return Err((
            summary,
            Failure::new(
                format!("the overlay written from the inputs does not pass the overlay check: {first}"),
                "this is a bug in aicost-policy; please report it with the input files; nothing was written",
            ),
        ));
    }
    if u64::try_from(text.len()).unwrap_or(u64::MAX) > MAX_BYTES {
        return Err((
            summary,
            Failure::new(
                format!(
                    "the overlay would be {} MiB, over the {} MiB that pricing update, check and cost read; nothing was written",
                    text.len() / (1024 * 1024),
                    MAX_BYTES / (1024 * 1024)
                ),
                "import the regions you use: pass the regional price files instead of the all-regions file",
            ),
        ));
    }
    let what = format!(
        "{} {} (as_of {as_of})",
        import::count(u64::try_from(count).unwrap_or(u64::MAX)),
        if count == 1 { "price" } else { "prices" }
    );
    let done = match &destination {
        Destination::Stdout => {
            let written = std::io::stdout().write_all(text.as_bytes());
            if let Err(e) = written {
                return Err((
                    summary,
                    Failure::new(
                        format!("cannot write the overlay: {e}"),
                        "check that standard output is writable, or pass --output FILE",
                    ),
                ));
            }
            format!("wrote {what} to standard output\n")
        }
        Destination::File(target, shown) => {
            write_atomically(target, text.as_bytes()).map_err(|f| (summary.clone(), f))?;
            format!("wrote {what} to {shown}\n")
        }
        Destination::Installed(target, shown) => {
            let replaced = target.is_file();
            write_atomically(target, text.as_bytes()).map_err(|f| (summary.clone(), f))?;
            format!(
                "installed {what} at {shown}{}\ncheck and cost read it from {INSTALLED_PATH}; commit it so every machine and CI price the same\n",
                if replaced { ", replacing the previous overlay" } else { "" }
            )
        }
    };
    Ok(format!("{summary}{done}"))
}

/// The overlay's `# source:`: the files by format (their names without directories, the
/// first and last of more than five), then how they were read: `AWS Price List CSV, offer
/// AmazonEC2, version 20250912225308: ec2.csv; ...; imported by aicost-policy pricing import`.
fn source_of(reports: &[(Format, &Path, FileReport)]) -> String {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for (_, path, r) in reports {
        let kind = if r.details.is_empty() {
            r.format.clone()
        } else {
            format!("{}, {}", r.format, r.details)
        };
        let base = path
            .file_name()
            .map_or_else(|| r.name.clone(), |n| n.to_string_lossy().into_owned());
        match groups.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, names)) => names.push(base),
            None => groups.push((kind, vec![base])),
        }
    }
    let mut parts: Vec<String> = groups
        .into_iter()
        .map(|(kind, names)| {
            let listed = match names.as_slice() {
                [first, .., last] if names.len() > 5 => {
                    format!("{first} ... {last} ({} files)", names.len())
                }
                _ => names.join(", "),
            };
            format!("{kind}: {listed}")
        })
        .collect();
    parts.push("imported by aicost-policy pricing import".to_string());
    parts.join("; ")
}

/// The overlay's `as_of` from the files when `--as-of` is not given: the earliest of the
/// AWS publication dates and of the latest Azure `effectiveStartDate` (the pages of one
/// query are one snapshot, so their latest date counts for all of them).
fn dates_of(reports: &[(Format, &Path, FileReport)]) -> Result<String, Failure> {
    let no_date = |message: String| {
        Failure::new(
            message,
            "pass the date the prices are of with --as-of YYYY-MM-DD, such as the day the files were downloaded; nothing was written",
        )
    };
    let mut dates = Vec::new();
    let mut azure = None;
    let mut azure_pages = 0;
    for (format, _, r) in reports {
        if *format == Format::AzureRetailPrices {
            azure_pages += 1;
            azure = azure.max(r.date.clone());
            continue;
        }
        match &r.date {
            Some(date) => dates.push(date.clone()),
            None => return Err(no_date(format!("{} gives no date for its prices", r.name))),
        }
    }
    if azure_pages > 0 {
        match azure {
            Some(date) => dates.push(date),
            None => {
                return Err(no_date(
                    "no Azure item taken has an effectiveStartDate, so the Azure pages give no date for their prices"
                        .to_string(),
                ))
            }
        }
    }
    dates
        .into_iter()
        .min()
        .ok_or_else(|| no_date("the input gives no date for its prices".to_string()))
}

/// Whether a URL may be fetched: HTTPS, or plain HTTP to a loopback address.
fn allowed(url: &reqwest::Url) -> Result<(), String> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        "http" => Err("price overlays are fetched over https only (plain http is allowed for loopback addresses only)".to_string()),
        other => Err(format!("`{other}` URLs are not supported; use https://")),
    }
}

fn is_loopback(url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_loopback())
}

/// An error's message and its causes, with the full URL replaced by the token-free one.
fn describe(e: &dyn std::error::Error, full: &str, shown: &str) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let more = c.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        cause = c.source();
    }
    text.replace(full, shown)
}

/// Fetches an overlay over HTTPS (or HTTP on loopback), size-limited and with timeouts.
fn fetch(raw: &str) -> Result<(String, String), Failure> {
    let url = reqwest::Url::parse(raw).map_err(|e| {
        Failure::new(
            format!("the URL given to --from is not valid: {e}"),
            "pass an https:// URL or the path of a file",
        )
    })?;
    let shown = crate::redact::parsed_url(&url);
    allowed(&url).map_err(|why| {
        Failure::new(
            format!("refusing {shown}: {why}"),
            "use an https:// URL, or download the file and pass its path to --from",
        )
    })?;
    // Ring is the only crypto provider compiled in; installing it twice is harmless.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let policy = reqwest::redirect::Policy::custom(|attempt| {
        if attempt.previous().len() >= MAX_REDIRECTS {
            attempt.error(format!("more than {MAX_REDIRECTS} redirects"))
        } else if let Err(why) = allowed(attempt.url()) {
            let to = crate::redact::parsed_url(attempt.url());
            attempt.error(format!("redirected to {to}: {why}"))
        } else {
            attempt.follow()
        }
    });
    let mut builder = reqwest::blocking::Client::builder()
        .user_agent(concat!("aicost-policy/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(TIMEOUT)
        .redirect(policy);
    if url.scheme() == "http" {
        // Loopback: no proxy, and no TLS, so no system certificates are needed.
        builder = builder
            .no_proxy()
            .tls_certs_only(Vec::<reqwest::Certificate>::new());
    }
    let client = builder.build().map_err(|e| {
        Failure::new(
            format!(
                "cannot set up HTTPS to fetch {shown}: {}",
                describe(&e, url.as_str(), &shown)
            ),
            "install the system CA certificates (the ca-certificates package), or download the file and pass its path to --from",
        )
    })?;
    let mut response = client.get(url.clone()).send().map_err(|e| {
        let e = e.without_url();
        let why = if e.is_timeout() {
            format!("no answer within {} seconds", TIMEOUT.as_secs())
        } else {
            describe(&e, url.as_str(), &shown)
        };
        Failure::new(
            format!("cannot fetch {shown}: {why}"),
            "check the URL and the network, or download the file and pass its path to --from",
        )
    })?;
    let status = response.status();
    if !status.is_success() {
        return Err(Failure::new(
            format!("cannot fetch {shown}: the server answered HTTP {status}"),
            "check the URL; nothing was installed",
        ));
    }
    if response.content_length().is_some_and(|n| n > MAX_BYTES) {
        return Err(too_large(&shown));
    }
    let mut body = Vec::new();
    response
        .by_ref()
        .take(MAX_BYTES + 1)
        .read_to_end(&mut body)
        .map_err(|e| {
            Failure::new(
                format!(
                    "cannot read the answer of {shown}: {}",
                    describe(&e, url.as_str(), &shown)
                ),
                "try again, or download the file and pass its path to --from",
            )
        })?;
    let text = checked_body(body, &shown)?;
    Ok((shown, text))
}

/// Writes `bytes` to `target` through a temporary file in the same directory and a rename,
/// so a reader sees the old file or the new one, never a part. The temporary file has a
/// random name and is created exclusively (`O_EXCL`): a symbolic link planted in the checkout
/// under a name we would use is never followed, whatever it points at.
fn write_atomically(target: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    let cannot = |e: std::io::Error| {
        Failure::new(
            format!("cannot write {}: {e}", target.display()),
            "check that the directory is writable, or pass another path to --to",
        )
    };
    fs::create_dir_all(dir).map_err(cannot)?;
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "prices.csv".to_string());
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    // The overlay is committed like any file: the usual permissions (umask applies), not
    // tempfile's owner-only default.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    let mut temp = builder.tempfile_in(dir).map_err(cannot)?;
    temp.write_all(bytes).map_err(cannot)?;
    temp.as_file().sync_all().map_err(cannot)?;
    // On failure the temporary file is removed when `temp` (inside the error) is dropped.
    temp.persist(target).map_err(|e| cannot(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> reqwest::Url {
        reqwest::Url::parse(s).unwrap()
    }

    #[test]
    fn only_https_or_loopback_http() {
        assert!(allowed(&url("https://example.com/p.csv")).is_ok());
        for ok in [
            "http://127.0.0.1:8080/p.csv",
            "http://[::1]/p.csv",
            "http://localhost/p.csv",
            "http://127.1.2.3/p.csv",
        ] {
            assert!(allowed(&url(ok)).is_ok(), "{ok}");
        }
        for bad in [
            "http://example.com/p.csv",
            "http://10.0.0.1/p.csv",
            "http://localhost.example.com/p.csv",
            "ftp://127.0.0.1/p.csv",
            "file:///etc/passwd",
        ] {
            assert!(allowed(&url(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn suggestions_are_one_edit_away_or_same_family() {
        let all = PROVIDERS.to_vec();
        assert_eq!(
            suggestions("p5.48xlage", &all, None),
            vec!["p5.48xlarge", "p5.4xlarge"]
        );
        assert_eq!(
            suggestions("m5.xlarg", &all, None)
                .first()
                .map(String::as_str),
            Some("m5.xlarge")
        );
        assert!(suggestions("zzzzzzzz", &all, None).is_empty());
    }

    /// A link planted under the temporary name the old code used (`.NAME.PID.tmp`) pointed
    /// at a file outside the checkout; `File::create` followed it and overwrote that file.
    #[cfg(unix)]
    #[test]
    fn a_planted_symlink_is_never_followed() {
        use std::os::unix::fs::{symlink, PermissionsExt};
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let victim = outside.path().join("victim.txt");
        fs::write(&victim, "precious\n").unwrap();
        let target = dir.path().join("prices.csv");
        let planted = dir
            .path()
            .join(format!(".prices.csv.{}.tmp", std::process::id()));
        symlink(&victim, &planted).unwrap();

        assert!(write_atomically(&target, b"provider,region,item,usd_per_hour\n").is_ok());

        assert_eq!(fs::read_to_string(&victim).unwrap(), "precious\n");
        assert_eq!(
            fs::read_to_string(&target).unwrap(),
            "provider,region,item,usd_per_hour\n"
        );
        assert!(!fs::symlink_metadata(&target).unwrap().is_symlink());
        // The link is left alone, and no temporary file is left behind.
        assert!(fs::symlink_metadata(&planted).unwrap().is_symlink());
        let mut names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            vec![
                format!(".prices.csv.{}.tmp", std::process::id()),
                "prices.csv".to_string()
            ]
        );
        // The usual permissions of a new file, as File::create gives (umask applied).
        let usual = dir.path().join("usual");
        fs::File::create(&usual).unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&target), mode(&usual));
    }
}
