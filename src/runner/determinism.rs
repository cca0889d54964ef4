//! `run --check-determinism`: the same scenario and seed run twice, their traces compared
//! record by record (as JSON lines) and by digest.

use super::run::run_scenario;
use crate::scenario::Scenario;
use crate::sim::Dur;
use crate::trace::{Names, Record, jsonl};
use std::sync::Arc;

/// How two runs of one scenario and seed compared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Determinism {
    /// The same records and the same digest.
    Same { records: usize, digest: u64 },
    /// The same records but different digests.
    DigestsDiffer { first: u64, second: u64 },
    /// The first record that differs (by index), as each run wrote it (`None`: that trace
    /// had ended).
    Differs { index: usize, first: Option<String>, second: Option<String> },
}

/// One run's trace as JSON lines, and its digest.
fn collect(sc: Arc<Scenario>, seed: u64, until: Option<Dur>) -> (Vec<String>, u64) {
    let mut lines = Vec::new();
    let mut sink =
        |recs: &[Record], names: &Names| lines.extend(recs.iter().map(|r| jsonl::to_json(r, names).to_string()));
    let r = run_scenario(sc, seed, until, Some(&mut sink));
    (lines, r.digest)
}

/// Runs `sc` with `seed` (until `until`) twice and compares the traces.
pub fn compare_runs(sc: Arc<Scenario>, seed: u64, until: Option<Dur>) -> Determinism {
    let (a, da) = collect(sc.clone(), seed, until);
    let (b, db) = collect(sc, seed, until);
    match a.iter().zip(&b).position(|(x, y)| x != y).or((a.len() != b.len()).then(|| a.len().min(b.len()))) {
        None if da == db => Determinism::Same { records: a.len(), digest: da },
        None => Determinism::DigestsDiffer { first: da, second: db },
        Some(i) => Determinism::Differs { index: i, first: a.get(i).cloned(), second: b.get(i).cloned() },
    }
}
