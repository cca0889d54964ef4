//! The consumer (K org.apache.kafka.clients.consumer): the client, its view of the cluster
//! (`metadata`), its fetch positions (`fetcher`), its poll loop, its group membership,
//! session and offset commits, and failure handling (retry topics, dead letters, re-drive).

pub mod config;
pub mod fetcher;
pub mod kafka_consumer;
pub mod member_state;
pub mod membership;
pub mod metadata;
pub mod offsets;
pub mod poll;
pub mod republish;
pub mod retry;
pub mod session;
