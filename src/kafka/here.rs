//! Where a broker-side method runs (`Here`): the time, the broker, its view of the
//! controller and of live brokers, the config. Shared by the replication and coordinator
//! wings and the broker, so it sits apart from all of them.

use crate::kafka::config::ClusterCfg;
use crate::sim::SimTime;
use crate::trace::BrokerId;

/// Where a replica method runs: the time, the broker, its view of the controller, config.
pub struct Here<'a> {
    /// Now.
    pub now: SimTime,
    /// This broker.
    pub me: BrokerId,
    /// The controller as this broker knows it.
    pub controller: Option<BrokerId>,
    /// Cluster settings.
    pub cfg: &'a ClusterCfg,
    /// Live brokers as this broker last heard (bit b = broker b): only live followers are
    /// ISR-eligible (K Partition.isReplicaIsrEligible).
    pub live: u64,
}

impl Here<'_> {
    /// Whether broker `b` is alive as far as this broker knows.
    pub fn is_live(&self, b: BrokerId) -> bool {
        b.0 < 64 && self.live & (1 << b.0) != 0
    }
}

/// The live-broker mask for a list of brokers.
pub fn live_mask(live: &[BrokerId]) -> u64 {
    live.iter().filter(|b| b.0 < 64).fold(0, |m, b| m | (1 << b.0))
}
