//! Offsets on the coordinator (K GroupMetadataManager): commits are records appended to
//! the group's __consumer_offsets partition with acks=all and answered once replicated;
//! OffsetFetch reads the loaded map; a broker that becomes leader of an offsets partition
//! loads its groups from the log, and unloads them when it loses the leadership.

use crate::kafka::coordinator::group::Group;
use crate::kafka::coordinator::group_coordinator::GroupCoordinator;
use crate::kafka::coordinator::pending_commit::PendingCommit;
use crate::kafka::effects::{Fx, broker_node};
use crate::kafka::here::Here;
use crate::kafka::protocol::{Acks, GroupMsg, Msg, ProduceReq, ProducedRecord};
use crate::kafka::replication::log::Meta;
use crate::kafka::replication::replica_manager::ReplicaManager;
use crate::sim::NodeId;
use crate::trace::GroupState;
use crate::trace::{ErrorCode, GroupEvent, GroupRef, MsgId, RecordKind, Tp};
use std::collections::BTreeMap;

/// offsets.commit.timeout.ms.
const OFFSETS_COMMIT_TIMEOUT_US: u64 = 5_000_000;

/// The value id internal records carry (they are nobody's message).
const INTERNAL: MsgId = MsgId(u64::MAX);

/// The size internal records count as: roughly a group id, a topic, a partition and an
/// offset. It only decides when `__consumer_offsets` rolls a segment (it has no retention).
const INTERNAL_RECORD_BYTES: u32 = 100;

impl GroupCoordinator {
    /// K validateOffsetCommit, then the append; the answer comes with the append's result.
    #[allow(clippy::too_many_arguments)]
    pub fn commit(
        &mut self,
        h: &Here,
        rm: &mut ReplicaManager,
        from: NodeId,
        req: u64,
        g: GroupRef,
        generation: i32,
        member_id: &str,
        offsets: Vec<(Tp, u64)>,
        fx: &mut Fx,
    ) {
        let group = self.groups.entry(g).or_insert_with(|| Group::new(0, BTreeMap::new()));
        let error = if group.state == GroupState::Dead {
            Some(ErrorCode::CoordinatorNotAvailable)
        } else if generation < 0 && group.state == GroupState::Empty {
            None // a consumer outside the group protocol (manual assignment)
        } else if !group.members.contains_key(member_id) {
            Some(ErrorCode::UnknownMemberId)
        } else if generation != group.generation as i32 {
            Some(ErrorCode::IllegalGeneration)
        } else if group.state == GroupState::CompletingRebalance {
            Some(ErrorCode::RebalanceInProgress)
        } else {
            None
        };
        if let Some(e) = error {
            fx.send(from, Msg::Group(GroupMsg::CommitResp { req, error: Some(e) }));
            return;
        }
        let consumer = group.member_of(from).and_then(|id| group.node_ref(id)).unwrap_or(NodeId(from.0));
        self.touch(g, member_id, fx);
        let records = offsets
            .iter()
            .map(|&(tp, offset)| ProducedRecord {
                value: INTERNAL,
                key: None,
                poison: false,
                bytes: INTERNAL_RECORD_BYTES,
                meta: Meta::Commit { group: g, tp, offset },
            })
            .collect();
        let id = self.append(h, rm, g, records, Acks::All, fx);
        self.pending.insert(id, PendingCommit { from, req, group: g, consumer, offsets });
    }

    /// Appends internal records to the group's offsets partition; returns the request id.
    fn append(
        &mut self,
        h: &Here,
        rm: &mut ReplicaManager,
        g: GroupRef,
        records: Vec<ProducedRecord>,
        acks: Acks,
        fx: &mut Fx,
    ) -> u64 {
        self.next_req += 1;
        let tp = h.cfg.offsets_partition_for(g).expect("groups imply the offsets topic");
        let req = ProduceReq {
            req: self.next_req,
            tp,
            acks,
            records,
            idempotence: None,
            timeout_us: OFFSETS_COMMIT_TIMEOUT_US,
        };
        rm.produce(h, broker_node(h.me), req, fx);
        self.next_req
    }

    /// Writes the group's generation (K storeGroup, acks=all); a group completing a
    /// rebalance answers its SyncGroups when the write is replicated.
    pub(super) fn store_group_with(&mut self, h: &Here, rm: &mut ReplicaManager, g: GroupRef, fx: &mut Fx) {
        let generation = self.groups.get(&g).map(|gr| gr.generation).unwrap_or(0);
        let rec = ProducedRecord {
            value: INTERNAL,
            key: None,
            poison: false,
            bytes: INTERNAL_RECORD_BYTES,
            meta: Meta::GroupMetadata { group: g, generation },
        };
        let req = self.append(h, rm, g, vec![rec], Acks::All, fx);
        self.pending_stores.insert(req, (g, generation));
    }

    /// The append behind a commit or a group store finished (a ProduceResponse to this
    /// broker itself).
    pub fn on_append_result(&mut self, h: &Here, req: u64, result: Result<u64, ErrorCode>, fx: &mut Fx) {
        if let Some((g, generation)) = self.pending_stores.remove(&req) {
            return self.sync_stored(h, g, generation, result.is_ok(), fx);
        }
        let Some(p) = self.pending.remove(&req) else {
            return;
        };
        let error = match result {
            Ok(_) => {
                if let Some(group) = self.groups.get_mut(&p.group) {
                    for &(tp, offset) in &p.offsets {
                        group.offsets.insert(tp, offset);
                        let ev = GroupEvent::Commit { group: p.group, consumer: p.consumer, tp, offset };
                        fx.record(RecordKind::Group(ev));
                    }
                }
                None
            }
            Err(ErrorCode::NotLeaderOrFollower) => Some(ErrorCode::NotCoordinator),
            // K: NOT_ENOUGH_REPLICAS and timeouts become COORDINATOR_NOT_AVAILABLE.
            Err(_) => Some(ErrorCode::CoordinatorNotAvailable),
        };
        fx.send(p.from, Msg::Group(GroupMsg::CommitResp { req: p.req, error }));
    }

    /// OffsetFetch.
    pub fn fetch_offsets(&self, g: GroupRef, tps: &[Tp]) -> Vec<(Tp, Option<u64>)> {
        let offsets = self.groups.get(&g).map(|gr| &gr.offsets);
        tps.iter().map(|tp| (*tp, offsets.and_then(|o| o.get(tp).copied()))).collect()
    }

    /// After leadership changed: load the groups of offsets partitions this broker now
    /// leads (from their logs) and unload those it no longer leads.
    pub fn sync_leadership(&mut self, h: &Here, rm: &ReplicaManager, fx: &mut Fx) {
        let Some(topic) = h.cfg.offsets_topic else { return };
        for p in 0..h.cfg.topic(topic).partitions {
            let tp = Tp { topic, partition: p };
            let leads = rm.replicas.get(&tp).is_some_and(|r| r.is_leader());
            match (leads, self.led.contains(&p)) {
                (true, false) => {
                    self.led.insert(p);
                    self.load(h, rm, tp, fx);
                }
                (false, true) => {
                    self.led.remove(&p);
                    self.unload(h, p, fx);
                }
                (true, true) | (false, false) => {}
            }
        }
    }

    fn load(&mut self, h: &Here, rm: &ReplicaManager, tp: Tp, fx: &mut Fx) {
        let mut loaded: BTreeMap<GroupRef, Group> = BTreeMap::new();
        for (_, e) in rm.replicas[&tp].log.iter() {
            match e.meta {
                Meta::Commit { group, tp, offset } => {
                    loaded.entry(group).or_insert_with(|| Group::new(0, BTreeMap::new())).offsets.insert(tp, offset);
                }
                Meta::GroupMetadata { group, generation } => {
                    loaded.entry(group).or_insert_with(|| Group::new(0, BTreeMap::new())).generation = generation;
                }
                Meta::None | Meta::Origin { .. } => {}
            }
        }
        for g in (0..h.cfg.groups.len() as u16).map(GroupRef) {
            if h.cfg.offsets_partition_for(g) == Some(tp) {
                let group = loaded.remove(&g).unwrap_or_else(|| Group::new(0, BTreeMap::new()));
                let ev = GroupEvent::Coordinator {
                    group: g,
                    broker: h.me.0,
                    partition: tp.partition,
                    offsets: group.offsets.len() as u32,
                };
                fx.record(RecordKind::Group(ev));
                self.groups.insert(g, group);
            }
        }
    }

    fn unload(&mut self, h: &Here, partition: u32, fx: &mut Fx) {
        let gone: Vec<GroupRef> = self
            .groups
            .keys()
            .copied()
            .filter(|g| h.cfg.offsets_partition_for(*g).is_some_and(|t| t.partition == partition))
            .collect();
        for g in gone {
            let group = self.groups.remove(&g).expect("listed");
            for m in group.members.values() {
                if let Some(req) = m.awaiting_join {
                    let result = crate::kafka::protocol::JoinResult::Error(ErrorCode::NotCoordinator);
                    fx.send(m.node, Msg::Group(GroupMsg::JoinResp { req, result }));
                }
                if let Some(req) = m.awaiting_sync {
                    fx.send(m.node, Msg::Group(GroupMsg::SyncResp { req, result: Err(ErrorCode::NotCoordinator) }));
                }
            }
        }
    }
}
