//! The app's session: the scenario catalogue, the loaded simulation and everything the
//! panels remember (selection, filters, chart samples, the inject form). Plain data: the
//! plugins read and change it; tests drive it without a window.

use super::event_log::lines::EventLog;
use super::flights::Flights;
use super::guide::Guide;
use super::sample::Sample;
use crate::scenario::Action;
use crate::scenario::{Scenario, load_file};
use crate::sim::SimTime;
use crate::trace::{BrokerId, MsgId, Tp};
use crate::world::Simulation;
use bevy::prelude::Resource;
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Records kept in memory for the event log and the message inspector.
pub const KEEP_RECENT: usize = 100_000;
/// Most recent records a per-frame view (event log, flashes) looks through, so a frame's
/// cost stays bounded however fast records arrive.
pub const SCAN_PER_FRAME: usize = 20_000;
/// Chart samples kept (at `SAMPLE_US` apart: ten simulated minutes).
pub const MAX_SAMPLES: usize = 2400;
/// Simulated time between chart samples.
pub const SAMPLE_US: u64 = 250_000;

/// A scenario file in the picker.
#[derive(Clone, Debug)]
pub struct CatalogEntry {
    /// The file.
    pub path: PathBuf,
    /// Its name, or the file name when it does not load.
    pub name: String,
    /// Its one-line description, or the load error.
    pub about: String,
    /// Whether it loads.
    pub ok: bool,
    /// Its chapter and goal, when it is a chapter of the course.
    pub course: Option<(u32, String)>,
}

/// What the inspector shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Selection {
    /// Nothing.
    #[default]
    None,
    /// A broker.
    Broker(BrokerId),
    /// One replica of a partition on a broker.
    Replica(BrokerId, Tp),
    /// A producer or consumer (node index).
    Client(u32),
    /// A message's life.
    Message(MsgId),
    /// ZooKeeper and the controller.
    ZooKeeper,
}

/// The inject form's choices.
#[derive(Clone, Debug)]
pub struct InjectForm {
    /// Chosen broker.
    pub broker: u32,
    /// Chosen client (index into the clients list).
    pub client: usize,
    /// Link ends (node names).
    pub link_a: String,
    /// Link ends (node names).
    pub link_b: String,
    /// Extra latency for "slow".
    pub slow_ms: u32,
    /// Chosen consumer group (index).
    pub group: usize,
}

/// A loaded scenario and its running simulation.
#[derive(Clone)]
pub struct Loaded {
    /// The file it came from.
    pub path: PathBuf,
    /// The scenario.
    pub scenario: Arc<Scenario>,
    /// The simulation.
    pub sim: Simulation,
    /// Playing or paused.
    pub playing: bool,
    /// Simulated seconds per wall second.
    pub speed: f64,
    /// Seed field text.
    pub seed_text: String,
    /// Chart samples.
    pub samples: VecDeque<Sample>,
    /// Next sample time.
    pub next_sample: SimTime,
    /// Inspector selection.
    pub selection: Selection,
    /// Event log filter text.
    pub log_filter: String,
    /// Show data-path records in the log too.
    pub show_data_path: bool,
    /// Where "save session" writes.
    pub save_path: String,
    /// Inject form.
    pub inject: InjectForm,
    /// Messages on screen (each flies at least a moment of wall time).
    pub flights: Flights,
    /// When the learner first changed the run (time, what): later captions are only what
    /// the script said.
    pub off_script: Option<(SimTime, String)>,
    /// Acknowledged-but-lost records, cached by engine event count.
    lost_cache: (u64, usize),
    /// Records from this trace sequence number on came from Step: the log shows them all.
    pub stepped_from: u64,
    /// Inputs the learner applied in this run.
    pub changes: usize,
    /// The event log's notable records, for the whole run.
    pub log: EventLog,
    /// Guided mode: where playback stops, the answers, the verdicts.
    pub guide: Guide,
    /// The run's past, to go back to: snapshots, the learner's inputs, the timeline's ticks.
    pub rewind: super::rewind::Rewind<Loaded>,
}

/// Which parts of the window show, and the frame-time readout.
#[derive(Clone, Debug)]
pub struct View {
    /// The left panel (scenarios, playback, faults).
    pub left: bool,
    /// The right panel (inspector, charts, story).
    pub right: bool,
    /// The event log.
    pub log: bool,
    /// The legend window (`?`).
    pub legend: bool,
    /// The frame-time readout (`F`).
    pub frame_times: bool,
    /// Last frame's milliseconds: engine, scene, whole UI pass, whole frame.
    pub ms: [f64; 4],
    /// The panels were fitted to the window's first size.
    pub fitted: bool,
    /// Open or fold the picker once (after a scenario loads it folds to make room).
    pub picker_open: Option<bool>,
}

impl Default for View {
    fn default() -> Self {
        View {
            left: true,
            right: true,
            log: true,
            legend: false,
            frame_times: false,
            ms: [0.0; 4],
            fitted: false,
            picker_open: None,
        }
    }
}

/// The app's state.
#[derive(Resource, Default)]
pub struct Session {
    /// Scenario files for the picker.
    pub catalog: Vec<CatalogEntry>,
    /// The loaded scenario.
    pub loaded: Option<Loaded>,
    /// Why the last load failed (file:line:column and message).
    pub load_error: Option<String>,
    /// A short status line (saved, errors).
    pub status: Option<String>,
    /// What shows.
    pub view: View,
    /// Course chapters finished (file names), saved locally between sessions.
    pub finished: std::collections::BTreeSet<String>,
    /// The loaded run's other timelines (forks), and the comparison on screen.
    pub timelines: super::timelines::Timelines<Loaded>,
    /// The lifeline window: a message's or a key's life, synced with the timeline.
    pub lifeline: Option<super::lifeline_view::LifelineView>,
    /// "When did it become inevitable?": the curve over the timeline bar.
    pub why: Option<super::why_view::WhyView>,
}

impl Loaded {
    /// A fresh simulation of `scenario` with `seed`, paused at time zero.
    pub fn new(path: PathBuf, scenario: Arc<Scenario>, seed: u64) -> Loaded {
        let sim = Simulation::new(scenario.clone(), seed, KEEP_RECENT);
        let names = sim.names().clone();
        // The link pickers start on nodes that exist: a server (broker-1, or the RabbitMQ
        // node) and the first client.
        let server = if scenario.cluster.brokers > 0 { Some(1) } else { sim.rabbit().map(|(id, _)| id.0 as usize) };
        let link_a = server.and_then(|i| names.nodes.get(i)).cloned().unwrap_or_else(|| names.nodes[0].clone());
        let first_client = names
            .nodes
            .iter()
            .enumerate()
            .find(|(i, n)| Some(*i) != server && *i > scenario.cluster.brokers as usize && *n != &link_a)
            .map(|(_, n)| n.clone())
            .unwrap_or_else(|| link_a.clone());
        let save = path
            .with_extension("session.ron")
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_else(|| "session.ron".into());
        let guide = Guide::new(&scenario);
        let mut l = Loaded {
            path,
            scenario,
            sim,
            playing: false,
            speed: 1.0,
            seed_text: seed.to_string(),
            samples: VecDeque::new(),
            next_sample: SimTime::ZERO,
            selection: Selection::None,
            log_filter: String::new(),
            show_data_path: false,
            save_path: save,
            inject: InjectForm { broker: 1, client: 0, link_a, link_b: first_client, slow_ms: 200, group: 0 },
            flights: Default::default(),
            off_script: None,
            lost_cache: (u64::MAX, 0),
            stepped_from: u64::MAX,
            changes: 0,
            log: Default::default(),
            guide,
            rewind: Default::default(),
        };
        l.sample();
        l.log.feed(&l.sim);
        // Each expectation in words for the Outcome panel (judged later; cheap at time zero).
        l.guide.words = l.scenario.expect.iter().map(|e| crate::runner::expect::evaluate(&l.sim, e).what).collect();
        l.snapshot();
        l
    }

    /// Which run this is, on timeline `timeline`: the scenario loaded, its seed, the
    /// timeline and every input of it (an input changed or added after going back is
    /// another future). Views computed from a run keep it to know when they are out of date.
    pub fn run_key(&self, timeline: &str) -> String {
        format!("{:p}|{}|{timeline}|{}", Arc::as_ptr(&self.scenario), self.sim.seed, self.rewind.inputs_text())
    }

    /// This run as the lifeline window follows it, on timeline `timeline`.
    pub fn lifeline_run(&self, timeline: &str) -> super::lifeline_view::Run<'_> {
        super::lifeline_view::Run {
            key: self.run_key(timeline),
            sim: &self.sim,
            scenario: Box::new(|| self.session_scenario()),
        }
    }

    /// The scenario as this timeline runs: the file, the seed, every input applied and, after
    /// going back, those still to come; run headless it gives this timeline's trace.
    pub fn session_scenario(&self) -> Scenario {
        let mut sc = self.sim.session_scenario();
        sc.faults.extend(self.rewind.pending_inputs(self.sim.injected.len()));
        sc.faults.sort_by_key(|f| f.at); // stable: same-time inputs keep their order
        sc
    }

    /// Applies an input from the learner now (recorded by the engine for replay), marking
    /// where the run left the scenario's script.
    pub fn apply_input(&mut self, a: Action) -> Result<(), String> {
        let what = crate::world::describe_input(&a);
        self.sim.try_inject(a)?;
        self.changes += 1;
        if self.off_script.is_none() {
            self.off_script = Some((self.sim.now(), what));
        }
        Ok(())
    }

    /// Moves the clock to `t` (no event is due before it): samples the charts at each
    /// sample point on the way, and applies the learner's inputs of this timeline (after
    /// going back) at the engine event count and time they first came. With `t` at or
    /// before now it only applies the inputs due now (events at now may still be queued).
    /// An input applied stops the clock at its time (it queued an event there): the clock
    /// is at `t` only when no event is due by then.
    pub fn clock(&mut self, t: SimTime) {
        loop {
            let now = self.sim.now();
            let input = self
                .rewind
                .pending(self.sim.injected.len())
                .filter(|(events, at, _)| *events == self.sim.events() && *at <= t.max(now))
                .map(|(_, at, a)| (at, a.clone()));
            let to = input.as_ref().map_or(t, |i| i.0);
            // Never runs events: with some still queued at now, the clock stays (it also
            // tells the captions due, so it runs whenever nothing is due by `to`).
            if to > now || self.sim.next_event_time().is_none_or(|e| e > to) {
                while self.next_sample <= to {
                    self.sim.run_until(self.next_sample);
                    self.sample();
                }
                self.sim.run_until(to);
            }
            let Some((at, a)) = input else { break };
            // It was valid when first applied at this very point, so it is again.
            self.apply_input(a).expect("an input valid here before is valid again");
            // It queued an event at its time: that runs next, as it did then (after any other
            // input that came at the same point).
            let same_point =
                self.rewind.pending(self.sim.injected.len()).is_some_and(|(e, _, _)| e == self.sim.events());
            if !same_point && self.sim.next_event_time().is_some_and(|e| e <= t.max(at)) {
                break;
            }
        }
    }

    /// Acknowledged records missing from their partition (the scene's "acked but lost").
    /// Only a leader change, a truncation or a power loss can lose one, so the search runs
    /// only after one of those, at most once per engine step.
    pub fn acked_lost(&mut self) -> usize {
        let st = &self.sim.stats;
        if st.truncated == 0 && st.lost_unflushed == 0 && st.leader_changes == 0 {
            return 0;
        }
        if self.lost_cache.0 != self.sim.events() {
            self.lost_cache = (self.sim.events(), crate::world::checks::loss::acked_lost(&self.sim).len());
        }
        self.lost_cache.1
    }

    /// Records a chart sample now.
    pub fn sample(&mut self) {
        if self.samples.len() == MAX_SAMPLES {
            self.samples.pop_front();
        }
        self.samples.push_back(Sample::of(&self.sim));
        self.next_sample = SimTime((self.sim.now().0 / SAMPLE_US + 1) * SAMPLE_US);
    }

    /// Runs one event, first sampling every sample point before it (the state there is
    /// the state now: nothing happens in between), then feeds the event log. Every way
    /// of advancing the simulation goes through here, so charts and log miss nothing.
    pub fn step_event(&mut self) -> bool {
        // Up to just before it (events at the same time as now must not run early), when a
        // chart sample or an input of this timeline comes first.
        let input_here = self.rewind.pending(self.sim.injected.len()).is_some_and(|(e, _, _)| e == self.sim.events());
        if let Some(t) = self.sim.next_event_time()
            && (t > self.next_sample || input_here)
        {
            self.clock(SimTime(t.0.saturating_sub(1)).max(self.sim.now()));
        }
        let ran = self.sim.step();
        self.log.feed(&self.sim);
        self.rewind.observe(&self.sim);
        if self.rewind.snapshot_due(self.sim.events()) {
            self.snapshot();
        }
        ran
    }
}

impl Session {
    /// Lists `dir`'s scenarios (recursively), each loaded once to show its name.
    pub fn scan(&mut self, dir: &Path) {
        let files = crate::scenario::scenario_files(&[dir.to_path_buf()]);
        self.catalog = files
            .into_iter()
            .map(|path| match load_file(&path) {
                Ok(sc) => CatalogEntry {
                    name: sc.name.clone(),
                    about: sc.about.clone(),
                    course: sc.course.as_ref().map(|c| (c.chapter, c.goal.clone())),
                    path,
                    ok: true,
                },
                Err(e) => CatalogEntry {
                    name: path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default(),
                    about: e.to_string(),
                    path,
                    ok: false,
                    course: None,
                },
            })
            .collect();
        self.finished = super::progress::load();
    }

    /// Loads a scenario file; on error keeps the current one and shows the error.
    pub fn open(&mut self, path: &Path, seed: Option<u64>) {
        match load_file(path) {
            Ok(sc) => {
                let sc = Arc::new(sc);
                let seed = seed.unwrap_or(sc.seed);
                self.loaded = Some(Loaded::new(path.to_path_buf(), sc, seed));
                self.timelines.reset();
                self.load_error = None;
                self.status = None;
            }
            Err(e) => self.load_error = Some(e.to_string()),
        }
    }
}
