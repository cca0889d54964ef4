//! The story a run tells: which narration lines' times have passed and the words each was
//! told with (its placeholders filled in from the state then). `narrate` fills it in.

use crate::scenario::Scenario;

/// The captions resolved so far.
#[derive(Clone, Debug, Default)]
pub struct Story {
    /// Narration indices by time (file order among equal times).
    pub(super) order: Vec<usize>,
    /// How many of `order` are resolved.
    pub(super) next: usize,
    /// Per narration line, its words once its time has passed.
    pub(super) told: Vec<Option<String>>,
}

impl Story {
    /// The story of a scenario, nothing told yet.
    pub fn new(sc: &Scenario) -> Story {
        let mut order: Vec<usize> = (0..sc.narration.len()).collect();
        order.sort_by_key(|&i| (sc.narration[i].at, i));
        Story { order, next: 0, told: vec![None; sc.narration.len()] }
    }
}
