//! The sender's side of the wire (K Sender, NetworkClient's InFlightRequests): produce
//! requests awaiting a response, at most `max.in.flight` per partition, the per-partition
//! retry backoff (exponential, jittered), and the one request-timeout timer.

use crate::kafka::producer::accumulator::ProducerBatch;
use crate::sim::{Dur, NodeRng, SimTime};
use std::collections::BTreeMap;

/// A produce request awaiting its response.
#[derive(Clone, Debug)]
pub(super) struct InFlight {
    pub(super) p: u32,
    pub(super) sent_at: SimTime,
    pub(super) batch: ProducerBatch,
}

/// Requests in flight, per-partition counts and backoffs.
#[derive(Clone, Debug)]
pub(super) struct InFlightRequests {
    requests: BTreeMap<u64, InFlight>,
    per_partition: Vec<u32>,
    backoff_until: Vec<SimTime>,
    timeout_armed: bool,
}

impl InFlightRequests {
    /// None in flight, for `n` partitions.
    pub(super) fn new(n: usize) -> InFlightRequests {
        InFlightRequests {
            requests: BTreeMap::new(),
            per_partition: vec![0; n],
            backoff_until: vec![SimTime::ZERO; n],
            timeout_armed: false,
        }
    }

    /// Partitions were added: state for `n` partitions.
    pub(super) fn grow(&mut self, n: usize) {
        self.per_partition.resize(n, 0);
        self.backoff_until.resize(n, SimTime::ZERO);
    }

    /// Records in flight.
    pub(super) fn pending(&self) -> usize {
        self.requests.values().map(|f| f.batch.records.len()).sum::<usize>()
    }

    /// Whether `p` may send now: under `max_in_flight` and out of backoff.
    pub(super) fn can_send(&self, p: usize, now: SimTime, max_in_flight: u32) -> bool {
        self.per_partition[p] < max_in_flight && now >= self.backoff_until[p]
    }

    /// Records a sent request; true when the timeout timer must be armed.
    pub(super) fn add(&mut self, req: u64, f: InFlight) -> bool {
        self.per_partition[f.p as usize] += 1;
        self.requests.insert(req, f);
        !std::mem::replace(&mut self.timeout_armed, true)
    }

    /// Takes the request `req` off the wire (answered, unreachable or timed out).
    pub(super) fn complete(&mut self, req: u64) -> Option<InFlight> {
        let f = self.requests.remove(&req)?;
        self.per_partition[f.p as usize] -= 1;
        Some(f)
    }

    /// `p` sends nothing before `until`.
    pub(super) fn back_off(&mut self, p: usize, until: SimTime) {
        self.backoff_until[p] = until;
    }

    /// Whether a request of `p` in flight carries a batch preceding `b`.
    pub(super) fn holds_earlier(&self, p: u32, b: &ProducerBatch) -> bool {
        self.requests.values().any(|f| f.p == p && f.batch.precedes(b))
    }

    /// The timeout timer fired: the requests sent at least `timeout` ago.
    pub(super) fn expired(&mut self, now: SimTime, timeout: Dur) -> Vec<u64> {
        self.timeout_armed = false;
        self.requests.iter().filter(|(_, f)| f.sent_at + timeout <= now).map(|(r, _)| *r).collect()
    }

    /// When the timer must fire next (one timer, not one per request), if it is not armed.
    pub(super) fn rearm(&mut self, now: SimTime, timeout: Dur) -> Option<Dur> {
        let oldest = self.requests.values().map(|f| f.sent_at).min()?;
        if self.timeout_armed {
            return None;
        }
        self.timeout_armed = true;
        Some((oldest + timeout).since(now))
    }
}

/// The backoff before attempt `attempts + 1` (K retry.backoff.ms to retry.backoff.max.ms,
/// exponential, ±20 % jitter).
pub(super) fn retry_backoff(attempts: u32, backoff: Dur, backoff_max: Dur, rng: &mut NodeRng) -> Dur {
    Dur(backoff.backoff(attempts, backoff_max).0 * (800 + rng.below(401)) / 1000)
}
