//! A Kafka producer (K KafkaProducer, RecordAccumulator, Sender): creates records at a
//! rate, picks partitions (explicit, murmur2 of the key, or the null-key partitioner),
//! batches them per partition, keeps at most `max_in_flight` requests per partition,
//! retries retriable errors with exponential backoff until `delivery_timeout`, and with
//! idempotence stamps batches with (producer id, sequence) so retries are not appended twice.

use crate::kafka::effects::ProducerTimer;
use crate::kafka::effects::{Fx, KTimer, broker_node};
use crate::kafka::producer::partitioner::{NullKeyPartitioner, NullKeyState, partition_for_hash};
use crate::kafka::protocol::{Acks, Msg, ProduceReq, ProducedRecord, ProducerIdSeq};
use crate::sim::Ctx;
use crate::sim::NodeId;
use crate::sim::{Dur, NodeRng, SimTime};
use crate::trace::{BrokerId, ErrorCode, KeyId, MsgId, PartitionReason, RecordKind, TopicId, Tp};
use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

/// How keys are chosen.
#[derive(Clone, Debug)]
pub enum Keys {
    /// No key.
    None,
    /// Uniformly at random from a list.
    Random(Vec<KeyId>),
    /// Cycling through a list in order (also "N distinct keys", e.g. car ids).
    Cycle(Vec<KeyId>),
}

/// A producer's resolved settings (names as in ProducerConfig, units last).
#[derive(Clone, Debug)]
pub struct ProducerCfg {
    /// Producer number (message ids carry it).
    pub number: u32,
    /// Target topic.
    pub topic: TopicId,
    /// Its partition count at the start.
    pub partitions: u32,
    /// metadata.max.age.ms: how often metadata is refreshed even without errors.
    pub metadata_max_age: Dur,
    /// Mean time between records.
    pub interval: Dur,
    /// Poisson arrivals instead of a constant rate.
    pub poisson: bool,
    /// Key choice.
    pub keys: Keys,
    /// Explicit partition for every record.
    pub partition: Option<u32>,
    /// Null-key partitioner.
    pub null_key: NullKeyPartitioner,
    /// acks.
    pub acks: Acks,
    /// retries.
    pub retries: u32,
    /// retry.backoff.ms and retry.backoff.max.ms.
    pub retry_backoff: Dur,
    /// Cap of the exponential backoff.
    pub retry_backoff_max: Dur,
    /// request.timeout.ms.
    pub request_timeout: Dur,
    /// delivery.timeout.ms.
    pub delivery_timeout: Dur,
    /// enable.idempotence.
    pub idempotent: bool,
    /// max.in.flight.requests.per.connection (per partition here).
    pub max_in_flight: u32,
    /// linger.ms.
    pub linger: Dur,
    /// Records per batch at most.
    pub batch_records: u32,
    /// Bytes per record (the sticky partitioner switches after batch.size bytes).
    pub record_bytes: u32,
    /// batch.size.
    pub batch_bytes: u32,
    /// When it starts producing.
    pub start: Dur,
    /// When it stops producing.
    pub stop: Option<Dur>,
    /// How many records at most.
    pub max_messages: Option<u64>,
}

#[derive(Clone, Debug)]
struct Batch {
    records: Vec<ProducedRecord>,
    created: SimTime,
    attempts: u32,
    base_seq: Option<u32>,
    epoch: u16,
    sealed: bool,
}

#[derive(Clone, Debug)]
struct InFlight {
    p: u32,
    sent_at: SimTime,
    batch: Batch,
}

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
    /// Leader of each partition as last learned.
    pub leaders: Vec<Option<BrokerId>>,
    metadata_req: Option<u64>,
    bootstrap: u32,
    queues: Vec<VecDeque<Batch>>,
    in_flight: BTreeMap<u64, InFlight>,
    in_flight_count: Vec<u32>,
    backoff_until: Vec<SimTime>,
    idem_next: Vec<u32>,
    epoch: u16,
    /// The next this-many records are poison pills (an input from the app or scenario).
    pub poison_next: u32,
    timeout_armed: bool,
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
            leaders: vec![None; n],
            metadata_req: None,
            bootstrap: 0,
            queues: vec![VecDeque::new(); n],
            in_flight: BTreeMap::new(),
            in_flight_count: vec![0; n],
            backoff_until: vec![SimTime::ZERO; n],
            idem_next: vec![0; n],
            epoch: 0,
            poison_next: 0,
            timeout_armed: false,
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
        self.queues.resize(n, VecDeque::new());
        self.in_flight_count.resize(n, 0);
        self.backoff_until.resize(n, SimTime::ZERO);
        self.idem_next.resize(n, 0);
        self.partitions = n as u32;
    }

    /// Records waiting in the accumulator or in flight (for views).
    pub fn pending(&self) -> usize {
        self.queues.iter().flatten().map(|b| b.records.len()).sum::<usize>()
            + self.in_flight.values().map(|f| f.batch.records.len()).sum::<usize>()
    }

    /// Starts (or restarts, with an empty accumulator) the producer.
    pub fn start(&mut self, ctx: &mut Ctx, fx: &mut Fx) {
        let fresh = Producer::new(self.cfg.clone(), self.key_hashes.clone(), self.brokers);
        let created = self.created;
        // A restarted producer gets a new epoch (as InitProducerId would give it), so the
        // brokers do not mistake its first batches for retries of the old process's.
        let epoch = self.epoch.wrapping_add(1);
        *self = Producer { created, key_cursor: self.key_cursor, epoch, ..fresh };
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
        fx.send(broker_node(BrokerId(self.bootstrap)), Msg::MetadataReq { req });
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
        let available: Vec<u32> = (0..self.partitions).filter(|&p| self.leaders[p as usize].is_some()).collect();
        let p = self.null_key.next(
            c.null_key,
            &available,
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
        let q = &mut self.queues[p as usize];
        let poison = self.poison_next > 0;
        self.poison_next = self.poison_next.saturating_sub(1);
        let rec = ProducedRecord { value, key, poison, meta: crate::kafka::replication::log::Meta::None };
        match q.back_mut() {
            Some(b) if !b.sealed && b.records.len() < c.batch_records as usize => b.records.push(rec),
            _ => {
                q.push_back(Batch {
                    records: vec![rec],
                    created: ctx.now,
                    attempts: 0,
                    base_seq: None,
                    epoch: 0,
                    sealed: false,
                });
                if c.linger > Dur::ZERO {
                    fx.timer(c.linger, KTimer::Producer(ProducerTimer::Drain { p }));
                }
            }
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
        while self.in_flight_count[pi] < c.max_in_flight
            && ctx.now >= self.backoff_until[pi]
            && !self.queues[pi].is_empty()
        {
            let Some(leader) = self.leaders[pi] else {
                self.request_metadata(fx);
                return;
            };
            let ready =
                self.queues[pi].front().is_some_and(|b| b.sealed || b.attempts > 0 || ctx.now >= b.created + c.linger);
            if !ready {
                return;
            }
            let mut batch = self.queues[pi].pop_front().expect("non-empty");
            batch.sealed = true;
            if c.idempotent && (batch.base_seq.is_none() || batch.epoch != self.epoch) {
                batch.epoch = self.epoch;
                batch.base_seq = Some(self.idem_next[pi]);
                self.idem_next[pi] = self.idem_next[pi].wrapping_add(batch.records.len() as u32);
            }
            self.next_req += 1;
            let req = self.next_req;
            let idempotence = batch.base_seq.map(|s| ProducerIdSeq {
                producer_id: c.number,
                producer_epoch: batch.epoch,
                base_seq: s,
            });
            let tp = Tp { topic: c.topic, partition: p };
            let msg = ProduceReq {
                req,
                tp,
                acks: c.acks,
                records: batch.records.clone(),
                idempotence,
                timeout_us: c.request_timeout.0,
            };
            fx.send(broker_node(leader), Msg::Produce(msg));
            if c.acks != Acks::Zero {
                self.in_flight.insert(req, InFlight { p, sent_at: ctx.now, batch });
                self.in_flight_count[pi] += 1;
                if !self.timeout_armed {
                    self.timeout_armed = true;
                    fx.timer(c.request_timeout, KTimer::Producer(ProducerTimer::TimeoutCheck));
                }
            }
        }
    }

    fn fail(&mut self, ctx: &mut Ctx, f: InFlight, e: ErrorCode, fx: &mut Fx) {
        let c = self.cfg.clone();
        let pi = f.p as usize;
        self.in_flight_count[pi] -= 1;
        if matches!(e, ErrorCode::NotLeaderOrFollower | ErrorCode::LeaderNotAvailable | ErrorCode::FencedLeaderEpoch) {
            self.leaders[pi] = None;
            self.request_metadata(fx);
        }
        let mut b = f.batch;
        let tp = Tp { topic: c.topic, partition: f.p };
        let retriable = e.retriable();
        if e == ErrorCode::OutOfOrderSequence && self.is_oldest(f.p, &b) {
            // A real gap: the broker lost records it had acknowledged (truncation). The
            // idempotent producer retries every OUT_OF_ORDER_SEQUENCE (K TransactionManager
            // canRetry), bumping the epoch first (KIP-360): sequences restart at 0.
            self.epoch = self.epoch.wrapping_add(1);
            self.idem_next.iter_mut().for_each(|s| *s = 0);
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
        let shift = (b.attempts - 1).min(20);
        let base = c.retry_backoff.0.saturating_mul(1 << shift).min(c.retry_backoff_max.0);
        let jittered = base * (800 + ctx.rng.below(401)) / 1000; // ±20 %
        self.backoff_until[pi] = ctx.now + Dur(jittered);
        // Retried batches go back in sequence order, ahead of newer ones.
        let key = |b: &Batch| (b.base_seq.map(|s| s as u64).unwrap_or(u64::MAX), b.records[0].value);
        let q = &mut self.queues[pi];
        let at = q.iter().position(|x| !x.sealed && x.attempts == 0 || key(x) > key(&b)).unwrap_or(q.len());
        q.insert(at, b);
        fx.timer(Dur(jittered), KTimer::Producer(ProducerTimer::Drain { p: f.p }));
    }

    /// True when no earlier batch of `p` is queued or in flight (its error is not caused
    /// by a predecessor's failure).
    fn is_oldest(&self, p: u32, b: &Batch) -> bool {
        let earlier = |x: &Batch| x.epoch == b.epoch && x.base_seq.zip(b.base_seq).is_some_and(|(xs, bs)| xs < bs);
        !self.queues[p as usize].iter().any(earlier) && !self.in_flight.values().any(|f| f.p == p && earlier(&f.batch))
    }

    /// Handles a message.
    pub fn on_message(&mut self, ctx: &mut Ctx, msg: Msg, fx: &mut Fx) {
        match msg {
            Msg::ProduceResp { req, tp, result } => {
                let Some(f) = self.in_flight.remove(&req) else {
                    return;
                };
                match result {
                    Ok(base) => {
                        self.in_flight_count[f.p as usize] -= 1;
                        for (i, r) in f.batch.records.iter().enumerate() {
                            fx.record(RecordKind::Ack {
                                producer: self.me(ctx),
                                value: r.value,
                                tp,
                                offset: base + i as u64,
                            });
                        }
                    }
                    Err(e) => self.fail(ctx, f, e, fx),
                }
                self.drain(ctx, tp.partition, fx);
            }
            Msg::MetadataResp { req, leaders } => {
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
                } else if let Some(f) = self.in_flight.remove(&req) {
                    self.fail(ctx, f, ErrorCode::NotLeaderOrFollower, fx);
                }
            }
            // Not addressed to producers.
            Msg::Unreachable { req: None }
            | Msg::MetadataReq { .. }
            | Msg::Produce(_)
            | Msg::Fetch(_)
            | Msg::FetchResp(_)
            | Msg::ZkHeartbeat { .. }
            | Msg::ZkClose { .. }
            | Msg::ZkTryController { .. }
            | Msg::ZkController { .. }
            | Msg::ZkBrokersChanged { .. }
            | Msg::ZkControllerGone
            | Msg::ZkPartitionsAdded { .. }
            | Msg::ZkWrite { .. }
            | Msg::ZkWriteResult { .. }
            | Msg::LeaderAndIsr { .. }
            | Msg::AlterPartition { .. }
            | Msg::AlterPartitionResp { .. }
            | Msg::Group(_) => {}
        }
    }

    /// Handles a timer.
    pub fn on_timer(&mut self, ctx: &mut Ctx, t: ProducerTimer, fx: &mut Fx) {
        match t {
            ProducerTimer::Tick => self.tick(ctx, fx),
            ProducerTimer::Drain { p } => self.drain(ctx, p, fx),
            ProducerTimer::TimeoutCheck => {
                self.timeout_armed = false;
                let timeout = self.cfg.request_timeout;
                let expired: Vec<u64> =
                    self.in_flight.iter().filter(|(_, f)| f.sent_at + timeout <= ctx.now).map(|(r, _)| *r).collect();
                for req in expired {
                    let f = self.in_flight.remove(&req).expect("listed");
                    let p = f.p;
                    self.fail(ctx, f, ErrorCode::RequestTimedOut, fx);
                    self.drain(ctx, p, fx);
                }
                // Re-arm for the oldest request still waiting (one timer, not one per request).
                if let Some(oldest) = self.in_flight.values().map(|f| f.sent_at).min()
                    && !self.timeout_armed
                {
                    self.timeout_armed = true;
                    fx.timer((oldest + timeout).since(ctx.now), KTimer::Producer(ProducerTimer::TimeoutCheck));
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
            let q = &mut self.queues[p as usize];
            while q.front().is_some_and(|b| ctx.now.since(b.created) >= c.delivery_timeout) {
                let b = q.pop_front().expect("checked");
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
