//! Heap allocations per engine event, for `brokerlab bench`. `CountingAllocator` forwards
//! to the system allocator and counts each call that asks it for memory. Only a binary
//! built with the `count-allocs` feature installs it (src/main.rs); every other build,
//! the product's included, keeps the system allocator untouched, and the bench then says
//! how to get the figure instead of printing one.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static REALLOCATIONS: AtomicU64 = AtomicU64::new(0);

/// The system allocator, counting allocations and reallocations (frees are not counted).
pub struct CountingAllocator;

// SAFETY: every call is forwarded unchanged to `System`, which upholds the contract; the
// counters are atomics and never allocate.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Relaxed);
        // SAFETY: the caller's contract for `alloc` is passed on as is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Relaxed);
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        REALLOCATIONS.fetch_add(1, Relaxed);
        // SAFETY: `ptr` and `layout` come from this allocator, which is `System`'s.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as for `realloc`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

/// Allocations and reallocations so far (process-wide), if `CountingAllocator` is the
/// global allocator: a probe allocation must move the count, or nothing counts.
pub fn counts() -> Option<(u64, u64)> {
    let before = ALLOCATIONS.load(Relaxed);
    drop(std::hint::black_box(Box::new(0u64)));
    let after = ALLOCATIONS.load(Relaxed);
    (after > before).then(|| (after, REALLOCATIONS.load(Relaxed)))
}

/// Allocations and reallocations per event between two `counts()` taken at `events0`
/// and `events1` events (the probe's own allocation subtracted).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PerEvent {
    /// Allocations per event.
    pub allocations: f64,
    /// Reallocations per event (a growing Vec or VecDeque).
    pub reallocations: f64,
    /// Events in the window.
    pub events: u64,
}

impl PerEvent {
    /// The window from `(c0, events0)` to `(c1, events1)`; None if it holds no event.
    pub fn between(c0: (u64, u64), events0: u64, c1: (u64, u64), events1: u64) -> Option<PerEvent> {
        let events = events1.checked_sub(events0).filter(|&n| n > 0)?;
        let allocations = c1.0.saturating_sub(c0.0).saturating_sub(1); // the second probe
        let reallocations = c1.1.saturating_sub(c0.1);
        Some(PerEvent {
            allocations: allocations as f64 / events as f64,
            reallocations: reallocations as f64 / events as f64,
            events,
        })
    }
}

/// What the bench found about allocations in its steady-state window.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Allocs {
    /// This binary does not count (built without `count-allocs`).
    NotCounted,
    /// The window held no event (a run too short to have a steady state).
    NoEvents,
    /// The figure.
    Counted(PerEvent),
}

impl Allocs {
    /// The window from `start` (counts and events at its start) to now, at `events`.
    pub fn since(start: Option<((u64, u64), u64)>, events: u64) -> Allocs {
        match (start, counts()) {
            (Some((c0, e0)), Some(c1)) => {
                PerEvent::between(c0, e0, c1, events).map_or(Allocs::NoEvents, Allocs::Counted)
            }
            (None, _) | (_, None) => Allocs::NotCounted,
        }
    }

    /// The line the bench prints: the figure, or how to get it.
    pub fn line(&self) -> String {
        match self {
            Allocs::Counted(w) => format!(
                "  allocations per event    {:.2}   (reallocations {:.2}; steady state: the {} events from 10% of the run to its end)",
                w.allocations, w.reallocations, w.events
            ),
            Allocs::NoEvents => "  allocations per event    (no events after the first 10% of the run)".to_string(),
            Allocs::NotCounted => {
                "  allocations per event    not counted in this build: add `--features count-allocs` \
                 (cargo run --release --no-default-features --features count-allocs -- bench)"
                    .to_string()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_subtracts_its_closing_probe_and_needs_events() {
        let w = PerEvent::between((10, 2), 100, (211, 7), 200).expect("100 events");
        assert_eq!(w, PerEvent { allocations: 2.0, reallocations: 0.05, events: 100 });
        assert_eq!(PerEvent::between((10, 0), 100, (11, 0), 100), None, "no events, no figure");
        assert!(Allocs::NotCounted.line().contains("--features count-allocs"));
        assert!(Allocs::Counted(w).line().contains("allocations per event    2.00"));
    }
}
