//! `brokerlab diff`: two futures compared record by record. A file against itself has no
//! divergence and exits 0; the shipped acks pair parts at the first acknowledgement and
//! differs in acknowledged-but-lost writes; a bad file exits 2 naming file:line:column.

use brokerlab::runner::diff::{Comparison, compare};
use brokerlab::runner::run_scenario;
use brokerlab::scenario::load_file;
use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;

const ACKS1: &str = "scenarios/compare/acks1_leader_crash.ron";
const ACKS_ALL: &str = "scenarios/compare/acks_all_leader_crash.ron";

fn path(rel: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel).display().to_string()
}

fn brokerlab(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_brokerlab")).args(args).output().expect("the binary runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn compared(a: &str, b: &str) -> Comparison {
    let (a, b) =
        (Arc::new(load_file(path(a).as_ref()).expect("loads")), Arc::new(load_file(path(b).as_ref()).expect("loads")));
    let (sa, sb) = (a.seed, b.seed);
    compare(a, sa, b, sb)
}

fn row(c: &Comparison, name: &str) -> (u64, u64) {
    let r = c.rows.iter().find(|r| r.name == name).unwrap_or_else(|| panic!("a row {name:?} in {:?}", c.rows));
    (r.a, r.b)
}

#[test]
fn a_file_against_itself_has_identical_traces_and_exits_0() {
    let f = path(ACKS1);
    let sc = Arc::new(load_file(f.as_ref()).expect("loads"));
    let run = run_scenario(sc.clone(), sc.seed, None, None);
    let (code, out, err) = brokerlab(&["diff", &f, &f]);
    assert_eq!(code, Some(0), "{out}{err}");
    let said = format!("identical traces ({} records, digest {:016x})", run.records, run.digest);
    assert!(out.contains(&said), "expected {said:?} in:\n{out}");
    assert!(!out.contains("first divergence"), "{out}");
}

#[test]
fn the_acks_pair_first_differs_where_acks_1_acknowledges_before_the_followers_fetch() {
    let c = compared(ACKS1, ACKS_ALL);
    assert!(!c.identical());
    let d = c.divergence.as_ref().expect("the traces differ");
    // Up to there both made the same records: the first produce, the controller, the append.
    assert_eq!(d.index, 3);
    assert_eq!(d.context.iter().map(|l| l.kind).collect::<Vec<_>>(), ["produce", "controller", "append"]);
    let a = d.a.as_ref().expect("acks=1 has a record there");
    let b = d.b.as_ref().expect("acks=all has a record there");
    assert_eq!((a.index, b.index), (3, 3));
    assert_eq!((a.at.to_string(), b.at.to_string()), ("0.007s".to_string(), "0.007s".to_string()));
    // acks=1: the leader answered once web#0 was in its own log.
    assert_eq!(a.kind, "ack");
    assert_eq!(a.text, "web got the ack for web#0 (clicks-0 offset 0)");
    // acks=all: no answer yet; a follower fetches first.
    assert_eq!(b.kind, "replicate");
    assert!(b.text.starts_with("broker-") && b.text.contains("fetched clicks-0"), "{}", b.text);
}

#[test]
fn the_acks_pair_table_shows_acks_1_losing_acknowledged_writes_and_acks_all_none() {
    let c = compared(ACKS1, ACKS_ALL);
    let (lost_1, lost_all) = row(&c, "acked but lost");
    assert!(lost_1 > 0, "acks=1 lost nothing: {:?}", c.rows);
    assert_eq!(lost_all, 0, "acks=all lost acknowledged writes: {:?}", c.rows);
    assert_eq!(row(&c, "leader changes"), (1, 1), "one crash, one election each");
    assert!(row(&c, "acked").0 > 0 && row(&c, "acked").1 > 0);
    assert!(c.rows.iter().all(|r| r.name != "queue depth"), "neither run has RabbitMQ: {:?}", c.rows);
    // The totals are the runs' own, as `run` counts them.
    for (rel, run) in [(ACKS1, &c.a), (ACKS_ALL, &c.b)] {
        let sc = Arc::new(load_file(path(rel).as_ref()).expect("loads"));
        let r = run_scenario(sc.clone(), sc.seed, None, None);
        assert_eq!((run.records, run.digest), (r.records, r.digest), "{rel}");
        let lost = if rel == ACKS1 { lost_1 } else { lost_all };
        assert!(r.summary.contains(&format!("acked but lost {lost}\n")), "{rel}: {}", r.summary);
    }
}

#[test]
fn the_acks_pair_exits_1_and_json_says_the_same() {
    let (code, out, err) = brokerlab(&["diff", &path(ACKS1), &path(ACKS_ALL), "--json"]);
    assert_eq!(code, Some(1), "{out}{err}");
    let v: Value = serde_json::from_str(&out).expect("one JSON object");
    assert_eq!(v["identical"], false);
    assert_eq!(v["divergence"]["index"], 3);
    assert_eq!(v["divergence"]["a"]["kind"], "ack");
    assert_eq!(v["divergence"]["a"]["record"]["value_id"], "web#0");
    assert_eq!(v["divergence"]["b"]["kind"], "replicate");
    let lost = v["rows"].as_array().expect("rows").iter().find(|r| r["name"] == "acked but lost").expect("a lost row");
    assert!(lost["a"].as_u64().expect("a number") > 0);
    assert_eq!(lost["b"], 0);
    assert_eq!(v["a"]["digest"].as_str().map(str::len), Some(16));
    assert_ne!(v["a"]["digest"], v["b"]["digest"]);
}

#[test]
fn seed_flag_runs_both_with_that_seed() {
    let f = path(ACKS1);
    let (code, out, _) = brokerlab(&["diff", &f, &f, "--seed", "3", "--json"]);
    assert_eq!(code, Some(0), "{out}");
    let v: Value = serde_json::from_str(&out).expect("one JSON object");
    assert_eq!((v["a"]["seed"].as_u64(), v["b"]["seed"].as_u64()), (Some(3), Some(3)));
    let sc = Arc::new(load_file(f.as_ref()).expect("loads"));
    let r = run_scenario(sc, 3, None, None);
    assert_eq!(v["a"]["digest"], format!("{:016x}", r.digest));
}

/// A plain producer for `duration`: the shorter run's trace is the start of the longer one's.
fn plain(duration: &str) -> String {
    format!(
        r#"Scenario(name: "plain", seed: 3, duration: "{duration}",
  topics: [(name: "t", partitions: 1, replication_factor: 3)],
  producers: [(name: "p", topic: "t", rate: PerSecond(20))],
  expect: [NoAckedLoss],
)"#
    )
}

#[test]
fn a_trace_that_ends_first_diverges_where_it_ended() {
    let long = Arc::new(brokerlab::scenario::parse(&plain("10s"), "long.ron").expect("loads"));
    let short = Arc::new(brokerlab::scenario::parse(&plain("5s"), "short.ron").expect("loads"));
    let ended = run_scenario(short.clone(), 3, None, None).records;
    let c = compare(long, 3, short, 3);
    let d = c.divergence.expect("the traces differ in length");
    assert_eq!(d.index, ended);
    assert!(d.a.is_some_and(|l| l.index == ended));
    assert!(d.b.is_none(), "the short run's trace had ended");
    assert_eq!(d.context.last().map(|l| l.index), Some(ended - 1));
}

#[test]
fn a_bad_file_exits_2_naming_file_line_and_column() {
    let d = std::env::temp_dir().join(format!("brokerlab-diff-{}", std::process::id()));
    std::fs::create_dir_all(&d).expect("temp dir");
    let bad = d.join("bad.ron");
    std::fs::write(&bad, "Scenario(\n  name: \"x\",\n  duration: \"1s\",\n  brokers: 3,\n)\n").expect("write");
    let bad = bad.display().to_string();
    let (code, out, err) = brokerlab(&["diff", &path(ACKS1), &bad]);
    assert_eq!(code, Some(2), "{out}{err}");
    assert!(err.contains(&format!("{bad}:4:3:")), "expected {bad}:4:3 in:\n{err}");
    assert!(out.is_empty(), "nothing compared: {out}");
    let (code, _, err) = brokerlab(&["diff", &path(ACKS1)]);
    assert_eq!(code, Some(2), "a missing file argument is bad input: {err}");
    let (code, _, err) = brokerlab(&["diff", &path(ACKS1), &path(ACKS1), "--seed", "x"]);
    assert_eq!(code, Some(2), "a bad seed is bad input: {err}");
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn swapping_sides_gives_the_comparison_run_the_other_way_round() {
    let mut c = compared(ACKS1, ACKS_ALL);
    c.swap_sides();
    assert_eq!(c, compared(ACKS_ALL, ACKS1));
}
