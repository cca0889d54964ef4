//! A Kafka broker node: keeps its ZooKeeper session alive, may win the controller role,
//! hosts replicas (through the replica manager), answers metadata requests from its
//! metadata cache, and runs the periodic ISR-expiration, flush and retention tasks.

use crate::kafka::config::ClusterCfg;
use crate::kafka::controller::kafka_controller::ControllerState;
use crate::kafka::coordinator::group_coordinator::{GroupCoordinator, error_reply};
use crate::kafka::effects::BrokerTimer;
use crate::kafka::effects::{Fx, KTimer, ZK_NODE};
use crate::kafka::here::Here;
use crate::kafka::metadata_cache::MetadataCache;
use crate::kafka::protocol::{ClientMsg, ControlMsg, GroupMsg, Msg, PartitionState, ZkMsg};
use crate::kafka::replication::replica_manager::ReplicaManager;
use crate::kafka::replication::role::Role;
use crate::sim::Ctx;
use crate::sim::{Dur, NodeId};
use crate::trace::{BrokerId, DownHow, ErrorCode, RecordKind, Tp};
use std::sync::Arc;

/// The replica context of a broker, built from its fields (a macro, so the borrow of
/// `cfg` stays disjoint from the replica manager's).
macro_rules! here {
    ($b:expr, $ctx:expr) => {
        Here { now: $ctx.now, me: $b.id, controller: $b.controller, cfg: &$b.cfg, live: $b.metadata.live_mask }
    };
}

/// A broker.
#[derive(Clone, Debug)]
pub struct Broker {
    /// Its id.
    pub id: BrokerId,
    /// Its replicas.
    pub rm: ReplicaManager,
    /// Metadata cache: the latest partition states and live brokers it was told.
    pub metadata: MetadataCache,
    /// This process's ZooKeeper session id: a restart opens a new session.
    pub session: u64,
    /// The controller as this broker knows it.
    pub controller: Option<BrokerId>,
    /// Highest controller epoch seen (fences stale controllers).
    pub controller_epoch: u32,
    /// Present while this broker is the controller.
    pub controller_state: Option<ControllerState>,
    /// The consumer groups it coordinates.
    pub coordinator: GroupCoordinator,
    cfg: Arc<ClusterCfg>,
}

impl Broker {
    /// A broker hosting `replicas` (their states as created), not yet started.
    pub fn new(id: BrokerId, cfg: Arc<ClusterCfg>, replicas: &[(Tp, PartitionState)]) -> Broker {
        let mut rm = ReplicaManager::default();
        for (tp, s) in replicas {
            rm.replicas.insert(*tp, crate::kafka::replication::partition::Partition::new(*tp, s.clone()));
        }
        Broker {
            id,
            rm,
            metadata: MetadataCache::default(),
            session: 0,
            controller: None,
            controller_epoch: 0,
            controller_state: None,
            coordinator: GroupCoordinator::default(),
            cfg,
        }
    }

    /// Starts (or restarts) the broker: session, controller bid, periodic tasks. `initial`
    /// holds the states of topics created before the run (a running cluster).
    pub fn start(&mut self, ctx: &mut Ctx, initial: Option<&[(Tp, PartitionState)]>, fx: &mut Fx) {
        let cfg = self.cfg.clone();
        for r in self.rm.replicas.values_mut() {
            r.role = Role::None;
            r.hw = r.hw_checkpoint.min(r.log.end_offset());
        }
        self.metadata.partitions.clear();
        self.controller = None;
        self.controller_state = None;
        self.coordinator = GroupCoordinator::default();
        self.session += 1;
        if let Some(states) = initial {
            self.metadata.load_initial(cfg.brokers, states);
            let h = here!(self, ctx);
            self.rm.apply(&h, states, fx);
            self.coordinator.sync_leadership(&h, &self.rm, fx);
        }
        fx.send(ZK_NODE, Msg::Zk(ZkMsg::Heartbeat { broker: self.id, session: self.session }));
        fx.send(ZK_NODE, Msg::Zk(ZkMsg::TryController { broker: self.id, session: self.session }));
        fx.timer(Dur(cfg.zk_session_timeout.0 / 3), KTimer::Broker(BrokerTimer::ZkHeartbeat));
        fx.timer(Dur(cfg.replica_lag_time_max.0 / 2), KTimer::Broker(BrokerTimer::IsrCheck));
        fx.timer(cfg.flush_interval, KTimer::Broker(BrokerTimer::Flush));
        fx.timer(cfg.retention_check_interval, KTimer::Broker(BrokerTimer::RetentionCheck));
        if initial.is_none() {
            fx.record(RecordKind::BrokerUp { broker: self.id });
        }
    }

    /// Goes down. Clean: flush, close the ZooKeeper session at once. Crash: the page cache
    /// survives. Power loss: everything after the recovery point is gone.
    pub fn stop(&mut self, how: DownHow, fx: &mut Fx) {
        let mut lost = 0;
        match how {
            DownHow::Clean => {
                self.rm.flush_all();
                fx.send(ZK_NODE, Msg::Zk(ZkMsg::Close { broker: self.id, session: self.session }));
            }
            DownHow::Crash => {}
            DownHow::PowerLoss => {
                // The machine is gone: nobody learns anything until timeouts fire.
                for r in self.rm.replicas.values_mut() {
                    if let Role::Leader(ls) = &mut r.role {
                        ls.parked.clear();
                        ls.delayed.clear();
                    }
                }
                for r in self.rm.replicas.values_mut() {
                    lost += r.log.truncate_to(r.log.recovery_point);
                    r.hw = r.hw.min(r.log.end_offset());
                    r.hw_checkpoint = r.hw_checkpoint.min(r.log.end_offset());
                    r.producers.clear();
                }
            }
        }
        // A dead process's connections are reset by its host: clients waiting on parked
        // requests learn of it at once.
        for r in self.rm.replicas.values_mut() {
            if let Role::Leader(ls) = &mut r.role {
                for p in ls.parked.drain(..) {
                    fx.send(p.from, Msg::Unreachable { req: Some(p.req.req) });
                }
                for d in ls.delayed.drain(..) {
                    fx.send(d.from, Msg::Unreachable { req: Some(d.req) });
                }
            }
            r.role = Role::None;
        }
        // So are group members waiting on a JoinGroup or SyncGroup here (a power loss
        // resets nothing: they wait out their request timeout).
        if how != DownHow::PowerLoss {
            for g in self.coordinator.groups.values() {
                for m in g.members.values() {
                    for req in [m.awaiting_join, m.awaiting_sync].into_iter().flatten() {
                        fx.send(m.node, Msg::Unreachable { req: Some(req) });
                    }
                }
            }
        }
        self.controller_state = None;
        self.coordinator = GroupCoordinator::default();
        fx.record(RecordKind::BrokerDown { broker: self.id, how, lost_unflushed: lost });
    }

    /// Handles a message.
    pub fn on_message(&mut self, ctx: &mut Ctx, from: NodeId, msg: Msg, fx: &mut Fx) {
        match msg {
            Msg::Client(ClientMsg::MetadataReq { req }) => {
                fx.send(from, Msg::Client(ClientMsg::MetadataResp { req, leaders: self.metadata.leaders() }));
            }
            Msg::Client(ClientMsg::Produce(req)) => {
                let h = here!(self, ctx);
                self.rm.produce(&h, from, req, fx);
            }
            Msg::Client(ClientMsg::Fetch(req)) => {
                let h = here!(self, ctx);
                self.rm.fetch(&h, from, &req, fx);
            }
            Msg::Client(ClientMsg::FetchResp(resp)) => {
                let h = here!(self, ctx);
                self.rm.on_follower_response(&h, resp, fx);
            }
            Msg::Unreachable { req: Some(req) } => {
                if let Some(tp) = self.rm.follower_fetch_tp(req) {
                    let h = here!(self, ctx);
                    self.rm.follower_fetch_failed(&h, tp, req, fx);
                }
            }
            Msg::Zk(ZkMsg::Controller { controller, controller_epoch, won }) => {
                self.on_zk_controller(ctx.now, controller, controller_epoch, won, fx)
            }
            Msg::Zk(ZkMsg::PartitionsAdded { states }) => {
                let cfg = self.cfg.clone();
                if let Some(cs) = &mut self.controller_state {
                    cs.on_partitions_added(self.id, ctx.now, states, &cfg, fx);
                }
            }
            Msg::Zk(ZkMsg::ControllerGone) => {
                self.controller = None;
                fx.send(ZK_NODE, Msg::Zk(ZkMsg::TryController { broker: self.id, session: self.session }));
            }
            Msg::Zk(ZkMsg::BrokersChanged { live }) => {
                if let Some(cs) = &mut self.controller_state {
                    cs.on_brokers_changed(self.id, ctx.now, &live, &self.cfg, fx);
                }
            }
            Msg::Control(ControlMsg::LeaderAndIsr { controller, controller_epoch, states, live }) => {
                self.on_leader_and_isr(ctx, controller, controller_epoch, states, live, fx)
            }
            Msg::Group(m) => self.on_group(ctx, from, m, fx),
            Msg::Client(ClientMsg::ProduceResp { req, result, .. }) => {
                let h = here!(self, ctx);
                self.coordinator.on_append_result(&h, req, result, fx)
            }
            Msg::Control(ControlMsg::AlterPartition { tp, leader, leader_epoch, partition_epoch, isr }) => {
                if let Some(cs) = &mut self.controller_state {
                    cs.on_alter_partition(self.id, ctx.now, tp, leader, leader_epoch, partition_epoch, isr, fx);
                }
            }
            Msg::Control(ControlMsg::AlterPartitionResp { tp, result }) => {
                self.on_alter_partition_resp(ctx, tp, result, fx)
            }
            // Not addressed to brokers: ignored.
            Msg::Unreachable { req: None }
            | Msg::Client(ClientMsg::MetadataResp { .. })
            | Msg::Zk(
                ZkMsg::Heartbeat { .. } | ZkMsg::Close { .. } | ZkMsg::TryController { .. } | ZkMsg::Write { .. },
            ) => {}
            Msg::Zk(ZkMsg::WriteResult { op, ok }) => {
                if let Some(cs) = &mut self.controller_state {
                    cs.on_write_result(self.id, op, ok, fx);
                }
            }
        }
    }

    /// LeaderAndIsr from the controller: partition states (leadership, ISR) and live brokers.
    fn on_leader_and_isr(
        &mut self,
        ctx: &mut Ctx,
        controller: BrokerId,
        controller_epoch: u32,
        states: Vec<(Tp, PartitionState)>,
        live: Vec<BrokerId>,
        fx: &mut Fx,
    ) {
        if controller_epoch < self.controller_epoch {
            return; // a stale controller: fenced
        }
        self.controller = Some(controller);
        self.controller_epoch = controller_epoch;
        self.metadata.update(&states, live);
        let h = here!(self, ctx);
        self.rm.apply(&h, &states, fx);
        self.coordinator.sync_leadership(&h, &self.rm, fx);
    }

    /// The controller's answer to our AlterPartition: the new state, or why not.
    fn on_alter_partition_resp(
        &mut self,
        ctx: &mut Ctx,
        tp: Tp,
        result: Result<PartitionState, ErrorCode>,
        fx: &mut Fx,
    ) {
        let h = here!(self, ctx);
        if let Some(r) = self.rm.replicas.get_mut(&tp) {
            match result {
                Ok(s) => r.update_state(&h, s, fx),
                Err(_) => {
                    if let Role::Leader(ls) = &mut r.role {
                        ls.isr_pending = None;
                    }
                }
            }
        }
    }

    fn on_zk_controller(
        &mut self,
        now: crate::sim::SimTime,
        controller: Option<BrokerId>,
        epoch: u32,
        won: Option<crate::kafka::protocol::ControllerInit>,
        fx: &mut Fx,
    ) {
        if epoch >= self.controller_epoch {
            self.controller = controller;
            self.controller_epoch = epoch;
        }
        if let Some(init) = won {
            if self.controller_state.as_ref().is_some_and(|c| c.epoch == epoch) {
                return; // already acting as controller for this epoch
            }
            fx.record(RecordKind::ControllerElected { broker: self.id, controller_epoch: epoch });
            fx.timer(Dur::secs(5), KTimer::Broker(BrokerTimer::ControllerResync { epoch }));
            let mut cs = ControllerState::new(epoch, init.live, init.states);
            cs.on_elected(self.id, now, &self.cfg.clone(), fx);
            self.controller_state = Some(cs);
        } else {
            if controller != Some(self.id) {
                self.controller_state = None; // resigned: someone else holds /controller
            }
            if controller.is_none() || (controller == Some(self.id) && self.controller_state.is_none()) {
                fx.send(ZK_NODE, Msg::Zk(ZkMsg::TryController { broker: self.id, session: self.session }));
            }
        }
    }

    /// Handles a timer.
    pub fn on_timer(&mut self, ctx: &mut Ctx, t: BrokerTimer, fx: &mut Fx) {
        let h = here!(self, ctx);
        match t {
            BrokerTimer::ZkHeartbeat => {
                fx.send(ZK_NODE, Msg::Zk(ZkMsg::Heartbeat { broker: self.id, session: self.session }));
                fx.timer(Dur(h.cfg.zk_session_timeout.0 / 3), KTimer::Broker(BrokerTimer::ZkHeartbeat));
            }
            BrokerTimer::IsrCheck => {
                self.rm.shrink_isrs(&h, fx);
                fx.timer(Dur(h.cfg.replica_lag_time_max.0 / 2), KTimer::Broker(BrokerTimer::IsrCheck));
            }
            BrokerTimer::Flush => {
                self.rm.flush_all();
                fx.timer(h.cfg.flush_interval, KTimer::Broker(BrokerTimer::Flush));
            }
            BrokerTimer::RetentionCheck => {
                self.rm.enforce_retention(&h, fx);
                fx.timer(h.cfg.retention_check_interval, KTimer::Broker(BrokerTimer::RetentionCheck));
            }
            BrokerTimer::PurgatoryCheck { tp, at } => {
                if let Some(r) = self.rm.replicas.get_mut(&tp) {
                    r.purgatory_check(ctx.now, at, fx);
                }
            }
            BrokerTimer::AlterPartitionTimeout { tp, partition_epoch } => {
                if let Some(r) = self.rm.replicas.get_mut(&tp)
                    && r.state.partition_epoch == partition_epoch
                    && let Role::Leader(ls) = &mut r.role
                {
                    ls.isr_pending = None;
                }
            }
            BrokerTimer::FollowerFetch { tp, token } => self.rm.follower_fetch(&h, tp, token, fx),
            BrokerTimer::ControllerResync { epoch } => {
                if let Some(cs) = self.controller_state.as_mut().filter(|c| c.epoch == epoch) {
                    cs.resync(self.id, ctx.now, &self.cfg, fx);
                    fx.timer(Dur::secs(5), KTimer::Broker(BrokerTimer::ControllerResync { epoch }));
                }
            }
            BrokerTimer::FollowerFetchTimeout { tp, token } => self.rm.follower_fetch_timeout(&h, tp, token, fx),
            BrokerTimer::Group(t) => {
                self.coordinator.on_timer(&h, t, fx);
                self.coordinator.flush_stores(&h, &mut self.rm, fx);
            }
        }
    }

    /// Group requests: FindCoordinator from any broker's metadata cache; the rest only on
    /// the group's coordinator (others answer NOT_COORDINATOR).
    fn on_group(&mut self, ctx: &mut Ctx, from: NodeId, m: GroupMsg, fx: &mut Fx) {
        let h = here!(self, ctx);
        let group = match &m {
            GroupMsg::FindCoordinator { req, group } => {
                let result = self.metadata.coordinator_for(h.cfg, *group).ok_or(ErrorCode::CoordinatorNotAvailable);
                fx.send(from, Msg::Group(GroupMsg::FindCoordinatorResp { req: *req, result }));
                return;
            }
            GroupMsg::Join(j) => j.group,
            GroupMsg::Sync { group, .. }
            | GroupMsg::Heartbeat { group, .. }
            | GroupMsg::Leave { group, .. }
            | GroupMsg::Commit { group, .. }
            | GroupMsg::FetchOffsets { group, .. } => *group,
            GroupMsg::FindCoordinatorResp { .. }
            | GroupMsg::JoinResp { .. }
            | GroupMsg::SyncResp { .. }
            | GroupMsg::HeartbeatResp { .. }
            | GroupMsg::CommitResp { .. }
            | GroupMsg::FetchOffsetsResp { .. } => return,
        };
        if !self.coordinator.owns(&h, group) {
            if let Some(r) = error_reply(&m, ErrorCode::NotCoordinator) {
                fx.send(from, Msg::Group(r));
            }
            return;
        }
        match m {
            GroupMsg::Commit { req, group, generation, member_id, offsets } => {
                self.coordinator.commit(&h, &mut self.rm, from, req, group, generation, &member_id, offsets, fx)
            }
            GroupMsg::FetchOffsets { req, group, tps } => {
                let result = Ok(self.coordinator.fetch_offsets(group, &tps));
                fx.send(from, Msg::Group(GroupMsg::FetchOffsetsResp { req, result }));
            }
            other => self.coordinator.on_membership(&h, ctx.rng, from, other, fx),
        }
        self.coordinator.flush_stores(&h, &mut self.rm, fx);
    }

    /// Topics grew (partitions added): the new settings.
    pub fn set_cfg(&mut self, cfg: Arc<ClusterCfg>) {
        self.cfg = cfg;
    }

    /// True if this broker currently acts as controller.
    pub fn is_controller(&self) -> bool {
        self.controller_state.is_some()
    }
}
