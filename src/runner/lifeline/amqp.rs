//! RabbitMQ in a lifeline: published and routed into queues (each queue a lane of the
//! node), refused or returned, pushed to consumers, processed, acked, nacked and requeued,
//! expired, dead-lettered through the DLX into another queue, confirmed with a nack.

use super::model::{HopKind, MarkKind};
use super::state::{Collector, LaneKey};
use crate::sim::{NodeId, SimTime};
use crate::trace::{AmqpEvent, Names, QueueRef};

impl Collector {
    /// One AMQP record about the chosen message (`Lost` about its queue).
    pub(super) fn on_amqp(&mut self, t: SimTime, e: &AmqpEvent, n: &Names) {
        match e {
            AmqpEvent::Route { publisher, exchange, routing_key, queues, alternate, .. } => {
                self.on_route(t, *publisher, exchange, routing_key, queues, *alternate, n)
            }
            AmqpEvent::Return { publisher, .. } => {
                let lanes = (LaneKey::Rabbit, LaneKey::Producer(*publisher));
                self.hop(HopKind::Return, lanes, (t, true), (t, false), "unroutable".into(), n);
            }
            AmqpEvent::Enqueue { queue, depth, .. } => {
                self.in_queues.insert(*queue);
                self.mark(LaneKey::Queue(*queue), t, MarkKind::Enqueued, format!("enqueued ({depth} ready)"), n);
            }
            AmqpEvent::Refuse { queue, .. } => {
                self.last_refused = Some(*queue);
                self.mark(LaneKey::Queue(*queue), t, MarkKind::Refused, "queue full: refused".into(), n);
            }
            AmqpEvent::Deliver { queue, consumer, redelivered, auto_ack, .. } => {
                self.on_deliver_amqp(t, *queue, *consumer, *redelivered, *auto_ack, n)
            }
            AmqpEvent::Processed { consumer, ok, .. } => self.on_processed_amqp(t, *consumer, *ok, n),
            AmqpEvent::Ack { queue, consumer, .. } => {
                self.in_queues.remove(queue);
                self.settle(t, *queue, *consumer, HopKind::ConsumerAck, String::new(), n);
            }
            AmqpEvent::Nack { queue, consumer, requeue, .. } => {
                let text = if *requeue { "requeue" } else { "reject, no requeue" };
                self.settle(t, *queue, *consumer, HopKind::Nack, text.into(), n);
                if *requeue {
                    self.mark(LaneKey::Queue(*queue), t, MarkKind::Requeued, "requeued".into(), n);
                }
            }
            AmqpEvent::Expire { queue, .. } => {
                self.in_queues.remove(queue);
                self.mark(LaneKey::Queue(*queue), t, MarkKind::Expired, "expired (TTL)".into(), n);
            }
            AmqpEvent::DeadLetter { queue, reason, exchange, to, .. } => {
                self.on_dead_letter(t, *queue, reason.name(), exchange.as_deref(), to, n)
            }
            AmqpEvent::Lost { queue, count, deleted } => {
                if self.in_queues.remove(queue) {
                    let text = match deleted {
                        true => "restart deleted the queue: gone".to_string(),
                        false => format!("restart lost {count} transient messages (this one if transient)"),
                    };
                    self.mark(LaneKey::Queue(*queue), t, MarkKind::Lost, text, n);
                }
            }
            AmqpEvent::Confirm { publisher, ack, .. } => {
                let from = self.last_refused.map(LaneKey::Queue).unwrap_or(LaneKey::Rabbit);
                let (sent, exact) = self.last_route.map(|r| (r, true)).unwrap_or((t, false));
                let text = if *ack { "ack" } else { "nack" };
                self.hop(
                    HopKind::Confirm,
                    (from, LaneKey::Producer(*publisher)),
                    (sent, exact),
                    (t, true),
                    text.into(),
                    n,
                );
            }
        }
    }

    /// Published: the broker routed it into each queue at once (the send is not recorded).
    #[allow(clippy::too_many_arguments)]
    fn on_route(
        &mut self,
        t: SimTime,
        p: NodeId,
        exchange: &str,
        key: &str,
        queues: &[QueueRef],
        alternate: bool,
        n: &Names,
    ) {
        self.last_route = Some(t);
        self.last_refused = None;
        let x = if exchange.is_empty() { "the default exchange" } else { exchange };
        let alt = if alternate { ", via the alternate exchange" } else { "" };
        if queues.is_empty() {
            let text = format!("to {x} (key {key})");
            self.hop(HopKind::Publish, (LaneKey::Producer(p), LaneKey::Rabbit), (t, false), (t, true), text, n);
            return self.mark(LaneKey::Rabbit, t, MarkKind::Unroutable, format!("unroutable{alt}"), n);
        }
        for (i, q) in queues.iter().enumerate() {
            let text = if i == 0 { format!("to {x} (key {key}{alt})") } else { "(routed copy)".to_string() };
            self.hop(HopKind::Publish, (LaneKey::Producer(p), LaneKey::Queue(*q)), (t, false), (t, true), text, n);
        }
    }

    /// Pushed to a consumer; its arrival is settled when the consumer processes it.
    fn on_deliver_amqp(&mut self, t: SimTime, q: QueueRef, c: NodeId, again: bool, auto_ack: bool, n: &Names) {
        if auto_ack {
            self.in_queues.remove(&q);
        }
        let text = match (again, auto_ack) {
            (false, false) => "",
            (true, false) => "(redelivered)",
            (false, true) => "(auto-ack)",
            (true, true) => "(redelivered, auto-ack)",
        };
        let lanes = (LaneKey::Queue(q), LaneKey::Consumer(c));
        if let Some(i) = self.hop(HopKind::Deliver, lanes, (t, true), (t, false), text.into(), n) {
            self.pending_deliver.insert(c, i);
        }
    }

    /// Processed. A consumer takes a message on arrival when idle, else when it finishes
    /// the one before: so if its previous message finished before this one started, this
    /// one arrived exactly when processing started (`processed` minus the processing time).
    fn on_processed_amqp(&mut self, t: SimTime, c: NodeId, ok: bool, n: &Names) {
        self.processed_at.insert(c, t);
        let took = self.settings.amqp_process.get(n.node(c.0)).copied();
        let previous = self.amqp_done.get(&c).copied();
        if let (Some(i), Some(took)) = (self.pending_deliver.remove(&c), took) {
            let start = SimTime(t.0.saturating_sub(took.0));
            let h = &mut self.hops[i].0;
            if start >= h.sent && previous.is_none_or(|p| p < start) {
                h.arrived = start;
                h.arrived_exact = true;
            }
        }
        self.amqp_done.insert(c, t);
        let (kind, text) =
            if ok { (MarkKind::Processed, "processed") } else { (MarkKind::Failed, "processing failed") };
        self.mark(LaneKey::Consumer(c), t, kind, text.into(), n);
    }

    /// An ack or nack from a consumer, which sent it when it finished processing.
    fn settle(&mut self, t: SimTime, q: QueueRef, c: NodeId, kind: HopKind, text: String, n: &Names) {
        let (sent, exact) = self.processed_at.get(&c).map(|p| (*p, true)).unwrap_or((t, false));
        self.hop(kind, (LaneKey::Consumer(c), LaneKey::Queue(q)), (sent, exact), (t, true), text, n);
    }

    /// Dead-lettered from `q`: through the DLX into each target queue, or dropped.
    fn on_dead_letter(
        &mut self,
        t: SimTime,
        q: QueueRef,
        reason: &str,
        exchange: Option<&str>,
        to: &[QueueRef],
        n: &Names,
    ) {
        self.in_queues.remove(&q);
        let Some(x) = exchange.filter(|_| !to.is_empty()) else {
            let why = if exchange.is_none() { "no dead-letter exchange" } else { "no queue (or a cycle)" };
            return self.mark(
                LaneKey::Queue(q),
                t,
                MarkKind::Dropped,
                format!("dead-lettered ({reason}): dropped, {why}"),
                n,
            );
        };
        for target in to {
            let text = format!("via {x} ({reason})");
            self.hop(HopKind::DeadLetter, (LaneKey::Queue(q), LaneKey::Queue(*target)), (t, true), (t, true), text, n);
        }
    }
}
