//! The event queue: a binary heap ordered by (time, class, seq). Events at the same time
//! run in the order they were scheduled, so the order never depends on the heap's
//! internals. Inputs (faults, app actions) are a later class: at equal times they run after
//! every ordinary event, so an input applied live at time t and the same input replayed
//! from a saved scenario run at the same point.

use super::SimTime;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

#[derive(Clone, Debug)]
struct Entry<E> {
    at: SimTime,
    late: bool,
    seq: u64,
    event: E,
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, o: &Self) -> bool {
        self.at == o.at && self.late == o.late && self.seq == o.seq
    }
}
impl<E> Eq for Entry<E> {}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl<E> Ord for Entry<E> {
    // Reversed: BinaryHeap is a max-heap, we pop the earliest.
    fn cmp(&self, o: &Self) -> Ordering {
        o.at.cmp(&self.at)
            .then(o.late.cmp(&self.late))
            .then(o.seq.cmp(&self.seq))
    }
}

/// Pending events, earliest first; ties broken by scheduling order.
#[derive(Clone, Debug)]
pub struct EventQueue<E> {
    heap: BinaryHeap<Entry<E>>,
    next_seq: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue {
            heap: BinaryHeap::new(),
            next_seq: 0,
        }
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
        self.heap.push(Entry {
            at,
            late,
            seq,
            event,
        });
    }

    /// Removes and returns the earliest event.
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        self.heap.pop().map(|e| (e.at, e.event))
    }

    /// Time of the earliest event.
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.peek().map(|e| e.at)
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// True when nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// All pending events in (time, seq) order (for views; O(n log n)).
    pub fn iter_sorted(&self) -> Vec<(SimTime, &E)> {
        let mut v: Vec<(SimTime, u64, &E)> =
            self.heap.iter().map(|e| (e.at, e.seq, &e.event)).collect();
        v.sort_by_key(|&(at, seq, _)| (at, seq));
        v.into_iter().map(|(at, _, e)| (at, e)).collect()
    }

    /// Pending events in no particular order (cheap; for counting and filtering).
    pub fn iter_unordered(&self) -> impl Iterator<Item = (SimTime, &E)> {
        self.heap.iter().map(|e| (e.at, &e.event))
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
}
