//! Time travel within one run. Going forward, the whole loaded run (engine, charts, log,
//! story, guide) is cloned every `spacing` engine events; the inputs the learner applied
//! are kept with the engine event count and time they came at; notable records become
//! ticks on the timeline. Going back restores the latest snapshot before the target and
//! re-simulates from it: the engine is deterministic, so the run reached is the one left.
//! Past the memory budget every other snapshot is dropped and the spacing doubles.
//! One timeline: an input applied after going back replaces the future that was.

use crate::scenario::Action;
use crate::sim::SimTime;
use crate::trace::{AmqpEvent, DownHow, GroupEvent, RecordKind};
use crate::world::Simulation;
use std::collections::VecDeque;
use std::sync::Arc;

/// Engine events between snapshots at the start (measured: re-simulating this many with
/// the app's charts and log takes ~10–30 ms on a 2-core laptop; see `bench --scrub`).
pub const SPACING_EVENTS: u64 = 20_000;
/// Snapshot memory the app keeps at most, as `approx_bytes` estimates it (it misses some:
/// measured, a ten-hour run at 100× holds ~470 MB of snapshots against ~300 MB estimated).
pub const BUDGET_BYTES: usize = 200 << 20;
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
pub struct Snap<S> {
    /// Engine events run.
    pub events: u64,
    /// Its time.
    pub now: SimTime,
    bytes: usize,
    /// The copy.
    pub state: Arc<S>,
}

/// An input the learner applied: after `events` engine events, at `at`.
#[derive(Clone, Debug)]
struct Input {
    events: u64,
    at: SimTime,
    action: Action,
}

/// The run's past: snapshots (of `S`, the app's loaded run), inputs, ticks, and where each
/// visible event happened.
#[derive(Clone)]
pub struct Rewind<S> {
    snaps: Vec<Snap<S>>,
    inputs: Vec<Input>,
    /// Notable moments seen so far, in time order (the future too, after going back).
    pub ticks: Vec<Tick>,
    /// Trace records looked at for ticks (sequence numbers below this).
    seen: u64,
    /// Engine event counts after which a Step-visible record appeared: (count, visible
    /// without "data path too").
    pub visible: VecDeque<(u64, bool)>,
    /// The latest time the run has reached on this timeline.
    pub furthest: SimTime,
    spacing: u64,
    /// Snapshot bytes kept (estimated).
    pub bytes: usize,
    /// Every input in words, rewritten when the inputs change (views key runs by it each
    /// frame; formatting the inputs every frame would repeat the work).
    inputs_text: String,
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

impl<S> Default for Rewind<S> {
    fn default() -> Self {
        Rewind {
            snaps: Vec::new(),
            inputs: Vec::new(),
            ticks: Vec::new(),
            seen: 0,
            visible: VecDeque::new(),
            furthest: SimTime::ZERO,
            spacing: SPACING_EVENTS,
            bytes: 0,
            inputs_text: String::new(),
        }
    }
}

/// What Step stops at: anything the event log shows, plus the records and deliveries
/// clients see; with `data_path`, fetches, appends, replication and HW moves too.
pub fn visible_to_step(k: &RecordKind, data_path: bool) -> bool {
    crate::trace::text::is_notable(k)
        || data_path
        || matches!(
            k,
            RecordKind::Produce { .. }
                | RecordKind::Ack { .. }
                | RecordKind::Deliver { .. }
                | RecordKind::ProcessOk { .. }
        )
        || matches!(k, RecordKind::Amqp(_))
}

impl<S> Rewind<S> {
    /// Keeps `state`, a copy of the run after `events` engine events at `now` of about
    /// `bytes`; past the budget every other snapshot goes and the spacing doubles.
    pub fn push_snapshot(&mut self, events: u64, now: SimTime, bytes: usize, state: S) {
        self.snaps.push(Snap { events, now, bytes, state: Arc::new(state) });
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

    /// Whether a snapshot is due after `events` engine events.
    pub fn snapshot_due(&self, events: u64) -> bool {
        self.snaps.last().is_none_or(|s| events >= s.events + self.spacing)
    }

    /// The latest snapshot at or before (`events`, `at`), else the first.
    pub fn snapshot_before(&self, events: u64, at: SimTime) -> Option<&Snap<S>> {
        self.snaps.iter().rev().find(|s| s.events <= events && s.now <= at).or(self.snaps.first())
    }

    /// The latest snapshot at or before `at` lies past `events` (seen before going back).
    pub fn snapshot_ahead(&self, events: u64, at: SimTime) -> bool {
        self.snaps.iter().rev().find(|s| s.now <= at).is_some_and(|s| s.events > events)
    }

    /// Snapshots kept and the engine events between them now.
    pub fn snapshots(&self) -> (usize, u64) {
        (self.snaps.len(), self.spacing)
    }

    /// The input applied to `sim` just now, kept to be applied again when re-simulating.
    pub fn note_input(&mut self, sim: &Simulation, action: Action) {
        self.inputs.push(Input { events: sim.events(), at: sim.now(), action });
        self.inputs_changed();
    }

    /// Rewrites the inputs' words after the inputs changed.
    fn inputs_changed(&mut self) {
        self.inputs_text = format!("{:?}", self.inputs);
    }

    /// Every input of this timeline (applied, and still to come after going back) in words:
    /// two timelines with the same file and seed are the same run when these are equal.
    pub fn inputs_text(&self) -> &str {
        &self.inputs_text
    }

    /// The learner's input due once `applied` inputs have been applied in this run, with the
    /// engine event count and time it came at: on this timeline after going back.
    pub fn pending(&self, applied: usize) -> Option<(u64, SimTime, &Action)> {
        self.inputs.get(applied).map(|i| (i.events, i.at, &i.action))
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

    /// Whether `sim` has been further on this timeline (went back), or has inputs still to come.
    pub fn has_future(&self, sim: &Simulation) -> bool {
        self.furthest > sim.now() || self.inputs.len() > sim.injected.len()
    }

    /// Drops the future past `sim` (snapshots, inputs, ticks, visible events): an input is
    /// about to change it.
    pub fn cut_future(&mut self, sim: &Simulation) {
        let (e, now) = (sim.events(), sim.now());
        self.snaps.retain(|s| s.events <= e);
        self.bytes = self.snaps.iter().map(|s| s.bytes).sum();
        self.inputs.truncate(sim.injected.len());
        self.inputs_changed();
        self.ticks.retain(|t| t.seq < sim.trace.count());
        self.seen = sim.trace.count();
        while self.visible.back().is_some_and(|v| v.0 > e) {
            self.visible.pop_back();
        }
        self.furthest = now;
    }
}

impl<S> Rewind<S> {
    /// After each engine event of `sim`: ticks and visible events from its records.
    pub fn observe(&mut self, sim: &Simulation) {
        let count = sim.trace.count();
        let events = sim.events();
        self.furthest = self.furthest.max(sim.now());
        if count <= self.seen {
            return;
        }
        let recent = sim.trace.recent();
        let new = ((count - self.seen) as usize).min(recent.len());
        let (mut plain, mut any) = (false, false);
        for rec in recent.range(recent.len() - new..) {
            if let Some(kind) = tick_kind(&rec.kind) {
                let text = crate::trace::text::describe(rec, sim.names());
                self.ticks.push(Tick { at: SimTime(rec.t_us), kind, seq: rec.seq, text });
            }
            plain |= visible_to_step(&rec.kind, false);
            any = true;
        }
        if any && self.visible.back().is_none_or(|v| v.0 < events) {
            if self.visible.len() == MAX_VISIBLE {
                self.visible.pop_front();
            }
            self.visible.push_back((events, plain));
        }
        self.seen = count;
    }
}
