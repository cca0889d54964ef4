//! The simulation: owns the event queue, the nodes, the network, the random streams and
//! the trace, and is the only place where events are dispatched and effects applied.
//! Everything here is `Clone`, so the app can snapshot and rewind.

mod build;
pub mod build_amqp;
mod build_groups;
pub mod checks;
mod input_words;
mod inputs;
mod narrate;
mod roles;
mod story;
pub mod view;

pub use input_words::describe as describe_input;
pub use story::Story;

use crate::check::invariants::Invariants;
use crate::check::violation::Violation;
use crate::check::stats::Stats;
use crate::kafka::broker::Broker;
use crate::kafka::consumer::Consumer;
use crate::kafka::producer::Producer;
use crate::kafka::zookeeper::ZooKeeper;
use crate::kafka::{ClusterCfg, Ctx, Fx, KTimer, Msg};
use crate::scenario::{Action, FaultSpec, Scenario};
use crate::sim::{Dur, EventQueue, Network, NodeId, NodeRng, SimTime};
use crate::trace::{DownHow, Names, TraceLog};
use std::sync::Arc;

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

/// A scheduled event.
#[derive(Clone, Debug)]
pub enum Event {
    /// A message arrives.
    Deliver { from: NodeId, to: NodeId, sent_at: SimTime, msg: Msg },
    /// A node's timer fires (ignored if the node restarted since: `incarnation`).
    Timer { node: NodeId, incarnation: u32, timer: KTimer },
    /// A fault or other input is applied.
    Input(Action),
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
                    self.dispatch(node, |n, ctx, fx| n.on_timer(ctx, timer, fx));
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

    fn deliver(&mut self, from: NodeId, to: NodeId, msg: Msg) {
        let i = to.0 as usize;
        if self.net.is_cut(from, to) {
            self.dropped += 1;
            return;
        }
        match self.live[i] {
            Liveness::Up => self.dispatch(to, |n, ctx, fx| n.on_message(ctx, from, msg, fx)),
            Liveness::Down(DownHow::PowerLoss) => self.dropped += 1,
            Liveness::Down(DownHow::Clean | DownHow::Crash) => {
                // The host is up but nothing listens: the connection is refused.
                if let Some(req) = msg.request_id() {
                    self.fx.clear();
                    self.fx.send(from, Msg::Unreachable { req: Some(req) });
                    self.apply_effects(to);
                }
            }
        }
    }

    /// Runs a handler on a node with its own context and applies the effects.
    fn dispatch(&mut self, node: NodeId, f: impl FnOnce(&mut Node, &mut Ctx, &mut Fx)) {
        let i = node.0 as usize;
        self.fx.clear();
        let mut ctx = Ctx { now: self.now, me: node, rng: &mut self.rngs[i] };
        f(&mut self.nodes[i], &mut ctx, &mut self.fx);
        self.apply_effects(node);
    }

    /// Applies the collected effects of `node`: sends through the network, timers into
    /// the queue, records into the trace and the statistics.
    fn apply_effects(&mut self, node: NodeId) {
        let i = node.0 as usize;
        let mut fx = std::mem::take(&mut self.fx);
        self.stats.now_us = self.now.0;
        for r in fx.records.drain(..) {
            self.stats.observe(&r);
            if self.violation.is_none()
                && let Err(mut v) = self.invariants.record(&self.names, self.cfg.offsets_topic, self.now.0, &r)
            {
                let rec = crate::trace::Record { t_us: self.now.0, seq: self.trace.count(), kind: r.clone() };
                v.record = Some(crate::trace::jsonl::to_json(&rec, &self.names).to_string());
                self.violation = Some(v);
            }
            self.trace.push(self.now.0, r);
        }
        for (to, msg) in fx.sends.drain(..) {
            if to == node {
                // Loopback (a coordinator appending to its own partition): no network.
                self.queue.push(self.now, Event::Deliver { from: node, to, sent_at: self.now, msg });
                continue;
            }
            match self.net.route(self.now, node, to, &mut self.net_rngs[i]) {
                Ok(at) => self.queue.push(at, Event::Deliver { from: node, to, sent_at: self.now, msg }),
                Err(_) => self.dropped += 1,
            }
        }
        let inc = self.incarnation[i];
        for (after, timer) in fx.timers.drain(..) {
            self.queue.push(self.now + after, Event::Timer { node, incarnation: inc, timer });
        }
        self.fx = fx;
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

impl Node {
    fn on_message(&mut self, ctx: &mut Ctx, from: NodeId, msg: Msg, fx: &mut Fx) {
        match self {
            Node::ZooKeeper(z) => z.on_message(ctx, from, msg, fx),
            Node::Broker(b) => b.on_message(ctx, from, msg, fx),
            Node::Producer(p) => p.on_message(ctx, msg, fx),
            Node::Consumer(c) => c.on_message(ctx, msg, fx),
            Node::Rabbit(r) => match msg.traffic() {
                crate::kafka::protocol::Traffic::Amqp(a) => r.on_message(ctx, from, a, fx),
                crate::kafka::protocol::Traffic::Bounce(Some(tag)) => r.on_bounce(ctx, tag, fx),
                crate::kafka::protocol::Traffic::Bounce(None) | crate::kafka::protocol::Traffic::Kafka => {}
            },
            Node::Publisher(p) => p.on_message(ctx, msg, fx),
            Node::AmqpConsumer(c) => c.on_message(msg, fx),
        }
    }

    fn on_timer(&mut self, ctx: &mut Ctx, t: KTimer, fx: &mut Fx) {
        match (self, t) {
            (Node::ZooKeeper(z), KTimer::Zk(t)) => z.on_timer(ctx, t, fx),
            (Node::Broker(b), KTimer::Broker(t)) => b.on_timer(ctx, t, fx),
            (Node::Producer(p), KTimer::Producer(t)) => p.on_timer(ctx, t, fx),
            (Node::Consumer(c), KTimer::Consumer(t)) => c.on_timer(ctx, t, fx),
            (Node::Rabbit(r), KTimer::Amqp(t)) => r.on_timer(ctx, t, fx),
            (Node::Publisher(p), KTimer::Amqp(t)) => p.on_timer(ctx, t, fx),
            (Node::AmqpConsumer(c), KTimer::Amqp(t)) => c.on_timer(ctx, t, fx),
            (n, t) => panic!("timer {t:?} scheduled for the wrong node kind {:?}", std::mem::discriminant(n)),
        }
    }
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
