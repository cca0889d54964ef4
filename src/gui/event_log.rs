//! The event log ("What just happened"). Notable records (elections, ISR changes, crashes,
//! rebalances, dead letters, losses) go into their own bounded buffer as they are made, so
//! a quiet run keeps its few events however many data-path records follow. Consecutive
//! repeats fold into one line with a count ("… ×37"); lines are coloured by the severity of
//! their record kind, not by their words.

use super::state::{Loaded, SCAN_PER_FRAME};
use crate::sim::SimTime;
use crate::trace::text::{describe, is_notable};
use crate::trace::{AmqpEvent, DownHow, Election, GroupEvent, LeaveReason, Names, Record, RecordKind, Tp};
use crate::world::Simulation;
use bevy_egui::egui::{self, Color32, RichText};
use std::collections::{BTreeMap, VecDeque};

/// Folded lines kept for the whole run (oldest dropped beyond this).
pub const MAX_LINES: usize = 5_000;

/// How bad a record's news is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Routine: the system doing its job (elections from the ISR, rebalances, commits).
    Info,
    /// Something degraded or a retry: an ISR shrank, a session expired, a record failed.
    Warning,
    /// Damage: a crash, lost or dead-lettered data, an unclean election, an error given up on.
    Bad,
}

impl Severity {
    /// Its colour in the log.
    pub fn color(self) -> Color32 {
        match self {
            Severity::Info => Color32::LIGHT_GRAY,
            Severity::Warning => Color32::from_rgb(255, 170, 60),
            Severity::Bad => Color32::from_rgb(255, 110, 100),
        }
    }
}

/// A record's severity from its kind (an ISR change needs the size before: `shrank`).
pub fn severity(k: &RecordKind, shrank: bool) -> Severity {
    use Severity::*;
    match k {
        RecordKind::BrokerDown { how: DownHow::Clean, .. } => Warning,
        RecordKind::BrokerDown { .. } | RecordKind::ZooKeeper { up: false } => Bad,
        RecordKind::ClientState { up: false, .. } => Bad,
        RecordKind::Leader { leader: None, .. } => Bad,
        RecordKind::Leader { election: Election::Unclean | Election::Offline, .. } => Bad,
        RecordKind::Leader { election: Election::Clean, .. } => Warning,
        RecordKind::Isr { .. } if shrank => Warning,
        RecordKind::Truncate { removed, .. } if *removed > 0 => Bad,
        RecordKind::ProduceError { retrying: false, .. } | RecordKind::ProcessSkip { .. } => Bad,
        RecordKind::ProduceError { .. } | RecordKind::ProcessFail { .. } | RecordKind::OffsetReset { .. } => Warning,
        RecordKind::SessionExpired { .. } => Warning,
        RecordKind::Group(g) => group_severity(g),
        RecordKind::Amqp(a) => amqp_severity(a),
        _ => Info,
    }
}

fn group_severity(g: &GroupEvent) -> Severity {
    match g {
        GroupEvent::DeadLetter { .. } => Severity::Bad,
        GroupEvent::MemberRemoved { reason: LeaveReason::Left, .. } => Severity::Info,
        GroupEvent::MemberRemoved { .. }
        | GroupEvent::CommitFailed { .. }
        | GroupEvent::PollTimeout { .. }
        | GroupEvent::RetryPublish { .. } => Severity::Warning,
        // Revocations and assignments are how a rebalance works, not damage.
        _ => Severity::Info,
    }
}

fn amqp_severity(a: &AmqpEvent) -> Severity {
    match a {
        AmqpEvent::DeadLetter { .. } | AmqpEvent::Lost { .. } | AmqpEvent::Confirm { ack: false, .. } => Severity::Bad,
        AmqpEvent::Route { queues, alternate: false, .. } if queues.is_empty() => Severity::Warning,
        AmqpEvent::Return { .. }
        | AmqpEvent::Refuse { .. }
        | AmqpEvent::Expire { .. }
        | AmqpEvent::Nack { .. }
        | AmqpEvent::Processed { ok: false, .. } => Severity::Warning,
        _ => Severity::Info,
    }
}

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
fn push_folded(lines: &mut VecDeque<LogLine>, line: LogLine, cap: usize) {
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

fn line_of(r: &Record, text: String, shrank: bool) -> LogLine {
    let key = fold_key(&r.kind, &text);
    LogLine { seq: r.seq, t_us: r.t_us, last_us: r.t_us, key, text, severity: severity(&r.kind, shrank), count: 1 }
}

/// Every recent record from trace position `from` on (data path too), folded.
fn all_lines(sim: &Simulation, from: u64) -> VecDeque<LogLine> {
    let recent = sim.trace.recent();
    let names = sim.names();
    let mut isr = BTreeMap::new();
    let mut lines = VecDeque::new();
    for r in recent.range(recent.len().saturating_sub(SCAN_PER_FRAME)..).filter(|r| r.seq >= from) {
        let shrank = match &r.kind {
            RecordKind::Isr { tp, isr: now, .. } => isr.insert(*tp, now.len()).is_some_and(|b| now.len() < b),
            _ => false,
        };
        push_folded(&mut lines, line_of(r, describe(r, names), shrank), 400);
    }
    lines
}

/// The lines the panel shows, oldest first, at most `max` matching `filter`: the notable
/// ones; with "data path too" every recent record; after Step, every record since
/// stepping began (so the log says what each step did).
pub fn view(l: &Loaded, filter: &str, max: usize) -> Vec<LogLine> {
    let filter = filter.to_lowercase();
    let keep = |x: &&LogLine| filter.is_empty() || x.text.to_lowercase().contains(&filter);
    let (old, new) = if l.show_data_path {
        (VecDeque::new(), all_lines(&l.sim, 0))
    } else if l.stepped_from != u64::MAX {
        let old = l.log.lines().iter().filter(|x| x.seq < l.stepped_from).cloned().collect();
        (old, all_lines(&l.sim, l.stepped_from))
    } else {
        (VecDeque::new(), VecDeque::new())
    };
    let notable = if l.show_data_path || l.stepped_from != u64::MAX { &old } else { l.log.lines() };
    let mut out: Vec<LogLine> = new.iter().rev().chain(notable.iter().rev()).filter(keep).take(max).cloned().collect();
    out.reverse();
    out
}

/// The log panel: filter, "data path too", then the lines, newest at the bottom.
pub fn event_log(ui: &mut egui::Ui, l: &mut Loaded) {
    l.log.feed(&l.sim);
    ui.horizontal(|ui| {
        ui.heading("What just happened");
        ui.add(egui::TextEdit::singleline(&mut l.log_filter).hint_text("filter…").desired_width(160.0));
        ui.checkbox(&mut l.show_data_path, "data path too");
    });
    let shown = view(l, &l.log_filter, 500);
    egui::ScrollArea::vertical().id_salt("events").stick_to_bottom(true).auto_shrink([false, false]).show(ui, |ui| {
        if shown.is_empty() {
            ui.label(RichText::new("Nothing notable yet.").italics().color(Color32::GRAY));
        }
        for x in &shown {
            ui.label(RichText::new(x.shown()).monospace().color(x.severity.color()));
        }
    });
}
