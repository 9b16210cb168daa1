//! The integration tests: one binary, a module per file (`Cargo.toml` sets `autotests =
//! false`), so the crate is linked once. `common` holds the shared helpers, among them
//! `common::run`, which runs the real binary with a cleared environment. Run one file's
//! tests with `cargo test --test tests <file>::`.

mod common;

#[path = "action_scripts/main.rs"]
mod action_scripts;
mod approvals;
mod assumptions;
mod baselines;
mod catalog_prices;
mod checkstyle;
mod cli_check;
mod cli_comment;
mod cli_comment_azure;
mod cli_comment_bitbucket;
mod cli_comment_gitlab;
mod cli_cost;
mod cli_cost_report;
mod cli_diff;
mod cli_gpu_kinds;
mod cli_kubernetes;
mod cli_plan;
mod comment_azure;
mod comment_bitbucket;
mod comment_github;
mod comment_gitlab;
mod computed_facts;
mod diff_base_export;
mod distribution;
mod double_counting;
mod eks_support;
mod evaluation_budget;
mod github_reviews;
mod gitlab_codequality;
mod governance;
mod guardrails;
mod hostile_output;
mod inline_waivers;
mod input_limits;
mod input_warnings;
mod json_numbers;
mod json_schema;
mod karpenter_ceilings;
mod kubernetes_gpu_kinds;
mod kubernetes_kinds;
mod kubernetes_policies;
mod kubernetes_prices;
mod kustomize;
mod loader_robustness;
mod markdown_injection;
mod opentofu;
mod output_formats;
mod plan_reader_props;
mod policy_engine;
mod policy_tests;
mod price_coverage;
mod price_options;
mod pricing_cli;
mod pricing_import;
mod readme_examples;
mod regions;
mod registry_aks;
mod registry_eks;
mod registry_gke;
mod savings;
mod sensitive_values;
mod sustained_use;
mod terraform_functions;
mod terraform_oracle;
mod terraform_real;
mod usage_file;
mod user_mistakes;
mod waiver_dates;
mod waivers_strict;
mod yaml_loading;
