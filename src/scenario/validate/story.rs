//! Checks of what follows roles: narration placeholders name a topic, partition or group
//! that exists, and every `RestartCrashed` has a crash fault before it to undo.

use crate::scenario::error::ScenarioError;
use crate::scenario::narration;
use crate::scenario::schema::{Action, Scenario};

/// Whether an action takes a broker or client down (what `RestartCrashed` undoes).
pub fn takes_down(a: &Action) -> bool {
    match a {
        Action::CrashBroker(_)
        | Action::PowerOffBroker(_)
        | Action::StopBroker(_)
        | Action::CrashController
        | Action::CrashLeader { .. }
        | Action::CrashCoordinator(_)
        | Action::CrashClient(_) => true,
        Action::RestartBroker(_)
        | Action::CrashZooKeeper
        | Action::RestartZooKeeper
        | Action::RestartClient(_)
        | Action::Cut(..)
        | Action::Heal(..)
        | Action::HealAll
        | Action::SlowLink(..)
        | Action::PoisonMessage(_)
        | Action::AddConsumer { .. }
        | Action::PauseConsumer(_)
        | Action::CrashRabbit
        | Action::RestartRabbit
        | Action::AddPartitions { .. }
        | Action::ResumeConsumer(_)
        | Action::RestartCrashed => false,
    }
}

/// Checks narration placeholders and `RestartCrashed` faults; `err` places a message near
/// the anchors.
pub fn check_story(sc: &Scenario, err: &dyn Fn(&[&str], String) -> ScenarioError) -> Result<(), ScenarioError> {
    for n in &sc.narration {
        if let Err(bad) = narration::check(sc, &n.text) {
            return Err(err(&["narration", &bad.written], format!("narration at {}: {}", n.at, bad.msg)));
        }
    }
    // Faults at the same time apply in file order.
    let mut order: Vec<usize> = (0..sc.faults.len()).collect();
    order.sort_by_key(|&i| (sc.faults[i].at, i));
    let (mut downs, mut restarts) = (0usize, 0usize);
    for i in order {
        let f = &sc.faults[i];
        if takes_down(&f.action) {
            downs += 1;
        } else if f.action == Action::RestartCrashed {
            restarts += 1;
            if restarts > downs {
                let nth = sc.faults[..=i].iter().filter(|g| g.action == Action::RestartCrashed).count();
                let anchors: Vec<&str> =
                    std::iter::once("faults").chain(std::iter::repeat_n("RestartCrashed", nth)).collect();
                let msg = format!(
                    "fault {} (at {}): RestartCrashed number {restarts}, but only {downs} fault(s) before it take a \
                     broker or client down; expected a CrashBroker, PowerOffBroker, StopBroker, CrashController, \
                     CrashLeader, CrashCoordinator or CrashClient before each RestartCrashed",
                    i + 1,
                    f.at
                );
                return Err(err(&anchors, msg));
            }
        }
    }
    Ok(())
}
