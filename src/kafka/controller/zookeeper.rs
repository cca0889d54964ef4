//! ZooKeeper as Kafka uses it in ZooKeeper mode: broker registrations are ephemeral
//! znodes tied to sessions that expire after `zookeeper.session.timeout.ms` without a
//! heartbeat; the first broker to create /controller wins (and /controller_epoch is
//! bumped); watches tell the controller when the live set changes and tell brokers when
//! /controller disappears; partition states are stored for a new controller to read.
//! Simplified: one ZooKeeper server, not an ensemble.

use crate::kafka::effects::ZkTimer;
use crate::kafka::effects::{Fx, KTimer, broker_node};
use crate::kafka::protocol::{ControllerInit, Msg, PartitionState, ZkMsg};
use crate::sim::Ctx;
use crate::sim::{Dur, NodeId, SimTime};
use crate::trace::{BrokerId, RecordKind, Tp};
use std::collections::BTreeMap;

/// A broker's session: its id and last heartbeat.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Session {
    /// Session id (a restarted broker opens a new one).
    pub id: u64,
    /// Last heartbeat.
    pub last_heartbeat: SimTime,
}

/// The ZooKeeper node.
#[derive(Clone, Debug)]
pub struct ZooKeeper {
    /// Session timeout.
    pub session_timeout: Dur,
    /// Live sessions by broker.
    pub sessions: BTreeMap<BrokerId, Session>,
    /// Owner of the /controller znode.
    pub controller: Option<BrokerId>,
    /// /controller_epoch.
    pub controller_epoch: u32,
    /// Partition states (/brokers/topics/.../state).
    pub states: BTreeMap<Tp, PartitionState>,
}

impl ZooKeeper {
    /// ZooKeeper holding the initial partition states.
    pub fn new(session_timeout: Dur, states: BTreeMap<Tp, PartitionState>) -> ZooKeeper {
        ZooKeeper { session_timeout, sessions: BTreeMap::new(), controller: None, controller_epoch: 0, states }
    }

    /// An admin created partitions (kafka-topics --alter): their znodes are written and the
    /// controller's /brokers/topics watch fires.
    pub fn add_partitions(&mut self, added: Vec<(Tp, PartitionState)>, fx: &mut Fx) {
        for (tp, s) in &added {
            self.states.entry(*tp).or_insert_with(|| s.clone());
        }
        if let Some(c) = self.controller {
            fx.send(broker_node(c), Msg::Zk(ZkMsg::PartitionsAdded { states: added }));
        }
    }

    fn live(&self) -> Vec<(BrokerId, u64)> {
        self.sessions.iter().map(|(b, s)| (*b, s.id)).collect()
    }

    /// Who holds /controller, as a reply to `broker` (with the cluster state if it won).
    fn controller_reply(&self, won: Option<ControllerInit>) -> Msg {
        Msg::Zk(ZkMsg::Controller { controller: self.controller, controller_epoch: self.controller_epoch, won })
    }

    fn init(&self) -> ControllerInit {
        ControllerInit { live: self.live(), states: self.states.iter().map(|(t, s)| (*t, s.clone())).collect() }
    }

    fn notify_controller(&self, fx: &mut Fx) {
        if let Some(c) = self.controller {
            fx.send(broker_node(c), Msg::Zk(ZkMsg::BrokersChanged { live: self.live() }));
        }
    }

    /// Handles a message.
    pub fn on_message(&mut self, ctx: &mut Ctx, from: NodeId, msg: Msg, fx: &mut Fx) {
        match msg {
            Msg::Zk(ZkMsg::Heartbeat { broker, session }) => match self.sessions.get_mut(&broker) {
                Some(s) if s.id == session => {
                    s.last_heartbeat = ctx.now;
                    // The reply tells the broker who the controller is, so a lost watch
                    // notification cannot leave it believing in a dead controller.
                    let msg = self.controller_reply(None);
                    fx.send(broker_node(broker), msg);
                }
                // The same broker restarted: its old session (and any ephemeral znode it
                // owns, like /controller) lives on until it expires; then it registers anew.
                Some(_) => {}
                None => {
                    self.sessions.insert(broker, Session { id: session, last_heartbeat: ctx.now });
                    fx.timer(self.session_timeout, KTimer::Zk(ZkTimer::SessionCheck { broker }));
                    let msg = self.controller_reply(None);
                    fx.send(broker_node(broker), msg);
                    self.notify_controller(fx);
                }
            },
            Msg::Zk(ZkMsg::Close { broker, session }) => {
                if self.sessions.get(&broker).is_some_and(|s| s.id == session) {
                    self.expire(broker, fx);
                }
            }
            Msg::Zk(ZkMsg::TryController { broker, session }) => {
                let live = self.sessions.get(&broker).is_some_and(|s| s.id == session);
                // Asking again while holding /controller (its first answer was lost) wins again.
                let again = live && self.controller == Some(broker);
                let won = live && self.controller.is_none();
                if again {
                    let init = self.init();
                    fx.send(broker_node(broker), self.controller_reply(Some(init)));
                    return;
                }
                if won {
                    self.controller = Some(broker);
                    self.controller_epoch += 1;
                }
                let init = won.then(|| self.init());
                fx.send(broker_node(broker), self.controller_reply(init));
            }
            Msg::Zk(ZkMsg::Write { controller_epoch, states, op }) => {
                // Conditional on the controller epoch, as Kafka's zkVersion-checked updates are.
                let ok = controller_epoch == self.controller_epoch;
                if ok {
                    self.states.extend(states);
                }
                fx.send(from, Msg::Zk(ZkMsg::WriteResult { op, ok }));
            }
            // Messages ZooKeeper never receives: ignored, as a server ignores junk.
            Msg::Zk(
                ZkMsg::Controller { .. }
                | ZkMsg::WriteResult { .. }
                | ZkMsg::BrokersChanged { .. }
                | ZkMsg::ControllerGone
                | ZkMsg::PartitionsAdded { .. },
            ) => {}
            Msg::Client(_) => {}
            Msg::Control(_) => {}
            Msg::Group(_) => {}
            Msg::Unreachable { .. } => {}
        }
    }

    /// Handles a timer.
    pub fn on_timer(&mut self, ctx: &mut Ctx, t: ZkTimer, fx: &mut Fx) {
        match t {
            ZkTimer::SessionCheck { broker } => {
                let Some(last) = self.sessions.get(&broker).map(|s| s.last_heartbeat) else {
                    return;
                };
                let due = last + self.session_timeout;
                if due <= ctx.now {
                    self.expire(broker, fx);
                } else {
                    fx.timer(due.since(ctx.now), KTimer::Zk(ZkTimer::SessionCheck { broker }));
                }
            }
        }
    }

    fn expire(&mut self, broker: BrokerId, fx: &mut Fx) {
        if self.sessions.remove(&broker).is_none() {
            return;
        }
        fx.record(RecordKind::SessionExpired { broker });
        if self.controller == Some(broker) {
            self.controller = None;
            for (b, _) in self.live() {
                fx.send(broker_node(b), Msg::Zk(ZkMsg::ControllerGone));
            }
        } else {
            self.notify_controller(fx);
        }
    }

    /// ZooKeeper restarted: znodes persist; session clocks restart (as after a ZooKeeper
    /// leader election), so every session gets a full timeout to heartbeat again.
    pub fn restart(&mut self, now: SimTime, fx: &mut Fx) {
        for (b, s) in self.sessions.iter_mut() {
            s.last_heartbeat = now;
            fx.timer(self.session_timeout, KTimer::Zk(ZkTimer::SessionCheck { broker: *b }));
        }
    }
}
