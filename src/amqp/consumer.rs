//! An AMQP consumer: subscribes to a queue with a prefetch window (basic.qos +
//! basic.consume), is pushed messages, processes them one at a time and acks, or on a
//! failure nacks with requeue (the message comes back, redelivered) or rejects without
//! requeue (dead-lettered if the queue has a DLX). With auto-ack a failed message is
//! simply gone. It reconnects a second after losing the broker.

use super::{AmqpMsg, AmqpTimer, Ctx, Fx, Message};
use crate::sim::{Dur, NodeId};
use crate::trace::{AmqpEvent, QueueRef, RecordKind};
use std::collections::VecDeque;
use std::sync::Arc;

/// What a consumer does with a message it failed on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum OnNack {
    /// basic.nack requeue=true: it goes back to its place and comes again.
    #[default]
    Requeue,
    /// basic.reject requeue=false: dead-lettered (or dropped without a DLX).
    Reject,
}

/// A consumer's settings.
#[derive(Clone, Debug)]
pub struct AmqpConsumerCfg {
    /// The broker node.
    pub broker: NodeId,
    /// The queue.
    pub queue: String,
    /// Its trace reference.
    pub queue_ref: QueueRef,
    /// prefetch_count (0: unlimited).
    pub prefetch: u32,
    /// no_ack.
    pub auto_ack: bool,
    /// Time to process one message.
    pub process_time: Dur,
    /// When it subscribes.
    pub start: Dur,
    /// Routing keys whose messages always fail.
    pub poison_keys: Vec<String>,
    /// Each attempt fails with this probability (parts per million).
    pub transient_ppm: u32,
    /// On failure.
    pub on_failure: OnNack,
}

/// A delivery in hand: (tag, message, redelivered).
type Delivery = (u64, Message, bool);

/// A consumer node.
#[derive(Clone, Debug)]
pub struct AmqpConsumer {
    /// Settings.
    pub cfg: Arc<AmqpConsumerCfg>,
    /// Delivered, waiting for the application.
    pub buffer: VecDeque<Delivery>,
    /// Being processed.
    pub processing: Option<Delivery>,
    /// Subscribed.
    pub consuming: bool,
    req: u64,
}

impl AmqpConsumer {
    /// A consumer, not started.
    pub fn new(cfg: Arc<AmqpConsumerCfg>) -> AmqpConsumer {
        AmqpConsumer { cfg, buffer: VecDeque::new(), processing: None, consuming: false, req: 0 }
    }

    /// Starts (or restarts with nothing in hand).
    pub fn start(&mut self, ctx: &mut Ctx, fx: &mut Fx) {
        let req = self.req;
        *self = AmqpConsumer::new(self.cfg.clone());
        self.req = req;
        fx.timer(Dur(self.cfg.start.0.saturating_sub(ctx.now.0)), AmqpTimer::Connect);
    }

    /// The process dies: its host closes the connection, so the broker requeues at once.
    pub fn stop(&mut self, fx: &mut Fx) {
        fx.send(self.cfg.broker, AmqpMsg::Close);
    }

    fn subscribe(&mut self, fx: &mut Fx) {
        self.req += 1;
        let c = &self.cfg;
        let m = AmqpMsg::Consume { req: self.req, queue: c.queue.clone(), prefetch: c.prefetch, auto_ack: c.auto_ack };
        fx.send(c.broker, m);
    }

    fn reconnect_later(&mut self, fx: &mut Fx) {
        self.consuming = false;
        self.buffer.clear();
        self.processing = None;
        fx.timer(Dur::secs(1), AmqpTimer::Connect);
    }

    fn pump(&mut self, fx: &mut Fx) {
        if self.processing.is_none()
            && let Some(d) = self.buffer.pop_front()
        {
            self.processing = Some(d);
            fx.timer(self.cfg.process_time, AmqpTimer::ProcessDone);
        }
    }

    fn done(&mut self, ctx: &mut Ctx, fx: &mut Fx) {
        let Some((tag, msg, _)) = self.processing.take() else { return };
        let c = self.cfg.clone();
        let poison = msg.poison || c.poison_keys.contains(&msg.routing_key);
        let transient = !poison && c.transient_ppm > 0 && ctx.rng.chance_ppm(c.transient_ppm);
        let ok = !poison && !transient;
        let ev = AmqpEvent::Processed { consumer: NodeId(ctx.me.0), queue: c.queue_ref, value: msg.value, ok };
        fx.record(RecordKind::Amqp(ev));
        if !c.auto_ack {
            let m = match (ok, c.on_failure) {
                (true, _) => AmqpMsg::Ack { tag },
                (false, OnNack::Requeue) => AmqpMsg::Nack { tag, requeue: true },
                (false, OnNack::Reject) => AmqpMsg::Nack { tag, requeue: false },
            };
            fx.send(c.broker, m);
        }
        self.pump(fx);
    }

    /// Handles a message.
    pub fn on_message(&mut self, m: AmqpMsg, fx: &mut Fx) {
        match m {
            AmqpMsg::ConsumeOk { req, ok } if req == self.req => {
                if ok {
                    self.consuming = true;
                } else {
                    self.reconnect_later(fx);
                }
            }
            AmqpMsg::Deliver { tag, msg, redelivered, .. } => {
                self.buffer.push_back((tag, *msg, redelivered));
                self.pump(fx);
            }
            // The broker went down, or our request bounced off its closed port.
            AmqpMsg::Reset | AmqpMsg::Unreachable { .. } => self.reconnect_later(fx),
            // Not addressed to consumers (or a stale answer).
            AmqpMsg::ConsumeOk { .. }
            | AmqpMsg::Publish { .. }
            | AmqpMsg::Confirm { .. }
            | AmqpMsg::Return { .. }
            | AmqpMsg::Consume { .. }
            | AmqpMsg::Ack { .. }
            | AmqpMsg::Nack { .. }
            | AmqpMsg::Close => {}
        }
    }

    /// Handles a timer.
    pub fn on_timer(&mut self, ctx: &mut Ctx, t: AmqpTimer, fx: &mut Fx) {
        match t {
            AmqpTimer::Connect => self.subscribe(fx),
            AmqpTimer::ProcessDone => self.done(ctx, fx),
            AmqpTimer::Expire { .. } | AmqpTimer::Publish => {}
        }
    }
}
