//! Every shipped scenario's expectations hold, and every scenario is deterministic: the
//! same seed twice gives the same digest, another seed a different one.

use brokerlab::runner::run_scenario;
use brokerlab::scenario::load_file;
use std::path::PathBuf;
use std::sync::Arc;

fn scenario_files() -> Vec<PathBuf> {
    let out = brokerlab::scenario::scenario_files(&[PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios")]);
    assert!(out.len() >= 9, "the shipped scenarios are missing");
    out
}

#[test]
fn every_shipped_scenario_meets_its_expectations() {
    let mut failures = Vec::new();
    for f in scenario_files() {
        let sc = Arc::new(load_file(&f).unwrap_or_else(|e| panic!("{e}")));
        assert!(!sc.expect.is_empty(), "{} has no expect block", f.display());
        let r = run_scenario(sc.clone(), sc.seed, None, None);
        for o in r.outcomes.iter().filter(|o| !o.passed) {
            failures.push(format!(
                "{}: expected {}; observed {} (brokerlab run {} --seed {})",
                f.display(),
                o.what,
                o.observed,
                f.display(),
                sc.seed
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A scenario tells the truth on any seed, not only its own: two derived seeds each (CI runs
/// `brokerlab check scenarios/ --seeds 10`).
#[test]
fn every_shipped_scenario_meets_its_expectations_on_derived_seeds_too() {
    let files = scenario_files();
    let failures: Vec<String> = std::thread::scope(|s| {
        let runs: Vec<_> = files
            .iter()
            .map(|f| {
                s.spawn(move || {
                    let sc = Arc::new(load_file(f).unwrap_or_else(|e| panic!("{e}")));
                    let mut out = Vec::new();
                    for seed in brokerlab::runner::seeds::derived(sc.seed, 2) {
                        let r = run_scenario(sc.clone(), seed, None, None);
                        for o in r.outcomes.iter().filter(|o| !o.passed) {
                            out.push(format!(
                                "{}: expected {}; observed {} (brokerlab run {} --seed {seed})",
                                f.display(),
                                o.what,
                                o.observed,
                                f.display()
                            ));
                        }
                    }
                    out
                })
            })
            .collect();
        runs.into_iter().flat_map(|h| h.join().expect("a run")).collect()
    });
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A run's records as JSON lines, and its digest.
fn captured(sc: &Arc<brokerlab::scenario::Scenario>, seed: u64) -> (Vec<String>, u64) {
    let mut lines = Vec::new();
    let mut sink = |recs: &[brokerlab::trace::Record], names: &brokerlab::trace::Names| {
        lines.extend(recs.iter().map(|r| brokerlab::trace::jsonl::to_json(r, names).to_string()))
    };
    let r = run_scenario(sc.clone(), seed, None, Some(&mut sink));
    (lines, r.digest)
}

/// The first record where two runs of the same seed differ, as JSON lines.
fn first_difference(sc: &Arc<brokerlab::scenario::Scenario>, seed: u64) -> String {
    let ((a, _), (b, _)) = (captured(sc, seed), captured(sc, seed));
    match a.iter().zip(&b).position(|(x, y)| x != y) {
        Some(i) => format!("first difference at record {i}:\n  {}\n  {}", a[i], b[i]),
        None => format!("same records up to {} / {}", a.len(), b.len()),
    }
}

#[test]
fn same_seed_same_digest_other_seed_other_digest() {
    for f in scenario_files() {
        let sc = Arc::new(load_file(&f).unwrap());
        let a = run_scenario(sc.clone(), sc.seed, None, None);
        // The second run on another thread: nothing may depend on which thread runs it.
        let sc2 = sc.clone();
        let b = std::thread::spawn(move || run_scenario(sc2.clone(), sc2.seed, None, None)).join().expect("run");
        let c = run_scenario(sc.clone(), sc.seed + 1, None, None);
        if a.digest != b.digest || a.records != b.records {
            panic!("{} is not deterministic: {}", f.display(), first_difference(&sc, sc.seed));
        }
        assert_ne!(a.digest, c.digest, "{}: another seed gave the same trace", f.display());
    }
}

#[test]
fn captured_trace_is_identical_record_by_record() {
    let f = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/04_failover_acks_all.ron");
    let sc = Arc::new(load_file(&f).unwrap());
    let (a, da) = captured(&sc, 99);
    let (b, db) = captured(&sc, 99);
    assert_eq!(da, db);
    assert_eq!(a, b);
    assert!(a.len() > 1000);
    assert!(a[0].starts_with("{\"t_us\":"), "records start with t_us: {}", a[0]);
}
