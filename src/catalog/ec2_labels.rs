//! EC2 instance types described by the node labels Karpenter gives them
//! (`karpenter.k8s.aws/instance-family`, `-size`, `-category`, `-generation`, `-cpu`,
//! `-memory`, `-gpu-*`, `-accelerator-*`, `kubernetes.io/arch`), derived from the type's
//! name, the size table and the accelerator table, so that a NodePool's requirements can be
//! matched against every type the catalog prices.
//!
//! The name rules follow Karpenter's AWS provider: the category is the leading letters, the
//! generation the digits after them (an `-Ntb` memory infix is skipped: `u-6tb1`), the
//! family what comes before the dot and the size what comes after it. GPU names are the
//! accelerator table's model in lower case (`H100` → `h100`), as Karpenter lower-cases the
//! names EC2 reports. Labels the catalog cannot know for a type (its vCPUs when the size
//! table does not list it) are [`Label::Unknown`]; keys it does not model at all (zones,
//! network bandwidth, local NVMe) are `None` from [`ec2_label`].

use super::{machine_accelerators, machine_size, MachineAccelerators};

/// What the catalog knows of one node label on one instance type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Label {
    /// The value Karpenter sets.
    Value(String),
    /// Karpenter does not set the label on this type (`instance-gpu-name` on an `m7i`).
    Absent,
    /// The type may carry the label, but the catalog does not know its value.
    Unknown,
}

/// Node labels [`ec2_label`] can answer for.
pub const MODELLED_LABELS: &[&str] = &[
    "node.kubernetes.io/instance-type",
    "beta.kubernetes.io/instance-type",
    "karpenter.k8s.aws/instance-family",
    "karpenter.k8s.aws/instance-size",
    "karpenter.k8s.aws/instance-category",
    "karpenter.k8s.aws/instance-generation",
    "karpenter.k8s.aws/instance-cpu",
    "karpenter.k8s.aws/instance-memory",
    "karpenter.k8s.aws/instance-gpu-count",
    "karpenter.k8s.aws/instance-gpu-name",
    "karpenter.k8s.aws/instance-gpu-manufacturer",
    "karpenter.k8s.aws/instance-accelerator-count",
    "karpenter.k8s.aws/instance-accelerator-name",
    "karpenter.k8s.aws/instance-accelerator-manufacturer",
    "kubernetes.io/arch",
    "kubernetes.io/os",
];

/// Instance categories whose types carry accelerators (GPUs, Neuron, Gaudi, FPGAs, video
/// transcoders): a type of these the accelerator table does not list may still have some.
const ACCELERATED_CATEGORIES: &[&str] = &["p", "g", "gr", "inf", "trn", "dl", "f", "vt"];

/// The value of node label `key` on EC2 `instance_type`; `None` when the catalog does not
/// model `key` at all.
pub fn ec2_label(instance_type: &str, key: &str) -> Option<Label> {
    let t = instance_type.trim();
    let (family, size) = t.split_once('.').unwrap_or((t, ""));
    let scheme = name_scheme(t);
    let value = |v: String| Some(Label::Value(v));
    let opt = |v: Option<String>| Some(v.map_or(Label::Absent, Label::Value));
    match key {
        "node.kubernetes.io/instance-type" | "beta.kubernetes.io/instance-type" => {
            value(t.to_string())
        }
        "karpenter.k8s.aws/instance-family" => value(family.to_string()),
        "karpenter.k8s.aws/instance-size" => opt((!size.is_empty()).then(|| size.to_string())),
        "karpenter.k8s.aws/instance-category" => opt(scheme.map(|(c, _)| c.to_string())),
        "karpenter.k8s.aws/instance-generation" => opt(scheme.map(|(_, g)| g.to_string())),
        "karpenter.k8s.aws/instance-cpu" => Some(match machine_size("aws", t) {
            Some(s) => Label::Value(s.vcpus.normalize().to_string()),
            None => Label::Unknown,
        }),
        // MiB, as Karpenter writes it.
        "karpenter.k8s.aws/instance-memory" => Some(
            match machine_size("aws", t)
                .and_then(|s| s.memory_gib.checked_mul(rust_decimal::Decimal::from(1024)))
            {
                Some(mib) => Label::Value(mib.normalize().to_string()),
                None => Label::Unknown,
            },
        ),
        "karpenter.k8s.aws/instance-gpu-count"
        | "karpenter.k8s.aws/instance-gpu-name"
        | "karpenter.k8s.aws/instance-gpu-manufacturer" => Some(accelerator_label(t, key, false)),
        "karpenter.k8s.aws/instance-accelerator-count"
        | "karpenter.k8s.aws/instance-accelerator-name"
        | "karpenter.k8s.aws/instance-accelerator-manufacturer" => {
            Some(accelerator_label(t, key, true))
        }
        "kubernetes.io/arch" => value(arch(family).to_string()),
        // Prices in the catalog are for Linux.
        "kubernetes.io/os" => value("linux".to_string()),
        _ => None,
    }
}

/// Whether the type's family carries accelerators, as far as the catalog can tell.
pub fn ec2_accelerated(instance_type: &str) -> bool {
    machine_accelerators("aws", instance_type).is_some()
        || name_scheme(instance_type.trim())
            .is_some_and(|(category, _)| ACCELERATED_CATEGORIES.contains(&category))
}

/// The maker of an accelerator model, as Karpenter labels it (`nvidia`, `aws`).
pub fn accelerator_manufacturer(model: &str) -> &'static str {
    if is_neuron(model) {
        "aws"
    } else if model.starts_with("MI") || model.starts_with("Radeon") {
        "amd"
    } else if model.starts_with("Gaudi") {
        "habana"
    } else {
        "nvidia"
    }
}

/// AWS Trainium and Inferentia are Neuron devices: Karpenter labels them as accelerators,
/// not GPUs.
fn is_neuron(model: &str) -> bool {
    model.starts_with("Trainium") || model.starts_with("Inferentia")
}

fn accelerator_label(instance_type: &str, key: &str, neuron_key: bool) -> Label {
    let Some(a) = machine_accelerators("aws", instance_type) else {
        return if ec2_accelerated(instance_type) {
            Label::Unknown
        } else {
            Label::Absent
        };
    };
    if is_neuron(&a.model) != neuron_key {
        return Label::Absent;
    }
    Label::Value(accelerator_value(a, key))
}

fn accelerator_value(a: &MachineAccelerators, key: &str) -> String {
    if key.ends_with("-count") {
        a.count.to_string()
    } else if key.ends_with("-manufacturer") {
        accelerator_manufacturer(&a.model).to_string()
    } else {
        a.model.to_ascii_lowercase()
    }
}

/// Category and generation: `p5.48xlarge` → (`p`, `5`), `u-6tb1.metal` → (`u`, `1`),
/// `trn1n.32xlarge` → (`trn`, `1`); `None` when the name does not follow the scheme.
fn name_scheme(instance_type: &str) -> Option<(&str, &str)> {
    let (prefix, _) = instance_type.split_once('.')?;
    let letters = prefix
        .find(|c: char| !c.is_ascii_lowercase())
        .unwrap_or(prefix.len());
    let (category, mut rest) = prefix.split_at(letters);
    if category.is_empty() {
        return None;
    }
    // An `-Ntb` infix (high-memory types) comes before the generation.
    if let Some(after) = rest.strip_prefix('-') {
        let digits = after
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(after.len());
        if digits > 0 && after.get(digits..)?.starts_with("tb") {
            rest = after.get(digits + 2..)?;
        }
    }
    let digits = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let generation = rest.get(..digits)?;
    (!generation.is_empty()).then_some((category, generation))
}

/// `arm64` for Graviton families (a `g` among the attribute letters after the generation:
/// `m7g`, `c7gn`, `g5g`, `im4gn`; and `a1`), else `amd64`.
fn arch(family: &str) -> &'static str {
    if family == "a1" {
        return "arm64";
    }
    let base = family.split('-').next().unwrap_or(family);
    let letters = base
        .find(|c: char| !c.is_ascii_lowercase())
        .unwrap_or(base.len());
    let after_category = base.get(letters..).unwrap_or("");
    let digits = after_category
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(after_category.len());
    let attributes = after_category.get(digits..).unwrap_or("");
    if attributes.contains('g') {
        "arm64"
    } else {
        "amd64"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Option<Label> {
        Some(Label::Value(s.to_string()))
    }

    #[test]
    fn names_give_family_size_category_and_generation() {
        let l = |t: &str, k: &str| ec2_label(t, &format!("karpenter.k8s.aws/instance-{k}"));
        assert_eq!(l("p5.48xlarge", "family"), v("p5"));
        assert_eq!(l("p5.48xlarge", "size"), v("48xlarge"));
        assert_eq!(l("p5.48xlarge", "category"), v("p"));
        assert_eq!(l("p5.48xlarge", "generation"), v("5"));
        assert_eq!(l("p6-b200.48xlarge", "family"), v("p6-b200"));
        assert_eq!(l("p6-b200.48xlarge", "generation"), v("6"));
        assert_eq!(l("trn1n.32xlarge", "category"), v("trn"));
        assert_eq!(l("u-6tb1.metal", "category"), v("u"));
        assert_eq!(l("u-6tb1.metal", "generation"), v("1"));
        assert_eq!(l("c7i-flex.large", "generation"), v("7"));
    }

    #[test]
    fn sizes_and_accelerators_come_from_the_tables() {
        let l = |t: &str, k: &str| ec2_label(t, &format!("karpenter.k8s.aws/instance-{k}"));
        assert_eq!(l("g6e.12xlarge", "cpu"), v("48"));
        assert_eq!(l("g6e.12xlarge", "memory"), v("393216"));
        assert_eq!(l("g6e.12xlarge", "gpu-count"), v("4"));
        assert_eq!(l("g6e.12xlarge", "gpu-name"), v("l40s"));
        assert_eq!(l("g6e.12xlarge", "gpu-manufacturer"), v("nvidia"));
        assert_eq!(l("g6e.12xlarge", "accelerator-name"), Some(Label::Absent));
        assert_eq!(l("trn1.32xlarge", "gpu-count"), Some(Label::Absent));
        assert_eq!(l("trn1.32xlarge", "accelerator-name"), v("trainium"));
        assert_eq!(l("trn1.32xlarge", "accelerator-manufacturer"), v("aws"));
        assert_eq!(l("m7i.large", "gpu-name"), Some(Label::Absent));
        // g4ad carries AMD GPUs the accelerator table does not list.
        assert_eq!(l("g4ad.xlarge", "gpu-count"), Some(Label::Unknown));
        // x2idn is not in the size table.
        assert_eq!(l("x2idn.32xlarge", "cpu"), Some(Label::Unknown));
        assert_eq!(
            ec2_label("p5.48xlarge", "topology.kubernetes.io/zone"),
            None
        );
    }

    #[test]
    fn graviton_families_are_arm64() {
        let arch = |t: &str| ec2_label(t, "kubernetes.io/arch");
        assert_eq!(arch("m7g.large"), v("arm64"));
        assert_eq!(arch("c7gn.xlarge"), v("arm64"));
        assert_eq!(arch("g5g.xlarge"), v("arm64"));
        assert_eq!(arch("a1.large"), v("arm64"));
        assert_eq!(arch("g6e.xlarge"), v("amd64"));
        assert_eq!(arch("m7i.large"), v("amd64"));
        assert_eq!(arch("p6-b200.48xlarge"), v("amd64"));
    }
}
