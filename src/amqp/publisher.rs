//! An AMQP publisher: publishes at a rate to an exchange with routing keys and headers,
//! optionally `mandatory`, persistent, with a TTL; with publisher confirms it keeps each
//! message until the broker confirms it and publishes the unconfirmed ones again after a
//! reconnect (at-least-once). Without confirms, what it sends while the broker is down is
//! gone.

use super::{AmqpMsg, AmqpTimer, Ctx, Fx, Message};
use crate::sim::{Dur, NodeId, SimTime};
use crate::trace::{AmqpEvent, MsgId, RecordKind};
use std::collections::BTreeMap;
use std::sync::Arc;

/// A publisher's settings.
#[derive(Clone, Debug)]
pub struct PublisherCfg {
    /// Producer number (message ids carry it).
    pub number: u32,
    /// The broker node.
    pub broker: NodeId,
    /// Target exchange ("" is the default exchange).
    pub exchange: String,
    /// Routing keys, used in turn.
    pub routing_keys: Vec<String>,
    /// Headers on every message.
    pub headers: Arc<[(String, String)]>,
    /// Time between messages.
    pub interval: Dur,
    /// Persistent (delivery_mode 2).
    pub persistent: bool,
    /// basic.publish mandatory.
    pub mandatory: bool,
    /// Publisher confirms.
    pub confirms: bool,
    /// Per-message TTL.
    pub expiration: Option<Dur>,
    /// Body size.
    pub bytes: u32,
    /// First message.
    pub start: Dur,
    /// No messages after this.
    pub stop: Option<Dur>,
    /// At most this many.
    pub max_messages: Option<u64>,
}

/// A publisher node.
#[derive(Clone, Debug)]
pub struct Publisher {
    /// Settings.
    pub cfg: Arc<PublisherCfg>,
    created: u32,
    next_seq: u64,
    /// Published, not yet confirmed (confirms on).
    pub unconfirmed: BTreeMap<u64, Message>,
    connected: bool,
    /// The next this-many messages are poison pills.
    pub poison_next: u32,
}

impl Publisher {
    /// A publisher, not started.
    pub fn new(cfg: Arc<PublisherCfg>) -> Publisher {
        Publisher { cfg, created: 0, next_seq: 0, unconfirmed: BTreeMap::new(), connected: true, poison_next: 0 }
    }

    /// Starts (or restarts, with nothing in hand).
    pub fn start(&mut self, ctx: &mut Ctx, fx: &mut Fx) {
        let created = self.created;
        *self = Publisher::new(self.cfg.clone());
        self.created = created;
        fx.timer(Dur(self.cfg.start.0.saturating_sub(ctx.now.0)), AmqpTimer::Publish);
    }

    fn send(&mut self, seq: Option<u64>, msg: Message, fx: &mut Fx) {
        let m = AmqpMsg::Publish { seq, msg: Box::new(msg), mandatory: self.cfg.mandatory };
        fx.send(self.cfg.broker, m);
    }

    fn publish_next(&mut self, ctx: &mut Ctx, fx: &mut Fx) {
        let c = self.cfg.clone();
        let done =
            c.stop.is_some_and(|s| ctx.now >= SimTime(s.0)) || c.max_messages.is_some_and(|m| self.created as u64 >= m);
        if done {
            return;
        }
        let key = c.routing_keys.get(self.created as usize % c.routing_keys.len().max(1)).cloned().unwrap_or_default();
        let msg = Message {
            value: MsgId::new(c.number, self.created),
            exchange: c.exchange.clone(),
            routing_key: key,
            headers: c.headers.clone(),
            persistent: c.persistent,
            expiration: c.expiration,
            bytes: c.bytes,
            poison: self.poison_next > 0,
            deaths: Vec::new(),
        };
        self.poison_next = self.poison_next.saturating_sub(1);
        self.created += 1;
        if c.confirms {
            self.next_seq += 1;
            self.unconfirmed.insert(self.next_seq, msg.clone());
            if self.connected {
                self.send(Some(self.next_seq), msg, fx);
            }
        } else {
            self.send(None, msg, fx);
        }
        fx.timer(c.interval, AmqpTimer::Publish);
    }

    /// Handles a message.
    pub fn on_message(&mut self, ctx: &mut Ctx, m: AmqpMsg, fx: &mut Fx) {
        match m {
            AmqpMsg::Confirm { seq, ack } => {
                if let Some(msg) = self.unconfirmed.remove(&seq)
                    && !ack
                {
                    let ev = AmqpEvent::Confirm { publisher: NodeId(ctx.me.0), value: msg.value, ack };
                    fx.record(RecordKind::Amqp(ev));
                }
            }
            // The broker went down, or our publish bounced off its closed port.
            AmqpMsg::Reset | AmqpMsg::Unreachable { .. } => {
                if self.connected {
                    self.connected = false;
                    fx.timer(Dur::secs(1), AmqpTimer::Connect);
                }
            }
            // Not addressed to publishers.
            AmqpMsg::Publish { .. }
            | AmqpMsg::Return { .. }
            | AmqpMsg::Consume { .. }
            | AmqpMsg::ConsumeOk { .. }
            | AmqpMsg::Deliver { .. }
            | AmqpMsg::Ack { .. }
            | AmqpMsg::Nack { .. }
            | AmqpMsg::Close => {}
        }
    }

    /// Handles a timer.
    pub fn on_timer(&mut self, ctx: &mut Ctx, t: AmqpTimer, fx: &mut Fx) {
        match t {
            AmqpTimer::Publish => self.publish_next(ctx, fx),
            AmqpTimer::Connect => {
                // Reconnected: what was never confirmed goes out again (at-least-once).
                self.connected = true;
                let again: Vec<(u64, Message)> = self.unconfirmed.iter().map(|(s, m)| (*s, m.clone())).collect();
                for (s, m) in again {
                    self.send(Some(s), m, fx);
                }
            }
            AmqpTimer::Expire { .. } | AmqpTimer::ProcessDone => {}
        }
    }
}
