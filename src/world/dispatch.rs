//! The hot path: a message or timer reaches its node, the node's handler runs with its own
//! context and effects buffer, and the loop applies the effects (network, queue, trace,
//! statistics, record invariants). The world unwraps its `Msg`/`Timer` here, pairing each
//! node kind with the model it speaks.

use super::wire::{Event, Fx, Model, Msg, Timer};
use super::{Liveness, Node, Simulation};
use crate::kafka::KTimer;
use crate::sim::{Ctx, Effects, NodeId};
use crate::trace::{DownHow, RecordKind};

impl Simulation {
    pub(super) fn deliver(&mut self, from: NodeId, to: NodeId, msg: Msg) {
        if self.net.is_cut(from, to) {
            self.dropped += 1;
            return;
        }
        match self.live[to.0 as usize] {
            Liveness::Up => self.on_message(from, to, msg),
            Liveness::Down(DownHow::PowerLoss) => self.dropped += 1,
            Liveness::Down(DownHow::Clean | DownHow::Crash) => self.refuse(from, to, msg),
        }
    }

    /// The host is up but nothing listens: the connection is refused, and the sender of a
    /// request learns it in its own model's words.
    fn refuse(&mut self, from: NodeId, to: NodeId, msg: Msg) {
        match msg {
            Msg::Kafka(m) => {
                if let Some(req) = m.request_id() {
                    self.fx.kafka.send(from, crate::kafka::Msg::Unreachable { req: Some(req) });
                    self.apply(to, Model::Kafka);
                }
            }
            Msg::Amqp(m) => {
                if let Some(req) = m.request_id() {
                    self.fx.amqp.send(from, crate::amqp::AmqpMsg::Unreachable { req });
                    self.apply(to, Model::Amqp);
                }
            }
        }
    }

    fn on_message(&mut self, from: NodeId, to: NodeId, msg: Msg) {
        let i = to.0 as usize;
        let ctx = &mut Ctx { now: self.now, me: to, rng: &mut self.rngs[i] };
        let (kfx, afx) = (&mut self.fx.kafka, &mut self.fx.amqp);
        let model = msg.model();
        match (&mut self.nodes[i], msg) {
            (Node::ZooKeeper(z), Msg::Kafka(m)) => z.on_message(ctx, from, m, kfx),
            (Node::Broker(b), Msg::Kafka(m)) => b.on_message(ctx, from, m, kfx),
            (Node::Producer(p), Msg::Kafka(m)) => p.on_message(ctx, m, kfx),
            (Node::Consumer(c), Msg::Kafka(m)) => c.on_message(ctx, m, kfx),
            (Node::Rabbit(r), Msg::Amqp(m)) => r.on_message(ctx, from, m, afx),
            (Node::Publisher(p), Msg::Amqp(m)) => p.on_message(ctx, m, afx),
            (Node::AmqpConsumer(c), Msg::Amqp(m)) => c.on_message(m, afx),
            // A model's message at the other model's node: nothing there speaks it.
            (Node::ZooKeeper(_) | Node::Broker(_) | Node::Producer(_) | Node::Consumer(_), Msg::Amqp(_))
            | (Node::Rabbit(_) | Node::Publisher(_) | Node::AmqpConsumer(_), Msg::Kafka(_)) => return,
        }
        self.apply(to, model);
    }

    pub(super) fn on_timer(&mut self, node: NodeId, timer: Timer) {
        let i = node.0 as usize;
        let ctx = &mut Ctx { now: self.now, me: node, rng: &mut self.rngs[i] };
        let (kfx, afx) = (&mut self.fx.kafka, &mut self.fx.amqp);
        let model = timer.model();
        match (&mut self.nodes[i], timer) {
            (Node::ZooKeeper(z), Timer::Kafka(KTimer::Zk(t))) => z.on_timer(ctx, t, kfx),
            (Node::Broker(b), Timer::Kafka(KTimer::Broker(t))) => b.on_timer(ctx, t, kfx),
            (Node::Producer(p), Timer::Kafka(KTimer::Producer(t))) => p.on_timer(ctx, t, kfx),
            (Node::Consumer(c), Timer::Kafka(KTimer::Consumer(t))) => c.on_timer(ctx, t, kfx),
            (Node::Rabbit(r), Timer::Amqp(t)) => r.on_timer(ctx, t, afx),
            (Node::Publisher(p), Timer::Amqp(t)) => p.on_timer(ctx, t, afx),
            (Node::AmqpConsumer(c), Timer::Amqp(t)) => c.on_timer(ctx, t, afx),
            (
                n @ (Node::ZooKeeper(_)
                | Node::Broker(_)
                | Node::Producer(_)
                | Node::Consumer(_)
                | Node::Rabbit(_)
                | Node::Publisher(_)
                | Node::AmqpConsumer(_)),
                t,
            ) => panic!("timer {t:?} scheduled for the wrong node kind {:?}", std::mem::discriminant(n)),
        }
        self.apply(node, model);
    }

    /// Runs a handler on a node with its own context and applies the effects (for
    /// inputs and boot; events go through `on_message` and `on_timer`).
    pub(super) fn dispatch(&mut self, node: NodeId, f: impl FnOnce(&mut Node, &mut Ctx, &mut Fx)) {
        let i = node.0 as usize;
        self.fx.clear();
        let mut ctx = Ctx { now: self.now, me: node, rng: &mut self.rngs[i] };
        f(&mut self.nodes[i], &mut ctx, &mut self.fx);
        self.apply_effects(node);
    }

    /// Applies what `node` wrote into either buffer.
    pub(super) fn apply_effects(&mut self, node: NodeId) {
        self.apply(node, Model::Kafka);
        self.apply(node, Model::Amqp);
    }

    fn apply(&mut self, node: NodeId, model: Model) {
        match model {
            Model::Kafka => {
                let mut fx = std::mem::take(&mut self.fx.kafka);
                self.apply_model(node, &mut fx, Msg::Kafka, Timer::Kafka);
                self.fx.kafka = fx;
            }
            Model::Amqp => {
                let mut fx = std::mem::take(&mut self.fx.amqp);
                self.apply_model(node, &mut fx, Msg::Amqp, Timer::Amqp);
                self.fx.amqp = fx;
            }
        }
    }

    /// Applies the collected effects of `node`: sends through the network, timers into
    /// the queue, records into the trace and the statistics. Drains `fx`.
    fn apply_model<M, T>(
        &mut self,
        node: NodeId,
        fx: &mut Effects<M, T, RecordKind>,
        wrap_msg: impl Fn(M) -> Msg,
        wrap_timer: impl Fn(T) -> Timer,
    ) {
        let i = node.0 as usize;
        self.stats.now_us = self.now.0;
        for r in fx.records.drain(..) {
            self.observe(r);
        }
        for (to, m) in fx.sends.drain(..) {
            let msg = wrap_msg(m);
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
        for (after, t) in fx.timers.drain(..) {
            self.queue.push(self.now + after, Event::Timer { node, incarnation: inc, timer: wrap_timer(t) });
        }
    }

    /// One trace record: statistics, record invariants, the trace.
    fn observe(&mut self, r: RecordKind) {
        self.stats.observe(&r);
        if self.violation.is_none()
            && let Err(mut v) = self.invariants.record(&self.names, self.cfg.offsets_topic, self.now.0, &r)
        {
            let rec = crate::trace::Record { t_us: self.now.0, seq: self.trace.count(), kind: r.clone() };
            v.record = Some(crate::trace::jsonl::to_json(&rec, &self.names).to_string());
            self.violation = Some(v);
        }
        if !self.story.waiting.is_empty() {
            self.watch_story(&r);
        }
        self.trace.push(self.now.0, r);
    }
}
