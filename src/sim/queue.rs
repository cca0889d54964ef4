//! The event queue: a heap ordered by (time, class, seq). Events at the same time
//! run in the order they were scheduled, so the order never depends on the heap's
//! internals. Inputs (faults, app actions) are a later class: at equal times they run after
//! every ordinary event, so an input applied live at time t and the same input replayed
//! from a saved scenario run at the same point.

use super::SimTime;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Bits of the sequence number in a key (about 10^12 events per run).
const SEQ_BITS: u32 = 40;
/// Bits of the slot index in a key (about 8 million events pending at once).
const SLOT_BITS: u32 = 23;

/// A heap key: time << 64 | late << 63 | seq << 23 | slot. One u128 comparison orders by
/// (time, class, seq); the slot rides in the low bits, below the unique seq, so it never
/// decides the order. Sixteen bytes, half of a (u128, u32) pair with its padding.
type Key = u128;

fn key(at: SimTime, late: bool, seq: u64, slot: u32) -> Key {
    ((at.0 as u128) << 64) | ((late as u128) << 63) | ((seq as u128) << SLOT_BITS) | slot as u128
}

fn key_time(k: Key) -> SimTime {
    SimTime((k >> 64) as u64)
}

fn key_slot(k: Key) -> usize {
    (k as u64 & ((1 << SLOT_BITS) - 1)) as usize
}

/// Pending events, earliest first; ties broken by scheduling order.
///
/// The heap holds only keys; events live in a slab, so sifting moves 16 bytes instead of
/// whole messages.
#[derive(Clone, Debug)]
pub struct EventQueue<E> {
    heap: BinaryHeap<Reverse<Key>>,
    slots: Vec<Option<E>>,
    free: Vec<u32>,
    next_seq: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue { heap: BinaryHeap::new(), slots: Vec::new(), free: Vec::new(), next_seq: 0 }
    }
}

impl<E> EventQueue<E> {
    /// Schedules `event` at `at`.
    pub fn push(&mut self, at: SimTime, event: E) {
        self.push_class(at, false, event);
    }

    /// Schedules `event` at `at`, after every ordinary event of that time.
    pub fn push_late(&mut self, at: SimTime, event: E) {
        self.push_class(at, true, event);
    }

    fn push_class(&mut self, at: SimTime, late: bool, event: E) {
        let seq = self.next_seq;
        self.next_seq += 1;
        assert!(seq < 1 << SEQ_BITS, "more than 2^40 events scheduled in one run");
        let slot = match self.free.pop() {
            Some(s) => {
                self.slots[s as usize] = Some(event);
                s
            }
            None => {
                assert!(self.slots.len() < 1 << SLOT_BITS, "more than 2^23 events pending at once");
                self.slots.push(Some(event));
                (self.slots.len() - 1) as u32
            }
        };
        self.heap.push(Reverse(key(at, late, seq, slot)));
    }

    /// Removes and returns the earliest event.
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        let Reverse(k) = self.heap.pop()?;
        let slot = key_slot(k);
        self.free.push(slot as u32);
        let e = self.slots[slot].take().expect("a queued slot holds its event");
        Some((key_time(k), e))
    }

    /// Time of the earliest event.
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.peek().map(|&Reverse(k)| key_time(k))
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// True when nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// All pending events in (time, class, seq) order (for views; O(n log n)).
    pub fn iter_sorted(&self) -> Vec<(SimTime, &E)> {
        let mut keys: Vec<Key> = self.heap.iter().map(|&Reverse(k)| k).collect();
        keys.sort_unstable();
        keys.into_iter().map(|k| (key_time(k), self.slots[key_slot(k)].as_ref().expect("queued"))).collect()
    }

    /// Pending events in no particular order (cheap; for counting and filtering).
    pub fn iter_unordered(&self) -> impl Iterator<Item = (SimTime, &E)> {
        self.heap.iter().map(|&Reverse(k)| (key_time(k), self.slots[key_slot(k)].as_ref().expect("queued")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_by_time_then_insertion_order() {
        let mut q = EventQueue::default();
        q.push(SimTime(5), "b");
        q.push(SimTime(1), "a");
        q.push(SimTime(5), "c");
        q.push(SimTime(5), "d");
        let order: Vec<_> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, vec!["a", "b", "c", "d"]);
    }

    #[test]
    fn late_events_run_after_ordinary_ones_at_the_same_time() {
        let mut q = EventQueue::default();
        q.push_late(SimTime(5), "input");
        q.push(SimTime(5), "message");
        q.push(SimTime(6), "later");
        let order: Vec<_> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, vec!["message", "input", "later"]);
    }

    #[test]
    fn slots_are_reused_and_sorted_views_match_pop_order() {
        let mut q = EventQueue::default();
        for i in 0..10u64 {
            q.push(SimTime(10 - i), i);
        }
        let sorted: Vec<u64> = q.iter_sorted().into_iter().map(|(_, e)| *e).collect();
        let popped: Vec<u64> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(sorted, popped);
        q.push(SimTime(1), 99);
        assert_eq!(q.slots.len(), 10, "a freed slot was reused");
    }

    #[test]
    fn many_events_pop_in_time_then_scheduling_order_while_slots_are_reused() {
        // A xorshift stream of times, interleaved pushes and pops: the order must be exactly
        // (time, seq) for every pop, as a sort of what is pending says.
        let mut q = EventQueue::default();
        let mut x: u64 = 0x2545_f491;
        let mut pending: Vec<(u64, u64)> = Vec::new();
        let mut seq = 0u64;
        for round in 0..2000u64 {
            for _ in 0..(x % 3) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let t = round + x % 50;
                q.push(SimTime(t), seq);
                pending.push((t, seq));
                seq += 1;
            }
            if round % 2 == 0 || pending.len() > 40 {
                pending.sort_unstable();
                if let Some(first) = (!pending.is_empty()).then(|| pending.remove(0)) {
                    assert_eq!(q.pop().map(|(t, s)| (t.0, s)), Some(first));
                }
            }
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
        }
        pending.sort_unstable();
        let rest: Vec<(u64, u64)> = std::iter::from_fn(|| q.pop().map(|(t, s)| (t.0, s))).collect();
        assert_eq!(rest, pending);
        assert!(q.slots.len() < seq as usize, "slots were reused");
    }
}
