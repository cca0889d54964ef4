//! The consumer application's loop: take the next poll batch, process its records one by
//! one, and between batches "poll" — commit (auto, sync, async), join a pending
//! rebalance, and restart the max.poll.interval.ms clock, as the Java client does inside
//! `poll()`.

use crate::kafka::consumer::config::CommitMode;
use crate::kafka::consumer::kafka_consumer::{Consumer, Processing};
use crate::kafka::effects::ConsumerTimer;
use crate::kafka::effects::MemberTimer;
use crate::kafka::effects::{Fx, KTimer};
use crate::kafka::replication::log::Meta;
use crate::sim::Ctx;
use crate::sim::SimTime;
use crate::trace::{GroupEvent, RecordKind};

impl Consumer {
    /// Moves the application forward as far as it can right now.
    pub(super) fn pump(&mut self, ctx: &mut Ctx, fx: &mut Fx) {
        if self.processing.is_some() || self.publish.is_some() || self.blocked_on_commit() || self.paused {
            return;
        }
        if self.current.as_ref().is_none_or(|b| b.is_empty()) {
            if let Some(done) = self.current.take() {
                done.recycle();
            }
            if self.poll_moment(ctx, fx) {
                return;
            }
            let Some(i) = self.next_due_batch(ctx, fx) else { return };
            let batch = self.buffer.remove(i).expect("index from the buffer");
            self.last_poll = ctx.now;
            if let Some(g) = &self.cfg.group {
                // One poll-deadline timer at a time, re-armed when it fires early (a timer
                // per batch would pile up max.poll.interval's worth of them).
                if !self.poll_timer_armed {
                    self.poll_timer_armed = true;
                    let t = MemberTimer::PollTimeout;
                    fx.timer(g.max_poll_interval, KTimer::Consumer(ConsumerTimer::Group(t)));
                }
                if g.commit == CommitMode::BeforeProcess {
                    let end = batch.end_offset();
                    self.current = Some(batch.clone());
                    self.commit(ctx, vec![(batch.tp, end)], true, fx);
                    return;
                }
            }
            self.current = Some(batch);
        }
        self.start_next_record(ctx, fx);
    }

    fn start_next_record(&mut self, ctx: &mut Ctx, fx: &mut Fx) {
        let Some(b) = self.current.as_mut() else { return };
        let Some((offset, entry)) = b.pop_front() else { return };
        let tp = b.tp;
        fx.record(RecordKind::Deliver { consumer: self.me(ctx), tp, offset, value: entry.value });
        self.processing = Some(Processing { tp, offset, entry, attempts: 0 });
        fx.timer(self.cfg.process_time, KTimer::Consumer(ConsumerTimer::ProcessDone));
    }

    /// The first buffered batch whose head record is due (records in retry topics wait for
    /// their delay, and only their partition waits: K pause/resume); else a wake-up.
    fn next_due_batch(&mut self, ctx: &mut Ctx, fx: &mut Fx) -> Option<usize> {
        let mut earliest: Option<SimTime> = None;
        for (i, b) in self.buffer.iter().enumerate() {
            let due = b.front().map(|e| self.due_time(b.tp, e)).unwrap_or(ctx.now);
            if due <= ctx.now {
                return Some(i);
            }
            earliest = Some(earliest.map_or(due, |e: SimTime| e.min(due)));
        }
        if let Some(at) = earliest {
            self.wake(ctx, at, fx);
        }
        None
    }

    /// Between batches: commits and rebalances. True when the loop must wait (a commitSync
    /// in flight, or no assignment while rejoining).
    fn poll_moment(&mut self, ctx: &mut Ctx, fx: &mut Fx) -> bool {
        // Only the commit mode: cloning the group's config would copy its topic names.
        let Some(commit) = self.cfg.group.as_ref().map(|g| g.commit) else { return false };
        let Some(m) = &self.membership else { return false };
        if m.rejoin_needed {
            self.rejoin(ctx, fx);
            return self.blocked_on_commit();
        }
        let due = match commit {
            CommitMode::Auto { interval } => {
                let due = ctx.now >= self.next_auto_commit;
                if due {
                    self.next_auto_commit = ctx.now + interval;
                }
                due
            }
            CommitMode::Sync | CommitMode::Async => true,
            CommitMode::BeforeProcess => false,
        };
        if due {
            let offsets = self.uncommitted();
            if !offsets.is_empty() {
                self.commit(ctx, offsets, commit == CommitMode::Sync, fx);
            }
        }
        self.blocked_on_commit()
    }

    /// The record being processed is done, or failed.
    pub(super) fn process_done(&mut self, ctx: &mut Ctx, fx: &mut Fx) {
        let Some(p) = self.processing else { return };
        if self.stall() {
            return;
        }
        if let Some(kind) = self.fails(ctx, &p.entry) {
            self.on_failure(ctx, kind, fx);
            return;
        }
        if let Some(r) = self.cfg.redrive.clone()
            && let Meta::Origin { tp, offset, .. } = p.entry.meta
        {
            self.redrive(ctx, &r, tp, offset, fx);
            return;
        }
        let me = self.me(ctx);
        fx.record(RecordKind::ProcessOk { consumer: me, tp: p.tp, offset: p.offset, value: p.entry.value });
        self.finish_record(ctx, fx);
    }

    /// The record is handled (processed, skipped, republished): move past it.
    pub(super) fn finish_record(&mut self, ctx: &mut Ctx, fx: &mut Fx) {
        let Some(p) = self.processing.take() else { return };
        if let Some(c) = self.cursor(p.tp) {
            c.processed = c.processed.max(p.offset + 1);
            c.buffered = c.buffered.saturating_sub(1);
            if c.buffered == 0 {
                self.fetch(ctx, p.tp, fx);
            }
        }
        self.pump(ctx, fx);
    }

    /// A poll batch took longer than max.poll.interval.ms: the client leaves the group
    /// (K AbstractCoordinator pollTimeoutExpired); the application finds out at its next poll.
    pub(super) fn poll_timeout(&mut self, ctx: &mut Ctx, fx: &mut Fx) {
        self.poll_timer_armed = false;
        let Some(max_poll_interval) = self.cfg.group.as_ref().map(|g| g.max_poll_interval) else { return };
        if self.idle() {
            return; // in poll(): the next batch arms the timer again
        }
        let deadline = self.last_poll + max_poll_interval;
        if ctx.now < deadline {
            self.poll_timer_armed = true;
            let t = MemberTimer::PollTimeout;
            fx.timer(deadline.since(ctx.now), KTimer::Consumer(ConsumerTimer::Group(t)));
            return;
        }
        fx.record(RecordKind::Group(GroupEvent::PollTimeout { consumer: self.me(ctx) }));
        self.leave_group(ctx, fx);
    }
}
