//! The process's own memory as Linux reports it, for the benches (CLI and app): a field of
//! `/proc/self/status`. Measuring only; nothing in a run reads it.

/// A `/proc/self/status` field in KiB (`VmHWM`: peak resident memory, `VmRSS`: now); None
/// where /proc is missing.
pub fn status_kib(field: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.strip_prefix(field).is_some_and(|r| r.starts_with(':')))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
