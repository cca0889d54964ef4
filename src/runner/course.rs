//! Judging a course question: at its reveal, each choice's `holds` are evaluated against
//! the run; the right answer is the one choice whose expectations all pass. Nothing about
//! the answer is stored in the file, so a learner who changes the seed sees whether the
//! prediction still holds.

use super::expect::{Outcome, evaluate};
use crate::scenario::Question;
use crate::world::Simulation;

/// One choice at the reveal.
#[derive(Clone, Debug, PartialEq)]
pub struct ChoiceVerdict {
    /// Every expectation of the choice passed.
    pub holds: bool,
    /// What the run showed, one phrase per expectation ("lag of notifier at 30s: 1342").
    pub observed: String,
}

/// Judges each choice of `q` against the simulation as it is now (at the reveal).
pub fn judge(sim: &Simulation, q: &Question) -> Vec<ChoiceVerdict> {
    q.choices
        .iter()
        .map(|c| {
            let outs: Vec<Outcome> = c.holds.iter().map(|e| evaluate(sim, e)).collect();
            // One expectation: its value; several: each with what it measured.
            let observed: Vec<String> = match outs.as_slice() {
                [o] => vec![o.observed.clone()],
                _ => outs.iter().map(|o| format!("{}: {}", o.what, o.observed)).collect(),
            };
            ChoiceVerdict { holds: outs.iter().all(|o| o.passed), observed: observed.join("; ") }
        })
        .collect()
}

/// The index of the right answer: the one choice that holds (None when none or several do).
pub fn right_answer(v: &[ChoiceVerdict]) -> Option<usize> {
    let mut holding = v.iter().enumerate().filter(|(_, c)| c.holds).map(|(i, _)| i);
    match (holding.next(), holding.next()) {
        (Some(i), None) => Some(i),
        _ => None,
    }
}

/// A question as a verdict of the run: passed when exactly one choice holds.
pub fn outcome(n: usize, q: &Question, v: &[ChoiceVerdict]) -> Outcome {
    let marks: Vec<String> = q
        .choices
        .iter()
        .zip(v)
        .map(|(c, v)| format!("{} \"{}\" ({})", if v.holds { "✓" } else { "✗" }, c.text, v.observed))
        .collect();
    Outcome {
        what: format!("question {n} (\"{}\") has exactly one right answer at {}", q.ask, q.reveal),
        passed: right_answer(v).is_some(),
        observed: marks.join(" · "),
    }
}
