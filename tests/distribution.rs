//! The files that distribute the tool, read as GitHub and pre-commit read them: the composite
//! action (`action.yml`), the pre-commit hook (`.pre-commit-hooks.yaml`) and the workflow and
//! hook configuration that README.md tells users to copy. What the action's scripts do when
//! they run is tested in `tests/action_scripts/`.

// Test code: a failed expectation should stop the test loudly.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use regex::Regex;
use serde_json::{json, Value};

const CRATE_DIR: &str = env!("CARGO_MANIFEST_DIR");

fn read(name: &str) -> String {
    std::fs::read_to_string(Path::new(CRATE_DIR).join(name)).unwrap()
}

fn yaml(text: &str) -> Value {
    serde_saphyr::from_str::<Value>(text).unwrap()
}

fn action() -> Value {
    yaml(&read("action.yml"))
}

fn steps(action: &Value) -> &Vec<Value> {
    action["runs"]["steps"].as_array().unwrap()
}

/// The names of the action's inputs, from action.yml.
fn input_names(action: &Value) -> BTreeSet<String> {
    action["inputs"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect()
}

/// The names of the action's outputs, from action.yml.
fn output_names(action: &Value) -> BTreeSet<String> {
    action["outputs"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect()
}

// ---------------------------------------------------------------------------------------
// action.yml
// ---------------------------------------------------------------------------------------

#[test]
fn action_is_composite() {
    let action = action();
    assert_eq!(action["name"], "aicost-policy");
    assert_eq!(action["runs"]["using"], "composite");
}

#[test]
fn action_inputs_have_their_documented_defaults() {
    let action = action();
    let defaults: BTreeMap<&str, &Value> = action["inputs"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(name, input)| (name.as_str(), &input["default"]))
        .collect();
    let expected = json!({
        "path": ".",
        "config": "",
        "policy-dir": "",
        "base-ref": "${{ github.base_ref || github.event.pull_request.base.ref }}",
        "comment-behavior": "update",
        "comment-tag": "default",
        "fail-on": "new",
        "soft-fail": "false",
        "github-token": "${{ github.token }}",
        "sarif-file": "aicost-policy.sarif",
        "approvals": "",
    });
    let expected: BTreeMap<&str, &Value> = expected
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.as_str(), v))
        .collect();
    assert_eq!(defaults, expected);
    for (name, input) in action["inputs"].as_object().unwrap() {
        assert_eq!(input["required"], false, "input {name}");
        assert!(input["description"].is_string(), "input {name}");
    }
}

#[test]
fn action_outputs_come_from_the_run_step() {
    let action = action();
    let values: BTreeMap<&str, &Value> = action["outputs"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(name, output)| (name.as_str(), &output["value"]))
        .collect();
    let expected = json!({
        "monthly-cost": "${{ steps.run.outputs.monthly-cost }}",
        "cost-delta": "${{ steps.run.outputs.cost-delta }}",
        "failures": "${{ steps.run.outputs.failures }}",
        "report-file": "${{ steps.run.outputs.report-file }}",
    });
    let expected: BTreeMap<&str, &Value> = expected
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.as_str(), v))
        .collect();
    assert_eq!(values, expected);
}

/// `${{ … }}` inside a `run:` script is pasted into the script before bash reads it, so an
/// input such as `path: $(curl …)` would run. Inputs reach the scripts through `env:`.
#[test]
fn action_scripts_never_expand_expressions() {
    let action = action();
    let mut scripts = 0;
    for step in steps(&action) {
        if let Some(run) = step.get("run") {
            let run = run.as_str().unwrap();
            assert!(!run.contains("${{"), "an expression in run: {run}");
            assert_eq!(step["shell"], "bash", "step {}", step["name"]);
            scripts += 1;
        }
    }
    assert_eq!(scripts, 4);
}

/// Each script step runs a file of `.github/action/`, which must exist.
#[test]
fn action_script_steps_run_files_that_exist() {
    let action = action();
    let runs: Vec<(&str, &str)> = steps(&action)
        .iter()
        .filter_map(|step| Some((step["id"].as_str()?, step.get("run")?.as_str()?)))
        .collect();
    assert_eq!(
        runs,
        [
            (
                "key",
                "bash \"$GITHUB_ACTION_PATH/.github/action/cache-key.sh\""
            ),
            (
                "install",
                "bash \"$GITHUB_ACTION_PATH/.github/action/install.sh\""
            ),
            (
                "base",
                "bash \"$GITHUB_ACTION_PATH/.github/action/fetch-base.sh\""
            ),
            ("run", "bash \"$GITHUB_ACTION_PATH/.github/action/run.sh\""),
        ]
    );
    for script in [
        "cache-key.sh",
        "install.sh",
        "fetch-base.sh",
        "run.sh",
        "outputs.py",
    ] {
        assert!(
            Path::new(CRATE_DIR)
                .join(".github/action")
                .join(script)
                .is_file(),
            "{script}"
        );
    }
}

/// Every input is handed to a script, by name, through `env:` of a script step.
#[test]
fn action_passes_every_input_through_env() {
    let action = action();
    let input_ref = Regex::new(r"^\$\{\{ inputs\.([a-z-]+) \}\}$").unwrap();
    let mut passed = BTreeMap::new();
    for step in steps(&action) {
        for (var, value) in step["env"].as_object().into_iter().flatten() {
            if let Some(caps) = input_ref.captures(value.as_str().unwrap()) {
                passed.insert(caps[1].to_string(), var.clone());
            }
        }
    }
    let expected: BTreeMap<String, String> = [
        ("approvals", "INPUT_APPROVALS"),
        ("base-ref", "INPUT_BASE_REF"),
        ("comment-behavior", "INPUT_COMMENT_BEHAVIOR"),
        ("comment-tag", "INPUT_COMMENT_TAG"),
        ("config", "INPUT_CONFIG"),
        ("fail-on", "INPUT_FAIL_ON"),
        ("github-token", "GITHUB_TOKEN"),
        ("path", "INPUT_PATH"),
        ("policy-dir", "INPUT_POLICY_DIR"),
        ("sarif-file", "INPUT_SARIF_FILE"),
        ("soft-fail", "INPUT_SOFT_FAIL"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    assert_eq!(passed, expected);
    let names: BTreeSet<String> = passed.into_keys().collect();
    assert_eq!(names, input_names(&action));
}

/// The build is restored and saved with the same key and paths, and saved only after a
/// build (saving an existing key fails).
#[test]
fn action_caches_the_build_under_one_key() {
    let action = action();
    let uses: Vec<&Value> = steps(&action)
        .iter()
        .filter(|step| step.get("uses").is_some())
        .collect();
    assert_eq!(uses.len(), 2);
    assert_eq!(uses[0]["uses"], "actions/cache/restore@v5");
    assert_eq!(
        uses[0]["with"],
        json!({
            "path": "${{ steps.key.outputs.paths }}",
            "key": "${{ steps.key.outputs.key }}",
            "restore-keys": "${{ steps.key.outputs.restore-prefix }}",
        })
    );
    assert_eq!(uses[1]["uses"], "actions/cache/save@v5");
    assert_eq!(uses[1]["if"], "steps.install.outputs.built == 'true'");
    assert_eq!(
        uses[1]["with"],
        json!({
            "path": "${{ steps.key.outputs.paths }}",
            "key": "${{ steps.key.outputs.key }}",
        })
    );
}

// ---------------------------------------------------------------------------------------
// .pre-commit-hooks.yaml
// ---------------------------------------------------------------------------------------

fn hooks() -> Value {
    yaml(&read(".pre-commit-hooks.yaml"))
}

#[test]
fn pre_commit_hook_runs_check_on_the_staged_files() {
    let hooks = hooks();
    assert_eq!(
        hooks,
        json!([{
            "id": "aicost-policy",
            "name": "aicost-policy",
            "description": "Estimate the monthly cost of the changed Terraform modules and YAML files and check them against the cost policies",
            "entry": "aicost-policy check",
            "language": "rust",
            "files": r"\.(tf|tfvars|ya?ml|json)$",
            "exclude": r"(^|/)\.terraform/",
            "pass_filenames": true,
            "require_serial": true,
        }])
    );
}

/// Which files pre-commit hands to the hook: it searches `files` and `exclude` (Python
/// `re.search`) in the repository-relative path.
#[test]
fn pre_commit_hook_selects_terraform_and_yaml_files() {
    let hooks = hooks();
    let files = Regex::new(hooks[0]["files"].as_str().unwrap()).unwrap();
    let exclude = Regex::new(hooks[0]["exclude"].as_str().unwrap()).unwrap();
    let selected = |path: &str| files.is_match(path) && !exclude.is_match(path);
    let paths = [
        ("main.tf", true),
        ("prod.tfvars", true),
        ("x.tf.json", true),
        ("envs/prod/terraform.tfvars.json", true),
        ("k8s/deploy.yaml", true),
        ("serving/values.yml", true),
        ("README.md", false),
        ("main.tf.bak", false),
        ("scripts/deploy.sh", false),
        (".terraform/modules/x/main.tf", false),
        ("infra/.terraform/providers/lock.json", false),
        ("my.terraform/main.tf", true),
    ];
    let actual: Vec<(&str, bool)> = paths.iter().map(|(p, _)| (*p, selected(p))).collect();
    assert_eq!(actual, paths);
}

// ---------------------------------------------------------------------------------------
// README.md
// ---------------------------------------------------------------------------------------

/// The ```yaml blocks of README.md.
fn readme_yaml_blocks() -> Vec<String> {
    let readme = read("README.md");
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in readme.lines() {
        match (&mut current, line) {
            (None, "```yaml") => current = Some(String::new()),
            (Some(block), "```") => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

fn readme_workflow() -> Value {
    let block = readme_yaml_blocks()
        .into_iter()
        .find(|b| b.contains("uses: aicost-policy/aicost-policy@"))
        .expect("README.md has a workflow that uses the action");
    yaml(&block)
}

#[test]
fn readme_workflow_runs_on_pull_requests_with_the_permissions_it_needs() {
    let workflow = readme_workflow();
    assert!(workflow["on"].get("pull_request").is_some(), "{workflow}");
    assert_eq!(
        workflow["permissions"],
        json!({
            "contents": "read",
            "pull-requests": "write",
            "security-events": "write",
        })
    );
}

#[test]
fn readme_workflow_uses_inputs_and_outputs_the_action_has() {
    let action = action();
    let workflow = readme_workflow();
    let steps = workflow["jobs"]["cost"]["steps"].as_array().unwrap();
    let uses: Vec<&str> = steps.iter().filter_map(|s| s["uses"].as_str()).collect();
    assert_eq!(
        uses,
        [
            "actions/checkout@v5",
            "aicost-policy/aicost-policy@<commit-sha>",
            "github/codeql-action/upload-sarif@v4",
        ]
    );

    let step = &steps[1];
    let with: BTreeSet<String> = step["with"].as_object().unwrap().keys().cloned().collect();
    assert!(
        with.is_subset(&input_names(&action)),
        "inputs the action lacks: {:?}",
        with.difference(&input_names(&action)).collect::<Vec<_>>()
    );

    let id = step["id"].as_str().unwrap();
    let output_ref = Regex::new(&format!(r"steps\.{id}\.outputs\.([a-z-]+)")).unwrap();
    let text = serde_json::to_string(&workflow).unwrap();
    let used: BTreeSet<String> = output_ref
        .captures_iter(&text)
        .map(|c| c[1].to_string())
        .collect();
    assert_eq!(
        used,
        ["cost-delta", "failures", "monthly-cost"]
            .map(String::from)
            .into()
    );
    assert!(used.is_subset(&output_names(&action)));
}

/// The SARIF upload runs even when the job failed, reads the file the action wrote, and has
/// a category of its own so it does not replace other tools' results.
#[test]
fn readme_workflow_uploads_the_sarif_the_action_writes() {
    let workflow = readme_workflow();
    let steps = workflow["jobs"]["cost"]["steps"].as_array().unwrap();
    let sarif = steps[1]["with"]["sarif-file"].as_str().unwrap();
    let upload = &steps[2];
    assert_eq!(
        upload["if"],
        format!("always() && hashFiles('{sarif}') != ''")
    );
    assert_eq!(
        upload["with"],
        json!({"sarif_file": sarif, "category": "aicost-policy"})
    );
}

#[test]
fn readme_pre_commit_config_names_the_hook() {
    let config = readme_yaml_blocks()
        .into_iter()
        .find(|b| b.starts_with("repos:"))
        .expect("README.md has a .pre-commit-config.yaml snippet");
    let config = yaml(&config);
    let hooks = hooks();
    let hook_ids: Vec<&Value> = hooks.as_array().unwrap().iter().map(|h| &h["id"]).collect();
    assert_eq!(
        config["repos"][0]["repo"],
        "https://github.com/aicost-policy/aicost-policy"
    );
    assert_eq!(
        config["repos"][0]["hooks"],
        json!([{"id": "aicost-policy"}])
    );
    assert_eq!(hook_ids, [&json!("aicost-policy")]);
}
