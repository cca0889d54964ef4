//! A broken invariant, as every checker reports it (the record-by-record ones here, the
//! whole-state ones in `world::checks`): its name, time, what broke it and the record.

/// A broken invariant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// Which one (a stable snake_case name).
    pub invariant: &'static str,
    /// Simulated time, µs.
    pub t_us: u64,
    /// What broke it, in words.
    pub detail: String,
    /// The trace record that broke it, as its JSON line (none for state checks).
    pub record: Option<String>,
}

/// A violation of `invariant` at `t_us`.
pub fn violation(invariant: &'static str, t_us: u64, detail: String) -> Violation {
    Violation { invariant, t_us, detail, record: None }
}
