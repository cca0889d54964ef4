//! Records in plain words, for the app's event log ("broker-2's ZooKeeper session
//! expired; the controller made broker-3 leader of orders-1, epoch 4, from the ISR {3}").

use super::names::Names;
use super::record::{Family, Record, RecordKind};
use super::{cluster_record, consume_record, produce_record, replication_record};

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
    let kind = &r.kind;
    match kind.family() {
        Family::Produce => produce_record::describe(kind, n),
        Family::Replication => replication_record::describe(kind, n),
        Family::Cluster => cluster_record::describe(kind, n),
        Family::Consume => consume_record::describe(kind, n),
        Family::Group(g) => super::group_record::describe(g, n),
        Family::Amqp(a) => super::amqp_record::describe(a, n),
    }
}
