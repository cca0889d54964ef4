//! What a node handler gets (`Ctx`) and may ask for (`Effects`). Handlers compute; the world's loop applies: it sends
//! the messages through the network, schedules the timers and stamps the trace records.

use super::node::NodeId;
use super::{Dur, NodeRng, SimTime};

/// The outputs of one handler call, collected and applied by the loop.
#[derive(Clone, Debug)]
pub struct Effects<M, T, R> {
    /// Messages to send, in order.
    pub sends: Vec<(NodeId, M)>,
    /// Timers to set, relative to now. Stale timers are ignored by their handler
    /// (they carry a token), so there is no cancel.
    pub timers: Vec<(Dur, T)>,
    /// Trace records, in order.
    pub records: Vec<R>,
}

impl<M, T, R> Default for Effects<M, T, R> {
    fn default() -> Self {
        Effects { sends: Vec::new(), timers: Vec::new(), records: Vec::new() }
    }
}

impl<M, T, R> Effects<M, T, R> {
    /// Asks the loop to send `msg` to `to`.
    pub fn send(&mut self, to: NodeId, msg: M) {
        self.sends.push((to, msg));
    }
    /// Asks the loop to fire `timer` after `after`.
    pub fn timer(&mut self, after: Dur, timer: T) {
        self.timers.push((after, timer));
    }
    /// Asks the loop to append a trace record.
    pub fn record(&mut self, r: R) {
        self.records.push(r);
    }
    /// Empties all three lists, keeping their allocations.
    pub fn clear(&mut self) {
        self.sends.clear();
        self.timers.clear();
        self.records.clear();
    }
}

/// What every handler gets besides its input: the time and its own random stream.
pub struct Ctx<'a> {
    /// Now.
    pub now: SimTime,
    /// This node's id.
    pub me: NodeId,
    /// This node's random stream.
    pub rng: &'a mut NodeRng,
}
