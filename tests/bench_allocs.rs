//! The bench's counting allocator counts what it is asked for, exactly: installed here as
//! the test binary's global allocator (as a `count-allocs` build of brokerlab installs it).

use brokerlab::cli::{CountingAllocator, allocation_counts};

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// One test in this binary: no other test thread allocates while it counts.
#[test]
fn the_counting_allocator_counts_each_allocation_and_reallocation() {
    let (a0, r0) = allocation_counts().expect("installed here, so counting");
    let boxes: Vec<Box<u64>> = Vec::with_capacity(100);
    let mut boxes = std::hint::black_box(boxes);
    for i in 0..100u64 {
        boxes.push(Box::new(i));
    }
    let (a1, r1) = allocation_counts().expect("counting");
    // The Vec, 100 boxes, and one probe allocation per `allocation_counts` call after the first.
    assert_eq!(a1 - a0, 1 + 100 + 1);
    assert_eq!(r1, r0, "no reallocation yet");
    let mut v: Vec<u8> = Vec::with_capacity(1);
    v.extend_from_slice(&[1, 2, 3, 4, 5, 6, 7, 8, 9]);
    std::hint::black_box(&v);
    let (a2, r2) = allocation_counts().expect("counting");
    assert_eq!(a2 - a1, 1 + 1, "the Vec and the probe");
    assert!(r2 > r1, "growing the Vec reallocated");
    let sum: u64 = boxes.iter().map(|b| **b).sum();
    let (a3, _) = allocation_counts().expect("counting");
    assert_eq!((sum, a3 - a2), (4950, 1), "summing allocates nothing: only the probe counts");
}
