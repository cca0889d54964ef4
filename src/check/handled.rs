//! Bitsets behind the counters: which message ids a consumer or group has seen (for
//! duplicates) and which offsets of a partition a group has handled (for losses and the
//! conservation invariant).

use crate::trace::MsgId;

/// A set of message ids (a bitset per producer).
#[derive(Clone, Debug, Default)]
pub struct SeenSet(Vec<Vec<u64>>);

impl SeenSet {
    /// Marks `m`; true if it was already there.
    pub fn insert(&mut self, m: MsgId) -> bool {
        let p = m.producer() as usize;
        if self.0.len() <= p {
            self.0.resize(p + 1, Vec::new());
        }
        let (word, bit) = (m.seq() as usize / 64, m.seq() % 64);
        let bits = &mut self.0[p];
        if bits.len() <= word {
            bits.resize(word + 1, 0);
        }
        let was = bits[word] & (1 << bit) != 0;
        bits[word] |= 1 << bit;
        was
    }
}

/// Offsets of one partition a group handled, from the first it fetched.
#[derive(Clone, Debug, Default)]
pub struct Handled {
    /// First offset the group fetched.
    pub first: Option<u64>,
    bits: Vec<u64>,
}

impl Handled {
    /// A fetch from `offset`: the first offset may move down (a member that fetched
    /// earlier records late), and the marks keep their offsets.
    pub(super) fn fetched_from(&mut self, offset: u64) {
        match self.first {
            None => self.first = Some(offset),
            Some(f) if offset < f => {
                let marked: Vec<u64> = (0..self.bits.len() as u64 * 64)
                    .filter(|i| self.bits[(i / 64) as usize] & (1 << (i % 64)) != 0)
                    .map(|i| f + i)
                    .collect();
                self.bits.clear();
                self.first = Some(offset);
                for o in marked {
                    self.mark(o);
                }
            }
            Some(_) => {}
        }
    }

    pub(super) fn mark(&mut self, offset: u64) {
        let Some(first) = self.first else { return };
        let Some(i) = offset.checked_sub(first) else { return };
        let (w, b) = (i as usize / 64, i % 64);
        if self.bits.len() <= w {
            self.bits.resize(w + 1, 0);
        }
        self.bits[w] |= 1 << b;
    }
    /// Handled (or before the first fetched offset)?
    pub fn has(&self, offset: u64) -> bool {
        let Some(i) = self.first.and_then(|f| offset.checked_sub(f)) else { return true };
        self.bits.get(i as usize / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::Handled;

    #[test]
    fn marks_keep_their_offsets_when_an_earlier_fetch_arrives_late() {
        let mut h = Handled::default();
        h.fetched_from(20);
        h.mark(20);
        h.mark(85);
        h.fetched_from(0);
        assert_eq!(h.first, Some(0));
        assert!(h.has(20) && h.has(85));
        assert!(!h.has(0) && !h.has(21) && !h.has(84));
    }
}
