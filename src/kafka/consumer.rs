//! A Kafka consumer with assigned partitions (no group yet: the assignment comes from the
//! scenario; the group protocol plugs in by changing `assignment`). It pulls: one fetch in
//! flight per partition, long-polled by the leader up to `fetch_max_wait`, records up to the
//! high watermark only; then it processes them one at a time, `process_time` each.
//! Without a group there are no committed offsets: a restarted consumer starts again
//! from `auto_offset_reset`.

use super::protocol::{FetchReq, FetchResult, Msg};
use super::{Ctx, Fx, KTimer, broker_node};
use crate::sim::Dur;
use crate::trace::{BrokerId, ErrorCode, MsgId, NodeRef, RecordKind, Tp};
use std::collections::VecDeque;
use std::sync::Arc;

/// Where a consumer without a position starts (auto.offset.reset).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum OffsetReset {
    /// The oldest retained record.
    #[default]
    Earliest,
    /// Only records produced from now on.
    Latest,
}

/// A consumer's resolved settings.
#[derive(Clone, Debug)]
pub struct ConsumerCfg {
    /// Partitions it reads.
    pub assignment: Vec<Tp>,
    /// Time to process one record.
    pub process_time: Dur,
    /// max.poll.records: most records per fetch.
    pub max_poll_records: u32,
    /// fetch.max.wait.ms.
    pub fetch_max_wait: Dur,
    /// request.timeout.ms.
    pub request_timeout: Dur,
    /// auto.offset.reset.
    pub auto_offset_reset: OffsetReset,
    /// When it starts.
    pub start: Dur,
    /// Attempts after the first failure before the record is skipped (None: forever).
    pub retries: Option<u32>,
    /// Wait between attempts.
    pub retry_backoff: Dur,
}

/// Consumer timers.
#[derive(Clone, Debug)]
pub enum ConsumerTimer {
    /// (Re)try fetching partition `i` of the assignment.
    Fetch { i: usize },
    /// Check for fetches unanswered past request.timeout.ms.
    FetchTimeoutCheck,
    /// The record being processed is done (or failed).
    ProcessDone,
    /// Try the failed record again.
    Retry,
    /// A metadata request got no answer.
    MetadataTimeout { req: u64 },
}

/// Per-partition consumption state.
#[derive(Clone, Debug)]
pub struct PartitionCursor {
    /// The partition.
    pub tp: Tp,
    /// Next offset to fetch (None until known).
    pub fetch_offset: Option<u64>,
    /// Next offset to process: everything below is processed.
    pub processed: u64,
    /// Leader and epoch as last learned.
    pub leader: Option<(BrokerId, u32)>,
    /// Fetch in flight.
    pub in_flight: Option<u64>,
    /// When it was sent.
    pub sent_at: crate::sim::SimTime,
    /// Records buffered, not yet processed.
    pub buffered: u32,
    /// HW seen in the last fetch response.
    pub hw_seen: u64,
}

/// A consumer node.
#[derive(Clone, Debug)]
pub struct Consumer {
    /// Settings.
    pub cfg: Arc<ConsumerCfg>,
    brokers: u32,
    /// Per assigned partition.
    pub cursors: Vec<PartitionCursor>,
    buffer: VecDeque<(usize, u64, MsgId, bool)>,
    /// The record being processed: (cursor index, offset, id, poison).
    pub processing: Option<(usize, u64, MsgId, bool)>,
    /// Failed attempts at the record being processed.
    pub attempts: u32,
    metadata_req: Option<u64>,
    bootstrap: u32,
    timeout_armed: bool,
    next_req: u64,
}

impl Consumer {
    /// A consumer, not yet started.
    pub fn new(cfg: Arc<ConsumerCfg>, brokers: u32) -> Consumer {
        let cursors = cfg
            .assignment
            .iter()
            .map(|&tp| PartitionCursor {
                tp,
                fetch_offset: None,
                processed: 0,
                leader: None,
                in_flight: None,
                sent_at: crate::sim::SimTime::ZERO,
                buffered: 0,
                hw_seen: 0,
            })
            .collect();
        Consumer {
            cfg,
            brokers,
            cursors,
            buffer: VecDeque::new(),
            processing: None,
            attempts: 0,
            metadata_req: None,
            bootstrap: 0,
            timeout_armed: false,
            next_req: 0,
        }
    }

    /// Starts, or restarts with no memory of its positions.
    pub fn start(&mut self, ctx: &mut Ctx, fx: &mut Fx) {
        *self = Consumer::new(self.cfg.clone(), self.brokers);
        self.request_metadata(fx);
        let first = Dur(self.cfg.start.0.saturating_sub(ctx.now.0));
        for i in 0..self.cursors.len() {
            fx.timer(first, KTimer::Consumer(ConsumerTimer::Fetch { i }));
        }
    }

    /// Lag of one partition: records up to the HW not yet processed.
    pub fn lag(&self, i: usize, hw: u64) -> u64 {
        hw.saturating_sub(self.cursors[i].processed)
    }

    fn request_metadata(&mut self, fx: &mut Fx) {
        if self.metadata_req.is_some() {
            return;
        }
        self.next_req += 1;
        self.metadata_req = Some(self.next_req);
        self.bootstrap = self.bootstrap % self.brokers + 1;
        fx.send(broker_node(BrokerId(self.bootstrap)), Msg::MetadataReq { req: self.next_req });
        fx.timer(Dur::secs(1), KTimer::Consumer(ConsumerTimer::MetadataTimeout { req: self.next_req }));
    }

    fn fetch(&mut self, ctx: &mut Ctx, i: usize, fx: &mut Fx) {
        if ctx.now.0 < self.cfg.start.0 {
            return;
        }
        let c = &self.cursors[i];
        if c.in_flight.is_some() || c.buffered > 0 {
            return;
        }
        let Some((leader, epoch)) = c.leader else {
            self.request_metadata(fx);
            return;
        };
        // Unknown position: ask from offset 0 (earliest) or past the end (latest); the
        // leader answers OffsetOutOfRange with its bounds and we reset (K Fetcher).
        let offset = c.fetch_offset.unwrap_or(match self.cfg.auto_offset_reset {
            OffsetReset::Earliest => 0,
            OffsetReset::Latest => u64::MAX,
        });
        self.next_req += 1;
        let req = FetchReq {
            req: self.next_req,
            replica: None,
            tp: c.tp,
            offset,
            last_fetched_epoch: None,
            leader_epoch: Some(epoch),
            max_records: self.cfg.max_poll_records,
            max_wait_us: self.cfg.fetch_max_wait.0,
        };
        self.cursors[i].in_flight = Some(self.next_req);
        self.cursors[i].sent_at = ctx.now;
        fx.send(broker_node(leader), Msg::Fetch(req));
        if !self.timeout_armed {
            self.timeout_armed = true;
            fx.timer(self.cfg.request_timeout, KTimer::Consumer(ConsumerTimer::FetchTimeoutCheck));
        }
    }

    fn fetch_failed(&mut self, i: usize, fx: &mut Fx) {
        self.cursors[i].in_flight = None;
        self.cursors[i].leader = None;
        self.request_metadata(fx);
        fx.timer(Dur::ms(100), KTimer::Consumer(ConsumerTimer::Fetch { i }));
    }

    fn process_next(&mut self, ctx: &mut Ctx, fx: &mut Fx) {
        if self.processing.is_some() {
            return;
        }
        let Some((i, offset, value, poison)) = self.buffer.pop_front() else {
            return;
        };
        let tp = self.cursors[i].tp;
        fx.record(RecordKind::Deliver { consumer: NodeRef(ctx.me.0), tp, offset, value });
        self.processing = Some((i, offset, value, poison));
        self.attempts = 0;
        fx.timer(self.cfg.process_time, KTimer::Consumer(ConsumerTimer::ProcessDone));
    }

    /// Handles a message.
    pub fn on_message(&mut self, ctx: &mut Ctx, msg: Msg, fx: &mut Fx) {
        match msg {
            Msg::FetchResp(resp) => {
                let Some(i) = self.cursors.iter().position(|c| c.in_flight == Some(resp.req)) else {
                    return;
                };
                self.cursors[i].in_flight = None;
                self.cursors[i].hw_seen = resp.high_watermark;
                match resp.result {
                    FetchResult::Records { base_offset, records } => {
                        let n = records.len() as u32;
                        if n > 0 {
                            fx.record(RecordKind::Fetch {
                                consumer: NodeRef(ctx.me.0),
                                tp: resp.tp,
                                offset: base_offset,
                                records: n,
                            });
                        }
                        let c = &mut self.cursors[i];
                        c.fetch_offset = Some(base_offset + n as u64);
                        c.buffered += n;
                        if c.processed < base_offset {
                            c.processed = base_offset;
                        }
                        for (k, e) in records.iter().enumerate() {
                            self.buffer.push_back((i, base_offset + k as u64, e.value, e.poison));
                        }
                        if n == 0 {
                            self.fetch(ctx, i, fx);
                        }
                        self.process_next(ctx, fx);
                    }
                    FetchResult::Error(ErrorCode::OffsetOutOfRange) => {
                        let c = &mut self.cursors[i];
                        let to = match self.cfg.auto_offset_reset {
                            OffsetReset::Earliest => resp.log_start_offset,
                            OffsetReset::Latest => resp.high_watermark,
                        };
                        let from = c.fetch_offset.unwrap_or(c.processed);
                        fx.record(RecordKind::OffsetReset { consumer: NodeRef(ctx.me.0), tp: resp.tp, from, to });
                        c.fetch_offset = Some(to);
                        c.processed = to;
                        self.fetch(ctx, i, fx);
                    }
                    FetchResult::Error(_) | FetchResult::Diverging { .. } => self.fetch_failed(i, fx),
                }
            }
            Msg::MetadataResp { req, leaders } => {
                if self.metadata_req != Some(req) {
                    return;
                }
                self.metadata_req = None;
                for (tp, leader, epoch) in leaders {
                    if let Some(i) = self.cursors.iter().position(|c| c.tp == tp) {
                        self.cursors[i].leader = leader.map(|l| (l, epoch));
                    }
                }
                for i in 0..self.cursors.len() {
                    self.fetch(ctx, i, fx);
                }
            }
            Msg::Unreachable { req: Some(req) } => {
                if self.metadata_req == Some(req) {
                    self.metadata_req = None;
                    self.request_metadata(fx);
                } else if let Some(i) = self.cursors.iter().position(|c| c.in_flight == Some(req)) {
                    self.fetch_failed(i, fx);
                }
            }
            // Not addressed to consumers.
            Msg::Unreachable { req: None }
            | Msg::MetadataReq { .. }
            | Msg::Produce(_)
            | Msg::ProduceResp { .. }
            | Msg::Fetch(_)
            | Msg::ZkHeartbeat { .. }
            | Msg::ZkClose { .. }
            | Msg::ZkTryController { .. }
            | Msg::ZkController { .. }
            | Msg::ZkBrokersChanged { .. }
            | Msg::ZkControllerGone
            | Msg::ZkWrite { .. }
            | Msg::ZkWriteResult { .. }
            | Msg::LeaderAndIsr { .. }
            | Msg::AlterPartition { .. }
            | Msg::AlterPartitionResp { .. } => {}
        }
    }

    /// Handles a timer.
    pub fn on_timer(&mut self, ctx: &mut Ctx, t: ConsumerTimer, fx: &mut Fx) {
        match t {
            ConsumerTimer::Fetch { i } => self.fetch(ctx, i, fx),
            ConsumerTimer::FetchTimeoutCheck => {
                self.timeout_armed = false;
                let timeout = self.cfg.request_timeout;
                for i in 0..self.cursors.len() {
                    if self.cursors[i].in_flight.is_some() && self.cursors[i].sent_at + timeout <= ctx.now {
                        self.fetch_failed(i, fx);
                    }
                }
                let oldest = self.cursors.iter().filter(|c| c.in_flight.is_some()).map(|c| c.sent_at).min();
                if let Some(oldest) = oldest {
                    self.timeout_armed = true;
                    fx.timer((oldest + timeout).since(ctx.now), KTimer::Consumer(ConsumerTimer::FetchTimeoutCheck));
                }
            }
            ConsumerTimer::MetadataTimeout { req } => {
                if self.metadata_req == Some(req) {
                    self.metadata_req = None;
                    self.request_metadata(fx);
                }
            }
            ConsumerTimer::Retry => {
                // Blocking, in-place retry: the same record again; the partition waits.
                if let Some((i, offset, value, _)) = self.processing {
                    let tp = self.cursors[i].tp;
                    fx.record(RecordKind::Deliver { consumer: NodeRef(ctx.me.0), tp, offset, value });
                    fx.timer(self.cfg.process_time, KTimer::Consumer(ConsumerTimer::ProcessDone));
                }
            }
            ConsumerTimer::ProcessDone => {
                let Some((i, offset, value, poison)) = self.processing else {
                    return;
                };
                let me = NodeRef(ctx.me.0);
                let tp = self.cursors[i].tp;
                if poison {
                    self.attempts += 1;
                    let attempt = self.attempts;
                    fx.record(RecordKind::ProcessFail { consumer: me, tp, offset, value, attempt });
                    if self.cfg.retries.is_none_or(|n| attempt <= n) {
                        fx.timer(self.cfg.retry_backoff, KTimer::Consumer(ConsumerTimer::Retry));
                        return;
                    }
                    // Out of retries: the recoverer logs the record and skips it.
                    fx.record(RecordKind::ProcessSkip { consumer: me, tp, offset, value, attempts: attempt });
                }
                self.processing = None;
                let c = &mut self.cursors[i];
                c.processed = offset + 1;
                c.buffered -= 1;
                if !poison {
                    fx.record(RecordKind::ProcessOk { consumer: me, tp, offset, value });
                }
                if c.buffered == 0 {
                    self.fetch(ctx, i, fx);
                }
                self.process_next(ctx, fx);
            }
        }
    }
}
