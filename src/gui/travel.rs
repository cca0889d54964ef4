//! Going back and forth in the loaded run with its `Rewind`: restore the latest snapshot
//! before the target and re-simulate through the app (charts, log, guide, the learner's
//! inputs where they came), to a time, one visible event back, or a beat.

use super::state::Loaded;
use crate::sim::SimTime;

/// Where a re-simulation stops.
#[derive(Clone, Copy, Debug)]
enum Until {
    /// Every event at or before this time has run, and the clock shows it.
    Time(SimTime),
    /// This many engine events have run.
    Events(u64),
}

/// Puts `l` back to the latest snapshot at or before (`events`, `at`), keeping what the
/// learner set (speed, selection, filters, forms) and the rewind itself. Answers to
/// questions asked before `keep` stay (the run passes them again); later ones are asked again.
fn restore(l: &mut Loaded, events: u64, at: SimTime, keep: SimTime) {
    let rewind = std::mem::take(&mut l.rewind);
    let snap = rewind.snapshot_before(events, at);
    let Some(snap) = snap else {
        l.rewind = rewind;
        return;
    };
    let mut state = (*snap.state).clone();
    state.speed = l.speed;
    state.selection = l.selection;
    state.log_filter = std::mem::take(&mut l.log_filter);
    state.show_data_path = l.show_data_path;
    state.save_path = std::mem::take(&mut l.save_path);
    state.inject = l.inject.clone();
    for ((a, was), q) in state.guide.questions.iter_mut().zip(&l.guide.questions).zip(&l.scenario.questions) {
        if q.at.0 < keep.0 && !a.asked {
            (a.answer, a.skipped) = (was.answer, was.skipped);
        }
    }
    *l = state;
    l.rewind = rewind;
}

/// Runs `l` forward to `until` (the learner's inputs of this timeline applied where they
/// came, by `step_event` and `clock`), judging the guide's checkpoints on the way without
/// stopping for them.
fn replay(l: &mut Loaded, until: Until) {
    let end = SimTime(l.scenario.duration.0);
    let mut cp = l.guide.next_checkpoint(&l.scenario, l.sim.now());
    loop {
        if let Until::Events(n) = until
            && l.sim.events() >= n
        {
            break;
        }
        let limit = match until {
            Until::Time(t) => t.min(end),
            Until::Events(_) => end,
        };
        let next = l.sim.next_event_time().filter(|t| *t <= limit);
        // The guide looks at the run at each checkpoint before the next event.
        // (Nothing comes before an event at time zero.)
        let before = next.map_or(Some(limit), |t| t.0.checked_sub(1).map(SimTime));
        if before.is_some_and(|b| cp <= b) {
            l.clock(cp);
            if l.sim.next_event_time().is_some_and(|e| e <= cp) {
                continue; // an input came on the way: its event first
            }
            l.guide.arrive(&l.sim, false);
            let after = l.guide.next_checkpoint(&l.scenario, l.sim.now());
            cp = if after > cp { after } else { SimTime(u64::MAX) };
            continue;
        }
        match next {
            Some(_) if l.step_event() => {}
            Some(_) if l.sim.violation.is_some() => break,
            // (A cancelled timer may be all that is left: peeked, never popped.)
            Some(_) | None => {
                l.clock(limit);
                if l.sim.next_event_time().is_some_and(|e| e <= limit) {
                    continue; // an input came on the way: its event first
                }
                break;
            }
        }
    }
    l.guide.arrive(&l.sim, false);
    l.guide.stop = None;
    l.playing = false;
    l.stepped_from = u64::MAX;
}

/// Shows the run just after beat `beat` was told (it fired at `at`), and stops there as
/// playback would have (Back).
pub fn to_beat(l: &mut Loaded, beat: usize, at: SimTime) {
    if at < l.sim.now() || l.sim.story().fired_at(beat).is_none() {
        let before = SimTime(at.0.saturating_sub(1));
        restore(l, u64::MAX, before, at);
        replay(l, Until::Time(before));
    }
    // Event by event: a beat waiting for a record fires mid-time.
    while l.sim.story().fired_at(beat).is_none() && l.sim.now() <= at {
        let before = l.sim.events();
        match l.sim.next_event_time() {
            Some(t) if t <= at => {
                replay(l, Until::Events(before + 1));
                if l.sim.events() == before {
                    break; // stuck (a broken invariant stops the run)
                }
            }
            Some(_) | None => {
                replay(l, Until::Time(at));
                break;
            }
        }
    }
    l.guide.stop = l.scenario.narration[beat].pause.then_some(super::guide::Stop::Beat(beat));
}

/// Shows the run at simulated time `at` (clamped to the scenario): back through a snapshot
/// and a re-simulation, or forward by running on (from a later snapshot when there is one).
pub fn seek(l: &mut Loaded, at: SimTime) {
    let at = at.min(SimTime(l.scenario.duration.0));
    // Forward too, a snapshot past now (seen before going back) saves re-simulating.
    let ahead = l.rewind.snapshot_ahead(l.sim.events(), at);
    if at < l.sim.now() || ahead {
        restore(l, u64::MAX, at, at);
    }
    replay(l, Until::Time(at));
}

/// Undoes the latest visible event: shows the run just before it. Returns why not when
/// there is none to undo.
pub fn step_back(l: &mut Loaded) -> Option<String> {
    let data_path = l.show_data_path;
    let e = l.sim.events();
    let last = l.rewind.visible.iter().rev().find(|v| v.0 <= e && (data_path || v.1)).map(|v| v.0);
    let Some(last) = last else {
        return Some("no earlier visible event to go back to".into());
    };
    let now = l.sim.now();
    restore(l, last - 1, SimTime(u64::MAX), now);
    replay(l, Until::Events(last - 1));
    l.stepped_from = l.stepped_from.min(l.sim.trace.count());
    None
}
