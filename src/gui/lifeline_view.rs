//! The lifeline window's data: what it follows (a message, or a key's records) in which
//! run, and the collector fed with that run's records. Opening it re-runs the timeline
//! headless up to the app's latest record on a worker thread (the engine is deterministic:
//! the same records with the same sequence numbers); after that each frame feeds the
//! records the app made since. Going back feeds nothing (the diagram already holds the
//! future reached, drawn faded past now); an input that changes the future, another
//! timeline, a restart or another scenario rebuild it.

use crate::runner::lifeline::svg::first_steps;
use crate::runner::lifeline::{Follow, Lifeline};
use crate::scenario::Scenario;
use crate::sim::SimTime;
use crate::world::Simulation;
use std::sync::Arc;
use std::thread::JoinHandle;

/// Simulated time a build runs between looks at its records.
const SLICE_US: u64 = 100_000;

/// The collector and how far it has read, or the worker building it.
enum Feed {
    /// The worker, and the sequence number it reads up to.
    Building(JoinHandle<Result<Follow, String>>, u64),
    /// Fed every record with a sequence number below `seen`.
    Ready {
        follow: Box<Follow>,
        seen: u64,
        steps: usize,
    },
    Failed,
}

/// The lifeline window's state.
pub struct LifelineView {
    /// What it follows, as `--lifeline` takes it ("checkout#5", "key:car-7").
    pub id: String,
    run: String,
    feed: Feed,
    /// The diagram so far, its first steps as the SVG draws them (None while the first
    /// build runs), or why there is none.
    pub life: Option<Result<Lifeline, String>>,
    /// The time the window showed last frame: it scrolls to now when now moves.
    pub shown_now: Option<SimTime>,
}

/// The run a lifeline follows, as the app has it now.
pub struct Run<'a> {
    /// Which run: the scenario loaded, its seed, the timeline and every input of it (an
    /// input changed or added after going back is another future).
    pub key: String,
    /// The app's simulation.
    pub sim: &'a Simulation,
    /// The timeline as a scenario (the file's plus the inputs), to re-run headless.
    pub scenario: Box<dyn Fn() -> Scenario + 'a>,
}

/// Re-runs `sc` headless and feeds the records before sequence number `upto`.
fn build(sc: Arc<Scenario>, seed: u64, id: String, upto: u64) -> Result<Follow, String> {
    let mut follow = Follow::new(&sc, seed, &id)?;
    let mut sim = Simulation::new_capturing(sc.clone(), seed, 0);
    let end = sc.duration.0;
    while sim.trace.count() < upto && sim.now().0 < end && sim.violation.is_none() {
        sim.run_until(SimTime((sim.now().0 + SLICE_US).min(end)));
        let recs = sim.trace.drain();
        follow.observe(recs.iter().filter(|r| r.seq < upto), sim.names());
    }
    Ok(follow)
}

/// The lifeline so far, cut to the steps a diagram draws (once, not every frame); a message
/// not produced yet is not an error here: it may come.
fn lifeline_so_far(id: &str, f: &Follow) -> Result<Lifeline, String> {
    if f.steps() == 0 {
        return Err(format!("{id} has not appeared in this run yet: the diagram fills in when it does"));
    }
    f.lifeline().map(|l| first_steps(&l))
}

impl LifelineView {
    /// Starts following `id` in the run `l` (timeline `timeline`).
    pub fn new(id: String, r: &Run) -> LifelineView {
        let mut v = LifelineView { id, run: String::new(), feed: Feed::Failed, life: None, shown_now: None };
        v.rebuild(r);
        v
    }

    fn rebuild(&mut self, r: &Run) {
        self.run = r.key.clone();
        let (sc, seed, id, upto) = (Arc::new((r.scenario)()), r.sim.seed, self.id.clone(), r.sim.trace.count());
        self.feed = Feed::Building(std::thread::spawn(move || build(sc, seed, id, upto)), upto);
        self.shown_now = None;
    }

    /// Brings the lifeline up to the app's run: starts over for another run, takes a
    /// finished build, feeds the records made since.
    pub fn sync(&mut self, r: &Run) {
        if r.key != self.run {
            self.life = None; // another run: its diagram comes from the build
            self.rebuild(r);
        }
        if matches!(&self.feed, Feed::Building(h, _) if h.is_finished())
            && let Feed::Building(h, seen) = std::mem::replace(&mut self.feed, Feed::Failed)
        {
            match h.join() {
                Ok(Ok(follow)) => {
                    self.life = Some(lifeline_so_far(&self.id, &follow));
                    self.feed = Feed::Ready { steps: follow.steps(), follow: Box::new(follow), seen };
                }
                Ok(Err(e)) => self.life = Some(Err(e)),
                Err(_) => self.life = Some(Err("the lifeline could not be built (its worker stopped)".into())),
            }
        }
        self.feed_new(r);
    }

    /// Feeds the records made since the last frame; rebuilds when some already left the
    /// app's memory.
    fn feed_new(&mut self, r: &Run) {
        let Feed::Ready { follow, seen, steps: known } = &mut self.feed else { return };
        let count = r.sim.trace.count();
        if count <= *seen {
            return; // went back: the diagram holds this already
        }
        let recent = r.sim.trace.recent();
        if recent.front().is_none_or(|r| r.seq > *seen) {
            self.rebuild(r);
            return;
        }
        let from = *seen;
        follow.observe(recent.iter().filter(|r| r.seq >= from), r.sim.names());
        *seen = count;
        let now = follow.steps();
        if now != *known {
            *known = now;
            self.life = Some(lifeline_so_far(&self.id, follow));
        }
    }

    /// Waits for a build under way (tests).
    pub fn wait(&mut self, r: &Run) {
        if let Feed::Building(h, _) = &self.feed {
            while !h.is_finished() {
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
        }
        self.sync(r);
    }
}
