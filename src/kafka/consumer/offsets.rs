//! A member's offsets: OffsetCommit of processed positions (the committed offset is the
//! next one to read), OffsetFetch for partitions it was just given (none committed:
//! auto.offset.reset decides), and what a failed commit means (CommitFailedException:
//! rejoin; the records since the last commit will be processed again by someone).

use crate::kafka::consumer::kafka_consumer::Consumer;
use crate::kafka::effects::ConsumerTimer;
use crate::kafka::effects::MemberTimer;
use crate::kafka::effects::{Fx, KTimer};
use crate::kafka::protocol::GroupMsg;
use crate::sim::Ctx;
use crate::trace::{ErrorCode, GroupEvent, RecordKind, Tp};

impl Consumer {
    /// Positions processed past what this member last committed.
    pub(super) fn uncommitted(&mut self) -> Vec<(Tp, u64)> {
        let committed = &self.membership.as_ref().expect("member").committed;
        self.cursors
            .iter()
            .filter(|c| !c.awaiting_offset && c.fetch_offset.is_some())
            .filter(|c| committed.get(&c.tp).is_none_or(|&o| o != c.processed))
            .map(|c| (c.tp, c.processed))
            .collect()
    }

    /// A commitSync is in flight: the application waits for it.
    pub(super) fn blocked_on_commit(&self) -> bool {
        self.membership.as_ref().is_some_and(|m| m.commits.values().any(|(sync, _)| *sync))
    }

    /// Sends an OffsetCommit (sync: the application waits for the answer).
    pub(super) fn commit(&mut self, _ctx: &mut Ctx, offsets: Vec<(Tp, u64)>, sync: bool, fx: &mut Fx) {
        let group = self.cfg.group.as_ref().expect("member").group;
        let m = self.m();
        // No coordinator: nothing to wait for; the commit is retried at the next poll.
        let Some(to) = m.coordinator else { return };
        let (generation, member_id) = (m.generation, m.member_id.clone());
        let req = self.new_req();
        self.m().commits.insert(req, (sync, offsets.clone()));
        self.send_group(to, GroupMsg::Commit { req, group, generation, member_id, offsets }, fx);
        let t = MemberTimer::RequestTimeout { req };
        fx.timer(self.cfg.request_timeout, KTimer::Consumer(ConsumerTimer::Group(t)));
    }

    pub(super) fn on_commit_resp(&mut self, ctx: &mut Ctx, req: u64, error: Option<ErrorCode>, fx: &mut Fx) {
        let Some((sync, offsets)) = self.m().commits.remove(&req) else { return };
        match error {
            None => {
                let m = self.m();
                for (tp, o) in offsets {
                    m.committed.insert(tp, o);
                }
            }
            Some(e) => {
                let group = self.cfg.group.as_ref().expect("member").group;
                let ev = GroupEvent::CommitFailed { group, consumer: self.me(ctx), error: e };
                fx.record(RecordKind::Group(ev));
                if !self.m().join_after_commit {
                    self.on_group_error(ctx, e, fx);
                }
            }
        }
        if sync && std::mem::take(&mut self.m().join_after_commit) {
            return self.finish_rejoin(ctx, fx);
        }
        if sync {
            self.pump(ctx, fx);
        }
    }

    /// OffsetFetch for partitions just assigned.
    pub(super) fn fetch_offsets(&mut self, _ctx: &mut Ctx, tps: Vec<Tp>, fx: &mut Fx) {
        let group = self.cfg.group.as_ref().expect("member").group;
        let Some(to) = self.m().coordinator else { return };
        let req = self.new_req();
        self.m().offset_fetch = Some(req);
        self.send_group(to, GroupMsg::FetchOffsets { req, group, tps }, fx);
        let t = MemberTimer::RequestTimeout { req };
        fx.timer(self.cfg.request_timeout, KTimer::Consumer(ConsumerTimer::Group(t)));
    }

    /// Committed offsets arrived: positions are known, fetching starts.
    #[allow(clippy::type_complexity)]
    pub(super) fn on_offsets(
        &mut self,
        ctx: &mut Ctx,
        req: u64,
        result: Result<Vec<(Tp, Option<u64>)>, ErrorCode>,
        fx: &mut Fx,
    ) {
        if self.m().offset_fetch != Some(req) {
            return;
        }
        self.m().offset_fetch = None;
        let offsets = match result {
            Ok(o) => o,
            Err(e) => return self.on_group_error(ctx, e, fx),
        };
        for (tp, committed) in offsets {
            if let Some(o) = committed {
                self.m().committed.insert(tp, o);
            }
            if let Some(c) = self.cursor(tp) {
                c.awaiting_offset = false;
                c.fetch_offset = committed;
                c.processed = committed.unwrap_or(0);
            }
        }
        self.fetch_all(ctx, fx);
    }
}
