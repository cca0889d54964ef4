//! Records in plain words, for the app's event log ("broker-2's ZooKeeper session
//! expired; the controller made broker-3 leader of orders-1, epoch 4, from the ISR {3}").

use super::{Election, Names, Record, RecordKind};

fn set(b: &[super::BrokerId]) -> String {
    let v: Vec<String> = b.iter().map(|b| b.0.to_string()).collect();
    format!("{{{}}}", v.join(", "))
}

/// Whether a record is a cluster event (shown by default) rather than data-path detail.
pub fn is_notable(r: &RecordKind) -> bool {
    match r {
        RecordKind::Leader { .. }
        | RecordKind::Isr { .. }
        | RecordKind::Truncate { .. }
        | RecordKind::Retention { .. }
        | RecordKind::BrokerDown { .. }
        | RecordKind::BrokerUp { .. }
        | RecordKind::SessionExpired { .. }
        | RecordKind::ControllerElected { .. }
        | RecordKind::ZooKeeper { .. }
        | RecordKind::OffsetReset { .. }
        | RecordKind::ClientState { .. }
        | RecordKind::Input { .. }
        | RecordKind::DuplicateBatch { .. }
        | RecordKind::ProcessFail { .. }
        | RecordKind::ProcessSkip { .. } => true,
        RecordKind::ProduceError { retrying, .. } => !retrying,
        RecordKind::Group(g) => g.is_notable(),
        RecordKind::Amqp(a) => a.is_notable(),
        RecordKind::Produce { .. }
        | RecordKind::Append { .. }
        | RecordKind::Replicate { .. }
        | RecordKind::Hw { .. }
        | RecordKind::Ack { .. }
        | RecordKind::Fetch { .. }
        | RecordKind::Deliver { .. }
        | RecordKind::ProcessOk { .. } => false,
    }
}

/// One record as a sentence.
pub fn describe(r: &Record, n: &Names) -> String {
    match &r.kind {
        RecordKind::Produce { producer, value, key, tp, reason } => {
            let why = match reason {
                super::PartitionReason::Explicit => "named explicitly".to_string(),
                super::PartitionReason::KeyHash => {
                    format!("murmur2(\"{}\") mod {}", key.map(|k| n.key(k)).unwrap_or(""), "partitions")
                }
                super::PartitionReason::Sticky => "sticky partitioner (no key)".into(),
                super::PartitionReason::RoundRobin => "round robin (no key)".into(),
            };
            format!("{} produced {} to {} ({why})", n.node(producer.0), n.msg(*value), n.tp(*tp))
        }
        RecordKind::Append { broker, tp, offset, leader_epoch, value } => format!(
            "broker-{} appended {} to {} at offset {offset} (epoch {leader_epoch})",
            broker.0,
            n.msg(*value),
            n.tp(*tp)
        ),
        RecordKind::DuplicateBatch { broker, tp, value, offset } => format!(
            "broker-{} recognised a retried {} for {}: already at offset {offset}, not appended twice",
            broker.0,
            n.msg(*value),
            n.tp(*tp)
        ),
        RecordKind::Replicate { follower, tp, to_offset } => {
            format!("broker-{} fetched {} up to offset {to_offset}", follower.0, n.tp(*tp))
        }
        RecordKind::Hw { broker, tp, high_watermark } => {
            format!("{} high watermark now {high_watermark} on leader broker-{}", n.tp(*tp), broker.0)
        }
        RecordKind::Ack { producer, value, tp, offset } => {
            format!("{} got the ack for {} ({} offset {offset})", n.node(producer.0), n.msg(*value), n.tp(*tp))
        }
        RecordKind::ProduceError { producer, value, tp, error, retrying } => {
            let next = if *retrying { "will retry" } else { "gave up" };
            format!(
                "{}: {} to {} failed with {}; {next}",
                n.node(producer.0),
                n.msg(*value),
                n.tp(*tp),
                error.name().to_uppercase()
            )
        }
        RecordKind::Isr { tp, isr, leader_epoch } => {
            format!("ISR of {} is now {} (epoch {leader_epoch})", n.tp(*tp), set(isr))
        }
        RecordKind::Leader { tp, leader, leader_epoch, election, isr } => match (leader, election) {
            (None, _) | (_, Election::Offline) => {
                format!("{} has no eligible replica: it is offline (ISR {})", n.tp(*tp), set(isr))
            }
            (Some(b), Election::Unclean) => format!(
                "the controller made broker-{} leader of {}, epoch {leader_epoch}, from OUTSIDE the ISR (unclean election: committed data may be lost)",
                b.0,
                n.tp(*tp)
            ),
            (Some(b), _) => format!(
                "the controller made broker-{} leader of {}, epoch {leader_epoch}, from the ISR {}",
                b.0,
                n.tp(*tp),
                set(isr)
            ),
        },
        RecordKind::Truncate { broker, tp, to_offset, removed } => format!(
            "broker-{} truncated {} to offset {to_offset}: {removed} records that diverged from the leader are gone",
            broker.0,
            n.tp(*tp)
        ),
        RecordKind::Retention { broker, tp, log_start_offset } => {
            format!("retention on broker-{} deleted {} below offset {log_start_offset}", broker.0, n.tp(*tp))
        }
        RecordKind::BrokerDown { broker, how, lost_unflushed } => match how {
            super::DownHow::Clean => format!("broker-{} shut down cleanly", broker.0),
            super::DownHow::Crash => format!("broker-{} crashed", broker.0),
            super::DownHow::PowerLoss => {
                format!("broker-{} lost power: {lost_unflushed} unflushed records gone from its disk", broker.0)
            }
        },
        RecordKind::BrokerUp { broker } => format!("broker-{} started", broker.0),
        RecordKind::SessionExpired { broker } => {
            format!("broker-{}'s ZooKeeper session expired", broker.0)
        }
        RecordKind::ControllerElected { broker, controller_epoch } => {
            format!("broker-{} became the controller (controller epoch {controller_epoch})", broker.0)
        }
        RecordKind::ZooKeeper { up } => {
            if *up {
                "ZooKeeper is back".into()
            } else {
                "ZooKeeper went down".into()
            }
        }
        RecordKind::Fetch { consumer, tp, offset, records } => {
            format!("{} fetched {records} records of {} from offset {offset}", n.node(consumer.0), n.tp(*tp))
        }
        RecordKind::Deliver { consumer, tp, offset, value } => {
            format!("{} started processing {} ({} offset {offset})", n.node(consumer.0), n.msg(*value), n.tp(*tp))
        }
        RecordKind::ProcessOk { consumer, tp, offset, value } => {
            format!("{} processed {} ({} offset {offset})", n.node(consumer.0), n.msg(*value), n.tp(*tp))
        }
        RecordKind::ProcessFail { consumer, tp, offset, value, attempt } => format!(
            "{} failed to process {} ({} offset {offset}), attempt {attempt}",
            n.node(consumer.0),
            n.msg(*value),
            n.tp(*tp)
        ),
        RecordKind::ProcessSkip { consumer, tp, offset, value, attempts } => format!(
            "{} gave up on {} ({} offset {offset}) after {attempts} attempts and skipped it",
            n.node(consumer.0),
            n.msg(*value),
            n.tp(*tp)
        ),
        RecordKind::OffsetReset { consumer, tp, from, to } => {
            format!("{}'s offset {from} on {} is out of range: reset to {to}", n.node(consumer.0), n.tp(*tp))
        }
        RecordKind::ClientState { node, up } => {
            format!("{} {}", n.node(node.0), if *up { "started" } else { "crashed" })
        }
        RecordKind::Input { what } => format!("▶ {what}"),
        RecordKind::Group(g) => super::group_record::describe(g, n),
        RecordKind::Amqp(a) => super::amqp_record::describe(a, n),
    }
}
