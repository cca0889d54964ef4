//! The exports open where users expect: `check --junit` writes JUnit XML a CI system reads
//! (a suite per scenario, a case per expectation, failures with the reproducer); `run
//! --chrome-trace` writes Chrome trace JSON (a named track per node, produce and processing
//! spans that open and close, instants for cluster events).

use std::path::Path;
use std::process::Command;

fn brokerlab(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_brokerlab")).args(args).output().expect("the binary runs")
}

fn scratch(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("brokerlab-exports-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

fn count(hay: &str, needle: &str) -> usize {
    hay.matches(needle).count()
}

#[test]
fn junit_has_a_suite_per_scenario_and_a_failure_with_its_reproducer() {
    let d = scratch("junit");
    let good = std::fs::read_to_string("scenarios/04_failover_acks_all.ron").expect("scenario");
    std::fs::write(d.join("a_good.ron"), &good).expect("write");
    let failing = good.replace("Acked(min: 1950)", "Acked(min: 999999)");
    assert_ne!(failing, good, "the scenario still has the expectation this test edits");
    std::fs::write(d.join("b_failing.ron"), failing).expect("write");
    std::fs::write(d.join("c_bad.ron"), "Scenario(name: \"x\", duration: 5)").expect("write");
    let xml = d.join("report.xml");
    let out = brokerlab(&["check", d.to_str().expect("utf-8"), "--junit", xml.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1), "one failing and one bad scenario fail the check");
    let x = std::fs::read_to_string(&xml).expect("report written");
    assert!(x.starts_with("<?xml"));
    assert_eq!(count(&x, "<testsuite "), 3);
    assert!(x.contains(r#"<testsuites name="brokerlab check" tests="15" failures="1" errors="1""#), "{x}");
    assert_eq!(count(&x, "<failure "), 1);
    assert!(x.contains("expected acked at least 999999; observed 2000"), "{x}");
    assert!(x.contains(&format!("reproduce: brokerlab run {} --seed 7", d.join("b_failing.ron").display())));
    assert!(x.contains(r#"<error message="the scenario does not load""#));
    assert!(x.contains("c_bad.ron:1:30"), "the load error keeps its line and column");
    let _ = std::fs::remove_dir_all(Path::new(&d));
}

#[test]
fn chrome_trace_has_a_track_per_node_and_closed_spans() {
    let d = scratch("chrome");
    let file = d.join("trace.json");
    let out =
        brokerlab(&["run", "scenarios/11_group_consumer_crash.ron", "--chrome-trace", file.to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).expect("written")).expect("valid JSON");
    let ev = v["traceEvents"].as_array().expect("traceEvents");
    let named: Vec<&str> = ev
        .iter()
        .filter(|e| e["ph"] == "M" && e["name"] == "process_name")
        .filter_map(|e| e["args"]["name"].as_str())
        .collect();
    for node in ["zookeeper", "broker-1", "broker-3", "shop", "n1", "n2"] {
        assert!(named.contains(&node), "no track for {node}: {named:?}");
    }
    let phase = |ph: &str, name: &str| ev.iter().filter(|e| e["ph"] == ph && e["name"] == name).count();
    assert!(phase("b", "produce") > 2000);
    // Every produce request but those still in flight at the end is closed.
    assert!(phase("b", "produce") - phase("e", "produce") <= 5);
    assert!(phase("b", "process") > 2000);
    assert_eq!(phase("b", "down"), 1, "n1 crashes once");
    assert!(phase("i", "member_removed") >= 1);
    // Timestamps are simulated microseconds, in order.
    let ts: Vec<u64> = ev.iter().filter_map(|e| e["ts"].as_u64()).collect();
    assert!(ts.windows(2).all(|w| w[0] <= w[1]));
    assert!(*ts.last().expect("events") <= 60_000_000);
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn exports_name_consumers_that_join_while_running() {
    let d = scratch("added");
    let (jsonl, chrome) = (d.join("t.jsonl"), d.join("t.json"));
    let out = brokerlab(&[
        "run",
        "scenarios/12_group_scale_out.ron",
        "--trace",
        jsonl.to_str().expect("utf-8"),
        "--chrome-trace",
        chrome.to_str().expect("utf-8"),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines = std::fs::read_to_string(&jsonl).expect("trace");
    assert!(lines.lines().any(|l| l.contains(r#""consumer":"n3""#)), "n3 joins at 30 s and consumes");
    // The file holds every record the digest covers, the boot's at t=0 included.
    let stdout = String::from_utf8_lossy(&out.stdout);
    let counted: usize = stdout
        .split("trace: ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .expect("the summary counts records");
    assert_eq!(lines.lines().count(), counted);
    assert!(lines.starts_with(r#"{"t_us":0,"seq":0,"#));
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&chrome).expect("written")).expect("valid JSON");
    let named = v["traceEvents"].as_array().expect("events").iter().filter(|e| e["args"]["name"] == "n3").count();
    assert_eq!(named, 1, "the joining consumer gets its own named track");
    let det = brokerlab(&["run", "scenarios/12_group_scale_out.ron", "--check-determinism"]);
    assert!(det.status.success(), "{}", String::from_utf8_lossy(&det.stdout));
    let _ = std::fs::remove_dir_all(&d);
}
