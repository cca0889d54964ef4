//! The app's session: the scenario catalogue, the loaded simulation and everything the
//! panels remember (selection, filters, chart samples, the inject form). Plain data: the
//! plugins read and change it; tests drive it without a window.

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

pub use super::charts::Sample;

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
    /// The event log's notable records, for the whole run.
    pub log: super::event_log::EventLog,
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
}

impl Loaded {
    /// A fresh simulation of `scenario` with `seed`, paused at time zero.
    pub fn new(path: PathBuf, scenario: Arc<Scenario>, seed: u64) -> Loaded {
        let sim = Simulation::new(scenario.clone(), seed, KEEP_RECENT);
        let names = sim.names().clone();
        let first_client =
            names.nodes.get(1 + scenario.cluster.brokers as usize).cloned().unwrap_or_else(|| "broker-1".into());
        let save = path
            .with_extension("session.ron")
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_else(|| "session.ron".into());
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
            inject: InjectForm {
                broker: 1,
                client: 0,
                link_a: "broker-1".into(),
                link_b: first_client,
                slow_ms: 200,
                group: 0,
            },
            log: Default::default(),
        };
        l.sample();
        l.log.feed(&l.sim);
        l
    }
}

impl Session {
    /// Lists `dir`'s scenarios (recursively), each loaded once to show its name.
    pub fn scan(&mut self, dir: &Path) {
        let mut files = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            let Ok(rd) = std::fs::read_dir(&d) else { continue };
            for e in rd.flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "ron") {
                    files.push(p);
                }
            }
        }
        files.sort();
        self.catalog = files
            .into_iter()
            .map(|path| match load_file(&path) {
                Ok(sc) => CatalogEntry { name: sc.name.clone(), about: sc.about.clone(), path, ok: true },
                Err(e) => CatalogEntry {
                    name: path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default(),
                    about: e.to_string(),
                    path,
                    ok: false,
                },
            })
            .collect();
    }

    /// Loads a scenario file; on error keeps the current one and shows the error.
    pub fn open(&mut self, path: &Path, seed: Option<u64>) {
        match load_file(path) {
            Ok(sc) => {
                let sc = Arc::new(sc);
                let seed = seed.unwrap_or(sc.seed);
                self.loaded = Some(Loaded::new(path.to_path_buf(), sc, seed));
                self.load_error = None;
                self.status = None;
            }
            Err(e) => self.load_error = Some(e.to_string()),
        }
    }
}
