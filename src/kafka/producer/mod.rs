//! The producer (K org.apache.kafka.clients.producer): the client, its settings, its
//! partitioner, its record accumulator, its sender's in-flight requests and its idempotence state.

pub mod accumulator;
pub mod config;
pub mod idempotence;
pub mod kafka_producer;
pub mod partitioner;
pub mod sender;
