//! Hostile input (issue 12): inputs from the repository under review cannot crash the
//! process, hang it, or make it slower than linear. Policies nested too deep are refused at
//! their line; FIFOs and other special files are skipped (in the scanned tree) or refused
//! (named explicitly); the configuration has a size limit; lines stay exact in very large
//! streams and plans, and a snippet never prints a whole minified file.
//!
//! Inputs too large to commit are built from the templates in testdata/limits.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use crate::common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;

const TODAY: &str = "2026-11-28";
const CRATE_DIR: &str = env!("CARGO_MANIFEST_DIR");

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// `aicost-policy ARGS` in `dir`. A run that hangs (a FIFO opened for reading waits for a
/// writer) is stopped after two minutes, so a regression fails instead of blocking the
/// suite; nothing here measures time.
fn aicost(dir: &Path, args: &[&str]) -> Run {
    let mut cmd = common::run::command();
    cmd.current_dir(dir)
        .args(args)
        .env_remove("NO_COLOR")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("GITHUB_TOKEN")
        .timeout(Duration::from_secs(120));
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn template(name: &str) -> String {
    std::fs::read_to_string(Path::new(CRATE_DIR).join("testdata/limits").join(name)).unwrap()
}

fn write(dir: &Path, rel: &str, text: &str) -> PathBuf {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

const POLICY_HEAD: &str = "// Generated: a condition no person writes, as a pull request could.\n@id(\"ACME-DEEP-001\")\n@severity(\"high\")\n@message(\"{address} is deep\")\n@help(\"none\")\nforbid (principal, action == Action::\"check\", resource)\nwhen {\n  ";

#[test]
fn policies_nested_too_deep_are_refused_at_their_line_and_every_file_is_still_checked() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let parens = format!("{}true{}", "(".repeat(1000), ")".repeat(1000));
    write(
        root,
        "policies/a_parens.cedar",
        &format!("{POLICY_HEAD}{parens}\n}};\n"),
    );
    let lists = format!("{}{} == []", "[".repeat(3000), "]".repeat(3000));
    write(
        root,
        "policies/b_lists.cedar",
        &format!("{POLICY_HEAD}{lists}\n}};\n"),
    );
    let chain = vec!["resource has instance_type"; 200_000].join(" &&\n  ");
    write(
        root,
        "policies/c_chain.cedar",
        &format!("{POLICY_HEAD}{chain}\n}};\n"),
    );
    // An ordinary mistake in another file is reported in the same run.
    write(
        root,
        "policies/d_permit.cedar",
        "@id(\"ACME-OK-001\")\n@severity(\"low\")\n@message(\"m\")\n@help(\"h\")\npermit (principal, action, resource);\n",
    );
    write(
        root,
        "infra/main.tf",
        "resource \"aws_s3_bucket\" \"logs\" {\n  bucket = \"logs\"\n}\n",
    );

    let run = aicost(
        root,
        &[
            "check",
            "infra",
            "--policy-dir",
            "policies",
            "--today",
            TODAY,
        ],
    );
    // The set is refused, as for any invalid policy: a gate must not pass because a rule
    // was dropped. Each file is reported at the token that passes a limit; a line too
    // long to show (the lists) is cut around it.
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    let help = "  help: split the condition into smaller policies, or name repeated values in the configuration;\n        at most 32 nested brackets and 1000 chained operators are read\n";
    let nested =
        "aicost::policy::too-deep\n\n  × brackets are nested more than 32 deep in this policy\n";
    let here =
        "   ·                                  ┬\n   ·                                  ╰── here\n";
    // The 1000th operator: `has` and `&&` are two per line from line 8, and `when {` is
    // one level.
    let expected = format!(
        "{nested}   ╭─[policies/a_parens.cedar:8:34]\n 7 │ when {{\n 8 │   {parens}\n{here} 9 │ }};\n   ╰────\n{help}\
         {nested}   ╭─[policies/b_lists.cedar:8:34]\n 8 │   {}\n{here}   ╰────\n{help}\
         aicost::policy::too-deep\n\n  × this policy's expression is more than 1000 operators deep (operators chained one after\n  │ another, and the brackets around them)\n     ╭─[policies/c_chain.cedar:507:30]\n 506 │   resource has instance_type &&\n 507 │   resource has instance_type &&\n     ·                              ─┬\n     ·                               ╰── here\n 508 │   resource has instance_type &&\n     ╰────\n{help}\
         aicost::policy::permit\n\n  × `permit` policies have no effect\n   ╭─[policies/d_permit.cedar:5:1]\n 4 │ @help(\"h\")\n 5 │ permit (principal, action, resource);\n   · ───┬──\n   ·    ╰── permit\n   ╰────\n  help: every rule is a `forbid` whose condition describes a violation; rewrite it as `forbid\n        (...) when {{ <violation> }}`\n",
        "[".repeat(192)
    );
    assert_eq!(run.stderr, expected);
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

/// A repository with one tagged bucket and one Deployment, for the FIFO tests.
fn small_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    write(
        dir.path(),
        "infra/main.tf",
        "resource \"aws_instance\" \"worker\" {\n  ami           = \"ami-0c7217cdde317cfec\"\n  instance_type = \"g5.xlarge\"\n  tags = {\n    team          = \"ml-platform\"\n    \"cost-center\" = \"cc-4471\"\n  }\n}\n",
    );
    write(
        dir.path(),
        "k8s/tgi.yaml",
        &template("inference-deployment.yaml"),
    );
    dir
}

#[cfg(unix)]
#[test]
fn special_files_in_the_scanned_tree_are_skipped_with_a_note() {
    let repo = small_repo();
    let root = repo.path();
    mkfifo(&root.join("k8s/stream.yaml"));
    mkfifo(&root.join("infra/pipe.tf"));
    let run = aicost(root, &["cost", ".", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let addresses: Vec<&str> = report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["address"].as_str().unwrap())
        .collect();
    assert_eq!(
        addresses,
        ["aws_instance.worker", "Deployment/inference/tgi-tenant"]
    );
    let run = aicost(root, &["check", ".", "-v", "--today", TODAY]);
    assert!(
        run.stdout.contains(
            "note: `infra/pipe.tf` is a FIFO (named pipe), not a regular file, and was skipped\n"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "note: `k8s/stream.yaml` is a FIFO (named pipe), not a regular file, and was skipped\n"
        ),
        "{}",
        run.stdout
    );
}

#[cfg(unix)]
#[test]
fn a_special_file_named_explicitly_is_an_error() {
    let repo = small_repo();
    let root = repo.path();
    mkfifo(&root.join("pipe.toml"));
    mkfifo(&root.join("usage.yml"));
    mkfifo(&root.join("prices.csv"));
    mkfifo(&root.join("plan.json"));
    mkfifo(&root.join("dev.tfvars"));
    mkfifo(&root.join("stream.yaml"));
    mkfifo(&root.join("report.json"));

    let run = aicost(root, &["check", "infra", "--config", "pipe.toml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("cannot read `pipe.toml`: it is a FIFO (named pipe), not a regular file"),
        "{}",
        run.stderr
    );

    let run = aicost(
        root,
        &[
            "cost",
            "infra",
            "--usage-file",
            "usage.yml",
            "--format",
            "json",
        ],
    );
    assert_eq!(run.code, 2);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["errors"][0]["file"], "usage.yml");
    assert_eq!(
        report["errors"][0]["message"],
        "cannot read the file: it is a FIFO (named pipe), not a regular file"
    );

    let run = aicost(
        root,
        &[
            "cost",
            "infra",
            "--var-file",
            "dev.tfvars",
            "--format",
            "json",
        ],
    );
    // A variable file named on the command line stops the run before any report.
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.contains(
            "--var-file dev.tfvars: cannot read the file: it is a FIFO (named pipe), not a regular file"
        ),
        "{}",
        run.stderr
    );

    let run = aicost(root, &["cost", "--plan", "plan.json", "--format", "json"]);
    assert_eq!(run.code, 2);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        report["errors"][0]["message"],
        "cannot read the file: it is a FIFO (named pipe), not a regular file"
    );

    let run = aicost(root, &["cost", "stream.yaml", "--format", "json"]);
    assert_eq!(run.code, 2);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        report["errors"][0]["message"],
        "cannot read `stream.yaml`: it is a FIFO (named pipe), not a regular file or a directory"
    );

    let run = aicost(root, &["pricing", "update", "--from", "prices.csv"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("prices.csv is a FIFO (named pipe), not a regular file"),
        "{}",
        run.stderr
    );

    let run = aicost(
        root,
        &["comment", "github", "--report", "report.json", "--dry-run"],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("error: cannot use the report report.json: cannot read the file: it is a FIFO (named pipe), not a regular file"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_configuration_has_the_default_size_limit() {
    let repo = small_repo();
    let root = repo.path();
    // Valid TOML, one byte over 10 MiB.
    let mut text = String::from("required_tags = [\"team\"]\n");
    let pad = 10 * 1024 * 1024 + 1 - text.len();
    text.push_str(&"#".repeat(pad - 1));
    text.push('\n');
    write(root, "aicost-policy.toml", &text);
    let run = aicost(root, &["check", "infra", "--today", TODAY]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    let config = root.join("aicost-policy.toml");
    // miette wraps the message at a width the temporary path's length decides.
    let message = run.stderr.replace("\n  │ ", " ");
    assert!(
        message.contains(&format!(
            "× `{}` is over the 10485760-byte limit for the configuration and was not read\n  help: check that the file is aicost-policy.toml; a configuration is a few kilobytes\n",
            config.canonicalize().unwrap().display()
        )),
        "{}",
        run.stderr
    );
    // One byte less is read.
    text.truncate(text.len() - 2);
    text.push('\n');
    write(root, "aicost-policy.toml", &text);
    let run = aicost(root, &["check", "infra", "--today", TODAY]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// `count` copies of the Deployment template in one stream, the `i`th named
/// `tgi-tenant-{i}`; `edit` may change the text of one.
fn stream(count: usize, edit: impl Fn(usize, String) -> String) -> String {
    let one = template("inference-deployment.yaml");
    (0..count)
        .map(|i| edit(i, one.replace("tgi-tenant", &format!("tgi-tenant-{i}"))))
        .collect()
}

#[test]
fn lines_stay_exact_in_a_long_yaml_stream() {
    // Each document is 32 lines; its object starts on its third (after `---` and a
    // comment). Document 2,990 repeats a key, which costs that document only.
    let text = stream(3_000, |i, doc| match i {
        2_990 => doc.replace("  replicas: 2\n", "  replicas: 2\n  replicas: 3\n"),
        _ => doc,
    });
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "tenants.yaml", &text);
    let run = aicost(dir.path(), &["cost", "tenants.yaml", "--format", "json"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let resources = report["resources"].as_array().unwrap();
    assert_eq!(resources.len(), 2_999);
    let place = |name: &str| {
        let r = resources
            .iter()
            .find(|r| r["address"] == format!("Deployment/inference/{name}"))
            .unwrap();
        (
            r["file"].clone(),
            r["line"].as_u64().unwrap(),
            r["end_line"].as_u64().unwrap(),
        )
    };
    assert_eq!(place("tgi-tenant-0"), ("tenants.yaml".into(), 3, 32));
    assert_eq!(
        place("tgi-tenant-1500"),
        ("tenants.yaml".into(), 48_003, 48_032)
    );
    // After the broken document, one line longer than the others.
    assert_eq!(
        place("tgi-tenant-2999"),
        ("tenants.yaml".into(), 95_972, 96_001)
    );
    // `replicas` is the 12th line of a document; document 2,990 starts on line 95,681.
    let error = &report["errors"][0];
    assert_eq!(
        (error["file"].as_str(), error["line"].as_u64(), error["message"].as_str()),
        (
            Some("tenants.yaml"),
            Some(95_693),
            Some("duplicate key `replicas` (first on line 95692); kubectl rejects duplicate keys, keep one")
        )
    );
}

#[test]
fn an_empty_mapping_key_does_not_hang_the_run() {
    // Found by the `yaml` fuzz target: locating the key of `"": …` searched for the empty
    // string and never moved, so one label hung the run. The document is read as without it.
    let plain = template("inference-deployment.yaml");
    let odd = plain.replace(
        "    team: ml-platform\n",
        "    team: ml-platform\n    \"\": odd\n",
    );
    assert_ne!(plain, odd);
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "plain/tgi.yaml", &plain);
    write(dir.path(), "odd/tgi.yaml", &odd);
    let cost = |path: &str| {
        let run = aicost(dir.path(), &["cost", path, "--format", "json"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let report: Value = serde_json::from_str(&run.stdout).unwrap();
        let r = &report["resources"][0];
        (
            r["address"].clone(),
            r["line"].clone(),
            r["monthly_cost"]["baseline"].clone(),
        )
    };
    let odd_cost = cost("odd/tgi.yaml");
    assert_eq!(odd_cost.0, "Deployment/inference/tgi-tenant");
    assert_eq!(odd_cost, cost("plain/tgi.yaml"));
}

/// Plan JSON with `count` resource changes from the template, the `i`th addressed
/// `aws_instance.worker_{i}`: the template's 20 lines one after the other, or on one line
/// as `terraform show -json` writes it.
fn plan(count: usize, pretty: bool) -> String {
    let entry = template("plan-change.json");
    let entries: Vec<String> = (0..count)
        .map(|i| {
            entry
                .trim_end()
                .replace("aws_instance.worker", &format!("aws_instance.worker_{i}"))
                .replace("\"name\": \"worker\"", &format!("\"name\": \"worker_{i}\""))
        })
        .collect();
    let text = format!(
        "{{\n\"format_version\": \"1.2\",\n\"terraform_version\": \"1.9.8\",\n\"resource_changes\": [\n{}\n]}}\n",
        entries.join(",\n")
    );
    if pretty {
        return text;
    }
    let value: Value = serde_json::from_str(&text).unwrap();
    serde_json::to_string(&value).unwrap()
}

#[test]
fn lines_stay_exact_in_a_plan_with_many_resources() {
    // Without the .tf files, each resource is located at its `"address"` in the plan:
    // entries are 20 lines, after 4 lines of header; the address is an entry's second.
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "plan.json", &plan(5_000, true));
    let run = aicost(
        dir.path(),
        &["cost", "--plan", "plan.json", "--format", "json"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let resources = report["resources"].as_array().unwrap();
    assert_eq!(resources.len(), 5_000);
    for i in [0_u64, 1, 2_500, 4_999] {
        let r = resources
            .iter()
            .find(|r| r["address"] == format!("aws_instance.worker_{i}"))
            .unwrap();
        assert_eq!(r["file"], "plan.json");
        assert_eq!(r["line"], 6 + 20 * i, "{i}");
    }
}

#[test]
fn a_snippet_in_a_one_line_plan_shows_the_entry_not_the_whole_file() {
    // Every resource lacks the `env` tag the default configuration requires, so each has
    // a finding pointing into the one line of the plan.
    let dir = tempfile::tempdir().unwrap();
    let text = plan(300, false);
    write(dir.path(), "plan.json", &text);
    let run = aicost(
        dir.path(),
        &["check", "--plan", "plan.json", "--today", TODAY],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.stdout.matches("AIC-TAG-001 [high]\n").count(), 300);
    let at = text.find("\"address\":\"aws_instance.worker_7\"").unwrap();
    let (block_start, _) = run
        .stdout
        .match_indices(&format!("[plan.json:1:{}]\n", at + 1))
        .next()
        .unwrap();
    let block = &run.stdout[block_start..];
    let shown = block.lines().nth(1).unwrap();
    // A line that long shows only what is underlined, the entry's `"address":"..."`: what
    // stands beside it (other resources' values) is never printed.
    assert_eq!(shown, format!(" 1 │ …{}…", &text[at..at + 33]));
    // Every snippet is about that size; the line itself is 150 kB.
    assert!(text.len() > 150_000, "{}", text.len());
    assert!(run.stdout.len() < 300 * 2_000, "{}", run.stdout.len());
}
