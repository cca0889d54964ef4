//! The invariants that read the whole simulation rather than one record: the state check
//! every few thousand events, the end-of-run checks, and the acknowledged-write and group
//! losses they (and the runner, the summary and the app) count. They share the memory of
//! the record-by-record checker (`check::invariants::Invariants`) the simulation carries.

pub mod end_of_run;
pub mod loss;
pub mod state;

use crate::check::invariants::Invariants;
use crate::check::violation::Violation;
use crate::world::Simulation;

impl Simulation {
    /// The state check (the step loop runs it every few thousand events).
    pub(super) fn check_state(&mut self) {
        self.check_with(state::check);
    }

    /// The end-of-run invariants (they need the final logs); a violation stops the run.
    pub fn check_end(&mut self) {
        self.check_with(end_of_run::check);
    }

    /// Runs a state check (the checker reads the whole simulation) unless one already broke.
    fn check_with(&mut self, check: fn(&mut Invariants, &Simulation) -> Result<(), Violation>) {
        if self.violation.is_none() {
            let mut inv = std::mem::take(&mut self.invariants);
            if let Err(v) = check(&mut inv, self) {
                self.violation = Some(v);
            }
            self.invariants = inv;
        }
    }
}
