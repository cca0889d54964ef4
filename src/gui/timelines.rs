//! Timelines: changing a past already seen forks the run. The run left behind stays as a
//! timeline of its own ("main", "crash broker-2 at 9.500s", …), listed and switchable; each
//! saves as a scenario file with "Save session" (the scenario plus its inputs with their
//! times), which replays headless to the same trace. Two timelines compare side by side:
//! the other one follows the shown one's simulated time, and `runner::diff` gives where
//! their traces part and a table of what differs (acked, lost, duplicated, dead-lettered,
//! lag, leader changes, rebalances), run headless to both ends.

use crate::runner::diff::Comparison;
use crate::sim::SimTime;

/// Timelines kept at most (each keeps its own snapshots).
pub const MAX_TIMELINES: usize = 4;

/// The timelines besides the one shown (each an `L`, the app's loaded run), and the
/// comparison if one is on. Forking, switching and comparing: `forks.rs`.
pub struct Timelines<L> {
    /// The shown timeline's name.
    pub active: String,
    /// The others, with their names, in the order they were made.
    pub others: Vec<(String, L)>,
    /// The comparison on screen.
    pub compare: Option<Compared>,
}

/// A comparison of the shown timeline (A) with another (B).
pub struct Compared {
    /// B's name.
    pub with: String,
    /// Where the traces part and what differs, from both runs to their ends.
    pub result: Comparison,
    /// When they part (the earlier of the two first different records).
    pub parted_at: Option<SimTime>,
}

impl<L> Default for Timelines<L> {
    fn default() -> Self {
        Timelines { active: "main".into(), others: Vec::new(), compare: None }
    }
}

impl<L> Timelines<L> {
    /// Forgets every timeline: a new scenario was opened.
    pub fn reset(&mut self) {
        *self = Timelines::default();
    }

    /// Names of every timeline, the shown one first.
    pub fn names(&self) -> Vec<String> {
        std::iter::once(self.active.clone()).chain(self.others.iter().map(|o| o.0.clone())).collect()
    }
}
