//! `brokerlab why`: branching a run with fresh random choices finds the moment an outcome
//! became inevitable, the answer does not depend on the number of jobs, and bad input is
//! refused with the place of the mistake.

use brokerlab::runner::why::{Options, Why, WhyError, why};
use brokerlab::scenario::{Expectation, Scenario, load_file, parse_expectation};
use brokerlab::sim::SimTime;
use brokerlab::world::Simulation;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;

fn path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn scenario(rel: &str) -> Arc<Scenario> {
    Arc::new(load_file(&path(rel)).unwrap_or_else(|e| panic!("{e}")))
}

/// `why` in a pool of `jobs` threads.
fn why_with(sc: &Arc<Scenario>, outcome: &str, runs: u32, points: u32, jobs: usize) -> Result<Why, WhyError> {
    let e = parse_expectation(sc, outcome, "--outcome").unwrap_or_else(|e| panic!("{e}"));
    let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs).build().unwrap();
    pool.install(|| why(sc.clone(), sc.seed, &e, Options { runs, points }, &|| {}))
}

fn brokerlab(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_brokerlab")).args(args).output().expect("the binary runs")
}

/// The fixture's producer draws its one record's key (and so its partition, and so its fate)
/// at 4.5 s; the leader of the losing partition crashes at 4.6 s.
const COIN: &str = "tests/fixtures/why_coin_flip.ron";
const COIN_FLIP_US: u64 = 4_500_000;

#[test]
fn the_moment_is_found_within_one_branch_step_of_the_deciding_coin_flip() {
    let sc = scenario(COIN);
    let w = why_with(&sc, "AckedLoss(at_least: 1)", 6, 10, 2).unwrap();
    let step = w.points[1].at.0 - w.points[0].at.0;
    let t = w.inevitable_from.expect("settled after the flip").0;
    assert!(t.abs_diff(COIN_FLIP_US) <= step, "inevitable from {t} µs; the flip was at {COIN_FLIP_US} µs: {w:?}");
    assert!(w.points.iter().any(|p| p.happened < p.runs), "before the flip some branches keep the record: {w:?}");
    assert!(w.points.iter().filter(|p| p.at.0 >= COIN_FLIP_US).all(|p| p.happened == p.runs), "{w:?}");
    let context: Vec<&str> = w.context.iter().map(|l| l.text.as_str()).collect();
    assert!(context.iter().any(|l| l.contains("coin produced coin#0 to t-0")), "{context:?}");
    assert!(context.iter().any(|l| l.contains("broker-1 crashed")), "{context:?}");
}

#[test]
fn acks1_leader_crash_reports_a_moment_before_the_end() {
    let sc = scenario("scenarios/05_acks1_leader_crash.ron");
    let w = why_with(&sc, "AckedLoss(at_least: 1)", 3, 8, 2).unwrap();
    let t = w.inevitable_from.expect("the loss becomes inevitable");
    assert!(t < w.end && w.end == SimTime(sc.duration.0), "{w:?}");
    assert!(!w.context.is_empty(), "the records around the moment are shown: {w:?}");
}

#[test]
fn the_answer_does_not_depend_on_the_number_of_jobs() {
    let sc = scenario(COIN);
    let one = why_with(&sc, "AckedLoss(at_least: 1)", 5, 8, 1).unwrap();
    let two = why_with(&sc, "AckedLoss(at_least: 1)", 5, 8, 2).unwrap();
    assert_eq!(one, two);
    let json = |jobs: &str| {
        let args = ["why", COIN, "--outcome", "AckedLoss(at_least: 1)", "--runs", "4", "--points", "6", "--json"];
        brokerlab(&[&args[..], &["--jobs", jobs]].concat())
    };
    let (a, b) = (json("1"), json("2"));
    assert!(a.status.success(), "{}", String::from_utf8_lossy(&a.stderr));
    assert_eq!(String::from_utf8_lossy(&a.stdout), String::from_utf8_lossy(&b.stdout));
    let v: serde_json::Value = serde_json::from_slice(&a.stdout).expect("one JSON object");
    assert_eq!(v["points"].as_array().map(Vec::len), Some(6), "{v}");
}

#[test]
fn a_copy_continues_identically_and_a_reseeded_copy_chooses_afresh() {
    let sc = scenario(COIN);
    let mut base = Simulation::new(sc.clone(), sc.seed, 0);
    base.run_until(SimTime(4_000_000));
    let end = |mut s: Simulation| {
        s.run_until(SimTime(sc.duration.0));
        s.trace.digest()
    };
    let mut whole = base.clone();
    whole.run_until(SimTime(sc.duration.0));
    assert_eq!(end(base.clone()), whole.trace.digest(), "a copy is the same run");
    let reseeded = |salt| {
        let mut s = base.clone();
        s.reseed(salt);
        end(s)
    };
    assert_eq!(reseeded(7), reseeded(7), "the same salt, the same choices");
    let digests: std::collections::BTreeSet<u64> = (0..6).map(reseeded).collect();
    assert!(digests.len() > 1, "different salts choose differently");
}

#[test]
fn an_outcome_the_base_run_does_not_have_is_reported() {
    let sc = scenario(COIN);
    let r = why_with(&sc, "AckedLoss(at_least: 2)", 2, 2, 1);
    assert_eq!(r, Err(WhyError::NotInBase { observed: "1 lost".into() }));
    let out = brokerlab(&["why", COIN, "--outcome", "NoAckedLoss", "--runs", "2", "--points", "2"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did not happen in the base run"));
}

#[test]
fn a_bad_outcome_exits_2_naming_the_column() {
    let file = "scenarios/05_acks1_leader_crash.ron";
    for (outcome, says) in [
        ("Duplicates(group: \"g\", min: 1)", "--outcome:1:19: expectation names group \"g\", which is not defined"),
        ("AckedLoss(at_least: )", "--outcome:1:20: Expected integer"),
        ("AckedLos(at_least: 1)", "--outcome:1:1: Unexpected variant named `AckedLos`"),
        ("", "--outcome:1:1: empty"),
    ] {
        let out = brokerlab(&["why", file, "--outcome", outcome]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{outcome}: {err}");
        assert!(err.contains(says), "{outcome}: {err}");
    }
    let out = brokerlab(&["why", file, "--outcome", "NoAckedLoss", "--runs", "0"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(Expectation::NoAckedLoss, parse_expectation(&scenario(file), " NoAckedLoss ", "o").unwrap());
}
