//! The cluster's life: brokers going down and up, ZooKeeper sessions and outages,
//! controller elections, and inputs (faults) applied. As a sentence for the event log and
//! as JSON fields; `text` and `jsonl` dispatch here.

use super::names::{Names, put};
use super::record::{DownHow, RecordKind};
use serde_json::{Map, Value, json};

/// The record as a sentence.
pub fn describe(kind: &RecordKind, _: &Names) -> String {
    match kind {
        RecordKind::BrokerDown { broker, how, lost_unflushed } => match how {
            DownHow::Clean => format!("broker-{} shut down cleanly", broker.0),
            DownHow::Crash => format!("broker-{} crashed", broker.0),
            DownHow::PowerLoss => {
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
        RecordKind::Input { what } => format!("▶ {what}"),
        _ => unreachable!("text::describe sends only this family here"),
    }
}

/// The record's fields as JSON (after t_us, seq, kind).
pub fn json_fields(kind: &RecordKind, _: &Names, m: &mut Map<String, Value>) {
    match kind {
        RecordKind::BrokerDown { broker, how, lost_unflushed } => {
            put(m, "broker", json!(broker.0));
            put(m, "how", json!(format!("{how:?}").to_lowercase()));
            put(m, "lost_unflushed", json!(lost_unflushed));
        }
        RecordKind::BrokerUp { broker } | RecordKind::SessionExpired { broker } => put(m, "broker", json!(broker.0)),
        RecordKind::ControllerElected { broker, controller_epoch } => {
            put(m, "broker", json!(broker.0));
            put(m, "controller_epoch", json!(controller_epoch));
        }
        RecordKind::ZooKeeper { up } => put(m, "up", json!(up)),
        RecordKind::Input { what } => put(m, "what", json!(what)),
        _ => unreachable!("jsonl::to_json sends only this family here"),
    }
}
