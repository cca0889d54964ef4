//! Java's `String.hashCode` and `HashMap` iteration order: the sticky assignor's tie-breaks
//! and the offsets-topic partition of a group follow them, and the general sticky case's
//! `HashSet<TopicPartition>` order.

type Tp = (String, u32);

/// Java `String.hashCode` over UTF-16 code units.
pub fn java_hash(s: &str) -> i32 {
    s.encode_utf16().fold(0i32, |h, c| h.wrapping_mul(31).wrapping_add(c as i32))
}

/// `keys` in the order a `java.util.HashMap` with these keys inserted in this order
/// iterates them: bucket index `(h ^ h >>> 16) & (capacity − 1)`, insertion order within a
/// bucket (simplified: no treeified buckets, which need eight collisions in one bucket).
pub fn java_hashmap_order(keys: &[String]) -> Vec<String> {
    let mut cap = 16usize;
    while keys.len() * 4 > cap * 3 {
        cap *= 2;
    }
    let mut order: Vec<(usize, usize)> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let h = java_hash(k) as u32;
            (((h ^ (h >> 16)) as usize) & (cap - 1), i)
        })
        .collect();
    order.sort();
    order.into_iter().map(|(_, i)| keys[i].clone()).collect()
}

/// K TopicPartition.hashCode.
pub(super) fn tp_hash(tp: &Tp) -> i32 {
    31i32.wrapping_mul(31i32.wrapping_add(tp.1 as i32)).wrapping_add(java_hash(&tp.0))
}

/// The iteration order of a `java.util.HashSet<TopicPartition>` (default capacity 16, load
/// factor 0.75): by bucket `(h ^ h >>> 16) & (capacity − 1)`, then by insertion within a
/// bucket (resizes keep that order; removal does not shrink the table). A bucket reaching
/// nine entries doubles a table under 64; treeified buckets (at 64 and more) are not modelled.
#[derive(Clone, Debug)]
pub(super) struct JavaHashSet {
    cap: usize,
    seq: u64,
    pub(super) entries: Vec<(Tp, u64)>,
}

impl JavaHashSet {
    pub(super) fn new() -> JavaHashSet {
        JavaHashSet { cap: 16, seq: 0, entries: Vec::new() }
    }
    pub(super) fn bucket(&self, tp: &Tp) -> usize {
        let h = tp_hash(tp) as u32;
        ((h ^ (h >> 16)) as usize) & (self.cap - 1)
    }
    pub(super) fn insert(&mut self, tp: Tp) {
        if self.entries.iter().any(|(p, _)| *p == tp) {
            return;
        }
        let b = self.bucket(&tp);
        let chain = self.entries.iter().filter(|(p, _)| self.bucket(p) == b).count() + 1;
        self.seq += 1;
        self.entries.push((tp, self.seq));
        if chain >= 9 && self.cap < 64 {
            self.cap *= 2; // K HashMap.treeifyBin resizes small tables instead
        }
        if self.entries.len() * 4 > self.cap * 3 {
            self.cap *= 2;
        }
    }
    pub(super) fn remove(&mut self, tp: &Tp) {
        self.entries.retain(|(p, _)| p != tp);
    }
    pub(super) fn first(&self) -> Option<&Tp> {
        self.entries.iter().min_by_key(|(p, s)| (self.bucket(p), *s)).map(|(p, _)| p)
    }
}
