//! Inputs that follow roles rather than broker numbers: crash whichever broker is the
//! controller, a partition's leader or a group's coordinator in this run, and restart
//! whichever node a fault took down. A scenario written with them stays true on any seed,
//! whoever wins the controller race.

use super::Simulation;
use crate::sim::NodeId;
use crate::trace::{BrokerId, DownHow, GroupRef};

impl Simulation {
    /// Crashes the broker that is controller now (the first in id order that thinks so).
    pub(super) fn crash_controller(&mut self) {
        let c =
            (1..=self.cfg.brokers).map(BrokerId).find(|&b| self.is_up(NodeId(b.0)) && self.broker(b).is_controller());
        match c {
            Some(b) => self.broker_down(b, DownHow::Crash),
            None => self.note("no broker is controller right now: nothing crashed".into()),
        }
    }

    /// Crashes the leader of `topic`-`partition`; without a partition, the leader of the
    /// lowest-numbered partition whose leader is not the controller.
    pub(super) fn crash_leader(&mut self, topic: &str, partition: Option<u32>) {
        let target = match partition {
            Some(p) => self.leader_of_name(topic, p).ok_or_else(|| format!("{topic}-{p} has no leader right now")),
            None => self.leader_not_controller(topic),
        };
        match target {
            Ok(b) => self.broker_down(b, DownHow::Crash),
            Err(why) => self.note(format!("{why}: nothing crashed")),
        }
    }

    fn leader_not_controller(&self, topic: &str) -> Result<BrokerId, String> {
        let controller = self.controller();
        let n = self.topic_id(topic).map(|t| self.cluster().topic(t).partitions).unwrap_or(0);
        (0..n)
            .filter_map(|p| self.leader_of_name(topic, p))
            .find(|&b| Some(b) != controller)
            .ok_or_else(|| format!("every partition of {topic} is offline or led by the controller"))
    }

    /// Crashes the broker coordinating `group` (the leader of its `__consumer_offsets` partition).
    pub(super) fn crash_coordinator(&mut self, group: &str) {
        match self.coordinator_of(group) {
            Some(b) => self.broker_down(b, DownHow::Crash),
            None => self.note(format!("group {group} has no coordinator right now: nothing crashed")),
        }
    }

    /// The broker coordinating `group` now, if any.
    pub fn coordinator_of(&self, group: &str) -> Option<BrokerId> {
        let gi = self.scenario.consumer_groups.iter().position(|g| g.name == group)?;
        let tp = self.cfg.offsets_partition_for(GroupRef(gi as u16))?;
        self.leader_of(tp)
    }

    /// Remembers that a fault took `node` down (for `RestartCrashed` and `{crashed}`).
    pub(super) fn took_down(&mut self, node: NodeId) {
        self.crashed.push(node);
    }

    /// The node a fault took down most recently (it may be running again since).
    pub fn last_crashed(&self) -> Option<NodeId> {
        self.crashed.last().copied()
    }

    /// The node a fault took down most recently that is still down.
    pub fn crashed_still_down(&self) -> Option<NodeId> {
        self.crashed.iter().rev().copied().find(|&n| !self.is_up(n))
    }

    /// What `RestartCrashed` does now, in plain words (the trace's input record).
    pub(super) fn describe_restart_crashed(&self) -> String {
        match self.crashed_still_down() {
            Some(n) => format!("restart {}, the last node a fault took down", self.names().node(n.0)),
            None => "restart the last node a fault took down: none is down, nothing restarted".into(),
        }
    }

    /// Restarts the node a fault took down most recently that is still down.
    pub(super) fn restart_crashed(&mut self) {
        if let Some(n) = self.crashed_still_down() {
            self.node_up(n);
        }
    }
}
