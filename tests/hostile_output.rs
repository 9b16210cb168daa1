//! Output safety on hostile input, end to end: a compact plan's snippets show no value
//! beside the label (its sensitive values and `variables` included), labels past column
//! 65,535 still give a report, control characters from the input never reach the terminal
//! or a log raw, and Kubernetes names the API server would refuse are input errors.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use crate::common;

use std::path::{Path, PathBuf};

use common::run::{aicost, Run};

const TODAY: &str = "2026-11-28";
const CRATE_DIR: &str = env!("CARGO_MANIFEST_DIR");
const FORMATS: [&str; 6] = ["text", "json", "markdown", "sarif", "junit", "github"];

fn testdata(rel: &str) -> PathBuf {
    Path::new(CRATE_DIR).join("testdata").join(rel)
}

fn check(dir: &Path, args: &[&str]) -> Run {
    let mut all = vec!["check", "--color", "never", "--today", TODAY];
    all.extend_from_slice(args);
    aicost(dir, &all, &[])
}

/// Characters a terminal or a log would obey: C0 controls but the line feed, DEL, C1.
fn raw_controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|&c| (c.is_control() && c != '\n') || matches!(c, '\u{202e}' | '\u{2066}'))
        .collect()
}

#[test]
fn a_compact_plan_shows_no_sensitive_value_and_only_the_label_of_its_one_line() {
    // `terraform show -json` writes the whole plan on one line; the recording's sensitive
    // variable `bootstrap_token` is written in clear in its `variables` block.
    let text = std::fs::read_to_string(testdata("plan/adapted/create.json")).unwrap();
    assert!(text.contains("not-a-real-token"));
    let compact: serde_json::Value = serde_json::from_str(&text).unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("plan.json"),
        serde_json::to_string(&compact).unwrap(),
    )
    .unwrap();
    for format in FORMATS {
        let run = check(dir.path(), &["--plan", "plan.json", "--format", format]);
        assert_eq!(run.code, 1, "{format}: {}", run.stderr);
        assert!(!run.stdout.contains("not-a-real-token"), "{format}");
        assert!(!run.stdout.contains("\"variables\""), "{format}");
    }
    let run = check(dir.path(), &["--plan", "plan.json"]);
    // Every snippet is the label alone, between the marks of what was left out.
    let snippets: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with(" 1 │"))
        .collect();
    assert_eq!(
        snippets,
        [
            " 1 │ …\"address\":\"module.gpu_pool[\\\"training\\\"].aws_eks_node_group.node_group\"…",
            " 1 │ …\"address\":\"aws_eks_cluster.cluster\"…",
            " 1 │ …\"address\":\"aws_eks_node_group.system_pool[\\\"core\\\"]\"…",
            " 1 │ …\"address\":\"aws_eks_node_group.system_pool[\\\"ingress\\\"]\"…",
            " 1 │ …\"address\":\"aws_instance.inference[0]\"…",
            " 1 │ …\"address\":\"aws_instance.inference[1]\"…",
            " 1 │ …\"address\":\"module.gpu_pool[\\\"batch\\\"].aws_eks_node_group.node_group\"…",
            " 1 │ …\"address\":\"module.gpu_pool[\\\"training\\\"].aws_eks_node_group.node_group\"…",
        ]
    );
    // No snippet line carries more of the one-line plan than its label. (Lines of our
    // own, such as an assumption naming a long address, are not snippets.)
    assert!(
        run.stdout
            .lines()
            .filter(|l| l.contains('│') || l.contains('·'))
            .all(|l| l.chars().count() <= 200),
        "{}",
        run.stdout
    );
}

/// A cloud-init script for `user_data`: 1,160 characters.
fn user_data() -> String {
    "#cloud-config\nruncmd:\n  - [ sh, -c, 'echo batch worker' ]\n".repeat(20)
}

/// `{"resource":{"aws_instance":{"batch00":{...},...,"trainer":{...}}}}` on one line, the
/// trainer past column 65,535.
fn minified_configuration() -> String {
    let mut instances = serde_json::Map::new();
    for i in 0..50 {
        instances.insert(
            format!("batch{i:02}"),
            serde_json::json!({"instance_type": "t3.micro", "user_data": user_data(),
                "tags": {"team": "ml-platform", "cost-center": "cc-4471", "env": "dev"}}),
        );
    }
    instances.insert(
        "trainer".to_string(),
        serde_json::json!({"instance_type": "p5.48xlarge", "tags": {"Name": "llm-trainer"}}),
    );
    let doc = serde_json::json!({
        "provider": {"aws": {"region": "us-east-1"}},
        "resource": {"aws_instance": instances},
    });
    serde_json::to_string(&doc).unwrap()
}

#[test]
fn a_label_past_column_65535_gives_a_report() {
    let dir = tempfile::tempdir().unwrap();
    let tf = dir.path().join("minified");
    std::fs::create_dir(&tf).unwrap();
    let json = minified_configuration();
    let column = json.find("{\"instance_type\":\"p5.48xlarge\"").unwrap();
    assert!(column > 65_535);
    std::fs::write(tf.join("main.tf.json"), &json).unwrap();
    let run = check(dir.path(), &["minified"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        format!(
            "AIC-TAG-001 [high]

  × aws_instance.trainer is missing required tags: team, cost-center, env
   ╭─[minified/main.tf.json:1:{}]
 1 │ …\"tags\":{{\"Name\":\"llm-trainer\"}}…
   ·  ──────────────┬──────────────
   ·                ╰── 1 × p5.48xlarge, 8 × H100 each, on-demand, $40,179.20/month
   ╰────
  help: add the tags to the resource, or set them once for every resource of a provider with
        provider \"aws\" {{ default_tags {{ tags = {{ ... }} }} }} (AWS) or provider \"google\"
        {{ default_labels = {{ ... }} }} (Google); to accept the gap, waive AIC-TAG-001 for this
        resource

  51 resources, 18 policies, 1 failed finding (1 policy), 0 unknown, $40,558.80/month (ceiling $40,558.80)
",
            json.find("\"tags\":{\"Name\"").unwrap() + 1
        )
    );

    // A line of 16,400 tabs before the block.
    let tabs = dir.path().join("tabs");
    std::fs::create_dir(&tabs).unwrap();
    std::fs::write(
        tabs.join("main.tf"),
        format!(
            "{}resource \"aws_instance\" \"trainer\" {{\n  instance_type = \"p5.48xlarge\"\n}}\n",
            "\t".repeat(16_400)
        ),
    )
    .unwrap();
    let run = check(dir.path(), &["tabs"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.starts_with(
            "AIC-TAG-001 [high]

  × aws_instance.trainer is missing required tags: team, cost-center, env
   ╭─[tabs/main.tf:1:16401]
 1 │ …resource \"aws_instance\" \"trainer\" {
   ·  ─────────────────┬─────────────────
   ·                   ╰── 1 × p5.48xlarge, 8 × H100 each, on-demand, $40,179.20/month
 2 │   instance_type = \"p5.48xlarge\"
   ╰────
"
        ),
        "{}",
        run.stdout
    );

    // A Kubernetes `List` written as one line of JSON.
    let list = dir.path().join("k8s");
    std::fs::create_dir(&list).unwrap();
    // `kubectl apply` keeps the object's previous text in an annotation: here one that
    // still listed the shards' URLs.
    let env: Vec<serde_json::Value> = (0..24)
        .map(|i| {
            serde_json::json!({"name": format!("EMBEDDER_SHARD_{i}_URL"),
            "value": format!("http://embedder-shard-{i}.inference.svc.cluster.local:8080")})
        })
        .collect();
    let items: Vec<serde_json::Value> = (0..20)
        .map(|i| {
            let mut object = serde_json::json!({"apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": format!("embedder-{i}"), "namespace": "inference",
                    "labels": {"team": "ml-platform", "cost-center": "cc-4471", "env": "prod"}},
                "spec": {"replicas": 1, "template": {"spec": {"containers": [{"name": "server",
                    "image": "ghcr.io/acme/embedder:2.1",
                    "resources": {"requests": {"cpu": "2", "memory": "8Gi"}}}]}}}});
            let mut previous = object.clone();
            previous["spec"]["template"]["spec"]["containers"][0]["env"] = env.clone().into();
            object["metadata"]["annotations"] = serde_json::json!({
                "kubectl.kubernetes.io/last-applied-configuration":
                    serde_json::to_string(&previous).unwrap()});
            object
        })
        .chain(std::iter::once(serde_json::json!({"apiVersion": "apps/v1",
            "kind": "Deployment", "metadata": {"name": "llama-70b", "namespace": "inference"},
            "spec": {"replicas": 2, "template": {"spec": {
                "nodeSelector": {"node.kubernetes.io/instance-type": "p5.48xlarge"},
                "containers": [{"name": "vllm", "image": "vllm/vllm-openai:v0.6.3",
                    "resources": {"limits": {"nvidia.com/gpu": 8}}}]}}}})))
        .collect();
    let text = serde_json::to_string(&serde_json::json!({"apiVersion": "v1", "kind": "List",
        "items": items}))
    .unwrap();
    assert!(text.find("llama-70b").unwrap() > 65_535);
    std::fs::write(list.join("serving.yaml"), text).unwrap();
    let run = check(dir.path(), &["k8s"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let snippets: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with(" 1 │"))
        .collect();
    // The finding points at the object's metadata (from its key, after the quote).
    assert_eq!(
        snippets,
        [" 1 │ …metadata\":{\"name\":\"llama-70b\",\"namespace\":\"inference\"}…"]
    );
}

#[test]
fn control_characters_from_the_input_are_escaped_in_every_report() {
    let dir = testdata("hostile/controls");
    for format in FORMATS {
        let run = check(&dir, &["--format", format]);
        assert_eq!(run.code, 2, "{format}: {}", run.stderr);
        assert_eq!(
            raw_controls(&run.stdout),
            [] as [char; 0],
            "{format}: {}",
            run.stdout
        );
        // The forged summary line after the line break in the instance type never starts a
        // line of its own.
        assert!(
            !run.stdout
                .lines()
                .any(|l| l.trim_start().starts_with("0 resources")),
            "{format}: {}",
            run.stdout
        );
    }
    let run = check(&dir, &["--format", "github"]);
    assert_eq!(
        run.stdout,
        "::error file=testdata/hostile/controls/k8s/serving.yaml,line=5,endLine=5,col=3,title=aicost-policy%3A input error::metadata.name `llama\\u{1b}[2J\\u{1b}[Hserver` is not a valid Kubernetes name: it has a character other than a lowercase letter, a digit, `-` or `.`, so this Deployment was not checked%0Aa Kubernetes name is at most 253 characters: lowercase letters, digits, `-` and `.`, starting and ending with a letter or digit (an RFC 1123 DNS subdomain)
::error file=testdata/hostile/controls/k8s/serving.yaml,line=18,endLine=18,col=3,title=aicost-policy%3A input error::metadata.name `Embedder` is not a valid Kubernetes name: it has a character other than a lowercase letter, a digit, `-` or `.`, so this Deployment was not checked%0Aa Kubernetes name is at most 253 characters: lowercase letters, digits, `-` and `.`, starting and ending with a letter or digit (an RFC 1123 DNS subdomain)
::error file=testdata/hostile/controls/k8s/serving.yaml,line=27,endLine=27,col=3,title=aicost-policy%3A input error::metadata.namespace `ml_serving` is not a valid Kubernetes name: it has a character other than a lowercase letter, a digit or `-`, so this Deployment was not checked%0Aa namespace is at most 63 characters: lowercase letters, digits and `-`, starting and ending with a letter or digit (an RFC 1123 DNS label)
::error file=testdata/hostile/controls/infra/main.tf,line=9,endLine=9,col=3,title=AIC-COST-001%3A aws_instance.trainer::aws_instance.trainer has no complete cost estimate: price unknown: p5.48xlarge\\u{1b}[2J\\u{1b}[H\\u{d}\\u{a}  0 resources, 0 policies, 0 failed, 0 unknown is not in the AWS EC2 price table (as of 2026-07-20)%0Agive the missing values (variable defaults, --var, --var-file, the usage file), add the price with [[pricing.overrides]] in the configuration, or waive AIC-COST-001 for this resource
::warning file=testdata/hostile/controls/infra/main.tf,line=9,endLine=9,col=3,title=AIC-COST-002%3A aws_instance.trainer::cannot decide AIC-COST-002 for aws_instance.trainer: monthly_cost_ceiling is unknown (depends on monthly_cost_ceiling: price unknown: p5.48xlarge\\u{1b}[2J\\u{1b}[H\\u{d}\\u{a}  0 resources, 0 policies, 0 failed, 0 unknown is not in the AWS EC2 price table (as of 2026-07-20))%0Aresolve the value (give the variable a default, or pass it with --var or --var-file) to get a definite answer; --unknown fail counts this as a failure
2 resources, 18 policies, 1 failed finding (1 policy), 1 unknown, 3 input errors, at least $58.52/month (ceiling at least $58.52)
"
    );
}

#[test]
fn a_file_name_with_control_characters_is_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let infra = dir.path().join("infra");
    std::fs::create_dir(&infra).unwrap();
    std::fs::write(
        infra.join("gpu\u{1b}[2J.tf"),
        "resource \"aws_instance\" \"trainer\" {\n  instance_type = \"p5.48xlarge\"\n}\n",
    )
    .unwrap();
    for format in ["text", "markdown", "junit", "github"] {
        let run = check(dir.path(), &["infra", "--format", format]);
        assert_eq!(run.code, 1, "{format}: {}", run.stderr);
        assert_eq!(
            raw_controls(&run.stdout),
            [] as [char; 0],
            "{format}: {}",
            run.stdout
        );
        assert!(
            run.stdout.contains("infra/gpu\\u{1b}[2J.tf"),
            "{format}: {}",
            run.stdout
        );
    }
}
