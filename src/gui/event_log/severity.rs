//! How bad a record's news is, from its kind alone: the event log colours its lines by
//! this, never by their words.

use crate::trace::{AmqpEvent, DownHow, Election, GroupEvent, LeaveReason, RecordKind};
use bevy_egui::egui::Color32;

/// How bad a record's news is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Routine: the system doing its job (elections from the ISR, rebalances, commits).
    Info,
    /// Something degraded or a retry: an ISR shrank, a session expired, a record failed.
    Warning,
    /// Damage: a crash, lost or dead-lettered data, an unclean election, an error given up on.
    Bad,
}

impl Severity {
    /// Its colour in the log.
    pub fn color(self) -> Color32 {
        match self {
            Severity::Info => Color32::LIGHT_GRAY,
            Severity::Warning => Color32::from_rgb(255, 170, 60),
            Severity::Bad => Color32::from_rgb(255, 110, 100),
        }
    }
}

/// A record's severity from its kind (an ISR change needs the size before: `shrank`).
pub fn severity(k: &RecordKind, shrank: bool) -> Severity {
    use Severity::*;
    match k {
        RecordKind::BrokerDown { how: DownHow::Clean, .. } => Warning,
        RecordKind::BrokerDown { .. } | RecordKind::ZooKeeper { up: false } => Bad,
        RecordKind::ClientState { up: false, .. } => Bad,
        RecordKind::Leader { leader: None, .. } => Bad,
        RecordKind::Leader { election: Election::Unclean | Election::Offline, .. } => Bad,
        RecordKind::Leader { election: Election::Clean, .. } => Warning,
        RecordKind::Isr { .. } if shrank => Warning,
        RecordKind::Truncate { removed, .. } if *removed > 0 => Bad,
        RecordKind::ProduceError { retrying: false, .. } | RecordKind::ProcessSkip { .. } => Bad,
        RecordKind::ProduceError { .. } | RecordKind::ProcessFail { .. } | RecordKind::OffsetReset { .. } => Warning,
        RecordKind::SessionExpired { .. } => Warning,
        RecordKind::Group(g) => group_severity(g),
        RecordKind::Amqp(a) => amqp_severity(a),
        _ => Info,
    }
}

fn group_severity(g: &GroupEvent) -> Severity {
    match g {
        GroupEvent::DeadLetter { .. } => Severity::Bad,
        GroupEvent::MemberRemoved { reason: LeaveReason::Left, .. } => Severity::Info,
        GroupEvent::MemberRemoved { .. }
        | GroupEvent::CommitFailed { .. }
        | GroupEvent::PollTimeout { .. }
        | GroupEvent::RetryPublish { .. } => Severity::Warning,
        // Revocations and assignments are how a rebalance works, not damage.
        _ => Severity::Info,
    }
}

fn amqp_severity(a: &AmqpEvent) -> Severity {
    match a {
        AmqpEvent::DeadLetter { .. } | AmqpEvent::Lost { .. } | AmqpEvent::Confirm { ack: false, .. } => Severity::Bad,
        AmqpEvent::Route { queues, alternate: false, .. } if queues.is_empty() => Severity::Warning,
        AmqpEvent::Return { .. }
        | AmqpEvent::Refuse { .. }
        | AmqpEvent::Expire { .. }
        | AmqpEvent::Nack { .. }
        | AmqpEvent::Processed { ok: false, .. } => Severity::Warning,
        _ => Severity::Info,
    }
}
