//! The event log ("What just happened"). Notable records (elections, ISR changes, crashes,
//! rebalances, dead letters, losses) are kept and folded as they are made (`lines`),
//! coloured by the severity of their record kind (`severity`), and shown by the panel
//! (`panel`).

pub mod lines;
pub mod panel;
pub mod severity;

pub use lines::{EventLog, LogLine, MAX_LINES};
pub use panel::{event_log, view};
pub use severity::{Severity, severity};
