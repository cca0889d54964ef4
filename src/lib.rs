//! brokerlab: a deterministic simulator of Kafka-style message-queue clusters.
//!
//! One scenario and one seed give one byte-identical trace. The engine (`sim`, `kafka`,
//! `world`, `scenario`, `trace`, `check`) knows nothing of the desktop app (`gui`, behind the
//! `gui` feature); the CLI and the app are thin layers over [`world::Simulation`].

pub mod amqp;
pub mod check;
pub mod cli;
pub mod gui;
pub mod kafka;
pub mod runner;
pub mod scenario;
pub mod sim;
pub mod trace;
pub mod world;
