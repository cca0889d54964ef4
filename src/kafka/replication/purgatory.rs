//! Purgatories (K DelayedProduce, DelayedFetch): acks=all produces wait here until the HW
//! covers them, and fetches with nothing to return wait until data arrives. Deadlines share
//! one armed check timer per partition instead of a timer per request.

use crate::kafka::effects::BrokerTimer;
use crate::kafka::effects::{Fx, KTimer};
use crate::kafka::protocol::{ClientMsg, Msg};
use crate::kafka::replication::delayed::ParkedFetch;
use crate::kafka::replication::partition::Partition;
use crate::kafka::replication::role::Role;
use crate::sim::SimTime;
use crate::trace::ErrorCode;

impl Partition {
    /// Schedules a purgatory check at `at` unless an earlier one is pending. Parked fetches
    /// and delayed produces share one timer per partition, as Kafka's purgatories share a
    /// timing wheel, instead of one timer per request.
    pub(super) fn arm_check(&mut self, now: SimTime, at: SimTime, fx: &mut Fx) {
        let Role::Leader(ls) = &mut self.role else { return };
        if ls.check_at.is_none_or(|c| at < c) {
            ls.check_at = Some(at);
            fx.timer(at.since(now), KTimer::Broker(BrokerTimer::PurgatoryCheck { tp: self.tp, at }));
        }
    }

    /// The purgatory check timer: expires parked fetches (answered empty) and delayed
    /// produces (REQUEST_TIMED_OUT) whose deadline passed, then re-arms for the next one.
    pub fn purgatory_check(&mut self, now: SimTime, at: SimTime, fx: &mut Fx) {
        let Role::Leader(ls) = &mut self.role else { return };
        if ls.check_at == Some(at) {
            ls.check_at = None;
        }
        let mut timed_out = Vec::new();
        ls.delayed.retain(|d| {
            let keep = d.deadline > now;
            if !keep {
                timed_out.push((d.from, d.req));
            }
            keep
        });
        let waiting = ls.parked.iter().map(|p| p.deadline).filter(|&d| d > now);
        let next = waiting.chain(ls.delayed.iter().map(|d| d.deadline)).min();
        for (from, req) in timed_out {
            fx.send(
                from,
                Msg::Client(ClientMsg::ProduceResp { req, tp: self.tp, result: Err(ErrorCode::RequestTimedOut) }),
            );
        }
        self.answer_parked_where(fx, |p| p.deadline <= now);
        if let Some(n) = next {
            self.arm_check(now, n, fx);
        }
    }

    /// Answers parked fetches that now have data (followers: LEO moved; consumers: HW
    /// moved), or all of them when `expire` (their wait ran out).
    pub fn answer_parked(&mut self, fx: &mut Fx, expire: bool) {
        let (leo, hw) = (self.log.end_offset(), self.hw);
        // Followers read up to the LEO, consumers up to the HW.
        let limit = |p: &ParkedFetch| if p.req.replica.is_some() { leo } else { hw };
        self.answer_parked_where(fx, |p| expire || p.req.offset < limit(p));
    }

    /// Answers the parked fetches `answer` picks, in the order they parked; keeps the rest.
    fn answer_parked_where(&mut self, fx: &mut Fx, answer: impl Fn(&ParkedFetch) -> bool) {
        let Role::Leader(ls) = &mut self.role else { return };
        if ls.parked.is_empty() {
            return;
        }
        // Taken out and put back with its capacity: no allocation per answer.
        let mut parked = std::mem::take(&mut ls.parked);
        parked.retain(|p| {
            let due = answer(p);
            if due {
                fx.send(p.from, Msg::Client(ClientMsg::FetchResp(self.read_for(&p.req))));
            }
            !due
        });
        if let Role::Leader(ls) = &mut self.role {
            ls.parked = parked;
        }
    }
}
