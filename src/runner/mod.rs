//! Running scenarios headless, above the world and beside the app: a run to each timed
//! expectation and to the end, the expectations' verdicts and the run's totals, two runs
//! compared record by record, what a session observed, the metrics time series, derived
//! seeds, seed sweeps, the process's memory for the benches, the scenario fuzzer, and `why` (when an outcome became inevitable).
//! The command line (`cli`) is a thin front over these.

pub mod course;
pub mod determinism;
pub mod diff;
pub mod expect;
pub mod fuzz;
pub mod fuzz_gen;
pub mod lifeline;
pub mod metrics;
pub mod observed;
pub mod proc_status;
pub mod report;
pub mod run;
pub mod seeds;
pub mod sweep;
pub mod tally;
pub mod why;

pub use report::RunReport;
pub use run::run_scenario;
