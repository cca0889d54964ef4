//! One seed of a sweep: its faults, a run with every invariant on, and its verdict (health
//! after healing, or the scenario's own promises), with the command that replays it.

use super::faults::{random_faults, with_faults};
use crate::runner::run::run_scenario;
use crate::scenario::Scenario;
use std::sync::Arc;

/// One seed's verdict.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SeedResult {
    /// The seed.
    pub seed: u64,
    /// Passed: no invariant broken, healthy after healing.
    pub ok: bool,
    /// What failed, if anything.
    pub failure: Option<String>,
    /// Random faults injected.
    pub faults: usize,
    /// Trace digest (for comparing runs across jobs and machines).
    pub digest: String,
    /// The command that replays it.
    pub reproducer: String,
}

/// What a seed is checked against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Invariants, then health after healing (the safe configuration must pass).
    Health,
    /// Invariants and the scenario's own expectations, read as promises (`NoAckedLoss`,
    /// `Lost(max: 0)`, …) that an unsafe configuration must break on some seed.
    Promises,
}

/// Runs one seed: its random faults (or none), invariants, heal, health.
pub fn run_seed(sc: &Arc<Scenario>, file: &str, seed: u64, random: bool) -> SeedResult {
    run_seed_for(sc, file, seed, random, Verdict::Health)
}

/// `run_seed`, judged by `verdict`.
pub fn run_seed_for(sc: &Arc<Scenario>, file: &str, seed: u64, random: bool, verdict: Verdict) -> SeedResult {
    let faults = if random { random_faults(sc, seed) } else { Vec::new() };
    let mut full = with_faults(sc, seed, &faults);
    if verdict == Verdict::Promises {
        full.expect = sc.expect.clone();
    }
    let r = run_scenario(Arc::new(full), seed, None, None);
    let failure = r.outcomes.iter().find(|o| !o.passed).map(|o| format!("{}: {}", o.what, o.observed));
    SeedResult {
        seed,
        ok: failure.is_none(),
        failure,
        faults: faults.len(),
        digest: format!("{:016x}", r.digest),
        reproducer: format!(
            "brokerlab sweep {file} --seeds {seed}..{seed}{}{}",
            if random { "" } else { " --faults none" },
            if verdict == Verdict::Promises { " --must-catch" } else { "" }
        ),
    }
}
