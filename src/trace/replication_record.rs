//! Replication: appends to a leader's log, follower fetches, high watermarks, ISR changes,
//! leader elections, truncation and retention. As a sentence for the event log and as JSON
//! fields; `text` and `jsonl` dispatch here.

use super::ids::BrokerId;
use super::names::{Names, put};
use super::record::{Election, RecordKind};
use serde_json::{Map, Value, json};

/// The record as a sentence.
pub fn describe(kind: &RecordKind, n: &Names) -> String {
    match kind {
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
        _ => unreachable!("text::describe sends only this family here"),
    }
}

/// The record's fields as JSON (after t_us, seq, kind).
pub fn json_fields(kind: &RecordKind, n: &Names, m: &mut Map<String, Value>) {
    match kind {
        RecordKind::Append { broker, tp, offset, leader_epoch, value } => {
            put(m, "broker", json!(broker.0));
            put(m, "offset", json!(offset));
            put(m, "leader_epoch", json!(leader_epoch));
            put(m, "value_id", json!(n.msg(*value)));
            n.put_tp(m, *tp);
        }
        RecordKind::DuplicateBatch { broker, tp, value, offset } => {
            put(m, "broker", json!(broker.0));
            put(m, "value_id", json!(n.msg(*value)));
            put(m, "offset", json!(offset));
            n.put_tp(m, *tp);
        }
        RecordKind::Replicate { follower, tp, to_offset } => {
            put(m, "follower", json!(follower.0));
            put(m, "to_offset", json!(to_offset));
            n.put_tp(m, *tp);
        }
        RecordKind::Hw { broker, tp, high_watermark } => {
            put(m, "broker", json!(broker.0));
            put(m, "high_watermark", json!(high_watermark));
            n.put_tp(m, *tp);
        }
        RecordKind::Isr { tp, isr, leader_epoch } => {
            put(m, "isr", json!(isr.iter().map(|b| b.0).collect::<Vec<_>>()));
            put(m, "leader_epoch", json!(leader_epoch));
            n.put_tp(m, *tp);
        }
        RecordKind::Leader { tp, leader, leader_epoch, election: e, isr } => {
            put(m, "leader", leader.map(|b| json!(b.0)).unwrap_or(Value::Null));
            put(m, "leader_epoch", json!(leader_epoch));
            put(m, "election", json!(election(*e)));
            put(m, "isr", json!(isr.iter().map(|b| b.0).collect::<Vec<_>>()));
            n.put_tp(m, *tp);
        }
        RecordKind::Truncate { broker, tp, to_offset, removed } => {
            put(m, "broker", json!(broker.0));
            put(m, "to_offset", json!(to_offset));
            put(m, "removed", json!(removed));
            n.put_tp(m, *tp);
        }
        RecordKind::Retention { broker, tp, log_start_offset } => {
            put(m, "broker", json!(broker.0));
            put(m, "log_start_offset", json!(log_start_offset));
            n.put_tp(m, *tp);
        }
        _ => unreachable!("jsonl::to_json sends only this family here"),
    }
}

/// A set of brokers as "{1, 2}".
fn set(b: &[BrokerId]) -> String {
    let v: Vec<String> = b.iter().map(|b| b.0.to_string()).collect();
    format!("{{{}}}", v.join(", "))
}

fn election(e: Election) -> &'static str {
    match e {
        Election::Initial => "initial",
        Election::Clean => "clean",
        Election::Unclean => "unclean",
        Election::ControlledShutdown => "controlled_shutdown",
        Election::Offline => "offline",
    }
}
