//! Inputs in plain words, for the trace's `input` records and the app's log.

use crate::scenario::Action;

/// An input in plain words.
pub fn describe(a: &Action) -> String {
    match a {
        Action::CrashBroker(b) => format!("crash broker-{b} (process)"),
        Action::PowerOffBroker(b) => format!("power off broker-{b} (unflushed data lost)"),
        Action::StopBroker(b) => format!("stop broker-{b} cleanly"),
        Action::RestartBroker(b) => format!("restart broker-{b}"),
        Action::CrashController => "crash the controller".into(),
        Action::CrashLeader { topic, partition: Some(p) } => format!("crash the leader of {topic}-{p}"),
        Action::CrashLeader { topic, partition: None } => {
            format!("crash a leader of {topic} that is not the controller")
        }
        Action::RestartCrashed => "restart the last node a fault took down".into(),
        Action::CrashZooKeeper => "crash ZooKeeper".into(),
        Action::RestartZooKeeper => "restart ZooKeeper".into(),
        Action::CrashClient(n) => format!("crash {n}"),
        Action::RestartClient(n) => format!("restart {n}"),
        Action::Cut(a, b) => format!("cut the network between {{{}}} and {{{}}}", a.join(", "), b.join(", ")),
        Action::Heal(a, b) => format!("heal the network between {{{}}} and {{{}}}", a.join(", "), b.join(", ")),
        Action::HealAll => "heal every network cut".into(),
        Action::PoisonMessage(p) => format!("{p}'s next message is a poison pill"),
        Action::AddConsumer { group, name: Some(n), .. } => format!("add {n} to group {group}"),
        Action::AddConsumer { group, name: None, .. } => format!("add a consumer to group {group}"),
        Action::PauseConsumer(n) => format!("{n}'s application stops polling"),
        Action::CrashCoordinator(g) => format!("crash the coordinator of group {g}"),
        Action::AddPartitions { topic, count } => format!("grow {topic} to {count} partitions"),
        Action::CrashRabbit => "crash the RabbitMQ node".into(),
        Action::RestartRabbit => "restart the RabbitMQ node".into(),
        Action::ResumeConsumer(n) => format!("{n}'s application carries on"),
        Action::SlowLink(a, b, d) if d.0 == 0 => format!("restore the link {a} ↔ {b} to normal latency"),
        Action::SlowLink(a, b, d) => format!("slow the link {a} ↔ {b} by {d}"),
    }
}
