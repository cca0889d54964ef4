//! The event queue: a binary heap ordered by (time, class, seq). Events at the same time
//! run in the order they were scheduled, so the order never depends on the heap's
//! internals. Inputs (faults, app actions) are a later class: at equal times they run after
//! every ordinary event, so an input applied live at time t and the same input replayed
//! from a saved scenario run at the same point.

use super::SimTime;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// The heap holds only this small key; events live in a slab, so sifting moves 24 bytes
/// instead of whole messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Key {
    /// time << 64 | late << 63 | seq: one comparison orders by (time, class, seq).
    order: u128,
    slot: u32,
}

impl Key {
    fn at(&self) -> SimTime {
        SimTime((self.order >> 64) as u64)
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Key {
    // Reversed: BinaryHeap is a max-heap, we pop the earliest.
    fn cmp(&self, o: &Self) -> Ordering {
        o.order.cmp(&self.order)
    }
}

/// Pending events, earliest first; ties broken by scheduling order.
#[derive(Clone, Debug)]
pub struct EventQueue<E> {
    heap: BinaryHeap<Key>,
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
        let slot = match self.free.pop() {
            Some(s) => {
                self.slots[s as usize] = Some(event);
                s
            }
            None => {
                self.slots.push(Some(event));
                (self.slots.len() - 1) as u32
            }
        };
        debug_assert!(seq < 1 << 63, "sequence numbers overflow");
        let order = ((at.0 as u128) << 64) | ((late as u128) << 63) | seq as u128;
        self.heap.push(Key { order, slot });
    }

    /// Removes and returns the earliest event.
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        let k = self.heap.pop()?;
        self.free.push(k.slot);
        let e = self.slots[k.slot as usize].take().expect("a queued slot holds its event");
        Some((k.at(), e))
    }

    /// Time of the earliest event.
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.peek().map(|k| k.at())
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
        let mut keys: Vec<Key> = self.heap.iter().copied().collect();
        keys.sort_by(|a, b| b.cmp(a));
        keys.into_iter().map(|k| (k.at(), self.slots[k.slot as usize].as_ref().expect("queued"))).collect()
    }

    /// Pending events in no particular order (cheap; for counting and filtering).
    pub fn iter_unordered(&self) -> impl Iterator<Item = (SimTime, &E)> {
        self.heap.iter().map(|k| (k.at(), self.slots[k.slot as usize].as_ref().expect("queued")))
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
}
