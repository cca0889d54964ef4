//! Choosing a partition exactly as the Java client does: murmur2 of the key bytes, made
//! positive with `& 0x7fffffff` (not `abs`), modulo the partition count; null keys by the
//! sticky partitioner (KIP-794, simplified: no adaptive weights) or round robin (≤ 2.3).

use crate::sim::NodeRng;

/// Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2), as a signed 32-bit int.
pub fn murmur2(data: &[u8]) -> i32 {
    const SEED: u32 = 0x9747_b28c;
    const M: u32 = 0x5bd1_e995;
    const R: u32 = 24;
    let len = data.len();
    let mut h: u32 = SEED ^ (len as u32);
    let mut chunks = data.chunks_exact(4);
    for c in &mut chunks {
        let mut k = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h = h.wrapping_mul(M);
        h ^= k;
    }
    let tail = chunks.remainder();
    if tail.len() >= 3 {
        h ^= (tail[2] as u32) << 16;
    }
    if tail.len() >= 2 {
        h ^= (tail[1] as u32) << 8;
    }
    if !tail.is_empty() {
        h ^= tail[0] as u32;
        h = h.wrapping_mul(M);
    }
    h ^= h >> 13;
    h = h.wrapping_mul(M);
    h ^= h >> 15;
    h as i32
}

/// Utils.toPositive: clears the sign bit.
pub fn to_positive(x: i32) -> u32 {
    (x as u32) & 0x7fff_ffff
}

/// The partition for a keyed record: `toPositive(murmur2(key)) % partitions`.
pub fn partition_for_key(key: &[u8], partitions: u32) -> u32 {
    partition_for_hash(murmur2(key), partitions)
}

/// The partition for a key whose murmur2 is `hash` (hashed once, used for every record).
pub fn partition_for_hash(hash: i32, partitions: u32) -> u32 {
    to_positive(hash) % partitions
}

/// How records without a key are spread.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum NullKeyPartitioner {
    /// Kafka ≥ 3.3: stay on one partition for `batch.size` bytes, then switch at random.
    #[default]
    Sticky,
    /// Kafka ≤ 2.3: a counter from a random start, over partitions that have a leader.
    RoundRobin,
}

/// State of the null-key partitioner.
#[derive(Clone, Debug, Default)]
pub struct NullKeyState {
    current: Option<u32>,
    bytes_on_current: u64,
    counter: Option<u64>,
}

impl NullKeyState {
    /// Picks the partition for the next null-key record of `record_bytes` bytes.
    /// `available` lists partitions with a known leader (all partitions if empty).
    pub fn next(
        &mut self,
        mode: NullKeyPartitioner,
        available: &[u32],
        partitions: u32,
        record_bytes: u64,
        batch_bytes: u64,
        rng: &mut NodeRng,
    ) -> u32 {
        match mode {
            NullKeyPartitioner::RoundRobin => {
                let c = *self.counter.get_or_insert_with(|| rng.below(1 << 31));
                self.counter = Some(c + 1);
                if available.is_empty() {
                    (c % partitions as u64) as u32
                } else {
                    available[(c % available.len() as u64) as usize]
                }
            }
            NullKeyPartitioner::Sticky => {
                let switch = match self.current {
                    None => true,
                    Some(_) => self.bytes_on_current >= batch_bytes,
                };
                if switch {
                    let pick = |rng: &mut NodeRng, from: &[u32]| from[rng.below(from.len() as u64) as usize];
                    let all: Vec<u32>;
                    let pool = if available.is_empty() {
                        all = (0..partitions).collect();
                        &all[..]
                    } else {
                        available
                    };
                    // A different partition when there is more than one (KIP-480/794).
                    let others: Vec<u32> = pool.iter().copied().filter(|&p| Some(p) != self.current).collect();
                    let p = if others.is_empty() { pick(rng, pool) } else { pick(rng, &others) };
                    self.current = Some(p);
                    self.bytes_on_current = 0;
                }
                self.bytes_on_current += record_bytes;
                self.current.expect("set above")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn murmur2_matches_kafka_utils_test() {
        assert_eq!(murmur2(b"21"), -973_932_308);
        assert_eq!(murmur2(b"foobar"), -790_332_482);
        assert_eq!(murmur2(b"a-little-bit-long-string"), -985_981_536);
        assert_eq!(murmur2(b"a-little-bit-longer-string"), -1_486_304_829);
        assert_eq!(murmur2(b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8"), -58_897_971);
        assert_eq!(murmur2(b"abc"), 479_470_107);
    }

    #[test]
    fn to_positive_is_not_abs() {
        // "foobar": abs would give partition 2 of 6; Kafka gives 0.
        assert_eq!(partition_for_key(b"foobar", 6), 0);
        assert_eq!(partition_for_key(b"abc", 3), 0);
        assert_eq!(partition_for_key(b"abc", 4), 3);
    }

    #[test]
    fn sticky_switches_after_a_batch_and_never_to_the_same_partition() {
        let mut s = NullKeyState::default();
        let mut rng = NodeRng::new(3, 3);
        let avail = [0, 1, 2];
        let first = s.next(NullKeyPartitioner::Sticky, &avail, 3, 100, 1000, &mut rng);
        for _ in 0..9 {
            assert_eq!(s.next(NullKeyPartitioner::Sticky, &avail, 3, 100, 1000, &mut rng), first);
        }
        let second = s.next(NullKeyPartitioner::Sticky, &avail, 3, 100, 1000, &mut rng);
        assert_ne!(second, first);
    }

    #[test]
    fn round_robin_cycles_over_available_partitions() {
        let mut s = NullKeyState::default();
        let mut rng = NodeRng::new(3, 3);
        let picks: Vec<u32> =
            (0..6).map(|_| s.next(NullKeyPartitioner::RoundRobin, &[0, 2], 3, 1, 1, &mut rng)).collect();
        assert!(picks.windows(2).all(|w| w[0] != w[1]));
        assert!(picks.iter().all(|p| *p == 0 || *p == 2));
    }
}
