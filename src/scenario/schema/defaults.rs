//! Default values the serde attributes of several schema files name
//! (`#[serde(default = "d::<500>")]`): one place, so each default reads the same everywhere.

use crate::sim::Dur;

/// A duration of `MS` milliseconds.
pub fn d<const MS: u64>() -> Dur {
    Dur::ms(MS)
}
/// 100 (records per batch, record and message bytes).
pub fn hundred() -> u32 {
    100
}
/// max.poll.records.
pub fn max_poll() -> u32 {
    500
}
/// true.
pub fn yes() -> bool {
    true
}
