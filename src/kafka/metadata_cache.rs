//! A broker's metadata cache (K MetadataCache): the partition states and live brokers the
//! controller last told it. Its own file so the broker reads as the handlers it runs, and
//! so FindCoordinator and Metadata answers come from one place.

use crate::kafka::config::ClusterCfg;
use crate::kafka::here::live_mask;
use crate::kafka::protocol::PartitionState;
use crate::trace::{BrokerId, GroupRef, Tp};
use std::collections::BTreeMap;

/// The latest partition states and live brokers a broker was told.
#[derive(Clone, Debug, Default)]
pub struct MetadataCache {
    /// Partition states by partition.
    pub partitions: BTreeMap<Tp, PartitionState>,
    /// Live brokers as last told.
    pub live: Vec<BrokerId>,
    /// `live` as a bit mask (the replica context carries it).
    pub(crate) live_mask: u64,
}

impl MetadataCache {
    /// A cluster created before the run: every broker live, these states.
    pub fn load_initial(&mut self, brokers: u32, states: &[(Tp, PartitionState)]) {
        self.live = (1..=brokers).map(BrokerId).collect();
        self.live_mask = live_mask(&self.live);
        self.partitions = states.iter().map(|(t, s)| (*t, s.clone())).collect();
    }

    /// LeaderAndIsr: the live brokers, and each state unless the cache holds a newer one.
    pub fn update(&mut self, states: &[(Tp, PartitionState)], live: Vec<BrokerId>) {
        self.live_mask = live_mask(&live);
        self.live = live;
        for (tp, s) in states {
            let newer = self
                .partitions
                .get(tp)
                .is_none_or(|m| (s.leader_epoch, s.partition_epoch) >= (m.leader_epoch, m.partition_epoch));
            if newer {
                self.partitions.insert(*tp, s.clone());
            }
        }
    }

    /// Every partition's leader and leader epoch (a Metadata response).
    pub fn leaders(&self) -> Vec<(Tp, Option<BrokerId>, u32)> {
        self.partitions.iter().map(|(tp, s)| (*tp, s.leader, s.leader_epoch)).collect()
    }

    /// The group's coordinator: the leader of its __consumer_offsets partition.
    pub fn coordinator_for(&self, cfg: &ClusterCfg, group: GroupRef) -> Option<BrokerId> {
        cfg.offsets_partition_for(group).and_then(|tp| self.partitions.get(&tp)).and_then(|s| s.leader)
    }
}
