//! Time travel within one run. Going forward, the whole loaded run (engine, charts, log,
//! story, guide) is cloned every `spacing` engine events; the inputs the learner applied
//! are kept with the engine event count and time they came at; notable records become
//! ticks on the timeline. Going back restores the latest snapshot before the target and
//! re-simulates from it: the engine is deterministic, so the run reached is the one left.
//! Past the memory budget every other snapshot is dropped and the spacing doubles.
//! One timeline: an input applied after going back replaces the future that was.

use super::playback::visible_to_step;
use super::state::Loaded;
use crate::scenario::Action;
use crate::sim::SimTime;
use crate::trace::{AmqpEvent, DownHow, GroupEvent, RecordKind};
use std::collections::VecDeque;
use std::sync::Arc;

/// Engine events between snapshots at the start (measured: re-simulating this many with
/// the app's charts and log takes ~10–30 ms on a 2-core laptop; see `bench --scrub`).
pub const SPACING_EVENTS: u64 = 20_000;
/// Snapshot memory the app keeps at most, as `approx_bytes` estimates it (it misses some:
/// measured, a ten-hour run at 100× holds ~470 MB of snapshots against ~300 MB estimated).
pub const BUDGET_BYTES: usize = 200 << 20;
/// Trace records a snapshot keeps for views.
const SNAPSHOT_RECENT: usize = 4_000;
/// Visible events remembered for "step back" (two counts per entry).
const MAX_VISIBLE: usize = 2_000_000;

/// What a tick on the timeline marks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TickKind {
    /// A broker, client, ZooKeeper or the RabbitMQ node went down.
    Crash,
    /// A partition got a leader (or lost it).
    Election,
    /// An ISR changed.
    Isr,
    /// A consumer group rebalanced.
    Rebalance,
    /// A message went to a dead-letter topic or exchange.
    DeadLetter,
    /// Records were lost (truncated away, or dropped by RabbitMQ).
    Loss,
}

/// A notable moment of the run.
#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    /// When.
    pub at: SimTime,
    /// What kind.
    pub kind: TickKind,
    /// The record's trace sequence number (the log line's).
    pub seq: u64,
    /// The record in words, as the log says it.
    pub text: String,
}

/// A copy of the run at one engine event count.
#[derive(Clone)]
struct Snap {
    events: u64,
    now: SimTime,
    bytes: usize,
    state: Arc<Loaded>,
}

/// An input the learner applied: after `events` engine events, at `at`.
#[derive(Clone, Debug)]
struct Input {
    events: u64,
    at: SimTime,
    action: Action,
}

/// The run's past: snapshots, inputs, ticks, and where each visible event happened.
#[derive(Clone, Default)]
pub struct Rewind {
    snaps: Vec<Snap>,
    inputs: Vec<Input>,
    /// Notable moments seen so far, in time order (the future too, after going back).
    pub ticks: Vec<Tick>,
    /// Trace records looked at for ticks (sequence numbers below this).
    seen: u64,
    /// Engine event counts after which a Step-visible record appeared: (count, visible
    /// without "data path too").
    visible: VecDeque<(u64, bool)>,
    /// The latest time the run has reached on this timeline.
    pub furthest: SimTime,
    spacing: u64,
    /// Snapshot bytes kept (estimated).
    pub bytes: usize,
}

/// What a record marks on the timeline, if anything.
fn tick_kind(k: &RecordKind) -> Option<TickKind> {
    match k {
        RecordKind::BrokerDown { how: DownHow::Crash | DownHow::PowerLoss, .. }
        | RecordKind::ZooKeeper { up: false }
        | RecordKind::ClientState { up: false, .. } => Some(TickKind::Crash),
        RecordKind::Leader { .. } => Some(TickKind::Election),
        RecordKind::Isr { .. } => Some(TickKind::Isr),
        RecordKind::Group(GroupEvent::Rebalance { .. }) => Some(TickKind::Rebalance),
        RecordKind::Group(GroupEvent::DeadLetter { .. }) | RecordKind::Amqp(AmqpEvent::DeadLetter { .. }) => {
            Some(TickKind::DeadLetter)
        }
        RecordKind::Truncate { removed, .. } if *removed > 0 => Some(TickKind::Loss),
        RecordKind::Amqp(AmqpEvent::Lost { .. }) => Some(TickKind::Loss),
        _ => None,
    }
}

/// A rough size of a run's copy: what grows with the run (log entries, queued events,
/// kept trace records, chart samples, log lines), times a per-item size.
fn approx_bytes(l: &Loaded) -> usize {
    let entries: u64 =
        l.sim.brokers().flat_map(|b| b.rm.replicas.values()).map(|p| p.log.end_offset() - p.log.start_offset()).sum();
    let queued = l.sim.queued_events() as u64;
    let fixed = 256 << 10;
    let record = std::mem::size_of::<crate::trace::Record>() + 32;
    let acked: usize = l.sim.stats.acked.values().map(|q| q.len()).sum();
    let lines = l.log.lines().len();
    fixed
        + (entries * 64 + queued * 128) as usize
        + l.sim.trace.recent().len() * record
        + l.samples.len() * 256
        + acked * 24
        + lines * 300
}

impl Rewind {
    /// A rewind whose first snapshot is `l` at its start.
    pub fn start(l: &mut Loaded) -> Rewind {
        let mut r = Rewind { spacing: SPACING_EVENTS, ..Rewind::default() };
        r.snap(l);
        r
    }

    fn snap(&mut self, l: &mut Loaded) {
        // The trace's recent records (up to 100,000) are for views; a snapshot keeps the
        // last few thousand, enough for the log and Step after going back.
        let recent = l.sim.trace.take_recent();
        let mut copy = l.clone();
        l.sim.trace.put_recent(recent);
        copy.sim.trace = l.sim.trace.clone_keeping(SNAPSHOT_RECENT);
        let bytes = approx_bytes(&copy);
        let state = Arc::new(copy);
        self.snaps.push(Snap { events: l.sim.events(), now: l.sim.now(), bytes, state });
        self.bytes += bytes;
        while self.bytes > BUDGET_BYTES && self.snaps.len() > 2 {
            // Thin: keep the first, drop every other one after it.
            let mut k = 0;
            self.snaps.retain(|_| {
                k += 1;
                k == 1 || k % 2 == 0
            });
            self.bytes = self.snaps.iter().map(|s| s.bytes).sum();
            self.spacing *= 2;
        }
    }

    /// Snapshots kept and the engine events between them now.
    pub fn snapshots(&self) -> (usize, u64) {
        (self.snaps.len(), self.spacing)
    }

    /// The input applied to `l` just now, kept to be applied again when re-simulating.
    pub fn note_input(&mut self, l: &Loaded, action: Action) {
        self.inputs.push(Input { events: l.sim.events(), at: l.sim.now(), action });
    }

    /// The learner's input due once `applied` inputs have been applied in this run, with the
    /// engine event count and time it came at: on this timeline after going back.
    pub fn pending(&self, applied: usize) -> Option<(u64, SimTime, Action)> {
        self.inputs.get(applied).map(|i| (i.events, i.at, i.action.clone()))
    }

    /// The learner's inputs still to come on this timeline once `applied` have been applied,
    /// as scenario inputs with their times.
    pub fn pending_inputs(&self, applied: usize) -> Vec<crate::scenario::FaultSpec> {
        let to_come = self.inputs.get(applied..).unwrap_or_default();
        to_come
            .iter()
            .map(|i| crate::scenario::FaultSpec { at: crate::sim::Dur(i.at.0), action: i.action.clone() })
            .collect()
    }

    /// Whether `l` has been further on this timeline (went back), or has inputs still to come.
    pub fn has_future(&self, l: &Loaded) -> bool {
        self.furthest > l.sim.now() || self.inputs.len() > l.sim.injected.len()
    }

    /// Drops the future past `l` (snapshots, inputs, ticks, visible events): an input is
    /// about to change it.
    pub fn cut_future(&mut self, l: &Loaded) {
        let (e, now) = (l.sim.events(), l.sim.now());
        self.snaps.retain(|s| s.events <= e);
        self.bytes = self.snaps.iter().map(|s| s.bytes).sum();
        self.inputs.truncate(l.sim.injected.len());
        self.ticks.retain(|t| t.seq < l.sim.trace.count());
        self.seen = l.sim.trace.count();
        while self.visible.back().is_some_and(|v| v.0 > e) {
            self.visible.pop_back();
        }
        self.furthest = now;
    }
}

/// After each engine event: ticks and visible events from its records; a snapshot when due.
pub fn after_event(l: &mut Loaded) {
    let count = l.sim.trace.count();
    let events = l.sim.events();
    let r = &mut l.rewind;
    r.furthest = r.furthest.max(l.sim.now());
    if count > r.seen {
        let recent = l.sim.trace.recent();
        let new = ((count - r.seen) as usize).min(recent.len());
        let (mut plain, mut any) = (false, false);
        for rec in recent.range(recent.len() - new..) {
            if let Some(kind) = tick_kind(&rec.kind) {
                let text = crate::trace::text::describe(rec, l.sim.names());
                r.ticks.push(Tick { at: SimTime(rec.t_us), kind, seq: rec.seq, text });
            }
            plain |= visible_to_step(&rec.kind, false);
            any = true;
        }
        if any && r.visible.back().is_none_or(|v| v.0 < events) {
            if r.visible.len() == MAX_VISIBLE {
                r.visible.pop_front();
            }
            r.visible.push_back((events, plain));
        }
        r.seen = count;
    }
    if r.snaps.last().is_none_or(|s| events >= s.events + r.spacing) {
        let mut rewind = std::mem::take(&mut l.rewind);
        rewind.snap(l);
        l.rewind = rewind;
    }
}

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
    let snap = rewind.snaps.iter().rev().find(|s| s.events <= events && s.now <= at).or(rewind.snaps.first());
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
    let ahead = l.rewind.snaps.iter().rev().find(|s| s.now <= at).is_some_and(|s| s.events > l.sim.events());
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
