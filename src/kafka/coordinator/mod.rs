//! Consumer groups on the broker (K kafka.coordinator.group): the group state machine,
//! the group coordinator and the offset manager.

pub mod group;
pub mod group_coordinator;
pub mod offset_manager;
pub mod pending_commit;
