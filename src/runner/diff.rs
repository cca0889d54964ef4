//! Two futures side by side (`brokerlab diff`): two scenarios (or one on two seeds) run at
//! once, each on its own thread, their records compared one by one as they are made, so a
//! long run needs no more memory than a few simulated seconds of records. The result says
//! where the traces first part and how the runs' totals differ, in plain data the command
//! line prints and the app can show.

use super::report::RunReport;
use super::run::run_scenario;
use super::tally::Tally;
use crate::scenario::Scenario;
use crate::sim::SimTime;
use crate::trace::{Names, Record, jsonl, text};
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

/// Records of shared history shown before the first difference.
pub const CONTEXT: usize = 3;

/// Batches (a simulated second of records each) a run may be ahead of the comparison.
const AHEAD: usize = 4;

/// One record as the event log shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// Its place in the trace (0-based).
    pub index: u64,
    /// When it was made.
    pub at: SimTime,
    /// Its kind, as in the JSON trace ("ack", "append", ...).
    pub kind: &'static str,
    /// The record as a sentence.
    pub text: String,
    /// The record as the JSON trace writes it.
    pub json: Value,
}

impl Line {
    fn of(r: &Record, names: &Names) -> Line {
        Line {
            index: r.seq,
            at: SimTime(r.t_us),
            kind: r.kind.name(),
            text: text::describe(r, names),
            json: jsonl::to_json(r, names),
        }
    }

    /// Time and sentence, as one line of the event log.
    pub fn shown(&self) -> String {
        format!("{:>9}  {}", self.at.to_string(), self.text)
    }
}

/// Where two traces first differ.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Divergence {
    /// The first index at which they differ.
    pub index: u64,
    /// The records both made just before it, oldest first.
    pub context: Vec<Line>,
    /// A's record there (`None`: A's trace had ended).
    pub a: Option<Line>,
    /// B's record there (`None`: B's trace had ended).
    pub b: Option<Line>,
}

/// One total of both runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// What it counts ("acked but lost").
    pub name: &'static str,
    /// Run A's value.
    pub a: u64,
    /// Run B's value.
    pub b: u64,
}

/// What one side ran and how its trace ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    /// The scenario's name.
    pub name: String,
    /// The seed used.
    pub seed: u64,
    /// Trace records.
    pub records: u64,
    /// Trace digest.
    pub digest: u64,
    /// Expectations that failed (a broken invariant counts as one).
    pub failed_expectations: usize,
}

impl Run {
    fn of(r: &RunReport) -> Run {
        let failed_expectations = r.outcomes.iter().filter(|o| !o.passed).count();
        Run { name: r.name.clone(), seed: r.seed, records: r.records, digest: r.digest, failed_expectations }
    }
}

/// Two runs compared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comparison {
    /// Run A.
    pub a: Run,
    /// Run B.
    pub b: Run,
    /// The first difference of the traces; `None`: identical traces.
    pub divergence: Option<Divergence>,
    /// The totals of both, for what either run had (Kafka, RabbitMQ).
    pub rows: Vec<Row>,
}

impl Comparison {
    /// B becomes A and A becomes B (the same two runs, compared the other way round).
    pub fn swap_sides(&mut self) {
        std::mem::swap(&mut self.a, &mut self.b);
        if let Some(d) = &mut self.divergence {
            std::mem::swap(&mut d.a, &mut d.b);
        }
        for r in &mut self.rows {
            std::mem::swap(&mut r.a, &mut r.b);
        }
    }

    /// True when both runs made the same records.
    pub fn identical(&self) -> bool {
        self.divergence.is_none()
    }

    /// The comparison as one JSON object (digests as 16 hex digits, as `run` prints them).
    pub fn to_json(&self) -> Value {
        let run = |r: &Run| {
            json!({"name": r.name, "seed": r.seed, "records": r.records, "digest": format!("{:016x}", r.digest),
                   "failed_expectations": r.failed_expectations})
        };
        let line = |l: &Line| json!({"index": l.index, "t_us": l.at.0, "time": l.at.to_string(), "kind": l.kind, "text": l.text, "record": l.json});
        let divergence = self.divergence.as_ref().map(|d| {
            json!({"index": d.index, "context": d.context.iter().map(line).collect::<Vec<_>>(),
                   "a": d.a.as_ref().map(line), "b": d.b.as_ref().map(line)})
        });
        let rows: Vec<Value> = self.rows.iter().map(|r| json!({"name": r.name, "a": r.a, "b": r.b})).collect();
        json!({"identical": self.identical(), "a": run(&self.a), "b": run(&self.b), "divergence": divergence, "rows": rows})
    }
}

/// The rows of two tallies, leaving out a system neither run had.
fn rows(a: &Tally, b: &Tally) -> Vec<Row> {
    a.rows()
        .into_iter()
        .zip(b.rows())
        .filter(|((_, sys, _), _)| a.has(*sys) || b.has(*sys))
        .map(|((name, _, a), (_, _, b))| Row { name, a, b })
        .collect()
}

/// A simulated second of one run's records, with its names when they changed.
struct Batch {
    records: Vec<Record>,
    names: Option<Arc<Names>>,
}

/// Runs `sc` with `seed` to its end, sending its records to `tx` until the comparison
/// stops listening.
fn run_sending(sc: Arc<Scenario>, seed: u64, tx: SyncSender<Batch>) -> RunReport {
    let mut last: Option<Arc<Names>> = None;
    let mut listening = true;
    let mut sink = |recs: &[Record], names: &Names| {
        if !listening {
            return;
        }
        let fresh = (last.as_deref() != Some(names)).then(|| Arc::new(names.clone()));
        if let Some(n) = &fresh {
            last = Some(n.clone());
        }
        listening = tx.send(Batch { records: recs.to_vec(), names: fresh }).is_ok();
    };
    run_scenario(sc, seed, None, Some(&mut sink))
}

/// One run's records as they arrive.
struct Feed {
    rx: Receiver<Batch>,
    pending: VecDeque<Record>,
    names: Arc<Names>,
}

impl Feed {
    /// The next record, waiting for its run to make it; `None` once its trace ended.
    fn next(&mut self) -> Option<Record> {
        loop {
            if let Some(r) = self.pending.pop_front() {
                return Some(r);
            }
            let batch = self.rx.recv().ok()?;
            if let Some(n) = batch.names {
                self.names = n;
            }
            self.pending = batch.records.into();
        }
    }
}

/// Reads both feeds in step until they differ; `None` when both ended together.
fn first_divergence(a: &mut Feed, b: &mut Feed) -> Option<Divergence> {
    // The last few shared records, put into words only once the traces part.
    let mut context: VecDeque<(Record, Arc<Names>)> = VecDeque::with_capacity(CONTEXT + 1);
    loop {
        match (a.next(), b.next()) {
            (None, None) => return None,
            (Some(x), Some(y)) if x == y => {
                if context.len() == CONTEXT {
                    context.pop_front();
                }
                context.push_back((x, a.names.clone()));
            }
            (x, y) => {
                let index = x.as_ref().or(y.as_ref()).map_or(0, |r| r.seq);
                return Some(Divergence {
                    index,
                    context: context.iter().map(|(r, n)| Line::of(r, n)).collect(),
                    a: x.map(|r| Line::of(&r, &a.names)),
                    b: y.map(|r| Line::of(&r, &b.names)),
                });
            }
        }
    }
}

/// Runs `a` with `seed_a` and `b` with `seed_b` to their ends at once and compares them:
/// record by record while the traces agree, then by their totals.
pub fn compare(a: Arc<Scenario>, seed_a: u64, b: Arc<Scenario>, seed_b: u64) -> Comparison {
    let (tx_a, rx_a) = sync_channel(AHEAD);
    let (tx_b, rx_b) = sync_channel(AHEAD);
    std::thread::scope(|s| {
        let run_a = s.spawn(move || run_sending(a, seed_a, tx_a));
        let run_b = s.spawn(move || run_sending(b, seed_b, tx_b));
        let blank = Arc::new(Names::default());
        let mut feed_a = Feed { rx: rx_a, pending: VecDeque::new(), names: blank.clone() };
        let mut feed_b = Feed { rx: rx_b, pending: VecDeque::new(), names: blank };
        let divergence = first_divergence(&mut feed_a, &mut feed_b);
        // Stop listening: the runs go on to their ends without sending.
        drop((feed_a, feed_b));
        let ra = run_a.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
        let rb = run_b.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
        Comparison { a: Run::of(&ra), b: Run::of(&rb), divergence, rows: rows(&ra.tally, &rb.tally) }
    })
}
