//! A Kafka consumer. It pulls: one fetch in flight per owned partition, long-polled by the
//! leader up to `fetch_max_wait`, records up to the high watermark only. Each fetch
//! response is one poll batch; the application processes its records one at a time,
//! `process_time` each. Between batches it "polls": that is when auto-commit runs, when a
//! pending rebalance is joined, and what max.poll.interval.ms measures (as in the Java
//! client). Positions per partition live in `fetcher`, leaders in `metadata`. Its partitions
//! come from the scenario (no group) or from its group (`membership`, `session`,
//! `offsets`); failures are handled in `retry`.

use crate::kafka::consumer::config::ConsumerCfg;
use crate::kafka::consumer::config::OffsetReset;
use crate::kafka::consumer::fetcher::{Batch, PartitionCursor};
use crate::kafka::consumer::member_state::Membership;
use crate::kafka::consumer::metadata::ConsumerMetadata;
use crate::kafka::consumer::republish::Publish;
use crate::kafka::effects::ConsumerTimer;
use crate::kafka::effects::{Fx, KTimer, broker_node};
use crate::kafka::protocol::{ClientMsg, FetchReq, FetchResult, Msg};
use crate::kafka::replication::log::LogEntry;
use crate::sim::Ctx;
use crate::sim::NodeId;
use crate::sim::{Dur, SimTime};
use crate::trace::{ErrorCode, RecordKind, Tp};
use std::collections::VecDeque;
use std::sync::Arc;

/// The record being processed.
#[derive(Clone, Copy, Debug)]
pub struct Processing {
    /// Its partition.
    pub tp: Tp,
    /// Its offset.
    pub offset: u64,
    /// The record.
    pub entry: LogEntry,
    /// Failed attempts so far (here).
    pub attempts: u32,
}

/// A consumer node.
#[derive(Clone, Debug)]
pub struct Consumer {
    /// Settings.
    pub cfg: Arc<ConsumerCfg>,
    /// Owned partitions.
    pub cursors: Vec<PartitionCursor>,
    /// Fetched batches not started.
    pub(super) buffer: VecDeque<Batch>,
    /// The batch being processed.
    pub(super) current: Option<Batch>,
    /// The record being processed.
    pub processing: Option<Processing>,
    /// Group membership, for group members.
    pub membership: Option<Membership>,
    /// A record being republished (retry topic, DLT, re-drive); processing waits for it.
    pub publish: Option<Publish>,
    /// Partition leaders and counts as last learned.
    pub(super) metadata: ConsumerMetadata,
    timeout_armed: bool,
    pub(super) next_req: u64,
    /// When the application last polled (started a batch).
    pub(super) last_poll: SimTime,
    pub(super) next_auto_commit: SimTime,
    pub(super) next_lag_report: SimTime,
    pub(super) poll_timer_armed: bool,
    wake_at: Option<SimTime>,
    /// The application is stuck (PauseConsumer): it neither finishes records nor polls.
    pub paused: bool,
    stalled: bool,
}

impl Consumer {
    /// A consumer, not yet started.
    pub fn new(cfg: Arc<ConsumerCfg>, brokers: u32) -> Consumer {
        let membership = cfg.group.as_ref().map(|_| Membership::default());
        let mut c = Consumer {
            cfg: cfg.clone(),
            cursors: Vec::new(),
            buffer: VecDeque::new(),
            current: None,
            processing: None,
            membership,
            publish: None,
            metadata: ConsumerMetadata::new(brokers),
            timeout_armed: false,
            next_req: 0,
            last_poll: SimTime::ZERO,
            next_auto_commit: SimTime::ZERO,
            next_lag_report: SimTime::ZERO,
            poll_timer_armed: false,
            wake_at: None,
            paused: false,
            stalled: false,
        };
        for &tp in &cfg.assignment {
            c.add_cursor(tp, false);
        }
        c
    }

    pub(super) fn add_cursor(&mut self, tp: Tp, awaiting_offset: bool) {
        self.cursors.push(PartitionCursor::new(tp, awaiting_offset));
    }

    /// Starts, or restarts with no memory of its positions.
    pub fn start(&mut self, ctx: &mut Ctx, fx: &mut Fx) {
        *self = Consumer::new(self.cfg.clone(), self.metadata.brokers());
        let first = Dur(self.cfg.start.0.saturating_sub(ctx.now.0));
        fx.timer(first, KTimer::Consumer(ConsumerTimer::Wake));
    }

    /// The start time arrived (the Wake timer): metadata, fetching, the group.
    fn begin(&mut self, ctx: &mut Ctx, fx: &mut Fx) {
        self.request_metadata(ctx.now, fx);
        if self.membership.is_some() {
            self.next_auto_commit = ctx.now;
            self.rejoin(ctx, fx);
        }
    }

    /// Records the application holds: the one being processed and the rest of its poll
    /// batch (a member committing before processing has already committed past them).
    pub fn in_hand(&self) -> impl Iterator<Item = (Tp, u64)> + '_ {
        let rest = self.current.iter().flat_map(|b| b.offsets().map(move |o| (b.tp, o)));
        self.processing.iter().map(|p| (p.tp, p.offset)).chain(rest)
    }

    /// Lag of one partition: records up to the HW not yet processed.
    pub fn lag(&self, i: usize, hw: u64) -> u64 {
        hw.saturating_sub(self.cursors[i].processed)
    }

    pub(super) fn me(&self, ctx: &Ctx) -> NodeId {
        NodeId(ctx.me.0)
    }

    pub(super) fn cursor(&mut self, tp: Tp) -> Option<&mut PartitionCursor> {
        self.cursors.iter_mut().find(|c| c.tp == tp)
    }

    /// Asks a bootstrap broker for metadata, unless a request is in flight; within the
    /// refresh backoff, once it has passed.
    pub(super) fn request_metadata(&mut self, now: SimTime, fx: &mut Fx) {
        if self.metadata.requesting() {
            return;
        }
        let at = self.metadata.allowed_at();
        if now < at {
            if self.metadata.want() {
                fx.timer(at.since(now), KTimer::Consumer(ConsumerTimer::MetadataRetry));
            }
            return;
        }
        self.next_req += 1;
        let b = self.metadata.request(self.next_req);
        fx.send(broker_node(b), Msg::Client(ClientMsg::MetadataReq { req: self.next_req }));
        fx.timer(Dur::secs(1), KTimer::Consumer(ConsumerTimer::MetadataTimeout { req: self.next_req }));
    }

    pub(super) fn fetch(&mut self, ctx: &mut Ctx, tp: Tp, fx: &mut Fx) {
        if ctx.now.0 < self.cfg.start.0 {
            return;
        }
        let leader = self.metadata.leader(tp);
        let (max_records, max_wait_us) = (self.cfg.max_poll_records, self.cfg.fetch_max_wait.0);
        let reset = self.cfg.auto_offset_reset;
        let Some(c) = self.cursor(tp) else { return };
        if !c.may_fetch() {
            return;
        }
        let Some((leader, epoch)) = leader else {
            self.request_metadata(ctx.now, fx);
            return;
        };
        let offset = c.position(reset);
        self.next_req += 1;
        let req = FetchReq {
            req: self.next_req,
            replica: None,
            tp,
            offset,
            last_fetched_epoch: None,
            leader_epoch: Some(epoch),
            max_records,
            max_wait_us,
        };
        let c = self.cursor(tp).expect("checked");
        c.in_flight = Some(req.req);
        c.sent_at = ctx.now;
        fx.send(broker_node(leader), Msg::Client(ClientMsg::Fetch(req)));
        if !self.timeout_armed {
            self.timeout_armed = true;
            fx.timer(self.cfg.request_timeout, KTimer::Consumer(ConsumerTimer::FetchTimeoutCheck));
        }
    }

    pub(super) fn fetch_all(&mut self, ctx: &mut Ctx, fx: &mut Fx) {
        let tps: Vec<Tp> = self.cursors.iter().map(|c| c.tp).collect();
        for tp in tps {
            self.fetch(ctx, tp, fx);
        }
    }

    fn fetch_failed(&mut self, now: SimTime, tp: Tp, fx: &mut Fx) {
        if let Some(c) = self.cursor(tp) {
            c.in_flight = None;
        }
        self.metadata.forget_leader(tp);
        self.request_metadata(now, fx);
        fx.timer(Dur::ms(100), KTimer::Consumer(ConsumerTimer::Fetch { tp }));
    }

    fn on_fetch_resp(&mut self, ctx: &mut Ctx, resp: crate::kafka::protocol::FetchResp, fx: &mut Fx) {
        let Some(c) = self.cursors.iter_mut().find(|c| c.in_flight == Some(resp.req)) else {
            return;
        };
        c.in_flight = None;
        c.hw_seen = resp.high_watermark;
        let tp = c.tp;
        match resp.result {
            FetchResult::Records { base_offset, records } => {
                let n = records.len() as u32;
                c.on_records(base_offset, n);
                if n == 0 {
                    self.fetch(ctx, tp, fx);
                    return;
                }
                fx.record(RecordKind::Fetch { consumer: self.me(ctx), tp, offset: base_offset, records: n });
                self.buffer.push_back(Batch::new(tp, base_offset, records));
                self.pump(ctx, fx);
            }
            FetchResult::Error(ErrorCode::OffsetOutOfRange) => {
                let to = match self.cfg.auto_offset_reset {
                    OffsetReset::Earliest => resp.log_start_offset,
                    OffsetReset::Latest => resp.high_watermark,
                };
                let from = c.reset_to(to);
                fx.record(RecordKind::OffsetReset { consumer: NodeId(ctx.me.0), tp, from, to });
                self.fetch(ctx, tp, fx);
            }
            FetchResult::Error(_) | FetchResult::Diverging { .. } => self.fetch_failed(ctx.now, tp, fx),
        }
    }

    /// Handles a message.
    pub fn on_message(&mut self, ctx: &mut Ctx, msg: Msg, fx: &mut Fx) {
        match msg {
            Msg::Client(ClientMsg::FetchResp(resp)) => self.on_fetch_resp(ctx, resp, fx),
            Msg::Client(ClientMsg::MetadataResp { req, leaders }) => {
                if !self.metadata.take(req) {
                    return;
                }
                self.metadata.update(ctx.now, leaders);
                self.check_metadata_change(ctx, fx);
                self.fetch_all(ctx, fx);
            }
            Msg::Client(ClientMsg::ProduceResp { req, result, .. }) => self.on_publish_result(ctx, req, result, fx),
            Msg::Group(m) => self.on_group(ctx, m, fx),
            Msg::Unreachable { req: Some(req) } => {
                if self.metadata.take(req) {
                    self.metadata.failed(ctx.now);
                    self.request_metadata(ctx.now, fx);
                } else if let Some(tp) = self.cursors.iter().find(|c| c.in_flight == Some(req)).map(|c| c.tp) {
                    self.fetch_failed(ctx.now, tp, fx);
                } else if self.publish.as_ref().is_some_and(|p| p.req == req) {
                    self.on_publish_result(ctx, req, Err(ErrorCode::NetworkException), fx);
                } else {
                    self.on_group_unreachable(ctx, req, fx);
                }
            }
            // Requests: not addressed to consumers.
            Msg::Unreachable { req: None }
            | Msg::Client(ClientMsg::MetadataReq { .. } | ClientMsg::Produce(_) | ClientMsg::Fetch(_)) => {}
            Msg::Zk(_) => {}
            Msg::Control(_) => {}
        }
    }

    /// Handles a timer.
    pub fn on_timer(&mut self, ctx: &mut Ctx, t: ConsumerTimer, fx: &mut Fx) {
        match t {
            ConsumerTimer::Fetch { tp } => self.fetch(ctx, tp, fx),
            ConsumerTimer::FetchTimeoutCheck => {
                self.timeout_armed = false;
                let timeout = self.cfg.request_timeout;
                let late: Vec<Tp> = self
                    .cursors
                    .iter()
                    .filter(|c| c.in_flight.is_some() && c.sent_at + timeout <= ctx.now)
                    .map(|c| c.tp)
                    .collect();
                for tp in late {
                    self.fetch_failed(ctx.now, tp, fx);
                }
                let oldest = self.cursors.iter().filter(|c| c.in_flight.is_some()).map(|c| c.sent_at).min();
                if let Some(oldest) = oldest {
                    self.timeout_armed = true;
                    fx.timer((oldest + timeout).since(ctx.now), KTimer::Consumer(ConsumerTimer::FetchTimeoutCheck));
                }
            }
            ConsumerTimer::MetadataTimeout { req } => {
                if self.metadata.take(req) {
                    self.metadata.failed(ctx.now);
                    self.request_metadata(ctx.now, fx);
                }
            }
            ConsumerTimer::MetadataRetry => {
                if self.metadata.take_wanted() {
                    self.request_metadata(ctx.now, fx);
                }
            }
            ConsumerTimer::Wake => {
                if self.wake_at.is_none_or(|w| w <= ctx.now) {
                    self.wake_at = None;
                }
                if ctx.now.0 >= self.cfg.start.0 && self.next_req == 0 {
                    self.begin(ctx, fx);
                }
                self.pump(ctx, fx);
            }
            ConsumerTimer::Retry => self.retry_in_place(ctx, fx),
            ConsumerTimer::ProcessDone => self.process_done(ctx, fx),
            ConsumerTimer::Group(t) => self.on_member_timer(ctx, t, fx),
            ConsumerTimer::Publish { req } => self.republish(ctx, req, fx),
        }
    }

    /// Arms a wake-up at `at` unless an earlier one is pending.
    pub(super) fn wake(&mut self, ctx: &Ctx, at: SimTime, fx: &mut Fx) {
        if self.wake_at.is_none_or(|w| at < w) {
            self.wake_at = Some(at);
            fx.timer(at.since(ctx.now), KTimer::Consumer(ConsumerTimer::Wake));
        }
    }

    /// Pauses or resumes the application (its heartbeats go on regardless).
    pub fn set_paused(&mut self, paused: bool, ctx: &mut Ctx, fx: &mut Fx) {
        self.paused = paused;
        if paused {
            if let Some(g) = &self.cfg.group
                && !self.poll_timer_armed
            {
                self.poll_timer_armed = true;
                let due = (self.last_poll + g.max_poll_interval).since(ctx.now);
                let t = crate::kafka::effects::MemberTimer::PollTimeout;
                fx.timer(due, KTimer::Consumer(ConsumerTimer::Group(t)));
            }
        } else if std::mem::take(&mut self.stalled) {
            self.process_done(ctx, fx);
        } else {
            self.pump(ctx, fx);
        }
    }

    pub(super) fn stall(&mut self) -> bool {
        if self.paused {
            self.stalled = true;
        }
        self.paused
    }

    /// Whether the application is inside poll() (nothing in hand).
    pub fn idle(&self) -> bool {
        !self.paused
            && self.processing.is_none()
            && self.current.as_ref().is_none_or(|b| b.is_empty())
            && self.publish.is_none()
    }

    /// Forgets partitions (revoked or lost): cursors, buffered batches.
    pub(super) fn drop_partitions(&mut self, tps: &[Tp]) {
        self.cursors.retain(|c| !tps.contains(&c.tp));
        self.buffer.retain(|b| !tps.contains(&b.tp));
        if self.current.as_ref().is_some_and(|b| tps.contains(&b.tp)) {
            self.current = None;
        }
    }
}
