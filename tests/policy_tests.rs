//! `aicost-policy test`: the built-in policies' cases (policies/tests/) all pass and cover
//! every policy; a directory with a wrong expectation, one with a malformed case file, the
//! configuration's policy directories, and JUnit output, each with its exact output and
//! exit code.

use std::path::PathBuf;

use crate::common;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn dir() -> PathBuf {
    root().join("testdata/policy_tests")
}

#[test]
fn every_builtin_policy_has_cases_that_pass_and_make_it_fire() {
    let run = common::run::aicost(
        &root(),
        &[
            "test",
            "policies",
            "--today",
            "2026-01-15",
            "--require-coverage",
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stderr, "");
    let not_met: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("FAIL ") || l.starts_with("ERROR"))
        .collect();
    assert_eq!(not_met, Vec::<&str>::new());
    let mut tested: Vec<&str> = run
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("PASS  ")?.split_whitespace().next())
        .collect();
    tested.dedup();
    // The 18 policies of the pack that give findings; the two approval policies decide
    // who may approve and are listed apart.
    assert_eq!(
        tested,
        [
            "AIC-BUDGET-001",
            "AIC-BUDGET-002",
            "AIC-CHANGE-001",
            "AIC-CHANGE-002",
            "AIC-CHANGE-003",
            "AIC-COST-001",
            "AIC-COST-002",
            "AIC-GOV-001",
            "AIC-GPU-001",
            "AIC-GPU-002",
            "AIC-GPU-003",
            "AIC-K8S-001",
            "AIC-K8S-002",
            "AIC-K8S-003",
            "AIC-K8S-004",
            "AIC-K8S-005",
            "AIC-K8S-006",
            "AIC-TAG-001",
        ]
    );
    let tail: Vec<&str> = run.stdout.lines().rev().take(2).collect();
    assert_eq!(
        tail,
        [
            "  not tested by cases: approval policies AIC-APPROVE-001, AIC-APPROVE-002 (they decide who may approve a change and give no findings)",
            "coverage: 18 policies, each with a case in which it fires",
        ]
    );
}

/// Each built-in policy file (but the approval policies) has its case file of the same name.
#[test]
fn every_builtin_policy_file_has_a_case_file_beside_it() {
    let policies = root().join("policies");
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(&policies).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        if path.extension().is_some_and(|e| e == "cedar")
            && stem != "approvals"
            && !policies
                .join("tests")
                .join(format!("{stem}.yaml"))
                .is_file()
        {
            missing.push(stem);
        }
    }
    assert_eq!(missing, Vec::<String>::new());
}

#[test]
fn a_wrong_expectation_fails_with_expected_and_actual_and_coverage_gaps_are_listed() {
    let run = common::run::aicost(&dir(), &["test", "failing", "--today", "2026-01-15"], &[]);
    assert_eq!(
        run.stdout,
        "\
PASS  ORG-GPU-001  a GPU machine with an owner passes (failing/tests/gpu_owner.yaml:13)
FAIL  ORG-GPU-001  a GPU machine without an owner (expectation wrong on purpose) (failing/tests/gpu_owner.yaml:24)
      expected: pass
      actual:   fail: aws_instance.trainer runs accelerators without an owner tag
PASS  ORG-TAG-001  a GPU machine with an owner passes (failing/tests/gpu_owner.yaml:14)
PASS  ORG-TAG-001  a GPU machine without an owner (expectation wrong on purpose) (failing/tests/gpu_owner.yaml:25)

4 expectations in 2 cases: 3 passed, 1 failed, 0 errors
coverage: 3 policies
  no case: ORG-TAG-002 (failing/cost_center.cedar:2)
  never fires (passes in every case): ORG-TAG-001 (failing/team_tag.cedar:2)
"
    );
    assert_eq!((run.code, run.stderr.as_str()), (1, ""));
}

#[test]
fn coverage_gaps_alone_fail_only_with_require_coverage() {
    // A copy of the directory with only the first (right) case, and without ORG-TAG-002:
    // every expectation is met, and both policies pass in every case.
    let temp = tempfile::tempdir().unwrap();
    let copy = temp.path().join("org");
    std::fs::create_dir_all(copy.join("tests")).unwrap();
    for name in ["gpu_owner.cedar", "team_tag.cedar"] {
        std::fs::copy(dir().join("failing").join(name), copy.join(name)).unwrap();
    }
    let cases = std::fs::read_to_string(dir().join("failing/tests/gpu_owner.yaml")).unwrap();
    let (first, _) = cases.split_once("  - name: a GPU machine without").unwrap();
    std::fs::write(copy.join("tests/gpu_owner.yaml"), first).unwrap();
    let plain = common::run::aicost(temp.path(), &["test", "org"], &[]);
    assert_eq!(plain.code, 0, "{}", plain.stdout);
    let strict = common::run::aicost(temp.path(), &["test", "org", "--require-coverage"], &[]);
    assert_eq!(strict.code, 1, "{}", strict.stdout);
    assert!(strict.stdout.ends_with(
        "coverage: 2 policies\n  never fires (passes in every case): ORG-GPU-001 (org/gpu_owner.cedar:2)\n  never fires (passes in every case): ORG-TAG-001 (org/team_tag.cedar:2)\n"
    ), "{}", strict.stdout);
}

#[test]
fn a_malformed_case_file_is_an_error_at_its_line_and_the_other_cases_still_run() {
    let run = common::run::aicost(&dir(), &["test", "malformed", "--today", "2026-01-15"], &[]);
    assert_eq!(
        run.stdout,
        "\
PASS  ORG-GPU-001  a GPU machine without an owner fails (malformed/tests/b_cases.yaml:10)
ERROR ORG-GPU-001  a file outside the case (malformed/tests/b_cases.yaml:20)
      file name `../main.tf` must be a relative path inside the case (no `..`, no leading `/`)
ERROR ORG-GPU-01  a policy id with a typo (malformed/tests/b_cases.yaml:11)
      no policy ORG-GPU-01 in malformed; did you mean ORG-GPU-001?
error: malformed/tests/a_broken.yaml:9:5: unknown key `expekt` in the case file
  help: did you mean `expect`?

3 expectations in 3 cases: 1 passed, 0 failed, 2 errors; 1 case file could not be read
coverage: 1 policy, each with a case in which it fires
"
    );
    assert_eq!((run.code, run.stderr.as_str()), (2, ""));
}

#[test]
fn without_a_dir_the_configurations_policy_dirs_are_tested() {
    let run = common::run::aicost(&dir().join("repo"), &["test", "--today", "2026-01-15"], &[]);
    assert_eq!(
        run.stdout,
        "\
PASS  ORG-GPU-001  a CPU machine without an owner passes (policies/tests/gpu_owner.yaml:21)
PASS  ORG-GPU-001  a GPU machine without an owner fails (policies/tests/gpu_owner.yaml:10)

2 expectations in 2 cases: 2 passed, 0 failed, 0 errors
coverage: 1 policy, each with a case in which it fires
"
    );
    assert_eq!((run.code, run.stderr.as_str()), (0, ""));
}

#[test]
fn no_dir_and_no_configured_policy_dirs_is_a_usage_error() {
    let temp = tempfile::tempdir().unwrap();
    std::fs::create_dir(temp.path().join(".git")).unwrap();
    let run = common::run::aicost(temp.path(), &["test"], &[]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "error: no policy directory to test\n  help: give DIR (a directory of .cedar policies with their cases in DIR/tests/), or list it in policy_dirs in aicost-policy.toml\n"
    );
}

#[test]
fn junit_has_a_suite_per_policy_and_one_for_coverage() {
    let run = common::run::aicost(
        &dir(),
        &[
            "test",
            "failing",
            "--today",
            "2026-01-15",
            "--format",
            "junit",
        ],
        &[],
    );
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="aicost-policy test" tests="7" failures="1" errors="0">
  <testsuite name="ORG-GPU-001" tests="2" failures="1" errors="0" skipped="0">
    <testcase name="a GPU machine with an owner passes" classname="ORG-GPU-001" file="failing/tests/gpu_owner.yaml" line="13"/>
    <testcase name="a GPU machine without an owner (expectation wrong on purpose)" classname="ORG-GPU-001" file="failing/tests/gpu_owner.yaml" line="24">
      <failure message="expected pass, got fail" type="aicost-policy test">expected: pass
actual:   fail: aws_instance.trainer runs accelerators without an owner tag</failure>
    </testcase>
  </testsuite>
  <testsuite name="ORG-TAG-001" tests="2" failures="0" errors="0" skipped="0">
    <testcase name="a GPU machine with an owner passes" classname="ORG-TAG-001" file="failing/tests/gpu_owner.yaml" line="14"/>
    <testcase name="a GPU machine without an owner (expectation wrong on purpose)" classname="ORG-TAG-001" file="failing/tests/gpu_owner.yaml" line="25"/>
  </testsuite>
  <testsuite name="coverage" tests="3" failures="0" errors="0" skipped="2">
    <testcase name="ORG-GPU-001" classname="coverage" file="failing/gpu_owner.cedar" line="2"/>
    <testcase name="ORG-TAG-001" classname="coverage" file="failing/team_tag.cedar" line="2">
      <skipped message="never fires: it passes in every case"/>
    </testcase>
    <testcase name="ORG-TAG-002" classname="coverage" file="failing/cost_center.cedar" line="2">
      <skipped message="no case"/>
    </testcase>
  </testsuite>
</testsuites>
"#
    );
}

/// A message expectation is checked too: the right outcome with other text fails.
#[test]
fn a_message_that_is_not_in_the_finding_fails_the_case() {
    let temp = tempfile::tempdir().unwrap();
    let policies = temp.path().join("p");
    std::fs::create_dir_all(policies.join("tests")).unwrap();
    std::fs::copy(
        dir().join("failing/gpu_owner.cedar"),
        policies.join("gpu_owner.cedar"),
    )
    .unwrap();
    let case = std::fs::read_to_string(dir().join("repo/policies/tests/gpu_owner.yaml"))
        .unwrap()
        .replace("without an owner tag\"", "without a team tag\"");
    std::fs::write(policies.join("tests/gpu_owner.yaml"), case).unwrap();
    let run = common::run::aicost(temp.path(), &["test", "p", "--today", "2026-01-15"], &[]);
    assert_eq!(run.code, 1);
    let failed: Vec<&str> = run.stdout.lines().skip(1).take(3).collect();
    assert_eq!(
        failed,
        [
            "FAIL  ORG-GPU-001  a GPU machine without an owner fails (p/tests/gpu_owner.yaml:10)",
            "      expected: fail, with a message containing \"aws_instance.trainer runs accelerators without a team tag\"",
            "      actual:   fail: aws_instance.trainer runs accelerators without an owner tag",
        ]
    );
}
