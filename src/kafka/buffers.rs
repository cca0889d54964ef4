//! Recycled record buffers. The vectors that carry records in produce requests and fetch
//! responses go back to a per-thread pool once their receiver is done with them, so a
//! steady run allocates nothing per message (Kafka's producer pools its batch buffers the
//! same way: BufferPool). A buffer comes back empty, so reuse changes no result; the pool
//! is bounded in buffers and in the capacity it keeps.

/// Buffers a pool keeps at most (a fleet run has a few dozen in flight at once).
const MAX_POOLED: usize = 64;
/// Larger buffers are freed instead of kept.
const MAX_CAPACITY: usize = 1024;

/// A record type with a pool of its own (`pooled!` gives it one).
pub trait Pooled: Sized + 'static {
    /// Runs `f` on this type's pool.
    fn with_pool<R>(f: impl FnOnce(&mut Vec<Vec<Self>>) -> R) -> R;
}

/// Gives `$t` a per-thread pool of `Vec<$t>`.
macro_rules! pooled {
    ($t:ty) => {
        const _: () = {
            thread_local! {
                static POOL: std::cell::RefCell<Vec<Vec<$t>>> = const { std::cell::RefCell::new(Vec::new()) };
            }
            impl $crate::kafka::buffers::Pooled for $t {
                fn with_pool<R>(f: impl FnOnce(&mut Vec<Vec<Self>>) -> R) -> R {
                    POOL.with_borrow_mut(f)
                }
            }
        };
    };
}
pub(crate) use pooled;

/// An empty buffer, recycled if the pool has one.
pub fn take<T: Pooled>() -> Vec<T> {
    T::with_pool(|p| p.pop()).unwrap_or_default()
}

/// Returns a buffer to its pool (emptied), or frees it if the pool is full or it is large.
pub fn give<T: Pooled>(mut v: Vec<T>) {
    if v.capacity() == 0 || v.capacity() > MAX_CAPACITY {
        return;
    }
    v.clear();
    T::with_pool(|p| {
        if p.len() < MAX_POOLED {
            p.push(v);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Item(u32);
    pooled!(Item);

    #[test]
    fn a_given_buffer_comes_back_empty_with_its_capacity_and_the_pool_stays_bounded() {
        let mut v: Vec<Item> = take();
        v.extend((0..10).map(Item));
        assert_eq!(v.iter().map(|i| i.0).sum::<u32>(), 45);
        let ptr = v.as_ptr();
        give(v);
        let again: Vec<Item> = take();
        assert!(again.is_empty());
        assert_eq!(again.as_ptr(), ptr, "the same allocation is reused");
        for _ in 0..MAX_POOLED + 10 {
            give(Vec::<Item>::with_capacity(4));
        }
        assert_eq!(Item::with_pool(|p| p.len()), MAX_POOLED);
        give(Vec::<Item>::with_capacity(MAX_CAPACITY + 1));
        assert_eq!(Item::with_pool(|p| p.len()), MAX_POOLED);
    }
}
