//! The event log's lines: notable records go into their own bounded buffer as they are
//! made, so a quiet run keeps its few events however many data-path records follow.
//! Consecutive repeats (and short cycles of them) fold into one line with a count ("… ×37").

use super::severity::{Severity, severity};
use crate::sim::SimTime;
use crate::trace::text::{describe, is_notable};
use crate::trace::{GroupEvent, Names, Record, RecordKind, Tp};
use crate::world::Simulation;
use std::collections::{BTreeMap, VecDeque};

/// Folded lines kept for the whole run (oldest dropped beyond this).
pub const MAX_LINES: usize = 5_000;

/// One log line: a sentence, and how often it came in a row.
#[derive(Clone, Debug)]
pub struct LogLine {
    /// Its first record's place in the trace.
    pub seq: u64,
    /// When it first came (µs).
    pub t_us: u64,
    /// When it last came (µs).
    pub last_us: u64,
    /// The sentence (the first of its repeats).
    pub text: String,
    /// How bad it is.
    pub severity: Severity,
    /// Times it came in a row.
    pub count: u32,
    /// What repeats share: the sentence, message ids and numbers masked for per-message
    /// records (shown instead of the first sentence once it repeats).
    pub key: String,
}

impl LogLine {
    /// As shown: time, sentence, "×N" for repeats.
    pub fn shown(&self) -> String {
        let t = SimTime(self.t_us).to_string();
        match self.count {
            1 => format!("{t:>9}  {}", self.text),
            n => format!("{t:>9}  {} ×{n} (to {})", self.key, SimTime(self.last_us)),
        }
    }
}

/// Lines looked back through for a repeat: repeats often come in cycles (fail, reject,
/// fail, reject…), and a cycle folds as well as a run.
const FOLD_WINDOW: usize = 12;

/// Records about one message among many (a failed attempt, a dead letter, a routing):
/// the same sentence about another message, offset or attempt is a repeat.
fn per_message(k: &RecordKind) -> bool {
    match k {
        RecordKind::ProduceError { .. }
        | RecordKind::ProcessFail { .. }
        | RecordKind::ProcessSkip { .. }
        | RecordKind::DuplicateBatch { .. } => true,
        RecordKind::Group(g) => {
            matches!(g, GroupEvent::DeadLetter { .. } | GroupEvent::RetryPublish { .. } | GroupEvent::Redrive { .. })
        }
        RecordKind::Amqp(_) => true,
        _ => false,
    }
}

/// What a repeat must share. For per-message records, standalone numbers and message ids
/// are masked ("api#2 (payments-0 offset 1)" → "api#… (payments-0 offset …)"); names
/// with digits (p1, broker-2, orders-0) stay. Other records repeat only word for word.
fn fold_key(k: &RecordKind, text: &str) -> String {
    if !per_message(k) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut prev = ' ';
    let mut masking = false;
    for c in text.chars() {
        if c.is_ascii_digit() && (masking || !(prev.is_alphanumeric() || prev == '-' || prev == '.')) {
            if !masking {
                out.push('…');
            }
            masking = true;
        } else {
            masking = false;
            out.push(c);
        }
        prev = c;
    }
    out
}

/// Appends `line`, or folds it into a recent line it repeats.
pub(super) fn push_folded(lines: &mut VecDeque<LogLine>, line: LogLine, cap: usize) {
    let n = lines.len();
    if let Some(same) = lines
        .range_mut(n.saturating_sub(FOLD_WINDOW)..)
        .rev()
        .find(|x| x.key == line.key && x.severity == line.severity)
    {
        same.count += 1;
        same.last_us = line.t_us;
        return;
    }
    if lines.len() == cap {
        lines.pop_front();
    }
    lines.push_back(line);
}

/// The notable records of the whole run, folded.
#[derive(Clone, Debug, Default)]
pub struct EventLog {
    lines: VecDeque<LogLine>,
    /// Trace records looked at so far.
    seen: u64,
    /// Records made while nobody fed the log and already gone from memory.
    missed: u64,
    /// ISR size per partition, to tell a shrink from a growth.
    isr: BTreeMap<Tp, usize>,
}

impl EventLog {
    /// Takes in the records made since the last call (any number of calls is fine).
    pub fn feed(&mut self, sim: &Simulation) {
        let count = sim.trace.count();
        let recent = sim.trace.recent();
        let new = count - self.seen;
        self.missed += new.saturating_sub(recent.len() as u64);
        let take = new.min(recent.len() as u64) as usize;
        let names = sim.names();
        for r in recent.range(recent.len() - take..) {
            if is_notable(&r.kind) {
                self.add(r, names);
            }
        }
        self.seen = count;
    }

    fn add(&mut self, r: &Record, names: &Names) {
        let shrank = match &r.kind {
            RecordKind::Isr { tp, isr, .. } => self.isr.insert(*tp, isr.len()).is_some_and(|before| isr.len() < before),
            _ => false,
        };
        let text = describe(r, names);
        push_folded(&mut self.lines, line_of(r, text, shrank), MAX_LINES);
    }

    /// The folded lines, oldest first.
    pub fn lines(&self) -> &VecDeque<LogLine> {
        &self.lines
    }

    /// Records that went by without being looked at (none when fed at every step).
    pub fn missed(&self) -> u64 {
        self.missed
    }
}

pub(super) fn line_of(r: &Record, text: String, shrank: bool) -> LogLine {
    let key = fold_key(&r.kind, &text);
    LogLine { seq: r.seq, t_us: r.t_us, last_us: r.t_us, key, text, severity: severity(&r.kind, shrank), count: 1 }
}
