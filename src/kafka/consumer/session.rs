//! A member after the join: applying its assignment (eager: everything new; cooperative:
//! revoke only what moved and rejoin if anything did, KIP-429), heartbeats, request
//! timeouts, and leaving the group.

use crate::kafka::consumer::kafka_consumer::Consumer;
use crate::kafka::consumer::member_state::MemberState;
use crate::kafka::effects::ConsumerTimer;
use crate::kafka::effects::MemberTimer;
use crate::kafka::effects::{Fx, KTimer};
use crate::kafka::protocol::GroupMsg;
use crate::sim::Ctx;
use crate::trace::{ErrorCode, GroupEvent, RecordKind, Tp};

impl Consumer {
    pub(super) fn on_sync_resp(&mut self, ctx: &mut Ctx, req: u64, result: Result<Vec<Tp>, ErrorCode>, fx: &mut Fx) {
        if self.m().inflight != Some(req) {
            return;
        }
        self.m().inflight = None;
        let assigned = match result {
            Ok(a) => a,
            Err(ErrorCode::RebalanceInProgress) => return self.send_join(ctx, fx),
            Err(e) => {
                self.m().state = MemberState::Unjoined;
                return self.on_group_error(ctx, e, fx);
            }
        };
        let g = self.cfg.group.clone().expect("member");
        let me = self.me(ctx);
        let owned: Vec<Tp> = self.cursors.iter().map(|c| c.tp).collect();
        let revoked: Vec<Tp> = owned.iter().copied().filter(|tp| !assigned.contains(tp)).collect();
        let added: Vec<Tp> = assigned.iter().copied().filter(|tp| !owned.contains(tp)).collect();
        if !revoked.is_empty() {
            fx.record(RecordKind::Group(GroupEvent::Revoke {
                group: g.group,
                consumer: me,
                partitions: revoked.clone(),
            }));
            self.drop_partitions(&revoked);
        }
        let generation = self.m().generation as u32;
        fx.record(RecordKind::Group(GroupEvent::Assignment {
            group: g.group,
            generation,
            consumer: me,
            partitions: assigned.clone(),
        }));
        let m = self.m();
        let first = m.state != MemberState::Stable;
        m.state = MemberState::Stable;
        for &tp in &added {
            self.add_cursor(tp, true);
        }
        if !added.is_empty() {
            self.fetch_offsets(ctx, added, fx);
        }
        if first {
            fx.timer(g.heartbeat_interval, KTimer::Consumer(ConsumerTimer::Group(MemberTimer::Heartbeat)));
        }
        if !revoked.is_empty() && g.strategy.cooperative() {
            // K onJoinComplete: "need to revoke partitions and re-join".
            self.request_rejoin(ctx, fx);
        }
        self.pump(ctx, fx);
    }

    fn heartbeat(&mut self, ctx: &mut Ctx, fx: &mut Fx) {
        let g = self.cfg.group.clone().expect("member");
        fx.timer(g.heartbeat_interval, KTimer::Consumer(ConsumerTimer::Group(MemberTimer::Heartbeat)));
        // metadata.max.age.ms: refresh metadata now and then (finds added partitions).
        if ctx.now >= self.m().next_metadata_refresh {
            if self.m().next_metadata_refresh > crate::sim::SimTime::ZERO {
                self.request_metadata(ctx.now, fx);
            }
            self.m().next_metadata_refresh = ctx.now + g.metadata_max_age;
        }
        // Lag as a metric in the trace, every 5 s (on the heartbeat thread's clock).
        if ctx.now >= self.next_lag_report && !self.cursors.is_empty() {
            self.next_lag_report = ctx.now + crate::sim::Dur::secs(5);
            let partitions = self.cursors.iter().map(|c| (c.tp, c.hw_seen.saturating_sub(c.processed))).collect();
            fx.record(RecordKind::Group(GroupEvent::Lag { group: g.group, consumer: self.me(ctx), partitions }));
        }
        let m = self.m();
        if m.state != MemberState::Stable || m.heartbeat_inflight.is_some() {
            return;
        }
        let Some(to) = m.coordinator else { return };
        let (generation, member_id) = (m.generation.max(0) as u32, m.member_id.clone());
        let req = self.new_req();
        self.m().heartbeat_inflight = Some(req);
        self.send_group(to, GroupMsg::Heartbeat { req, group: g.group, generation, member_id }, fx);
        let t = MemberTimer::RequestTimeout { req };
        fx.timer(self.cfg.request_timeout, KTimer::Consumer(ConsumerTimer::Group(t)));
    }

    /// Member timers.
    pub(super) fn on_member_timer(&mut self, ctx: &mut Ctx, t: MemberTimer, fx: &mut Fx) {
        if self.membership.is_none() {
            return;
        }
        match t {
            MemberTimer::Heartbeat => self.heartbeat(ctx, fx),
            MemberTimer::PollTimeout => self.poll_timeout(ctx, fx),
            MemberTimer::Retry => {
                // K ensureCoordinatorReady runs at every poll while the coordinator is
                // unknown: a request still in flight (a SyncGroup that then succeeds) must not
                // leave a member Stable with no coordinator and no heartbeats, so look again.
                let m = self.m();
                if m.coordinator.is_none() && m.inflight.is_none() {
                    self.find_coordinator(ctx, fx);
                } else if m.coordinator.is_none() {
                    fx.timer(crate::sim::Dur::ms(100), KTimer::Consumer(ConsumerTimer::Group(MemberTimer::Retry)));
                }
            }
            MemberTimer::RequestTimeout { req } => self.on_group_unreachable(ctx, req, fx),
        }
    }

    /// A group request bounced or timed out: the coordinator is unknown again.
    pub(super) fn on_group_unreachable(&mut self, ctx: &mut Ctx, req: u64, fx: &mut Fx) {
        let Some(m) = self.membership.as_mut() else { return };
        if m.inflight == Some(req) || m.offset_fetch == Some(req) {
            m.inflight = None;
            m.offset_fetch = None;
            if m.state == MemberState::Stable {
                m.coordinator = None;
                fx.timer(crate::sim::Dur::ms(100), KTimer::Consumer(ConsumerTimer::Group(MemberTimer::Retry)));
            } else {
                self.on_group_error(ctx, ErrorCode::CoordinatorNotAvailable, fx);
            }
        } else if m.heartbeat_inflight == Some(req) {
            m.heartbeat_inflight = None;
            m.coordinator = None;
            fx.timer(crate::sim::Dur::ms(100), KTimer::Consumer(ConsumerTimer::Group(MemberTimer::Retry)));
        } else if m.commits.contains_key(&req) {
            self.on_commit_resp(ctx, req, Some(ErrorCode::CoordinatorNotAvailable), fx);
        }
    }

    /// LeaveGroup (a poll timeout, or a clean close); the partitions are lost to this
    /// member. The application notices at its next poll and rejoins as a new member.
    pub(super) fn leave_group(&mut self, _ctx: &mut Ctx, fx: &mut Fx) {
        let group = self.cfg.group.as_ref().expect("member").group;
        let req = self.new_req();
        let m = self.m();
        let (to, member_id) = (m.coordinator, std::mem::take(&mut m.member_id));
        m.generation = -1;
        m.state = MemberState::Unjoined;
        m.rejoin_needed = true;
        if let Some(to) = to {
            self.send_group(to, GroupMsg::Leave { req, group, member_id }, fx);
        }
    }
}
