//! Guided mode: where playback stops in a course chapter and what the cards show. A beat
//! with `pause` stops until Continue; a question stops at its `at` until answered, then the
//! run goes on to its `reveal`, where each choice is judged and playback stops again to show
//! ✓ and ✗; each expectation is judged as the run reaches its time (the untimed ones at the
//! end). Plain data driven by `playback`; the cards (`cards`) read it.

use crate::runner::course::{ChoiceVerdict, judge};
use crate::runner::expect::{Outcome, evaluate};
use crate::scenario::Scenario;
use crate::sim::SimTime;
use crate::world::Simulation;

/// What playback waits on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// A pause beat (narration index): Continue goes on.
    Beat(usize),
    /// A question (index) waiting for an answer.
    Question(usize),
    /// A question's reveal: each choice judged; Continue goes on.
    Reveal(usize),
}

/// A question's progress.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Asked {
    /// Playback reached its `at`.
    pub asked: bool,
    /// The choice picked (None: not answered, or skipped).
    pub answer: Option<usize>,
    /// Skipped: no stop at the reveal.
    pub skipped: bool,
    /// Each choice judged at the reveal.
    pub verdicts: Option<Vec<ChoiceVerdict>>,
}

/// The guide's state for one run.
#[derive(Clone, Debug, Default)]
pub struct Guide {
    /// What playback waits on now.
    pub stop: Option<Stop>,
    /// Per question.
    pub questions: Vec<Asked>,
    /// Per expectation: its verdict once the run reached its time.
    pub outcomes: Vec<Option<Outcome>>,
    /// Per expectation: what it says, in words.
    pub words: Vec<String>,
    /// Per beat: playback has stopped at it (a pause beat stops once).
    stopped_at: Vec<bool>,
    /// Beats fired when the guide last looked.
    seen: usize,
    /// The run reached its end and every untimed expectation was judged.
    pub finished: bool,
}

impl Guide {
    /// A fresh guide for `sc`.
    pub fn new(sc: &Scenario) -> Guide {
        Guide {
            stop: None,
            questions: vec![Asked::default(); sc.questions.len()],
            outcomes: vec![None; sc.expect.len()],
            words: Vec::new(),
            stopped_at: vec![false; sc.narration.len()],
            seen: 0,
            finished: false,
        }
    }

    /// The next time the guide must look at the run, after `now`: a question's time or
    /// reveal, a timed expectation, a timed pause beat, or the end.
    pub fn next_checkpoint(&self, sc: &Scenario, now: SimTime) -> SimTime {
        let end = SimTime(sc.duration.0);
        let mut t = end;
        let mut consider = |at: u64| {
            if at >= now.0 && at < t.0 {
                t = SimTime(at);
            }
        };
        for (q, a) in sc.questions.iter().zip(&self.questions) {
            if !a.asked {
                consider(q.at.0);
            } else if a.answer.is_some() && a.verdicts.is_none() {
                consider(q.reveal.0);
            }
        }
        for (e, o) in sc.expect.iter().zip(&self.outcomes) {
            if let (Some(at), None) = (e.at(), o) {
                consider(at.0);
            }
        }
        for (n, done) in sc.narration.iter().zip(&self.stopped_at) {
            if n.pause && n.on.is_none() && !done {
                consider(n.at.0);
            }
        }
        t
    }

    /// Whether a beat fired since the guide last looked (cheap; checked after each event).
    pub fn beat_fired(&self, sim: &Simulation) -> bool {
        sim.story().count() != self.seen
    }

    /// Looks at the run now: judges what is due, and returns where playback must stop (when
    /// `stopping`; otherwise every stop passed is marked done and playback goes on).
    pub fn arrive(&mut self, sim: &Simulation, stopping: bool) -> Option<Stop> {
        let sc = sim.scenario.clone();
        let now = sim.now();
        self.seen = sim.story().count();
        for (e, o) in sc.expect.iter().zip(self.outcomes.iter_mut()) {
            if o.is_none() && e.at().is_some_and(|at| at.0 <= now.0) {
                *o = Some(evaluate(sim, e));
            }
        }
        if now.0 >= sc.duration.0 && !self.finished {
            for (e, o) in sc.expect.iter().zip(self.outcomes.iter_mut()) {
                if o.is_none() {
                    *o = Some(evaluate(sim, e));
                }
            }
            self.finished = true;
        }
        let mut stop = None;
        // A reveal first: the verdict of what was asked before.
        for (i, q) in sc.questions.iter().enumerate() {
            let a = &mut self.questions[i];
            if a.answer.is_some() && a.verdicts.is_none() && q.reveal.0 <= now.0 {
                a.verdicts = Some(judge(sim, q));
                stop = stop.or(Some(Stop::Reveal(i)));
            }
        }
        for (i, _) in sim.story().fired() {
            if sc.narration[i].pause && !self.stopped_at[i] {
                self.stopped_at[i] = true;
                stop = stop.or(Some(Stop::Beat(i)));
            }
        }
        // Then the earliest question due (one at a time: the next waits for this one).
        let due = (0..sc.questions.len())
            .filter(|&i| !self.questions[i].asked && sc.questions[i].at.0 <= now.0)
            .min_by_key(|&i| (sc.questions[i].at, i));
        if let Some(i) = due {
            self.questions[i].asked = true;
            stop = Some(Stop::Question(i));
        }
        if stopping {
            if stop.is_some() {
                self.stop = stop;
            }
            stop
        } else {
            None
        }
    }

    /// Records an answer: the run goes on to the reveal.
    pub fn answer(&mut self, q: usize, choice: usize) {
        if let Some(a) = self.questions.get_mut(q) {
            a.answer = Some(choice);
            a.skipped = false;
        }
        self.stop = None;
    }

    /// Skips the question: no verdict, no stop at its reveal.
    pub fn skip(&mut self, q: usize) {
        if let Some(a) = self.questions.get_mut(q) {
            a.skipped = true;
        }
        self.stop = None;
    }
}
