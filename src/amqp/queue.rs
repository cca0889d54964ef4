//! A classic queue (SEMANTICS §2.3–2.7): ready messages in order (a requeued message goes
//! back to its original place), unacknowledged ones per delivery tag, per-queue and
//! per-message TTL enforced at the head, length limits with their overflow behaviours,
//! and round-robin push to consumers that have prefetch room. Pure: it returns what
//! happened and the broker turns that into sends and trace records.

use super::{DeathReason, Message};
use crate::sim::{Dur, NodeId, SimTime};
use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

/// What a full queue does (x-overflow).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Overflow {
    /// Drop (or dead-letter) the oldest ready messages.
    #[default]
    DropHead,
    /// Refuse new messages (publishers with confirms get a nack).
    RejectPublish,
    /// Refuse and dead-letter new messages.
    RejectPublishDlx,
}

/// A queue's declared arguments.
#[derive(Clone, Debug, PartialEq)]
pub struct QueueCfg {
    /// Name.
    pub name: String,
    /// Survives a broker restart (with its persistent messages).
    pub durable: bool,
    /// x-message-ttl.
    pub message_ttl: Option<Dur>,
    /// x-max-length (ready messages).
    pub max_length: Option<u32>,
    /// x-max-length-bytes (ready bodies).
    pub max_length_bytes: Option<u64>,
    /// x-overflow.
    pub overflow: Overflow,
    /// x-dead-letter-exchange.
    pub dead_letter_exchange: Option<String>,
    /// x-dead-letter-routing-key.
    pub dead_letter_routing_key: Option<String>,
    /// x-delivery-limit: returns beyond it dead-letter the message (4.0–4.2 rule: every
    /// return counts; simplified from quorum queues to any queue).
    pub delivery_limit: Option<u32>,
}

/// A message in the queue.
#[derive(Clone, Debug)]
pub struct Entry {
    /// Enqueue order: a requeued message returns to this place.
    pub seq: u64,
    /// The message.
    pub msg: Message,
    /// When it expires (the smaller of queue and message TTL).
    pub expires_at: Option<SimTime>,
    /// Delivered before.
    pub redelivered: bool,
    /// Times it came back (nack/reject with requeue, a consumer's channel closing).
    pub returns: u32,
    /// TTL 0 on arrival: delivered at once to a consumer with room, else expired; it never
    /// waits (R rabbit_amqqueue_process deliver_or_enqueue discards it undelivered).
    pub deliver_now: bool,
}

/// A consumer registered on the queue.
#[derive(Clone, Debug)]
pub struct ConsumerReg {
    /// Its node.
    pub node: NodeId,
    /// basic.qos prefetch_count (0: unlimited).
    pub prefetch: u32,
    /// Deliveries it has not acknowledged.
    pub unacked: u32,
    /// no_ack: deliveries count as done when sent.
    pub auto_ack: bool,
}

/// What enqueueing did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Enqueued {
    /// In the queue; these older messages were pushed out by a length limit.
    Ok { dropped: Vec<Message> },
    /// Refused (reject-publish); `dead_letter` for reject-publish-dlx.
    Refused { dead_letter: bool },
}

/// A queue.
#[derive(Clone, Debug)]
pub struct Queue {
    /// Its arguments.
    pub cfg: Arc<QueueCfg>,
    /// Ready messages by enqueue order.
    pub ready: BTreeMap<u64, Entry>,
    /// Delivered, not yet acknowledged: tag → (consumer, entry).
    pub unacked: BTreeMap<u64, (NodeId, Entry)>,
    /// Consumers in round-robin order (the next to get one is first).
    pub consumers: VecDeque<ConsumerReg>,
    next_seq: u64,
    ready_bytes: u64,
}

impl Queue {
    /// An empty queue.
    pub fn new(cfg: Arc<QueueCfg>) -> Queue {
        Queue {
            cfg,
            ready: BTreeMap::new(),
            unacked: BTreeMap::new(),
            consumers: VecDeque::new(),
            next_seq: 0,
            ready_bytes: 0,
        }
    }

    /// Ready messages.
    pub fn depth(&self) -> usize {
        self.ready.len()
    }

    fn full_with(&self, extra_bytes: u64, extra: usize) -> bool {
        self.cfg.max_length.is_some_and(|m| self.ready.len() + extra > m as usize)
            || self.cfg.max_length_bytes.is_some_and(|m| self.ready_bytes + extra_bytes > m)
    }

    /// Adds a message at the tail (after the length limit says yes).
    pub fn enqueue(&mut self, now: SimTime, msg: Message) -> Enqueued {
        let bytes = msg.bytes as u64;
        if self.full_with(bytes, 1) {
            match self.cfg.overflow {
                Overflow::RejectPublish => return Enqueued::Refused { dead_letter: false },
                Overflow::RejectPublishDlx => return Enqueued::Refused { dead_letter: true },
                Overflow::DropHead => {}
            }
        }
        let ttl = match (self.cfg.message_ttl, msg.expiration) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.next_seq += 1;
        let deliver_now = ttl == Some(Dur::ZERO);
        let expires_at = ttl.map(|t| now + t);
        let e = Entry { seq: self.next_seq, expires_at, msg, redelivered: false, returns: 0, deliver_now };
        self.ready_bytes += bytes;
        self.ready.insert(e.seq, e);
        let mut dropped = Vec::new();
        while self.full_with(0, 0) {
            let Some((_, head)) = self.ready.pop_first() else { break };
            self.ready_bytes -= head.msg.bytes as u64;
            dropped.push(head.msg);
        }
        Enqueued::Ok { dropped }
    }

    /// Removes expired messages from the head (only there, as RabbitMQ does). A TTL-0
    /// message that just arrived is left for `next_delivery` (see `drop_undelivered`).
    pub fn expire_head(&mut self, now: SimTime) -> Vec<Message> {
        let mut out = Vec::new();
        while self
            .ready
            .first_key_value()
            .is_some_and(|(_, e)| !e.deliver_now && e.expires_at.is_some_and(|t| t <= now))
        {
            let (_, e) = self.ready.pop_first().expect("checked");
            self.ready_bytes -= e.msg.bytes as u64;
            out.push(e.msg);
        }
        out
    }

    /// TTL-0 messages no consumer could take on arrival: they expire now, wherever they are.
    pub fn drop_undelivered(&mut self) -> Vec<Message> {
        let seqs: Vec<u64> = self.ready.iter().filter(|(_, e)| e.deliver_now).map(|(s, _)| *s).collect();
        let mut out = Vec::new();
        for s in seqs {
            let e = self.ready.remove(&s).expect("listed");
            self.ready_bytes -= e.msg.bytes as u64;
            out.push(e.msg);
        }
        out
    }

    /// When the head expires, if it does.
    pub fn head_expiry(&self) -> Option<SimTime> {
        self.ready.first_key_value().and_then(|(_, e)| e.expires_at)
    }

    /// The next delivery: the head message to the first consumer with room (round robin:
    /// that consumer goes to the back). None when nothing is ready or nobody has room.
    pub fn next_delivery(&mut self, tag: u64) -> Option<(NodeId, Entry, bool)> {
        if self.ready.is_empty() {
            return None;
        }
        let i = self.consumers.iter().position(|c| c.auto_ack || c.prefetch == 0 || c.unacked < c.prefetch)?;
        let mut c = self.consumers.remove(i).expect("found");
        let (_, mut e) = self.ready.pop_first().expect("not empty");
        self.ready_bytes -= e.msg.bytes as u64;
        // Delivered: if it comes back, its (elapsed) TTL expires it at the head.
        e.deliver_now = false;
        let auto = c.auto_ack;
        if !auto {
            c.unacked += 1;
            self.unacked.insert(tag, (c.node, e.clone()));
        }
        let node = c.node;
        self.consumers.push_back(c);
        Some((node, e, auto))
    }

    fn settled(&mut self, node: NodeId) {
        if let Some(c) = self.consumers.iter_mut().find(|c| c.node == node) {
            c.unacked = c.unacked.saturating_sub(1);
        }
    }

    /// basic.ack: the message is done.
    pub fn ack(&mut self, tag: u64) -> Option<Entry> {
        let (node, e) = self.unacked.remove(&tag)?;
        self.settled(node);
        Some(e)
    }

    /// Takes an unacked message back (nack/reject). With `requeue` it returns to its
    /// original place, marked redelivered; past the delivery limit it is handed back for
    /// dead-lettering instead.
    pub fn give_back(&mut self, tag: u64, requeue: bool) -> Option<(Entry, Option<DeathReason>)> {
        let (node, mut e) = self.unacked.remove(&tag)?;
        self.settled(node);
        if !requeue {
            return Some((e, Some(DeathReason::Rejected)));
        }
        e.returns += 1;
        if self.cfg.delivery_limit.is_some_and(|l| e.returns > l) {
            return Some((e, Some(DeathReason::DeliveryLimit)));
        }
        e.redelivered = true;
        self.ready_bytes += e.msg.bytes as u64;
        self.ready.insert(e.seq, e.clone());
        Some((e, None))
    }

    /// A consumer's channel closed: all its unacked messages go back (redelivered) and it
    /// stops receiving. Returns how many were requeued.
    pub fn remove_consumer(&mut self, node: NodeId) -> usize {
        self.consumers.retain(|c| c.node != node);
        let tags: Vec<u64> = self.unacked.iter().filter(|(_, (n, _))| *n == node).map(|(t, _)| *t).collect();
        for t in &tags {
            let (_, mut e) = self.unacked.remove(t).expect("listed");
            e.redelivered = true;
            e.returns += 1;
            self.ready_bytes += e.msg.bytes as u64;
            self.ready.insert(e.seq, e);
        }
        tags.len()
    }

    /// The broker restarted and this durable queue came back: it keeps its persistent
    /// messages (unacked ones return as redelivered); transient ones are gone. Returns how
    /// many were lost. (A non-durable queue does not come back: the broker deletes it.)
    pub fn restart(&mut self) -> u32 {
        self.consumers.clear();
        let unacked = std::mem::take(&mut self.unacked);
        for (_, (_, mut e)) in unacked {
            e.redelivered = true;
            self.ready.insert(e.seq, e);
        }
        let before = self.ready.len();
        self.ready.retain(|_, e| e.msg.persistent);
        self.ready_bytes = self.ready.values().map(|e| e.msg.bytes as u64).sum();
        (before - self.ready.len()) as u32
    }
}
