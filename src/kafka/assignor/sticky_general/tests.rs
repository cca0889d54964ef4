//! Unit tests of `sticky_general`.

use super::*;
use crate::kafka::assignor::java_hash::{java_hash, tp_hash};

#[test]
fn topic_partition_hash_matches_java() {
    // new TopicPartition("topic", 0).hashCode() == 961 + "topic".hashCode()
    assert_eq!(tp_hash(&("topic".into(), 0)), 961i32.wrapping_add(java_hash("topic")));
    let mut s = JavaHashSet::new();
    for p in [0, 2, 1] {
        s.insert(("t".into(), p));
    }
    // "t".hashCode() = 116: buckets (961 + 31p + 116) & 15 = 5, 4, 3 for p = 0, 1, 2.
    assert_eq!(s.first(), Some(&("t".to_string(), 2)));
}
