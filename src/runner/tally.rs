//! A run's outcome in a few totals, read off the counters the run kept (`check::stats`)
//! and the losses and lags the summary shows, so that two runs can be set side by side
//! (`brokerlab diff`, and later the app) without a second way of counting.

use crate::world::Simulation;
use crate::world::checks::loss::acked_lost;

/// Which system a total is about: a table of two runs leaves out what neither has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum System {
    /// The Kafka cluster.
    Kafka,
    /// The RabbitMQ broker.
    Rabbit,
    /// Consumers of either.
    Both,
}

/// The totals of one run when it ended.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// The run had Kafka brokers.
    pub kafka: bool,
    /// The run had a RabbitMQ broker.
    pub rabbit: bool,
    /// Records producers created.
    pub produced: u64,
    /// Records acknowledged to their producers.
    pub acked: u64,
    /// Acknowledged records missing from their partition's log of record.
    pub acked_lost: u64,
    /// Records producers gave up on.
    pub failed: u64,
    /// Produce attempts answered with an error (every attempt; most are retried).
    pub produce_errors: u64,
    /// Messages AMQP publishers published.
    pub published: u64,
    /// Records and messages processed by all consumers (duplicates included).
    pub consumed: u64,
    /// Records processed again: per group (by any member), plus per consumer outside a group.
    pub duplicates: u64,
    /// Records sent to dead-letter topics plus messages dead-lettered from queues.
    pub dead_lettered: u64,
    /// Lag of every group plus every consumer outside a group, in records.
    pub lag: u64,
    /// Messages left in RabbitMQ queues, ready or delivered and unacknowledged.
    pub queue_depth: u64,
    /// Leader elections after the start.
    pub leader_changes: u64,
    /// Completed rebalances over all groups.
    pub rebalances: u64,
    /// Records removed by log truncation.
    pub truncated: u64,
}

/// The totals of `sim` now.
pub fn tally(sim: &Simulation) -> Tally {
    let s = &sim.stats;
    let outside_groups = sim
        .consumers()
        .filter(|(_, c)| c.cfg.group.is_none())
        .map(|(id, _)| id)
        .chain(sim.amqp_consumers().map(|(id, _)| id));
    let (mut duplicates, mut lag) = (0, 0);
    for id in outside_groups {
        duplicates += s.consumer_index(id.0).map_or(0, |i| s.consumers[i].duplicates);
        lag += sim.lag(id);
    }
    for (g, gs) in &s.groups {
        duplicates += gs.duplicates;
        lag += sim.group_lag(*g);
    }
    let rabbit = sim.rabbit().map(|(_, r)| r);
    Tally {
        kafka: sim.cluster().brokers > 0,
        rabbit: rabbit.is_some(),
        produced: s.produced,
        acked: s.acked_count,
        acked_lost: acked_lost(sim).len() as u64,
        failed: s.failed,
        produce_errors: s.errors.values().sum(),
        published: s.amqp.published,
        consumed: s.consumed(),
        duplicates,
        dead_lettered: s.dead_lettered.values().sum::<u64>() + s.amqp.dead_lettered.values().sum::<u64>(),
        lag,
        queue_depth: rabbit.map_or(0, |r| r.queues.values().map(|q| (q.depth() + q.unacked.len()) as u64).sum()),
        leader_changes: s.leader_changes,
        rebalances: s.groups.values().map(|g| g.rebalances).sum(),
        truncated: s.truncated,
    }
}

impl Tally {
    /// The totals as named rows, in the order a table shows them.
    pub fn rows(&self) -> [(&'static str, System, u64); 14] {
        [
            ("produced", System::Kafka, self.produced),
            ("acked", System::Kafka, self.acked),
            ("acked but lost", System::Kafka, self.acked_lost),
            ("produce errors (retried)", System::Kafka, self.produce_errors),
            ("produce failed", System::Kafka, self.failed),
            ("published", System::Rabbit, self.published),
            ("consumed", System::Both, self.consumed),
            ("duplicates", System::Both, self.duplicates),
            ("dead-lettered", System::Both, self.dead_lettered),
            ("lag", System::Kafka, self.lag),
            ("queue depth", System::Rabbit, self.queue_depth),
            ("leader changes", System::Kafka, self.leader_changes),
            ("rebalances", System::Kafka, self.rebalances),
            ("records truncated", System::Kafka, self.truncated),
        ]
    }

    /// Whether this run had the system a row is about.
    pub fn has(&self, side: System) -> bool {
        match side {
            System::Kafka => self.kafka,
            System::Rabbit => self.rabbit,
            System::Both => true,
        }
    }
}
