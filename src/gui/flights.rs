//! Messages on screen. The engine's network delivers in 1–4 ms, less than a frame at any
//! useful speed, so a message drawn only while the engine has it in flight would never be
//! seen. Here every message gets a minimum on-screen flight of `MIN_FLIGHT_S` wall seconds
//! while playing: it moves at the slower of its simulated and its wall progress and, once
//! delivered, finishes its flight. Paused, messages sit where the engine has them. Each
//! message keeps the look it had when it left (colour, shape, size) since the engine's copy
//! is gone on delivery.

use super::colors::*;
use crate::kafka::FetchResult;
use crate::kafka::{ClientMsg, ControlMsg, Msg, ZkMsg};
use crate::sim::{NodeId, SimTime};
use crate::trace::{MsgId, Tp};
use crate::world::{Msg as WireMsg, Simulation};
use bevy_egui::egui::Color32;
use std::collections::BTreeMap;

/// Wall seconds every message stays on screen while playing.
pub const MIN_FLIGHT_S: f64 = 0.3;
/// Most delivered messages kept finishing their flight (beyond, they vanish on delivery).
const MAX_LINGERING: usize = 3_000;

/// How a message is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    /// A record being produced or published; acks; control traffic.
    Disc,
    /// A fetch request: a consumer or follower asks (pull).
    Ring,
    /// Records coming back in a fetch response (a batch pulled).
    Square,
    /// A message the RabbitMQ broker pushes to a consumer.
    Arrow,
}

/// A message's look.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Look {
    /// Colour.
    pub color: Color32,
    /// Radius.
    pub radius: f32,
    /// Shape.
    pub mark: Mark,
    /// The first record it carries, for the inspector.
    pub msg: Option<MsgId>,
    /// The partition it concerns (places it on a replica row).
    pub tp: Option<Tp>,
    /// The RabbitMQ row it goes to or from.
    pub row: Option<usize>,
}

/// One message on screen.
#[derive(Clone, Debug)]
pub struct Flight {
    /// Sender.
    pub from: NodeId,
    /// Receiver.
    pub to: NodeId,
    /// Sent (simulated).
    pub sent_at: SimTime,
    /// Delivered (simulated).
    pub deliver_at: SimTime,
    /// Its look.
    pub look: Look,
    seen_wall: f64,
    landed: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    sent_at: u64,
    from: u32,
    to: u32,
    deliver_at: u64,
    n: u32,
}

/// The messages on screen.
#[derive(Clone, Debug, Default)]
pub struct Flights {
    map: BTreeMap<Key, Flight>,
    wall: f64,
    now: SimTime,
}

impl Flights {
    /// Takes the engine's messages in flight at wall time `wall` (seconds); `playing`
    /// decides whether delivered ones finish their flight.
    pub fn update(&mut self, sim: &Simulation, wall: f64, playing: bool) {
        let mut current: Vec<(Key, crate::world::view::InFlight<'_>)> = sim
            .in_flight()
            .map(|f| (Key { sent_at: f.sent_at.0, from: f.from.0, to: f.to.0, deliver_at: f.deliver_at.0, n: 0 }, f))
            .collect();
        current.sort_by_key(|(k, _)| *k);
        for i in 1..current.len() {
            let prev = current[i - 1].0;
            let k = &mut current[i].0;
            if (prev.sent_at, prev.from, prev.to, prev.deliver_at) == (k.sent_at, k.from, k.to, k.deliver_at) {
                k.n = prev.n + 1;
            }
        }
        let start = if playing { wall } else { f64::NEG_INFINITY };
        let mut old = std::mem::take(&mut self.map);
        for (k, f) in current {
            let flight = match old.remove(&k) {
                Some(mut fl) => {
                    fl.seen_wall = if playing { fl.seen_wall } else { start };
                    fl
                }
                None => Flight {
                    from: f.from,
                    to: f.to,
                    sent_at: f.sent_at,
                    deliver_at: f.deliver_at,
                    look: look(sim, f.to, f.msg),
                    seen_wall: start,
                    landed: false,
                },
            };
            self.map.insert(k, flight);
        }
        if playing {
            let mut kept = 0;
            for (k, mut f) in old {
                if wall - f.seen_wall < MIN_FLIGHT_S && kept < MAX_LINGERING {
                    f.landed = true;
                    kept += 1;
                    self.map.insert(k, f);
                }
            }
        }
        self.wall = wall;
        self.now = sim.now();
    }

    /// Whether delivered messages are still finishing their flight (the app keeps drawing).
    pub fn animating(&self) -> bool {
        self.map.values().any(|f| f.landed)
    }

    /// Every message on screen with its progress along its path (0 at the sender).
    pub fn iter(&self) -> impl Iterator<Item = (&Flight, f32)> {
        self.map.values().map(|f| {
            let span = f.deliver_at.0.saturating_sub(f.sent_at.0).max(1) as f64;
            let sim_p = (self.now.0.saturating_sub(f.sent_at.0) as f64 / span).clamp(0.0, 1.0);
            let wall_p = ((self.wall - f.seen_wall) / MIN_FLIGHT_S).clamp(0.0, 1.0);
            let p = if f.landed { wall_p } else { sim_p.min(wall_p) };
            (f, p as f32)
        })
    }

    /// How many messages are on screen.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// The look of `msg` on its way to `to`.
pub fn look(sim: &Simulation, to: NodeId, msg: &WireMsg) -> Look {
    let msg: &Msg = match msg {
        WireMsg::Kafka(m) => m,
        WireMsg::Amqp(a) => return amqp_look(sim, a),
    };
    let to_broker = to.0 >= 1 && to.0 <= sim.cluster().brokers;
    let l = |color, radius, mark| Look { color, radius, mark, msg: None, tp: None, row: None };
    match msg {
        Msg::Client(ClientMsg::Produce(p)) => {
            let first = p.records.first();
            let color = match first.map(|r| r.meta) {
                // Republished by an error handler (retry topic, DLQ) flies red; re-driven, green.
                Some(crate::kafka::Meta::Origin { fixed: false, .. }) => ERROR,
                Some(crate::kafka::Meta::Origin { fixed: true, .. }) => ACK,
                _ => first.map(|r| PALETTE[r.value.producer() as usize % PALETTE.len()]).unwrap_or(DIM),
            };
            let radius = 4.5 + (p.records.len() as f32).sqrt().min(3.0);
            Look { msg: first.map(|r| r.value), tp: Some(p.tp), ..l(color, radius, Mark::Disc) }
        }
        Msg::Client(ClientMsg::FetchResp(r)) => match &r.result {
            FetchResult::Records { records, .. } if !records.is_empty() => {
                let color = if to_broker { REPLICATION } else { TO_CONSUMER };
                let radius = 4.5 + (records.len() as f32).sqrt().min(3.0);
                Look { msg: records.first().map(|e| e.value), tp: Some(r.tp), ..l(color, radius, Mark::Square) }
            }
            FetchResult::Records { .. } => Look { tp: Some(r.tp), ..l(DIM, 2.0, Mark::Disc) },
            FetchResult::Diverging { .. } | FetchResult::Error(_) => {
                Look { tp: Some(r.tp), ..l(ERROR, 3.0, Mark::Disc) }
            }
        },
        Msg::Client(ClientMsg::ProduceResp { tp, result, .. }) => {
            Look { tp: Some(*tp), ..l(if result.is_ok() { ACK } else { ERROR }, 3.0, Mark::Disc) }
        }
        Msg::Client(ClientMsg::Fetch(f)) => {
            Look { tp: Some(f.tp), ..l(if to_broker { REPLICATION } else { TO_CONSUMER }, 3.5, Mark::Ring) }
        }
        Msg::Unreachable { .. } => l(ERROR, 3.0, Mark::Disc),
        Msg::Group(crate::kafka::GroupMsg::Commit { .. } | crate::kafka::GroupMsg::CommitResp { .. }) => {
            l(COMMIT, 3.0, Mark::Disc)
        }
        Msg::Group(_) => l(CONTROL, 2.5, Mark::Disc),
        Msg::Client(ClientMsg::MetadataReq { .. } | ClientMsg::MetadataResp { .. }) => l(DIM, 2.0, Mark::Disc),
        Msg::Zk(ZkMsg::Heartbeat { .. }) => l(Color32::from_rgb(150, 120, 200), 2.0, Mark::Disc),
        Msg::Zk(_) => l(CONTROL, 3.5, Mark::Disc),
        Msg::Control(ControlMsg::AlterPartition { tp, .. } | ControlMsg::AlterPartitionResp { tp, .. }) => {
            Look { tp: Some(*tp), ..l(CONTROL, 3.5, Mark::Disc) }
        }
        Msg::Control(ControlMsg::LeaderAndIsr { .. }) => l(CONTROL, 3.5, Mark::Disc),
    }
}

fn amqp_look(sim: &Simulation, a: &crate::amqp::AmqpMsg) -> Look {
    use crate::amqp::AmqpMsg as A;
    let row = sim.rabbit().and_then(|(_, r)| super::scene::rabbit::row_for(r, a));
    let l = |color, radius, mark, msg| Look { color, radius, mark, msg, tp: None, row };
    match a {
        A::Publish { msg, .. } if !msg.deaths.is_empty() => l(ERROR, 5.0, Mark::Disc, Some(msg.value)),
        A::Publish { msg, .. } => {
            l(PALETTE[msg.value.producer() as usize % PALETTE.len()], 5.0, Mark::Disc, Some(msg.value))
        }
        A::Deliver { msg, redelivered, .. } => {
            l(if *redelivered { REDELIVERED } else { TO_CONSUMER }, 6.0, Mark::Arrow, Some(msg.value))
        }
        A::Ack { .. } | A::Confirm { ack: true, .. } => l(ACK, 3.0, Mark::Disc, None),
        A::Nack { .. } | A::Confirm { ack: false, .. } | A::Return { .. } => l(ERROR, 3.5, Mark::Disc, None),
        A::Consume { .. } | A::ConsumeOk { .. } | A::Close | A::Reset => l(CONTROL, 3.0, Mark::Disc, None),
        A::Unreachable { .. } => l(ERROR, 3.0, Mark::Disc, None),
    }
}
