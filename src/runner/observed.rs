//! "Save what I saw as a test": a session's scenario whose `expect` block is what the run
//! observed, with exact values, so that replaying the saved file reaches the same digest
//! and passes. The run ends where the session stopped; the scenario's own expectations are
//! kept as comments (they were written for the script, not for this session).

use crate::scenario::validate_groups::client_names;
use crate::scenario::{Expectation, Scenario, to_ron};
use crate::sim::{Dur, SimTime};
use crate::world::Simulation;
use crate::world::checks::loss::acked_lost;

/// A session turned into a test.
#[derive(Clone, Debug)]
pub struct SessionTest {
    /// The scenario to save: the inputs applied, ending where the session stopped,
    /// expecting what it observed.
    pub scenario: Scenario,
    /// The scenario's own expectations, replaced.
    pub replaced: Vec<Expectation>,
    /// The scenario's duration when the session stopped before it.
    pub cut_from: Option<Dur>,
    /// The digest a replay reaches.
    pub digest: u64,
    /// The invariant the run broke, if it did (a replay then fails whatever it expects).
    pub broken: Option<String>,
}

/// The session so far as a test. The live simulation is not touched: a copy finishes the
/// current instant (a step may have left events at the same time unrun, which a replay
/// runs) and the end-of-run checks, exactly as `brokerlab run` does.
pub fn session_test(live: &Simulation) -> SessionTest {
    let mut sc = live.session_scenario();
    let end = SimTime(live.now().0.max(1));
    let cut_from = (Dur(end.0) < sc.duration).then_some(sc.duration);
    let mut sim = live.clone();
    sim.run_until(end);
    sim.check_end();
    if cut_from.is_some() {
        sc.duration = Dur(end.0);
        sc.faults.retain(|f| f.at <= sc.duration); // what never happened is not part of it
        // Questions judged after the end, and beats told after it, are not part of it either.
        sc.questions.retain(|q| q.reveal <= sc.duration);
        sc.narration.retain(|n| n.at <= sc.duration);
    }
    let seen = observed(&sim, &sc);
    let replaced = std::mem::replace(&mut sc.expect, seen);
    let broken = sim.violation.as_ref().map(|v| format!("{} at {}", v.invariant, SimTime(v.t_us)));
    SessionTest { scenario: sc, replaced, cut_from, digest: sim.trace.digest(), broken }
}

fn exactly(n: u64) -> (Option<u64>, Option<u64>) {
    (Some(n), Some(n))
}

/// What `sim` shows now, as expectations with exact values: counts (produced, acked,
/// consumed, duplicated, lost, dead-lettered, rebalances, AMQP routing), each partition's
/// leader, and whether acknowledged writes were lost. Names are checked against `sc` so the
/// file loads (members added from the app have no place in the scenario's name lists).
pub fn observed(sim: &Simulation, sc: &Scenario) -> Vec<Expectation> {
    let mut out = Vec::new();
    if sim.cluster().brokers > 0 {
        kafka(sim, sc, &mut out);
    }
    let known = client_names(sc);
    let s = &sim.stats;
    let consumers = sim.consumers().map(|(id, _)| id).chain(sim.amqp_consumers().map(|(id, _)| id));
    for id in consumers {
        let name = sim.names().node(id.0);
        let Some(i) = s.consumer_index(id.0).filter(|_| known.contains(&name)) else { continue };
        let (min, max) = exactly(s.consumers[i].consumed);
        out.push(Expectation::Consumed { consumer: Some(name.to_string()), min, max });
        let (min, max) = exactly(s.consumers[i].duplicates);
        out.push(Expectation::Duplicates { consumer: Some(name.to_string()), group: None, min, max });
    }
    for (g, gs) in &s.groups {
        let group = sim.names().group(*g).to_string();
        let (min, max) = exactly(gs.duplicates);
        out.push(Expectation::Duplicates { consumer: None, group: Some(group.clone()), min, max });
        let (min, max) = exactly(gs.lost());
        out.push(Expectation::Lost { group: group.clone(), min, max });
        let (min, max) = exactly(gs.rebalances);
        out.push(Expectation::Rebalances { group, min, max });
    }
    for (t, n) in &s.dead_lettered {
        let (min, max) = exactly(*n);
        let topic = Some(sim.names().topics[t.0 as usize].clone());
        out.push(Expectation::DeadLettered { topic, queue: None, reason: None, min, max });
    }
    if sim.rabbit().is_some() {
        amqp(sim, &mut out);
    }
    out
}

fn kafka(sim: &Simulation, sc: &Scenario, out: &mut Vec<Expectation>) {
    let s = &sim.stats;
    let (min, max) = exactly(s.produced);
    out.push(Expectation::Produced { min, max });
    let (min, max) = exactly(s.acked_count);
    out.push(Expectation::Acked { min, max });
    let lost = acked_lost(sim).len() as u64;
    out.push(if lost == 0 { Expectation::NoAckedLoss } else { Expectation::AckedLoss { at_least: lost } });
    let (min, max) = exactly(s.leader_changes);
    out.push(Expectation::LeaderChanges { min, max });
    let at = Dur(sim.now().0);
    // The scenario's own topics (not retry, dead-letter or offsets topics).
    for tp in sim.partitions() {
        let topic = sim.names().topics[tp.topic.0 as usize].clone();
        if !sc.topics.iter().any(|t| t.name == topic) {
            continue;
        }
        let broker = sim.leader_of(tp).map(|b| b.0);
        out.push(Expectation::LeaderOf { topic, partition: tp.partition, at, broker });
    }
}

fn amqp(sim: &Simulation, out: &mut Vec<Expectation>) {
    let a = &sim.stats.amqp;
    for (i, q) in sim.names().queues.iter().enumerate() {
        let qr = crate::trace::QueueRef(i as u16);
        let (min, max) = exactly(a.routed.get(&qr).copied().unwrap_or(0));
        out.push(Expectation::Routed { queue: q.clone(), min, max });
        let dead = a.dead_lettered.iter().filter(|((x, _), _)| *x == qr).map(|(_, n)| *n).sum();
        let (min, max) = exactly(dead);
        out.push(Expectation::DeadLettered { topic: None, queue: Some(q.clone()), reason: None, min, max });
    }
    let (min, max) = exactly(a.redelivered);
    out.push(Expectation::Redelivered { min, max });
    let (min, max) = exactly(a.returned);
    out.push(Expectation::Returned { min, max });
}

/// One expectation on one line: `LeaderOf(topic: "orders", partition: 0, at: "40s", broker: 2)`.
fn one_line(e: &Expectation) -> String {
    let opts = ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
    let cfg = ron::ser::PrettyConfig::new().compact_structs(true).compact_arrays(true);
    opts.to_string_pretty(e, cfg).unwrap_or_else(|_| format!("{e:?}"))
}

/// The session as RON text, loadable by `brokerlab run`: a note on what it holds, then the
/// scenario with one expectation a line, the replaced ones as comments above them.
pub fn session_test_ron(live: &Simulation) -> String {
    let t = session_test(live);
    let mut head = String::from("// Its expectations are what this session observed (save what I saw as a test).\n");
    if let Some(d) = t.cut_from {
        head += &format!("// It ends at {}, where the session stopped (the scenario runs {d}).\n", t.scenario.duration);
    }
    if let Some(b) = &t.broken {
        head += &format!("// The run broke invariant {b}: a replay stops there and fails.\n");
    }
    head += &format!("// Replay digest: {:016x}\n", t.digest);
    let mut block =
        String::from("    expect: [\n        // The scenario's own expectations, replaced by what was observed:\n");
    for e in &t.replaced {
        block += &format!("        //   {},\n", one_line(e));
    }
    block += "        // What this session observed:\n";
    for e in &t.scenario.expect {
        block += &format!("        {},\n", one_line(e));
    }
    block += "    ],";
    let mut bare = t.scenario.clone();
    bare.expect.clear();
    let body = to_ron(&bare);
    match body.find("    expect: [],") {
        Some(i) => format!("{head}{}{block}{}", &body[..i], &body[i + "    expect: [],".len()..]),
        None => head + &to_ron(&t.scenario),
    }
}
