//! Seed sweeps (the VOPR idea): for each seed a random fault schedule, a run with every
//! invariant on, a heal and a liveness check; failing schedules are shrunk. `campaign`
//! holds what a sweep of many seeds does around them (seed ranges, shards, JSON Lines).

pub mod campaign;
pub mod faults;
pub mod seed;
pub mod shrink;

pub use faults::{heal_time, random_faults, with_faults};
pub use seed::{SeedResult, Verdict, run_seed, run_seed_for};
pub use shrink::shrink;
