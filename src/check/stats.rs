//! Counters kept while the simulation runs, fed by the trace records as they are made:
//! produced, acked, errors, consumed, duplicates, key order, leader changes, truncations.

use crate::trace::{ErrorCode, KeyId, MsgId, RecordKind, Tp};
use std::collections::{BTreeMap, VecDeque};

/// What one consumer did.
#[derive(Clone, Debug, Default)]
pub struct ConsumerStats {
    /// Records processed (duplicates included).
    pub consumed: u64,
    /// Records processed again.
    pub duplicates: u64,
    /// Times a key's records were processed out of produced order.
    pub order_violations: u64,
    /// Failed processing attempts.
    pub failures: u64,
    /// Records skipped after their retries.
    pub skipped: u64,
    seen: Vec<Vec<u64>>,
    last_per_key: BTreeMap<(u32, KeyId), u32>,
}

impl ConsumerStats {
    fn saw(&mut self, m: MsgId) -> bool {
        let p = m.producer() as usize;
        if self.seen.len() <= p {
            self.seen.resize(p + 1, Vec::new());
        }
        let (word, bit) = (m.seq() as usize / 64, m.seq() % 64);
        let bits = &mut self.seen[p];
        if bits.len() <= word {
            bits.resize(word + 1, 0);
        }
        let was = bits[word] & (1 << bit) != 0;
        bits[word] |= 1 << bit;
        was
    }
}

/// Run-wide counters.
#[derive(Clone, Debug)]
pub struct Stats {
    /// Records created.
    pub produced: u64,
    /// Records acknowledged.
    pub acked_count: u64,
    /// Produce errors by kind (every attempt).
    pub errors: BTreeMap<ErrorCode, u64>,
    /// Records given up on.
    pub failed: u64,
    /// Leader elections after the start (including "offline").
    pub leader_changes: u64,
    /// Records removed by truncation.
    pub truncated: u64,
    /// Records lost with unflushed data at power loss.
    pub lost_unflushed: u64,
    /// Records produced per partition.
    pub produced_to: BTreeMap<Tp, u64>,
    /// Acknowledged records per partition: (id, offset), in acknowledgement order.
    pub acked: BTreeMap<Tp, VecDeque<(MsgId, u64)>>,
    /// Acknowledgements since retained ones were last forgotten.
    pub acked_since_forget: u64,
    /// Per consumer (by consumer number).
    pub consumers: Vec<ConsumerStats>,
    consumer_of_node: BTreeMap<u32, usize>,
    keys: Option<Vec<Vec<Option<KeyId>>>>,
}

impl Stats {
    /// Counters for `producers` producers and the consumers at `consumer_nodes`; key order
    /// is only tracked when some expectation needs it.
    pub fn new(producers: usize, consumer_nodes: &[u32], track_key_order: bool) -> Stats {
        Stats {
            produced: 0,
            acked_count: 0,
            errors: BTreeMap::new(),
            failed: 0,
            leader_changes: 0,
            truncated: 0,
            lost_unflushed: 0,
            produced_to: BTreeMap::new(),
            acked: BTreeMap::new(),
            acked_since_forget: 0,
            consumers: vec![ConsumerStats::default(); consumer_nodes.len()],
            consumer_of_node: consumer_nodes.iter().enumerate().map(|(i, &n)| (n, i)).collect(),
            keys: track_key_order.then(|| vec![Vec::new(); producers]),
        }
    }

    /// Counts one record.
    pub fn observe(&mut self, r: &RecordKind) {
        match r {
            RecordKind::Produce { value, key, tp, .. } => {
                self.produced += 1;
                *self.produced_to.entry(*tp).or_default() += 1;
                if let Some(keys) = &mut self.keys {
                    let list = &mut keys[value.producer() as usize];
                    if list.len() <= value.seq() as usize {
                        list.resize(value.seq() as usize + 1, None);
                    }
                    list[value.seq() as usize] = *key;
                }
            }
            RecordKind::Ack { value, tp, offset, .. } => {
                self.acked_count += 1;
                self.acked.entry(*tp).or_default().push_back((*value, *offset));
                self.acked_since_forget += 1;
            }
            RecordKind::ProduceError { error, retrying, .. } => {
                *self.errors.entry(*error).or_default() += 1;
                if !retrying {
                    self.failed += 1;
                }
            }
            RecordKind::Leader { .. } => self.leader_changes += 1,
            RecordKind::Truncate { removed, .. } => self.truncated += removed,
            RecordKind::BrokerDown { lost_unflushed, .. } => self.lost_unflushed += lost_unflushed,
            RecordKind::ProcessFail { consumer, .. } | RecordKind::ProcessSkip { consumer, .. } => {
                if let Some(&i) = self.consumer_of_node.get(&consumer.0) {
                    match r {
                        RecordKind::ProcessFail { .. } => self.consumers[i].failures += 1,
                        _ => self.consumers[i].skipped += 1,
                    }
                }
            }
            RecordKind::ProcessOk { consumer, value, .. } => {
                let Some(&i) = self.consumer_of_node.get(&consumer.0) else {
                    return;
                };
                let key = self
                    .keys
                    .as_ref()
                    .and_then(|k| k[value.producer() as usize].get(value.seq() as usize).copied().flatten());
                let c = &mut self.consumers[i];
                c.consumed += 1;
                if c.saw(*value) {
                    c.duplicates += 1;
                }
                if let Some(k) = key {
                    let last = c.last_per_key.entry((value.producer(), k)).or_insert(value.seq());
                    if value.seq() < *last {
                        c.order_violations += 1;
                    }
                    *last = (*last).max(value.seq());
                }
            }
            _ => {}
        }
    }

    /// Forgets acknowledged records below `start` of `tp` (retention removed them from
    /// every replica: they can never count as lost). Pops from the front only, so the work
    /// is proportional to what is forgotten.
    pub fn forget_acked_below(&mut self, tp: Tp, start: u64) {
        if let Some(q) = self.acked.get_mut(&tp) {
            while q.front().is_some_and(|&(_, off)| off < start) {
                q.pop_front();
            }
        }
    }

    /// Total records processed by all consumers.
    pub fn consumed(&self) -> u64 {
        self.consumers.iter().map(|c| c.consumed).sum()
    }
}
