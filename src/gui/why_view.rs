//! "When did it become inevitable?" in the app: one of the scenario's expectations, branched
//! as `brokerlab why` branches it (the timeline shown, run to its end, re-run from evenly
//! spaced moments with fresh random choices) on a worker thread; the timeline bar draws the
//! curve and the moment. Fewer runs than the command line's default, so it answers in
//! seconds; the command line gives more.

use crate::runner::why::{Options, Why, WhyError, why};
use crate::scenario::{Expectation, Scenario};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::thread::JoinHandle;

/// Re-runs per branch point in the app.
pub const RUNS: u32 = 20;
/// Branch points in the app.
pub const POINTS: u32 = 20;

/// The question asked, its progress, then its answer.
pub struct WhyView {
    /// The outcome, in words.
    pub outcome: String,
    /// Which run it was asked of (as the lifeline window keys runs).
    pub run: String,
    worker: Option<JoinHandle<Result<Why, String>>>,
    done: Arc<AtomicU32>,
    /// The answer once the worker is done: the curve, or why there is none.
    pub answer: Option<Result<Why, String>>,
}

impl WhyView {
    /// Starts branching `sc` (the timeline as a scenario) on `seed` for `outcome`.
    pub fn start(sc: Scenario, seed: u64, outcome: Expectation, words: String, run: String) -> WhyView {
        let done = Arc::new(AtomicU32::new(0));
        let counter = done.clone();
        let worker = std::thread::spawn(move || {
            let opts = Options { runs: RUNS, points: POINTS };
            let tick = move || {
                counter.fetch_add(1, Ordering::Relaxed);
            };
            why(Arc::new(sc), seed, &outcome, opts, &tick).map_err(|e| match e {
                WhyError::NotInBase { observed } => {
                    format!("it did not happen in this timeline (observed: {observed}): nothing to explain")
                }
                WhyError::BaseBroken(v) => format!("this timeline stopped at a broken invariant: {v}"),
            })
        });
        WhyView { outcome: words, run, worker: Some(worker), done, answer: None }
    }

    /// Takes the answer when the worker has finished.
    pub fn poll(&mut self) {
        if self.worker.as_ref().is_some_and(JoinHandle::is_finished)
            && let Some(w) = self.worker.take()
        {
            self.answer = Some(w.join().unwrap_or_else(|_| Err("the branching stopped (its worker failed)".into())));
        }
    }

    /// Branches run so far, of `RUNS * POINTS`.
    pub fn progress(&self) -> (u32, u32) {
        (self.done.load(Ordering::Relaxed), RUNS * POINTS)
    }

    /// Waits for the answer (tests, screenshots).
    pub fn wait(&mut self) {
        while self.answer.is_none() {
            std::thread::sleep(std::time::Duration::from_millis(5));
            self.poll();
        }
    }
}
