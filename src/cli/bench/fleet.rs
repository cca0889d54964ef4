//! The fleet bench (`brokerlab bench`): a car fleet reporting every 10 s, for an hour by
//! default: 3 brokers, RF 3, acks=all, 12 partitions, one consumer per partition (or one
//! consumer group).

use super::measure;
use crate::scenario::parse;
use crate::sim::SimTime;
use crate::world::Simulation;
use std::process::ExitCode;
use std::sync::Arc;

/// The fleet scenario as RON text.
pub fn fleet_scenario(cars: u32, duration: &str, consumers: u32, group: bool) -> String {
    let members: Vec<String> =
        (0..consumers).map(|i| format!("(name: \"dashboard-{i}\", process_time: \"1ms\")")).collect();
    let consumers: Vec<String> = (0..consumers)
        .map(|i| {
            let parts: Vec<String> = (0..12).filter(|p| p % consumers == i).map(|p| p.to_string()).collect();
            format!(
                "(name: \"dashboard-{i}\", topic: \"locations\", partitions: [{}], process_time: \"1ms\")",
                parts.join(", ")
            )
        })
        .collect();
    format!(
        r#"Scenario(
  name: "Benchmark: {cars} cars report every 10s",
  seed: 7,
  duration: "{duration}",
  cluster: (brokers: 3, network: (latency: Uniform("500us", "2ms"))),
  topics: [(name: "locations", partitions: 12, replication_factor: 3, min_insync_replicas: 2)],
  producers: [(name: "fleet", topic: "locations", rate: PerKeyEvery("10s"),
               key: Distinct(prefix: "car-", count: {cars}), acks: All)],
  {},
)"#,
        if group {
            format!(
                "consumer_groups: [(name: \"dashboards\", topics: [\"locations\"], auto_offset_reset: Earliest, members: [{}])]",
                members.join(", ")
            )
        } else {
            format!("consumers: [{}]", consumers.join(",\n              "))
        }
    )
}

/// The fleet simulation, or the scenario error for a bad `--cars` or `--duration`.
pub fn fleet_sim(cars: u32, duration: &str, consumers: u32, group: bool) -> Result<Simulation, String> {
    let src = fleet_scenario(cars, duration, consumers.clamp(1, 12), group);
    let sc = Arc::new(parse(&src, "<bench>").map_err(|e| e.to_string())?);
    let seed = sc.seed;
    Ok(Simulation::new(sc, seed, 0))
}

/// Runs the fleet and prints what it measured.
pub fn fleet(cars: u32, duration: &str, consumers: u32, group: bool) -> ExitCode {
    let mut sim = match fleet_sim(cars, duration, consumers, group) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let end = SimTime(sim.scenario.duration.0);
    crate::outln!("{}: {} simulated", sim.scenario.name, sim.scenario.duration);
    let m = measure::run(&mut sim, end, true);
    if measure::report(&sim, &m, end) { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}
