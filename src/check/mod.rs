//! Checking runs: counters kept during the run, scenario expectations, acknowledged-write
//! loss, and the runner that evaluates expectations at their times.

pub mod amqp_invariants;
pub mod end_of_run;
pub mod expect;
pub mod fuzz;
pub mod fuzz_gen;
pub mod handled;
pub mod invariants;
pub mod metrics;
pub mod observed;
pub mod run;
pub mod seeds;
pub mod stats;
pub mod sweep;

pub use run::{RunReport, run_scenario};
