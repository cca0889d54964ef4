//! `brokerlab bench --pace`: scenario 01 (three services at 10, 20 and 30 msg/s into a
//! 3-partition topic, RF 3, one notifier at 15 msg/s; the full model, every invariant
//! checked) for one simulated hour by default: 216 k messages. It prints messages per
//! second of wall time, the figure `bench/simpy_pace.py` prints for a bare SimPy model of
//! the same workload, so anyone can compare the two on one machine.

use super::measure;
use crate::scenario::validate::limits::DURATION_S;
use crate::scenario::{Scenario, parse};
use crate::sim::{Dur, SimTime};
use crate::world::Simulation;
use std::process::ExitCode;
use std::sync::Arc;

/// The shipped scenario, built in so the bench runs from any folder.
const SOURCE: &str = include_str!("../../../scenarios/01_pace_matching.ron");
const FILE: &str = "scenarios/01_pace_matching.ron";

/// Scenario 01 with `duration` instead of its 60 s, and without its expectations (they
/// speak of the first minute; the bench checks the invariants only).
pub fn pace_scenario(duration: &str) -> Result<Scenario, String> {
    let d = Dur::parse(duration).map_err(|e| format!("--duration: {e}"))?;
    if d == Dur::ZERO || d > Dur::secs(DURATION_S) {
        return Err(format!("--duration: must be between 1us and 24h, got {d}"));
    }
    let mut sc = parse(SOURCE, FILE).map_err(|e| format!("the built-in {FILE}: {e}"))?;
    sc.duration = d;
    sc.expect.clear();
    Ok(sc)
}

/// Runs the pace-matching workload and prints what it measured.
pub fn pace(duration: &str) -> ExitCode {
    let sc = match pace_scenario(duration) {
        Ok(s) => Arc::new(s),
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let end = SimTime(sc.duration.0);
    crate::outln!("{}: {} simulated ({FILE})", sc.name, sc.duration);
    let mut sim = Simulation::new(sc.clone(), sc.seed, 0);
    let m = measure::run(&mut sim, end, true);
    let ok = measure::report(&sim, &m, end);
    crate::outln!("  the same workload in bare SimPy: python3 bench/simpy_pace.py --duration {}", end.as_secs_f64());
    if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pace_scenario_runs_for_the_duration_asked_and_refuses_a_bad_one() {
        let sc = pace_scenario("1h").expect("valid");
        assert_eq!(sc.duration, Dur::secs(3600));
        assert!(sc.expect.is_empty());
        let rates: Vec<_> = sc.producers.iter().map(|p| format!("{:?}", p.rate)).collect();
        assert_eq!(rates, ["PerSecond(10)", "PerSecond(20)", "PerSecond(30)"], "the workload SimPy models");
        assert!(pace_scenario("5 parsecs").unwrap_err().starts_with("--duration: "));
        assert!(pace_scenario("25h").unwrap_err().contains("between 1us and 24h"));
        assert!(pace_scenario("0").is_err());
    }
}
