//! `run --metrics`: a CSV time series, one row per simulated second, that spreadsheets and
//! plotting tools open: throughput so far, smallest ISR, retained log records, every
//! consumer's and group's lag, every RabbitMQ queue's ready depth.

use crate::trace::GroupRef;
use crate::world::Simulation;

/// The header row for this simulation.
pub fn header(sim: &Simulation) -> String {
    let n = sim.names();
    let mut cols: Vec<String> =
        ["t_s", "produced", "acked", "consumed", "min_isr", "log_records"].iter().map(|s| s.to_string()).collect();
    cols.extend(sim.consumers().map(|(id, _)| format!("lag_{}", n.node(id.0))));
    cols.extend(n.groups.iter().map(|g| format!("group_lag_{g}")));
    if let Some((_, r)) = sim.rabbit() {
        cols.extend(queue_names(r).map(|q| format!("queue_{q}")));
    }
    cols.join(",")
}

/// One row: the simulation now.
pub fn row(sim: &Simulation) -> String {
    let s = &sim.stats;
    let parts = sim.partitions();
    let min_isr =
        parts.iter().filter_map(|&tp| sim.authoritative_replica(tp).map(|r| r.state.isr.len())).min().unwrap_or(0);
    let retained: u64 = parts
        .iter()
        .filter_map(|&tp| sim.authoritative_replica(tp))
        .map(|r| r.log.end_offset() - r.log.start_offset())
        .sum();
    let mut v: Vec<String> = vec![
        format!("{:.3}", sim.now().as_secs_f64()),
        (s.produced + s.amqp.published).to_string(),
        s.acked_count.to_string(),
        s.consumed().to_string(),
        min_isr.to_string(),
        retained.to_string(),
    ];
    v.extend(sim.consumers().map(|(id, _)| sim.lag(id).to_string()));
    v.extend((0..sim.names().groups.len() as u16).map(|g| sim.group_lag(GroupRef(g)).to_string()));
    if let Some((_, r)) = sim.rabbit() {
        // A queue a restart deleted holds nothing: 0, so every row keeps the header's columns.
        v.extend(queue_names(r).map(|q| r.queues.get(q).map_or(0, |q| q.depth()).to_string()));
    }
    v.join(",")
}

/// The declared queues by name (deleted ones too), in name order.
fn queue_names(r: &crate::amqp::broker::Rabbit) -> impl Iterator<Item = &str> {
    let mut names: Vec<&str> = r.cfg.queues.iter().map(|c| c.name.as_str()).collect();
    names.sort();
    names.into_iter()
}
