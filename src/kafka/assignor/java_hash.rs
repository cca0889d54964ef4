//! Java's `String.hashCode` and `HashMap` iteration order: the sticky assignor's tie-breaks
//! and the offsets-topic partition of a group follow them.

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
