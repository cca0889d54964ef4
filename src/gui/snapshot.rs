//! The copy of the loaded run that going back restores, and its estimated size.

use super::state::Loaded;

/// Trace records a snapshot for going back keeps.
const SNAPSHOT_RECENT: usize = 4_000;

impl Loaded {
    /// Keeps a copy of the run for going back. The trace's recent records (up to 100,000)
    /// are for views; the copy keeps the last few thousand, enough for the log and Step.
    pub(super) fn snapshot(&mut self) {
        let recent = self.sim.trace.take_recent();
        let rewind = std::mem::take(&mut self.rewind);
        let mut copy = self.clone();
        self.sim.trace.put_recent(recent);
        self.rewind = rewind;
        copy.sim.trace = self.sim.trace.clone_keeping(SNAPSHOT_RECENT);
        let bytes = copy.approx_bytes();
        self.rewind.push_snapshot(self.sim.events(), self.sim.now(), bytes, copy);
    }

    /// A rough size of a run's copy: what grows with the run (log entries, queued events,
    /// kept trace records, chart samples, log lines), times a per-item size.
    fn approx_bytes(&self) -> usize {
        let l = self;
        let entries: u64 = l
            .sim
            .brokers()
            .flat_map(|b| b.rm.replicas.values())
            .map(|p| p.log.end_offset() - p.log.start_offset())
            .sum();
        let queued = l.sim.queued_events() as u64;
        let fixed = 256 << 10;
        let record = std::mem::size_of::<crate::trace::Record>() + 32;
        let acked: usize = l.sim.stats.acked.values().map(|q| q.len()).sum();
        let lines = l.log.lines().len();
        fixed
            + (entries * 64 + queued * 128) as usize
            + l.sim.trace.recent().len() * record
            + l.samples.len() * 256
            + acked * 24
            + lines * 300
    }
}
