//! A Kafka producer (K KafkaProducer): creates records at a rate, picks partitions
//! (explicit, murmur2 of the key, or the null-key partitioner), appends them to the
//! `accumulator`, and sends ready batches to partition leaders through its `sender` state;
//! retriable errors are retried until `delivery_timeout`, and with idempotence
//! (`idempotence`) batches carry (producer id, epoch, sequence) so retries are not appended twice.

use crate::kafka::buffers;
use crate::kafka::effects::ProducerTimer;
use crate::kafka::effects::{Fx, KTimer, broker_node};
use crate::kafka::producer::accumulator::{ProducerBatch, RecordAccumulator};
use crate::kafka::producer::config::{Keys, ProducerCfg};
use crate::kafka::producer::idempotence::TransactionManager;
use crate::kafka::producer::partitioner::{NullKeyPartitioner, NullKeyState, partition_for_hash};
use crate::kafka::producer::sender::{InFlight, InFlightRequests, retry_backoff};
use crate::kafka::protocol::{Acks, ClientMsg, Msg, ProduceReq, ProducedRecord, ProducerIdSeq};
use crate::kafka::replication::log::Meta;
use crate::sim::Ctx;
use crate::sim::NodeId;
use crate::sim::{Dur, NodeRng, SimTime};
use crate::trace::{BrokerId, ErrorCode, KeyId, MsgId, PartitionReason, RecordKind, Tp};
use std::sync::Arc;

/// A producer node.
#[derive(Clone, Debug)]
pub struct Producer {
    /// Settings.
    pub cfg: Arc<ProducerCfg>,
    /// murmur2 of every key in the simulation's key table, computed once: a 1 MB fixed key
    /// is hashed at build time, not for every record.
    key_hashes: Arc<Vec<i32>>,
    brokers: u32,
    created: u32,
    key_cursor: usize,
    null_key: NullKeyState,
    /// Partitions with a known leader, refilled for each record without a key (kept to
    /// reuse its buffer: no allocation per record).
    available: Vec<u32>,
    /// Leader of each partition as last learned.
    pub leaders: Vec<Option<BrokerId>>,
    metadata_req: Option<u64>,
    bootstrap: u32,
    accumulator: RecordAccumulator,
    in_flight: InFlightRequests,
    txn: TransactionManager,
    /// The next this-many records are poison pills (an input from the app or scenario).
    pub poison_next: u32,
    next_req: u64,
    /// Partitions of its topic as metadata last said (grows when partitions are added).
    pub partitions: u32,
    next_metadata_refresh: SimTime,
}

impl Producer {
    /// A producer; `key_hashes` holds murmur2 of each key of the simulation's key table.
    pub fn new(cfg: Arc<ProducerCfg>, key_hashes: Arc<Vec<i32>>, brokers: u32) -> Producer {
        let n = cfg.partitions as usize;
        Producer {
            cfg,
            key_hashes,
            brokers,
            created: 0,
            key_cursor: 0,
            null_key: NullKeyState::default(),
            available: Vec::with_capacity(n),
            leaders: vec![None; n],
            metadata_req: None,
            bootstrap: 0,
            accumulator: RecordAccumulator::new(n),
            in_flight: InFlightRequests::new(n),
            txn: TransactionManager::new(n),
            poison_next: 0,
            next_req: 0,
            partitions: n as u32,
            next_metadata_refresh: SimTime::ZERO,
        }
    }

    /// Metadata showed more partitions (they were added): grow the per-partition state.
    fn grow_to(&mut self, n: u32) {
        if n <= self.partitions {
            return;
        }
        let n = n as usize;
        self.leaders.resize(n, None);
        self.accumulator.grow(n);
        self.in_flight.grow(n);
        self.txn.grow(n);
        self.partitions = n as u32;
    }

    /// Records waiting in the accumulator or in flight (for views).
    pub fn pending(&self) -> usize {
        self.accumulator.pending() + self.in_flight.pending()
    }

    /// Starts (or restarts, with an empty accumulator) the producer.
    pub fn start(&mut self, ctx: &mut Ctx, fx: &mut Fx) {
        let mut fresh = Producer::new(self.cfg.clone(), self.key_hashes.clone(), self.brokers);
        fresh.txn.follow(&self.txn);
        *self = Producer { created: self.created, key_cursor: self.key_cursor, ..fresh };
        self.request_metadata(fx);
        let first = self.cfg.start.0.saturating_sub(ctx.now.0);
        fx.timer(Dur(first), KTimer::Producer(ProducerTimer::Tick));
        fx.timer(Dur::ms(100), KTimer::Producer(ProducerTimer::Housekeeping));
    }

    fn me(&self, ctx: &Ctx) -> NodeId {
        NodeId(ctx.me.0)
    }

    fn request_metadata(&mut self, fx: &mut Fx) {
        if self.metadata_req.is_some() {
            return;
        }
        self.next_req += 1;
        let req = self.next_req;
        self.metadata_req = Some(req);
        self.bootstrap = self.bootstrap % self.brokers + 1;
        fx.send(broker_node(BrokerId(self.bootstrap)), Msg::Client(ClientMsg::MetadataReq { req }));
        fx.timer(Dur::secs(1), KTimer::Producer(ProducerTimer::MetadataTimeout { req }));
    }

    fn choose_key(&mut self, rng: &mut NodeRng) -> Option<KeyId> {
        match &self.cfg.keys {
            Keys::None => None,
            Keys::Random(list) => Some(list[rng.below(list.len() as u64) as usize]),
            Keys::Cycle(list) => {
                let k = list[self.key_cursor % list.len()];
                self.key_cursor += 1;
                Some(k)
            }
        }
    }

    fn choose_partition(&mut self, key: Option<KeyId>, rng: &mut NodeRng) -> (u32, PartitionReason) {
        let c = self.cfg.clone();
        if let Some(p) = c.partition {
            return (p, PartitionReason::Explicit);
        }
        if let Some(k) = key {
            return (partition_for_hash(self.key_hashes[k.0 as usize], self.partitions), PartitionReason::KeyHash);
        }
        self.available.clear();
        let leaders = &self.leaders;
        self.available.extend((0..self.partitions).filter(|&p| leaders[p as usize].is_some()));
        let p = self.null_key.next(
            c.null_key,
            &self.available,
            self.partitions,
            c.record_bytes as u64,
            c.batch_bytes as u64,
            rng,
        );
        let reason = match c.null_key {
            NullKeyPartitioner::Sticky => PartitionReason::Sticky,
            NullKeyPartitioner::RoundRobin => PartitionReason::RoundRobin,
        };
        (p, reason)
    }

    fn tick(&mut self, ctx: &mut Ctx, fx: &mut Fx) {
        let c = self.cfg.clone();
        let stopped =
            c.stop.is_some_and(|s| ctx.now.0 >= s.0) || c.max_messages.is_some_and(|m| self.created as u64 >= m);
        if stopped {
            return;
        }
        let key = self.choose_key(ctx.rng);
        let (p, reason) = self.choose_partition(key, ctx.rng);
        let value = MsgId::new(c.number, self.created);
        self.created += 1;
        let tp = Tp { topic: c.topic, partition: p };
        fx.record(RecordKind::Produce { producer: self.me(ctx), value, key, tp, reason });
        let poison = self.poison_next > 0;
        self.poison_next = self.poison_next.saturating_sub(1);
        let rec = ProducedRecord { value, key, poison, bytes: c.record_bytes, meta: Meta::None };
        if self.accumulator.append(p, rec, ctx.now, c.batch_records) && c.linger > Dur::ZERO {
            fx.timer(c.linger, KTimer::Producer(ProducerTimer::Drain { p }));
        }
        if c.linger == Dur::ZERO {
            self.drain(ctx, p, fx);
        }
        let next = if c.poisson { Dur(ctx.rng.exponential(c.interval.0).max(1)) } else { c.interval };
        fx.timer(next, KTimer::Producer(ProducerTimer::Tick));
    }

    fn drain(&mut self, ctx: &mut Ctx, p: u32, fx: &mut Fx) {
        let c = self.cfg.clone();
        let pi = p as usize;
        while self.in_flight.can_send(pi, ctx.now, c.max_in_flight) && self.accumulator.has_batches(pi) {
            let Some(leader) = self.leaders[pi] else {
                self.request_metadata(fx);
                return;
            };
            let Some(mut batch) = self.accumulator.pop_ready(pi, ctx.now, c.linger) else {
                return;
            };
            if c.idempotent {
                self.txn.stamp(pi, &mut batch);
            }
            self.next_req += 1;
            let req = self.next_req;
            let idempotence = batch.base_seq.map(|s| ProducerIdSeq {
                producer_id: c.number,
                producer_epoch: batch.epoch,
                base_seq: s,
            });
            let tp = Tp { topic: c.topic, partition: p };
            let mut records = buffers::take();
            records.extend_from_slice(&batch.records);
            let msg = ProduceReq { req, tp, acks: c.acks, records, idempotence, timeout_us: c.request_timeout.0 };
            fx.send(broker_node(leader), Msg::Client(ClientMsg::Produce(msg)));
            if c.acks != Acks::Zero && self.in_flight.add(req, InFlight { p, sent_at: ctx.now, batch }) {
                fx.timer(c.request_timeout, KTimer::Producer(ProducerTimer::TimeoutCheck));
            }
        }
    }

    fn fail(&mut self, ctx: &mut Ctx, f: InFlight, e: ErrorCode, fx: &mut Fx) {
        let c = self.cfg.clone();
        let pi = f.p as usize;
        if e.invalidates_metadata() {
            self.leaders[pi] = None;
            self.request_metadata(fx);
        }
        let mut b = f.batch;
        let tp = Tp { topic: c.topic, partition: f.p };
        let retriable = e.retriable();
        if e == ErrorCode::OutOfOrderSequence && self.is_oldest(f.p, &b) {
            // A real gap: the broker lost records it had acknowledged (truncation).
            self.txn.bump_epoch();
        }
        let retry = retriable && b.attempts < c.retries && ctx.now.since(b.created) < c.delivery_timeout;
        for r in &b.records {
            fx.record(RecordKind::ProduceError {
                producer: self.me(ctx),
                value: r.value,
                tp,
                error: e,
                retrying: retry,
            });
        }
        if !retry {
            return;
        }
        b.attempts += 1;
        let backoff = retry_backoff(b.attempts, c.retry_backoff, c.retry_backoff_max, ctx.rng);
        self.in_flight.back_off(pi, ctx.now + backoff);
        self.accumulator.reenqueue(pi, b);
        fx.timer(backoff, KTimer::Producer(ProducerTimer::Drain { p: f.p }));
    }

    /// True when no earlier batch of `p` is queued or in flight (its error is not caused
    /// by a predecessor's failure).
    fn is_oldest(&self, p: u32, b: &ProducerBatch) -> bool {
        !self.accumulator.holds_earlier(p as usize, b) && !self.in_flight.holds_earlier(p, b)
    }

    /// Handles a message.
    pub fn on_message(&mut self, ctx: &mut Ctx, msg: Msg, fx: &mut Fx) {
        match msg {
            Msg::Client(ClientMsg::ProduceResp { req, tp, result }) => {
                let Some(f) = self.in_flight.complete(req) else {
                    return;
                };
                match result {
                    Ok(base) => {
                        for (i, r) in f.batch.records.iter().enumerate() {
                            fx.record(RecordKind::Ack {
                                producer: self.me(ctx),
                                value: r.value,
                                tp,
                                offset: base + i as u64,
                            });
                        }
                        buffers::give(f.batch.records);
                    }
                    Err(e) => self.fail(ctx, f, e, fx),
                }
                self.drain(ctx, tp.partition, fx);
            }
            Msg::Client(ClientMsg::MetadataResp { req, leaders }) => {
                if self.metadata_req != Some(req) {
                    return;
                }
                self.metadata_req = None;
                let seen = leaders.iter().filter(|l| l.0.topic == self.cfg.topic).map(|l| l.0.partition + 1).max();
                self.grow_to(seen.unwrap_or(0));
                for (tp, leader, _) in leaders {
                    if tp.topic == self.cfg.topic && (tp.partition as usize) < self.leaders.len() {
                        self.leaders[tp.partition as usize] = leader;
                    }
                }
                for p in 0..self.partitions {
                    self.drain(ctx, p, fx);
                }
            }
            Msg::Unreachable { req: Some(req) } => {
                if self.metadata_req == Some(req) {
                    self.metadata_req = None;
                    self.request_metadata(fx);
                } else if let Some(f) = self.in_flight.complete(req) {
                    self.fail(ctx, f, ErrorCode::NetworkException, fx);
                }
            }
            // Requests and fetches: not addressed to producers.
            Msg::Unreachable { req: None }
            | Msg::Client(
                ClientMsg::MetadataReq { .. } | ClientMsg::Produce(_) | ClientMsg::Fetch(_) | ClientMsg::FetchResp(_),
            ) => {}
            Msg::Zk(_) => {}
            Msg::Control(_) => {}
            Msg::Group(_) => {}
        }
    }

    /// Handles a timer.
    pub fn on_timer(&mut self, ctx: &mut Ctx, t: ProducerTimer, fx: &mut Fx) {
        match t {
            ProducerTimer::Tick => self.tick(ctx, fx),
            ProducerTimer::Drain { p } => self.drain(ctx, p, fx),
            ProducerTimer::TimeoutCheck => {
                let timeout = self.cfg.request_timeout;
                for req in self.in_flight.expired(ctx.now, timeout) {
                    let f = self.in_flight.complete(req).expect("listed");
                    let p = f.p;
                    self.fail(ctx, f, ErrorCode::RequestTimedOut, fx);
                    self.drain(ctx, p, fx);
                }
                if let Some(due) = self.in_flight.rearm(ctx.now, timeout) {
                    fx.timer(due, KTimer::Producer(ProducerTimer::TimeoutCheck));
                }
            }
            ProducerTimer::MetadataTimeout { req } => {
                if self.metadata_req == Some(req) {
                    self.metadata_req = None;
                    self.request_metadata(fx);
                }
            }
            ProducerTimer::Housekeeping => self.housekeeping(ctx, fx),
        }
    }

    fn housekeeping(&mut self, ctx: &mut Ctx, fx: &mut Fx) {
        let c = self.cfg.clone();
        let me = self.me(ctx);
        // metadata.max.age.ms: refresh now and then, so added partitions are found.
        if ctx.now >= self.next_metadata_refresh {
            if self.next_metadata_refresh > SimTime::ZERO {
                self.request_metadata(fx);
            }
            self.next_metadata_refresh = ctx.now + c.metadata_max_age;
        }
        for p in 0..self.partitions {
            while let Some(b) = self.accumulator.pop_expired(p as usize, ctx.now, c.delivery_timeout) {
                let tp = Tp { topic: c.topic, partition: p };
                for r in &b.records {
                    fx.record(RecordKind::ProduceError {
                        producer: me,
                        value: r.value,
                        tp,
                        error: ErrorCode::DeliveryTimeout,
                        retrying: false,
                    });
                }
            }
            self.drain(ctx, p, fx);
        }
        fx.timer(Dur::ms(100), KTimer::Producer(ProducerTimer::Housekeeping));
    }
}
