//! Safety invariants checked from the trace records as they are made (cheap enough to stay
//! on in `run`, `check` and `sweep`); the whole-state ones (every few thousand events and at
//! the end) are in `world::checks` and share this memory. A violation names the invariant,
//! the record that broke it and the simulated time; the caller stops the run.

use super::amqp_invariants::AmqpLedger;
use super::violation::{Violation, violation};
use crate::sim::NodeId;
use crate::trace::{BrokerId, GroupEvent, GroupRef, RecordKind, Tp};
use std::collections::BTreeMap;

/// The checker's memory.
#[derive(Clone, Debug, Default)]
pub struct Invariants {
    leaders: BTreeMap<(Tp, u32), Option<BrokerId>>,
    hw: BTreeMap<(Tp, BrokerId), u64>,
    owners: BTreeMap<(GroupRef, u32, Tp), NodeId>,
    committed: BTreeMap<(GroupRef, Tp), u64>,
    /// Per consumer and partition: the offset last handed to the application, and whether
    /// processing it failed (an in-place retry hands the same offset again).
    delivered: BTreeMap<(NodeId, Tp), (u64, bool)>,
    /// Per partition: until when a commit may land that was sent before its position was
    /// reset (auto.offset.reset), and so may be above the commits made after the reset.
    reset_until_us: BTreeMap<Tp, u64>,
    /// Offsets a consumer's position jumped over (auto.offset.reset): skipped by design.
    pub skipped: BTreeMap<(NodeId, Tp), Vec<(u64, u64)>>,
    /// A power loss dropped unflushed records: acknowledged writes may be gone (Kafka
    /// relies on replication, not fsync), so the loss check stands down.
    pub power_loss_lost_records: bool,
    amqp: AmqpLedger,
    /// Checks done (records seen plus state sweeps), for the summary.
    pub checks: u64,
}

/// How long an OffsetCommit may be in flight: the Java consumer's default
/// request.timeout.ms (30 s). A commit sent before an offset reset can land this much later.
const COMMIT_IN_FLIGHT_MAX_US: u64 = 30_000_000;

use violation as v;

impl Invariants {
    /// Checks one new record.
    pub fn record(
        &mut self,
        n: &crate::trace::Names,
        offsets_topic: Option<crate::trace::TopicId>,
        t_us: u64,
        kind: &RecordKind,
    ) -> Result<(), Violation> {
        self.checks += 1;
        match kind {
            RecordKind::Leader { .. }
            | RecordKind::Hw { .. }
            | RecordKind::BrokerDown { .. }
            | RecordKind::BrokerUp { .. }
            | RecordKind::Truncate { .. } => self.replication(n, offsets_topic, t_us, kind),
            RecordKind::Deliver { .. }
            | RecordKind::ProcessFail { .. }
            | RecordKind::ClientState { .. }
            | RecordKind::OffsetReset { .. } => self.positions(n, t_us, kind),
            RecordKind::Group(e) => self.group(n, t_us, e),
            RecordKind::Amqp(e) => self.amqp.record(n, t_us, e),
            RecordKind::Produce { .. }
            | RecordKind::Append { .. }
            | RecordKind::DuplicateBatch { .. }
            | RecordKind::Replicate { .. }
            | RecordKind::Ack { .. }
            | RecordKind::ProduceError { .. }
            | RecordKind::Isr { .. }
            | RecordKind::Retention { .. }
            | RecordKind::SessionExpired { .. }
            | RecordKind::ControllerElected { .. }
            | RecordKind::ZooKeeper { .. }
            | RecordKind::Fetch { .. }
            | RecordKind::ProcessOk { .. }
            | RecordKind::ProcessSkip { .. }
            | RecordKind::Input { .. } => Ok(()),
        }
    }

    /// Leaders, high watermarks, and what crashes and truncations excuse.
    fn replication(
        &mut self,
        n: &crate::trace::Names,
        offsets_topic: Option<crate::trace::TopicId>,
        t_us: u64,
        kind: &RecordKind,
    ) -> Result<(), Violation> {
        match kind {
            RecordKind::Leader { tp, leader, leader_epoch, .. } => {
                // The controller never names two leaders for one partition and epoch.
                match self.leaders.insert((*tp, *leader_epoch), *leader) {
                    Some(prev) if prev != *leader => {
                        let show = |b: Option<BrokerId>| b.map(|b| format!("broker-{}", b.0)).unwrap_or("none".into());
                        let d = format!("{} epoch {leader_epoch}: {} and {}", n.tp(*tp), show(prev), show(*leader));
                        return Err(v("one_leader_per_epoch", t_us, d));
                    }
                    Some(_) | None => {}
                }
                self.hw.retain(|(t, _), _| t != tp);
            }
            RecordKind::Hw { broker, tp, high_watermark } => {
                // A leader's HW only grows while it leads (a new election or a restart resets it).
                let prev = self.hw.insert((*tp, *broker), *high_watermark);
                if let Some(p) = prev
                    && *high_watermark < p
                {
                    let d = format!("{} on broker-{}: HW {p} → {high_watermark}", n.tp(*tp), broker.0);
                    return Err(v("hw_never_decreases", t_us, d));
                }
            }
            RecordKind::BrokerDown { broker, how, lost_unflushed } => {
                self.hw.retain(|(_, b), _| b != broker);
                if *how == crate::trace::DownHow::PowerLoss && *lost_unflushed > 0 {
                    self.power_loss_lost_records = true;
                    // Unflushed commits and group generations may be gone for good (the
                    // offsets topic's min ISR is 1): a documented loss, not a bug.
                    self.committed.clear();
                    self.owners.clear();
                }
            }
            RecordKind::BrokerUp { broker } => {
                self.hw.retain(|(_, b), _| b != broker);
            }
            RecordKind::Truncate { tp, broker, .. } => {
                self.hw.remove(&(*tp, *broker));
                if Some(tp.topic) == offsets_topic {
                    // Commits and generations above the new leader's log went with it.
                    self.committed.clear();
                    self.owners.clear();
                }
            }
            _ => unreachable!("record() sends only replication records here"),
        }
        Ok(())
    }

    /// Consumer positions: delivered offsets only move forward, except where documented.
    fn positions(&mut self, n: &crate::trace::Names, t_us: u64, kind: &RecordKind) -> Result<(), Violation> {
        match kind {
            RecordKind::Deliver { consumer, tp, offset, value } => {
                // Positions only move forward, except by a rewind after a new assignment,
                // a restart or a reset (cleared below); a failed record is retried in place.
                if let Some((last, failed)) = self.delivered.insert((*consumer, *tp), (*offset, false))
                    && (*offset < last || (*offset == last && !failed))
                {
                    let d = format!(
                        "{} got {} at {} offset {offset} after offset {last}",
                        n.node(consumer.0),
                        n.msg(*value),
                        n.tp(*tp)
                    );
                    return Err(v("delivered_offsets_increase", t_us, d));
                }
            }
            RecordKind::ProcessFail { consumer, tp, offset, .. } => {
                self.delivered.insert((*consumer, *tp), (*offset, true));
            }
            RecordKind::ClientState { node, .. } => self.delivered.retain(|(c, _), _| c != node),
            RecordKind::OffsetReset { consumer, tp, from, to } => {
                // An explicit reset (offset out of range) may legitimately move a group back,
                // or skip records (to the latest, or past what retention deleted).
                self.committed.retain(|(_, t), _| t != tp);
                self.reset_until_us.insert(*tp, t_us + COMMIT_IN_FLIGHT_MAX_US);
                self.delivered.remove(&(*consumer, *tp));
                if to > from {
                    self.skipped.entry((*consumer, *tp)).or_default().push((*from, *to));
                }
            }

            _ => unreachable!("record() sends only position records here"),
        }
        Ok(())
    }

    /// Group generations and commits.
    fn group(&mut self, n: &crate::trace::Names, t_us: u64, e: &GroupEvent) -> Result<(), Violation> {
        match e {
            GroupEvent::Revoke { consumer, .. }
            | GroupEvent::PollTimeout { consumer }
            | GroupEvent::MemberRemoved { consumer, .. } => self.delivered.retain(|(c, _), _| c != consumer),
            GroupEvent::Assignment { group, generation, consumer, partitions } => {
                self.delivered.retain(|(c, _), _| c != consumer);
                for tp in partitions {
                    if let Some(other) = self.owners.insert((*group, *generation, *tp), *consumer)
                        && other != *consumer
                    {
                        let d = format!(
                            "group {} generation {generation}: {} given to {} and {}",
                            n.group(*group),
                            n.tp(*tp),
                            n.node(other.0),
                            n.node(consumer.0)
                        );
                        return Err(v("one_owner_per_generation", t_us, d));
                    }
                }
            }
            GroupEvent::Commit { group, tp, offset, .. } => {
                if let Some(p) = self.committed.insert((*group, *tp), *offset)
                    && *offset < p
                    && self.reset_until_us.get(tp).is_none_or(|&until| t_us > until)
                {
                    let d = format!("group {} {}: committed {p} → {offset}", n.group(*group), n.tp(*tp));
                    return Err(v("committed_offsets_never_go_back", t_us, d));
                }
            }
            GroupEvent::Coordinator { .. }
            | GroupEvent::State { .. }
            | GroupEvent::Rebalance { .. }
            | GroupEvent::CommitFailed { .. }
            | GroupEvent::RetryPublish { .. }
            | GroupEvent::DeadLetter { .. }
            | GroupEvent::Redrive { .. }
            | GroupEvent::Lag { .. } => {}
        }
        Ok(())
    }

    /// The AMQP ledger (what each queue's records account for), for the state check.
    pub fn amqp(&self) -> &AmqpLedger {
        &self.amqp
    }
}
