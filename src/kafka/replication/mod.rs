//! Replication (K kafka.cluster and kafka.server): the log, a broker's replica of a
//! partition (`Partition`), the ISR, the purgatories, the replica manager, placement.

pub mod delayed;
pub mod isr;
pub mod log;
pub mod partition;
pub mod placement;
pub mod producer_state;
pub mod purgatory;
pub mod record_store;
pub mod replica_manager;
pub mod role;
pub mod segments;
