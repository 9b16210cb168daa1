//! Module source strings reduced to the module they name: a registry address
//! (`terraform-aws-modules/eks/aws`, with or without a registry host) or a git URL of the
//! module's repository (`github.com/terraform-aws-modules/terraform-aws-eks`), any version,
//! with the submodule path after `//`.

/// A module as the adapter table names it.
#[derive(Debug, PartialEq, Eq)]
pub struct ModuleId {
    /// `namespace/name/provider`.
    pub module: String,
    /// The path after `//`, without slashes around it; `""` for the module itself.
    pub submodule: String,
}

/// The module a source names, when it is a registry address or a git URL of a repository
/// named `terraform-<provider>-<name>`.
pub fn normalize(source: &str) -> Option<ModuleId> {
    let source = source.trim();
    let without_query = source.split('?').next().unwrap_or(source);
    let mut rest = without_query
        .strip_prefix("git::")
        .unwrap_or(without_query)
        .to_string();
    for scheme in ["https://", "http://", "ssh://", "git://"] {
        if let Some(r) = rest.strip_prefix(scheme) {
            rest = r.to_string();
            break;
        }
    }
    // scp-like `git@github.com:owner/repo.git`.
    if let Some(r) = rest.strip_prefix("git@") {
        rest = r.replacen(':', "/", 1);
    }
    let (path, submodule) = match rest.split_once("//") {
        Some((p, s)) => (p.to_string(), s.trim_matches('/').to_string()),
        None => (rest, String::new()),
    };
    let path = path.trim_end_matches('/');
    let path = path.strip_suffix(".git").unwrap_or(path);
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let module = match parts.as_slice() {
        [host, owner, repo] if host.contains('.') => from_repository(owner, repo)?,
        [host, namespace, name, provider] if host.contains('.') => {
            format!("{namespace}/{name}/{provider}")
        }
        [namespace, name, provider] => format!("{namespace}/{name}/{provider}"),
        _ => return None,
    };
    Some(ModuleId { module, submodule })
}

/// `terraform-aws-eks` in `owner`'s account → `owner/eks/aws`.
fn from_repository(owner: &str, repo: &str) -> Option<String> {
    let rest = repo.strip_prefix("terraform-")?;
    let (provider, name) = rest.split_once('-')?;
    Some(format!("{owner}/{name}/{provider}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(source: &str) -> Option<(String, String)> {
        normalize(source).map(|m| (m.module, m.submodule))
    }

    fn some(module: &str, submodule: &str) -> Option<(String, String)> {
        Some((module.to_string(), submodule.to_string()))
    }

    #[test]
    fn registry_addresses_with_and_without_a_host() {
        assert_eq!(
            id("terraform-aws-modules/eks/aws"),
            some("terraform-aws-modules/eks/aws", "")
        );
        assert_eq!(
            id("registry.terraform.io/terraform-aws-modules/eks/aws"),
            some("terraform-aws-modules/eks/aws", "")
        );
        assert_eq!(
            id("terraform-aws-modules/eks/aws//modules/karpenter"),
            some("terraform-aws-modules/eks/aws", "modules/karpenter")
        );
        assert_eq!(
            id("terraform-google-modules/kubernetes-engine/google//modules/beta-private-cluster/"),
            some(
                "terraform-google-modules/kubernetes-engine/google",
                "modules/beta-private-cluster"
            )
        );
    }

    #[test]
    fn git_urls_of_the_module_repository() {
        let eks = some("terraform-aws-modules/eks/aws", "");
        assert_eq!(
            id("git::https://github.com/terraform-aws-modules/terraform-aws-eks.git?ref=v20.8.4"),
            eks
        );
        assert_eq!(
            id("github.com/terraform-aws-modules/terraform-aws-eks"),
            eks
        );
        assert_eq!(
            id("git@github.com:terraform-aws-modules/terraform-aws-eks.git"),
            eks
        );
        assert_eq!(
            id("git::ssh://git@github.com/terraform-aws-modules/terraform-aws-eks.git//modules/karpenter?ref=v20.0.0"),
            some("terraform-aws-modules/eks/aws", "modules/karpenter")
        );
        assert_eq!(
            id("github.com/terraform-google-modules/terraform-google-kubernetes-engine//modules/private-cluster"),
            some(
                "terraform-google-modules/kubernetes-engine/google",
                "modules/private-cluster"
            )
        );
        assert_eq!(
            id("github.com/Azure/terraform-azurerm-aks"),
            some("Azure/aks/azurerm", "")
        );
    }

    #[test]
    fn other_sources_name_no_module() {
        assert_eq!(id("./modules/gpu"), None);
        assert_eq!(id("s3::https://bucket.s3.amazonaws.com/module.zip"), None);
        assert_eq!(id("github.com/acme/infra-modules"), None);
        assert_eq!(id(""), None);
    }
}
