//! A session with inputs applied live (as the app does) and saved as a scenario replays
//! headless to the same trace digest.

use brokerlab::runner::run_scenario;
use brokerlab::scenario::{Action, load_file, parse, to_ron};
use brokerlab::sim::SimTime;
use brokerlab::world::Simulation;
use std::path::PathBuf;
use std::sync::Arc;

#[test]
fn a_live_session_saved_as_scenario_replays_to_the_same_digest() {
    let f = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/01_pace_matching.ron");
    let sc = Arc::new(load_file(&f).unwrap());
    let mut sim = Simulation::new(sc.clone(), 1234, 100);
    sim.run_until(SimTime(7_300_001));
    sim.inject(Action::CrashBroker(2));
    for _ in 0..57 {
        sim.step(); // single steps, as the app's step button does
    }
    sim.inject(Action::SlowLink("s1".into(), "broker-1".into(), brokerlab::sim::Dur::ms(40)));
    sim.run_until(SimTime(19_000_000));
    sim.inject(Action::RestartBroker(2));
    sim.inject(Action::CrashClient("notifier".into()));
    sim.run_until(SimTime(31_000_000));
    sim.inject(Action::RestartClient("notifier".into()));
    sim.run_until(SimTime(sc.duration.0));
    let live = sim.trace.digest();

    let saved = to_ron(&sim.session_scenario());
    let replay = Arc::new(parse(&saved, "session.ron").unwrap_or_else(|e| panic!("{e}\n{saved}")));
    assert_eq!(replay.faults.len(), 5);
    assert_eq!(replay.seed, 1234);
    let r = run_scenario(replay.clone(), replay.seed, None, None);
    assert_eq!(r.digest, live, "the saved session must replay to the live trace");
}
