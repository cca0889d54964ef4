//! A stable 64-bit digest of the trace. `std`'s default hasher is randomly keyed, so the
//! records are hashed with a fixed, platform-independent function instead (widths fixed
//! at 64 bits, so a 32-bit machine gives the same value).

use super::Record;
use std::hash::{Hash, Hasher};

/// A fixed-key 64-bit hasher (a multiply–rotate mix per word, finalised like splitmix64).
#[derive(Clone, Debug)]
pub struct StableHasher(u64);

impl Default for StableHasher {
    fn default() -> Self {
        StableHasher(0x6272_6f6b_6572_6c61) // "brokerla"
    }
}

impl StableHasher {
    fn mix(&mut self, w: u64) {
        self.0 = (self.0 ^ w).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(29);
    }
}

impl Hasher for StableHasher {
    fn finish(&self) -> u64 {
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.mix(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let mut tail = [0u8; 8];
        let rest = chunks.remainder();
        tail[..rest.len()].copy_from_slice(rest);
        self.mix(u64::from_le_bytes(tail) ^ ((rest.len() as u64) << 59));
    }
    fn write_u8(&mut self, i: u8) {
        self.mix(i as u64);
    }
    fn write_u16(&mut self, i: u16) {
        self.mix(i as u64);
    }
    fn write_u32(&mut self, i: u32) {
        self.mix(i as u64);
    }
    fn write_u64(&mut self, i: u64) {
        self.mix(i);
    }
    fn write_usize(&mut self, i: usize) {
        self.mix(i as u64);
    }
    fn write_isize(&mut self, i: isize) {
        self.mix(i as i64 as u64);
    }
}

/// The running digest of a trace.
#[derive(Clone, Debug, Default)]
pub struct Digest(StableHasher);

impl Digest {
    /// Folds one record in.
    pub fn add(&mut self, r: &Record) {
        r.hash(&mut self.0);
    }
    /// The digest so far.
    pub fn value(&self) -> u64 {
        self.0.finish()
    }
}
