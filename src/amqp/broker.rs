//! The RabbitMQ node: routes publishes through its exchanges into queues, pushes messages
//! to consumers within their prefetch, settles acks, nacks and rejects, expires messages
//! at queue heads, dead-letters (with cycle detection), answers publisher confirms and
//! returns unroutable `mandatory` messages. Simplified: one node, classic queues; a
//! crashed consumer's channel closes at once (its host resets the connection).

use super::dead_letter::{is_cycle, record_death};
use super::exchange::{Exchange, route};
use super::queue::{Enqueued, Queue, QueueCfg};
use super::{AmqpMsg, AmqpTimer, Ctx, DeathReason, Fx, Message};
use crate::sim::{NodeId, SimTime};
use crate::trace::{AmqpEvent, QueueRef, RecordKind};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// The declared topology.
#[derive(Clone, Debug)]
pub struct RabbitCfg {
    /// Exchanges by name.
    pub exchanges: BTreeMap<String, Exchange>,
    /// Queues, in declaration order (their index is their `QueueRef`).
    pub queues: Vec<Arc<QueueCfg>>,
}

/// The broker node.
#[derive(Clone, Debug)]
pub struct Rabbit {
    /// Topology.
    pub cfg: Arc<RabbitCfg>,
    /// Queues by name.
    pub queues: BTreeMap<String, Queue>,
    next_tag: u64,
    tag_queue: BTreeMap<u64, String>,
    clients: BTreeSet<NodeId>,
    expire_at: BTreeMap<String, SimTime>,
}

fn rec(fx: &mut Fx, e: AmqpEvent) {
    fx.record(RecordKind::Amqp(e));
}

fn send(fx: &mut Fx, to: NodeId, m: AmqpMsg) {
    fx.send(to, m);
}

impl Rabbit {
    /// A broker with its declared exchanges and (empty) queues.
    pub fn new(cfg: Arc<RabbitCfg>) -> Rabbit {
        let queues = cfg.queues.iter().map(|q| (q.name.clone(), Queue::new(q.clone()))).collect();
        Rabbit {
            cfg,
            queues,
            next_tag: 0,
            tag_queue: BTreeMap::new(),
            clients: BTreeSet::new(),
            expire_at: BTreeMap::new(),
        }
    }

    /// A queue's trace reference.
    pub fn qref(&self, name: &str) -> QueueRef {
        QueueRef(self.cfg.queues.iter().position(|q| q.name == name).expect("declared queue") as u16)
    }

    /// Goes down: connections reset; transient messages are lost; a durable queue keeps
    /// its persistent messages (unacked ones come back); a non-durable queue is deleted
    /// with everything in it (and with it its bindings: what routed to it is unroutable).
    pub fn stop(&mut self, fx: &mut Fx) {
        for &c in &self.clients {
            send(fx, c, AmqpMsg::Reset);
        }
        self.clients.clear();
        self.tag_queue.clear();
        self.expire_at.clear();
        let mut lost = Vec::new();
        for (name, mut q) in std::mem::take(&mut self.queues) {
            if q.cfg.durable {
                let count = q.restart();
                if count > 0 {
                    lost.push((name.clone(), count, false));
                }
                self.queues.insert(name, q);
            } else {
                lost.push((name, (q.depth() + q.unacked.len()) as u32, true));
            }
        }
        for (name, count, deleted) in lost {
            rec(fx, AmqpEvent::Lost { queue: self.qref(&name), count, deleted });
        }
    }

    /// Handles a message.
    pub fn on_message(&mut self, ctx: &mut Ctx, from: NodeId, m: AmqpMsg, fx: &mut Fx) {
        match m {
            AmqpMsg::Publish { seq, msg, mandatory } => self.publish(ctx, from, seq, *msg, mandatory, fx),
            AmqpMsg::Consume { req, queue, prefetch, auto_ack } => {
                self.clients.insert(from);
                let Some(q) = self.queues.get_mut(&queue) else {
                    return send(fx, from, AmqpMsg::ConsumeOk { req, ok: false });
                };
                q.consumers.retain(|c| c.node != from);
                q.consumers.push_back(super::queue::ConsumerReg { node: from, prefetch, unacked: 0, auto_ack });
                send(fx, from, AmqpMsg::ConsumeOk { req, ok: true });
                self.dispatch(ctx, &queue, fx);
            }
            AmqpMsg::Ack { tag } => {
                let Some(qn) = self.tag_queue.remove(&tag) else { return };
                let q = self.queues.get_mut(&qn).expect("tagged queue");
                if let Some(e) = q.ack(tag) {
                    let queue = self.qref(&qn);
                    rec(fx, AmqpEvent::Ack { queue, consumer: NodeId(from.0), value: e.msg.value });
                }
                self.dispatch(ctx, &qn, fx);
            }
            AmqpMsg::Nack { tag, requeue } => {
                let Some(qn) = self.tag_queue.remove(&tag) else { return };
                let q = self.queues.get_mut(&qn).expect("tagged queue");
                if let Some((e, dead)) = q.give_back(tag, requeue) {
                    let queue = self.qref(&qn);
                    rec(fx, AmqpEvent::Nack { queue, consumer: NodeId(from.0), value: e.msg.value, requeue });
                    if let Some(reason) = dead {
                        self.dead_letter(ctx, vec![(qn.clone(), e.msg, reason)], fx);
                    }
                }
                self.dispatch(ctx, &qn, fx);
            }
            AmqpMsg::Close => self.close(ctx, from, fx),
            AmqpMsg::Unreachable { req: tag } => self.on_bounce(ctx, tag, fx),
            AmqpMsg::Confirm { .. }
            | AmqpMsg::Return { .. }
            | AmqpMsg::ConsumeOk { .. }
            | AmqpMsg::Deliver { .. }
            | AmqpMsg::Reset => {}
        }
    }

    /// A delivery bounced: the consumer's process is gone, so is its channel.
    fn on_bounce(&mut self, ctx: &mut Ctx, tag: u64, fx: &mut Fx) {
        let Some(qn) = self.tag_queue.get(&tag).cloned() else { return };
        let Some(node) = self.queues[&qn].unacked.get(&tag).map(|(n, _)| *n) else { return };
        self.close(ctx, node, fx);
    }

    fn close(&mut self, ctx: &mut Ctx, node: NodeId, fx: &mut Fx) {
        self.clients.remove(&node);
        let names: Vec<String> = self.queues.keys().cloned().collect();
        for qn in names {
            let q = self.queues.get_mut(&qn).expect("listed");
            let before: Vec<u64> = q.unacked.keys().copied().collect();
            q.remove_consumer(node);
            for t in before {
                if !q.unacked.contains_key(&t) {
                    self.tag_queue.remove(&t);
                }
            }
            self.dispatch(ctx, &qn, fx);
        }
    }

    fn publish(&mut self, ctx: &mut Ctx, from: NodeId, seq: Option<u64>, msg: Message, mandatory: bool, fx: &mut Fx) {
        self.clients.insert(from);
        let exists = |q: &str| self.queues.contains_key(q);
        let r = route(&self.cfg.exchanges, &exists, &msg.exchange, &msg.routing_key, &msg.headers);
        let queues: Vec<String> = r.queues.iter().cloned().collect();
        rec(
            fx,
            AmqpEvent::Route {
                publisher: NodeId(from.0),
                value: msg.value,
                exchange: msg.exchange.clone(),
                routing_key: msg.routing_key.clone(),
                queues: queues.iter().map(|q| self.qref(q)).collect(),
                alternate: r.via_alternate,
            },
        );
        if queues.is_empty() && mandatory {
            rec(fx, AmqpEvent::Return { publisher: NodeId(from.0), value: msg.value });
            send(fx, from, AmqpMsg::Return { value: msg.value });
        }
        let mut refused = false;
        for qn in &queues {
            refused |= !self.enqueue(ctx, qn, msg.clone(), fx);
            self.dispatch(ctx, qn, fx);
        }
        if let Some(seq) = seq {
            send(fx, from, AmqpMsg::Confirm { seq, ack: !refused });
        }
    }

    /// Puts a message in a queue; false if the queue refused it.
    fn enqueue(&mut self, ctx: &mut Ctx, qn: &str, msg: Message, fx: &mut Fx) -> bool {
        let queue = self.qref(qn);
        let value = msg.value;
        let q = self.queues.get_mut(qn).expect("routed to a declared queue");
        match q.enqueue(ctx.now, msg.clone()) {
            Enqueued::Ok { dropped } => {
                rec(fx, AmqpEvent::Enqueue { queue, value, depth: q.depth() as u32 });
                let work = dropped.into_iter().map(|m| (qn.to_string(), m, DeathReason::Maxlen)).collect();
                self.dead_letter(ctx, work, fx);
                true
            }
            Enqueued::Refused { dead_letter } => {
                rec(fx, AmqpEvent::Refuse { queue, value });
                if dead_letter {
                    self.dead_letter(ctx, vec![(qn.to_string(), msg, DeathReason::Maxlen)], fx);
                }
                false
            }
        }
    }

    /// Dead-letters messages (a work list: dead-lettering can push others out in turn).
    fn dead_letter(&mut self, ctx: &mut Ctx, mut work: Vec<(String, Message, DeathReason)>, fx: &mut Fx) {
        while let Some((qn, mut msg, reason)) = work.pop() {
            let qcfg = self.queues[&qn].cfg.clone();
            let queue = self.qref(&qn);
            let Some(dlx) = qcfg.dead_letter_exchange.clone() else {
                rec(fx, AmqpEvent::DeadLetter { queue, value: msg.value, reason, exchange: None, to: vec![] });
                continue;
            };
            record_death(&mut msg, &qn, reason);
            if let Some(k) = &qcfg.dead_letter_routing_key {
                msg.routing_key = k.clone();
            }
            msg.exchange = dlx.clone();
            let exists = |q: &str| self.queues.contains_key(q);
            let routed = route(&self.cfg.exchanges, &exists, &dlx, &msg.routing_key, &msg.headers);
            let targets: Vec<String> = routed.queues.into_iter().filter(|t| !is_cycle(&msg, t, reason)).collect();
            let to = targets.iter().map(|t| self.qref(t)).collect();
            rec(fx, AmqpEvent::DeadLetter { queue, value: msg.value, reason, exchange: Some(dlx), to });
            for t in targets {
                let tq = self.queues.get_mut(&t).expect("routed");
                match tq.enqueue(ctx.now, msg.clone()) {
                    Enqueued::Ok { dropped } => {
                        let depth = tq.depth() as u32;
                        rec(fx, AmqpEvent::Enqueue { queue: self.qref(&t), value: msg.value, depth });
                        work.extend(dropped.into_iter().map(|m| (t.clone(), m, DeathReason::Maxlen)));
                    }
                    Enqueued::Refused { .. } => rec(fx, AmqpEvent::Refuse { queue: self.qref(&t), value: msg.value }),
                }
                self.dispatch(ctx, &t, fx);
            }
        }
    }

    /// Expires the head, then pushes to consumers with room; TTL-0 messages nobody could
    /// take expire; re-arms the expiry timer.
    fn dispatch(&mut self, ctx: &mut Ctx, qn: &str, fx: &mut Fx) {
        let queue = self.qref(qn);
        loop {
            let q = self.queues.get_mut(qn).expect("declared");
            let expired = q.expire_head(ctx.now);
            if !expired.is_empty() {
                self.expire(ctx, qn, expired, fx);
                continue;
            }
            let tag = self.next_tag + 1;
            let Some((node, e, auto)) = q.next_delivery(tag) else {
                let undelivered = q.drop_undelivered();
                if undelivered.is_empty() {
                    break;
                }
                self.expire(ctx, qn, undelivered, fx);
                continue;
            };
            self.next_tag = tag;
            if !auto {
                self.tag_queue.insert(tag, qn.to_string());
            }
            rec(
                fx,
                AmqpEvent::Deliver {
                    queue,
                    consumer: NodeId(node.0),
                    value: e.msg.value,
                    redelivered: e.redelivered,
                    auto_ack: auto,
                },
            );
            let m = AmqpMsg::Deliver { tag, queue: qn.to_string(), msg: Box::new(e.msg), redelivered: e.redelivered };
            send(fx, node, m);
        }
        if let Some(at) = self.queues[qn].head_expiry()
            && self.expire_at.get(qn).is_none_or(|&a| at < a || a <= ctx.now)
        {
            self.expire_at.insert(qn.to_string(), at);
            fx.timer(at.since(ctx.now), AmqpTimer::Expire { queue: qn.to_string() });
        }
    }

    /// Records expired messages of queue `qn` and dead-letters them.
    fn expire(&mut self, ctx: &mut Ctx, qn: &str, expired: Vec<Message>, fx: &mut Fx) {
        let queue = self.qref(qn);
        for m in &expired {
            rec(fx, AmqpEvent::Expire { queue, value: m.value });
        }
        let work = expired.into_iter().map(|m| (qn.to_string(), m, DeathReason::Expired)).collect();
        self.dead_letter(ctx, work, fx);
    }

    /// Handles a timer.
    pub fn on_timer(&mut self, ctx: &mut Ctx, t: AmqpTimer, fx: &mut Fx) {
        match t {
            AmqpTimer::Expire { queue } => {
                if self.expire_at.get(&queue).is_some_and(|&a| a <= ctx.now) {
                    self.expire_at.remove(&queue);
                }
                // A queue deleted by a restart has nothing left to expire.
                if self.queues.contains_key(&queue) {
                    self.dispatch(ctx, &queue, fx);
                }
            }
            AmqpTimer::Publish | AmqpTimer::Connect | AmqpTimer::ProcessDone => {}
        }
    }
}
