//! Watching a run from below the world: counters and safety invariants fed by the trace
//! records as they are made. Everything here reads records (trace) and plain ids (sim)
//! only; the checks that read the whole simulation live in `world::checks`, the runner
//! that evaluates expectations in `runner`.

pub mod amqp_invariants;
pub mod handled;
pub mod invariants;
pub mod stats;
pub mod violation;
