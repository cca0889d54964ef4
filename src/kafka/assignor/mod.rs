//! Partition assignors as the Java client computes them (K
//! org.apache.kafka.clients.consumer.internals and ...consumer.*Assignor).

pub mod java_hash;
pub mod member;
pub mod range;
pub mod sticky;
mod sticky_general;
