//! The simulation: owns the event queue, the nodes, the network, the random streams and
//! the trace, and is the only place where events are dispatched and effects applied.
//! Everything here is `Clone`, so the app can snapshot and rewind.

mod build;
pub mod build_amqp;
mod build_groups;
pub mod checks;
mod dispatch;
mod input_words;
mod inputs;
mod narrate;
mod roles;
mod story;
pub mod view;
mod wire;

pub use input_words::describe as describe_input;
pub use story::Story;
pub use wire::{Event, Msg, Timer};

use crate::check::invariants::Invariants;
use crate::check::stats::Stats;
use crate::check::violation::Violation;
use crate::kafka::Broker;
use crate::kafka::ClusterCfg;
use crate::kafka::Consumer;
use crate::kafka::Producer;
use crate::kafka::ZooKeeper;
use crate::scenario::{Action, FaultSpec, Scenario};
use crate::sim::{Dur, EventQueue, Network, NodeId, NodeRng, SimTime};
use crate::trace::{DownHow, Names, TraceLog};
use std::sync::Arc;
use wire::Fx;

/// A node of the simulation.
#[derive(Clone, Debug)]
pub enum Node {
    /// The ZooKeeper server.
    ZooKeeper(ZooKeeper),
    /// A Kafka broker.
    Broker(Broker),
    /// A producer.
    Producer(Producer),
    /// A consumer (boxed: by far the largest node).
    Consumer(Box<Consumer>),
    /// The RabbitMQ broker.
    Rabbit(Box<crate::amqp::broker::Rabbit>),
    /// An AMQP publisher.
    Publisher(crate::amqp::publisher::Publisher),
    /// An AMQP consumer.
    AmqpConsumer(crate::amqp::consumer::AmqpConsumer),
}

/// Whether a node runs, and how it went down.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Liveness {
    /// Running.
    Up,
    /// Down; requests to it bounce (connection refused) unless the machine is off.
    Down(DownHow),
}

/// The whole simulated world.
#[derive(Clone, Debug)]
pub struct Simulation {
    /// The scenario it was built from.
    pub scenario: Arc<Scenario>,
    /// The seed in use.
    pub seed: u64,
    now: SimTime,
    queue: EventQueue<Event>,
    nodes: Vec<Node>,
    live: Vec<Liveness>,
    incarnation: Vec<u32>,
    rngs: Vec<NodeRng>,
    net_rngs: Vec<NodeRng>,
    /// The key of every node's random streams: the seed, until `reseed` changes it.
    stream_key: u64,
    net: Network,
    /// The trace: digest, count, recent records.
    pub trace: TraceLog,
    names: Arc<Names>,
    cfg: Arc<ClusterCfg>,
    /// Counters the checks and the summary read.
    pub stats: Stats,
    /// Inputs applied after the start (from the app), with their times, for replay.
    pub injected: Vec<FaultSpec>,
    fx: Fx,
    events: u64,
    /// Messages the network dropped (cuts and loss).
    pub dropped: u64,
    /// The safety invariants, checked as the run goes.
    pub invariants: Invariants,
    /// The first invariant broken, if any: the run stops there.
    pub violation: Option<Violation>,
    /// Nodes faults took down, in order (for `RestartCrashed` and `{crashed}`).
    crashed: Vec<NodeId>,
    /// The narration as this run tells it.
    story: Story,
}

impl Simulation {
    /// Simulated time now.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Events processed so far.
    pub fn events(&self) -> u64 {
        self.events
    }

    /// Events scheduled and not yet run.
    pub fn queued_events(&self) -> usize {
        self.queue.len()
    }

    /// Time of the next event.
    pub fn next_event_time(&self) -> Option<SimTime> {
        self.queue.peek_time()
    }

    /// Processes one event; false when there is none (or an invariant broke).
    pub fn step(&mut self) -> bool {
        if self.violation.is_some() {
            return false; // a broken invariant stops the run where it broke
        }
        if let Some(t) = self.queue.peek_time()
            && self.caption_due(t, false)
        {
            self.tell(t, false); // every event before t has run: the captions before it can be told
        }
        let Some((at, ev)) = self.queue.pop() else {
            return false;
        };
        debug_assert!(at >= self.now, "time went backwards (seed {})", self.seed);
        self.now = at;
        self.events += 1;
        match ev {
            Event::Deliver { from, to, msg, .. } => self.deliver(from, to, msg),
            Event::Timer { node, incarnation, timer } => {
                if self.live[node.0 as usize] == Liveness::Up && self.incarnation[node.0 as usize] == incarnation {
                    self.on_timer(node, timer);
                }
            }
            Event::Input(a) => self.apply_input(a),
        }
        if self.events.is_multiple_of(4096) {
            self.check_state();
        }
        true
    }

    /// Runs every event up to and including `t`, then sets the clock to `t`.
    pub fn run_until(&mut self, t: SimTime) {
        while self.violation.is_none() && self.queue.peek_time().is_some_and(|at| at <= t) {
            self.step();
        }
        if self.violation.is_some() {
            return; // stopped where the invariant broke
        }
        self.now = self.now.max(t);
        self.tell(t, true);
        // Only once enough has accumulated: the walk over every replica is not free.
        if self.stats.acked_since_forget >= 50_000 {
            self.stats.acked_since_forget = 0;
            self.forget_retained_acks();
        }
    }

    /// Forgets acknowledged records that retention removed from every replica, so a long
    /// run's memory stays flat.
    fn forget_retained_acks(&mut self) {
        for tp in self.partitions() {
            let start =
                self.brokers().filter_map(|b| b.rm.replicas.get(&tp)).map(|r| r.log.start_offset()).min().unwrap_or(0);
            self.stats.forget_acked_below(tp, start);
        }
    }

    /// Schedules an input now (from the app); it is recorded for "save session".
    pub fn inject(&mut self, action: Action) {
        self.injected.push(FaultSpec { at: Dur(self.now.0), action: action.clone() });
        self.queue.push_late(self.now, Event::Input(action));
    }

    /// Checks an input against the scenario as this session has it (earlier inputs
    /// included: a consumer added live can be crashed) and schedules it now; an input the
    /// scenario validator would refuse is refused here, so a saved session always loads.
    pub fn try_inject(&mut self, action: Action) -> Result<(), String> {
        if self.now.0 >= self.scenario.duration.0 {
            return Err(format!("the run ended at {}", self.scenario.duration));
        }
        let sc = self.session_scenario();
        // A scenario file holds at most `ITEMS` faults: one more and the saved session
        // would not load.
        let most = crate::scenario::validate::limits::ITEMS;
        if sc.faults.len() >= most {
            return Err(format!("a session holds at most {most} inputs (the scenario's own included)"));
        }
        crate::scenario::validate::check_action(&sc, &action)?;
        // The session with this input must pass the file's story checks too (each
        // RestartCrashed, the scenario's own later ones included, undoes an earlier crash).
        let mut with = sc.clone();
        with.faults.push(FaultSpec { at: Dur(self.now.0), action: action.clone() });
        with.faults.sort_by_key(|f| f.at);
        let plain = |_: &[&str], msg: String| crate::scenario::ScenarioError {
            file: String::new(),
            line: 0,
            col: 0,
            msg,
            source_line: None,
        };
        crate::scenario::validate_story::check_story(&with, &plain).map_err(|e| e.msg)?;
        // The scenario knows only the names it was written with; a member added earlier in
        // this session (or about to be) has a name too, and a second node under it would
        // be one nobody can crash, stall or cut by name.
        if let Action::AddConsumer { name: Some(n), .. } = &action
            && (self.node_by_name(n).is_some() || self.member_named(n))
        {
            return Err(format!("client name \"{n}\" is already used"));
        }
        self.inject(action);
        Ok(())
    }

    /// Gives every node (and its network link) fresh random streams keyed by the seed and
    /// `salt`, from now on: a clone reseeded with different salts continues from the same
    /// state with different random choices (`brokerlab why` branches a run this way).
    /// Everything already decided stays: events in the queue, scheduled faults and inputs.
    /// A run that is never reseeded keeps the streams of its seed, so its trace is unchanged;
    /// a reseeded one is reproduced by its seed and the salt, not by `session_scenario`.
    pub fn reseed(&mut self, salt: u64) {
        self.stream_key = mix(self.seed ^ mix(salt));
        let key = self.stream_key;
        for (i, r) in self.rngs.iter_mut().enumerate() {
            *r = NodeRng::new(key, i as u64);
        }
        for (i, r) in self.net_rngs.iter_mut().enumerate() {
            *r = NodeRng::new(key, build_groups::NET_STREAM_BASE + i as u64);
        }
    }

    /// Names for records and views.
    pub fn names(&self) -> &Arc<Names> {
        &self.names
    }

    /// Cluster settings.
    pub fn cluster(&self) -> &Arc<ClusterCfg> {
        &self.cfg
    }
}

/// The SplitMix64 finaliser: spreads a salt over all 64 bits, so nearby salts (times a
/// microsecond apart, run numbers 0, 1, 2) give unrelated stream keys.
fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl Simulation {
    /// The scenario plus every input applied from the app, with the seed in use: saved as
    /// a file, it replays this session to the same trace.
    pub fn session_scenario(&self) -> Scenario {
        let mut sc = (*self.scenario).clone();
        sc.seed = self.seed;
        sc.faults.extend(self.injected.iter().cloned());
        sc.faults.sort_by_key(|f| f.at); // stable: same-time inputs keep their order
        sc
    }
}
