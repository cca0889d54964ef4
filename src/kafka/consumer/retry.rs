//! Failure handling in the consumer (SEMANTICS §3): which records fail, blocking in-place
//! retries, non-blocking retry topics with growing delays, the dead-letter topic with
//! Spring-style origin headers, and the re-drive process that sends dead letters back.
//! Republishing is a small acks=all producer inside the consumer: the record counts as
//! handled only once the target partition acknowledged it (as Spring's recoverer waits).

use crate::kafka::consumer::config::{FailurePolicy, RedriveCfg};
use crate::kafka::consumer::kafka_consumer::Consumer;
use crate::kafka::consumer::republish::{Publish, PublishKind};
use crate::kafka::effects::ConsumerTimer;
use crate::kafka::effects::{Fx, KTimer, broker_node};
use crate::kafka::protocol::{Acks, ClientMsg, Msg, ProduceReq, ProducedRecord};
use crate::kafka::replication::log::{LogEntry, Meta};
use crate::sim::Ctx;
use crate::sim::{Dur, SimTime};
use crate::trace::{ErrorCode, FailKind, GroupEvent, RecordKind, TopicId, Tp};

fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl Consumer {
    /// Whether this attempt at `e` fails, and why. A poison record always fails (unless a
    /// re-drive fixed it); a transient failure is drawn per attempt.
    pub(super) fn fails(&self, ctx: &mut Ctx, e: &LogEntry) -> Option<FailKind> {
        let fixed = matches!(e.meta, Meta::Origin { fixed: true, .. });
        let f = &self.cfg.failures;
        let by_key = e.key.is_some_and(|k| f.poison_keys.contains(&k)) || f.poison_values.contains(&e.value);
        let by_value = f.poison_ppm > 0 && mix(e.value.0) % 1_000_000 < f.poison_ppm as u64;
        if !fixed && (e.poison || by_key || by_value) {
            return Some(FailKind::Poison);
        }
        (f.transient_ppm > 0 && ctx.rng.chance_ppm(f.transient_ppm)).then_some(FailKind::Transient)
    }

    /// Retry topics hold a record until its delay has passed since it was appended
    /// (simplified: Spring stores the due time in a header).
    pub(super) fn due_time(&self, tp: Tp, e: &LogEntry) -> SimTime {
        match &self.cfg.on_failure {
            FailurePolicy::RetryTopics { topics, .. } => match topics.iter().find(|(t, _)| *t == tp.topic) {
                Some((_, delay)) => e.append_time + *delay,
                None => SimTime::ZERO,
            },
            FailurePolicy::InPlace { .. } => SimTime::ZERO,
        }
    }

    /// Attempts already made on a record before this consumer read it.
    fn prior_attempts(&self, tp: Tp) -> u32 {
        match &self.cfg.on_failure {
            FailurePolicy::RetryTopics { topics, .. } => {
                topics.iter().position(|(t, _)| *t == tp.topic).map(|k| k as u32 + 1).unwrap_or(0)
            }
            FailurePolicy::InPlace { .. } => 0,
        }
    }

    /// An attempt failed: retry, republish, or skip, as the policy says.
    pub(super) fn on_failure(&mut self, ctx: &mut Ctx, kind: FailKind, fx: &mut Fx) {
        let p = self.processing.as_mut().expect("processing");
        p.attempts += 1;
        let p = *p;
        let attempt = self.prior_attempts(p.tp) + p.attempts;
        let me = self.me(ctx);
        fx.record(RecordKind::ProcessFail { consumer: me, tp: p.tp, offset: p.offset, value: p.entry.value, attempt });
        let origin = match p.entry.meta {
            Meta::Origin { tp, offset, .. } => (tp, offset),
            Meta::None | Meta::Commit { .. } | Meta::GroupMetadata { .. } => (p.tp, p.offset),
        };
        match self.cfg.on_failure.clone() {
            FailurePolicy::InPlace { max_attempts, backoff, dead_letter } => {
                if max_attempts.is_none_or(|m| attempt < m) {
                    fx.timer(backoff, KTimer::Consumer(ConsumerTimer::Retry));
                } else if let Some(dlt) = dead_letter {
                    self.publish(
                        ctx,
                        dlt,
                        origin,
                        attempt,
                        PublishKind::DeadLetter { attempts: attempt, reason: kind },
                        fx,
                    );
                } else {
                    fx.record(RecordKind::ProcessSkip {
                        consumer: me,
                        tp: p.tp,
                        offset: p.offset,
                        value: p.entry.value,
                        attempts: attempt,
                    });
                    self.finish_record(ctx, fx);
                }
            }
            FailurePolicy::RetryTopics { topics, dead_letter } => {
                let next = self.prior_attempts(p.tp) as usize;
                match topics.get(next) {
                    Some(&(t, _)) => self.publish(ctx, t, origin, attempt, PublishKind::Retry { attempt }, fx),
                    None => {
                        let k = PublishKind::DeadLetter { attempts: attempt, reason: kind };
                        self.publish(ctx, dead_letter, origin, attempt, k, fx)
                    }
                }
            }
        }
    }

    /// Blocking, in-place retry: the same record again; the partition waits.
    pub(super) fn retry_in_place(&mut self, ctx: &mut Ctx, fx: &mut Fx) {
        if let Some(p) = self.processing {
            fx.record(RecordKind::Deliver { consumer: self.me(ctx), tp: p.tp, offset: p.offset, value: p.entry.value });
            fx.timer(self.cfg.process_time, KTimer::Consumer(ConsumerTimer::ProcessDone));
        }
    }

    /// Publishes the record being processed to `topic` (same partition number, modulo the
    /// topic's size: Spring's default), tagged with its origin and attempts.
    fn publish(
        &mut self,
        ctx: &mut Ctx,
        topic: TopicId,
        origin: (Tp, u64),
        attempts: u32,
        kind: PublishKind,
        fx: &mut Fx,
    ) {
        let p = self.processing.expect("processing");
        let n = self.partitions_of(topic);
        let to = Tp { topic, partition: p.tp.partition % n.max(1) };
        let fixed = matches!(kind, PublishKind::Redrive { fixed: true });
        let meta = Meta::Origin { tp: origin.0, offset: origin.1, attempts, fixed };
        let record = ProducedRecord {
            value: p.entry.value,
            key: p.entry.key,
            poison: p.entry.poison,
            bytes: p.entry.bytes,
            meta,
        };
        self.publish = Some(Publish { req: 0, to, record, kind, from: (p.tp, p.offset) });
        self.republish(ctx, 0, fx);
    }

    /// Sends (again) the publish in flight; `req` 0 means "now", otherwise only if it is
    /// still the current attempt.
    pub(super) fn republish(&mut self, ctx: &mut Ctx, req: u64, fx: &mut Fx) {
        let Some(p) = &self.publish else { return };
        if req != 0 && p.req != req {
            return;
        }
        let to = p.to;
        let Some((leader, _)) = self.metadata.leader(to) else {
            self.publish_when_leader_known(ctx.now, fx);
            return;
        };
        self.next_req += 1;
        let r = self.next_req;
        let p = self.publish.as_mut().expect("present");
        p.req = r;
        let timeout = self.cfg.request_timeout;
        let req = ProduceReq {
            req: r,
            tp: to,
            acks: Acks::All,
            records: vec![p.record],
            idempotence: None,
            timeout_us: timeout.0,
        };
        fx.send(broker_node(leader), Msg::Client(ClientMsg::Produce(req)));
        fx.timer(Dur(timeout.0 + 100_000), KTimer::Consumer(ConsumerTimer::Publish { req: r }));
    }

    /// No leader to publish to: asks for metadata and tries again in 100 ms (a new attempt
    /// number, so an older attempt's timer is ignored).
    fn publish_when_leader_known(&mut self, now: SimTime, fx: &mut Fx) {
        self.request_metadata(now, fx);
        self.next_req += 1;
        let r = self.next_req;
        self.publish.as_mut().expect("present").req = r;
        fx.timer(Dur::ms(100), KTimer::Consumer(ConsumerTimer::Publish { req: r }));
    }

    /// The publish was answered.
    pub(super) fn on_publish_result(&mut self, ctx: &mut Ctx, req: u64, result: Result<u64, ErrorCode>, fx: &mut Fx) {
        let Some(p) = self.publish.clone().filter(|p| p.req == req) else { return };
        if result.is_err() {
            self.metadata.forget_leader(p.to);
            self.publish_when_leader_known(ctx.now, fx);
            return;
        }
        self.publish = None;
        let (consumer, value, (from, offset), to) = (self.me(ctx), p.record.value, p.from, p.to);
        let ev = match p.kind {
            PublishKind::Retry { attempt } => GroupEvent::RetryPublish { consumer, value, from, offset, to, attempt },
            PublishKind::DeadLetter { attempts, reason } => {
                GroupEvent::DeadLetter { consumer, value, from, offset, to, attempts, reason }
            }
            PublishKind::Redrive { fixed } => GroupEvent::Redrive { consumer, value, from, to, fixed },
        };
        fx.record(RecordKind::Group(ev));
        self.finish_record(ctx, fx);
    }

    /// The re-drive process: the dead letter goes back to its original partition.
    pub(super) fn redrive(&mut self, ctx: &mut Ctx, r: &RedriveCfg, origin: Tp, offset: u64, fx: &mut Fx) {
        let p = self.processing.expect("processing");
        let n = self.partitions_of(origin.topic);
        let to = Tp { topic: origin.topic, partition: origin.partition % n.max(1) };
        let meta = Meta::Origin { tp: origin, offset, attempts: 0, fixed: r.fix };
        let record = ProducedRecord {
            value: p.entry.value,
            key: p.entry.key,
            poison: p.entry.poison && !r.fix,
            bytes: p.entry.bytes,
            meta,
        };
        let kind = PublishKind::Redrive { fixed: r.fix };
        self.publish = Some(Publish { req: 0, to, record, kind, from: (p.tp, p.offset) });
        self.republish(ctx, 0, fx);
    }

    fn partitions_of(&self, topic: TopicId) -> u32 {
        self.cfg.topic_sizes.get(&topic).copied().unwrap_or(1)
    }
}
