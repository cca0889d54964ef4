//! The producer (K org.apache.kafka.clients.producer): the client and its partitioner.

pub mod kafka_producer;
pub mod partitioner;
