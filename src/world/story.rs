//! The story a run tells: which beats of the narration have fired, when, and the words each
//! was told with (its placeholders filled in from the state then). A beat with a time fires
//! when the run passes it; a beat with `on` waits, from its time, for the first trace record
//! it names. `narrate` fills it in.

use crate::scenario::Scenario;
use crate::sim::SimTime;

/// The beats fired so far.
#[derive(Clone, Debug, Default)]
pub struct Story {
    /// Indices of the beats without `on`, by time (file order among equal times).
    pub(super) order: Vec<usize>,
    /// How many of `order` have fired.
    pub(super) next: usize,
    /// Beats with `on` that have not fired, by time.
    pub(super) waiting: Vec<usize>,
    /// Per beat, its words once it fired.
    pub(super) told: Vec<Option<String>>,
    /// Per beat, when it fired.
    pub(super) fired: Vec<Option<SimTime>>,
    /// Beats fired so far (a cheap "anything new?" for the app).
    pub(super) count: usize,
}

impl Story {
    /// The story of a scenario, nothing told yet.
    pub fn new(sc: &Scenario) -> Story {
        let by_time = |on: bool| {
            let mut v: Vec<usize> = (0..sc.narration.len()).filter(|&i| sc.narration[i].on.is_some() == on).collect();
            v.sort_by_key(|&i| (sc.narration[i].at, i));
            v
        };
        let n = sc.narration.len();
        Story {
            order: by_time(false),
            next: 0,
            waiting: by_time(true),
            told: vec![None; n],
            fired: vec![None; n],
            count: 0,
        }
    }

    /// Records that beat `i` fired at `t` with these words.
    pub(super) fn fire(&mut self, i: usize, t: SimTime, words: String) {
        self.told[i] = Some(words);
        self.fired[i] = Some(t);
        self.count += 1;
    }

    /// The beats fired so far, in the order they fired: (beat index, time).
    pub fn fired(&self) -> Vec<(usize, SimTime)> {
        let mut v: Vec<(usize, SimTime)> =
            self.fired.iter().enumerate().filter_map(|(i, t)| t.map(|t| (i, t))).collect();
        v.sort_by_key(|&(i, t)| (t, i));
        v
    }

    /// When beat `i` fired, if it has.
    pub fn fired_at(&self, i: usize) -> Option<SimTime> {
        self.fired.get(i).copied().flatten()
    }

    /// How many beats have fired.
    pub fn count(&self) -> usize {
        self.count
    }
}
