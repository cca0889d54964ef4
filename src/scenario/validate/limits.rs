//! Bounds on scenario sizes (so a scenario can never exhaust memory or run forever), and
//! the lower bound every duration setting shares.

use crate::scenario::error::ScenarioError;
use crate::sim::Dur;

/// Brokers.
pub const BROKERS: u32 = 32;
/// Topics.
pub const TOPICS: usize = 64;
/// Partitions of one topic.
pub const PARTITIONS: u32 = 1024;
/// Replicas in the whole cluster (partitions × replication factor).
pub const REPLICAS: u64 = 20_000;
/// Producers, consumers.
pub const CLIENTS: usize = 200;
/// Records produced in one run (rate × time, summed).
pub const MESSAGES: u64 = 20_000_000;
/// Distinct keys of one producer.
pub const KEYS: u64 = 1_000_000;
/// Bytes of all producers' keys together (a long `Distinct` prefix is repeated per key).
pub const KEY_BYTES: u64 = 16 << 20;
/// Faults, narration lines, expectations.
pub const ITEMS: usize = 10_000;
/// Run duration.
pub const DURATION_S: u64 = 24 * 3600;

/// `field` (a duration setting) is at least `min`; the error points at the field.
pub fn positive(
    err: &dyn Fn(&[&str], String) -> ScenarioError,
    d: Dur,
    field: &str,
    min: Dur,
) -> Result<(), ScenarioError> {
    if d < min {
        return Err(err(&[field], format!("`{field}` must be at least {min}, got {d}")));
    }
    Ok(())
}
