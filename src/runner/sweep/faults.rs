//! A seed's fault schedule: random faults derived from the seed alone, swarm-style (each
//! seed also draws which kinds of faults it uses and how many), then at the end a heal
//! (cuts healed, everything restarted) and a liveness check.

use crate::scenario::validate_groups::client_names;
use crate::scenario::{Action, Expectation, FaultSpec, Scenario};
use crate::sim::{Dur, NodeRng};

/// How long after the healing inputs the liveness check waits: a minute, or as long as a
/// group member may wait on a JoinGroup to a coordinator that vanished (the Java client
/// allows max.poll.interval + 5 s) plus a session timeout.
pub fn heal_time(sc: &Scenario) -> Dur {
    let groups = sc.consumer_groups.iter().map(|g| g.max_poll_interval.0 + g.session_timeout.0 + 15_000_000);
    Dur(groups.fold(60_000_000, u64::max))
}

fn pick<T: Clone>(rng: &mut NodeRng, v: &[T]) -> T {
    v[rng.below(v.len() as u64) as usize].clone()
}

/// Two different elements (`v` has at least two).
fn pick_two<T: Clone>(rng: &mut NodeRng, v: &[T]) -> (T, T) {
    let i = rng.below(v.len() as u64) as usize;
    let j = (i + 1 + rng.below(v.len() as u64 - 1) as usize) % v.len();
    (v[i].clone(), v[j].clone())
}

/// Fault kinds a seed may enable: broker crash, power loss, restart, cut, heal, slow link,
/// client crash, client restart, coordinator crash, clean stop, ZooKeeper down, up.
const KINDS: usize = 12;

/// The random fault schedule of `seed` for `sc` (swarm testing: each seed enables a
/// random subset of fault kinds and draws how many faults).
pub fn random_faults(sc: &Scenario, seed: u64) -> Vec<FaultSpec> {
    let mut rng = NodeRng::new(seed, 0x5eed_fa17);
    let brokers = sc.cluster.brokers;
    let clients: Vec<String> = client_names(sc).into_iter().filter(|n| *n != "rabbit").map(String::from).collect();
    let mut nodes: Vec<String> = (1..=brokers).map(|b| format!("broker-{b}")).collect();
    nodes.extend(clients.iter().cloned());
    if brokers > 0 {
        nodes.push("zookeeper".into());
    }
    let groups: Vec<String> = sc.consumer_groups.iter().map(|g| g.name.clone()).collect();
    let enabled: Vec<bool> = (0..KINDS).map(|_| rng.below(2) == 0).collect();
    let n = rng.uniform(1, 12);
    let span = sc.duration.0 * 8 / 10;
    let mut out = Vec::new();
    for _ in 0..n * 3 {
        if out.len() as u64 >= n {
            break;
        }
        let kind = rng.below(KINDS as u64) as usize;
        if !enabled[kind] {
            continue;
        }
        let b = if brokers > 0 { rng.uniform(1, brokers as u64) as u32 } else { 0 };
        let rabbit = sc.rabbitmq.is_some() && (brokers == 0 || rng.below(2) == 0);
        let action = match kind {
            0 | 1 if rabbit => Action::CrashRabbit,
            2 if rabbit => Action::RestartRabbit,
            0 if brokers > 0 => Action::CrashBroker(b),
            1 if brokers > 0 => Action::PowerOffBroker(b),
            2 if brokers > 0 => Action::RestartBroker(b),
            3 if nodes.len() > 1 => {
                let (x, y) = pick_two(&mut rng, &nodes);
                Action::Cut(vec![x], vec![y])
            }
            4 => Action::HealAll,
            5 if nodes.len() > 1 => {
                let (x, y) = pick_two(&mut rng, &nodes);
                Action::SlowLink(x, y, Dur::ms(rng.uniform(50, 2000)))
            }
            6 if !clients.is_empty() => Action::CrashClient(pick(&mut rng, &clients)),
            7 if !clients.is_empty() => Action::RestartClient(pick(&mut rng, &clients)),
            // Coordinator moves: the broker hosting a group's coordinator crashes.
            8 if !groups.is_empty() => Action::CrashCoordinator(pick(&mut rng, &groups)),
            // Controlled shutdown (leadership moves first), ZooKeeper outages.
            9 if brokers > 0 => Action::StopBroker(b),
            10 if brokers > 0 => Action::CrashZooKeeper,
            11 if brokers > 0 => Action::RestartZooKeeper,
            _ => continue,
        };
        let at = Dur(rng.uniform(0, span.max(1)));
        out.push(FaultSpec { at, action });
    }
    out.sort_by_key(|f| f.at);
    out
}

/// `sc` with `faults` added, then at its end everything healed and restarted, and a
/// liveness check a minute later (the run is that much longer).
pub fn with_faults(sc: &Scenario, seed: u64, faults: &[FaultSpec]) -> Scenario {
    let mut s = sc.clone();
    s.seed = seed;
    s.faults.extend(faults.iter().cloned());
    let end = sc.duration;
    let mut heal = vec![Action::HealAll];
    if sc.cluster.brokers > 0 {
        heal.push(Action::RestartZooKeeper);
        heal.extend((1..=sc.cluster.brokers).map(Action::RestartBroker));
    }
    if sc.rabbitmq.is_some() {
        heal.push(Action::RestartRabbit);
    }
    for c in client_names(sc) {
        if c != "rabbit" {
            heal.push(Action::RestartClient(c.to_string()));
        }
    }
    let nodes: Vec<String> = s
        .faults
        .iter()
        .filter_map(|f| match &f.action {
            Action::SlowLink(a, b, _) => Some((a.clone(), b.clone())),
            _ => None,
        })
        .flat_map(|(a, b)| [a, b])
        .collect();
    for pair in nodes.chunks(2) {
        heal.push(Action::SlowLink(pair[0].clone(), pair[1].clone(), Dur::ZERO));
    }
    s.faults.extend(heal.into_iter().map(|action| FaultSpec { at: end, action }));
    s.faults.sort_by_key(|f| f.at);
    s.duration = Dur(end.0 + heal_time(sc).0);
    // The sweep checks invariants and health, not the scenario's own story.
    s.expect = vec![Expectation::Healthy];
    s.narration.clear();
    s
}
