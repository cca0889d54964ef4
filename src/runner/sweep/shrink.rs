//! Shrinking a failing schedule: dropping faults while the failure persists, then
//! simplifying the rest.

use super::faults::with_faults;
use crate::runner::run::run_scenario;
use crate::scenario::{Action, FaultSpec, Scenario};
use crate::sim::Dur;
use std::sync::Arc;

/// Shrinks a failing schedule while it fails the same way (the same first failing check):
/// drops faults one at a time, then simplifies the rest (a power loss becomes a process
/// crash, a slow link half as slow, a time a whole second). At most `budget` runs.
pub fn shrink(sc: &Scenario, seed: u64, faults: Vec<FaultSpec>, budget: usize) -> Vec<FaultSpec> {
    let failure = |f: &[FaultSpec]| {
        let r = run_scenario(Arc::new(with_faults(sc, seed, f)), seed, None, None);
        r.outcomes.into_iter().find(|o| !o.passed).map(|o| o.what)
    };
    let Some(target) = failure(&faults) else { return faults };
    let runs = std::cell::Cell::new(1);
    let same = |f: &[FaultSpec]| {
        runs.set(runs.get() + 1);
        failure(f).as_ref() == Some(&target)
    };
    let mut cur = faults;
    let mut progress = true;
    while progress && runs.get() < budget {
        progress = false;
        let mut i = 0;
        while i < cur.len() && runs.get() < budget {
            let mut fewer = cur.clone();
            fewer.remove(i);
            if same(&fewer) {
                cur = fewer;
                progress = true;
            } else {
                i += 1;
            }
        }
    }
    for i in 0..cur.len() {
        for simpler in simplifications(&cur[i]) {
            if runs.get() >= budget {
                return cur;
            }
            let mut t = cur.clone();
            t[i] = simpler;
            if same(&t) {
                cur = t;
            }
        }
    }
    cur
}

/// Simpler versions of one fault, most useful first.
fn simplifications(f: &FaultSpec) -> Vec<FaultSpec> {
    let mut out = Vec::new();
    match &f.action {
        Action::PowerOffBroker(b) => out.push(FaultSpec { at: f.at, action: Action::CrashBroker(*b) }),
        Action::SlowLink(x, y, d) if d.0 > 100_000 => {
            out.push(FaultSpec { at: f.at, action: Action::SlowLink(x.clone(), y.clone(), Dur(d.0 / 2)) });
        }
        _ => {}
    }
    if !f.at.0.is_multiple_of(1_000_000) {
        out.push(FaultSpec { at: Dur(f.at.0 / 1_000_000 * 1_000_000), action: f.action.clone() });
    }
    out
}
